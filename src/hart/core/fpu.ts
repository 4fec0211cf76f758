// The floating-point unit: RISC-V F, D and Zfhmin arithmetic on IEEE 754 bit patterns
// (unprivileged spec, chapters "F", "D" and "Zfh"). Pure functions; the only state is
// `fflags`, which every operation ORs its exceptions into.
//
// `rm` is always an already-resolved static rounding mode (RNE..RMM); the executor maps
// the dynamic mode through `frm` and rejects 5, 6 and 7 itself. NaN-boxing is the
// executor's business too: f32 values arrive and leave as bare u32 patterns.
//
// Speed: WebAssembly arithmetic rounds to nearest-even and raises nothing, so each
// operation first computes the RNE result natively and an error-free remainder (TwoSum
// for sums, Dekker's split product for products, quotients and roots, both for fused
// multiply-adds). An exact result is final in every mode; an inexact one that is safely
// normal costs one flag and, outside RNE, a one-ulp step chosen by the remainder's sign.
// Everything else (special operands, tiny or overflowing results) goes to the exact
// integer path in fpu-soft.ts. Binary32 work that needs more than that is done in
// binary64 and rounded once to odd before the final narrowing, which makes the double
// rounding harmless (see `roundOdd`).

import {
  fflags, NV, DZ, OF, NX, RNE, RTZ, RDN, RUP, RMM, F64_SIGN, F64_FRAC,
  roundPack, narrow64, narrow32,
} from './fpu-soft';
import * as soft from './fpu-soft';

export { fflags };

const F32_SIGN: u32 = 0x80000000;
const F32_INF: u32 = 0x7f800000;
const F32_QNAN: u32 = 0x7fc00000;
const F32_QUIET: u32 = 0x00400000;
const F64_INF: u64 = 0x7ff0000000000000;
const F64_QNAN: u64 = 0x7ff8000000000000;
const F64_QUIET: u64 = 0x0008000000000000;
const F16_QNAN: u32 = 0x7e00;

const F32_MAX: f32 = f32.MAX_VALUE;
const F64_MAX: f64 = f64.MAX_VALUE;
// Below 2^-968 the error of a binary64 product may fall under the subnormal grid, so
// Dekker's product is no longer exact there (its error needs e(x) + e(y) >= -970).
const F64_DEKKER_MIN: f64 = reinterpret<f64>(0x0370000000000000); // 2^-968
const F64_SAFE_NORMAL: f64 = reinterpret<f64>(0x0020000000000000); // 2^-1021
const F32_SAFE_NORMAL: f32 = reinterpret<f32>(0x01000000); // 2^-125
const TWO_POW_108: f64 = reinterpret<f64>(0x46b0000000000000);
const TWO_POW_M108: f64 = reinterpret<f64>(0x3930000000000000);
const TWO_POW_1000: f64 = reinterpret<f64>(0x7e70000000000000);
const SPLIT64: f64 = 134217729.0; // 2^27 + 1, Veltkamp's constant for binary64

// ---------------------------------------------------------------------------------------
// Fast-path helpers.

// err = x*y - p exactly (Dekker), given p = RN(x*y), |p| >= 2^-968 and no overflow in
// the splits; an overflow shows up as a non-finite err.
@inline function twoProdErr(x: f64, y: f64, p: f64): f64 {
  const cx = x * SPLIT64;
  const xh = cx - (cx - x);
  const xl = x - xh;
  const cy = y * SPLIT64;
  const yh = cy - (cy - y);
  const yl = y - yh;
  return (((xh * yh - p) + xh * yl) + xl * yh) + xl * yl;
}

// Moves an inexact, safely normal RNE result one ulp when the exact value lies on the
// side rm rounds to. errNeg: the exact value is below the RNE result.
function directed64(bits: u64, errNeg: bool, rm: u32): u64 {
  const neg = (bits >> 63) != 0;
  const move = rm == RTZ ? errNeg != neg : (rm == RDN ? errNeg : !errNeg);
  if (move) {
    if (errNeg == neg) {
      bits += 1;
      if ((bits << 1) == (F64_INF << 1)) fflags |= OF;
    } else {
      bits -= 1;
    }
  }
  return bits;
}

function directed32(bits: u32, errNeg: bool, rm: u32): u32 {
  const neg = (bits >> 31) != 0;
  const move = rm == RTZ ? errNeg != neg : (rm == RDN ? errNeg : !errNeg);
  if (move) {
    if (errNeg == neg) {
      bits += 1;
      if ((bits << 1) == (F32_INF << 1)) fflags |= OF;
    } else {
      bits -= 1;
    }
  }
  return bits;
}

