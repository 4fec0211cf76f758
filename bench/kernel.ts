// Microkernel operations for `npm run bench`: native cells built with the SDK run on
// the kernel in-process, and each operation's cost is measured in host time (wall and
// CPU, per operation, best of the runs) and in the virtual cycles the kernel's cost
// model charges for it. seL4's published figures on RISC-V silicon give the scale.
// As seL4's own benchmarks do, the figures are the steady state: the first fifth of the
// operations warm up (the JIT compiles the cells' hot pages then, and V8 tiers up its
// modules), the rest are timed; the whole run's time per operation is reported beside.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cellCompilerArgs } from '../src/cli/cc.js';
import { bootImage } from '../src/kernel/boot.js';
import type { KernelImage } from '../src/kernel/image.js';
import { Kernel } from '../src/kernel/kernel.js';
import { VirtBoard } from '../src/machine/virt.js';

/** Operations per benchmark run (the test suite builds the same cells for 100,000). */
export const OPS = 1_000_000;

export interface KernelOpRow {
  readonly name: string;
  readonly what: string;
  /** Host nanoseconds per operation: wall clock and process CPU time. */
  readonly wallNs: number;
  readonly cpuNs: number;
  /** Wall nanoseconds per operation over the whole run, warm-up included. */
  readonly wholeWallNs: number;
  /** Virtual cycles per operation: instructions the cells retired plus what the kernel charged. */
  readonly virtualCycles: number;
  readonly kernelCycles: number;
  readonly entries: number;
  readonly failure?: string;
}

interface OpSpec {
  readonly name: string;
  readonly what: string;
  /** Operations in one run. */
  readonly ops: number;
  /** The operations done so far, from the cells' statistics. */
  readonly done: (kernel: Kernel) => number;
  readonly image: (elf: (name: string) => Uint8Array) => KernelImage;
}

export const CALL_ROUND_TRIP = 'Call/ReplyRecv round trip';

function stat(k: Kernel, cell: string, what: 'ipcs' | 'notifications' | 'syscalls'): number {
  return k.cells.find((c) => c.name === cell)?.stats[what] ?? 0;
}

const SPECS: readonly OpSpec[] = [
  {
    name: CALL_ROUND_TRIP,
    what: 'a client calls a passive server of higher priority in another address space (one message register each way) and gets its reply',
    ops: OPS,
    done: (k) => stat(k, 'client', 'ipcs'),
    image: (elf) => ({
      regions: [],
      channels: [{ a: { cell: 'client', id: 0 }, b: { cell: 'server', id: 0 }, pp: 'a' }],
      cells: [
        { name: 'client', elf: elf('pingpong-client-long'), priority: 100, poweroff: true },
        { name: 'server', elf: elf('pingpong-server'), priority: 200, passive: true },
      ],
    }),
  },
  {
    name: 'Signal → wake',
    what: 'a cell signals a higher-priority cell waiting on its notification, which runs at once and waits again',
    ops: OPS,
    done: (k) => stat(k, 'sender', 'notifications'),
    image: (elf) => ({
      regions: [],
      channels: [{ a: { cell: 'sender', id: 0 }, b: { cell: 'waiter', id: 0 } }],
      cells: [
        { name: 'sender', elf: elf('signal-sender-long'), priority: 100, poweroff: true },
        { name: 'waiter', elf: elf('signal-waiter'), priority: 200 },
      ],
    }),
  },
  {
    name: 'context switch (Yield)',
    what: 'two cells of equal priority yield to each other: one kernel entry and one address-space switch each',
    ops: 2 * OPS, // each of the two cells yields OPS times
    done: (k) => stat(k, 'a', 'syscalls') + stat(k, 'b', 'syscalls'),
    image: (elf) => ({
      regions: [],
      channels: [],
      cells: [
        { name: 'a', elf: elf('yield-long'), priority: 100, poweroff: true },
        { name: 'b', elf: elf('yield-long'), priority: 100 },
      ],
    }),
  },
];

/** The cells the benchmarks run (build/bench/cells/NAME.elf) and their sources; the VM rows (vm-rows.ts) use the last two. */
/** Each cell: its source and the compiler's -D options. */
const CELLS: Readonly<Record<string, readonly [string, ...string[]]>> = {
  'pingpong-client': ['bench/cells/pingpong-client.c'],
  'pingpong-server': ['bench/cells/pingpong-server.c'],
  'signal-sender': ['bench/cells/signal-sender.c'],
  'signal-waiter': ['bench/cells/signal-waiter.c'],
  yield: ['bench/cells/yield.c'],
  'vm-pong': ['bench/cells/vm-pong.c'],
  periodic: ['examples/rt/periodic.c'],
  // The benchmark's own runs: OPS operations each.
  'pingpong-client-long': ['bench/cells/pingpong-client.c', `-DCALLS=${OPS}`],
  'signal-sender-long': ['bench/cells/signal-sender.c', `-DSIGNALS=${OPS}`],
  'yield-long': ['bench/cells/yield.c', `-DYIELDS=${OPS}`],
};

