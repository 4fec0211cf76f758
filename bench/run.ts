// npm run bench: the benchmark guests (guests/bench/) and a Linux boot to power-off
// (guests/linux/) on cellvisor and on QEMU, side by side in one run (ARCHITECTURE.md,
// "Measured"). The benchmark guests must print the same checksum on both; the Linux
// boot must reach userland and power down on both. Prints a table and writes it to
// docs/bench.md with the command, date and machine.
//
//   npm run bench                     every workload, best of 3 runs
//   npm run bench -- --runs 1         one run each
//   npm run bench -- --only bench     one workload (bench, bench-sv39, loop, bench-vs, linux, kvm-bare,
//                                     kvm-linux, kernel, linux-vm, vm-ping, vm-net, vm-rt), or several separated by commas
//   npm run bench -- --no-write       leave docs/bench.md alone
//
// Without build/guests/linux/Image (guests/linux/build-all.sh) the linux row is skipped,
// saying why, and docs/bench.md is left alone. A run of every workload rewrites
// docs/bench.md; a run --only kernel or some of the VM rows (vm-ping, vm-net, vm-rt)
// replaces just their sections in it, each saying when and how it was measured.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { buildCells, CALL_ROUND_TRIP, kernelOps, kernelTable, OPS, type KernelOpRow } from './kernel.js';
import { vmBoot, vmSection, vmTable, type VmBootRow } from './vm.js';
import {
  vmNet, vmNetTable, vmPing, vmPingTable, vmRowsFailures, vmRowsSection, vmRt, vmRtTable, type VmRows,
} from './vm-rows.js';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { boot, planBoot, type NamedFile } from '../src/firmware/boot.js';
import type { JitStats } from '../src/hart/index.js';
import { Machine } from '../src/machine/machine.js';
import { describeOutcome, type RunOutcome } from '../src/machine/outcome.js';
import { MemoryBlockBackend } from '../src/machine/devices/block-backend.js';
import { VirtBoard } from '../src/machine/virt.js';
import type { CpuProfile } from '../src/hart/profile.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HART_WASM = join(ROOT, 'build/hart.wasm');
const REPORT = join(ROOT, 'docs/bench.md');
const QEMU = 'qemu-system-riscv64';
const RAM_SIZE = 128 << 20;
/** A guard against a benchmark guest that never ends: ten times the workload. */
const MAX_INSNS = 15_000_000_000n;
/** The same for the Linux boot (about 78 million instructions): fifty times that. */
const LINUX_MAX_INSNS = 4_000_000_000n;
const QEMU_TIMEOUT_MS = 10 * 60_000;
const LINUX_DIR = 'build/guests/linux';
const LINUX_APPEND = 'console=ttyS0 cellvisor.autopoweroff';
/** What the Linux guest prints on reaching userland (guests/linux/rootfs/init), and the kernel at power-off. */
const LINUX_MARKERS = ['cellvisor-guest: userland up', 'reboot: Power down'];
/** What the KVM rows must print besides (guests/linux/progs/kvmhost.c, kvm/bare.c, kvm/nested-init.c). */
const KVM_MARKERS: Readonly<Record<string, readonly string[]>> = {
  // Both cellvisor's default profile and QEMU 7.2's default CPU have H: the host boot initialises KVM.
  linux: ['kvm [1]: hypervisor extension available'],
  'kvm-bare': ['bare: 10 timer interrupts', 'bare: mmio wrote 0x0123456789abcdef, read 0xefcdab8967452301',
    'cellvisor-guest: kvmhost exited with status 0'],
  'kvm-linux': ['kvm-nested: init up (Linux 6.1.', 'cellvisor-guest: kvmhost exited with status 0'],
};
/**
 * linux-work: /init gzips `seq 1 WORK_LINES` into tmpfs, unzips it and prints the SHA-256
 * (guests/linux/rootfs/init, cellvisor.work), which must be that of the same text here.
 */
const WORK_LINES = 500_000;
const WORK_TEXT = Array.from({ length: WORK_LINES }, (_, i) => `${i + 1}\n`).join('');
const WORK_MIB = (WORK_TEXT.length / (1 << 20)).toFixed(1);
const WORK_MARKER = `cellvisor-guest: work: ${WORK_LINES} lines, `;
const WORK_SHA256 = createHash('sha256').update(WORK_TEXT).digest('hex');
/** The rows of bench/vm-rows.ts: VMs beside cells and each other, no QEMU side. */
const VM_ROWS = ['vm-ping', 'vm-net', 'vm-rt'];

interface ElfWorkload {
  readonly kind: 'elf';
  readonly name: string;
  readonly elf: string;
  readonly what: string;
  /** The speed cellvisor should reach, in MIPS (the project's targets), if it has one. */
  readonly targetMips?: number;
  /** cellvisor's CPU profile and QEMU's -cpu, when the guest needs more than the defaults. */
  readonly cpu?: CpuProfile;
  readonly qemuCpu?: string;
  /** With the JIT, cellvisor's wall time should be at most this many times QEMU's (the JIT issue's targets). */
  readonly jitTarget?: number;
}