// s = RN(exact), err = exact - s exactly, s safely normal and inexact.
function inexact64(s: f64, err: f64, rm: u32): u64 {
  fflags |= NX;
  const bits = reinterpret<u64>(s);
  if (rm == RNE) return bits;
  const errNeg = err < 0;
  if (rm == RMM) {
    // RMM differs from RNE only on a tie that RNE resolved towards zero.
    const away = bits + 1;
    return errNeg == (s < 0) && err + err == reinterpret<f64>(away) - s ? away : bits;
  }
  return directed64(bits, errNeg, rm);
}

function inexact32(s: f32, err: f32, rm: u32): u32 {
  fflags |= NX;
  const bits = reinterpret<u32>(s);
  if (rm == RNE) return bits;
  const errNeg = err < 0;
  if (rm == RMM) {
    const away = bits + 1;
    return errNeg == (s < 0) && err + err == reinterpret<f32>(away) - s ? away : bits;
  }
  return directed32(bits, errNeg, rm);
}

// Round to odd: the exact value s + e (e the TwoSum error of s) rounded to the binary64
// neighbour whose last significand bit is 1, unless it is exact. Rounding that result to
// a precision of at most 51 bits, in any mode, at any exponent, gives the same value,
// the same inexactness and the same tininess as rounding s + e itself (Boldo and
// Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
// rounding to odd"). Binary32 needs 24 bits, so narrowing it is a single rounding.
// Branch-free, because in an FMA whether e is zero and whether s is odd are coin tosses.
@inline function roundOdd(s: f64, e: f64): f64 {
  const bits = reinterpret<u64>(s);
  const step = select<u64>(1, <u64>-1, (e < 0) == (s < 0));
  return reinterpret<f64>(bits + select<u64>(0, step, e == 0 || (bits & 1) != 0));
}

// Rounds a finite binary64 value (an exact result, or one rounded to odd) to binary32.
function roundToF32(d: f64, rm: u32): u32 {
  const f = <f32>d;
  const back = <f64>f;
  if (back == d) return reinterpret<u32>(f);
  const af = abs<f32>(f);
  if (af >= F32_SAFE_NORMAL && af <= F32_MAX) {
    fflags |= NX;
    const bits = reinterpret<u32>(f);
    if (rm == RNE) return bits;
    const err = d - back; // exact: d and back are within a factor of two
    const errNeg = err < 0;
    if (rm == RMM) {
      const away = bits + 1;
      return errNeg == (d < 0) && err + err == <f64>reinterpret<f32>(away) - back ? away : bits;
    }
    return directed32(bits, errNeg, rm);
  }
  return <u32>narrow64(reinterpret<u64>(d), rm, 23, 8);
}

// The exact sum of two finite binary64 values (each exact: an f32 operand or a product of
// two), rounded once to binary32.
function sumToF32(p: f64, z: f64, rm: u32): u32 {
  const s = p + z;
  if (s == 0) { // only an exact zero; the sign rule of IEEE 754 6.3
    const bits = rm == RDN ? reinterpret<u64>(p) | reinterpret<u64>(z) : reinterpret<u64>(s);
    return <u32>(bits >> 32) & F32_SIGN;
  }
  const bb = s - p;
  const e = (p - (s - bb)) + (z - bb);
  return roundToF32(roundOdd(s, e), rm);
}

// ---------------------------------------------------------------------------------------
// Classification helpers.

@inline function isNaN64(a: u64): bool { return (a << 1) > (F64_INF << 1); }
@inline function isSNaN64(a: u64): bool { return isNaN64(a) && (a & F64_QUIET) == 0; }
@inline function isInf64(a: u64): bool { return (a << 1) == (F64_INF << 1); }
@inline function isZero64(a: u64): bool { return (a << 1) == 0; }
@inline function isNaN32(a: u32): bool { return (a << 1) > (F32_INF << 1); }
@inline function isSNaN32(a: u32): bool { return isNaN32(a) && (a & F32_QUIET) == 0; }
@inline function isInf32(a: u32): bool { return (a << 1) == (F32_INF << 1); }
@inline function isZero32(a: u32): bool { return (a << 1) == 0; }

function nan64(a: u64, b: u64): u64 {
  if (isSNaN64(a) || isSNaN64(b)) fflags |= NV;
  return F64_QNAN;
}

function nan32(a: u32, b: u32): u32 {
  if (isSNaN32(a) || isSNaN32(b)) fflags |= NV;
  return F32_QNAN;
}

function invalid64(): u64 {
  fflags |= NV;
  return F64_QNAN;
}

