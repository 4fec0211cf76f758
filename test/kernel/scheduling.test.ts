// Scheduling through real cells: fixed priorities decide who runs after a signal;
// MCS budgets throttle a cell that never blocks; a passive server runs on (and is
// limited by) its caller's budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellElf, needCells, runImage, NS_PER_TICK, type CellRun } from '../helpers/cells.js';

const exitOk = { kind: 'exit', code: 0, source: 'kernel' };

test('a blocked higher-priority receiver runs at once; a lower-priority one waits', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    cells: [
      { name: 'high', elf: await cellElf('print_notified'), priority: 200 },
      { name: 'main', elf: await cellElf('prio_main'), priority: 100 },
      { name: 'low', elf: await cellElf('print_notified', ['POWEROFF']), priority: 50, poweroff: true },
    ],
    channels: [
      { a: { cell: 'main', id: 0 }, b: { cell: 'high', id: 1 } },
      { a: { cell: 'main', id: 1 }, b: { cell: 'low', id: 2 } },
    ],
  }, { maxInsns: 2_000_000n });
  assert.deepEqual(run.outcome, exitOk);
  assert.deepEqual(run.lines, [
    'main| notify high',
    'high| notified 1',
    'main| after high',
    'main| after low',
    'low| notified 2',
  ]);
});

test('a budget throttles a spinner; the rest of each period goes to a lower priority', { skip: needCells }, async () => {
  const budgetNs = 100_000;
  const periodNs = 1_000_000;
  const stopNs = 10_000_000;
  const run = await runImage({
    regions: [],
    channels: [],
    cells: [
      { name: 'timer', elf: await cellElf('stop_timer', [`STOP_NS=${stopNs}`]), priority: 250, poweroff: true },
      { name: 'spinner', elf: await cellElf('spinner'), priority: 150, budgetNs, periodNs },
      { name: 'background', elf: await cellElf('spinner'), priority: 50 },
    ],
  }, { maxInsns: 20_000_000n });
  assert.deepEqual(run.outcome, exitOk);
  const stopLine = run.lines[0] ?? '';
  assert.match(stopLine, /^timer\| stop at \d+ ns$/);
  const stoppedAt = Number(/(\d+) ns/.exec(stopLine)![1]);
  // The timer's own release costs a few microseconds of kernel work.
  assert.ok(stoppedAt >= stopNs && stoppedAt < stopNs + 20_000, stopLine);
  const budget = budgetNs / NS_PER_TICK;
  const spinner = run.stats.spinner!;
  // In any window of one period the spinner uses at most its budget (sporadic server),
  // kernel entries on its behalf included: ten full periods, then what is left of the
  // eleventh before the stop. It is throttled once per period.
  const bound = 10 * budget + Math.min(budget, (stoppedAt - 10 * periodNs) / NS_PER_TICK);
  assert.ok(spinner.cpuTicks <= Math.ceil(bound), `spinner used ${spinner.cpuTicks} ticks, more than ${bound}`);
  assert.ok(spinner.cpuTicks >= 9 * budget, `spinner used only ${spinner.cpuTicks} ticks`);
  assert.equal(spinner.budgetExhaustions, 10);
  // Someone always runs (the background cell), so every tick of virtual time, the
  // kernel's own work included, is charged to exactly one cell.
  const charged = Object.values(run.stats).reduce((sum, st) => sum + st.cpuTicks, 0);
  assert.equal(charged, Number(run.mtime));
  // The background cell gets the rest: nearly all of the other 90 %.
  const background = run.stats.background!.cpuTicks;
  assert.ok(background >= Math.floor(0.85 * stoppedAt / NS_PER_TICK), `background used only ${background} ticks`);
});

async function timedCall(budgetNs: number | undefined): Promise<{ run: CellRun; elapsedNs: number; consumedNs: number }> {
  const run = await runImage({
    regions: [],
    channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
    cells: [
      {
        name: 'client', elf: await cellElf('timed_client'), priority: 100, poweroff: true,
        ...(budgetNs === undefined ? {} : { budgetNs, periodNs: 1_000_000 }),
      },
      { name: 'server', elf: await cellElf('passive_server', ['WORK_LOOPS=10000']), priority: 200, passive: true },
      { name: 'background', elf: await cellElf('spinner'), priority: 50 },
    ],
  }, { maxInsns: 20_000_000n });
  assert.deepEqual(run.outcome, exitOk);
  assert.equal(run.lines[0], 'server| server ready');
  const m = /^client\| error=0 elapsed_ns=(\d+) consumed_ns=(\d+)$/.exec(run.lines[1] ?? '');
  assert.ok(m, `unexpected output: ${run.lines.join(' / ')}`);
  return { run, elapsedNs: Number(m[1]), consumedNs: Number(m[2]) };
}

