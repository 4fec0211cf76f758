// Robustness: a fuzzing cell issues 100,000 random syscalls while a canary cell keeps
// checking its memory and a third cell keeps doing IPC. No host exception, no canary
// corruption, no failed IPC, and every call gets an error code (the one the arguments
// decide, where they decide it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellElf, linesOf, needCells, runImage } from '../helpers/cells.js';

const STATUS = 0x4000000;
const CANARY = 0x4010000;
const CALLS = 100_000;

test(`a cell issuing ${CALLS} random syscalls harms no other cell`, { skip: needCells, timeout: 120_000 }, async () => {
  const started = performance.now();
  const run = await runImage({
    regions: [{ name: 'status', size: 4096 }, { name: 'canary', size: 16384 }],
    cells: [
      {
        name: 'fuzzer', elf: await cellElf('fuzzer', [`CALLS=${CALLS}`]), priority: 100,
        maps: [{ region: 'status', vaddr: STATUS, perms: 'rw', setvar: 'status_base' }],
      },
      {
        name: 'canary', elf: await cellElf('canary'), priority: 100, poweroff: true,
        maps: [
          { region: 'status', vaddr: STATUS, perms: 'r', setvar: 'status_base' },
          { region: 'canary', vaddr: CANARY, perms: 'rw', setvar: 'canary_base' },
        ],
      },
      {
        name: 'worker', elf: await cellElf('ipc_worker'), priority: 100,
        maps: [{ region: 'status', vaddr: STATUS, perms: 'rw', setvar: 'status_base' }],
      },
      { name: 'server', elf: await cellElf('echo_server'), priority: 150 },
    ],
    channels: [
      { a: { cell: 'worker', id: 0 }, b: { cell: 'server', id: 1 }, pp: 'a' },
      { a: { cell: 'fuzzer', id: 0 }, b: { cell: 'server', id: 2 }, pp: 'a', grant: true },
      { a: { cell: 'fuzzer', id: 1 }, b: { cell: 'canary', id: 0 } },
    ],
  }, { maxInsns: 1_000_000_000n });
  const seconds = (performance.now() - started) / 1000;
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  // The fuzzer prints whatever its random debug-output calls point at; its summary ends it.
  const summary = linesOf(run, 'fuzzer').filter((l) => /^fuzz: calls=\d+ /.test(l));
  assert.equal(summary.length, 1, run.lines.slice(-20).join('\n'));
  const m = /^fuzz: calls=(\d+) checked=(\d+) mismatches=(\d+) bad_codes=(\d+)$/.exec(summary[0]!);
  assert.ok(m, summary[0]);
  assert.deepEqual(m.slice(1).map(Number).filter((_, i) => i !== 1), [CALLS, 0, 0], summary[0]);
  assert.ok(Number(m[2]) > CALLS / 4, `only ${m[2]} calls had a certain outcome`);
  assert.ok(run.stats.fuzzer!.syscalls >= CALLS);
  assert.deepEqual(linesOf(run, 'worker'), ['worker: ok calls=many failures=0']);
  assert.deepEqual(linesOf(run, 'canary'), ['canary: ok checks=many corrupt=0']);
  assert.deepEqual(run.log, []);
  console.log(`# fuzz: ${run.retired} instructions, ${run.stats.fuzzer!.syscalls} fuzzer syscalls, ` +
    `${run.stats.worker!.ipcs} worker calls, ${seconds.toFixed(1)} s`);
});
