// `cellvisor machine`: the virt board as `qemu-system-riscv64 -M virt -nographic`
// runs it: a kernel (Linux Image, ELF or raw binary such as U-Boot), an optional
// initrd and disk, the serial console on the terminal, and the guest's power-off code
// as the exit status.

import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { disassemble } from '../hart/disasm.js';
import { BootError, boot, planBoot, type Bios, type BootPlan, type NamedFile } from '../firmware/boot.js';
import type { SbiFirmware } from '../firmware/sbi.js';
import { ConsoleLines } from '../machine/console-feed.js';
import { describeOutcome, type RunOutcome } from '../machine/outcome.js';
import { DEFAULT_RTC_EPOCH_NS, VirtBoard, virtDtConfig } from '../machine/virt.js';
import { PLIC_GATEWAYS, type PlicGateway } from '../machine/devices/plic.js';
import { VIRTIO_VENDOR_CELLVISOR, VIRTIO_VENDOR_QEMU, type VirtioMmioVersion } from '../machine/devices/virtio-mmio.js';
import { boardDtb } from '../machine/fdt/board-dt.js';
import { CPU_HELP, JIT_HELP, parseJit, parseArgs, parseCount, parseCpu, parseRamSize, parseRtc, UsageError, type RtcBase } from './args.js';
import { DEFAULT_PROFILE } from '../hart/profile.js';
import { EXIT_INSN_LIMIT, EXIT_OK, EXIT_STUCK, guestExitStatus } from './exit-codes.js';
import { fdSource, FileBlockBackend, openInput } from './host-devices.js';
import { compileHart, fdSink, fileProblem, type CliIo } from './node-host.js';
import { LiveInput, runLive, type Quit } from './live-console.js';

export const MACHINE_HELP = `Usage: cellvisor machine --kernel FILE [options]

Boot the virt board (QEMU's 'virt' machine: CLINT, PLIC, NS16550A UART, goldfish RTC,
test finisher, eight virtio-mmio slots) with its serial console on the terminal.

Options:
  --bios hosted|none|FILE
                  hosted (default): the built-in SBI firmware; the kernel starts in
                    S-mode at 0x80200000 with a0 = hart id, a1 = device tree
                  FILE: an M-mode firmware such as OpenSBI's fw_jump.bin or
                    fw_dynamic.bin, loaded at 0x80000000 (a2 = fw_dynamic_info)
                  none: the kernel itself starts in M-mode
  --kernel FILE   a Linux Image, an ELF (vmlinux, a bare-metal program) or a raw
                  binary (U-Boot's u-boot.bin)
  --initrd FILE   initial ramdisk, placed at the top of RAM below the device tree
  --append ARGS   kernel command line (device tree /chosen/bootargs)
  -m, --memory SIZE
                  RAM size, e.g. 256M or 1G; a bare number means MiB (default 128M)
${CPU_HELP}
  --smp N         number of harts; only 1 for now (SMP is planned)
  --drive FILE[,ro]
                  raw disk image as virtio-blk (/dev/vda); guest writes reach the file
                  unless ',ro' is given
  --input FILE|-  reproducible console input: FILE (- for stdin) is handed to the guest
                  a line at a time when it waits for input, never by real time; the
                  same input gives the same output, instruction for instruction
  --rtc host|fixed|DATE
                  where the RTC starts: host, the host's time (default); fixed,
                  2025-01-01T00:00:00Z (default with --input); or a UTC DATE such as
                  2024-05-01 or 2024-05-01T12:00:00Z. It then counts guest time.
  --plic-gateway qemu|spec
                  qemu (default): a device's interrupt that stays asserted is
                    delivered once per device event, as QEMU 7.2 does
                  spec: the PLIC specification's gateway, which pends it again
                    at every completion while it stays asserted
  --virtio-vendor qemu|cellvisor
                  the virtio-mmio VendorID: QEMU's 0x554d4551 (default; kernels
                    written for QEMU's virt board check it) or cellvisor's 0x73697663
  --virtio-version 2|1
                  the virtio-mmio interface: 2 (default, virtio 1.x; QEMU with
                    -global virtio-mmio.force-legacy=false) or 1, the legacy one
                    (QEMU 7.2's default)
  --dump-dtb FILE write the device tree blob the guest would get to FILE and exit
  --max-insns N   stop after N instructions
  --sbi-stats     print the hosted firmware's SBI call counts to stderr at the end
  --trace FILE    write each retired instruction to FILE (very slow)
${JIT_HELP}
  -h, --help      show this help

The console is live, as in QEMU: stdin reaches the UART as it arrives while the guest
runs on, and an idle guest waits in real time for its timer or for input. With a
terminal, keys go as typed (Ctrl-A x quits, Ctrl-A h lists the other escapes); with a
pipe, a script can wait for a prompt, type, and wait again. For a reproducible run,
give the input with --input instead.
Other devices: virtio-net has a loopback wire (frames come back to the guest);
virtio-rng is seeded (deterministic).

Exit status:
  0    the guest powered off (SBI shutdown, or the test finisher's pass value)
  N    the guest reported failure code N (low 8 bits; 1 if those are 0)
  2    bad command line or input file, or too little memory for the images
  3    the machine could not go on: a trap loop, WFI with nothing to wake the
       hart, a firmware fault, or build/hart.wasm is missing
  4    --max-insns was reached
`;