interface LinuxWorkload {
  readonly kind: 'linux';
  readonly name: string;
  readonly image: string;
  readonly initrd: string;
  readonly what: string;
  /** cellvisor's wall time should be at most this many times QEMU's. */
  readonly targetRatio: number;
  /** The same with the JIT (the JIT issue's targets). */
  readonly jitTarget?: number;
  /** The kernel command line; default LINUX_APPEND. */
  readonly append?: string;
  /** QEMU with -cpu rv64,h=true (cellvisor's default profile has H anyway). */
  readonly hypervisor?: boolean;
  /** The Image itself as a read-only virtio disk (kvmhost reads the nested kernel from /dev/vda). */
  readonly imageDisk?: boolean;
  /** The most instructions it may retire; default LINUX_MAX_INSNS. */
  readonly maxInsns?: bigint;
}

type Workload = ElfWorkload | LinuxWorkload;

const WORKLOADS: readonly Workload[] = [
  { kind: 'elf', name: 'bench', elf: 'build/bench/bench.elf', what: 'M-mode, no translation', targetMips: 150, jitTarget: 2 },
  { kind: 'elf', name: 'bench-sv39', elf: 'build/bench/bench-sv39.elf', what: 'S-mode, Sv39, 4 KiB pages', targetMips: 100, jitTarget: 2 },
  { kind: 'elf', name: 'loop', elf: 'build/bench/loop.elf', what: 'tight integer loop, M-mode', targetMips: 150, jitTarget: 1 },
  {
    kind: 'elf', name: 'bench-vs', elf: 'build/bench/bench-vs.elf', what: 'VS-mode, Sv39 over Sv39x4, 4 KiB pages',
    targetMips: 100, cpu: 'rva22h', qemuCpu: 'rv64,h=true',
  },
  { kind: 'elf', name: 'bench-tlb-sv39', elf: 'build/bench/bench-tlb-sv39.elf', what: 'S-mode, Sv39: a TLB miss per load' },
  {
    kind: 'elf', name: 'bench-tlb-vs', elf: 'build/bench/bench-tlb-vs.elf', what: 'VS-mode, both stages: a TLB miss per load',
    cpu: 'rva22h', qemuCpu: 'rv64,h=true',
  },
  {
    kind: 'linux', name: 'linux', image: `${LINUX_DIR}/Image`, initrd: `${LINUX_DIR}/initramfs.cpio.gz`,
    what: 'Linux 6.1 boot to power-off', targetRatio: 8, jitTarget: 1.3,
  },
  {
    kind: 'linux', name: 'kvm-bare', image: `${LINUX_DIR}/Image`, initrd: `${LINUX_DIR}/initramfs.cpio.gz`,
    what: 'Linux boot, then KVM runs the bare-metal guest', targetRatio: 8, hypervisor: true,
    append: 'console=ttyS0 cellvisor.kvm=bare',
  },
  {
    kind: 'linux', name: 'kvm-linux', image: `${LINUX_DIR}/Image`, initrd: `${LINUX_DIR}/initramfs.cpio.gz`,
    what: 'Linux boot, then KVM boots the same Image nested to its init', targetRatio: 8, hypervisor: true,
    append: 'console=ttyS0 cellvisor.kvm=linux', imageDisk: true,
  },
  {
    kind: 'linux', name: 'linux-work', image: `${LINUX_DIR}/Image`, initrd: `${LINUX_DIR}/initramfs.cpio.gz`,
    what: `Linux boot, then ${WORK_LINES.toLocaleString('en-US')} lines of seq (${WORK_MIB} MiB) gzipped, unzipped and checksummed in the guest`,
    targetRatio: 8, jitTarget: 2, append: `console=ttyS0 cellvisor.work=${WORK_LINES}`, maxInsns: 40_000_000_000n,
  },
];

interface Run {
  readonly seconds: number;
  readonly output: string;
  /** Why it did not end with exit code 0, or undefined when it did. */
  readonly failure?: string;
}

interface CellvisorRun extends Run {
  readonly retired: bigint;
  /** With the JIT on: what it compiled. */
  readonly jit?: JitStats;
}

interface Row {
  readonly workload: Workload;
  readonly cellvisor?: CellvisorRun;
  /** The same with --jit on (ELF workloads). */
  readonly jit?: CellvisorRun;
  readonly qemu?: Run;
  readonly problems: string[];
  /** Why the workload was not run at all. */
  readonly skipped?: string;
}

function checksum(output: string): string | undefined {
  return /^checksum: (0x[0-9a-f]+)$/m.exec(output)?.[1];
}

/** What a Linux run printed none of (LINUX_MARKERS): one problem each. */
function missingMarkers(output: string): string[] {
  return LINUX_MARKERS.filter((m) => !output.includes(m)).map((m) => `printed no '${m}'`);
}

function outcomeFailure(outcome: RunOutcome): string | undefined {
  return outcome.kind === 'exit' && outcome.code === 0 ? undefined : describeOutcome(outcome);
}

