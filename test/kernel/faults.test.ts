// Faults through real cells: a cell that touches memory it was not given faults; its
// handler gets the cause, pc and address and may restart it (from its ELF again) or
// stop it; without a handler the kernel stops only that cell and says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT } from '../../src/hart/causes.js';
import { CV_ILLEGAL_OPERATION, CV_NO_ERROR } from '../../src/kernel/abi/abi.js';
import { cellElf, linesOf, needCells, runImage } from '../helpers/cells.js';

const KIND = { storeUnmapped: 1, storeText: 2, execStack: 3, loadKernel: 4 } as const;
const TOUCH = /^run 1: touching (0x[0-9a-f]+) at pc (0x[0-9a-f]+)$/;

test('a fault goes to the handler with cause, pc and address; the handler restarts, then stops the cell', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'handler', elf: await cellElf('fault_handler'), priority: 200, poweroff: true },
      { name: 'child', elf: await cellElf('fault_child', [`KIND=${KIND.storeUnmapped}`]), priority: 100, faultHandler: { cell: 'handler', id: 2 } },
    ],
    channels: [],
  }, { maxInsns: 5_000_000n });
  assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
  const first = TOUCH.exec(linesOf(run, 'child')[0] ?? '');
  assert.ok(first, run.lines.join('\n'));
  const [, addr, pc] = first;
  assert.equal(addr, '0x5000000');
  const touch = `child| run 1: touching ${addr} at pc ${pc}`;
  const fault = `handler| fault child=2 cause=${CAUSE_STORE_PAGE_FAULT} pc=${pc} addr=${addr}`;
  // `run 1` every time: the restart reloaded the child's memory from its ELF.
  assert.deepEqual(run.lines, [
    touch, fault, `handler| restart: ${CV_NO_ERROR}`,
    touch, fault, `handler| restart: ${CV_NO_ERROR}`,
    touch, fault, `handler| stop: ${CV_NO_ERROR}`,
  ]);
  assert.deepEqual(run.log, []);
  assert.equal(run.stats.child!.faults, 3);
});

const unhandled = [
  { kind: KIND.storeUnmapped, cause: 'store page fault', where: 'not mapped' },
  { kind: KIND.storeText, cause: 'store page fault', where: 'its program, mapped rx' },
  { kind: KIND.execStack, cause: 'instruction page fault', where: 'its stack, mapped rw' },
  { kind: KIND.loadKernel, cause: 'load page fault', where: 'not mapped' },
];

for (const { kind, cause, where } of unhandled) {
  test(`${cause} with no handler stops only that cell (address ${where})`, { skip: needCells }, async () => {
    const run = await runImage({
      regions: [],
      cells: [
        { name: 'lonely', elf: await cellElf('fault_child', [`KIND=${kind}`]), priority: 200 },
        { name: 'survivor', elf: await cellElf('survivor'), priority: 100, poweroff: true },
      ],
      channels: [],
    }, { maxInsns: 5_000_000n });
    assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
    const m = TOUCH.exec(linesOf(run, 'lonely')[0] ?? '');
    assert.ok(m, run.lines.join('\n'));
    const [, addr, pc] = m;
    assert.deepEqual(run.lines, [`lonely| run 1: touching ${addr} at pc ${pc}`, 'survivor| still running']);
    assert.deepEqual(run.log, [`cell 'lonely' faulted: ${cause} at pc ${pc} (address ${addr}): ${where}`]);
    assert.equal(run.kernel.cells[0]!.tcb.state, 'stopped');
    assert.equal(run.stats.lonely!.faults, 1);
  });
}

// The cause codes the handler receives are the privileged spec's (mcause) values.
test('fault causes reach the handler as mcause values', { skip: needCells }, async () => {
  for (const [kind, code] of [[KIND.execStack, CAUSE_FETCH_PAGE_FAULT], [KIND.loadKernel, CAUSE_LOAD_PAGE_FAULT]] as const) {
    const run = await runImage({
      regions: [],
      cells: [
        { name: 'handler', elf: await cellElf('fault_handler', ['RESTARTS=0']), priority: 200, poweroff: true },
        { name: 'child', elf: await cellElf('fault_child', [`KIND=${kind}`]), priority: 100, faultHandler: { cell: 'handler', id: 0 } },
      ],
      channels: [],
    }, { maxInsns: 5_000_000n });
    const [, addr, pc] = TOUCH.exec(linesOf(run, 'child')[0] ?? '') ?? [];
    assert.deepEqual(linesOf(run, 'handler'), [`fault child=0 cause=${code} pc=${pc} addr=${addr}`, `stop: ${CV_NO_ERROR}`]);
  }
});

for (const passive of [false, true]) {
  test(`a ${passive ? 'passive ' : ''}server that faults in a call: the caller gets an error and goes on`, { skip: needCells }, async () => {
    const run = await runImage({
      regions: [],
      cells: [
        { name: 'client', elf: await cellElf('wedge_client'), priority: 100, poweroff: true },
        { name: 'server', elf: await cellElf('crash_server', ['CRASH_LABEL=2']), priority: 200, passive },
      ],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
    }, { maxInsns: 5_000_000n });
    // A passive server faults on the client's lent time; the client gets it back with the error.
    assert.deepEqual(run.outcome, { kind: 'exit', code: 0, source: 'kernel' });
    assert.deepEqual(run.lines, [
      'server| server ready',
      'server| server: label 2',
      `client| call: error=${CV_ILLEGAL_OPERATION} label=2`,
    ]);
    assert.equal(run.log.length, 1);
    assert.match(run.log[0]!, /^cell 'server' faulted: store page fault at pc 0x[0-9a-f]+ \(address 0x5000000\): not mapped$/);
  });
}
