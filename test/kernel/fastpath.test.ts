// The fast paths (src/kernel/fastpath.ts, and the hart module's, src/kernel/kfast.ts)
// must change nothing but the host time a syscall takes: every system runs with both,
// with the TypeScript one alone and with neither to the same output, the same
// statistics, the same instruction count and the same virtual time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildCells } from '../../bench/kernel.js';
import { formatStats } from '../../src/cli/run-stats.js';
import { bootImage } from '../../src/kernel/boot.js';
import type { KernelImage } from '../../src/kernel/image.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { cellElf } from '../helpers/cells.js';
import { HART_WASM, needHartAndGcc, ROOT } from '../helpers/tools.js';

interface Run {
  readonly lines: string[];
  readonly outcome: string;
  readonly retired: bigint;
  readonly mtime: bigint;
  readonly stats: string;
  readonly switches: number;
  readonly fastpaths: number;
  readonly wasmFastpaths: number;
  readonly entries: number;
  /** What `cellvisor run --stats` prints. */
  readonly printed: string;
  /** Each cell's scheduling context: time consumed, exhaustions, refills. */
  readonly budgets: string;
}

/** 'both': both fast paths; 'ts': fastpath.ts alone; 'off': the general path only. */
type Mode = 'both' | 'ts' | 'off';