async function runCellvisorElf(hart: WebAssembly.Module, elf: Uint8Array, cpu?: CpuProfile, jit = false): Promise<CellvisorRun> {
  const chunks: Uint8Array[] = [];
  const started = performance.now();
  const machine = await Machine.create(hart, { ramSize: RAM_SIZE, console: { write: (b) => chunks.push(b.slice()) }, jit });
  if (cpu) machine.hart.setProfile(cpu);
  machine.boot(machine.loadElf(elf).entry);
  const outcome = machine.run({ maxInsns: MAX_INSNS });
  const seconds = (performance.now() - started) / 1000;
  const output = Buffer.concat(chunks).toString('latin1');
  return {
    seconds, output, failure: outcomeFailure(outcome), retired: machine.retired, jit: jit ? machine.hart.jitStats : undefined,
  };
}

/**
 * Linux on the virt board as `cellvisor machine --kernel Image --initrd ... --append ...`
 * does it (128 MiB, hosted SBI firmware, default CPU profile), without console input:
 * the guest powers itself off (cellvisor.autopoweroff). Timed from creating the board.
 */
async function runCellvisorLinux(
  hart: WebAssembly.Module, w: LinuxWorkload, kernel: NamedFile, initrd: NamedFile, jit = false,
): Promise<CellvisorRun> {
  const chunks: Uint8Array[] = [];
  const warnings: string[] = [];
  const started = performance.now();
  const board = await VirtBoard.create(hart, {
    ramSize: RAM_SIZE, console: { write: (b) => chunks.push(b.slice()) }, log: (line) => warnings.push(line), jit,
    drive: w.imageDisk ? new MemoryBlockBackend(imageDisk(kernel.bytes), true) : undefined,
  });
  const plan = planBoot({ bios: { kind: 'hosted' }, kernel, initrd, append: w.append ?? LINUX_APPEND }, RAM_SIZE,
    (chosen) => board.deviceTree(chosen));
  boot(board, plan);
  const outcome = board.machine.run({ maxInsns: w.maxInsns ?? LINUX_MAX_INSNS });
  const seconds = (performance.now() - started) / 1000;
  const output = Buffer.concat(chunks).toString('latin1');
  const failure = [outcomeFailure(outcome), ...warnings].filter((x) => x !== undefined).join('; ') || undefined;
  return { seconds, output, failure, retired: board.machine.retired, jit: jit ? board.machine.hart.jitStats : undefined };
}

const qemuElfArgs = (elf: string, cpu?: string): string[] =>
  ['-M', 'spike', ...(cpu ? ['-cpu', cpu] : []), '-bios', 'none', '-nographic', '-monitor', 'none', '-kernel', elf];

/** The Image padded to whole sectors: the disk of the kvm-linux row. */
function imageDisk(image: Uint8Array): Uint8Array {
  const disk = new Uint8Array(Math.ceil(image.length / 512) * 512);
  disk.set(image);
  return disk;
}

const qemuLinuxArgs = (w: LinuxWorkload, disk: string | undefined): string[] => [
  '-M', 'virt', ...(w.hypervisor ? ['-cpu', 'rv64,h=true'] : []), '-m', `${RAM_SIZE >> 20}M`, '-nographic', '-bios', 'default',
  '-kernel', join(ROOT, w.image), '-initrd', join(ROOT, w.initrd), '-append', w.append ?? LINUX_APPEND,
  ...(disk ? ['-drive', `file=${disk},format=raw,if=none,id=image,readonly=on`, '-device', 'virtio-blk-device,drive=image'] : []),
];

// QEMU's console goes to a file, not a pipe: Node's pipes are Unix sockets, and QEMU
// drops console bytes once a socket's buffer is full (see test/asm/harness.ts).
function runQemu(args: readonly string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'cellvisor-bench-'));
  const outPath = join(dir, 'stdout');
  const outFd = openSync(outPath, 'w');
  return new Promise<Run>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(QEMU, args, { stdio: ['ignore', outFd, 'pipe'], timeout: QEMU_TIMEOUT_MS });
    const err: Buffer[] = [];
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const stderr = Buffer.concat(err).toString('latin1').trim();
      const failure = code === 0 ? undefined
        : `${signal ? `killed by ${signal}` : `exit code ${code}`}${stderr ? `: ${stderr}` : ''}`;
      resolve({ seconds, output: readFileSync(outPath, 'latin1'), failure });
    });
  }).finally(() => {
    closeSync(outFd);
    rmSync(dir, { recursive: true, force: true });
  });
}

function fastest<T extends Run>(runs: T[]): T | undefined {
  const ok = runs.filter((r) => !r.failure);
  if (ok.length === 0) return runs[0];
  return ok.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : 'unknown';
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall through
  }
  return cpus()[0]?.model ?? 'unknown';
}

const fmt = {
  count: (n: bigint) => n.toLocaleString('en-US'),
  s: (x: number) => x.toFixed(2),
  mips: (insns: bigint, s: number) => (Number(insns) / s / 1e6).toFixed(0),
};

const mark = (ok: boolean | undefined): string => (ok === undefined ? '' : ok ? ' ✓' : ' ✗');

