// Checks a located YAML tree against the JSON Schema in schema.ts, for the subset of
// keywords that schema uses, and says what is wrong in the description's own words:
// "unknown key 'priorty' in a cell (did you mean 'priority'?); accepted keys: ...".

import type { LocatedError } from './description.js';
import { describeAccepted, resolveRef, type JsonSchema } from './schema.js';
import type { TreeNode } from './yaml-tree.js';

export interface Validation {
  readonly errors: LocatedError[];
  /** Nodes that failed (values, or maps with a missing or unknown key): later checks skip them. */
  readonly invalid: Set<TreeNode>;
}

const ROOT_LABEL = 'the description';

export function validateTree(root: TreeNode, schema: JsonSchema): Validation {
  const result: Validation = { errors: [], invalid: new Set() };
  check(root, schema, ROOT_LABEL, result);
  return result;
}

/** Whether `node` satisfies `schema`, without reporting (for anyOf branches). */
function matches(node: TreeNode, schema: JsonSchema): boolean {
  const probe: Validation = { errors: [], invalid: new Set() };
  check(node, schema, '', probe);
  return probe.errors.length === 0;
}

function check(node: TreeNode, schemaIn: JsonSchema, label: string, out: Validation): void {
  const schema = resolveRef(schemaIn);
  const fail = (message: string): void => {
    out.errors.push({ pos: node.pos, message });
    out.invalid.add(node);
  };
  const wrongValue = (): void => fail(`${label} is ${show(node)}; accepted: ${describeAccepted(schemaIn)}`);

  if (schema.anyOf) {
    if (!schema.anyOf.some((s) => matches(node, s))) wrongValue();
    return;
  }
  if (schema.enum) {
    if (node.kind !== 'scalar' || typeof node.value !== 'string' || !schema.enum.includes(node.value)) wrongValue();
    return;
  }
  switch (schema.type) {
    case 'object': {
      if (node.kind !== 'map') return wrongValue();
      const properties = schema.properties ?? {};
      const article = /^[aeiou]/.test(schema.title ?? '') ? 'an' : 'a';
      const where = label === ROOT_LABEL || !schema.title ? 'the description' : `${article} ${schema.title}`;
      for (const e of node.entries) {
        // Own keys only: `constructor` or `__proto__` must not find Object.prototype's.
        const sub = Object.hasOwn(properties, e.key) ? properties[e.key] : undefined;
        if (sub) {
          check(e.value, sub, `'${e.key}'`, out);
          continue;
        }
        const accepted = Object.keys(properties);
        const near = suggest(e.key, accepted);
        out.errors.push({
          pos: e.keyPos,
          message: `unknown key '${e.key}' in ${where}${near ? ` (did you mean '${near}'?)` : ''}; accepted keys: ${accepted.join(', ')}`,
        });
        out.invalid.add(node);
      }
      const present = new Set(node.entries.map((e) => e.key));
      for (const key of schema.required ?? []) {
        if (present.has(key)) continue;
        out.errors.push({
          pos: node.pos,
          message: `${where} has no '${key}'; add ${key}: ${describeAccepted(properties[key])}`,
        });
        out.invalid.add(node);
      }
      for (const [key, needs] of Object.entries(schema.dependentRequired ?? {})) {
        const e = node.entries.find((x) => x.key === key);
        if (!e) continue;
        for (const other of needs.filter((n) => !present.has(n))) {
          out.errors.push({
            pos: e.keyPos,
            message: `'${key}' without '${other}'; they come together: add ${other}: ${describeAccepted(properties[other])}`,
          });
          out.invalid.add(node);
        }
      }
      return;
    }
    case 'array':
      if (node.kind !== 'seq') return wrongValue();
      for (const item of node.items) check(item, schema.items ?? {}, `an item of ${label}`, out);
      return;
    case 'integer': {
      if (node.kind !== 'scalar') return wrongValue();
      const v = node.value;
      if (typeof v !== 'number' || !Number.isInteger(v)) return wrongValue();
      if ((schema.minimum !== undefined && v < schema.minimum) || (schema.maximum !== undefined && v > schema.maximum)) {
        return wrongValue();
      }
      return;
    }
    case 'boolean':
      if (node.kind !== 'scalar' || typeof node.value !== 'boolean') wrongValue();
      return;
    case 'string':
      if (node.kind !== 'scalar' || typeof node.value !== 'string') return wrongValue();
      if (schema.pattern && !new RegExp(schema.pattern, 'u').test(node.value)) wrongValue();
      return;
    default:
      return;
  }
}

/** How a value reads in a message: `300`, `'high'`, `a list`, `empty`. */
function show(node: TreeNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'empty';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v} (too large)`;
  return String(v);
}

/** The key most likely meant: one the typed key begins, else the nearest within 1 or 2 edits. */
function suggest(typed: string, keys: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  if (t.length >= 3) {
    const prefixed = keys.find((k) => k.startsWith(t));
    if (prefixed) return prefixed;
  }
  const scored = keys.map((k) => ({ k, d: distance(t, k) })).filter(({ k, d }) => d <= (k.length > 5 ? 2 : 1));
  scored.sort((x, y) => x.d - y.d);
  return scored[0]?.k;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
