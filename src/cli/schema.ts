// `cellvisor schema`: print the JSON Schema of system descriptions, for editors
// (`# yaml-language-server: $schema=system.schema.json`) and other tools.

import { schemaText } from '../system/schema.js';
import { parseArgs, UsageError } from './args.js';
import { EXIT_OK } from './exit-codes.js';
import type { CliIo } from './node-host.js';

export const SCHEMA_HELP = `Usage: cellvisor schema

Print the JSON Schema (draft 2020-12) of system descriptions on stdout; the repository
holds the same text as schema/system.schema.json. To have an editor check a description
as you type (VS Code's YAML extension, any yaml-language-server), save it and start the
description with
  # yaml-language-server: $schema=PATH/TO/system.schema.json

Options:
  -h, --help      show this help
`;

const OPTIONS = [{ long: 'help', short: 'h', takesValue: false }] as const;

export async function schemaCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, OPTIONS, 'schema');
  if (options.has('help')) {
    io.out(SCHEMA_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError('schema', `takes no arguments, got '${positionals[0]}'`);
  io.out(schemaText());
  return EXIT_OK;
}
