// The floating-point unit (src/hart/core/fpu.ts with its integer path, fpu-soft.ts),
// compiled on its own, against
//  1. hand-written cases whose expected values come from the spec,
//  2. an exact BigInt reference (./fpu-reference.ts) on random operands in all five
//     rounding modes, biased towards the hard classes (subnormals, ties, cancellation,
//     overflow and underflow boundaries, conversion limits, NaNs),
//  3. the host's x86-64 FPU (./fpu-host.c, built with gcc here) for the four rounding
//     modes x86 has, which also checks the reference itself.
// FPU_SEED=<n> reproduces a run; FPU_VECTORS=<n> changes the operand sets per op.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ref from './fpu-reference.js';
import { F16, F32, F64, type Format, type IntKind, type Result } from './fpu-reference.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = path.join(root, 'build/test');
const SEED = Number(process.env.FPU_SEED ?? 0x5eed1);
const SETS = Number(process.env.FPU_VECTORS ?? 3000);
const RMS = [ref.RNE, ref.RTZ, ref.RDN, ref.RUP, ref.RMM];

// ---------------------------------------------------------------------------------------
// The module under test

type WasmFn = (...args: (number | bigint)[]) => number | bigint;
let exports: Record<string, unknown>;
let fflagsGlobal: WebAssembly.Global;

function buildFpu(): void {
  mkdirSync(buildDir, { recursive: true });
  const wasmPath = path.join(buildDir, 'fpu.wasm');
  execFileSync(path.join(root, 'node_modules/.bin/asc'),
    ['src/hart/core/fpu.ts', '--runtime', 'stub', '-O3', '-o', wasmPath], { cwd: root, stdio: 'pipe' });
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, {
    env: { abort: () => { throw new Error('fpu.wasm aborted'); } },
  });
  exports = instance.exports as Record<string, unknown>;
  fflagsGlobal = exports.fflags as WebAssembly.Global;
}

type ArgKind = 'f16' | 'f32' | 'f64' | 'int';

interface OpDef {
  readonly name: string;
  readonly args: readonly ArgKind[];
  readonly rounded: boolean;
  readonly wide: boolean; // returns u64 (else u32)
  readonly resultFormat: Format | null; // for NaN canonicalisation of the host's results
  readonly ref: (args: readonly bigint[], rm: number) => Result;
}

function callWasm(op: OpDef, args: readonly bigint[], rm: number): Result {
  const fn = exports[op.name] as WasmFn | undefined;
  if (fn === undefined) throw new Error(`fpu.wasm does not export ${op.name}`);
  const wasmArgs: (number | bigint)[] = args.map((v, i) => (op.args[i] === 'f16' || op.args[i] === 'f32' ? Number(v) : v));
  if (op.rounded) wasmArgs.push(rm);
  fflagsGlobal.value = 0;
  const r = fn(...wasmArgs);
  const bits = op.wide ? BigInt.asUintN(64, r as bigint) : BigInt((r as number) >>> 0);
  return { bits, flags: fflagsGlobal.value as number };
}

// ---------------------------------------------------------------------------------------
// The operations

const FORMATS: readonly [Format, 'f32' | 'f64'][] = [[F32, 'f32'], [F64, 'f64']];
const INT_KINDS: readonly IntKind[] = ['i32', 'u32', 'i64', 'u64'];

