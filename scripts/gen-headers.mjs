#!/usr/bin/env node
// Writes build/include/cellvisor/NAME.h from src/hart/spec/NAME.ts, so that the C and
// assembly guests and tests use the very constants the hart is built from
// (src/hart/spec/README.md). Each header is rewritten when its module or this script
// is newer. Plain Node, no npm dependencies: scripts/prepare.js runs it before
// `npm ci`, so it reads the modules' `export const NAME = VALUE;` lines itself
// instead of importing TypeScript.
//
//   node scripts/gen-headers.mjs [--out DIR] [--force]     (default DIR: build/include)

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SPEC_DIR = join(ROOT, 'src/hart/spec');
// The kernel's ABI for native cells (<cellvisor/abi.h>), in the same form.
export const KERNEL_ABI_DIR = join(ROOT, 'src/kernel/abi');
export const DEFAULT_OUT = join(ROOT, 'build/include');
const SELF = fileURLToPath(import.meta.url);

export class SpecError extends Error {}

const CONST_LINE = /^export const ([A-Z][A-Z0-9_]*) = ([^;]+);\s*(?:\/\/\s*(.*))?$/;
const TOKEN = /\s*(0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*|[A-Z][A-Z0-9_]*|<<|\||\(|\))/y;

/**
 * The value of a constant expression, computed twice: exactly (BigInt) and as a
 * TypeScript number (`<<` and `|` on 32-bit integers, literals rounded to doubles).
 * AssemblyScript computes an i32 expression the way JavaScript does, and types a
 * literal of 2^31 or more as i64, so where the two agree all three languages agree.
 */
function evaluate(expr, known, where) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(expr);
    if (!m) throw new SpecError(`${where}: cannot read \`${expr.slice(at).trim()}\` in \`${expr}\``);
    tokens.push(m[1]);
    if (TOKEN.lastIndex === expr.length || /^\s*$/.test(expr.slice(TOKEN.lastIndex))) break;
  }
  let i = 0;
  const fail = (what) => {
    throw new SpecError(`${where}: ${what} in \`${expr}\`; a value is integer literals and earlier names ` +
      'joined by `<<`, `|` and parentheses');
  };
  const primary = () => {
    const t = tokens[i++];
    if (t === undefined) fail('the expression ends early');
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') fail('a `)` is missing');
      return v;
    }
    if (/^[0-9]/.test(t)) {
      const text = t.replaceAll('_', '');
      return { exact: BigInt(text), number: Number(text), literal: t };
    }
    if (/^[A-Z]/.test(t)) {
      const v = known.get(t);
      if (v === undefined) fail(`\`${t}\` is not defined above it in this file`);
      return { exact: v.exact, number: v.number };
    }
    return fail(`\`${t}\` is out of place`);
  };
  const shift = () => {
    let v = primary();
    while (tokens[i] === '<<') {
      i++;
      const r = primary();
      v = { exact: BigInt.asUintN(64, v.exact << r.exact), number: v.number << r.number };
    }
    return v;
  };
  const or = () => {
    let v = shift();
    while (tokens[i] === '|') {
      i++;
      const r = shift();
      v = { exact: v.exact | r.exact, number: v.number | r.number };
    }
    return v;
  };
  const value = or();
  if (i !== tokens.length) fail(`\`${tokens[i]}\` is out of place`);
  if (value.exact >= 1n << 64n) fail('the value does not fit in 64 bits');
  if (!Number.isInteger(value.number) || BigInt(value.number) !== value.exact) {
    const hex = `0x${value.exact.toString(16)}`;
    throw new SpecError(`${where}: \`${expr}\` is ${hex}, but TypeScript computes ${value.number}: ` +
      'write a value of 2^31 or more as a hexadecimal literal, and only one a double holds exactly ' +
      '(at most 53 significant bits)');
  }
  return { exact: value.exact, number: value.number, literal: tokens.length === 1 ? value.literal : undefined };
}

