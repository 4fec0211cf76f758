// Every test in both modes of the hart (issue 15, docs/hart.md "JIT"). `npm test` runs the
// suite with the JIT on, the default; this file runs every other test file again with
// CELLVISOR_JIT=off (the interpreter alone), each in a node test process of its own, and
// the assembly suite once more with the JIT at heat 2, so that nearly every page of its
// code runs compiled and must still give QEMU's signatures. It lives inside the suite so
// that one `node --test` run prints one pass/fail count for both modes.
//
//   node --import tsx --test test/hart/modes.test.ts
//   MODES_TESTS=test/kernel/ipc.test.ts node --import tsx --test test/hart/modes.test.ts

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts') && path !== SELF) out.push(path);
  }
  return out;
}

interface Outcome { readonly code: number | null; readonly output: string }

function runTests(file: string, env: Record<string, string>): Promise<Outcome> {
  // Without NODE_TEST_CONTEXT, which node sets for the files its runner starts: with it,
  // the child would take itself for a test file and run nothing.
  const inherited = { ...process.env };
  delete inherited.NODE_TEST_CONTEXT;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], {
      cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The failing tests and the run's counts, for the assertion message. */
function summary(output: string): string {
  const lines = output.split('\n');
  const failed = lines.findIndex((l) => l.startsWith('✖ failing tests'));
  const tail = failed >= 0 ? lines.slice(failed, failed + 60) : lines.slice(-60);
  return tail.join('\n');
}

const only = process.env.MODES_TESTS?.split(',').filter(Boolean);
const files = only ?? testFiles('test');
// Already the interpreter (the whole suite was started with the JIT off), or inside one
// of this file's own runs: nothing to do twice.
const interpreterOnly = process.env.CELLVISOR_JIT === 'off' ? 'the suite itself runs with CELLVISOR_JIT=off' : false;

describe('every test file again with the JIT off (the interpreter alone)', { skip: interpreterOnly }, () => {
  for (const file of files) {
    test(file, async () => {
      const r = await runTests(file, { CELLVISOR_JIT: 'off' });
      assert.equal(r.code, 0, `${file} with CELLVISOR_JIT=off exited with ${r.code}:\n${summary(r.output)}`);
      assert.match(r.output, /ℹ tests [1-9]/, `${file} with CELLVISOR_JIT=off ran no test:\n${summary(r.output)}`);
    });
  }
});

describe('the assembly suite with the JIT at heat 2 (nearly all code compiled)', { skip: interpreterOnly }, () => {
  test('test/hart/asm.test.ts', async () => {
    const r = await runTests('test/hart/asm.test.ts', { CELLVISOR_JIT: 'on', CELLVISOR_JIT_HEAT: '2' });
    assert.equal(r.code, 0, `the assembly suite at heat 2 exited with ${r.code}:\n${summary(r.output)}`);
    assert.match(r.output, /ℹ pass [1-9]/, `the assembly suite ran no test:\n${summary(r.output)}`);
  });
});
