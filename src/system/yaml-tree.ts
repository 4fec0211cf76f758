// YAML text to a small tree of values that remember where they were written (eemeli/yaml
// with a LineCounter), so every later check can say FILE:LINE:COLUMN. YAML 1.2 core
// schema: `0x4000000` is an integer, `yes` a string; aliases are followed.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { LocatedError, SourcePos } from './description.js';

export interface TreeMap {
  readonly kind: 'map';
  readonly entries: readonly TreeEntry[];
  readonly pos: SourcePos;
}

export interface TreeEntry {
  readonly key: string;
  readonly keyPos: SourcePos;
  readonly value: TreeNode;
}

export interface TreeSeq {
  readonly kind: 'seq';
  readonly items: readonly TreeNode[];
  readonly pos: SourcePos;
}

export interface TreeScalar {
  readonly kind: 'scalar';
  /** Integers beyond 2^53 stay bigint so they are reported rather than rounded. */
  readonly value: string | number | bigint | boolean | null;
  readonly pos: SourcePos;
}

export type TreeNode = TreeMap | TreeSeq | TreeScalar;

export type ParseResult = { ok: true; root: TreeNode } | { ok: false; errors: LocatedError[] };

const SYNTAX_HINT = '"key: value" lines indented with spaces, list items starting "- ", [ ] and { } closed (docs/system.md)';
const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'each key once in a mapping',
  TAB_AS_INDENT: 'indentation with spaces',
};

export function parseYamlTree(text: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, intAsBigInt: true, uniqueKeys: true });
  const at = (offset: number): SourcePos => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        pos: at(e.pos[0]),
        message: `invalid YAML: ${firstSentence(e.message)}; accepted: ${SYNTAX_HINTS[e.code] ?? SYNTAX_HINT}`,
      })),
    };
  }
  const errors: LocatedError[] = [];
  const budget = { nodes: MAX_NODES };
  const root = convert(doc, doc.contents, at, errors, { line: 1, column: 1 }, new Set(), budget);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, root };
}

/**
 * Aliases are expanded, so nested ones could multiply a small file into billions of
 * nodes ("billion laughs"); no real description comes near this many.
 */
const MAX_NODES = 100_000;

function convert(
  doc: Document, node: YamlNode | null, at: (offset: number) => SourcePos, errors: LocatedError[],
  fallback: SourcePos, following: Set<YamlNode>, budget: { nodes: number },
): TreeNode {
  if (node === null) return { kind: 'scalar', value: null, pos: fallback };
  const pos = node.range ? at(node.range[0]) : fallback;
  if (--budget.nodes < 0) {
    if (budget.nodes === -1) errors.push({ pos, message: `the description expands to more than ${MAX_NODES} values (through aliases?); accepted: a description written out plainly` });
    return { kind: 'scalar', value: null, pos };
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    // An alias inside its own anchor's node would recurse for ever.
    if (!target || following.has(target)) {
      errors.push({ pos, message: `alias *${node.source} cannot be followed; write the value out` });
      return { kind: 'scalar', value: null, pos };
    }
    following.add(target);
    const value = convert(doc, target, at, errors, pos, following, budget);
    following.delete(target);
    return { ...value, pos };
  }
  if (isMap(node)) {
    const entries: TreeEntry[] = [];
    for (const pair of node.items) {
      const key = pair.key;
      const keyPos = isScalar(key) && key.range ? at(key.range[0]) : pos;
      if (!isScalar(key) || typeof key.value !== 'string') {
        errors.push({ pos: keyPos, message: 'a key must be a plain name; write key: value' });
        continue;
      }
      const value = pair.value as YamlNode | null;
      // `key:` with nothing after it: a null placed just after the key.
      const valuePos = { line: keyPos.line, column: keyPos.column + key.value.length + 1 };
      entries.push({ key: key.value, keyPos, value: convert(doc, value, at, errors, valuePos, following, budget) });
    }
    return { kind: 'map', entries, pos };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) => convert(doc, item as YamlNode | null, at, errors, pos, following, budget));
    return { kind: 'seq', items, pos };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'bigint') {
      const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
      return { kind: 'scalar', value: safe ? Number(v) : v, pos };
    }
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) {
      return { kind: 'scalar', value: v, pos };
    }
  }
  errors.push({ pos, message: 'unsupported YAML value (a tag or binary); write a plain number, string or true/false' });
  return { kind: 'scalar', value: null, pos };
}

function firstSentence(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '').replace(/[.:]\s*$/, '');
}

/** The entry for `key` in a map, if present. */
export function entry(map: TreeMap, key: string): TreeEntry | undefined {
  return map.entries.find((e) => e.key === key);
}
