// Malformed syscalls from a real cell: each gets its error code in a7 (abi.ts's CV_*
// codes), and the cell goes on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CV_ILLEGAL_OPERATION, CV_INVALID_ARGUMENT, CV_INVALID_CAPABILITY, CV_NO_ERROR, CV_RANGE_ERROR, CV_FAILED_LOOKUP,
  CV_WAKE_NONE,
} from '../../src/kernel/abi/abi.js';
import { cellElf, linesOf, needCells, runImage } from '../helpers/cells.js';

test('malformed syscalls and invocations return the right error code', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'bad', elf: await cellElf('bad_calls'), priority: 100, poweroff: true },
      { name: 'peer', elf: await cellElf('print_notified'), priority: 50 },
    ],
    channels: [{ a: { cell: 'bad', id: 0 }, b: { cell: 'peer', id: 0 }, pp: 'a' }],
  }, { maxInsns: 5_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  const expected: [string, number][] = [
    ['signal cptr 600', CV_INVALID_CAPABILITY],
    ['signal cptr 2^64-1', CV_INVALID_CAPABILITY],
    ['call empty slot', CV_INVALID_CAPABILITY],
    ['recv with a tcb as reply', CV_INVALID_CAPABILITY],
    ['signal an endpoint', CV_INVALID_CAPABILITY],
    ['wait on a tcb', CV_INVALID_CAPABILITY],
    ['call a notification', CV_ILLEGAL_OPERATION],
    ['recv on a tcb', CV_INVALID_CAPABILITY],
    ['irq ack without an irq', CV_INVALID_CAPABILITY],
    ['signal without write', CV_INVALID_CAPABILITY],
    ['poll without read', CV_INVALID_CAPABILITY],
    ['call without write', CV_INVALID_CAPABILITY],
    ['nbrecv without read', CV_INVALID_CAPABILITY],
    ['syscall 0', CV_ILLEGAL_OPERATION],
    ['syscall CV_SYS_COUNT', CV_ILLEGAL_OPERATION],
    ['syscall 0x100', CV_ILLEGAL_OPERATION],
    ['syscall 2^64-1', CV_ILLEGAL_OPERATION],
    ['tcb label 999', CV_ILLEGAL_OPERATION],
    ['cnode label 0x10001', CV_ILLEGAL_OPERATION],
    ['power label off+1', CV_ILLEGAL_OPERATION],
    ['cnode copy with one register', CV_INVALID_ARGUMENT],
    ['timer set with no register', CV_INVALID_ARGUMENT],
    ['set priority above mcp', CV_RANGE_ERROR],
    ['read own registers', CV_ILLEGAL_OPERATION],
    ['bind an empty slot', CV_FAILED_LOOKUP],
    ['reply with no caller', CV_ILLEGAL_OPERATION],
    ['reply through a tcb', CV_INVALID_CAPABILITY],
    ['puts at 0', CV_INVALID_ARGUMENT],
    ['puts unmapped', CV_INVALID_ARGUMENT],
    ['puts across the end of the ipc buffer', CV_INVALID_ARGUMENT],
    ['puts at 2^64-1', CV_INVALID_ARGUMENT],
    ['puts 4097 bytes', CV_RANGE_ERROR],
    ['puts 2^63 bytes', CV_RANGE_ERROR],
    ['puts 0 bytes', CV_NO_ERROR],
  ];
  assert.deepEqual(linesOf(run, 'bad'), [
    ...expected.map(([what, code]) => `${what}: ${code}`),
    'text',
    `puts: ${CV_NO_ERROR}`,
    `nbrecv: ${CV_NO_ERROR} wake=${CV_WAKE_NONE}`,
    `yield: ${CV_NO_ERROR}`,
  ]);
  assert.deepEqual(run.log, []);
});
