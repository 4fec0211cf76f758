// The FPU's exact integer path (the "softfloat" layer under src/hart/core/fpu.ts):
// unpacked operands, 128-bit helpers, the one rounding routine `roundPack`, and the
// binary64 add, multiply, divide and fused multiply-add of finite operands on integers.
// fpu.ts calls down here only when its WebAssembly fast path cannot decide a result
// (tiny or overflowing results, operands near the exponent limits, an FMA its error
// analysis cannot round); the rules for NaN, infinite and zero operands stay there.

// The accrued exception flags (fcsr.fflags), ORed into by every operation. Exported to
// the rest of the hart through fpu.ts.
export let fflags: u32 = 0;

// fflags bits (spec 'F' chapter, "Accrued exception flag encoding").
export const NV: u32 = 16;
export const DZ: u32 = 8;
export const OF: u32 = 4;
export const UF: u32 = 2;
export const NX: u32 = 1;

// Static rounding modes (spec 'F' chapter, "Rounding mode encoding").
export const RNE: u32 = 0;
export const RTZ: u32 = 1;
export const RDN: u32 = 2;
export const RUP: u32 = 3;
export const RMM: u32 = 4;

export const F64_SIGN: u64 = 0x8000000000000000;
export const F64_FRAC: u64 = 0x000fffffffffffff;

// ---------------------------------------------------------------------------------------
// Unpacked operands, 128-bit helpers, and the one rounding routine.

// Results of unpack32/unpack64: value = uSig * 2^uExp (uSig has no implicit bit missing).
let uSig: u64 = 0;
let uExp: i32 = 0;

function unpack64(a: u64): void {
  const e = <i32>((a >> 52) & 0x7ff);
  const f = a & F64_FRAC;
  if (e == 0) {
    uSig = f;
    uExp = -1074;
  } else {
    uSig = f | (<u64>1 << 52);
    uExp = e - 1075;
  }
}

function unpack32(a: u32): void {
  const e = <i32>((a >> 23) & 0xff);
  const f = <u64>(a & 0x7fffff);
  if (e == 0) {
    uSig = f;
    uExp = -149;
  } else {
    uSig = f | (<u64>1 << 23);
    uExp = e - 150;
  }
}

// 128-bit results.
let H: u64 = 0;
let L: u64 = 0;

