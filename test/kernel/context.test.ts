// Thread contexts: the hart saves and loads them in kernel memory, moving the FP state
// lazily (only when written, only when another thread's is on the hart). Two cells at
// one priority fill all 32 f registers and fcsr with their own values, yield to each
// other, and read them back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellElf, needCells, runImage } from '../helpers/cells.js';

test('f registers and fcsr survive context switches between cells that both use them', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    channels: [],
    cells: [
      { name: 'a', elf: await cellElf('fp_yield', ['SEED=1', 'POWEROFF']), priority: 100, poweroff: true },
      { name: 'b', elf: await cellElf('fp_yield', ['SEED=2']), priority: 100 },
    ],
  }, { maxInsns: 20_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  assert.deepEqual([...run.lines].sort(), ['a| fp seed 1: 0 mismatches', 'b| fp seed 2: 0 mismatches']);
  assert.ok(run.stats.a!.syscalls >= 200 && run.stats.b!.syscalls >= 200, 'each cell yielded in every round');
});
