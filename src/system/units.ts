// Sizes and times as a description writes them (`4KiB`, `10ms`), in bytes and nanoseconds,
// and back again for messages. The patterns are the schema's (schema.ts), so an editor
// and `cellvisor check` accept the same spellings.

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };
/** Decimal digits of nanoseconds in one of each unit. */
const TIME_DIGITS: Readonly<Record<string, number>> = { ns: 0, us: 3, 'µs': 3, ms: 6, s: 9 };

/** A size string: digits, an optional space, a binary unit. */
export const SIZE_PATTERN = '^[0-9]+ ?(B|KiB|MiB|GiB)$';
/** A time string: a decimal number, an optional space, a unit. */
export const TIME_PATTERN = '^[0-9]+(\\.[0-9]+)? ?(ns|us|µs|ms|s)$';

/** Bytes, for an integer or a string matching SIZE_PATTERN; undefined otherwise. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = new RegExp(SIZE_PATTERN).exec(value);
  if (!m) return undefined;
  const bytes = Number(value.slice(0, value.length - m[1].length).trim()) * SIZE_UNITS[m[1]];
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * Nanoseconds, for a string matching TIME_PATTERN that is a whole number of ns;
 * undefined otherwise. Parsed as decimal digits, not floats, so `0.1ms` is exact.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = new RegExp(TIME_PATTERN).exec(value);
  if (!m) return undefined;
  const unit = m[2];
  const [whole, fraction = ''] = value.slice(0, value.length - unit.length).trim().split('.');
  const digits = TIME_DIGITS[unit];
  const scale = 10 ** digits;
  if (fraction.replace(/0+$/, '').length > digits) return undefined;
  const ns = Number(whole) * scale + Number(fraction.padEnd(digits, '0').slice(0, digits) || '0');
  return Number.isSafeInteger(ns) ? ns : undefined;
}

/** The shortest exact spelling: `4 KiB`, `1 MiB`, `12345 B`. */
export function formatSize(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB']) {
    const scale = SIZE_UNITS[unit];
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  }
  return `${bytes} B`;
}

/** A time for tables and messages: `1 ms`, `6.6 µs`, `250 ns` (up to 3 decimals). */
export function formatTime(ns: number): string {
  const [scale, unit] = ns >= 1e9 ? [1e9, 's'] : ns >= 1e6 ? [1e6, 'ms'] : ns >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
  return `${Number((ns / scale).toFixed(3))} ${unit}`;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