test('a passive server runs on its caller\'s budget and is throttled with it', { skip: needCells }, async () => {
  // The call's work (about 210 µs) on a client without a budget: done in one go, and
  // the client's scheduling context is charged for it.
  const free = await timedCall(undefined);
  assert.ok(free.elapsedNs > 150_000 && free.elapsedNs < 300_000, `free call took ${free.elapsedNs} ns`);
  assert.ok(free.consumedNs >= free.elapsedNs * 0.95, `client charged ${free.consumedNs} ns of ${free.elapsedNs}`);
  assert.equal(free.run.stats.background!.cpuTicks, 0);

  // The same call from a client with 100 µs per 1 ms: the server's work needs three
  // budgets, so it spans two refills; the server (which has no budget) is throttled,
  // and the background cell runs in between.
  const limited = await timedCall(100_000);
  assert.ok(limited.elapsedNs > 2_000_000 && limited.elapsedNs < 3_000_000, `limited call took ${limited.elapsedNs} ns`);
  assert.ok(limited.consumedNs >= free.elapsedNs, `client charged only ${limited.consumedNs} ns`);
  assert.ok(limited.consumedNs <= 3 * 100_000, `client charged ${limited.consumedNs} ns, more than three budgets`);
  assert.ok(limited.run.stats.server!.budgetExhaustions >= 2);
  assert.ok(limited.run.stats.background!.cpuTicks > 15_000);
});

// Stopping a caller while a passive server works on its lent time: the server keeps the
// time until it waits again (seL4's reply_remove_tcb), so its work stays within the
// caller's budget and charged; taking the time back at once would leave the server
// running on no budget at all, unbounded and charged to nobody.
test('a passive server whose caller is stopped mid-call goes on within the caller\'s budget', {
  skip: needCells,
}, async () => {
  const run = await runImage({
    regions: [],
    channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
    cells: [
      {
        name: 'handler', elf: await cellElf('stop_child_timer', ['STOP_AT_NS=200000', 'POWEROFF_AT_NS=15000000']),
        priority: 250, poweroff: true,
      },
      {
        name: 'client', elf: await cellElf('wedge_client'), priority: 100, budgetNs: 1_000_000, periodNs: 10_000_000,
        faultHandler: { cell: 'handler', id: 0 },
      },
      // About 3 ms of work: on the client's 1 ms per 10 ms it cannot be done by 15 ms.
      { name: 'server', elf: await cellElf('work_server', ['WORK_US=5000']), priority: 200, passive: true },
      { name: 'background', elf: await cellElf('spinner'), priority: 50 },
    ],
  }, { maxInsns: 50_000_000n });
  assert.deepEqual(run.outcome, exitOk);
  assert.deepEqual(run.lines.map((l) => l.replace(/\d+ us/, 'N us')), [
    'server| server ready',
    'handler| stopped the child at N us: 0',
    'handler| power off at N us',
  ]);
  const charged = Object.values(run.stats).reduce((sum, st) => sum + st.cpuTicks, 0);
  assert.equal(charged, Number(run.mtime));
});

test('time lent by a caller restarted mid-call comes back when the server waits again', { skip: needCells }, async () => {
  const run = await runImage({
    regions: [],
    channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
    cells: [
      {
        name: 'handler', elf: await cellElf('stop_child_timer', ['RESTART', 'STOP_AT_NS=200000', 'POWEROFF_AT_NS=25000000']),
        priority: 250, poweroff: true,
      },
      {
        name: 'client', elf: await cellElf('wedge_client'), priority: 100, budgetNs: 1_000_000, periodNs: 10_000_000,
        faultHandler: { cell: 'handler', id: 0 },
      },
      { name: 'server', elf: await cellElf('work_server', ['WORK_US=4000']), priority: 200, passive: true },
      { name: 'background', elf: await cellElf('spinner'), priority: 50 },
    ],
  }, { maxInsns: 50_000_000n });
  assert.deepEqual(run.outcome, exitOk);
  // The first call's work (about 2.5 ms) finishes in the third period on the client's time,
  // which then goes back to the restarted client: it runs init again and calls again
  // (that call's work cannot finish before the power-off).
  assert.deepEqual(run.lines.map((l) => l.replace(/\d+ us/, 'N us')), [
    'server| server ready',
    'handler| restarted the child at N us: 0',
    'server| server: call done after N us',
    'handler| power off at N us',
  ]);
  const done = Number(/(\d+) us/.exec(run.lines[2]!)![1]);
  assert.ok(done > 20_000 && done < 25_000, run.lines[2]);
  assert.equal(run.stats.client!.ipcs, 2);
  const charged = Object.values(run.stats).reduce((sum, st) => sum + st.cpuTicks, 0);
  assert.equal(charged, Number(run.mtime));
});
