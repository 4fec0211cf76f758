// `cellvisor elf FILE.elf`: run a bare-metal RISC-V program in M-mode from its entry,
// as `qemu-system-riscv64 -bios none -kernel FILE.elf` would, and turn how it
// ended into an exit status (see exit-codes.ts).

import { readFileSync } from 'node:fs';
import { disassemble } from '../hart/disasm.js';
import { checkFitsRam, ElfError, parseElf } from '../machine/loader/elf.js';
import { Machine } from '../machine/machine.js';
import { RAM_BASE } from '../machine/memory-map.js';
import { describeOutcome } from '../machine/outcome.js';
import { CPU_HELP, JIT_HELP, parseJit, parseArgs, parseCount, parseCpu, parseRamSize, UsageError } from './args.js';
import { EXIT_INSN_LIMIT, EXIT_OK, EXIT_STUCK, guestExitStatus } from './exit-codes.js';
import { fdSink, fileProblem, HART_WASM, type CliIo } from './node-host.js';

export const ELF_HELP = `Usage: cellvisor elf FILE.elf [options]

Run a bare-metal RISC-V RV64 ELF on the board, in M-mode from its entry point, with
a0 = 0 (hart id) and a1 = 0. RAM starts at 0x80000000. The program ends through
HTIF (tohost/fromhost symbols, as riscv-tests and riscv-pk use) or the SiFive test
finisher at 0x100000. HTIF console output goes to stdout.

Options:
  --max-insns N   stop after N instructions (default: no limit)
  --trace         print each retired instruction to stderr: pc, raw bits and
                  its disassembly (as objdump -d -M no-aliases shows it)
  -m, --memory SIZE
                  RAM size, e.g. 64M or 1G; a bare number means MiB (default 128M)
${CPU_HELP}
${JIT_HELP}
  -h, --help      show this help

Exit status:
  0    the program passed (HTIF exit 0, finisher PASS)
  N    the program failed with code N (low 8 bits; 1 if those are 0)
  2    bad command line or input file
  3    the program could not run to an end: a trap loop, WFI with nothing to wake
       the hart, a device protocol violation, or build/hart.wasm is missing
  4    --max-insns was reached
`;

/** QEMU virt's default, and enough for every bare-metal test. */
const DEFAULT_RAM_SIZE = 128 * 2 ** 20;

const OPTIONS = [
  { long: 'max-insns', takesValue: true },
  { long: 'trace', takesValue: false },
  { long: 'memory', short: 'm', takesValue: true },
  { long: 'cpu', takesValue: true },
  { long: 'jit', takesValue: true },
  { long: 'help', short: 'h', takesValue: false },
] as const;

/** Returns the exit status; the guest's console goes straight to fd 1. */
export async function elfCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, OPTIONS, 'elf');
  if (options.has('help')) {
    io.out(ELF_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    throw new UsageError('elf', positionals.length === 0 ? 'missing FILE.elf' : `expected one file, got ${positionals.length}`);
  }
  const [path] = positionals;
  const memory = options.get('memory');
  const ramSize = typeof memory === 'string' ? parseRamSize('-m', memory) : DEFAULT_RAM_SIZE;
  const cpu = options.get('cpu');
  const profile = typeof cpu === 'string' ? parseCpu('--cpu', cpu) : undefined;
  const jitText = options.get('jit');
  const jit = typeof jitText === 'string' ? parseJit('--jit', jitText) : undefined;
  const maxText = options.get('max-insns');
  const maxInsns = typeof maxText === 'string' ? parseCount('--max-insns', maxText) : undefined;
  const trace = options.has('trace') ? traceLine : undefined;

  let file: Uint8Array;
  try {
    file = readFileSync(path);
  } catch (err) {
    throw new UsageError(path, fileProblem(err));
  }
  // Check the file before starting the board, so bad input is exit 2 whatever else is wrong.
  try {
    checkFitsRam(parseElf(file), RAM_BASE, ramSize);
  } catch (err) {
    if (err instanceof ElfError) throw new UsageError(path, err.message);
    throw err;
  }
  let wasm: Uint8Array;
  try {
    wasm = readFileSync(HART_WASM);
  } catch (err) {
    io.err(`cellvisor: ${HART_WASM}: ${fileProblem(err)}; build the hart with 'npm run build:hart'`);
    return EXIT_STUCK;
  }

  const machine = await Machine.create(wasm, { ramSize, console: fdSink(1), profile, jit });
  const boot = (): void => machine.boot(machine.loadElf(file).entry);
  boot();

  for (;;) {
    const outcome = machine.run({ maxInsns, trace });
    switch (outcome.kind) {
      case 'reset':
        // QEMU reloads its images on a system reset; so does this board.
        boot();
        continue;
      case 'exit':
        if (outcome.code !== 0) io.err(`cellvisor: ${path}: ${describeOutcome(outcome)}`);
        return outcome.code === 0 ? EXIT_OK : guestExitStatus(outcome.code);
      case 'insn-limit':
        io.err(`cellvisor: ${path}: stopped by --max-insns after ${outcome.retired} instructions, at pc 0x${outcome.pc.toString(16)}`);
        return EXIT_INSN_LIMIT;
      case 'trap-loop':
      case 'idle':
      case 'device-fault':
      case 'firmware-fault':
      case 'yield':
      case 'wait':
        io.err(`cellvisor: ${path}: ${describeOutcome(outcome)}`);
        return EXIT_STUCK;
    }
  }
}

const traceSink = fdSink(2);
const encoder = new TextEncoder();

/**
 * `pc raw disassembly`: 16 hex digits of pc, the instruction's 8 hex digits (4 if
 * compressed), then objdump-style text, so a trace lines up with `objdump -d -M no-aliases`.
 */
function traceLine(pc: bigint, insn: number): void {
  const compressed = (insn & 3) !== 3;
  const raw = (compressed ? insn & 0xffff : insn >>> 0).toString(16).padStart(compressed ? 4 : 8, '0');
  traceSink.write(encoder.encode(`${pc.toString(16).padStart(16, '0')} ${raw.padEnd(8)} ${disassemble(insn, pc)}\n`));
}
