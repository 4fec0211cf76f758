// Command-line parsing for the subcommands: GNU-style long options (`--name value`,
// `--name=value`), short ones (`-m 64M`, `-m64M`), `--` to end options. Every problem
// is a UsageError naming the argument, so the user sees one line and exit status 2.
import { DEFAULT_PROFILE, isCpuProfile, PROFILES, type CpuProfile } from '../hart/profile.js';
import { MAX_RAM_SIZE } from '../machine/memory-map.js';

import { EXIT_USAGE } from './exit-codes.js';

export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = EXIT_USAGE;

  /** `subject` is what the message is about: a file name or an option. */
  constructor(readonly subject: string, problem: string) {
    super(problem);
  }
}

export interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly takesValue: boolean;
}

export interface ParsedArgs {
  readonly positionals: string[];
  /** By long name; `true` for a flag. The last occurrence wins. */
  readonly options: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const long = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = specs.find((s) => s.long === long);
    } else {
      spec = specs.find((s) => s.short === arg[1]);
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    }
    const shown = arg.split('=')[0];
    if (!spec) throw new UsageError(shown, `unknown option; see 'cellvisor ${command} --help'`);
    if (!spec.takesValue) {
      if (inline !== undefined) throw new UsageError(shown, 'takes no value');
      options.set(spec.long, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(shown, 'needs a value');
    options.set(spec.long, value);
  }
  return { positionals, options };
}

/** A positive instruction count: decimal or 0x hex, `_` allowed as a digit separator. */
export function parseCount(option: string, text: string): bigint {
  const clean = text.replaceAll('_', '');
  if (!/^(?:[0-9]+|0x[0-9a-f]+)$/i.test(clean) || BigInt(clean) <= 0n) {
    throw new UsageError(option, `expected a positive integer, got '${text}'`);
  }
  return BigInt(clean);
}

const UNITS: Readonly<Record<string, number>> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };
export const MAX_RAM = MAX_RAM_SIZE;

/** A RAM size as QEMU's -m takes it: a number with K/M/G suffix, a bare number meaning MiB. */
export function parseRamSize(option: string, text: string): number {
  const m = /^([0-9]+)([KMG]?)(?:i?B)?$/i.exec(text);
  if (!m) throw new UsageError(option, `expected a size like 128M or 1G, got '${text}'`);
  const bytes = Number(m[1]) * UNITS[(m[2] || 'M').toUpperCase()];
  if (bytes === 0 || bytes % 4096 !== 0) {
    throw new UsageError(option, `RAM size must be a non-zero multiple of 4K, got '${text}'`);
  }
  if (bytes > MAX_RAM) throw new UsageError(option, `RAM size ${text} is larger than the 2G this board supports`);
  return bytes;
}

/** `--cpu NAME`: one of the hart's profiles (src/hart/profile.ts). */
export function parseCpu(flag: string, text: string): CpuProfile {
  if (isCpuProfile(text)) return text;
  const accepted = Object.entries(PROFILES).map(([name, p]) => `${name} (${p.summary})`).join(', ');
  throw new UsageError(flag, `unknown CPU '${text}'; accepted: ${accepted}`);
}

/** `--jit on|off`. */
export function parseJit(flag: string, text: string): boolean {
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new UsageError(flag, `'${text}' is not on or off`);
}

export const JIT_HELP = `  --jit on|off    compile hot guest code to WebAssembly (default on, unless the
                  CELLVISOR_JIT environment variable is off); the same run either way`;

export const CPU_HELP = `  --cpu NAME      the hart's ISA: ${Object.keys(PROFILES).join(' or ')} (default ${DEFAULT_PROFILE});
                  rv64gc is the plain 2019 baseline; rva22 adds RVA22S64, Sstc, Zicond
                  and the H extension (hypervisor: KVM runs); rva22h is the same as rva22`;

/** Where the guest's RTC starts (`--rtc`): the host's clock, the board's fixed date, or a given date. */
export type RtcBase =
  | { readonly kind: 'host' }
  | { readonly kind: 'fixed' }
  | { readonly kind: 'date'; readonly epochNs: bigint };

/** Linux reads the RTC into a signed 64-bit nanosecond count: 2262-04-11 is its end. */
const MAX_RTC_NS = (1n << 63n) - 1n;

/**
 * `--rtc host|fixed|DATE`, DATE in UTC as QEMU's `-rtc base=` takes it: 2024-05-01 or
 * 2024-05-01T12:00:00, with an optional Z.
 */
export function parseRtc(option: string, text: string): RtcBase {
  if (text === 'host' || text === 'fixed') return { kind: text };
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z?)?$/.exec(text);
  if (!m) {
    throw new UsageError(option, `expected host, fixed or a UTC date like 2024-05-01 or 2024-05-01T12:00:00Z, got '${text}'`);
  }
  const [y, mon, d, h, min, s] = m.slice(1).map((f) => Number(f ?? 0));
  if (y < 1970) throw new UsageError(option, `'${text}' is before 1970-01-01, where the RTC's count starts`);
  const ms = Date.UTC(y, mon - 1, d, h, min, s);
  const back = new Date(ms);
  // Date.UTC rolls over out-of-range fields (February 30 becomes March 2): reject those.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mon - 1 || back.getUTCDate() !== d
    || back.getUTCHours() !== h || back.getUTCMinutes() !== min || back.getUTCSeconds() !== s) {
    throw new UsageError(option, `no such date or time: '${text}'`);
  }
  const epochNs = BigInt(ms) * 1_000_000n;
  if (epochNs > MAX_RTC_NS) throw new UsageError(option, `'${text}' is after 2262-04-11, past the 64-bit nanosecond count Linux reads the RTC into`);
  return { kind: 'date', epochNs };
}
