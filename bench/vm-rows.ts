// Virtual machines beside cells and each other, for `npm run bench`: three systems
// described in YAML (as a user writes them), checked by src/system as `cellvisor check`
// does, and run in-process on the kernel, each guest driven by the Linux guest's
// cellvisor.* boot arguments (guests/linux/rootfs/init), never by console input, so
// the virtual-time figures are the same on every run:
//   vm-ping  a Linux program (cvping -t) and a native cell exchange messages over a
//            uio channel: time per round trip;
//   vm-net   two Linux VMs on one link move a file over TCP: MiB/s;
//   vm-rt    a periodic real-time cell beside a Linux VM, idle and spinning: its worst
//            response against the bound of the admission test.
// The moments that bound a measurement are console lines: the host reads the board's
// virtual time (mtime) and its own clock when the line arrives.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeSystemHost } from '../src/cli/check.js';
import { BootError, bootImage } from '../src/kernel/boot.js';
import { Kernel } from '../src/kernel/kernel.js';
import { describeOutcome, type RunOutcome } from '../src/machine/outcome.js';
import { VirtBoard } from '../src/machine/virt.js';
import { formatError } from '../src/system/description.js';
import { kernelImage } from '../src/system/image.js';
import { loadSystem } from '../src/system/load.js';
import type { KernelOpRow } from './kernel.js';

/** mtime runs at 10 MHz: one tick is 100 ns of virtual time. */
const NS_PER_TICK = 100;
/** How often the host looks at what the system printed (instructions between looks; does not change the run). */
const LOOK_EVERY = 20_000_000n;
/** A guard against a system that never gets there. */
const MAX_INSNS = 20_000_000_000n;

export const PING_COUNT = 10_000;
export const NET_MIB = 10;
const RT_PERIODS = 1000;

/** The moment a console line arrived: virtual time and the host's clock. */
interface Mark {
  readonly ns: number;
  readonly wallMs: number;
  /** Exits of every VM so far. */
  readonly exits: number;
}

interface Line {
  readonly from: string;
  readonly text: string;
  readonly at: Mark;
}

interface SystemRun {
  readonly lines: readonly Line[];
  readonly kernel: Kernel;
  readonly wallSeconds: number;
  readonly failure?: string;
}

/**
 * Checks `yaml` as `cellvisor check` does and runs it on the kernel until `done` says a
 * line completes the measurement, or the system ends by itself (then it must have ended
 * with status 0).
 */
async function runSystem(hart: WebAssembly.Module, yaml: string, done: (line: Line) => boolean): Promise<SystemRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cellvisor-bench-vm-'));
  try {
    const path = join(dir, 'system.yaml');
    writeFileSync(path, yaml);
    const loaded = loadSystem(path, nodeSystemHost);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => formatError(path, e)).join('\n'));
    const image = kernelImage(loaded.system, loaded.admission);
    const vmMemory = (image.vms ?? []).reduce((n, vm) => n + vm.memory, 0);
    const lines: Line[] = [];
    const logs: string[] = [];
    let finished = false;
    const started = performance.now();
    const board = await VirtBoard.create(hart, {
      ramSize: Math.max(128 << 20, vmMemory + (64 << 20)), console: { write: () => {} }, log: (l) => logs.push(l), profile: 'rva22h',
    });
    const kernel = new Kernel(board, {
      output: (from, text) => {
        const at = {
          ns: Number(board.machine.hart.mtime) * NS_PER_TICK, wallMs: performance.now(),
          exits: kernel.vms.reduce((n, vm) => n + vm.stats.exits, 0),
        };
        const line = { from, text, at };
        lines.push(line);
        if (done(line)) finished = true;
      },
      log: (l) => logs.push(l),
    });
    try {
      bootImage(kernel, image);
    } catch (err) {
      if (err instanceof BootError) throw new Error(`${path}: ${err.message}`);
      throw err;
    }
    kernel.start();
    let outcome: RunOutcome;
    do outcome = board.machine.run({ maxInsns: MAX_INSNS, yieldAfter: LOOK_EVERY });
    while (outcome.kind === 'yield' && !finished);
    kernel.flushAll();
    const wallSeconds = (performance.now() - started) / 1000;
    const ended = outcome.kind === 'yield' || (outcome.kind === 'exit' && outcome.code === 0);
    const failure = ended && finished ? undefined
      : [ended ? 'the system ended before the measurement was complete' : describeOutcome(outcome), ...logs, ...lines.slice(-6).map((l) => `${l.from}| ${l.text}`)].join('; ');
    return { lines, kernel, wallSeconds, failure };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function find(run: SystemRun, from: string, pattern: RegExp, last = false): { line: Line; match: RegExpExecArray } | undefined {
  const lines = run.lines.filter((l) => l.from === from);
  for (const line of last ? lines.reverse() : lines) {
    const match = pattern.exec(line.text);
    if (match) return { line, match };
  }
  return undefined;
}

