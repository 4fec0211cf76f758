// `cellvisor cc -o OUT.elf FILE.c… [gcc options]`: compiles and links a native cell
// against the SDK (sdk/: cellvisor.h, the library, crt0 and the linker script) with
// Debian's riscv64-unknown-elf-gcc and picolibc, so a cell needs no Makefile.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { PACKAGE_ROOT, type CliIo } from './node-host.js';

export const CC_HELP = `Usage: cellvisor cc -o OUT.elf FILE.c... [gcc options]

Compile and link a native cell against the cellvisor SDK: #include <cellvisor.h>,
implement init() (and notified(), protected(), fault() as needed). Other options go
to riscv64-unknown-elf-gcc unchanged (-O2 -g are the defaults; -O0, -DNAME, -Idir,
-Wall ... work as usual). The result is an RV64 ELF that a system description names
in a cell's 'elf' key.

Options:
  -o FILE         the ELF to write (required)
  -h, --help      show this help

Exit status: 0 when the cell was built, 2 for a bad command line, the compiler's
status when compilation failed (its messages are on stderr).
`;

export const SDK_DIR = join(PACKAGE_ROOT, 'sdk');
const CC = 'riscv64-unknown-elf-gcc';

/** gcc's arguments for a cell: the SDK's sources, crt0, linker script and headers around the user's. */
export function cellCompilerArgs(output: string, userArgs: readonly string[]): string[] {
  const hasOpt = userArgs.some((a) => /^-O/.test(a));
  return [
    '-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '--specs=picolibc.specs', '-nostartfiles',
    ...(hasOpt ? [] : ['-O2']), '-g', '-std=gnu11', '-ffunction-sections', '-fdata-sections',
    '-I', join(SDK_DIR, 'include'), '-I', join(PACKAGE_ROOT, 'build', 'include'),
    '-T', join(SDK_DIR, 'link.ld'), '-Wl,--gc-sections',
    '-o', output,
    join(SDK_DIR, 'src', 'crt0.S'), join(SDK_DIR, 'src', 'cellvisor.c'),
    ...userArgs,
  ];
}

/** Writes <cellvisor/abi.h> and the other generated headers if they are missing or stale. */
async function ensureHeaders(): Promise<void> {
  const script = join(PACKAGE_ROOT, 'scripts', 'gen-headers.mjs');
  if (!existsSync(script)) return;
  const mod = (await import(pathToFileURL(script).href)) as { generateHeaders: () => string[] };
  mod.generateHeaders();
}

export async function ccCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(CC_HELP);
    return EXIT_OK;
  }
  let output: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o') {
      output = argv[++i];
      if (output === undefined) throw new UsageError('-o', 'needs a file name');
    } else if (a.startsWith('-o') && a.length > 2) {
      output = a.slice(2);
    } else {
      rest.push(a);
    }
  }
  if (output === undefined) throw new UsageError('cc', "missing '-o OUT.elf'; see 'cellvisor cc --help'");
  const sources = rest.filter((a) => !a.startsWith('-') && /\.(c|S|s)$/.test(a));
  if (sources.length === 0) throw new UsageError('cc', 'no source files (FILE.c) given');
  for (const s of sources) {
    if (!existsSync(s)) throw new UsageError(s, 'no such file');
  }
  await ensureHeaders();
  mkdirSync(dirname(output), { recursive: true });
  const r = spawnSync(CC, cellCompilerArgs(output, rest), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    io.err(missing
      ? `cellvisor: cc: ${CC} is not installed; run scripts/setup (Debian packages gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf)`
      : `cellvisor: cc: ${r.error.message}`);
    return EXIT_USAGE;
  }
  return r.status ?? EXIT_USAGE;
}