/** Builds the benchmark cells into build/bench/cells when stale. */
export function buildCells(root: string): string | undefined {
  const sdk = ['sdk/src/cellvisor.c', 'sdk/src/crt0.S', 'sdk/include/cellvisor.h', 'sdk/link.ld', 'build/include/cellvisor/abi.h']
    .map((f) => statSync(join(root, f)).mtimeMs);
  // The -D options are written here: a cell built with them is stale when this file changed.
  const self = statSync(join(root, 'bench/kernel.ts')).mtimeMs;
  mkdirSync(join(root, 'build/bench/cells'), { recursive: true });
  for (const [name, [source, ...defines]] of Object.entries(CELLS)) {
    const src = join(root, source);
    const out = join(root, 'build/bench/cells', `${name}.elf`);
    const inputs = [statSync(src).mtimeMs, ...sdk, ...(defines.length > 0 ? [self] : [])];
    if (existsSync(out) && statSync(out).mtimeMs >= Math.max(...inputs)) continue;
    const r = spawnSync('riscv64-unknown-elf-gcc', cellCompilerArgs(out, ['-Wall', '-Wextra', '-Werror', ...defines, src]), { stdio: 'inherit' });
    if (r.status !== 0) return `could not build ${source}`;
  }
  return undefined;
}

/** The first fifth of a run's operations warm up; the rest are timed. */
const WARM_UP = 0.2;

async function once(hart: WebAssembly.Module, root: string, spec: OpSpec): Promise<KernelOpRow> {
  const elf = (name: string): Uint8Array => readFileSync(join(root, 'build/bench/cells', `${name}.elf`));
  const board = await VirtBoard.create(hart, { ramSize: 64 << 20, console: { write: () => {} } });
  const kernel = new Kernel(board, { output: () => {}, log: () => {} });
  bootImage(kernel, spec.image(elf));
  kernel.start();
  const machine = board.machine;
  const start = performance.now();
  // Warm-up, in slices, to the first fifth of the operations.
  let outcome = machine.run({ maxInsns: machine.retired + 100_000n });
  while (outcome.kind === 'insn-limit' && spec.done(kernel) < spec.ops * WARM_UP) {
    outcome = machine.run({ maxInsns: machine.retired + 100_000n });
  }
  const done0 = spec.done(kernel);
  const entries0 = kernel.counters.entries;
  const mtime0 = machine.hart.mtime;
  const retired0 = machine.retired;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  if (outcome.kind === 'insn-limit') outcome = machine.run({ maxInsns: 1_000_000_000n });
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const n = spec.done(kernel) - done0;
  const cycles = Number(machine.hart.mtime - mtime0) * 10;
  const retired = Number(machine.retired - retired0);
  const failure = outcome.kind === 'exit' && outcome.code === 0
    ? n < spec.ops / 2 ? `only ${n} operations timed` : undefined
    : `ended with ${outcome.kind}`;
  return {
    name: spec.name, what: spec.what,
    wallNs: ((end - wall0) * 1e6) / n, cpuNs: ((cpu.user + cpu.system) * 1e3) / n,
    wholeWallNs: ((end - start) * 1e6) / spec.ops,
    virtualCycles: cycles / n, kernelCycles: (cycles - retired) / n,
    entries: (kernel.counters.entries - entries0) / n, failure,
  };
}

/** The operations of SPECS (those named in `names`, if given), best of `runs` each. */
export async function kernelOps(hart: WebAssembly.Module, root: string, runs: number, names?: readonly string[]): Promise<KernelOpRow[]> {
  const rows: KernelOpRow[] = [];
  for (const spec of SPECS.filter((s) => names === undefined || names.includes(s.name))) {
    let best: KernelOpRow | undefined;
    for (let i = 0; i < runs; i++) {
      const r = await once(hart, root, spec);
      process.stderr.write(`bench: ${spec.name} run ${i + 1}/${runs}: ${r.wallNs.toFixed(0)} ns wall, ${r.cpuNs.toFixed(0)} ns CPU per operation\n`);
      if (!best || r.failure || r.wallNs < best.wallNs) best = r.failure ? r : best && best.failure ? best : r;
    }
    rows.push(best!);
  }
  return rows;
}

export function kernelTable(rows: readonly KernelOpRow[]): string {
  const lines = [
    ['operation', 'host ns (wall)', 'host ns (CPU)', 'whole run, ns (wall)', 'virtual cycles', 'of which kernel', 'kernel entries', 'target'],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
  ];
  for (const r of rows) {
    const target = r.name.startsWith('Call') ? 1000 : r.name.startsWith('Signal') ? 2000 : undefined;
    const mark = target === undefined ? '' : `< ${target / 1000} µs ${r.wallNs < target ? '✓' : '✗'}`;
    lines.push([
      r.name, r.wallNs.toFixed(0), r.cpuNs.toFixed(0), r.wholeWallNs.toFixed(0), r.virtualCycles.toFixed(0), r.kernelCycles.toFixed(0),
      r.entries.toFixed(1), r.failure ? `failed: ${r.failure}` : mark,
    ]);
  }
  return lines.map((c) => `| ${c.join(' | ')} |`).join('\n');
}