interface LinuxFiles {
  readonly image: string;
  readonly initrd: string;
}

function linuxVm(linux: LinuxFiles, vm: { name: string; bootargs: string; memory: string; priority: number; poweroff: boolean; more?: string[] }): string[] {
  return [
    `  - name: ${vm.name}`,
    `    kernel: ${linux.image}`,
    `    initrd: ${linux.initrd}`,
    `    bootargs: ${vm.bootargs}`,
    `    memory: ${vm.memory}`,
    `    priority: ${vm.priority}`,
    `    poweroff: ${vm.poweroff}`,
    ...(vm.more ?? []),
  ];
}

// --- vm-ping ----------------------------------------------------------------------------

/**
 * Where the cell's priority is against the VM's (100): above (200), it runs within the
 * doorbell's exit and cvping finds the reply there when it resumes; below (50), Linux
 * goes on, blocks in read() on /dev/uio0 and idles, and the cell's reply comes as the
 * uio interrupt that wakes it.
 */
export type PingCase = 'cell above Linux' | 'cell below Linux';

export interface VmPingRow {
  readonly case: PingCase;
  readonly count: number;
  /** Per round trip: virtual ns between cvping's first and last line, as the host saw them; what cvping measured itself; host wall µs; VM exits. */
  readonly virtualNs: number;
  readonly guestNs: number;
  readonly wallUs: number;
  readonly exits: number;
  readonly failure?: string;
}

async function vmPingOnce(hart: WebAssembly.Module, root: string, linux: LinuxFiles, which: PingCase): Promise<VmPingRow> {
  const yaml = [
    'memory_regions:',
    '  - { name: ring, size: 4KiB }',
    'cells:',
    '  - name: pong',
    `    elf: ${join(root, 'build/bench/cells/vm-pong.elf')}`,
    `    priority: ${which === 'cell above Linux' ? 200 : 50}`,
    '    maps:',
    '      - { region: ring, vaddr: 0x4000000, perms: rw, setvar: ring_base }',
    'vms:',
    ...linuxVm(linux, {
      name: 'linux', memory: '128MiB', priority: 100, poweroff: true,
      bootargs: `console=hvc0 quiet uio_pdrv_genirq.of_id=generic-uio cellvisor.cvping=ring:${PING_COUNT} cellvisor.autopoweroff`,
      more: ['    maps:', '      - { region: ring, gpa: 0x90000000, perms: rw, uio: { channel: 1 } }'],
    }),
    'channels:',
    '  - a: { cell: pong, id: 0 }',
    '    b: { vm: linux, id: 1 }',
    '',
  ].join('\n');
  const run = await runSystem(hart, yaml, (l) => /^cvping: \d+ round trips in/.test(l.text));
  const start = find(run, 'linux', /^cvping: timing (\d+) round trips$/);
  const verified = find(run, 'linux', /^cvping: (\d+) messages, every reply verified$/);
  const guest = find(run, 'linux', /^cvping: (\d+) round trips in (\d+) ns of guest time/);
  const failure = run.failure ?? (!start || !verified || !guest
    ? `cvping printed no ${!start ? 'start' : !verified ? 'verification' : 'timing'} line; it printed: ${run.lines.filter((l) => l.text.startsWith('cvping')).map((l) => l.text).join(' / ')}`
    : undefined);
  if (failure || !start || !verified || !guest) return { case: which, count: PING_COUNT, virtualNs: NaN, guestNs: NaN, wallUs: NaN, exits: NaN, failure };
  const n = PING_COUNT;
  return {
    case: which,
    count: n,
    virtualNs: (verified.line.at.ns - start.line.at.ns) / n,
    guestNs: Number(guest.match[2]) / n,
    wallUs: ((verified.line.at.wallMs - start.line.at.wallMs) * 1000) / n,
    exits: (verified.line.at.exits - start.line.at.exits) / n,
  };
}

