// Capabilities through real cells: copy, mint, move, delete and revoke in a cell's
// CNode; transfer over a channel only with the Grant right, keeping the cap's rights;
// revoke reaching the copies derived in another cell.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CV_DELETE_FIRST, CV_FAILED_LOOKUP, CV_ILLEGAL_OPERATION, CV_INVALID_CAPABILITY, CV_NO_ERROR, CV_RANGE_ERROR,
} from '../../src/kernel/abi/abi.js';
import { cellElf, linesOf, needCells, runImage } from '../helpers/cells.js';

test('capability transfer needs Grant; revoke removes derived capabilities in every cell', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'client', elf: await cellElf('cap_client'), priority: 100, poweroff: true },
      { name: 'server', elf: await cellElf('cap_server'), priority: 200 },
    ],
    channels: [
      { a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 4 }, pp: 'a', grant: true },
      { a: { cell: 'client', id: 1 }, b: { cell: 'server', id: 5 }, pp: 'a' },
    ],
  }, { maxInsns: 5_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  assert.deepEqual(linesOf(run, 'client'), [
    `copy 300 <- notification (write): ${CV_NO_ERROR}`,
    `mint 301 <- 300 badge 0x400: ${CV_NO_ERROR}`,
    `signal 301: ${CV_NO_ERROR}`,
    'poll: 0x400',
    `call: ${CV_NO_ERROR}`,
    `call: ${CV_NO_ERROR}`,
    'poll after the server signalled: 0x400',
    `revoke 300: ${CV_NO_ERROR}`,
    `signal 301 after revoke: ${CV_INVALID_CAPABILITY}`,
    `signal 300 after revoke: ${CV_NO_ERROR}`,
    `call: ${CV_NO_ERROR}`,
    `delete 300: ${CV_NO_ERROR}`,
    `signal 300 after delete: ${CV_INVALID_CAPABILITY}`,
    `copy 303 <- timer: ${CV_NO_ERROR}`,
    `move 304 <- 303: ${CV_NO_ERROR}`,
    `copy 305 <- 303 (empty): ${CV_FAILED_LOOKUP}`,
    `copy 304 <- tcb (full): ${CV_DELETE_FIRST}`,
    `mint 306 <- tcb badge 5: ${CV_ILLEGAL_OPERATION}`,
    `copy 307 <- reply: ${CV_ILLEGAL_OPERATION}`,
    `copy 600 <- tcb: ${CV_RANGE_ERROR}`,
    `copy 308 <- 1 << 40: ${CV_RANGE_ERROR}`,
    `revoke 9999: ${CV_RANGE_ERROR}`,
  ]);
  // Without Grant nothing arrives; with it the receiver holds a Write-only copy (it may
  // signal, not poll); after the client's revoke the copy is gone.
  assert.deepEqual(linesOf(run, 'server'), [
    `call on 5 label 1: caps=0 signal=${CV_INVALID_CAPABILITY} poll=${CV_INVALID_CAPABILITY}`,
    `call on 4 label 2: caps=1 signal=${CV_NO_ERROR} poll=${CV_INVALID_CAPABILITY}`,
    `call on 4 label 3: caps=0 signal=${CV_INVALID_CAPABILITY} poll=${CV_INVALID_CAPABILITY}`,
  ]);
  assert.deepEqual(run.log, []);
});