function opDefs(): OpDef[] {
  const defs: OpDef[] = [];
  const add = (name: string, args: ArgKind[], rounded: boolean, wide: boolean, resultFormat: Format | null,
    fn: (a: readonly bigint[], rm: number) => Result) => defs.push({ name, args, rounded, wide, resultFormat, ref: fn });
  for (const [f, t] of FORMATS) {
    const w = f === F64;
    add(`${t}_add`, [t, t], true, w, f, ([a, b], rm) => ref.add(f, a, b, rm));
    add(`${t}_sub`, [t, t], true, w, f, ([a, b], rm) => ref.sub(f, a, b, rm));
    add(`${t}_mul`, [t, t], true, w, f, ([a, b], rm) => ref.mul(f, a, b, rm));
    add(`${t}_div`, [t, t], true, w, f, ([a, b], rm) => ref.div(f, a, b, rm));
    add(`${t}_sqrt`, [t], true, w, f, ([a], rm) => ref.sqrt(f, a, rm));
    add(`${t}_madd`, [t, t, t], true, w, f, ([a, b, c], rm) => ref.fma(f, a, b, c, rm, false, false));
    add(`${t}_msub`, [t, t, t], true, w, f, ([a, b, c], rm) => ref.fma(f, a, b, c, rm, false, true));
    add(`${t}_nmsub`, [t, t, t], true, w, f, ([a, b, c], rm) => ref.fma(f, a, b, c, rm, true, false));
    add(`${t}_nmadd`, [t, t, t], true, w, f, ([a, b, c], rm) => ref.fma(f, a, b, c, rm, true, true));
    add(`${t}_min`, [t, t], false, w, f, ([a, b]) => ref.min(f, a, b));
    add(`${t}_max`, [t, t], false, w, f, ([a, b]) => ref.max(f, a, b));
    add(`${t}_eq`, [t, t], false, true, null, ([a, b]) => ref.compare(f, a, b, 'eq'));
    add(`${t}_lt`, [t, t], false, true, null, ([a, b]) => ref.compare(f, a, b, 'lt'));
    add(`${t}_le`, [t, t], false, true, null, ([a, b]) => ref.compare(f, a, b, 'le'));
    add(`${t}_class`, [t], false, true, null, ([a]) => ref.classify(f, a));
    for (const k of INT_KINDS) {
      add(`${t}_to_${k}`, [t], true, true, null, ([a], rm) => ref.toInt(f, a, k, rm));
      add(`${k}_to_${t}`, ['int'], true, w, f, ([v], rm) => ref.fromInt(f, v, k, rm));
    }
  }
  add('f32_to_f64', ['f32'], false, true, F64, ([a]) => ref.convert(F32, F64, a, ref.RNE));
  add('f64_to_f32', ['f64'], true, false, F32, ([a], rm) => ref.convert(F64, F32, a, rm));
  add('f16_to_f32', ['f16'], false, false, F32, ([a]) => ref.convert(F16, F32, a, ref.RNE));
  add('f16_to_f64', ['f16'], false, true, F64, ([a]) => ref.convert(F16, F64, a, ref.RNE));
  add('f32_to_f16', ['f32'], true, false, F16, ([a], rm) => ref.convert(F32, F16, a, rm));
  add('f64_to_f16', ['f64'], true, false, F16, ([a], rm) => ref.convert(F64, F16, a, rm));
  return defs;
}

// ---------------------------------------------------------------------------------------
// Operand generation: a seeded PRNG and generators biased towards hard cases