/** Both cases, best wall time of `runs` each. */
export async function vmPing(hart: WebAssembly.Module, root: string, linux: LinuxFiles, runs: number): Promise<VmPingRow[]> {
  const rows: VmPingRow[] = [];
  for (const which of ['cell above Linux', 'cell below Linux'] as const) rows.push(await vmPingCase(hart, root, linux, runs, which));
  return rows;
}

async function vmPingCase(hart: WebAssembly.Module, root: string, linux: LinuxFiles, runs: number, which: PingCase): Promise<VmPingRow> {
  let best: VmPingRow | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await vmPingOnce(hart, root, linux, which);
    process.stderr.write(`bench: vm-ping (${which}) run ${i + 1}/${runs}: ${r.failure ? `failed: ${r.failure}` : `${r.virtualNs.toFixed(0)} ns virtual (cvping: ${r.guestNs.toFixed(0)} ns), ${r.wallUs.toFixed(1)} µs wall per round trip`}\n`);
    if (!best || (best.failure && !r.failure) || (!r.failure && r.wallUs < best.wallUs)) best = r;
  }
  return best!;
}

// --- vm-net -----------------------------------------------------------------------------

export interface VmNetRow {
  readonly bytes: number;
  /** From the stream's start to its end as VM a saw them: virtual and wall seconds. */
  readonly virtualSeconds: number;
  readonly wallSeconds: number;
  readonly exits: number;
  readonly sha256: string;
  readonly failure?: string;
}

async function vmNetOnce(hart: WebAssembly.Module, linux: LinuxFiles): Promise<VmNetRow> {
  const yaml = [
    'vms:',
    ...linuxVm(linux, {
      name: 'a', memory: '96MiB', priority: 100, poweroff: false,
      bootargs: `console=hvc0 quiet cellvisor.net=10.0.0.1/24 cellvisor.send=10.0.0.2:5000:${NET_MIB}`,
      more: ['    devices:', '      - { type: net, link: lan0 }'],
    }),
    ...linuxVm(linux, {
      name: 'b', memory: '96MiB', priority: 100, poweroff: false,
      bootargs: 'console=hvc0 quiet cellvisor.net=10.0.0.2/24 cellvisor.sink=5000',
      more: ['    devices:', '      - { type: net, link: lan0 }'],
    }),
    '',
  ].join('\n');
  const run = await runSystem(hart, yaml, (l) => l.from === 'b' && /cellvisor-guest: received/.test(l.text));
  const sent = find(run, 'a', /^cellvisor-guest: sending (\d+) bytes, sha256 ([0-9a-f]{64})$/);
  const start = find(run, 'a', /^cellvisor-guest: stream to \S+ starts$/, true);
  const end = find(run, 'a', /^cellvisor-guest: stream to \S+ done$/);
  const received = find(run, 'b', /cellvisor-guest: received (\d+) bytes, sha256 ([0-9a-f]{64})$/);
  let failure = run.failure;
  if (!failure && (!sent || !start || !end || !received)) failure = 'a line of the transfer is missing';
  else if (!failure && (sent!.match[1] !== received!.match[1] || sent!.match[2] !== received!.match[2])) {
    failure = `sent ${sent!.match[1]} bytes (sha256 ${sent!.match[2]}), received ${received!.match[1]} (sha256 ${received!.match[2]})`;
  }
  if (failure || !sent || !start || !end) return { bytes: NaN, virtualSeconds: NaN, wallSeconds: NaN, exits: NaN, sha256: '', failure };
  return {
    bytes: Number(sent.match[1]), sha256: sent.match[2]!,
    virtualSeconds: (end.line.at.ns - start.line.at.ns) / 1e9,
    wallSeconds: (end.line.at.wallMs - start.line.at.wallMs) / 1000,
    exits: end.line.at.exits - start.line.at.exits,
  };
}

