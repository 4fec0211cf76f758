// The `cellvisor` command: subcommand dispatch, --help, --version, and the one place
// where errors become a line on stderr and an exit status (never a stack trace, unless
// CELLVISOR_DEBUG is set).

import { UsageError } from './args.js';
import { ccCommand } from './cc.js';
import { checkCommand } from './check.js';
import { elfCommand } from './elf.js';
import { inspectCommand } from './inspect.js';
import { machineCommand } from './machine.js';
import { runCommand } from './run.js';
import { EXIT_OK, EXIT_SIGPIPE, EXIT_STUCK, EXIT_USAGE } from './exit-codes.js';
import { packageVersion, type CliIo } from './node-host.js';
import { schemaCommand } from './schema.js';

const HELP = `Usage: cellvisor <command> [options]

Commands:
  elf FILE.elf    run a bare-metal RISC-V ELF on the board (riscv-tests, HTIF, finisher)
  machine         boot the virt board: Linux, OpenSBI, U-Boot (like qemu -M virt)
  run SYSTEM.yaml run a system: the microvisor kernel and its cells on the board
  check SYSTEM.yaml
                  check a system description and its admission test
  inspect SYSTEM.yaml
                  show the image a description boots: memory and capabilities per cell
  schema          print the JSON Schema of system descriptions
  cc              compile a native cell against the SDK (cellvisor cc -o OUT.elf FILE.c)

Options:
  -h, --help      show this help; 'cellvisor <command> --help' for a command's
  -V, --version   show the version

Exit status: 0 on success, 2 for a bad command line or input; see each command's help.
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['elf', elfCommand],
  ['machine', machineCommand],
  ['run', runCommand],
  ['check', checkCommand],
  ['inspect', inspectCommand],
  ['schema', schemaCommand],
  ['cc', ccCommand],
]);

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`cellvisor: missing command; see 'cellvisor --help'`);
    return EXIT_USAGE;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }
  if (first === '-V' || first === '--version') {
    io.out(`cellvisor ${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.get(first);
  if (!command) {
    io.err(`cellvisor: ${first}: unknown command; see 'cellvisor --help'`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`cellvisor: ${err.subject}: ${err.message}`);
      return err.exitCode;
    }
    // The reader of stdout went away (`| head`): stop quietly, as a SIGPIPE would.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return EXIT_SIGPIPE;
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    io.err(`cellvisor: internal error: ${detail}`);
    if (process.env.CELLVISOR_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return EXIT_STUCK;
  }
}

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
};

process.exitCode = await main(process.argv.slice(2), io);