function invalid32(): u32 {
  fflags |= NV;
  return F32_QNAN;
}

// ---------------------------------------------------------------------------------------
// binary64 arithmetic

export function f64_add(a: u64, b: u64, rm: u32): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  const s = x + y;
  if (abs<f64>(s) <= F64_MAX) {
    const bb = s - x;
    const err = (x - (s - bb)) + (y - bb);
    if (err == 0) {
      if (s == 0 && rm == RDN) return (a | b) & F64_SIGN;
      return reinterpret<u64>(s);
    }
    // An inexact sum is at least 2^-1021: sums below that are exact multiples of 2^-1074.
    if (abs<f64>(err) <= F64_MAX) return inexact64(s, err, rm);
  }
  return add64Slow(a, b, rm);
}

export function f64_sub(a: u64, b: u64, rm: u32): u64 {
  return f64_add(a, b ^ F64_SIGN, rm);
}

function add64Slow(a: u64, b: u64, rm: u32): u64 {
  if (isNaN64(a) || isNaN64(b)) return nan64(a, b);
  if (isInf64(a)) return isInf64(b) && a != b ? invalid64() : a;
  if (isInf64(b)) return b;
  if (isZero64(a)) return isZero64(b) ? (a == b ? a : (rm == RDN ? F64_SIGN : 0)) : b;
  if (isZero64(b)) return a;
  return soft.add64(a, b, rm);
}

export function f64_mul(a: u64, b: u64, rm: u32): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  const p = x * y;
  const ap = abs<f64>(p);
  if (ap >= F64_DEKKER_MIN && ap <= F64_MAX) {
    const err = twoProdErr(x, y, p);
    if (err == 0) return reinterpret<u64>(p);
    if (abs<f64>(err) <= F64_MAX) return inexact64(p, err, rm);
  }
  return mul64Slow(a, b, rm);
}

function mul64Slow(a: u64, b: u64, rm: u32): u64 {
  const sign = (a ^ b) & F64_SIGN;
  if (isNaN64(a) || isNaN64(b)) return nan64(a, b);
  if (isInf64(a) || isInf64(b)) return isZero64(a) || isZero64(b) ? invalid64() : sign | F64_INF;
  if (isZero64(a) || isZero64(b)) return sign;
  return soft.mul64(a, b, rm);
}

export function f64_div(a: u64, b: u64, rm: u32): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  const q = x / y;
  const aq = abs<f64>(q);
  if (aq >= F64_SAFE_NORMAL && aq <= F64_MAX && abs<f64>(x) >= F64_DEKKER_MIN) {
    const ph = q * y;
    const r = (x - ph) - twoProdErr(q, y, ph); // x - q*y, exact
    const bits = reinterpret<u64>(q);
    if (r == 0) return bits;
    if (abs<f64>(r) <= F64_MAX) {
      fflags |= NX;
      // A quotient is never a midpoint between two normal numbers, so RMM == RNE.
      if (rm == RNE || rm == RMM) return bits;
      return directed64(bits, (r < 0) != (y < 0), rm);
    }
  }
  return div64Slow(a, b, rm);
}

function div64Slow(a: u64, b: u64, rm: u32): u64 {
  const sign = (a ^ b) & F64_SIGN;
  if (isNaN64(a) || isNaN64(b)) return nan64(a, b);
  if (isInf64(a)) return isInf64(b) ? invalid64() : sign | F64_INF;
  if (isInf64(b)) return sign;
  if (isZero64(b)) {
    if (isZero64(a)) return invalid64();
    fflags |= DZ;
    return sign | F64_INF;
  }
  if (isZero64(a)) return sign;
  return soft.div64(a, b, rm);
}

export function f64_sqrt(a: u64, rm: u32): u64 {
  let x = reinterpret<f64>(a);
  if (x > 0 && x <= F64_MAX) {
    // Keep r*r clear of underflow and overflow: scaling by an even power of two is exact
    // and commutes with the root's rounding.
    let scale: u64 = 0;
    if (x < F64_DEKKER_MIN) {
      x *= TWO_POW_108;
      scale = <u64>-54 << 52;
    } else if (x > TWO_POW_1000) {
      x *= TWO_POW_M108;
      scale = <u64>54 << 52;
    }
    const r = sqrt<f64>(x);
    const ph = r * r;
    const rem = (x - ph) - twoProdErr(r, r, ph); // x - r*r, exact
    let bits = reinterpret<u64>(r);
    if (rem != 0) {
      fflags |= NX;
      // A square root is never a midpoint, so RMM == RNE.
      if (rm != RNE && rm != RMM) bits = directed64(bits, rem < 0, rm);
    }
    return bits + scale;
  }
  if (isNaN64(a)) return nan64(a, a);
  if (isZero64(a) || a == F64_INF) return a;
  return invalid64();
}

