// An exact reference for the RISC-V F/D/Zfhmin operations, written independently of
// src/hart/core/fpu.ts: every finite operand becomes an exact rational (BigInt), the
// exact result is computed and then rounded once, straight from the definitions in the
// unprivileged spec and IEEE 754-2008 (tininess after rounding, default exception
// handling). Slow, simple, and meant to be obviously right.

export interface Format {
  readonly name: string;
  readonly width: number;
  readonly fracBits: number;
  readonly expBits: number;
}

export const F16: Format = { name: 'f16', width: 16, fracBits: 10, expBits: 5 };
export const F32: Format = { name: 'f32', width: 32, fracBits: 23, expBits: 8 };
export const F64: Format = { name: 'f64', width: 64, fracBits: 52, expBits: 11 };

export const NV = 16;
export const DZ = 8;
export const OF = 4;
export const UF = 2;
export const NX = 1;

export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;

export interface Result {
  readonly bits: bigint;
  readonly flags: number;
}

type Decoded =
  | { readonly cls: 'nan'; readonly sign: number; readonly quiet: boolean }
  | { readonly cls: 'inf'; readonly sign: number }
  // zero is finite with m = 0
  | { readonly cls: 'fin'; readonly sign: number; readonly m: bigint; readonly e: number };

const mask = (n: number): bigint => (1n << BigInt(n)) - 1n;
const bias = (f: Format): number => (1 << (f.expBits - 1)) - 1;
const emin = (f: Format): number => 1 - bias(f);

export function decode(f: Format, bits: bigint): Decoded {
  const sign = Number((bits >> BigInt(f.width - 1)) & 1n);
  const e = Number((bits >> BigInt(f.fracBits)) & mask(f.expBits));
  const frac = bits & mask(f.fracBits);
  if (e === (1 << f.expBits) - 1) {
    if (frac === 0n) return { cls: 'inf', sign };
    return { cls: 'nan', sign, quiet: ((frac >> BigInt(f.fracBits - 1)) & 1n) === 1n };
  }
  if (e === 0) return { cls: 'fin', sign, m: frac, e: emin(f) - f.fracBits };
  return { cls: 'fin', sign, m: frac | (1n << BigInt(f.fracBits)), e: e - bias(f) - f.fracBits };
}

export const canonicalNaN = (f: Format): bigint =>
  (mask(f.expBits) << BigInt(f.fracBits)) | (1n << BigInt(f.fracBits - 1));
const signBit = (f: Format, sign: number): bigint => BigInt(sign) << BigInt(f.width - 1);
const inf = (f: Format, sign: number): bigint => signBit(f, sign) | (mask(f.expBits) << BigInt(f.fracBits));
const zero = (f: Format, sign: number): bigint => signBit(f, sign);
const maxFinite = (f: Format, sign: number): bigint => inf(f, sign) - 1n;

export function isNaN(f: Format, bits: bigint): boolean {
  return decode(f, bits).cls === 'nan';
}

const isSNaN = (d: Decoded): boolean => d.cls === 'nan' && !d.quiet;
const isZero = (d: Decoded): boolean => d.cls === 'fin' && d.m === 0n;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// A positive exact real number, given by floor(log2(v)) and a way to get floor(v * 2^s)
// together with the class of the discarded fraction: 0 exact, 1 below one half,
// 2 exactly one half, 3 above.
interface Exact {
  readonly k: number;
  scaled(s: number): { q: bigint; cls: number };
}

function remainderClass(r: bigint, den: bigint): number {
  if (r === 0n) return 0;
  const twice = 2n * r;
  return twice < den ? 1 : twice === den ? 2 : 3;
}

// n / d * 2^e with n, d > 0
function rational(n: bigint, d: bigint, e: number): Exact {
  let k = bitLength(n) - bitLength(d);
  const below = k >= 0 ? n < d << BigInt(k) : n << BigInt(-k) < d;
  if (below) k -= 1;
  return {
    k: k + e,
    scaled(s: number) {
      const t = s + e;
      const num = t >= 0 ? n << BigInt(t) : n;
      const den = t >= 0 ? d : d << BigInt(-t);
      const q = num / den;
      return { q, cls: remainderClass(num - q * den, den) };
    },
  };
}

