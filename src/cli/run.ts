// `cellvisor run SYSTEM.yaml`: check the description, build the image, boot the kernel
// on the virt board and run the cells. Each cell's console lines go to stdout prefixed
// with its name; the kernel's reports go to stderr.
import { DEFAULT_PROFILE, type CpuProfile } from '../hart/profile.js';
import { ConsoleLines } from '../machine/console-feed.js';
import { describeOutcome, type RunOutcome } from '../machine/outcome.js';
import { VirtBoard } from '../machine/virt.js';
import { BootError, bootImage } from '../kernel/boot.js';
import { Kernel } from '../kernel/kernel.js';
import { OutOfMemory } from '../kernel/memory.js';
import { JIT_HELP, parseArgs, parseJit, parseRamSize, UsageError } from './args.js';
import { loadImage } from './check.js';
import { EXIT_INSN_LIMIT, EXIT_OK, EXIT_STUCK, EXIT_USAGE, guestExitStatus } from './exit-codes.js';
import { fdSource, openInput } from './host-devices.js';
import { compileHart, fdSink, type CliIo } from './node-host.js';
import { formatStats } from './run-stats.js';
import { LiveInput, runLive, type Quit } from './live-console.js';

export const RUN_HELP = `Usage: cellvisor run SYSTEM.yaml [options]

Check a system description (as 'cellvisor check' does), boot the microvisor kernel
with its cells on the virt board, and run them. Each cell's output is shown line by
line as 'name| line'. The board's UART is the terminal: a driver cell that owns it
(a memory region at 0x10000000 and IRQ source 10) reads what is typed.

Options:
  --max-time T    stop after T of virtual time (e.g. 10s, 500ms, 250us; default: none)
  --input FILE|-  reproducible console input for the UART: FILE (- for stdin) is
                  handed over a line at a time when the system waits for input, never
                  by real time, so the same input gives the same run; without it the
                  console is live (what is typed or piped arrives as it comes, and an
                  idle system waits for its next timer in real time)
  --console NAME  attach the console of VM or cell NAME to the terminal: its output is
                  shown unprefixed, as it comes, and the terminal's input (or --input)
                  goes to it (a VM's SBI console, hvc0); everyone else's output stays
                  prefixed. Without it, input goes to the board's UART.
  --stats         after the run, print per cell (and per VM: exits, SBI calls, MMIO,
                  WFIs, crashes, restarts): virtual CPU time, budget exhaustions,
                  syscalls, IPCs, notifications, faults, releases and the worst
                  observed response time of periodic cells (all virtual: two runs
                  print the same)
  -m, --memory SIZE
                  RAM of the board (default 128M, more when VMs need it: their
                  memory plus 64M)
${JIT_HELP}
  -h, --help      show this help

The run ends when a cell calls cv_poweroff(status), when a VM with poweroff: true
shuts down, when every cell and VM waits with nothing left that could wake it, or
at --max-time.

Exit status:
  status  a cell's cv_poweroff(status) (low 8 bits)
  0       every cell waits and none faulted without a fault handler
  1       every cell waits and a cell faulted without a fault handler (or a VM
          crashed and was stopped)
  2       bad command line or description (the errors say where)
  3       the kernel could not run the system (see the message)
  4       --max-time was reached
`;

const OPTIONS = [
  { long: 'max-time', takesValue: true },
  { long: 'input', takesValue: true },
  { long: 'stats', takesValue: false },
  { long: 'console', takesValue: true },
  { long: 'memory', short: 'm', takesValue: true },
  { long: 'jit', takesValue: true },
  { long: 'help', short: 'h', takesValue: false },
] as const;

const DEFAULT_RAM_SIZE = 128 * 2 ** 20;
/** What the board needs beside its VMs' memory by default: the cells, page tables, the kernel's own. */
const RAM_BESIDE_VMS = 64 * 2 ** 20;
const NS_PER_TICK = 100n;

/** "10s", "500ms", "250us", "100ns"; a bare number is seconds. */
export function parseDuration(option: string, text: string): bigint {
  const m = /^(\d+)(ns|us|µs|ms|s)?$/.exec(text.trim());
  if (!m) throw new UsageError(option, `'${text}' is not a duration; accepted: a number with ns, us, ms or s (e.g. 10s)`);
  const scale = { ns: 1n, us: 1000n, µs: 1000n, ms: 1_000_000n, s: 1_000_000_000n }[m[2] ?? 's'] ?? 1n;
  const ns = BigInt(m[1]!) * scale;
  if (ns === 0n) throw new UsageError(option, 'must be more than 0');
  return ns;
}