// Fused multiply-add, fast path. With p = RN(x*y) and e = x*y - p (Dekker, exact as in
// f64_mul), the exact value is V = p + e + z. TwoSum(p, z) = s + t and TwoSum(t, e) = u + v
// split it exactly into V = s + u + v, u = RN(t + e). Let o = u + v rounded to odd
// (`roundOdd`), r = RN(s + o) and w = s + o - r (TwoSum). Then r = RN(V), and V - r is
// zero exactly when w is and otherwise has w's sign, which is all inexact64 needs:
//  - v = 0: o = u and s + o = V exactly.
//  - v != 0: t + e = u + v is not a double, so it lies strictly between two neighbouring
//    doubles a distance g apart (g <= ulp(u) <= 2^-52 |u|, u being normal: a sum below
//    2^-1021 is exact), and o is the odd one of them, an odd multiple of g. So t + e and o
//    both lie in one open interval (2mg, 2mg + 2g), and V and s + o in (A, A + 2g),
//    A = s + 2mg. Require |r| >= 8|u| >= 2^55 g. As |s + o| >= (1 - 2^-53)|r| and
//    |o| < 2^53 g, |s| > 2^54 g, which makes s, and so A, multiples of 2g (ulp(s) >= 4g).
//    Every double and every midpoint of two doubles within 2g of s + o is above 2^54 g
//    in magnitude, hence a multiple of 2g too. None lies inside (A, A + 2g), so V and
//    s + o round alike in every mode, neither is exact or a tie, and V - r has the sign
//    of w = s + o - r.
//    (The requirement always holds: v != 0 needs t != 0, i.e. p + z inexact, which by
//    Sterbenz's lemma means |p + z| >= |p|/2, so |u| is below 2^-50 |s|. It is tested
//    anyway to keep the argument local.)
// An inexact r is never tiny: from v = 0 it is a rounded sum of two doubles, so at least
// 2^-1021; from v != 0, |r| >= 2^55 g >= 2^-1019. A finite r means V rounds below the
// overflow threshold in RNE and RMM; directed64 makes the step to infinity in RUP/RDN.
// Overflow inside any step, and an infinite or NaN z, leaves an infinity or a NaN in
// t, u, v, r or w and fails the test (v = 0 implies s, t, u and e finite). An exact zero V
// comes only from cancellation, x*y being nonzero, so its sign is as for a sum (IEEE 754
// 6.3). The rest goes to the integer path: products below 2^-968 or overflowing, and
// NaN, infinite or zero operands.
function fma64(a: u64, b: u64, c: u64, rm: u32): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b), z = reinterpret<f64>(c);
  const p = x * y;
  const ap = abs<f64>(p);
  if (ap >= F64_DEKKER_MIN && ap <= F64_MAX) {
    const e = twoProdErr(x, y, p);
    const s = p + z;
    const bs = s - p;
    const t = (p - (s - bs)) + (z - bs);
    const u = t + e;
    const bu = u - t;
    const v = (t - (u - bu)) + (e - bu);
    const o = roundOdd(u, v);
    const r = s + o;
    const br = r - s;
    const w = (s - (r - br)) + (o - br);
    const ar = abs<f64>(r);
    if ((ar <= F64_MAX) & (abs<f64>(w) <= F64_MAX) & ((v == 0) | (abs<f64>(u) * 8 <= ar))) {
      if (w != 0) return inexact64(r, w, rm);
      if (r != 0) return reinterpret<u64>(r);
      return rm == RDN ? F64_SIGN : 0;
    }
  }
  return fma64Slow(a, b, c, rm);
}

function fma64Slow(a: u64, b: u64, c: u64, rm: u32): u64 {
  const sp = (a ^ b) >> 63, sc = c >> 63;
  if (((a >> 52) & 0x7ff) == 0x7ff || ((b >> 52) & 0x7ff) == 0x7ff || ((c >> 52) & 0x7ff) == 0x7ff) {
    const zeroTimesInf = (isInf64(a) && isZero64(b)) || (isZero64(a) && isInf64(b));
    // The spec requires NV for inf*0 even when the addend is a quiet NaN.
    if (isNaN64(a) || isNaN64(b) || isNaN64(c)) {
      if (isSNaN64(a) || isSNaN64(b) || isSNaN64(c) || zeroTimesInf) fflags |= NV;
      return F64_QNAN;
    }
    if (zeroTimesInf) return invalid64();
    if (isInf64(a) || isInf64(b)) return isInf64(c) && sc != sp ? invalid64() : (sp << 63) | F64_INF;
    return c;
  }
  if (isZero64(a) || isZero64(b)) {
    if (!isZero64(c)) return c;
    return sp == sc ? c : (rm == RDN ? F64_SIGN : 0);
  }
  return soft.fma64(a, b, c, rm);
}