class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  u32(): number { // xorshift32
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  below(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  range(lo: number, hi: number): number { return lo + this.below(hi - lo + 1); }
  bits(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(this.u32());
    return BigInt.asUintN(n, v);
  }
}

const maskN = (n: number): bigint => (1n << BigInt(n)) - 1n;
const biasOf = (f: Format): number => (1 << (f.expBits - 1)) - 1;
const expMax = (f: Format): number => (1 << f.expBits) - 1;
const pack = (f: Format, sign: number, e: number, frac: bigint): bigint =>
  (BigInt(sign) << BigInt(f.width - 1)) | (BigInt(e) << BigInt(f.fracBits)) | (frac & maskN(f.fracBits));
const expField = (f: Format, v: bigint): number => Number((v >> BigInt(f.fracBits)) & maskN(f.expBits));

function genFrac(n: number, r: Rng): bigint {
  switch (r.below(7)) {
    case 0: return maskN(n);
    case 1: { const k = r.range(0, n); return (r.bits(n) >> BigInt(n - k)) << BigInt(n - k); } // few leading bits
    case 2: { const k = r.range(1, n); return r.bits(n) | maskN(k); } // trailing ones
    case 3: return 1n << BigInt(r.below(n));
    case 4: { const k = r.range(1, n); return r.bits(n) & ~maskN(k); } // trailing zeros
    default: return r.bits(n);
  }
}

function genFloat(f: Format, r: Rng): bigint {
  const sign = r.below(2), em = expMax(f), b = biasOf(f), fb = f.fracBits;
  const quiet = 1n << BigInt(fb - 1);
  switch (r.below(20)) {
    case 0: return pack(f, sign, 0, 0n);
    case 1: return pack(f, sign, em, 0n);
    case 2: return pack(f, sign, em, r.below(2) ? quiet : quiet | r.bits(fb));
    case 3: { const frac = r.bits(fb) & ~quiet; return pack(f, sign, em, frac === 0n ? 1n : frac); }
    case 4: case 5: { const frac = genFrac(fb, r); return pack(f, sign, 0, frac === 0n ? 1n : frac); }
    case 6: return pack(f, sign, r.range(1, 2), genFrac(fb, r));
    case 7: return pack(f, sign, r.range(em - 2, em - 1), genFrac(fb, r));
    case 8: case 9: { const k = r.range(0, 6); return pack(f, sign, r.range(b - 12, b + 12), r.bits(k) << BigInt(fb - k)); }
    case 10: case 11: case 12: return pack(f, sign, r.range(b - 30, b + 30), genFrac(fb, r));
    default: return pack(f, sign, r.range(1, em - 1), genFrac(fb, r));
  }
}

function clampExp(f: Format, e: number): number {
  return Math.max(0, Math.min(expMax(f) - 1, e));
}

function genPair(f: Format, r: Rng): [bigint, bigint] {
  const a = genFloat(f, r);
  const ea = expField(f, a), b = biasOf(f), p = f.fracBits + 1, em = expMax(f);
  const sign = r.below(2);
  const wiggle = (v: bigint): bigint => BigInt.asUintN(f.width, v + BigInt(r.range(-3, 3)));
  switch (r.below(9)) {
    case 0: return [a, pack(f, sign, clampExp(f, ea + r.range(-3, 3)), genFrac(f.fracBits, r))];
    case 1: return [a, wiggle(a ^ (1n << BigInt(f.width - 1)))]; // near cancellation
    case 2: return [a, r.below(2) ? a : a ^ (1n << BigInt(f.width - 1))];
    case 3: { // products near the underflow or overflow threshold
      const t = r.below(2) ? r.range(1 - b - p - 3, 1 - b + 2) : r.range(b - 2, b + 1);
      return [a, pack(f, sign, clampExp(f, t - (ea - b) + b + r.range(-1, 1)), genFrac(f.fracBits, r))];
    }
    case 4: { // quotients near the thresholds
      const t = r.below(2) ? r.range(1 - b - p - 3, 1 - b + 2) : r.range(b - 2, b + 1);
      return [a, pack(f, sign, clampExp(f, ea - t + r.range(-1, 1)), genFrac(f.fracBits, r))];
    }
    case 5: // a half-ulp or so of a: ties and sticky bits in sums
      return [a, pack(f, sign, clampExp(f, ea - p + r.range(-2, 1)), r.below(2) ? 0n : genFrac(f.fracBits, r))];
    case 6: return [a, pack(f, sign, r.range(1, em - 1), genFrac(f.fracBits, r))];
    default: return [a, genFloat(f, r)];
  }
}

function genTriple(f: Format, r: Rng): [bigint, bigint, bigint] {
  const [a, b] = genPair(f, r);
  const signMask = 1n << BigInt(f.width - 1);
  const prod = ref.mul(f, a, b, ref.RNE).bits;
  const pe = expField(f, prod);
  const finiteProd = pe !== expMax(f);
  switch (r.below(8)) {
    case 0: case 1: // cancellation against the product
      if (finiteProd) return [a, b, BigInt.asUintN(f.width, (prod ^ (r.below(4) ? signMask : 0n)) + BigInt(r.range(-4, 4)))];
      break;
    case 2: // far below or above the product: the smaller one is only a sticky bit
      if (finiteProd) {
        const gap = r.below(2) ? r.range(f.fracBits, 2 * f.fracBits + 3) : r.range(2 * f.fracBits + 4, 3 * f.fracBits);
        return [a, b, pack(f, r.below(2), clampExp(f, pe + (r.below(3) ? -gap : gap)), genFrac(f.fracBits, r))];
      }
      break;
    case 3: return [a, b, pack(f, r.below(2), 0, 0n)];
    case 4: // same binade as the product
      if (finiteProd) return [a, b, pack(f, r.below(2), clampExp(f, pe + r.range(-2, 2)), genFrac(f.fracBits, r))];
      break;
    case 5: { // the product's low bits alone: ties, sticky bits, deep underflow
      const t = genFmaCancel(f, r);
      if (t) return t;
      break;
    }
  }
  return [a, b, genFloat(f, r)];
}

// The bits of (-1)^sign * m * 2^e if it is exactly a finite value of f, else null.
function encodeExact(f: Format, sign: number, m: bigint, e: number): bigint | null {
  if (m === 0n) return pack(f, sign, 0, 0n);
  const p = f.fracBits + 1, b = biasOf(f);
  while ((m & 1n) === 0n) { m >>= 1n; e++; }
  const width = m.toString(2).length;
  if (width > p) return null;
  const top = e + width - 1; // exponent of the leading one
  if (top > b) return null;
  if (top >= 1 - b) return pack(f, sign, top + b, (m << BigInt(p - width)) & maskN(f.fracBits));
  const shift = e - (1 - b - f.fracBits); // subnormal: m * 2^e = frac * 2^(emin - fracBits)
  return shift < 0 ? null : pack(f, sign, 0, m << BigInt(shift));
}

// a*b + c where c cancels the high part of the exact product a*b, leaving its low k bits
// (k around the precision p): exact results, ties (k = p + 1 and bit p set: the low
// part then has p + 1 bits and ends in the product's last one), near ties and sticky
// bits, over the whole exponent range, including the binary64 fast path's Dekker limit
// (products near 2^-968) and the subnormal results below it.
function genFmaCancel(f: Format, r: Rng): [bigint, bigint, bigint] | null {
  const b = biasOf(f), p = f.fracBits + 1;
  const kind = r.below(4);
  const target = kind === 0 ? 1 - b + r.range(p - 20, 2 * p + 30) // product near the bottom
    : kind === 1 ? b - r.range(0, 3) // near overflow
    : r.range(-3 * p, 3 * p);
  const ea = r.range(Math.max(1 - b, target - b), Math.min(b, target - 1 + b)), eb = target - ea;
  const full = (): bigint => (r.below(4) ? r.bits(f.fracBits) : genFrac(f.fracBits, r));
  const a = pack(f, r.below(2), ea + b, full()), bb = pack(f, r.below(2), eb + b, full());
  const x = ref.decode(f, a), y = ref.decode(f, bb);
  if (x.cls !== 'fin' || y.cls !== 'fin') return null;
  let m = x.m * y.m, e = x.e + y.e;
  while ((m & 1n) === 0n) { m >>= 1n; e++; }
  const k = r.range(p - 1, p + 3);
  let high = m - (m & maskN(k));
  if (r.below(4) === 0) high += BigInt(r.range(-2, 2)) << BigInt(k); // V = low -+ a few 2^k
  const cs = x.sign ^ y.sign ^ (high < 0n ? 0 : 1);
  const c = encodeExact(f, cs, high < 0n ? -high : high, e);
  return c === null ? null : [a, bb, c];
}

function encodeNumber(f: Format, x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  if (f === F64) {
    dv.setFloat64(0, x);
    return dv.getBigUint64(0);
  }
  dv.setFloat32(0, x);
  return BigInt(dv.getUint32(0));
}

// Operands for float-to-integer conversion: around the limits, halves, random.
function genForInt(f: Format, r: Rng): bigint {
  if (r.below(4) === 0) return genFloat(f, r);
  const sign = r.below(2) ? -1 : 1;
  const limits = [0, 1, 2, 2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 2 ** r.range(0, 70)];
  let x: number;
  if (r.below(3) === 0) x = (2 * r.range(0, 8) + 1) / 2 + (r.below(2) ? 0 : r.range(-1, 1) / 4);
  else x = limits[r.below(limits.length)];
  const v = encodeNumber(f, sign * x);
  return BigInt.asUintN(f.width, v + BigInt(r.range(-3, 3)));
}

function genInt(r: Rng): bigint {
  const hiGarbage = r.below(2) ? r.bits(32) << 32n : 0n;
  switch (r.below(5)) {
    case 0: return r.bits(64);
    case 1: { const k = r.range(0, 64); return BigInt.asUintN(64, (r.bits(64) >> BigInt(64 - k)) * (r.below(2) ? -1n : 1n)); }
    case 2: { // around the precision and range limits of the formats
      const k = [11, 12, 24, 25, 31, 32, 53, 54, 62, 63, 64][r.below(11)];
      const v = (1n << BigInt(k)) + BigInt(r.range(-3, 3)) * (r.below(2) ? 1n : 1n << BigInt(r.range(0, 40)));
      return BigInt.asUintN(64, r.below(2) ? -v : v);
    }
    case 3: return hiGarbage | BigInt(r.u32());
    default: return hiGarbage | (r.bits(32) >> BigInt(r.range(0, 31)));
  }
}

// Narrowing conversions: biased to the target's subnormal and overflow boundaries.
function genNarrowing(from: Format, to: Format, r: Rng): bigint {
  if (r.below(3) === 0) return genFloat(from, r);
  const tb = biasOf(to), fb = biasOf(from);
  const e = r.below(2) ? r.range(1 - tb - to.fracBits - 3, 1 - tb + 1) : r.range(tb - 1, tb + 2);
  return pack(from, r.below(2), e + fb, genFrac(from.fracBits, r));
}

function genArgs(op: OpDef, r: Rng): bigint[] {
  const kinds = op.args;
  const fmt = (k: ArgKind): Format => (k === 'f16' ? F16 : k === 'f32' ? F32 : F64);
  if (kinds[0] === 'int') return [genInt(r)];
  const f = fmt(kinds[0]);
  if (kinds.length === 3) return genTriple(f, r);
  if (kinds.length === 2) return genPair(f, r);
  if (op.name.includes('_to_i') || op.name.includes('_to_u')) return [genForInt(f, r)];
  if (op.name === 'f64_to_f32') return [genNarrowing(F64, F32, r)];
  if (op.name === 'f64_to_f16') return [genNarrowing(F64, F16, r)];
  if (op.name === 'f32_to_f16') return [genNarrowing(F32, F16, r)];
  return [genFloat(f, r)];
}

// ---------------------------------------------------------------------------------------
// Comparison and reporting

function infTimesZero(f: Format, a: bigint, b: bigint): boolean {
  const x = ref.decode(f, a), y = ref.decode(f, b);
  const zero = (d: typeof x): boolean => d.cls === 'fin' && d.m === 0n;
  return (x.cls === 'inf' && zero(y)) || (zero(x) && y.cls === 'inf');
}

const hex = (v: bigint): string => '0x' + v.toString(16);
const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];
const flagNames = (fl: number): string =>
  ['NV', 'DZ', 'OF', 'UF', 'NX'].filter((_, i) => fl & (16 >> i)).join('|') || '-';