const DEFAULT_RAM_SIZE = 128 * 2 ** 20;

const OPTIONS = [
  { long: 'bios', takesValue: true },
  { long: 'kernel', takesValue: true },
  { long: 'initrd', takesValue: true },
  { long: 'append', takesValue: true },
  { long: 'memory', short: 'm', takesValue: true },
  { long: 'cpu', takesValue: true },
  { long: 'smp', takesValue: true },
  { long: 'drive', takesValue: true },
  { long: 'input', takesValue: true },
  { long: 'rtc', takesValue: true },
  { long: 'plic-gateway', takesValue: true },
  { long: 'virtio-vendor', takesValue: true },
  { long: 'virtio-version', takesValue: true },
  { long: 'dump-dtb', takesValue: true },
  { long: 'max-insns', takesValue: true },
  { long: 'sbi-stats', takesValue: false },
  { long: 'trace', takesValue: true },
  { long: 'jit', takesValue: true },
  { long: 'help', short: 'h', takesValue: false },
] as const;

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(path, fileProblem(err));
  }
}

function parseGateway(text: string): PlicGateway {
  const gateway = PLIC_GATEWAYS.find((g) => g === text);
  if (gateway === undefined) throw new UsageError('--plic-gateway', `'${text}' is not one of ${PLIC_GATEWAYS.join(', ')}`);
  return gateway;
}

const VIRTIO_VENDORS: Readonly<Record<string, number>> = { qemu: VIRTIO_VENDOR_QEMU, cellvisor: VIRTIO_VENDOR_CELLVISOR };

function parseVendor(text: string): number {
  const id = VIRTIO_VENDORS[text];
  if (id === undefined) throw new UsageError('--virtio-vendor', `'${text}' is not one of ${Object.keys(VIRTIO_VENDORS).join(', ')}`);
  return id;
}

function parseVirtioVersion(text: string): VirtioMmioVersion {
  if (text === '1') return 1;
  if (text === '2') return 2;
  throw new UsageError('--virtio-version', `'${text}' is not 1 or 2`);
}

function parseDrive(text: string): { path: string; readOnly: boolean } {
  const [path, ...flags] = text.split(',');
  if (path === '') throw new UsageError('--drive', 'needs a file name');
  let readOnly = false;
  for (const f of flags) {
    if (f === 'ro' || f === 'readonly' || f === 'readonly=on') readOnly = true;
    else throw new UsageError('--drive', `unknown flag '${f}'; only 'ro' is supported`);
  }
  return { path, readOnly };
}