export function f64_madd(a: u64, b: u64, c: u64, rm: u32): u64 { return fma64(a, b, c, rm); }
export function f64_msub(a: u64, b: u64, c: u64, rm: u32): u64 { return fma64(a, b, c ^ F64_SIGN, rm); }
export function f64_nmsub(a: u64, b: u64, c: u64, rm: u32): u64 { return fma64(a ^ F64_SIGN, b, c, rm); }
export function f64_nmadd(a: u64, b: u64, c: u64, rm: u32): u64 {
  return fma64(a ^ F64_SIGN, b, c ^ F64_SIGN, rm);
}

// minimumNumber / maximumNumber (spec 'F' chapter, FMIN/FMAX): a NaN operand yields the
// other operand, two NaNs the canonical NaN; -0 < +0; NV only for a signaling NaN.
function minMaxNaN64(a: u64, b: u64): u64 {
  if (isSNaN64(a) || isSNaN64(b)) fflags |= NV;
  const an = isNaN64(a), bn = isNaN64(b);
  return an && bn ? F64_QNAN : (an ? b : a);
}

export function f64_min(a: u64, b: u64): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x < y) return a;
  if (y < x) return b;
  if (x == y) return a | b;
  return minMaxNaN64(a, b);
}

export function f64_max(a: u64, b: u64): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x > y) return a;
  if (y > x) return b;
  if (x == y) return a & b;
  return minMaxNaN64(a, b);
}

export function f64_eq(a: u64, b: u64): u64 {
  if (reinterpret<f64>(a) == reinterpret<f64>(b)) return 1;
  if (isSNaN64(a) || isSNaN64(b)) fflags |= NV;
  return 0;
}

export function f64_lt(a: u64, b: u64): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x < y) return 1;
  if (x != x || y != y) fflags |= NV;
  return 0;
}

export function f64_le(a: u64, b: u64): u64 {
  const x = reinterpret<f64>(a), y = reinterpret<f64>(b);
  if (x <= y) return 1;
  if (x != x || y != y) fflags |= NV;
  return 0;
}

export function f64_class(a: u64): u64 {
  const neg = (a >> 63) != 0;
  const e = (a >> 52) & 0x7ff, f = a & F64_FRAC;
  if (e == 0x7ff) return f == 0 ? (neg ? 1 : 128) : ((f & F64_QUIET) != 0 ? 512 : 256);
  if (e == 0) return f == 0 ? (neg ? 8 : 16) : (neg ? 4 : 32);
  return neg ? 2 : 64;
}

// ---------------------------------------------------------------------------------------
// binary32 arithmetic

export function f32_add(a: u32, b: u32, rm: u32): u32 {
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  const s = x + y;
  if (abs<f32>(s) <= F32_MAX) {
    const bb = s - x;
    const err = (x - (s - bb)) + (y - bb);
    if (err == 0) {
      if (s == 0 && rm == RDN) return (a | b) & F32_SIGN;
      return reinterpret<u32>(s);
    }
    if (abs<f32>(err) <= F32_MAX) return inexact32(s, err, rm);
  }
  return add32Slow(a, b, rm);
}

export function f32_sub(a: u32, b: u32, rm: u32): u32 {
  return f32_add(a, b ^ F32_SIGN, rm);
}

function add32Slow(a: u32, b: u32, rm: u32): u32 {
  if (isNaN32(a) || isNaN32(b)) return nan32(a, b);
  if (isInf32(a)) return isInf32(b) && a != b ? invalid32() : a;
  if (isInf32(b)) return b;
  return sumToF32(<f64>reinterpret<f32>(a), <f64>reinterpret<f32>(b), rm);
}

export function f32_mul(a: u32, b: u32, rm: u32): u32 {
  const p = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b); // exact
  if (abs<f64>(p) <= F64_MAX) return roundToF32(p, rm);
  if (isNaN32(a) || isNaN32(b)) return nan32(a, b);
  if (isZero32(a) || isZero32(b)) return invalid32();
  return ((a ^ b) & F32_SIGN) | F32_INF;
}