function describeCase(op: string, args: readonly bigint[], rm: number, got: Result, want: Result): string {
  return `${op}(${args.map(hex).join(', ')}${rm >= 0 ? ', ' + RM_NAMES[rm] : ''}): ` +
    `got ${hex(got.bits)} ${flagNames(got.flags)}, want ${hex(want.bits)} ${flagNames(want.flags)}`;
}

class Mismatches {
  readonly list: string[] = [];
  count = 0;
  add(s: string): void {
    this.count++;
    if (this.list.length < 15) this.list.push(s);
  }
  assertNone(what: string): void {
    assert.equal(this.count, 0, `${this.count} mismatches in ${what} (seed ${SEED}):\n  ${this.list.join('\n  ')}`);
  }
}

// ---------------------------------------------------------------------------------------

describe('fpu (src/hart/core/fpu.ts)', () => {
  const defs = opDefs();
  const byName = new Map(defs.map((d) => [d.name, d]));
  const op = (name: string): OpDef => {
    const d = byName.get(name);
    if (!d) throw new Error(`no op ${name}`);
    return d;
  };

  before(() => buildFpu());

  test('exports the whole API', () => {
    for (const d of defs) assert.equal(typeof exports[d.name], 'function', d.name);
    assert.equal(typeof fflagsGlobal.value, 'number');
  });

  test('spec corner cases', () => {
    const { NV, DZ, OF, UF, NX, RNE, RTZ, RDN, RUP, RMM } = ref;
    const f32 = (x: number): bigint => encodeNumber(F32, x);
    const f64 = (x: number): bigint => encodeNumber(F64, x);
    const QNAN32 = 0x7fc00000n, SNAN32 = 0x7f800001n, QNAN64 = 0x7ff8000000000000n, SNAN64 = 0x7ff0000000000001n;
    const NEG_QNAN32 = 0xffc12345n;
    type Case = [string, bigint[], number, bigint, number];
    const cases: Case[] = [
      // canonical NaN results, NV only for signaling inputs
      ['f32_add', [NEG_QNAN32, f32(1)], RNE, QNAN32, 0],
      ['f32_add', [SNAN32, f32(1)], RNE, QNAN32, NV],
      ['f64_mul', [f64(Infinity), f64(0)], RNE, QNAN64, NV],
      ['f64_add', [f64(Infinity), f64(-Infinity)], RNE, QNAN64, NV],
      ['f64_div', [f64(0), f64(0)], RNE, QNAN64, NV],
      ['f64_div', [f64(-1), f64(0)], RNE, f64(-Infinity), DZ],
      ['f32_sqrt', [f32(-1)], RNE, QNAN32, NV],
      ['f32_sqrt', [f32(-0)], RNE, f32(-0), 0],
      ['f64_sqrt', [f64(2)], RDN, 0x3ff6a09e667f3bccn, NX],
      ['f64_sqrt', [f64(2)], RUP, 0x3ff6a09e667f3bcdn, NX],
      // FMA: inf * 0 + qNaN raises NV; single rounding; zero signs
      ['f64_madd', [f64(Infinity), f64(0), QNAN64], RNE, QNAN64, NV],
      ['f32_madd', [f32(0), f32(-Infinity), QNAN32], RNE, QNAN32, NV],
      ['f64_madd', [f64(1 + 2 ** -52), f64(1 - 2 ** -53), f64(-1)], RNE, f64(2 ** -53 - 2 ** -105), 0],
      ['f32_madd', [f32(1 + 2 ** -23), f32(1 + 2 ** -23), f32(-1)], RNE, f32(2 ** -22), NX],
      ['f32_madd', [f32(1 + 2 ** -23), f32(1 + 2 ** -23), f32(-1)], RUP, f32(2 ** -22 + 2 ** -45), NX],
      ['f64_madd', [f64(1), f64(1), f64(-1)], RDN, f64(-0), 0],
      ['f64_madd', [f64(1), f64(1), f64(-1)], RNE, f64(0), 0],
      ['f32_nmadd', [f32(0), f32(1), f32(0)], RNE, f32(-0), 0],
      ['f32_nmsub', [f32(0), f32(1), f32(0)], RNE, f32(0), 0],
      ['f32_nmsub', [f32(0), f32(1), f32(0)], RDN, f32(-0), 0],
      // exact zero sums: +0, except -0 when rounding down
      ['f32_add', [f32(1.5), f32(-1.5)], RNE, f32(0), 0],
      ['f32_add', [f32(1.5), f32(-1.5)], RDN, f32(-0), 0],
      ['f64_sub', [f64(0), f64(0)], RDN, f64(-0), 0],
      ['f64_sub', [f64(-0), f64(0)], RNE, f64(-0), 0],
      // overflow by rounding mode
      ['f32_add', [0x7f7fffffn, 0x7f7fffffn], RNE, 0x7f800000n, OF | NX],
      ['f32_add', [0x7f7fffffn, 0x7f7fffffn], RTZ, 0x7f7fffffn, OF | NX],
      ['f32_mul', [0xff7fffffn, f32(2)], RUP, 0xff7fffffn, OF | NX],
      ['f32_mul', [0xff7fffffn, f32(2)], RDN, 0xff800000n, OF | NX],
      ['f64_add', [0x7fefffffffffffffn, f64(2 ** 969)], RUP, 0x7ff0000000000000n, OF | NX],
      ['f64_add', [0x7fefffffffffffffn, f64(2 ** 969)], RNE, 0x7fefffffffffffffn, NX],
      ['f64_add', [0x7fefffffffffffffn, f64(2 ** 970)], RNE, 0x7ff0000000000000n, OF | NX],
      // tininess after rounding: 2^-126 * (1 - 2^-25) rounds to 2^-126 at 24 bits
      ['f64_to_f32', [0x380ffffff0000000n], RNE, 0x00800000n, NX],
      ['f64_to_f32', [0x380ffffff0000000n], RTZ, 0x007fffffn, UF | NX],
      ['f64_to_f32', [0x380ffffff0000000n], RUP, 0x00800000n, NX],
      ['f64_to_f32', [0x380ffffff0000000n], RDN, 0x007fffffn, UF | NX],
      ['f64_to_f32', [0x380ffffff0000000n], RMM, 0x00800000n, NX],
      // ... while 2^-126 * (1 - 2^-24) is tiny even though it rounds up to 2^-126
      ['f32_mul', [0x3f7fffffn, 0x00800000n], RNE, 0x00800000n, UF | NX],
      // exact subnormal results raise nothing
      ['f32_mul', [0x00800000n, f32(0.5)], RNE, 0x00400000n, 0],
      ['f64_div', [0x0000000000000001n, f64(2)], RNE, 0n, UF | NX],
      ['f64_div', [0x0000000000000001n, f64(2)], RUP, 1n, UF | NX],
      // RMM breaks ties away from zero
      ['f32_add', [f32(2 ** 24), f32(1)], RMM, f32(2 ** 24 + 2), NX],
      ['f32_add', [f32(2 ** 24), f32(1)], RNE, f32(2 ** 24), NX],
      ['f32_add', [f32(-(2 ** 24)), f32(-1)], RMM, f32(-(2 ** 24) - 2), NX],
      ['f64_mul', [f64(2 ** 52 + 3), f64(3)], RMM, f64(3 * 2 ** 52 + 10), NX],
      ['f64_mul', [f64(2 ** 52 + 3), f64(3)], RNE, f64(3 * 2 ** 52 + 8), NX],
      // minimumNumber / maximumNumber
      ['f32_min', [f32(-0), f32(0)], RNE, f32(-0), 0],
      ['f32_max', [f32(-0), f32(0)], RNE, f32(0), 0],
      ['f64_min', [f64(0), f64(-0)], RNE, f64(-0), 0],
      ['f32_min', [NEG_QNAN32, f32(1)], RNE, f32(1), 0],
      ['f32_max', [f32(1), SNAN32], RNE, f32(1), NV],
      ['f64_min', [QNAN64, SNAN64], RNE, QNAN64, NV],
      // comparisons
      ['f32_eq', [QNAN32, QNAN32], RNE, 0n, 0],
      ['f32_eq', [SNAN32, f32(1)], RNE, 0n, NV],
      ['f32_lt', [QNAN32, f32(1)], RNE, 0n, NV],
      ['f64_le', [f64(-0), f64(0)], RNE, 1n, 0],
      ['f64_eq', [f64(-0), f64(0)], RNE, 1n, 0],
      ['f64_lt', [f64(-0), f64(0)], RNE, 0n, 0],
      // classify
      ['f32_class', [0xff800000n], RNE, 1n, 0],
      ['f32_class', [0x80000001n], RNE, 4n, 0],
      ['f64_class', [SNAN64], RNE, 256n, 0],
      ['f64_class', [QNAN64], RNE, 512n, 0],
      // float to integer: saturation, NaN is +max, NX only in range
      ['f32_to_i32', [QNAN32 | 0x80000000n], RNE, 0x7fffffffn, NV],
      ['f32_to_i32', [f32(-Infinity)], RNE, 0xffffffff80000000n, NV],
      ['f64_to_i32', [f64(2147483647.5)], RNE, 0x7fffffffn, NV],
      ['f64_to_i32', [f64(2147483647.5)], RTZ, 0x7fffffffn, NX],
      ['f64_to_i32', [f64(-2147483648.9)], RTZ, 0xffffffff80000000n, NX],
      ['f32_to_u32', [f32(-1)], RTZ, 0n, NV],
      ['f32_to_u32', [f32(-0.5)], RTZ, 0n, NX],
      ['f32_to_u32', [f32(-0.5)], RNE, 0n, NX],
      ['f32_to_u32', [f32(-0.5)], RMM, 0n, NV],
      ['f64_to_u32', [f64(4294967295)], RNE, 0xffffffffffffffffn, 0],
      ['f64_to_u32', [f64(3e9)], RNE, 0xffffffffb2d05e00n, 0],
      ['f64_to_u32', [QNAN64], RNE, 0xffffffffffffffffn, NV],
      ['f64_to_i64', [f64(2 ** 63)], RNE, 0x7fffffffffffffffn, NV],
      ['f64_to_i64', [f64(-(2 ** 63))], RNE, 0x8000000000000000n, 0],
      ['f64_to_u64', [f64(2 ** 64)], RNE, 0xffffffffffffffffn, NV],
      ['f64_to_u64', [f64(-0.9)], RDN, 0n, NV],
      ['f64_to_u64', [f64(-0.9)], RUP, 0n, NX],
      ['f32_to_i64', [f32(2.5)], RNE, 2n, NX],
      ['f32_to_i64', [f32(2.5)], RMM, 3n, NX],
      ['f32_to_i64', [f32(-2.5)], RMM, BigInt.asUintN(64, -3n), NX],
      // integer to float
      ['i32_to_f32', [0xffffffff7fffffffn], RNE, f32(2 ** 31), NX],
      ['i32_to_f32', [0x000000017fffffffn], RTZ, f32(2 ** 31 - 128), NX],
      ['u32_to_f32', [0xffffffffn], RDN, f32(2 ** 32 - 256), NX],
      ['i64_to_f64', [0x8000000000000000n], RNE, f64(-(2 ** 63)), 0],
      ['u64_to_f64', [0xffffffffffffffffn], RNE, f64(2 ** 64), NX],
      ['u64_to_f64', [0xffffffffffffffffn], RTZ, f64(2 ** 64 - 2048), NX],
      ['i32_to_f64', [0xffffffff80000000n], RNE, f64(-(2 ** 31)), 0],
      ['u32_to_f64', [0xffffffff80000000n], RNE, f64(2 ** 31), 0],
      // widening and narrowing
      ['f32_to_f64', [SNAN32], RNE, QNAN64, NV],
      ['f32_to_f64', [NEG_QNAN32], RNE, QNAN64, 0],
      ['f32_to_f64', [0x00000001n], RNE, f64(2 ** -149), 0],
      ['f64_to_f32', [SNAN64], RNE, QNAN32, NV],
      ['f64_to_f32', [f64(1e300)], RTZ, 0x7f7fffffn, OF | NX],
      ['f16_to_f32', [0x7c01n], RNE, QNAN32, NV],
      ['f16_to_f32', [0x0001n], RNE, f32(2 ** -24), 0],
      ['f16_to_f64', [0xfc00n], RNE, f64(-Infinity), 0],
      ['f16_to_f64', [0x7e00n], RNE, QNAN64, 0],
      ['f32_to_f16', [f32(65520)], RNE, 0x7c00n, OF | NX],
      ['f32_to_f16', [f32(65520)], RTZ, 0x7bffn, NX],
      ['f32_to_f16', [SNAN32], RNE, 0x7e00n, NV],
      ['f64_to_f16', [f64(2 ** -25)], RNE, 0x0000n, UF | NX],
      ['f64_to_f16', [f64(2 ** -25 + 2 ** -40)], RNE, 0x0001n, UF | NX],
      ['f64_to_f16', [f64(-(2 ** -24))], RNE, 0x8001n, 0],
    ];
    const bad = new Mismatches();
    for (const [name, args, rm, bits, flags] of cases) {
      const d = op(name);
      const got = callWasm(d, args, rm);
      const want = { bits, flags };
      if (got.bits !== bits || got.flags !== flags) bad.add(describeCase(name, args, d.rounded ? rm : -1, got, want));
      // the hand-written expectations also check the reference
      const r = d.ref(args, rm);
      if (r.bits !== bits || r.flags !== flags) bad.add('reference: ' + describeCase(name, args, rm, r, want));
    }
    bad.assertNone('spec corner cases');
  });

  // The operand sets, kept for the host cross-check below.
  const sets = new Map<string, bigint[][]>();

  test('random operands against the exact reference, all rounding modes', (t) => {
    const rng = new Rng(SEED);
    const bad = new Mismatches();
    let checks = 0;
    const perOp: string[] = [];
    for (const d of defs) {
      const list: bigint[][] = [];
      let n = 0;
      for (let i = 0; i < SETS; i++) {
        const args = genArgs(d, rng);
        list.push(args);
        for (const rm of d.rounded ? RMS : [-1]) {
          const got = callWasm(d, args, rm);
          const want = d.ref(args, rm);
          n++;
          if (got.bits !== want.bits || got.flags !== want.flags) bad.add(describeCase(d.name, args, rm, got, want));
        }
      }
      sets.set(d.name, list);
      checks += n;
      perOp.push(`${d.name}:${n}`);
    }
    t.diagnostic(`${checks} checks over ${defs.length} ops (seed ${SEED}): ${perOp.join(' ')}`);
    bad.assertNone('random vectors');
  });

  test('host x86-64 FPU agrees (RNE/RTZ/RDN/RUP)', (t) => {
    const exe = path.join(buildDir, 'fpu-host');
    const cc = spawnSync('gcc', ['-O1', '-frounding-math', '-fsignaling-nans', '-o', exe,
      path.join(root, 'test/hart/fpu-host.c'), '-lm'], { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) {
      t.skip(`cannot build the host reference: ${cc.error?.message ?? cc.stderr}`);
      return;
    }
    const hostOps = defs.filter((d) => d.resultFormat !== null && !d.name.includes('_min') && !d.name.includes('_max'));
    const jobs: { d: OpDef; args: bigint[]; rm: number }[] = [];
    for (const d of hostOps) {
      const list = sets.get(d.name) ?? [];
      for (const args of list.slice(0, Math.ceil(SETS / 2))) {
        for (const rm of d.rounded ? [0, 1, 2, 3] : [0]) jobs.push({ d, args, rm });
      }
    }
    const input = jobs.map(({ d, args, rm }) => {
      const [a = 0n, b = 0n, c = 0n] = args;
      return `${d.name} ${rm} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`;
    }).join('\n') + '\n';
    const run = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, jobs.length);
    const bad = new Mismatches();
    jobs.forEach(({ d, args, rm }, i) => {
      const [bitsHex, flagsText] = lines[i].split(' ');
      const fmt = d.resultFormat as Format;
      let bits = BigInt('0x' + bitsHex);
      let flags = Number(flagsText);
      if (ref.isNaN(fmt, bits)) bits = ref.canonicalNaN(fmt);
      const got = callWasm(d, args, rm);
      // x86 FMA does not raise NV for inf * 0 + qNaN; RISC-V does (covered above)
      if (d.args.length === 3 && ref.isNaN(fmt, args[2]) && infTimesZero(fmt, args[0], args[1])) flags |= ref.NV;
      if (got.bits !== bits || got.flags !== flags) bad.add(describeCase(d.name, args, rm, got, { bits, flags }));
    });
    t.diagnostic(`${jobs.length} checks against the host FPU`);
    bad.assertNone('the host cross-check');
  });
});
