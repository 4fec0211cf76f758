// The JIT compiling off the main thread (`jitAsync`, docs/hart.md, "JIT"): a hot page
// runs interpreted until its module is ready, the module is installed between two
// `run` calls, and a write to the page while it compiles cancels it. Every run must
// end as the interpreter's does.
//
//   node --import tsx --test test/hart/jit-async.test.ts

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Hart, type JitStats } from '../../src/hart/index.js';
import { words } from '../helpers/elf-builder.js';
import { addi, bne, JSELF } from '../helpers/rv.js';
import { HART_WASM, needHart } from '../helpers/tools.js';

const BASE = 0x8000_0000;
const bus = { mmioRead: () => undefined, mmioWrite: () => false };
const jal = (rd: number, offset: number): number =>
  ((((offset >> 20) & 1) << 31) | (((offset >> 1) & 0x3ff) << 21) | (((offset >> 11) & 1) << 20) |
    (((offset >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
const RET = 0x0000_8067; // jalr x0, 0(x1)
const SLICE = 499n;
const CALLS = 2000;

interface Run {
  x10: bigint;
  instret: bigint;
  stats: JitStats;
  /** The most compilations under way seen after a slice. */
  maxPending: number;
}

/**
 * x10 += f() CALLS times, f on the next page (`addi x10, x10, 1; ret`), run in slices
 * with the event loop turning between them; f
 * becomes `addi x10, x10, 100` as soon as a compilation is under way (`patch`).
 */
async function run(mode: 'off' | 'async', patch?: 'while-compiling'): Promise<Run & { patchedAt?: bigint }> {
  const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: 1 << 20, jit: mode !== 'off', jitAsync: mode === 'async' });
  if (mode !== 'off') hart.setJit(true, 2);
  hart.writeBytes(BASE, words(addi(10, 0, 0), addi(11, 0, CALLS), jal(1, 0x1000 - 8), addi(11, 11, -1), bne(11, 0, -8), JSELF));
  hart.writeBytes(BASE + 0x1000, words(addi(10, 10, 1), RET));
  hart.reset(BigInt(BASE));
  const end = BigInt(BASE + 20);
  let maxPending = 0;
  let patchedAt: bigint | undefined;
  for (let i = 0; i < 1000 && hart.pc !== end; i++) {
    hart.run(SLICE);
    const pending = hart.jitStats.pending;
    if (pending > maxPending) maxPending = pending;
    if (patchedAt === undefined && patch === 'while-compiling' && pending > 0) {
      hart.writeU32(BASE + 0x1000, addi(10, 10, 100));
      patchedAt = hart.instret;
    }
    await tick();
  }
  assert.equal(hart.pc, end, 'the loop ran to its end');
  // A compilation started near the end may still be under way: it settles (installed
  // or discarded) within a bounded time, on a loaded machine too.
  for (let t = 0; t < 1000 && hart.jitStats.pending > 0; t++) await sleep(10);
  return { x10: hart.x[10]!, instret: hart.instret, stats: hart.jitStats, maxPending, patchedAt };
}

describe('JIT compiling off the main thread', { skip: needHart }, () => {
  it('installs a hot page when its module is ready, with the same result as the interpreter', async () => {
    const off = await run('off');
    const on = await run('async');
    assert.equal(on.x10, BigInt(CALLS));
    assert.equal(on.x10, off.x10);
    assert.equal(on.instret, off.instret);
    assert.ok(on.maxPending > 0, 'a compilation was under way between two runs');
    assert.equal(on.stats.pending, 0);
    assert.ok(on.stats.livePages > 0 && on.stats.compiledInsns > 0, JSON.stringify(on.stats));
  });

  it('drops a compilation under way when its page is written, and runs the new code', async () => {
    const on = await run('async', 'while-compiling');
    assert.ok(on.patchedAt !== undefined, 'the page was written while its compilation was under way');
    // The interpreter, patched after the same instruction.
    const hart = await Hart.create(readFileSync(HART_WASM), bus, { ramSize: 1 << 20 });
    hart.writeBytes(BASE, words(addi(10, 0, 0), addi(11, 0, CALLS), jal(1, 0x1000 - 8), addi(11, 11, -1), bne(11, 0, -8), JSELF));
    hart.writeBytes(BASE + 0x1000, words(addi(10, 10, 1), RET));
    hart.reset(BigInt(BASE));
    hart.run(on.patchedAt!);
    hart.writeU32(BASE + 0x1000, addi(10, 10, 100));
    hart.run(on.instret - on.patchedAt!);
    assert.equal(hart.pc, BigInt(BASE + 20));
    assert.equal(on.x10, hart.x[10]);
    assert.ok(on.x10 > BigInt(CALLS), 'the patch took effect');
    // The cancelled compilation was followed by one of the new code.
    assert.ok(on.stats.compiles >= 2 && on.stats.livePages > 0, JSON.stringify(on.stats));
    assert.equal(on.stats.pending, 0);
  });
});