// sqrt(m * 2^e), m > 0
function squareRoot(m: bigint, e: number): Exact {
  if (e % 2 !== 0) {
    m <<= 1n;
    e -= 1;
  }
  const kx = bitLength(m) - 1 + e;
  return {
    k: Math.floor(kx / 2),
    scaled(s: number) {
      const t = e / 2 + s;
      if (t < 0) throw new Error('reference sqrt: scale too small');
      const big = m << BigInt(2 * t);
      const q = isqrt(big);
      const r = big - q * q;
      // sqrt is never exactly q + 1/2; it is above iff big > q^2 + q + 1/4 iff r > q
      return { q, cls: r === 0n ? 0 : r > q ? 3 : 1 };
    },
  };
}

function increment(q: bigint, cls: number, sign: number, rm: number): bigint {
  switch (rm) {
    case RNE: return cls === 3 || (cls === 2 && (q & 1n) === 1n) ? 1n : 0n;
    case RTZ: return 0n;
    case RDN: return sign === 1 && cls !== 0 ? 1n : 0n;
    case RUP: return sign === 0 && cls !== 0 ? 1n : 0n;
    case RMM: return cls >= 2 ? 1n : 0n;
    default: throw new Error(`bad rounding mode ${rm}`);
  }
}

function overflow(f: Format, sign: number, rm: number): Result {
  const toInf = rm === RNE || rm === RMM || (rm === RDN && sign === 1) || (rm === RUP && sign === 0);
  return { bits: toInf ? inf(f, sign) : maxFinite(f, sign), flags: OF | NX };
}

function round(f: Format, sign: number, x: Exact, rm: number): Result {
  const p = f.fracBits + 1;
  const top = 1n << BigInt(p);
  // Round to p bits with an unbounded exponent range first.
  const u = x.scaled(p - 1 - x.k);
  let q = u.q + increment(u.q, u.cls, sign, rm);
  let k = x.k;
  if (q === top) {
    q >>= 1n;
    k += 1;
  }
  if (k > bias(f)) return overflow(f, sign, rm);
  if (x.k >= emin(f)) {
    const bits = signBit(f, sign) | (BigInt(k + bias(f)) << BigInt(f.fracBits)) | (q & mask(f.fracBits));
    return { bits, flags: u.cls !== 0 ? NX : 0 };
  }
  const tiny = k < emin(f);
  const sub = x.scaled(p - 1 - emin(f));
  const qs = sub.q + increment(sub.q, sub.cls, sign, rm); // may reach 2^(p-1): the smallest normal
  const flags = sub.cls === 0 ? 0 : tiny ? UF | NX : NX;
  return { bits: signBit(f, sign) | qs, flags };
}

const nanResult = (f: Format, flags: number): Result => ({ bits: canonicalNaN(f), flags });

function finiteSum(f: Format, s1: number, m1: bigint, e1: number, s2: number, m2: bigint, e2: number, rm: number,
): Result {
  const e = Math.min(e1, e2);
  const v1 = (s1 ? -m1 : m1) << BigInt(e1 - e);
  const v2 = (s2 ? -m2 : m2) << BigInt(e2 - e);
  const sum = v1 + v2;
  if (sum === 0n) {
    // IEEE 754 6.3: an exact zero sum of opposite signs (or cancellation) is +0, -0 in RDN
    const sign = m1 === 0n && m2 === 0n && s1 === s2 ? s1 : rm === RDN ? 1 : 0;
    return { bits: zero(f, sign), flags: 0 };
  }
  const sign = sum < 0n ? 1 : 0;
  return round(f, sign, rational(sign ? -sum : sum, 1n, e), rm);
}

export function add(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = decode(f, a), y = decode(f, b);
  if (x.cls === 'nan' || y.cls === 'nan') return nanResult(f, isSNaN(x) || isSNaN(y) ? NV : 0);
  if (x.cls === 'inf') return y.cls === 'inf' && y.sign !== x.sign ? nanResult(f, NV) : { bits: a, flags: 0 };
  if (y.cls === 'inf') return { bits: b, flags: 0 };
  return finiteSum(f, x.sign, x.m, x.e, y.sign, y.m, y.e, rm);
}

export function sub(f: Format, a: bigint, b: bigint, rm: number): Result {
  return add(f, a, b ^ signBit(f, 1), rm);
}

export function mul(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = decode(f, a), y = decode(f, b);
  if (x.cls === 'nan' || y.cls === 'nan') return nanResult(f, isSNaN(x) || isSNaN(y) ? NV : 0);
  const sign = x.sign ^ y.sign;
  if (x.cls === 'inf' || y.cls === 'inf') {
    return isZero(x) || isZero(y) ? nanResult(f, NV) : { bits: inf(f, sign), flags: 0 };
  }
  if (x.cls !== 'fin' || y.cls !== 'fin') throw new Error('unreachable');
  if (x.m === 0n || y.m === 0n) return { bits: zero(f, sign), flags: 0 };
  return round(f, sign, rational(x.m * y.m, 1n, x.e + y.e), rm);
}