export async function machineCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, OPTIONS, 'machine');
  if (options.has('help')) {
    io.out(MACHINE_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(positionals[0], "unexpected argument; the kernel is given with --kernel");
  const str = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const memory = str('memory');
  const ramSize = memory !== undefined ? parseRamSize('-m', memory) : DEFAULT_RAM_SIZE;
  const cpuText = str('cpu');
  const profile = cpuText !== undefined ? parseCpu('--cpu', cpuText) : DEFAULT_PROFILE;
  const jitText = str('jit');
  const jit = jitText !== undefined ? parseJit('--jit', jitText) : undefined;
  const smp = str('smp');
  if (smp !== undefined && parseCount('--smp', smp) !== 1n) {
    throw new UsageError('--smp', `${smp} harts asked for; this board has one hart so far (SMP is planned)`);
  }
  const gatewayText = str('plic-gateway');
  const plicGateway = gatewayText !== undefined ? parseGateway(gatewayText) : undefined;
  const vendorText = str('virtio-vendor');
  const virtioVendorId = vendorText !== undefined ? parseVendor(vendorText) : undefined;
  const versionText = str('virtio-version');
  const virtioVersion = versionText !== undefined ? parseVirtioVersion(versionText) : undefined;
  const maxText = str('max-insns');
  const maxInsns = maxText !== undefined ? parseCount('--max-insns', maxText) : undefined;
  const append = str('append');
  const dumpDtb = str('dump-dtb');
  const kernelPath = str('kernel');
  const initrdPath = str('initrd');
  const biosText = str('bios') ?? 'hosted';
  const inputPath = str('input');
  const rtcText = str('rtc');
  // Reproducible runs start at the board's fixed date; live ones at the host's time, as QEMU's -rtc base=utc.
  const rtc: RtcBase = rtcText !== undefined ? parseRtc('--rtc', rtcText) : { kind: inputPath !== undefined ? 'fixed' : 'host' };

  if (kernelPath === undefined && dumpDtb === undefined) throw new UsageError('machine', 'missing --kernel FILE');
  if (kernelPath === undefined && initrdPath !== undefined) throw new UsageError('--initrd', 'needs --kernel');
  let bios: Bios;
  if (biosText === 'hosted' || biosText === 'none') bios = { kind: biosText };
  else bios = { kind: 'file', name: biosText, bytes: readInput(biosText) };

  const named = (path: string): NamedFile => ({ name: path, bytes: readInput(path) });
  const kernel = kernelPath !== undefined ? named(kernelPath) : undefined;
  const initrd = initrdPath !== undefined ? named(initrdPath) : undefined;
  const deviceTree = (chosen: Parameters<typeof virtDtConfig>[1]) => boardDtb(virtDtConfig(ramSize, chosen, profile));

  let plan: BootPlan | undefined;
  if (kernel) {
    try {
      plan = planBoot({ bios, kernel, initrd, append }, ramSize, deviceTree);
    } catch (err) {
      if (err instanceof BootError) throw new UsageError(err.subject, err.message);
      throw err;
    }
  }
  if (dumpDtb !== undefined) {
    const blob = plan?.dtbBlob ?? deviceTree({ bootargs: append });
    try {
      writeFileSync(dumpDtb, blob);
    } catch (err) {
      throw new UsageError(dumpDtb, fileProblem(err));
    }
    return EXIT_OK;
  }
  if (!plan) throw new UsageError('machine', 'missing --kernel FILE');

  const driveText = str('drive');
  const drive = driveText !== undefined ? parseDrive(driveText) : undefined;
  const disk = drive ? FileBlockBackend.open(drive.path, drive.readOnly) : undefined;
  const inputFd = inputPath === undefined ? undefined : inputPath === '-' ? 0 : openInput(inputPath);

  const wasm = await compileHart(io);
  if (!wasm) return EXIT_STUCK;

  const sink = fdSink(1);
  const tracePath = str('trace');
  const traceFd = tracePath !== undefined ? openTrace(tracePath) : undefined;
  const trace = traceFd !== undefined ? traceTo(traceFd) : undefined;
  // One reader for the whole session: input read ahead survives a guest reset.
  const lines = inputFd !== undefined ? new ConsoleLines(fdSource(inputFd)) : undefined;
  const live = lines ? undefined : new LiveInput(process.stdin, (text) => process.stderr.write(text));
  const log = (line: string): void => io.err(`cellvisor: ${line}`);

  let firmware: SbiFirmware | undefined;
  let retiredBefore = 0n;
  try {
    for (;;) {
      // A guest reset gets a fresh board, as QEMU resets every device, with the same disk.
      const board = await VirtBoard.create(wasm, {
        ramSize, console: sink, input: lines, drive: disk, log, profile, rtcEpochNs: rtcEpochNs(rtc), jit,
        plicGateway, virtioVendorId, virtioVersion,
      });
      firmware = boot(board, plan, undefined).firmware ?? firmware;
      const limit = maxInsns === undefined ? undefined : maxInsns - retiredBefore;
      const outcome: RunOutcome | Quit = live
        ? await runLive(board, { maxInsns: limit, trace }, live)
        : board.machine.run({ maxInsns: limit, trace });
      retiredBefore += board.machine.retired;
      if (outcome.kind === 'reset') continue;
      return finish(outcome, retiredBefore);
    }
  } finally {
    if (options.has('sbi-stats')) printStats(firmware, io);
    live?.close();
    disk?.close();
    if (inputFd !== undefined && inputFd !== 0) closeSync(inputFd);
    if (traceFd !== undefined) closeSync(traceFd);
  }

  function finish(outcome: RunOutcome | Quit, retired: bigint): number {
    switch (outcome.kind) {
      case 'quit':
        io.err('\ncellvisor: terminated (Ctrl-A x)');
        return EXIT_OK;
      case 'exit':
        if (outcome.code !== 0) io.err(`cellvisor: guest ${describeOutcome(outcome)}`);
        return outcome.code === 0 ? EXIT_OK : guestExitStatus(outcome.code);
      case 'insn-limit':
        io.err(`cellvisor: stopped by --max-insns after ${retired} instructions, at pc 0x${outcome.pc.toString(16)}`);
        return EXIT_INSN_LIMIT;
      default:
        io.err(`cellvisor: ${describeOutcome(outcome)}`);
        return EXIT_STUCK;
    }
  }
}

function printStats(firmware: SbiFirmware | undefined, io: CliIo): void {
  if (!firmware) {
    io.err('cellvisor: --sbi-stats: no hosted firmware ran (--bios hosted)');
    return;
  }
  const rows = [...firmware.stats].sort(([a], [b]) => a.localeCompare(b));
  io.err(`cellvisor: SBI calls: ${rows.reduce((n, [, c]) => n + c, 0)}`);
  for (const [name, count] of rows) io.err(`  ${name.padEnd(32)} ${count}`);
}

/** The RTC's reading at the new board's mtime 0, in ns since the epoch. */
function rtcEpochNs(rtc: RtcBase): bigint {
  switch (rtc.kind) {
    case 'host': return BigInt(Date.now()) * 1_000_000n;
    case 'fixed': return DEFAULT_RTC_EPOCH_NS;
    case 'date': return rtc.epochNs;
  }
}

function openTrace(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    throw new UsageError(path, fileProblem(err));
  }
}

const encoder = new TextEncoder();

function traceTo(fd: number): (pc: bigint, insn: number) => void {
  return (pc, insn) => {
    const compressed = (insn & 3) !== 3;
    const raw = (compressed ? insn & 0xffff : insn >>> 0).toString(16).padStart(compressed ? 4 : 8, '0');
    writeSync(fd, encoder.encode(`${pc.toString(16).padStart(16, '0')} ${raw.padEnd(8)} ${disassemble(insn, pc)}\n`));
  };
}