export async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, OPTIONS, 'run');
  if (options.has('help')) {
    io.out(RUN_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    throw new UsageError('run', positionals.length === 0 ? 'missing SYSTEM.yaml' : `expected one file, got ${positionals.length}`);
  }
  const [path] = positionals as [string];
  const str = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const memory = str('memory');
  const maxTime = str('max-time');
  const stopAtNs = maxTime !== undefined ? parseDuration('--max-time', maxTime) : undefined;
  const jitText = str('jit');
  const jit = jitText !== undefined ? parseJit('--jit', jitText) : undefined;
  const image = loadImage(path, io);
  if (!image) return EXIT_USAGE;
  const vms = image.vms ?? [];
  const vmMemory = vms.reduce((n, vm) => n + vm.memory, 0);
  const ramSize = memory !== undefined ? parseRamSize('-m', memory) : Math.max(DEFAULT_RAM_SIZE, vmMemory + RAM_BESIDE_VMS);
  // VMs need the H extension, which only the rva22h profile has until it is the default.
  const profile: CpuProfile = vms.length > 0 ? 'rva22h' : DEFAULT_PROFILE;
  const attached = str('console');
  if (attached !== undefined && !image.cells.some((c) => c.name === attached) && !vms.some((vm) => vm.name === attached)) {
    const names = [...image.cells.map((c) => c.name), ...vms.map((vm) => vm.name)];
    throw new UsageError('--console', `'${attached}' is no cell or VM of ${path}; accepted: ${names.join(', ')}`);
  }
  const attachedVm = vms.some((vm) => vm.name === attached);

  const wasm = await compileHart(io);
  if (!wasm) return EXIT_STUCK;
  const inputPath = str('input');
  const inputFd = inputPath === undefined ? undefined : inputPath === '-' ? 0 : openInput(inputPath);
  const input = inputFd !== undefined ? new ConsoleLines(fdSource(inputFd)) : undefined;
  const log = (line: string): void => io.err(`cellvisor: ${line}`);
  // Cells' lines and the UART's bytes share stdout, written synchronously and in order.
  const stdout = fdSink(1);
  const encoder = new TextEncoder();
  // Scripted input goes to the attached VM's console, else to the UART.
  const board = await VirtBoard.create(wasm, { ramSize, console: stdout, input: attachedVm ? undefined : input, log, profile, jit });
  const kernel = new Kernel(board, {
    output: (cell, line) => stdout.write(encoder.encode(cell === attached ? `${line}\n` : `${cell}| ${line}\n`)),
    log,
    attached,
    raw: (text) => stdout.write(encoder.encode(text)),
  });
  if (attachedVm) kernel.consoleInput = input;
  try {
    bootImage(kernel, image);
  } catch (err) {
    if (err instanceof BootError || err instanceof OutOfMemory) {
      io.err(`cellvisor: ${path}: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (stopAtNs !== undefined) kernel.stopAt = Number((stopAtNs + NS_PER_TICK - 1n) / NS_PER_TICK);
  kernel.start();
  const live = input ? undefined : new LiveInput(process.stdin, (text) => process.stderr.write(text));
  let outcome: RunOutcome | Quit;
  try {
    const deliver = attachedVm ? (bytes: Uint8Array): void => kernel.consoleReceive(attached!, bytes) : undefined;
    outcome = live ? await runLive(board, {}, live, deliver) : board.machine.run();
  } finally {
    live?.close();
  }
  kernel.flushAll();
  if (options.has('stats')) stdout.write(encoder.encode(formatStats(kernel)));
  return finish(outcome);

  function finish(o: RunOutcome | Quit): number {
    switch (o.kind) {
      case 'quit':
        io.err('\ncellvisor: terminated (Ctrl-A x)');
        return EXIT_OK;
      case 'exit':
        return o.code === 0 ? EXIT_OK : guestExitStatus(o.code);
      case 'time-limit':
        io.err(`cellvisor: stopped at --max-time ${maxTime} of virtual time`);
        return EXIT_INSN_LIMIT;
      case 'idle':
      case 'wait': {
        const faulted = [...kernel.cells.filter((c) => c.tcb.state === 'stopped'), ...kernel.vms.filter((vm) => vm.state === 'stopped')];
        io.err(`cellvisor: every ${kernel.vms.length > 0 ? 'cell and VM' : 'cell'} waits and nothing is left that could wake one:`);
        for (const line of kernel.waitReport()) io.err(`  ${line}`);
        return faulted.length > 0 ? 1 : EXIT_OK;
      }
      default:
        io.err(`cellvisor: ${describeOutcome(o)}`);
        return EXIT_STUCK;
    }
  }
}