export function div(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = decode(f, a), y = decode(f, b);
  if (x.cls === 'nan' || y.cls === 'nan') return nanResult(f, isSNaN(x) || isSNaN(y) ? NV : 0);
  const sign = x.sign ^ y.sign;
  if (x.cls === 'inf') return y.cls === 'inf' ? nanResult(f, NV) : { bits: inf(f, sign), flags: 0 };
  if (y.cls === 'inf') return { bits: zero(f, sign), flags: 0 };
  if (x.cls !== 'fin' || y.cls !== 'fin') throw new Error('unreachable');
  if (y.m === 0n) return x.m === 0n ? nanResult(f, NV) : { bits: inf(f, sign), flags: DZ };
  if (x.m === 0n) return { bits: zero(f, sign), flags: 0 };
  return round(f, sign, rational(x.m, y.m, x.e - y.e), rm);
}

export function sqrt(f: Format, a: bigint, rm: number): Result {
  const x = decode(f, a);
  if (x.cls === 'nan') return nanResult(f, isSNaN(x) ? NV : 0);
  if (x.cls === 'inf') return x.sign ? nanResult(f, NV) : { bits: a, flags: 0 };
  if (x.m === 0n) return { bits: a, flags: 0 };
  if (x.sign) return nanResult(f, NV);
  return round(f, 0, squareRoot(x.m, x.e), rm);
}

// (-1)^negProduct * a * b + (-1)^negAddend * c, one rounding
export function fma(f: Format, a: bigint, b: bigint, c: bigint, rm: number, negProduct: boolean,
  negAddend: boolean): Result {
  const x = decode(f, a), y = decode(f, b), z = decode(f, c);
  const infTimesZero = (x.cls === 'inf' && isZero(y)) || (isZero(x) && y.cls === 'inf');
  if (x.cls === 'nan' || y.cls === 'nan' || z.cls === 'nan') {
    // the spec: NV for inf * 0 even when the addend is a quiet NaN
    return nanResult(f, isSNaN(x) || isSNaN(y) || isSNaN(z) || infTimesZero ? NV : 0);
  }
  if (infTimesZero) return nanResult(f, NV);
  const ps = x.sign ^ y.sign ^ (negProduct ? 1 : 0);
  const cs = z.sign ^ (negAddend ? 1 : 0);
  if (x.cls === 'inf' || y.cls === 'inf') {
    return z.cls === 'inf' && cs !== ps ? nanResult(f, NV) : { bits: inf(f, ps), flags: 0 };
  }
  if (z.cls === 'inf') return { bits: inf(f, cs), flags: 0 };
  if (x.cls !== 'fin' || y.cls !== 'fin' || z.cls !== 'fin') throw new Error('unreachable');
  return finiteSum(f, ps, x.m * y.m, x.e + y.e, cs, z.m, z.e, rm);
}

// -1, 0, 1 by value (so -0 == +0); both operands non-NaN
function compareValues(x: Decoded, y: Decoded): number {
  const val = (d: Decoded): [number, bigint, number] => {
    if (d.cls === 'inf') return [d.sign ? -1 : 1, 1n, 100000];
    if (d.cls !== 'fin') throw new Error('unreachable');
    return [d.m === 0n ? 0 : d.sign ? -1 : 1, d.m, d.e];
  };
  const [sx, mx, ex] = val(x);
  const [sy, my, ey] = val(y);
  if (sx !== sy) return sx < sy ? -1 : 1;
  if (sx === 0) return 0;
  const e = Math.min(ex, ey);
  const ax = mx << BigInt(ex - e), ay = my << BigInt(ey - e);
  const mag = ax === ay ? 0 : ax < ay ? -1 : 1;
  return sx * mag;
}

function minMax(f: Format, a: bigint, b: bigint, wantMax: boolean): Result {
  const x = decode(f, a), y = decode(f, b);
  const flags = isSNaN(x) || isSNaN(y) ? NV : 0;
  if (x.cls === 'nan' && y.cls === 'nan') return { bits: canonicalNaN(f), flags };
  if (x.cls === 'nan') return { bits: b, flags };
  if (y.cls === 'nan') return { bits: a, flags };
  let c = compareValues(x, y);
  if (c === 0) c = x.sign === y.sign ? 0 : x.sign ? -1 : 1; // -0 < +0
  if (wantMax) c = -c;
  return { bits: c <= 0 ? a : b, flags };
}