export function f32_div(a: u32, b: u32, rm: u32): u32 {
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  const q = x / y;
  const aq = abs<f32>(q);
  if (aq >= F32_SAFE_NORMAL && aq <= F32_MAX) {
    const r = <f64>x - <f64>q * <f64>y; // exact in binary64
    const bits = reinterpret<u32>(q);
    if (r == 0) return bits;
    fflags |= NX;
    if (rm == RNE || rm == RMM) return bits;
    return directed32(bits, (r < 0) != (y < 0), rm);
  }
  return div32Slow(a, b, rm);
}

function div32Slow(a: u32, b: u32, rm: u32): u32 {
  const sign = (a ^ b) & F32_SIGN;
  if (isNaN32(a) || isNaN32(b)) return nan32(a, b);
  if (isInf32(a)) return isInf32(b) ? invalid32() : sign | F32_INF;
  if (isInf32(b)) return sign;
  if (isZero32(b)) {
    if (isZero32(a)) return invalid32();
    fflags |= DZ;
    return sign | F32_INF;
  }
  if (isZero32(a)) return sign;
  // Tiny or huge quotient: divide in binary64 and narrow. No double rounding: a quotient
  // of 24-bit numbers that is not itself a 25-bit number differs from every 25-bit
  // number (f32 values and midpoints at any subnormal precision) by more than 2^-49 of
  // it, so its binary64 rounding is never one of them, and stays inexact.
  return roundToF32(<f64>reinterpret<f32>(a) / <f64>reinterpret<f32>(b), rm);
}

export function f32_sqrt(a: u32, rm: u32): u32 {
  const x = reinterpret<f32>(a);
  if (x > 0 && x <= F32_MAX) {
    const r = sqrt<f32>(x);
    const rd = <f64>r;
    const rem = <f64>x - rd * rd; // exact in binary64
    let bits = reinterpret<u32>(r);
    if (rem != 0) {
      fflags |= NX;
      if (rm != RNE && rm != RMM) bits = directed32(bits, rem < 0, rm);
    }
    return bits;
  }
  if (isNaN32(a)) return nan32(a, a);
  if (isZero32(a) || a == F32_INF) return a;
  return invalid32();
}

// a*b is exact in binary64 (48 significant bits, exponent far inside the range), so the
// fused operation is one exact TwoSum away from sumToF32.
function fma32(a: u32, b: u32, c: u32, rm: u32): u32 {
  const p = <f64>reinterpret<f32>(a) * <f64>reinterpret<f32>(b);
  const z = <f64>reinterpret<f32>(c);
  if (abs<f64>(p) <= F64_MAX && abs<f64>(z) <= F64_MAX) return sumToF32(p, z, rm);
  const zeroTimesInf = (isInf32(a) && isZero32(b)) || (isZero32(a) && isInf32(b));
  if (isNaN32(a) || isNaN32(b) || isNaN32(c)) {
    if (isSNaN32(a) || isSNaN32(b) || isSNaN32(c) || zeroTimesInf) fflags |= NV;
    return F32_QNAN;
  }
  if (zeroTimesInf) return invalid32();
  const sp = (a ^ b) & F32_SIGN;
  if (isInf32(a) || isInf32(b)) return isInf32(c) && (c & F32_SIGN) != sp ? invalid32() : sp | F32_INF;
  return c;
}

export function f32_madd(a: u32, b: u32, c: u32, rm: u32): u32 { return fma32(a, b, c, rm); }
export function f32_msub(a: u32, b: u32, c: u32, rm: u32): u32 { return fma32(a, b, c ^ F32_SIGN, rm); }
export function f32_nmsub(a: u32, b: u32, c: u32, rm: u32): u32 { return fma32(a ^ F32_SIGN, b, c, rm); }
export function f32_nmadd(a: u32, b: u32, c: u32, rm: u32): u32 {
  return fma32(a ^ F32_SIGN, b, c ^ F32_SIGN, rm);
}

function minMaxNaN32(a: u32, b: u32): u32 {
  if (isSNaN32(a) || isSNaN32(b)) fflags |= NV;
  const an = isNaN32(a), bn = isNaN32(b);
  return an && bn ? F32_QNAN : (an ? b : a);
}

export function f32_min(a: u32, b: u32): u32 {
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x < y) return a;
  if (y < x) return b;
  if (x == y) return a | b;
  return minMaxNaN32(a, b);
}

export function f32_max(a: u32, b: u32): u32 {
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x > y) return a;
  if (y > x) return b;
  if (x == y) return a & b;
  return minMaxNaN32(a, b);
}

