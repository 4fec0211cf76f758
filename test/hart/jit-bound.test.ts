// The JIT keeps the number of live compiled pages bounded (MAX_LIVE_PAGES, as v86
// keeps at most 900 modules): a guest whose hot code spans more pages than that has
// the oldest compilations evicted, and runs exactly as the interpreter runs it,
// evicted pages included when they get hot again.
//
//   node --import tsx --test test/hart/jit-bound.test.ts

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Hart, type JitStats } from '../../src/hart/index.js';
import { MAX_LIVE_PAGES } from '../../src/hart/jit/index.js';
import { words } from '../helpers/elf-builder.js';
import { addi, auipc, bne, JSELF } from '../helpers/rv.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

const BASE = 0x8000_0000;
const bus = { mmioRead: () => undefined, mmioWrite: () => false };
const jalr = (rd: number, rs1: number, imm: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x67) >>> 0;
/** More pages of hot code than the JIT keeps. */
const PAGES = MAX_LIVE_PAGES + 150;
const PASSES = 2;
const CALLS = 4;

interface Result {
  x10: bigint;
  instret: bigint;
  pc: bigint;
  stats: JitStats;
}

/**
 * Page k (1..PAGES) holds f_k: `x10 += k % 2000; ret`. The program at BASE calls each
 * CALLS times, page after page, and does it all PASSES times.
 */
async function run(jit: boolean): Promise<Result> {
  const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: (PAGES + 2) * 4096, jit });
  if (jit) hart.setJit(true, 2);
  const main = [
    addi(10, 0, 0),
    addi(16, 0, PASSES),
    // pass:
    auipc(12, 1), // x12 = page 1 (this instruction is at BASE + 8)
    addi(12, 12, -8),
    addi(13, 0, 0), // x13 = PAGES, below
    addi(13, 13, Math.min(PAGES, 2000)),
    addi(13, 13, Math.max(PAGES - 2000, 0)),
    // page:
    addi(14, 0, CALLS),
    // call:
    jalr(1, 12, 0),
    addi(14, 14, -1),
    bne(14, 0, -8),
    addi(12, 12, 2047),
    addi(12, 12, 2047),
    addi(12, 12, 2),
    addi(13, 13, -1),
    bne(13, 0, -32),
    addi(16, 16, -1),
    bne(16, 0, -60),
    JSELF,
  ];
  hart.writeBytes(BASE, words(...main));
  for (let k = 1; k <= PAGES; k++) hart.writeBytes(BASE + k * 4096, words(addi(10, 10, k % 2000), jalr(0, 1, 0)));
  hart.reset(BigInt(BASE));
  const end = BigInt(BASE + 4 * (main.length - 1));
  for (let i = 0; i < 1000 && hart.pc !== end; i++) hart.run(100_000n);
  return { x10: hart.x[10]!, instret: hart.instret, pc: hart.pc, stats: hart.jitStats };
}

describe('JIT: live compiled pages are bounded', { skip: needHart }, () => {
  it(`hot code on ${PAGES} pages runs as the interpreter runs it, with at most ${MAX_LIVE_PAGES} pages compiled at once`, async () => {
    const off = await run(false);
    const on = await run(true);
    let sum = 0n;
    for (let k = 1; k <= PAGES; k++) sum += BigInt(k % 2000);
    assert.equal(off.x10, sum * BigInt(CALLS * PASSES), 'the program ran to its end');
    assert.equal(on.pc, off.pc);
    assert.equal(on.x10, off.x10);
    assert.equal(on.instret, off.instret);
    assert.equal(off.stats.compiles, 0);
    // Every page got hot and was compiled, in both passes: the oldest were evicted.
    assert.ok(on.stats.livePages <= MAX_LIVE_PAGES, JSON.stringify(on.stats));
    assert.ok(on.stats.compiles >= PAGES + 1, JSON.stringify(on.stats));
    assert.ok(on.stats.evicted >= PAGES - MAX_LIVE_PAGES, JSON.stringify(on.stats));
  });
});