export const min = (f: Format, a: bigint, b: bigint): Result => minMax(f, a, b, false);
export const max = (f: Format, a: bigint, b: bigint): Result => minMax(f, a, b, true);

export function compare(f: Format, a: bigint, b: bigint, op: 'eq' | 'lt' | 'le'): Result {
  const x = decode(f, a), y = decode(f, b);
  if (x.cls === 'nan' || y.cls === 'nan') {
    const signaling = op !== 'eq' || isSNaN(x) || isSNaN(y);
    return { bits: 0n, flags: signaling ? NV : 0 };
  }
  const c = compareValues(x, y);
  const holds = op === 'eq' ? c === 0 : op === 'lt' ? c < 0 : c <= 0;
  return { bits: holds ? 1n : 0n, flags: 0 };
}

export function classify(f: Format, a: bigint): Result {
  const x = decode(f, a);
  let bit: number;
  if (x.cls === 'nan') bit = x.quiet ? 9 : 8;
  else if (x.cls === 'inf') bit = x.sign ? 0 : 7;
  else if (x.m === 0n) bit = x.sign ? 3 : 4;
  else if (x.m < 1n << BigInt(f.fracBits)) bit = x.sign ? 2 : 5;
  else bit = x.sign ? 1 : 6;
  return { bits: 1n << BigInt(bit), flags: 0 };
}

export type IntKind = 'i32' | 'u32' | 'i64' | 'u64';

const intRange = (k: IntKind): [bigint, bigint] => {
  switch (k) {
    case 'i32': return [-(1n << 31n), (1n << 31n) - 1n];
    case 'u32': return [0n, (1n << 32n) - 1n];
    case 'i64': return [-(1n << 63n), (1n << 63n) - 1n];
    case 'u64': return [0n, (1n << 64n) - 1n];
  }
};

// The register value: 32-bit results are sign-extended to 64 bits, the unsigned one too.
function intRegister(k: IntKind, v: bigint): bigint {
  return k === 'i32' || k === 'u32' ? BigInt.asUintN(64, BigInt.asIntN(32, v)) : BigInt.asUintN(64, v);
}

export function toInt(f: Format, a: bigint, k: IntKind, rm: number): Result {
  const x = decode(f, a);
  const [lo, hi] = intRange(k);
  if (x.cls === 'nan') return { bits: intRegister(k, hi), flags: NV };
  if (x.cls === 'inf') return { bits: intRegister(k, x.sign ? lo : hi), flags: NV };
  let q: bigint, cls: number;
  if (x.e >= 0) {
    q = x.m << BigInt(x.e);
    cls = 0;
  } else {
    q = x.m >> BigInt(-x.e);
    cls = remainderClass(x.m & mask(-x.e), 1n << BigInt(-x.e));
  }
  q += increment(q, cls, x.sign, rm);
  const v = x.sign ? -q : q;
  if (v < lo) return { bits: intRegister(k, lo), flags: NV };
  if (v > hi) return { bits: intRegister(k, hi), flags: NV };
  return { bits: intRegister(k, v), flags: cls !== 0 ? NX : 0 };
}

// v is the 64-bit register; 32-bit sources use its low half.
export function fromInt(f: Format, v: bigint, k: IntKind, rm: number): Result {
  let n: bigint;
  switch (k) {
    case 'i32': n = BigInt.asIntN(32, v); break;
    case 'u32': n = BigInt.asUintN(32, v); break;
    case 'i64': n = BigInt.asIntN(64, v); break;
    case 'u64': n = BigInt.asUintN(64, v); break;
  }
  if (n === 0n) return { bits: 0n, flags: 0 };
  const sign = n < 0n ? 1 : 0;
  return round(f, sign, rational(sign ? -n : n, 1n, 0), rm);
}

export function convert(from: Format, to: Format, a: bigint, rm: number): Result {
  const x = decode(from, a);
  if (x.cls === 'nan') return nanResult(to, x.quiet ? 0 : NV);
  if (x.cls === 'inf') return { bits: inf(to, x.sign), flags: 0 };
  if (x.m === 0n) return { bits: zero(to, x.sign), flags: 0 };
  return round(to, x.sign, rational(x.m, 1n, x.e), rm);
}