export function f32_eq(a: u32, b: u32): u64 {
  if (reinterpret<f32>(a) == reinterpret<f32>(b)) return 1;
  if (isSNaN32(a) || isSNaN32(b)) fflags |= NV;
  return 0;
}

export function f32_lt(a: u32, b: u32): u64 {
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x < y) return 1;
  if (x != x || y != y) fflags |= NV;
  return 0;
}

export function f32_le(a: u32, b: u32): u64 {
  const x = reinterpret<f32>(a), y = reinterpret<f32>(b);
  if (x <= y) return 1;
  if (x != x || y != y) fflags |= NV;
  return 0;
}

export function f32_class(a: u32): u64 {
  const neg = (a >> 31) != 0;
  const e = (a >> 23) & 0xff, f = a & 0x7fffff;
  if (e == 0xff) return f == 0 ? (neg ? 1 : 128) : ((f & F32_QUIET) != 0 ? 512 : 256);
  if (e == 0) return f == 0 ? (neg ? 8 : 16) : (neg ? 4 : 32);
  return neg ? 2 : 64;
}

// ---------------------------------------------------------------------------------------
// Floating-point to integer (spec table "Domains of float-to-integer conversions"):
// round to an integer in rm, then saturate with NV if out of range; NaN counts as +inf.
// NX only when in range and inexact. All steps are exact binary64 operations.

function roundToIntegral(x: f64, rm: u32): f64 {
  switch (rm) {
    case RNE: return nearest<f64>(x);
    case RTZ: return trunc<f64>(x);
    case RDN: return floor<f64>(x);
    case RUP: return ceil<f64>(x);
    default: {
      const t = trunc<f64>(x);
      return abs<f64>(x - t) >= 0.5 ? t + copysign<f64>(1, x) : t;
    }
  }
}

function toI32(x: f64, rm: u32): u64 {
  if (x != x) {
    fflags |= NV;
    return 0x7fffffff;
  }
  const r = roundToIntegral(x, rm);
  if (r < -2147483648.0 || r > 2147483647.0) {
    fflags |= NV;
    return r < 0 ? 0xffffffff80000000 : 0x7fffffff;
  }
  if (r != x) fflags |= NX;
  return <u64><i64><i32>r;
}

function toU32(x: f64, rm: u32): u64 {
  const r = roundToIntegral(x, rm);
  if (!(r >= 0 && r <= 4294967295.0)) { // also NaN; -0 is in range
    fflags |= NV;
    return r < 0 ? 0 : 0xffffffffffffffff;
  }
  if (r != x) fflags |= NX;
  return <u64><i64><i32><u32>r; // the 32-bit result is sign-extended on RV64
}

function toI64(x: f64, rm: u32): u64 {
  if (x != x) {
    fflags |= NV;
    return 0x7fffffffffffffff;
  }
  const r = roundToIntegral(x, rm);
  if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
    fflags |= NV;
    return r < 0 ? 0x8000000000000000 : 0x7fffffffffffffff;
  }
  if (r != x) fflags |= NX;
  return <u64><i64>r;
}

function toU64(x: f64, rm: u32): u64 {
  const r = roundToIntegral(x, rm);
  if (!(r >= 0 && r < 18446744073709551616.0)) {
    fflags |= NV;
    return r < 0 ? 0 : 0xffffffffffffffff;
  }
  if (r != x) fflags |= NX;
  return <u64>r;
}

export function f64_to_i32(a: u64, rm: u32): u64 { return toI32(reinterpret<f64>(a), rm); }
export function f64_to_u32(a: u64, rm: u32): u64 { return toU32(reinterpret<f64>(a), rm); }
export function f64_to_i64(a: u64, rm: u32): u64 { return toI64(reinterpret<f64>(a), rm); }
export function f64_to_u64(a: u64, rm: u32): u64 { return toU64(reinterpret<f64>(a), rm); }
export function f32_to_i32(a: u32, rm: u32): u64 { return toI32(<f64>reinterpret<f32>(a), rm); }
export function f32_to_u32(a: u32, rm: u32): u64 { return toU32(<f64>reinterpret<f32>(a), rm); }
export function f32_to_i64(a: u32, rm: u32): u64 { return toI64(<f64>reinterpret<f32>(a), rm); }
export function f32_to_u64(a: u32, rm: u32): u64 { return toU64(<f64>reinterpret<f32>(a), rm); }

// ---------------------------------------------------------------------------------------
// Integer to floating-point: exact below 2^53 (2^24), one rounding above.

export function i32_to_f64(v: u64, _rm: u32): u64 { return reinterpret<u64>(<f64><i32>v); }
export function u32_to_f64(v: u64, _rm: u32): u64 { return reinterpret<u64>(<f64><u32>v); }