export async function vmNet(hart: WebAssembly.Module, linux: LinuxFiles, runs: number): Promise<VmNetRow> {
  let best: VmNetRow | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await vmNetOnce(hart, linux);
    process.stderr.write(`bench: vm-net run ${i + 1}/${runs}: ${r.failure ? `failed: ${r.failure}` : `${r.virtualSeconds.toFixed(3)} s virtual, ${r.wallSeconds.toFixed(2)} s wall`}\n`);
    if (!best || (best.failure && !r.failure) || (!r.failure && r.wallSeconds < best.wallSeconds)) best = r;
  }
  return best!;
}

// --- vm-rt ------------------------------------------------------------------------------

export interface VmRtCase {
  readonly load: 'idle' | 'spinning';
  /** The periodic cell's worst response and the admission test's bound, virtual ns. */
  readonly worstNs: number;
  readonly boundNs: number;
  /** Linux's share of the virtual time, and when it reached user space (virtual s). */
  readonly linuxShare: number;
  readonly userlandAt: number;
  readonly wallSeconds: number;
  readonly failure?: string;
}

async function vmRtOnce(hart: WebAssembly.Module, root: string, linux: LinuxFiles, load: VmRtCase['load']): Promise<VmRtCase> {
  const yaml = [
    'cells:',
    '  - name: periodic',
    `    elf: ${join(root, 'build/bench/cells/periodic.elf')}`,
    '    priority: 200',
    '    budget: 1ms',
    '    period: 10ms',
    '    poweroff: true',
    'vms:',
    ...linuxVm(linux, {
      name: 'linux', memory: '128MiB', priority: 50, poweroff: false,
      bootargs: `console=hvc0 quiet${load === 'spinning' ? ' cellvisor.spin' : ''}`,
    }),
    '',
  ].join('\n');
  const run = await runSystem(hart, yaml, (l) => l.from === 'periodic' && /^worst response/.test(l.text));
  const report = find(run, 'periodic', /^worst response (\d+) ns over (\d+) periods; bound from check (\d+) ns: within the bound$/);
  const up = find(run, 'linux', /cellvisor-guest: userland up/);
  const spinning = find(run, 'linux', /cellvisor-guest: spinning/);
  const vm = run.kernel.vms[0];
  const ns = Number(run.kernel.board.machine.hart.mtime) * NS_PER_TICK;
  let failure = run.failure;
  if (!failure && !report) failure = run.lines.filter((l) => l.from === 'periodic').map((l) => l.text).join(' / ') || 'the periodic cell printed no report';
  else if (!failure && report && Number(report.match[2]) !== RT_PERIODS) failure = `${report.match[2]} periods, not ${RT_PERIODS}`;
  else if (!failure && (!up || (load === 'spinning' && !spinning))) failure = `Linux did not ${up ? 'start spinning' : 'reach user space'}`;
  return {
    load,
    worstNs: report ? Number(report.match[1]) : NaN,
    boundNs: report ? Number(report.match[3]) : NaN,
    linuxShare: vm ? (Number(vm.stats.cpuTicks) * NS_PER_TICK) / ns : NaN,
    userlandAt: up ? up.line.at.ns / 1e9 : NaN,
    wallSeconds: run.wallSeconds,
    failure,
  };
}