function targetCell(workload: Workload, cMips: number | undefined, ratio: number | undefined): string {
  if (workload.kind === 'elf' && workload.targetMips === undefined) return '—';
  return workload.kind === 'elf'
    ? `≥${workload.targetMips} MIPS${mark(cMips === undefined ? undefined : cMips >= (workload.targetMips ?? 0))}`
    : `≤${workload.targetRatio}× QEMU${mark(ratio === undefined ? undefined : ratio <= workload.targetRatio)}`;
}

function table(rows: readonly Row[]): string {
  const head = ['workload', 'instructions retired', 'interpreter (--jit off) wall s', 'interpreter MIPS', 'QEMU wall s',
    'QEMU MIPS', 'ratio (interpreter/QEMU)', 'target', 'JIT (the default): wall s', 'MIPS', 'ratio (JIT/QEMU)', 'JIT target', 'compile s', 'pages', 'compiled'];
  const lines = [head, head.map((h, i) => (i === 0 ? '---' : '---:'))];
  for (const { workload, cellvisor: c, jit: j, qemu: q, skipped } of rows) {
    const name = `${workload.name} (${workload.what})`;
    if (skipped) {
      lines.push([name, 'skipped', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', targetCell(workload, undefined, undefined), 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
      continue;
    }
    const insns = c && !c.failure ? c.retired : undefined;
    const cMips = insns !== undefined && c ? Number(fmt.mips(insns, c.seconds)) : undefined;
    const ratio = c && q && !c.failure && !q.failure ? c.seconds / q.seconds : undefined;
    // QEMU's MIPS only where it runs the same instructions: not for Linux, which QEMU boots through OpenSBI.
    const qMips = workload.kind === 'elf' && insns !== undefined && q && !q.failure ? fmt.mips(insns, q.seconds) : 'n/a';
    lines.push([
      name,
      insns !== undefined ? fmt.count(insns) : 'n/a',
      c && !c.failure ? fmt.s(c.seconds) : 'n/a',
      cMips !== undefined ? String(cMips) : 'n/a',
      q && !q.failure ? fmt.s(q.seconds) : 'n/a',
      qMips,
      ratio !== undefined ? `${ratio.toFixed(2)}×` : 'n/a',
      targetCell(workload, cMips, ratio !== undefined ? Number(ratio.toFixed(2)) : undefined),
      ...jitCells(workload, j, q),
    ]);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/**
 * The --jit on columns: wall s, MIPS, ratio to QEMU, compile s, compiled pages (live at
 * the end / compilations), the share of the instructions compiled code retired.
 */
function jitCells(workload: Workload, j: CellvisorRun | undefined, q: Run | undefined): string[] {
  const target = (r: number | undefined): string => (workload.jitTarget === undefined ? '—'
    : `≤${workload.jitTarget}×${r === undefined ? '' : mark(Number(r.toFixed(2)) <= workload.jitTarget)}`);
  if (!j || j.failure || !j.jit) return ['n/a', 'n/a', 'n/a', target(undefined), 'n/a', 'n/a', 'n/a'];
  const r = q && !q.failure ? j.seconds / q.seconds : undefined;
  const ratio = r !== undefined ? `${r.toFixed(2)}×` : 'n/a';
  return [fmt.s(j.seconds), fmt.mips(j.retired, j.seconds), ratio, target(r), (j.jit.compileMs / 1000).toFixed(2),
    `${j.jit.livePages} / ${j.jit.compiles}`, `${((100 * j.jit.compiledRetired) / Number(j.retired)).toFixed(0)}%`];
}

function kernelSection(ops: readonly KernelOpRow[]): string {
  if (ops.length === 0) return '';
  return `
## Microkernel operations

Native cells built with the SDK (bench/cells/) run on the kernel in-process, ${OPS.toLocaleString('en-US')} operations
per run (the yield: that many by each of two cells), best of the runs. Host time per operation, wall clock
and the process's CPU time (all its threads), is the steady state, as seL4's benchmarks measure: the
first fifth of the operations warm up (the JIT compiles the cells' hot pages during it, and V8
compiles those modules), the rest are timed and counted from the cells' statistics. The whole
run's wall time per operation, warm-up included, is beside it.

${kernelTable(ops)}

- **Call/ReplyRecv round trip**: the client's \`cv_ppcall\` to a passive server of higher
  priority in another address space, one message register each way, and the server's
  reply from the SDK's loop (\`ReplyRecv\`): two kernel entries, two address-space
  switches, the client's scheduling context lent and returned.
- **Signal → wake**: a cell signals a higher-priority cell that waits in its loop; the
  waiter runs at once, counts the wake-up and waits again.
- **Context switch**: two cells of one priority \`cv_yield\` to each other; one operation
  is one yield (one kernel entry and one switch between address spaces).
- **Virtual cycles** is what the operation costs in the board's virtual time: the
  instructions the cells retired plus what the kernel's cost model (src/kernel/cost-model.ts,
  docs/kernel.md) charged, which is the "of which kernel" column.
- **For scale**, seL4 on RISC-V silicon (HiFive U540 at 1.5 GHz, seL4's published
  benchmarks): Call ≈ 700 and Reply ≈ 740 cycles, about 1 µs for the round trip. The
  targets here are a round trip under 1 µs and Signal → wake under 2 µs of host time. Both
  operations' steady state runs inside the hart's WebAssembly module (docs/kernel.md, "The
  fast path"), without an exit to the TypeScript kernel, and so does the pair of yields.
`;
}

function report(
  rows: readonly Row[], command: string, runs: number, load: number, ops: readonly KernelOpRow[] = [], vm?: VmBootRow,
  vmRows: VmRows = {},
): string {
  const date = new Date().toISOString().slice(0, 10);
  const elfRows = rows.filter((r) => r.workload.kind === 'elf');
  const sums = [...new Set(elfRows.map((r) => (r.qemu ? checksum(r.qemu.output) : undefined)))].join(', ');
  const mib = RAM_SIZE >> 20;
  return `# Benchmarks

Generated by \`${command}\` (bench/run.ts) on ${date}; do not edit by hand.

Machine: ${availableParallelism()} cores (nproc), ${cpuModel()}; Node ${process.version};
${firstLine(QEMU, ['--version'])}; load average ${load.toFixed(2)} when the run started.

${table(rows)}

- **Workload**: guests/bench/bench.c, an integer mix of sorting (quicksort, merge sort),
  hashing (CRC-32, FNV-1a, a multiply-rotate mix), a 64×64 integer matrix multiply and
  string work (word counting in a hash table, substring search, number formatting).
  The same object file is linked three times: \`bench\` runs in M-mode without translation,
  \`bench-sv39\` in S-mode under identity-mapped Sv39 page tables (guests/lib/sv39.c), and
  \`bench-vs\` as a virtual machine's supervisor (H extension, profile \`rva22h\`; QEMU
  \`-cpu rv64,h=true\`): VS-mode under the same Sv39 tables as VS-stage, over an identity
  Sv39x4 G-stage with 4 KiB pages (VMID 1; guests/lib/vs-sv39.c), so that each of its TLB
  misses walks both stages.
- **TLB misses**: guests/bench/tlb.c reads one word from each 4 KiB page of an 8 MiB
  array in turn, 4000 times over, so that every load misses cellvisor's 1024-entry
  direct-mapped TLB (about a dozen instructions per miss); \`bench-tlb-sv39\` runs it in
  S-mode under Sv39, \`bench-tlb-vs\` in VS-mode over the G-stage as \`bench-vs\` does. The
  second's time over the first's is what a guest's TLB miss costs over a host's.
  Both printed the same checksum on cellvisor and on QEMU (${sums}).
- **Linux**: the guest of guests/linux/ (Linux 6.1 \`Image\` and its busybox
  \`initramfs.cpio.gz\`) with the kernel command line \`${LINUX_APPEND}\`: the kernel
  boots, \`/init\` mounts the kernel file systems, prints \`cellvisor-guest: userland up\`
  and, asked to by \`cellvisor.autopoweroff\`, powers off at once (\`poweroff -f\`, SBI
  SRST). Both sides printed that banner and the kernel's \`reboot: Power down\`.
- **KVM** (\`kvm-bare\`, \`kvm-linux\`): the same Image and initramfs, with H (cellvisor's default
  profile; QEMU \`-cpu rv64,h=true\`, which its default CPU has too, so the \`linux\` row's
  kernel initialises KVM on both sides), and \`cellvisor.kvm=bare\` or \`cellvisor.kvm=linux\`
  on the command line: \`/init\` runs \`kvmhost\` (guests/linux/progs/kvmhost.c), a small
  KVM host program on \`/dev/kvm\`, and powers off when it is done. \`kvm-bare\`: the
  bare-metal guest (guests/linux/kvm/bare.c) prints through the SBI console, takes ten 10 ms
  timer interrupts and round-trips a value through kvmhost's MMIO device. \`kvm-linux\`: the
  Image, read by kvmhost from the virtio disk (the Image itself, \`-drive ...,readonly=on\`
  for QEMU), boots nested in 64 MiB with \`console=hvc0 earlycon=sbi\` (every console
  character an SBI exit to kvmhost) to its \`/init\`'s first line, \`kvm-nested: init up\`,
  and powers off. Both sides printed those lines. The nested part is the difference to the
  \`linux\` row: its instructions (VS and VU-mode included; the hart counts them all) and
  its time.
- **linux-work**: a longer Linux workload: \`cellvisor.work=${WORK_LINES}\` on the command line
  makes \`/init\` gzip the output of \`seq 1 ${WORK_LINES}\` (${WORK_MIB} MiB of text) into tmpfs, unzip it,
  print its SHA-256 and power off; both sides printed the SHA-256 of the same text computed
  here (${WORK_SHA256.slice(0, 16)}…). Busybox's gzip and sha256sum are user-space integer code, the
  JIT's case more than the boot's.
- **Instructions retired** is cellvisor's instret at the guest's HTIF exit; QEMU runs the
  same program, so the same count is used for its MIPS. For Linux it is the count from the
  kernel's first instruction to the power-off; cellvisor's hosted firmware (M-mode, in
  TypeScript) retires none. QEMU boots Linux through OpenSBI (\`-bios default\`), which runs
  instructions of its own, in M-mode, and takes the kernel's SBI calls: its count is not
  cellvisor's, so the Linux row has no QEMU MIPS.
- **Wall s** is the best of ${runs} run${runs === 1 ? '' : 's'}, end to end: for cellvisor, in-process from
  creating the machine (hart.wasm already compiled) through loading the ELF to the exit;
  for QEMU, the whole \`${QEMU} -M spike -bios none -nographic -monitor none -kernel ELF\` process
  (\`-cpu rv64,h=true\` added for bench-vs; TCG, no -icount). For Linux, cellvisor boots a VirtBoard (${mib} MiB, hosted SBI firmware,
  default CPU profile), timed from creating the board through placing the Image, initrd and
  device tree to the power-off; QEMU is the whole
  \`${QEMU} -M virt -m ${mib}M -nographic -bios default -kernel Image -initrd initramfs.cpio.gz -append "${LINUX_APPEND}"\`
  process, OpenSBI included. The runs alternate between the two.
- **ratio** is cellvisor's wall time over QEMU's: how many times slower cellvisor is (for
  the interpreter alone, then with the JIT, which is what cellvisor runs by default).
- **loop**: guests/bench/loop.c, one multiply-xorshift-sum loop of about 7 instructions,
  60 million times: the case where dispatching every instruction costs most.
- **JIT** columns (\`--jit on\`, the default): the same run with the JIT (docs/hart.md,
  "JIT"), best of the runs like the others; it must print the same and retire the same
  instruction count as the interpreter (a run that does not is reported as a problem).
  **JIT target** is the JIT issue's: a tight loop at most QEMU's time, the benchmark
  workload at most 2× in M-mode and under Sv39, a Linux boot at most 1.3×, the longer
  Linux workload at most 2×. **compile s** is the time spent generating and compiling WebAssembly on the main
  thread (included in its wall time; V8 also optimises hot modules on background
  threads); **pages** is the pages holding compiled code at the end / the compilations
  (a page is compiled again when a new entry point into it gets hot); **compiled** is the
  share of the instructions retired that compiled code retired (the rest ran in the
  interpreter: cold code, and what the compiler leaves to it). The JIT is on by
  default; the columns before these are the interpreter alone (\`--jit off\`).
- **Targets**: ≥150 MIPS with the MMU off, ≥100 MIPS under Sv39, in S-mode and in VS-mode; the Linux boot to
  power-off in at most 8× QEMU's wall time.
- **QEMU in M-mode**: QEMU 7.2 runs this workload about 1.45× slower in M-mode than the
  same instructions in S-mode (perf: \`cpu_get_tb_cpu_state\`, which it calls on every
  indirect jump, takes 15% of its time in M-mode against 2.4% in S-mode), so the M-mode
  ratio flatters cellvisor; the Sv39 row is the fairer comparison.
- **Guest time in the Linux boot**: cellvisor's timer follows retired instructions and
  jumps over idle waits (WFI) to the next deadline, while QEMU's follows the host clock and
  sleeps through them; so the kernel's log timestamps differ between the two and say
  nothing about speed. This boot hardly idles, but a guest that waited longer would
  favour cellvisor.
- Times are wall-clock on a shared machine: other work running at the same time slows
  both sides, so compare the ratio more than the absolute numbers.
${kernelSection(ops)}${vmSection(vm)}${vmRowsSection(vmRows)}`;
}

/** The report's sections ('## ' headings) by heading, and what comes before the first. */
function sections(text: string): { head: string; parts: Map<string, string> } {
  const [head, ...rest] = text.split(/\n(?=## )/);
  return { head: head ?? '', parts: new Map(rest.map((p) => [p.slice(0, p.indexOf('\n')), p])) };
}

/**
 * docs/bench.md with the sections of a partial run (--only some VM rows) in place of
 * the ones it had, or added at the end; each says how and when it was measured.
 */
function spliceSections(old: string, fresh: string, command: string, load: number): string {
  const date = new Date().toISOString().slice(0, 10);
  const { head, parts } = sections(old);
  for (const [heading, part] of sections(fresh).parts) {
    const stamped = part.replace(/\n\n/, `\n\nMeasured by \`${command}\` on ${date}; load average ${load.toFixed(2)} when the run started.\n\n`);
    parts.set(heading, stamped.endsWith('\n') ? stamped : `${stamped}\n`);
  }
  return [head, ...parts.values()].join('\n');
}

/** The files of the Linux row, or why it cannot run. */
function linuxFiles(w: LinuxWorkload): { kernel: NamedFile; initrd: NamedFile } | string {
  for (const file of [w.image, w.initrd]) {
    if (!existsSync(join(ROOT, file))) {
      return `${file} is missing: guests/linux/build-all.sh builds it (npm run bench runs it through scripts/prepare.js --linux)`;
    }
  }
  return {
    kernel: { name: w.image, bytes: readFileSync(join(ROOT, w.image)) },
    initrd: { name: w.initrd, bytes: readFileSync(join(ROOT, w.initrd)) },
  };
}

/** How to run one workload on each side, and what its output must show. */
interface Runner {
  cellvisor(hart: WebAssembly.Module): Promise<CellvisorRun>;
  /** The same run with the JIT on, where it is measured. */
  jit?(hart: WebAssembly.Module): Promise<CellvisorRun>;
  qemuArgs: readonly string[];
  /** Problems with one run's output (a run with any is a failed run). */
  check(output: string): string[];
}

function runner(workload: Workload): Runner | string {
  if (workload.kind === 'elf') {
    const elfPath = join(ROOT, workload.elf);
    const elf = readFileSync(elfPath);
    return {
      cellvisor: (hart) => runCellvisorElf(hart, elf, workload.cpu),
      jit: (hart) => runCellvisorElf(hart, elf, workload.cpu, true),
      qemuArgs: qemuElfArgs(elfPath, workload.qemuCpu),
      check: () => [],
    };
  }
  const files = linuxFiles(workload);
  if (typeof files === 'string') return files;
  let disk: string | undefined;
  if (workload.imageDisk) {
    disk = join(mkdtempSync(join(tmpdir(), 'cellvisor-bench-disk-')), 'image.img');
    writeFileSync(disk, imageDisk(files.kernel.bytes));
  }
  const markers = workload.name === 'linux-work' ? [WORK_MARKER, `sha256 ${WORK_SHA256}`] : KVM_MARKERS[workload.name] ?? [];
  return {
    cellvisor: (hart) => runCellvisorLinux(hart, workload, files.kernel, files.initrd),
    jit: (hart) => runCellvisorLinux(hart, workload, files.kernel, files.initrd, true),
    qemuArgs: qemuLinuxArgs(workload, disk),
    check: (output) => [...missingMarkers(output), ...markers.filter((m) => !output.includes(m)).map((m) => `printed no '${m}'`)],
  };
}

/** The run, failed if its output does not pass `check`. */
function checked<T extends Run>(run: T, check: (output: string) => string[]): T {
  if (run.failure) return run;
  const problems = check(run.output);
  return problems.length === 0 ? run : { ...run, failure: problems.join('; ') };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`bench: --runs wants a positive integer, not ${values.runs}`);
    return 2;
  }
  const extra = ['kernel', 'linux-vm', ...VM_ROWS];
  const only = values.only === undefined ? undefined : new Set(values.only.split(','));
  const unknown = [...(only ?? [])].filter((name) => !extra.includes(name) && !WORKLOADS.some((w) => w.name === name));
  if (unknown.length > 0) {
    console.error(`bench: no workload ${unknown.join(', ')}; there are ${[...WORKLOADS.map((w) => w.name), ...extra].join(', ')}`);
    return 2;
  }
  const selected = (name: string): boolean => only === undefined || only.has(name);
  const workloads = WORKLOADS.filter((w) => selected(w.name));
  for (const w of workloads) {
    if (w.kind === 'elf' && !existsSync(join(ROOT, w.elf))) {
      console.error(`bench: ${w.elf} is missing; npm run bench builds it (node scripts/prepare.js)`);
      return 1;
    }
  }

  const hart = existsSync(HART_WASM) ? await WebAssembly.compile(readFileSync(HART_WASM)) : undefined;
  if (!hart) console.error(`bench: ${relative(ROOT, HART_WASM)} is missing: running QEMU only`);
  const haveQemu = onPath(QEMU);
  if (!haveQemu) console.error(`bench: ${QEMU} is not installed (Debian: qemu-system-misc): running cellvisor only`);

  const load = loadavg()[0];
  const rows: Row[] = [];
  for (const workload of workloads) {
    const run = runner(workload);
    if (typeof run === 'string') {
      rows.push({ workload, problems: [], skipped: run });
      continue;
    }
    const cRuns: CellvisorRun[] = [];
    const jRuns: CellvisorRun[] = [];
    const qRuns: Run[] = [];
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`bench: ${workload.name} run ${i + 1}/${runs}: `);
      if (hart) {
        const r = checked(await run.cellvisor(hart), run.check);
        cRuns.push(r);
        process.stderr.write(`cellvisor ${fmt.s(r.seconds)} s${r.failure ? ` (${r.failure})` : ''}  `);
        if (run.jit) {
          const j = checked(await run.jit(hart), run.check);
          jRuns.push(j);
          process.stderr.write(`--jit on ${fmt.s(j.seconds)} s${j.failure ? ` (${j.failure})` : ''}  `);
        }
      }
      if (haveQemu) {
        const r = checked(await runQemu(run.qemuArgs), run.check);
        qRuns.push(r);
        process.stderr.write(`QEMU ${fmt.s(r.seconds)} s${r.failure ? ` (${r.failure})` : ''}`);
      }
      process.stderr.write('\n');
    }
    const cellvisor = fastest(cRuns);
    const jit = fastest(jRuns);
    const qemu = fastest(qRuns);
    const problems: string[] = [];
    if (cellvisor?.failure) problems.push(`cellvisor: ${cellvisor.failure}`);
    if (jit?.failure) problems.push(`cellvisor --jit on: ${jit.failure}`);
    if (jit && cellvisor && !jit.failure && !cellvisor.failure) {
      if (jit.retired !== cellvisor.retired) problems.push(`--jit on retired ${jit.retired}, the interpreter ${cellvisor.retired}`);
      if (jit.output !== cellvisor.output) problems.push('--jit on printed something else than the interpreter');
    }
    if (qemu?.failure) problems.push(`QEMU: ${qemu.failure}`);
    if (workload.kind === 'elf') {
      const sums = [cellvisor, qemu].map((r) => (r ? checksum(r.output) : undefined));
      if (cellvisor && !sums[0]) problems.push('cellvisor printed no checksum');
      if (qemu && !sums[1]) problems.push('QEMU printed no checksum');
      if (sums[0] && sums[1] && sums[0] !== sums[1]) {
        problems.push(`checksums differ: cellvisor ${sums[0]}, QEMU ${sums[1]}`);
      }
    }
    rows.push({ workload, cellvisor, jit, qemu, problems });
  }

  let ops: KernelOpRow[] = [];
  const cellsProblem = hart && (selected('kernel') || selected('vm-ping') || selected('vm-rt')) ? buildCells(ROOT) : undefined;
  if (hart && selected('kernel')) {
    if (cellsProblem) console.error(`bench: kernel operations skipped: ${cellsProblem}`);
    else ops = await kernelOps(hart, ROOT, runs);
  }

  let vmRow: VmBootRow | undefined;
  const linux = WORKLOADS.find((w): w is LinuxWorkload => w.kind === 'linux');
  const files = linux ? linuxFiles(linux) : 'no Linux workload';
  if (hart && selected('linux-vm')) {
    if (typeof files === 'string') console.error(`bench: linux-vm skipped: ${files}`);
    else vmRow = await vmBoot(hart, files.kernel, files.initrd, runs);
  }

  let vmRows: VmRows = {};
  if (hart && VM_ROWS.some(selected)) {
    const problem = typeof files === 'string' ? files : cellsProblem;
    if (problem) console.error(`bench: ${VM_ROWS.filter(selected).join(', ')} skipped: ${problem}`);
    else if (linux && typeof files !== 'string') {
      const paths = { image: join(ROOT, linux.image), initrd: join(ROOT, linux.initrd) };
      if (selected('vm-ping')) {
        const ping = await vmPing(hart, ROOT, paths, runs);
        // The cell↔cell round trip beside it, from this run.
        const call = ops.find((o) => o.name === CALL_ROUND_TRIP) ?? (await kernelOps(hart, ROOT, runs, [CALL_ROUND_TRIP]))[0];
        vmRows = { ...vmRows, ping, call };
      }
      if (selected('vm-net')) vmRows = { ...vmRows, net: await vmNet(hart, paths, runs) };
      if (selected('vm-rt')) vmRows = { ...vmRows, rt: await vmRt(hart, ROOT, paths) };
    }
  }

  if (rows.length > 0) console.log(table(rows));
  if (ops.length > 0) console.log(`\n${kernelTable(ops)}`);
  if (vmRow) console.log(`\n${vmTable(vmRow)}`);
  if (vmRows.ping) console.log(`\n${vmPingTable(vmRows.ping, vmRows.call)}`);
  if (vmRows.net) console.log(`\n${vmNetTable(vmRows.net)}`);
  if (vmRows.rt) console.log(`\n${vmRtTable(vmRows.rt)}`);
  if (vmRow?.failure) console.error(`bench: linux-vm: ${vmRow.failure}`);
  const vmProblems = vmRowsFailures(vmRows);
  for (const p of vmProblems) console.error(`bench: ${p}`);
  const problems = rows.flatMap((r) => r.problems.map((p) => `${r.workload.name}: ${p}`));
  for (const p of problems) console.error(`bench: ${p}`);
  for (const r of rows) if (r.skipped) console.error(`bench: ${r.workload.name} skipped: ${r.skipped}`);
  const ran = rows.filter((r) => !r.skipped).length;
  const complete = hart && haveQemu && problems.length === 0 && ran === WORKLOADS.length;
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  // A run of only the kernel operations and the VM rows replaces just their sections.
  const onlyVmRows = only !== undefined && [...only].every((name) => VM_ROWS.includes(name) || name === 'kernel');
  const kernelOk = !selected('kernel') || (ops.length > 0 && ops.every((o) => !o.failure));
  if (!values['no-write']) {
    if (complete) {
      writeFileSync(REPORT, report(rows, command, runs, load, ops, vmRow, vmRows));
      console.log(`\nwritten to ${relative(ROOT, REPORT)}`);
    } else if (onlyVmRows && hart && vmProblems.length === 0 && kernelOk && (ops.length > 0 || Object.keys(vmRows).length > 0)) {
      const fresh = `${ops.length > 0 ? kernelSection(ops) : ''}${vmRowsSection(vmRows)}`;
      writeFileSync(REPORT, spliceSections(readFileSync(REPORT, 'utf8'), fresh, command, load));
      console.log(`\nthe sections of ${[...only].join(', ')} written to ${relative(ROOT, REPORT)}`);
    } else {
      console.log(`\n${relative(ROOT, REPORT)} left alone: only a complete run of every workload on both sides is recorded`);
    }
  }
  return problems.length === 0 && vmProblems.length === 0 && !vmRow?.failure && hart && (haveQemu || onlyVmRows) ? 0 : 1;
}

process.exitCode = await main();