export function i64_to_f64(v: u64, rm: u32): u64 {
  const s = <i64>v;
  if (<u64>(s + (1 << 53)) <= (<u64>1 << 54)) return reinterpret<u64>(<f64>s);
  const sign = v >> 63;
  return roundPack(sign, 0, sign != 0 ? 0 - v : v, rm, 52, 11);
}

export function u64_to_f64(v: u64, rm: u32): u64 {
  if (v <= (<u64>1 << 53)) return reinterpret<u64>(<f64>v);
  return roundPack(0, 0, v, rm, 52, 11);
}

export function i32_to_f32(v: u64, rm: u32): u32 {
  const s = <i32>v;
  if (<u32>(s + (1 << 24)) <= (<u32>1 << 25)) return reinterpret<u32>(<f32>s);
  const sign = <u64>(<u32>s >> 31);
  const m = sign != 0 ? <u64>(0 - <i64>s) : <u64>s;
  return <u32>roundPack(sign, 0, m, rm, 23, 8);
}

export function u32_to_f32(v: u64, rm: u32): u32 {
  const u = <u32>v;
  if (u <= (<u32>1 << 24)) return reinterpret<u32>(<f32>u);
  return <u32>roundPack(0, 0, <u64>u, rm, 23, 8);
}

export function i64_to_f32(v: u64, rm: u32): u32 {
  const s = <i64>v;
  if (<u64>(s + (1 << 24)) <= (<u64>1 << 25)) return reinterpret<u32>(<f32>s);
  const sign = v >> 63;
  return <u32>roundPack(sign, 0, sign != 0 ? 0 - v : v, rm, 23, 8);
}

export function u64_to_f32(v: u64, rm: u32): u32 {
  if (v <= (<u64>1 << 24)) return reinterpret<u32>(<f32>v);
  return <u32>roundPack(0, 0, v, rm, 23, 8);
}

// ---------------------------------------------------------------------------------------
// Floating-point to floating-point. Widening is exact; any NaN becomes the canonical
// NaN (RISC-V does not propagate payloads), with NV for a signaling one.

export function f32_to_f64(a: u32): u64 {
  if (isNaN32(a)) {
    if (isSNaN32(a)) fflags |= NV;
    return F64_QNAN;
  }
  return reinterpret<u64>(<f64>reinterpret<f32>(a));
}

export function f64_to_f32(a: u64, rm: u32): u32 {
  if (isNaN64(a)) {
    if (isSNaN64(a)) fflags |= NV;
    return F32_QNAN;
  }
  return roundToF32(reinterpret<f64>(a), rm);
}

// Zfhmin: a binary16 value is the low 16 bits of a u32.

@inline function isNaN16(a: u32): bool { return (a & 0x7fff) > 0x7c00; }
@inline function isSNaN16(a: u32): bool { return isNaN16(a) && (a & 0x200) == 0; }

export function f16_to_f32(a: u32): u32 {
  a &= 0xffff;
  if (isNaN16(a)) {
    if (isSNaN16(a)) fflags |= NV;
    return F32_QNAN;
  }
  const sign = (a & 0x8000) << 16;
  const e = (a >> 10) & 0x1f, f = a & 0x3ff;
  if (e == 0x1f) return sign | F32_INF;
  if (e == 0) return sign | reinterpret<u32>(<f32>f * reinterpret<f32>(0x33800000)); // f * 2^-24
  return sign | ((e + 112) << 23) | (f << 13);
}

export function f16_to_f64(a: u32): u64 {
  const s = f16_to_f32(a);
  return s == F32_QNAN ? F64_QNAN : reinterpret<u64>(<f64>reinterpret<f32>(s));
}

export function f32_to_f16(a: u32, rm: u32): u32 {
  if (isNaN32(a)) {
    if (isSNaN32(a)) fflags |= NV;
    return F16_QNAN;
  }
  const sign = a >> 31;
  if (isInf32(a)) return (sign << 15) | 0x7c00;
  if (isZero32(a)) return sign << 15;
  return <u32>narrow32(a, rm, 10, 5);
}

export function f64_to_f16(a: u64, rm: u32): u32 {
  if (isNaN64(a)) {
    if (isSNaN64(a)) fflags |= NV;
    return F16_QNAN;
  }
  const sign = <u32>(a >> 63);
  if (isInf64(a)) return (sign << 15) | 0x7c00;
  if (isZero64(a)) return sign << 15;
  return <u32>narrow64(a, rm, 10, 5);
}