function mul128(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  L = (mid << 32) | (p00 & 0xffffffff);
  H = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

@inline function clz128(h: u64, l: u64): i32 {
  return h != 0 ? <i32>clz<u64>(h) : 64 + <i32>clz<u64>(l);
}

// n in 0..127
function shl128(h: u64, l: u64, n: i32): void {
  if (n == 0) {
    H = h;
    L = l;
  } else if (n < 64) {
    H = (h << <u64>n) | (l >> <u64>(64 - n));
    L = l << <u64>n;
  } else {
    H = l << <u64>(n - 64);
    L = 0;
  }
}

// Shift right, ORing every bit shifted out into bit 0 ("jamming"), so that rounding
// still sees that the value was not exact.
function shr128Jam(h: u64, l: u64, n: i32): void {
  if (n == 0) {
    H = h;
    L = l;
  } else if (n < 64) {
    L = (l >> <u64>n) | (h << <u64>(64 - n)) | <u64>((l << <u64>(64 - n)) != 0);
    H = h >> <u64>n;
  } else if (n < 128) {
    const lost = l != 0 || (n > 64 && (h << <u64>(128 - n)) != 0);
    L = (h >> <u64>(n - 64)) | <u64>lost;
    H = 0;
  } else {
    L = <u64>((h | l) != 0);
    H = 0;
  }
}

@inline function roundIncrement(lsb: u64, rb: u64, sticky: u64, sign: u64, rm: u32): u64 {
  switch (rm) {
    case RNE: return rb & (sticky | lsb);
    case RTZ: return 0;
    case RDN: return sign & (rb | sticky);
    case RUP: return (sign ^ 1) & (rb | sticky);
    default: return rb; // RMM
  }
}

let roundedInexact: bool = false;

// Keeps sig >> drop, rounded by rm; drop >= 11.
function roundAt(sig: u64, drop: i32, sign: u64, rm: u32): u64 {
  let kept: u64, rb: u64, sticky: u64;
  if (drop < 64) {
    kept = sig >> <u64>drop;
    const rest = sig << <u64>(64 - drop);
    rb = rest >> 63;
    sticky = <u64>((rest << 1) != 0);
  } else if (drop == 64) {
    kept = 0;
    rb = sig >> 63;
    sticky = <u64>((sig << 1) != 0);
  } else {
    kept = 0;
    rb = 0;
    sticky = 1;
  }
  roundedInexact = (rb | sticky) != 0;
  return kept + roundIncrement(kept & 1, rb, sticky, sign, rm);
}

function overflowResult(sign: u64, rm: u32, fracBits: i32, expBits: i32): u64 {
  fflags |= OF | NX;
  const inf = <u64>((1 << expBits) - 1) << <u64>fracBits;
  const toInf = rm == RNE || rm == RMM || (rm == RDN && sign != 0) || (rm == RUP && sign == 0);
  return (sign << <u64>(fracBits + expBits)) | (toInf ? inf : inf - 1);
}

// Rounds (-1)^sign * sig * 2^e (sig != 0) to the format with the given field widths and
// packs it, raising NX/UF/OF. If bit 0 of sig is a sticky bit, sig's leading one must be
// at least fracBits + 3 bits above it. Tininess is detected after rounding, as RISC-V
// requires (spec 'F' chapter, "Floating-Point Control and Status Register"): the value is
// tiny if, rounded to full precision with an unbounded exponent, it is below 2^emin.
export function roundPack(sign: u64, e: i32, sig: u64, rm: u32, fracBits: i32, expBits: i32): u64 {
  const lz = <i32>clz<u64>(sig);
  sig <<= <u64>lz;
  let exp = e + 63 - lz; // exponent of the leading one
  const bias = (1 << (expBits - 1)) - 1;
  const emin = 1 - bias;
  if (exp > bias) return overflowResult(sign, rm, fracBits, expBits);
  let drop = 63 - fracBits;
  let tiny = false;
  if (exp < emin) {
    tiny = exp < emin - 1 || (roundAt(sig, drop, sign, rm) >> <u64>(fracBits + 1)) == 0;
    drop += emin - exp;
    exp = emin;
  }
  const kept = roundAt(sig, drop, sign, rm);
  // The implicit one of `kept` lands in the exponent field; a carry out of the
  // significand or out of the subnormal range bumps the exponent as it should.
  const bits = (<u64>(exp + bias - 1) << <u64>fracBits) + kept;
  if (bits >= (<u64>((1 << expBits) - 1) << <u64>fracBits)) {
    return overflowResult(sign, rm, fracBits, expBits);
  }
  if (roundedInexact) fflags |= tiny ? UF | NX : NX;
  return (sign << <u64>(fracBits + expBits)) | bits;
}

// Rounds sp*P*2^pe + sc*mc*2^ec to binary64, P = ph:pl nonzero and below 2^126.
// Both terms are placed with their leading one at bit 125 of a 128-bit word; the smaller
// is shifted right with jamming, which keeps the sum's rounding exact: after an effective
// subtraction with an alignment shift of 2 or more the result keeps its leading one at
// bit 124 or above, and with a shift of 0 or 1 no set bit is shifted out.
function sumRound64(sp: u64, ph: u64, pl: u64, pe: i32, sc: u64, mc: u64, ec: i32, rm: u32): u64 {
  const shp = clz128(ph, pl) - 2;
  shl128(ph, pl, shp);
  let bh = H, bl = L, be = pe - shp, sign = sp;
  if (mc != 0) {
    const shc = 62 + <i32>clz<u64>(mc);
    shl128(0, mc, shc);
    let sh = H, sl = L, se = ec - shc, ss = sc;
    if (se > be || (se == be && (sh > bh || (sh == bh && sl > bl)))) {
      const th = bh, tl = bl, te = be, ts = sign;
      bh = sh; bl = sl; be = se; sign = ss;
      sh = th; sl = tl; se = te; ss = ts;
    }
    shr128Jam(sh, sl, be - se);
    sh = H;
    sl = L;
    if (sign == ss) {
      const lo = bl + sl;
      bh = bh + sh + <u64>(lo < bl);
      bl = lo;
    } else {
      const lo = bl - sl;
      bh = bh - sh - <u64>(bl < sl);
      bl = lo;
      if ((bh | bl) == 0) return rm == RDN ? F64_SIGN : 0; // exact cancellation
    }
  }
  let sig: u64 = bl, e = be;
  if (bh != 0) { // bh < 2^63: the sum of two values below 2^126
    const k = 64 - <i32>clz<u64>(bh);
    sig = (bh << <u64>(64 - k)) | (bl >> <u64>k) | <u64>((bl << <u64>(64 - k)) != 0);
    e += k;
  }
  return roundPack(sign, e, sig, rm, 52, 11);
}

// ---------------------------------------------------------------------------------------
// Operations on finite operands. The callers have dealt with NaNs and infinities, and
// with the zero operands whose result's sign IEEE 754 prescribes.

// Rounds a finite nonzero binary64 value to the format with the given field widths.
export function narrow64(a: u64, rm: u32, fracBits: i32, expBits: i32): u64 {
  unpack64(a);
  return roundPack(a >> 63, uExp, uSig, rm, fracBits, expBits);
}

// Rounds a finite nonzero binary32 value to the format with the given field widths.
export function narrow32(a: u32, rm: u32, fracBits: i32, expBits: i32): u64 {
  unpack32(a);
  return roundPack(<u64>(a >> 31), uExp, uSig, rm, fracBits, expBits);
}

// a + b, both nonzero.
export function add64(a: u64, b: u64, rm: u32): u64 {
  unpack64(a);
  const ma = uSig, ea = uExp;
  unpack64(b);
  return sumRound64(a >> 63, 0, ma, ea, b >> 63, uSig, uExp, rm);
}

// a * b, both nonzero.
export function mul64(a: u64, b: u64, rm: u32): u64 {
  unpack64(a);
  const ma = uSig, ea = uExp;
  unpack64(b);
  mul128(ma, uSig);
  return sumRound64((a ^ b) >> 63, H, L, ea + uExp, 0, 0, 0, rm);
}

// a / b, both nonzero.
export function div64(a: u64, b: u64, rm: u32): u64 {
  unpack64(a);
  let ma = uSig, ea = uExp;
  unpack64(b);
  let mb = uSig, eb = uExp;
  const na = <i32>clz<u64>(ma) - 11, nb = <i32>clz<u64>(mb) - 11;
  ma <<= <u64>na;
  ea -= na;
  mb <<= <u64>nb;
  eb -= nb;
  if (ma < mb) {
    ma <<= 1;
    ea -= 1;
  }
  // Long division, ten quotient bits per step: the remainder stays below 2^53.
  let q: u64 = 1, r = ma - mb;
  for (let i = 0; i < 6; i++) {
    r <<= 10;
    q = (q << 10) | (r / mb);
    r = r % mb;
  }
  q = (q << 1) | <u64>(r != 0);
  return roundPack((a ^ b) >> 63, ea - eb - 61, q, rm, 52, 11);
}

// a * b + c with one rounding; a and b nonzero, c may be a zero.
export function fma64(a: u64, b: u64, c: u64, rm: u32): u64 {
  unpack64(a);
  const ma = uSig, ea = uExp;
  unpack64(b);
  mul128(ma, uSig);
  const ph = H, pl = L, pe = ea + uExp;
  unpack64(c);
  return sumRound64((a ^ b) >> 63, ph, pl, pe, c >> 63, uSig, uExp, rm);
}