/** Both cases, once each: the figures that count are virtual and the same on every run. */
export async function vmRt(hart: WebAssembly.Module, root: string, linux: LinuxFiles): Promise<VmRtCase[]> {
  const cases: VmRtCase[] = [];
  for (const load of ['idle', 'spinning'] as const) {
    const r = await vmRtOnce(hart, root, linux, load);
    process.stderr.write(`bench: vm-rt, Linux ${load}: ${r.failure ? `failed: ${r.failure}` : `worst response ${r.worstNs} ns (bound ${r.boundNs} ns), ${r.wallSeconds.toFixed(1)} s wall`}\n`);
    cases.push(r);
  }
  return cases;
}

// --- the tables -------------------------------------------------------------------------

export interface VmRows {
  readonly ping?: readonly VmPingRow[];
  /** The cell↔cell round trip of bench/kernel.ts, measured in the same run. */
  readonly call?: KernelOpRow;
  readonly net?: VmNetRow;
  readonly rt?: readonly VmRtCase[];
}

export function vmRowsFailures(rows: VmRows): string[] {
  return [
    ...(rows.ping ?? []).map((r) => r.failure && `vm-ping (${r.case}): ${r.failure}`),
    rows.net?.failure && `vm-net: ${rows.net.failure}`,
    ...(rows.rt ?? []).map((c) => c.failure && `vm-rt (Linux ${c.load}): ${c.failure}`),
  ].filter((x): x is string => typeof x === 'string');
}

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const count = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');

