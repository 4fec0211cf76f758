// Endpoints through real cells: protected calls carry the server's badge for the
// caller's channel and up to 64 message registers each way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellElf, linesOf, needCells, runImage } from '../helpers/cells.js';

test('call/reply: badges per channel and 64 message registers each way', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'server', elf: await cellElf('ipc_server'), priority: 150 },
      { name: 'client_a', elf: await cellElf('ipc_client', ['SEED=1']), priority: 120 },
      { name: 'client_b', elf: await cellElf('ipc_client', ['SEED=2', 'POWEROFF']), priority: 110, poweroff: true },
    ],
    channels: [
      { a: { cell: 'client_a', id: 0 }, b: { cell: 'server', id: 3 }, pp: 'a' },
      { a: { cell: 'client_b', id: 0 }, b: { cell: 'server', id: 5 }, pp: 'a' },
    ],
  }, { maxInsns: 5_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  assert.deepEqual(run.lines, [
    'server| ready',
    'server| error=0 wake=0 badge=0x8000000000000003 label=7 count=64 bad=0',
    'client_a| ok call 7: error=0 label=107 count=64 bad=0',
    'server| error=0 wake=0 badge=0x8000000000000003 label=8 count=5 bad=0',
    'client_a| ok call 8: error=0 label=108 count=64 bad=0',
    'server| error=0 wake=0 badge=0x8000000000000003 label=9 count=64 bad=0',
    'client_a| ok call 9: error=0 label=109 count=64 bad=0',
    'server| error=0 wake=0 badge=0x8000000000000005 label=7 count=64 bad=0',
    'client_b| ok call 7: error=0 label=107 count=64 bad=0',
    'server| error=0 wake=0 badge=0x8000000000000005 label=8 count=5 bad=0',
    'client_b| ok call 8: error=0 label=108 count=64 bad=0',
    'server| error=0 wake=0 badge=0x8000000000000005 label=9 count=64 bad=0',
    'client_b| ok call 9: error=0 label=109 count=64 bad=0',
  ]);
  assert.deepEqual(run.log, []);
  assert.equal(run.stats.client_a!.ipcs, 3);
  assert.equal(run.stats.server!.ipcs, 6);
});

// A protected-call capability also allows a plain Send (seL4 has no call-only right). A
// passive server that took one would wake without a scheduling context (nobody lent it
// time) and never run again, so the kernel refuses a Send to a receiver with no time
// (IllegalOperation) and the server keeps answering calls.
test('a plain Send to a passive server does not stop it answering calls', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'client', elf: await cellElf('wedge_client', ['SEND_FIRST']), priority: 100, poweroff: true },
      { name: 'server', elf: await cellElf('crash_server'), priority: 200, passive: true },
    ],
    channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
  }, { maxInsns: 5_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  assert.deepEqual(linesOf(run, 'client'), ['send: 3', 'call: error=0 label=3']);
});