/** The lines of a spec module: comments, blank lines and constants (throws SpecError). */
export function parseSpec(file, text) {
  const items = [];
  const known = new Map();
  const name = relative(ROOT, file);
  text.split('\n').forEach((raw, n) => {
    const line = raw.trim();
    const where = `${name}:${n + 1}`;
    if (line === '') items.push({ kind: 'blank' });
    else if (line.startsWith('//')) items.push({ kind: 'comment', text: line.slice(2).trim() });
    else {
      const m = CONST_LINE.exec(line);
      if (!m) {
        throw new SpecError(`${where}: \`${line}\` is not a line the header generator reads; a spec module ` +
          'holds only `export const NAME = VALUE;` lines (no types, no imports), comments and blank lines');
      }
      const [, id, expr, comment] = m;
      if (known.has(id)) throw new SpecError(`${where}: ${id} is defined twice`);
      const value = evaluate(expr.trim(), known, where);
      known.set(id, value);
      items.push({ kind: 'const', name: id, expr: expr.trim(), value, comment });
    }
  });
  return items;
}

const U64_MACRO = `/* C gives 64-bit values an unsigned long long suffix; the assembler takes none. */
#ifndef CELLVISOR_U64
#ifdef __ASSEMBLER__
#define CELLVISOR_U64(x) x
#else
#define CELLVISOR_U64(x) x##ULL
#endif
#endif`;

function cComment(text) {
  return text.replaceAll('*/', '* /');
}

function cValue({ exact, literal }) {
  const text = literal !== undefined && /^[0-9]/.test(literal) && !literal.startsWith('0x')
    ? exact.toString(10)
    : `0x${exact.toString(16)}`;
  return exact >= 1n << 31n ? `CELLVISOR_U64(${text})` : text;
}

/** The C header for one spec module: #defines usable from C and from .S files. */
export function renderHeader(file, items) {
  const module = basename(file, '.ts');
  const guard = `CELLVISOR_${module.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_H`;
  const out = [
    `/* Generated by scripts/gen-headers.mjs from ${relative(ROOT, file)}: edit that file, not this one. */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    U64_MACRO,
    '',
  ];
  let comment = [];
  const flush = () => {
    if (comment.length === 0) return;
    out.push(comment.length === 1 ? `/* ${comment[0]} */` : ['/*', ...comment.map((c) => ` * ${c}`), ' */'].join('\n').replace(/ +$/gm, ''));
    comment = [];
  };
  let blank = true;
  for (const item of items) {
    if (item.kind === 'comment') {
      comment.push(cComment(item.text));
      continue;
    }
    flush();
    if (item.kind === 'blank') {
      if (!blank) out.push('');
      blank = true;
      continue;
    }
    blank = false;
    const notes = [item.value.literal === undefined ? item.expr : undefined, item.comment].filter(Boolean);
    const note = notes.length > 0 ? ` /* ${cComment(notes.join(': '))} */` : '';
    out.push(`#define ${item.name} ${cValue(item.value)}${note}`);
  }
  flush();
  if (!blank) out.push('');
  out.push(`#endif /* ${guard} */`, '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** The spec modules: src/hart/spec/*.ts and src/kernel/abi/*.ts. */
export function specModules() {
  return [SPEC_DIR, KERNEL_ABI_DIR].flatMap((dir) =>
    readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().map((f) => join(dir, f)));
}

/** Where the header of a spec module goes under an include directory. */
export function headerPath(file, out = DEFAULT_OUT) {
  return join(out, 'cellvisor', `${basename(file, '.ts')}.h`);
}

/**
 * Writes each header whose module (or this script) is newer than it, or all with
 * `force`. Returns the headers written. Throws SpecError on a line it cannot read.
 */
export function generateHeaders({ out = DEFAULT_OUT, force = false } = {}) {
  const written = [];
  const self = mtime(SELF);
  for (const file of specModules()) {
    const header = headerPath(file, out);
    if (!force && existsSync(header) && mtime(header) >= Math.max(mtime(file), self)) continue;
    const text = renderHeader(file, parseSpec(file, readFileSync(file, 'utf8')));
    mkdirSync(dirname(header), { recursive: true });
    // Through a temporary file, so that a parallel make never reads half a header.
    const tmp = `${header}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, header);
    written.push(header);
  }
  return written;
}

function main(argv) {
  let out = DEFAULT_OUT;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i]);
    else if (argv[i] === '--force') force = true;
    else {
      console.error(`gen-headers: unknown argument \`${argv[i]}\`; usage: node scripts/gen-headers.mjs [--out DIR] [--force]`);
      return 2;
    }
  }
  try {
    for (const h of generateHeaders({ out, force })) console.log(`gen-headers: wrote ${relative(process.cwd(), h)}`);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    console.error(`gen-headers: error: ${e.message}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
