// `cellvisor inspect SYSTEM.yaml [--json]`: the image a description boots into — every
// cell's scheduling, memory and capabilities — read from the kernel's objects after
// boot, in the description's names.
import { VirtBoard } from '../machine/virt.js';
import { BootError, bootImage } from '../kernel/boot.js';
import { formatInspection, formatVms, inspectKernel, inspectVms } from '../kernel/inspect.js';
import { DEFAULT_PROFILE } from '../hart/profile.js';
import { Kernel } from '../kernel/kernel.js';
import { OutOfMemory } from '../kernel/memory.js';
import { parseArgs, parseRamSize, UsageError } from './args.js';
import { loadImage } from './check.js';
import { EXIT_OK, EXIT_STUCK, EXIT_USAGE } from './exit-codes.js';
import { compileHart, type CliIo } from './node-host.js';

export const INSPECT_HELP = `Usage: cellvisor inspect SYSTEM.yaml [--json]

Check a system description and show the image it boots into: for every cell its
priority and scheduling context, its address space (virtual range, size, rights,
the physical memory behind it, and what it is: program, stack, IPC buffer or a named
region) and every capability in its CSpace (slot, role, object, rights, badge); for
every VM its priority and scheduling, its guest RAM and where it lies, its G-stage
table and VMID, and its devices at their guest physical addresses.

Options:
  --json          print the same as JSON
  -m, --memory SIZE
                  RAM of the board (default 128M, or the VMs' memory plus 64M),
                  as for 'cellvisor run'
  -h, --help      show this help

Exit status: 0, or 2 for a bad command line or description.
`;

const OPTIONS = [
  { long: 'json', takesValue: false },
  { long: 'memory', short: 'm', takesValue: true },
  { long: 'help', short: 'h', takesValue: false },
] as const;

export async function inspectCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, OPTIONS, 'inspect');
  if (options.has('help')) {
    io.out(INSPECT_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    throw new UsageError('inspect', positionals.length === 0 ? 'missing SYSTEM.yaml' : `expected one file, got ${positionals.length}`);
  }
  const [path] = positionals as [string];
  const memory = options.get('memory');
  const image = loadImage(path, io);
  if (!image) return EXIT_USAGE;
  const vmMemory = (image.vms ?? []).reduce((n, vm) => n + vm.memory, 0);
  const ramSize = typeof memory === 'string' ? parseRamSize('-m', memory) : Math.max(128 * 2 ** 20, vmMemory + 64 * 2 ** 20);
  const wasm = await compileHart(io);
  if (!wasm) return EXIT_STUCK;
  const profile = vmMemory > 0 ? 'rva22h' : DEFAULT_PROFILE;
  const board = await VirtBoard.create(wasm, { ramSize, console: { write: () => {} }, profile });
  const kernel = new Kernel(board, { output: () => {}, log: () => {} });
  try {
    bootImage(kernel, image);
  } catch (err) {
    if (err instanceof BootError || err instanceof OutOfMemory) {
      io.err(`cellvisor: ${path}: ${err.message}`);
      return EXIT_USAGE;
    }
    throw err;
  }
  const cells = inspectKernel(kernel);
  const vms = inspectVms(kernel);
  if (options.has('json')) io.out(`${JSON.stringify({ system: path, cells, ...(vms.length > 0 ? { vms } : {}) }, null, 2)}\n`);
  else io.out(formatInspection(cells) + formatVms(vms));
  return EXIT_OK;
}
