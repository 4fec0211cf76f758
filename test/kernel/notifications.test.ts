// Notifications through real cells: signals coalesce into one word, and a cell's bound
// notification wakes its Recv on its endpoint just as a message does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CV_WAKE_MESSAGE, CV_WAKE_NOTIFICATION } from '../../src/kernel/abi/abi.js';
import { cellElf, needCells, runImage } from '../helpers/cells.js';

test('notifications coalesce: eight signals on two channels wake the receiver once', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'sender', elf: await cellElf('ntfn_sender', ['COALESCE']), priority: 200 },
      { name: 'receiver', elf: await cellElf('recv_loop', ['POWEROFF_AFTER=1']), priority: 100, poweroff: true },
    ],
    channels: [
      { a: { cell: 'sender', id: 0 }, b: { cell: 'receiver', id: 2 } },
      { a: { cell: 'sender', id: 1 }, b: { cell: 'receiver', id: 4 } },
    ],
  }, { maxInsns: 2_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  // One wake-up with both channels' bits (1 << 2 | 1 << 4), and the word is then clear.
  assert.deepEqual(run.lines, [
    'sender| sent 8',
    'receiver| ready',
    `receiver| error=0 wake=${CV_WAKE_NOTIFICATION} badge=0x14 label=0 poll=0x0`,
  ]);
  assert.equal(run.stats.sender!.notifications, 8);
});

test('a bound notification wakes a Recv on the endpoint; a call then arrives through the same Recv', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'receiver', elf: await cellElf('recv_loop'), priority: 200 },
      { name: 'sender', elf: await cellElf('ntfn_sender'), priority: 100, poweroff: true },
    ],
    channels: [{ a: { cell: 'sender', id: 0 }, b: { cell: 'receiver', id: 3 }, pp: 'a' }],
  }, { maxInsns: 2_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  assert.deepEqual(run.lines, [
    'receiver| ready',
    'sender| notify',
    `receiver| error=0 wake=${CV_WAKE_NOTIFICATION} badge=0x8 label=0 poll=0x0`,
    'sender| after notify',
    `receiver| error=0 wake=${CV_WAKE_MESSAGE} badge=0x8000000000000003 label=5 poll=0x0`,
    'sender| reply label=6 error=0',
  ]);
});
