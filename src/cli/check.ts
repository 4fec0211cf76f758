// `cellvisor check SYSTEM.yaml`: check a system description (schema, semantic rules and
// the admission test) and print the admission table, then OK or every error found.

import { readFileSync } from 'node:fs';
import { formatAdmission } from '../system/admission.js';
import { formatError } from '../system/description.js';
import { loadSystem, type SystemHost } from '../system/load.js';
import { kernelImage, unsupportedByKernel } from '../system/image.js';
import type { KernelImage } from '../kernel/image.js';
import { parseArgs, UsageError } from './args.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { fileProblem, type CliIo } from './node-host.js';

export const CHECK_HELP = `Usage: cellvisor check SYSTEM.yaml

Check a system description: its YAML, its keys against the schema ('cellvisor schema'),
names, ids, mappings, devices, interrupts, priorities, budgets, the cells' ELF files,
and the admission test (fixed-priority response-time analysis of the budgeted cells).
Prints the admission table, then 'SYSTEM.yaml: OK', or every error as
FILE:LINE:COLUMN: what is wrong; what would be accepted. See docs/system.md.

Options:
  -h, --help      show this help

Exit status:
  0    the description is valid and admissible
  2    bad command line, or the description has errors
`;

const OPTIONS = [{ long: 'help', short: 'h', takesValue: false }] as const;

/** Reads files for src/system/ (the description and its cells' ELFs). */
export const nodeSystemHost: SystemHost = {
  readFile(path: string): Uint8Array | undefined {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
};

export async function checkCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, OPTIONS, 'check');
  if (options.has('help')) {
    io.out(CHECK_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) {
    throw new UsageError('check', positionals.length === 0 ? 'missing SYSTEM.yaml' : `expected one file, got ${positionals.length}`);
  }
  const [path] = positionals;
  let text: Uint8Array;
  try {
    text = readFileSync(path);
  } catch (err) {
    throw new UsageError(path, fileProblem(err));
  }
  // The description as already read; its ELF files from disk.
  const result = loadSystem(path, { readFile: (p) => (p === path ? text : nodeSystemHost.readFile(p)) });
  if (result.admission) io.out(formatAdmission(result.admission));
  if (result.ok) {
    io.out(`${path}: OK\n`);
    return EXIT_OK;
  }
  for (const error of result.errors) io.err(formatError(path, error));
  return EXIT_USAGE;
}

/**
 * Reads and checks a description for a command that boots it (run, inspect): the
 * kernel's image, or undefined after every located error has been printed.
 */
export function loadImage(path: string, io: CliIo): KernelImage | undefined {
  try {
    readFileSync(path, { flag: 'r' });
  } catch (err) {
    throw new UsageError(path, fileProblem(err));
  }
  const loaded = loadSystem(path, nodeSystemHost);
  if (!loaded.ok) {
    for (const error of loaded.errors) io.err(formatError(path, error));
    return undefined;
  }
  const unsupported = unsupportedByKernel(loaded.system);
  if (unsupported) {
    io.err(`cellvisor: ${formatError(path, unsupported)}`);
    return undefined;
  }
  return kernelImage(loaded.system, loaded.admission);
}
