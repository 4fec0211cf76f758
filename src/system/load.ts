// The system layer's entry point: a description file in, a checked SystemDescription
// (and its admission analysis) out, or every error found, sorted by position.

import { admit, type Admission } from './admission.js';
import { buildSystem, type SystemHost } from './build.js';
import { checkSystem } from './checks.js';
import { sortErrors, type LocatedError, type SystemDescription } from './description.js';
import { SYSTEM_SCHEMA } from './schema.js';
import { validateTree } from './validate.js';
import { parseYamlTree } from './yaml-tree.js';

export type { SystemHost } from './build.js';

export type LoadResult =
  | { readonly ok: true; readonly system: SystemDescription; readonly admission: Admission }
  /** `admission` is there when every cell could be analysed, so its table can explain a failure. */
  | { readonly ok: false; readonly errors: readonly LocatedError[]; readonly admission?: Admission };

export function loadSystem(path: string, host: SystemHost): LoadResult {
  const bytes = host.readFile(path);
  if (!bytes) {
    return { ok: false, errors: [{ pos: { line: 1, column: 1 }, message: 'cannot read the description; accepted: a readable YAML file' }] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, errors: [{ pos: { line: 1, column: 1 }, message: 'the description is not UTF-8 text; accepted: a YAML file in UTF-8' }] };
  }
  return checkText(path, text, host);
}

/** The same as loadSystem for text already in memory (`path` locates the ELF files). */
export function checkText(path: string, text: string, host: SystemHost): LoadResult {
  const parsed = parseYamlTree(text);
  if (!parsed.ok) return { ok: false, errors: sortErrors(parsed.errors) };
  const { root } = parsed;
  const validation = validateTree(root, SYSTEM_SCHEMA);
  const errors = [...validation.errors];
  if (root.kind !== 'map') return { ok: false, errors: sortErrors(errors) };

  const built = buildSystem(root, path, validation.invalid, host, errors);
  errors.push(...checkSystem(built));
  // The analysis needs every cell's priority and budget; without them its verdict would mislead.
  const admission = built.complete ? admit(built.cells, built.channels) : undefined;
  if (admission) errors.push(...admission.errors);
  if (errors.length > 0 || !admission) {
    return { ok: false, errors: sortErrors(errors), admission };
  }
  const system: SystemDescription = { file: path, regions: built.regions, cells: built.cells, channels: built.channels };
  return { ok: true, system, admission };
}