export function vmPingTable(pings: readonly VmPingRow[], call?: KernelOpRow): string {
  const lines = [
    row(['round trip', 'virtual ns', 'host µs (wall)', 'VM exits', 'cvping\'s own ns', 'VM / cell↔cell (virtual)', 'VM / cell↔cell (wall)']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...pings.map((p) => row([
      `Linux (cvping) ↔ cell, ${p.case}`, count(p.virtualNs), fixed(p.wallUs, 1), fixed(p.exits, 1), count(p.guestNs),
      call ? `${fixed(p.virtualNs / (call.virtualCycles * 10), 1)}×` : 'n/a', call ? `${fixed((p.wallUs * 1000) / call.wallNs, 1)}×` : 'n/a',
    ])),
  ];
  if (call) lines.push(row([`cell ↔ cell (${call.name}, bench/kernel.ts)`, count(call.virtualCycles * 10), fixed(call.wallNs / 1000, 1), '—', '—', '1×', '1×']));
  const failures = pings.filter((p) => p.failure).map((p) => `\n\nfailed (${p.case}): ${p.failure}`).join('');
  return `${lines.join('\n')}${failures}`;
}

export function vmNetTable(net: VmNetRow): string {
  const mib = net.bytes / (1 << 20);
  const lines = [
    row(['TCP stream between two Linux VMs on one link', 'MiB', 'virtual s', 'MiB/s (virtual)', 'wall s', 'MiB/s (wall)', 'VM exits']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    row(['nc from VM a to VM b, SHA-256 checked', fixed(mib, 0), fixed(net.virtualSeconds, 3), fixed(mib / net.virtualSeconds, 2),
      fixed(net.wallSeconds, 2), fixed(mib / net.wallSeconds, 2), count(net.exits)]),
  ];
  const failure = net.failure ? `\n\nfailed: ${net.failure}` : '';
  return `${lines.join('\n')}${failure}`;
}

export function vmRtTable(cases: readonly VmRtCase[]): string {
  const lines = [
    row(['periodic cell (1 ms every 10 ms, priority 200) beside Linux (priority 50)', 'worst response µs', 'bound from check µs', 'within', 'Linux CPU share', 'wall s']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...cases.map((c) => row([
      c.load === 'idle' ? 'Linux idle at its shell' : 'Linux spinning (a shell loop, cellvisor.spin)',
      fixed(c.worstNs / 1000, 1), fixed(c.boundNs / 1000, 1), c.failure ? `failed: ${c.failure}` : c.worstNs <= c.boundNs ? '✓' : '✗',
      `${fixed(c.linuxShare * 100, 1)} %`, fixed(c.wallSeconds, 1),
    ])),
  ];
  return lines.join('\n');
}

export function vmRowsSection(rows: VmRows): string {
  const parts: string[] = [];
  if (rows.ping && rows.ping.length > 0) {
    parts.push(`
## Linux ↔ cell messages

\`cvping -t ring ${rows.ping[0]!.count}\` (\`cellvisor.cvping=ring:${rows.ping[0]!.count}\`) in a Linux VM
(priority 100) and a cell (bench/cells/vm-pong.c) on a uio channel: Linux writes 256
bytes of payload into the shared region and rings the doorbell (a VM exit); the cell adds
the payload up, writes the sum back and notifies; Linux checks every reply. Twice: with
the cell's priority above Linux's (200), so it runs within the doorbell's exit and
cvping finds the reply there when Linux resumes; and below it (50), so Linux goes on,
blocks in \`read()\` on /dev/uio0 and idles (WFI), the cell runs, and its notification is
the uio interrupt that wakes Linux. Figures are per round trip, between cvping's line
before its first message and its line after the last, as the host saw them arrive;
cvping's own CLOCK_MONOTONIC (the guest's \`time\`) agrees. There is no QEMU
equivalent; the cell↔cell figure is the Call/ReplyRecv round trip of the microkernel
operations (a cell calling a higher-priority cell), measured in the same run.

${vmPingTable(rows.ping, rows.call)}

- **Above**: the doorbell write is the round trip's one exit; the rest is cvping filling
  and summing the payload, the kernel's exit and its switches to the cell and back, and
  the cell's own sum.
- **Below**: the round trip is what a blocking Linux driver pays: the \`write()\` that
  re-enables the uio interrupt and the \`read()\` that sleeps on it, Linux's scheduler
  and idle loop (its WFI is an exit), the interrupt through the VM's emulated PLIC
  (\`hvip.VSEIP\`; claiming and completing it are MMIO exits) and the wake-up of cvping.
- **Wall time** grows more than virtual time: every VM exit is answered by the kernel in
  TypeScript, as is every trap of a cell outside the fast path.
`);
  }
  if (rows.net) {
    parts.push(`
## Linux ↔ Linux over TCP

Two Linux VMs (96 MiB each, priority 100) on one link, joined by the kernel's virtual
switch: VM a (\`cellvisor.send=10.0.0.2:5000:${NET_MIB}\`) writes ${NET_MIB} MiB of random bytes,
then sends them with busybox \`nc\` to VM b (\`cellvisor.sink=5000\`), which prints what it
received; the SHA-256 on both sides must match. Timed from a's line just before \`nc\`
starts to its line after \`nc\` ends (b has closed the stream).

${vmNetTable(rows.net)}

- **What moves a frame**: a's virtio-net transmit queue notification (a VM exit), the
  kernel's learning switch copying the frame into b's receive queue and raising b's
  interrupt, and the same the other way for the ACKs; both guests share the one hart, so
  the virtual seconds are both TCP stacks' work together. There is no QEMU figure beside
  it.
`);
  }
  if (rows.rt && rows.rt.length > 0) {
    parts.push(`
## Real-time cell beside Linux

examples/rt's periodic cell (1 ms budget every 10 ms, priority 200) measures its response
time, release to done, over ${RT_PERIODS} periods (10 s of virtual time) beside a Linux VM at
priority 50: once with Linux booting and then idle at its shell, once with Linux booting
and then running a CPU-bound loop (\`cellvisor.spin\`). The bound is the one
\`cellvisor check\` computes for the cell (the kernel writes it into the cell's
\`cv_response_bound_ns\`). The Linux CPU share is the VM's virtual CPU time over the
run's. All figures but wall s are virtual time and the same on every run.

${vmRtTable(rows.rt)}

- **Why Linux's load changes nothing**: the cell's priority is above the vCPU's, so its
  release preempts the guest at once whether Linux is in WFI or spinning; what it waits
  for is the kernel's timer interrupt and its own 500-step computation (about 20 µs),
  far inside its 1 ms budget. The bound covers the worst the admission test allows
  (the cell's whole budget), not what this cell uses.
- The "idle" Linux still boots during the first second of the run (its CPU share).
`);
  }
  return parts.join('');
}