async function run(image: KernelImage, mode: Mode, input: string[] = [], stopAtTicks?: number): Promise<Run> {
  const queue = [...input];
  const lines: string[] = [];
  const board = await VirtBoard.create(readFileSync(HART_WASM), {
    ramSize: 64 << 20,
    console: { write: (b) => lines.push(`uart: ${new TextDecoder().decode(b)}`) },
    input: { read: () => { const l = queue.shift(); return l === undefined ? undefined : new TextEncoder().encode(l); } },
  });
  const kernel = new Kernel(board, { output: (cell, line) => lines.push(`${cell}| ${line}`), log: (m) => lines.push(`log: ${m}`) });
  kernel.fastpath = mode !== 'off';
  kernel.wasmFastpath = mode === 'both';
  bootImage(kernel, image);
  kernel.stopAt = stopAtTicks;
  kernel.start();
  const outcome = board.machine.run({ maxInsns: 300_000_000n });
  return {
    lines, outcome: JSON.stringify(outcome, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    retired: board.machine.retired, mtime: board.machine.hart.mtime,
    stats: JSON.stringify(kernel.cells.map((c) => ({ name: c.name, ...c.stats })), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    switches: kernel.counters.switches, fastpaths: kernel.counters.fastpaths,
    wasmFastpaths: kernel.counters.wasmFastpaths, entries: kernel.counters.entries,
    printed: formatStats(kernel),
    budgets: JSON.stringify(kernel.cells.map((c) => ({ consumed: c.sc.consumed, total: c.sc.totalConsumed, exhaustions: c.sc.exhaustions, refills: c.sc.refills }))),
  };
}

const elf = (path: string): Uint8Array => readFileSync(join(ROOT, path));

async function same(image: KernelImage, input: string[] = [], stopAtTicks?: number): Promise<Run> {
  const fast = await run(image, 'both', input, stopAtTicks);
  const ts = await run(image, 'ts', input, stopAtTicks);
  const slow = await run(image, 'off', input, stopAtTicks);
  assert.equal(slow.fastpaths, 0);
  assert.equal(ts.wasmFastpaths, 0);
  for (const other of [ts, slow]) {
    assert.deepEqual(fast.lines, other.lines);
    assert.equal(fast.outcome, other.outcome);
    assert.equal(fast.retired, other.retired, 'instructions retired');
    assert.equal(fast.mtime, other.mtime, 'virtual time');
    assert.equal(fast.stats, other.stats);
    assert.equal(fast.switches, other.switches);
    assert.equal(fast.entries, other.entries, 'kernel entries');
    assert.equal(fast.printed, other.printed, '--stats');
    assert.equal(fast.budgets, other.budgets, 'scheduling contexts');
  }
  assert.equal(fast.fastpaths, ts.fastpaths, 'fast path steps (in the module or not)');
  return fast;
}

describe('kernel fast path', { skip: needHartAndGcc }, () => {
  it('runs 100,000 protected calls to a passive server exactly as the general path does', async () => {
    assert.equal(buildCells(ROOT), undefined);
    const fast = await same({
      regions: [],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
      cells: [
        { name: 'client', elf: elf('build/bench/cells/pingpong-client.elf'), priority: 100, poweroff: true },
        { name: 'server', elf: elf('build/bench/cells/pingpong-server.elf'), priority: 200, passive: true },
      ],
    });
    assert.match(fast.outcome, /"kind":"exit","code":0/);
    assert.ok(fast.fastpaths >= 199_000, `fast path taken ${fast.fastpaths} times`);
    assert.ok(fast.wasmFastpaths >= 199_000, `the module's fast path taken ${fast.wasmFastpaths} times`);
  });

  it('runs 100,000 signals to a higher-priority waiter exactly as the general path does', async () => {
    assert.equal(buildCells(ROOT), undefined);
    const fast = await same({
      regions: [],
      channels: [{ a: { cell: 'sender', id: 0 }, b: { cell: 'waiter', id: 0 } }],
      cells: [
        { name: 'sender', elf: elf('build/bench/cells/signal-sender.elf'), priority: 100, poweroff: true },
        { name: 'waiter', elf: elf('build/bench/cells/signal-waiter.elf'), priority: 200 },
      ],
    });
    assert.ok(fast.fastpaths >= 99_000, `fast path taken ${fast.fastpaths} times`);
    // Each Signal and the waiter's Recv after it, inside the module.
    assert.ok(fast.wasmFastpaths >= 199_000, `the module's fast path taken ${fast.wasmFastpaths} times`);
  });

  it('runs signals beside a spinner of the same priority and a periodic cell above the same', async () => {
    assert.equal(buildCells(ROOT), undefined);
    // The spinner shares the sender's priority: their timeslices alternate, and each Signal
    // puts the sender back at the head of the queue. The periodic cell preempts both.
    const fast = await same({
      regions: [],
      channels: [{ a: { cell: 'sender', id: 0 }, b: { cell: 'waiter', id: 0 } }],
      cells: [
        { name: 'sender', elf: elf('build/bench/cells/signal-sender.elf'), priority: 100, poweroff: true },
        { name: 'waiter', elf: elf('build/bench/cells/signal-waiter.elf'), priority: 200 },
        { name: 'spinner', elf: elf('examples/rt/spinner.elf'), priority: 100 },
        { name: 'periodic', elf: elf('examples/rt/periodic.elf'), priority: 250, budgetNs: 1_000_000, periodNs: 2_000_000 },
      ],
    });
    assert.match(fast.outcome, /"kind":"exit","code":0/);
    assert.ok(fast.wasmFastpaths > 0 && fast.wasmFastpaths < 2 * fast.fastpaths, `${fast.wasmFastpaths} of ${fast.fastpaths}`);
  });

  it('runs two cells of one priority yielding to each other 100,000 times each, to the end', async () => {
    assert.equal(buildCells(ROOT), undefined);
    const fast = await same({
      regions: [],
      channels: [],
      cells: [
        { name: 'a', elf: elf('build/bench/cells/yield.elf'), priority: 100, poweroff: true },
        { name: 'b', elf: elf('build/bench/cells/yield.elf'), priority: 100 },
      ],
    });
    // Both run the same code: each resumes at the pc where the other left the hart.
    assert.match(fast.outcome, /"kind":"exit","code":0/);
    assert.ok(fast.switches >= 200_000, `${fast.switches} switches`);
    assert.ok(fast.wasmFastpaths >= 199_000, `the module's fast path taken ${fast.wasmFastpaths} times`);
    // Three of one priority: the next after a yield is not the only other ready one, so
    // the module is never armed; a periodic cell above two preempts them now and then.
    const three = await same({
      regions: [],
      channels: [],
      cells: ['a', 'b', 'c'].map((name) => ({ name, elf: elf('build/bench/cells/yield.elf'), priority: 100, poweroff: name === 'a' })),
    });
    assert.equal(three.wasmFastpaths, 0);
    const preempted = await same({
      regions: [],
      channels: [],
      cells: [
        { name: 'a', elf: elf('build/bench/cells/yield.elf'), priority: 100, poweroff: true },
        { name: 'b', elf: elf('build/bench/cells/yield.elf'), priority: 100 },
        { name: 'periodic', elf: elf('examples/rt/periodic.elf'), priority: 250, budgetNs: 1_000_000, periodNs: 2_000_000 },
      ],
    });
    assert.ok(preempted.wasmFastpaths > 0 && preempted.wasmFastpaths < preempted.switches, `${preempted.wasmFastpaths} of ${preempted.switches}`);
  });

  it('runs the hello and driver examples the same, and a budgeted system under timer pressure', async () => {
    await same({
      regions: [],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 1 }, pp: 'a' }],
      cells: [
        { name: 'server', elf: elf('examples/hello/server.elf'), priority: 200, passive: true },
        { name: 'client', elf: elf('examples/hello/client.elf'), priority: 100, poweroff: true },
      ],
    });
    await same({
      regions: [{ name: 'uart', size: 4096, physAddr: 0x1000_0000 }, { name: 'rx', size: 4096 }, { name: 'tx', size: 4096 }],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'driver', id: 0 } }],
      cells: [
        {
          name: 'driver', elf: elf('examples/driver/uart.elf'), priority: 200, irqs: [{ source: 10, id: 1 }],
          maps: [
            { region: 'uart', vaddr: 0x500_0000, perms: 'rw', setvar: 'uart_base' },
            { region: 'rx', vaddr: 0x500_1000, perms: 'rw', setvar: 'rx_base' },
            { region: 'tx', vaddr: 0x500_2000, perms: 'rw', setvar: 'tx_base' },
          ],
        },
        {
          name: 'client', elf: elf('examples/driver/client.elf'), priority: 100, poweroff: true,
          maps: [{ region: 'rx', vaddr: 0x500_1000, perms: 'rw', setvar: 'rx_base' }, { region: 'tx', vaddr: 0x500_2000, perms: 'rw', setvar: 'tx_base' }],
        },
      ],
    }, ['first line\n', 'second\n', 'poweroff\n']);
    // Calls from a budgeted client whose budget runs out mid-stream, beside a spinner.
    await same({
      regions: [],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
      cells: [
        { name: 'client', elf: elf('build/bench/cells/pingpong-client.elf'), priority: 100, budgetNs: 200_000, periodNs: 1_000_000 },
        { name: 'server', elf: elf('build/bench/cells/pingpong-server.elf'), priority: 200, passive: true },
        { name: 'spinner', elf: elf('examples/rt/spinner.elf'), priority: 10 },
      ],
    }, [], 200_000);
  });

  it("stops between two of the module's steps and goes on the same, run after run", async () => {
    const image: KernelImage = {
      regions: [],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
      cells: [
        { name: 'client', elf: await cellElf('fast_client'), priority: 100, poweroff: true },
        { name: 'server', elf: await cellElf('fast_server'), priority: 200, passive: true },
      ],
    };
    // Runs of an odd number of instructions end anywhere in the pair's steps; after each,
    // the kernel's objects must be what the TypeScript path leaves.
    const sliced = async (mode: Mode): Promise<{ snapshots: string[]; wasm: number }> => {
      const board = await VirtBoard.create(readFileSync(HART_WASM), { ramSize: 64 << 20, console: { write: () => {} } });
      const kernel = new Kernel(board, { output: () => {}, log: () => {} });
      kernel.fastpath = mode !== 'off';
      kernel.wasmFastpath = mode === 'both';
      bootImage(kernel, image);
      kernel.start();
      const snapshots: string[] = [];
      for (let i = 0; i < 100; i++) {
        const outcome = board.machine.run({ maxInsns: board.machine.retired + 7_777n });
        const [client, server] = kernel.cells.map((c) => c.tcb);
        snapshots.push(JSON.stringify({
          outcome: outcome.kind, mtime: String(board.machine.hart.mtime), now: kernel.nowTicks(), current: kernel.current?.name,
          states: [client!.state, server!.state], a0: [String(client!.regs[10]), String(server!.regs[10])],
          scs: [client!.sc?.name, server!.sc?.name], caller: kernel.cells[1]!.reply.caller?.name,
          entries: kernel.counters.entries, stats: formatStats(kernel), budgets: kernel.cells.map((c) => [c.sc.consumed, c.sc.refills]),
        }));
        if (outcome.kind !== 'insn-limit') break;
      }
      return { snapshots, wasm: kernel.counters.wasmFastpaths };
    };
    const both = await sliced('both');
    const ts = await sliced('ts');
    assert.ok(both.wasm > 10_000, `${both.wasm} steps in the module`);
    assert.equal(both.snapshots.length, 100);
    assert.deepEqual(both.snapshots, ts.snapshots);
  });

  // Runs of an odd number of instructions end after any step of a pair (a Signal or a
  // Recv, one thread's Yield or the other's); after each, the kernel's objects must be
  // what the TypeScript paths leave.
  const slices = async (image: KernelImage, mode: Mode, step: bigint): Promise<{ snapshots: string[]; wasm: number }> => {
    const board = await VirtBoard.create(readFileSync(HART_WASM), { ramSize: 64 << 20, console: { write: () => {} } });
    const kernel = new Kernel(board, { output: () => {}, log: () => {} });
    kernel.fastpath = mode !== 'off';
    kernel.wasmFastpath = mode === 'both';
    bootImage(kernel, image);
    kernel.start();
    const snapshots: string[] = [];
    for (let i = 0; i < 100; i++) {
      const outcome = board.machine.run({ maxInsns: board.machine.retired + step });
      const [x, y] = kernel.cells.map((c) => c.tcb);
      snapshots.push(JSON.stringify({
        outcome: outcome.kind, mtime: String(board.machine.hart.mtime), now: kernel.nowTicks(), current: kernel.current?.name,
        states: [x!.state, y!.state], a0: [String(x!.regs[10]), String(y!.regs[10])], a6: [String(x!.regs[16]), String(y!.regs[16])],
        ready: [...kernel.sched.ready()].map((t) => t.name), waiting: [Boolean(x!.blocking.endpoint), Boolean(y!.blocking.endpoint)],
        entries: kernel.counters.entries, switches: kernel.counters.switches, fastpaths: kernel.counters.fastpaths,
        stats: formatStats(kernel), budgets: kernel.cells.map((c) => [c.sc.consumed, c.sc.totalConsumed, c.sc.refills]),
      }));
      if (outcome.kind !== 'insn-limit') break;
    }
    return { snapshots, wasm: kernel.counters.wasmFastpaths };
  };

  const slicedTheSame = async (image: KernelImage, step: bigint): Promise<void> => {
    const both = await slices(image, 'both', step);
    const ts = await slices(image, 'ts', step);
    // Each slice starts in the TypeScript kernel (a run's end disarms the module).
    assert.ok(both.wasm > 2_000, `${both.wasm} steps in the module`);
    assert.equal(both.snapshots.length, 100);
    // The slices end with either thread on the hart.
    for (const cell of image.cells) assert.ok(both.snapshots.some((x) => x.includes(`"current":"${cell.name}"`)), cell.name);
    assert.deepEqual(both.snapshots, ts.snapshots);
  };

  it("stops between a Signal and the waiter's Recv and goes on the same, run after run", async () => {
    assert.equal(buildCells(ROOT), undefined);
    await slicedTheSame({
      regions: [],
      channels: [{ a: { cell: 'sender', id: 0 }, b: { cell: 'waiter', id: 0 } }],
      cells: [
        { name: 'sender', elf: elf('build/bench/cells/signal-sender.elf'), priority: 100, poweroff: true },
        { name: 'waiter', elf: elf('build/bench/cells/signal-waiter.elf'), priority: 200 },
      ],
    }, 3_331n);
  });

  it('stops between two yields and goes on the same, run after run', async () => {
    assert.equal(buildCells(ROOT), undefined);
    await slicedTheSame({
      regions: [],
      channels: [],
      cells: [
        { name: 'a', elf: elf('build/bench/cells/yield.elf'), priority: 100, poweroff: true },
        { name: 'b', elf: elf('build/bench/cells/yield.elf'), priority: 100 },
      ],
    }, 1_111n);
  });

  it("takes the module's fast path only while its preconditions hold, with the same results", async () => {
    const pair = async (server: { passive?: boolean; defines?: string[] }, client: string[] = [], others: KernelImage['cells'] = []): Promise<Run> => same({
      regions: [],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
      cells: [
        { name: 'client', elf: await cellElf('fast_client', client), priority: 100, poweroff: true },
        { name: 'server', elf: await cellElf('fast_server', server.defines ?? []), priority: 200, passive: server.passive ?? true },
        ...others,
      ],
    });
    // 20,000 round trips of 75 ticks: the client's 5 ms round-robin slice (lent to the
    // server) ends about 30 times mid-stream, and the kernel takes over each time.
    const plain = await pair({});
    assert.ok(plain.lines.includes('client| sum 200010000'), plain.lines.join('\n'));
    assert.ok(plain.wasmFastpaths >= 39_000, `${plain.wasmFastpaths} steps in the module`);
    // A call on a slot with no capability, mid-stream: the general path answers it.
    const bad = await pair({}, ['BAD_AT=5000']);
    assert.ok(bad.lines.some((l) => l.startsWith('client| call 5000 to channel 5: error ')), bad.lines.join('\n'));
    assert.ok(bad.wasmFastpaths >= 39_000);
    // The server faults mid-stream, on the client's lent time.
    const crash = await pair({ defines: ['CRASH_AT=7000'] });
    assert.ok(crash.lines.some((l) => l.startsWith('client| call 7000: error ')), crash.lines.join('\n'));
    assert.ok(crash.wasmFastpaths >= 13_000);
    // A server with its own time (not passive): no time is lent, the module is never armed.
    const active = await pair({ passive: false });
    assert.equal(active.wasmFastpaths, 0);
    // A periodic cell above both: its timer falls due mid-stream and it preempts the pair.
    const periodic = await pair({}, ['CALLS=200000'], [
      { name: 'periodic', elf: elf('examples/rt/periodic.elf'), priority: 250, budgetNs: 1_000_000, periodNs: 2_000_000 },
    ]);
    assert.ok(periodic.wasmFastpaths > 0 && periodic.wasmFastpaths < periodic.fastpaths, `${periodic.wasmFastpaths} of ${periodic.fastpaths}`);
  });
});
