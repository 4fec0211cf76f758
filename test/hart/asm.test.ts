// The assembly tests of test/asm/, differentially against QEMU: each test's
// signature on cellvisor must equal its golden file, which QEMU produced
// (npm run test:golden). When QEMU is installed it must still agree with the
// golden file too, so a stale or hand-edited golden file cannot hide a bug.
//
//   node --import tsx --test test/hart/asm.test.ts
//   ASM_TESTS=rv64i_alu,traps node --import tsx --test test/hart/asm.test.ts

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import {
  GCC, QEMU, buildTest, cellvisorMissing, describeMismatch, elfPath, listTests, onPath, readGolden,
  runCellvisor, runQemu,
} from '../asm/harness.js';

/**
 * Tests that need a hart feature cellvisor does not have yet. Only for a missing
 * feature; a wrong result is a failure, not a todo.
 */
const TODO: Readonly<Record<string, string>> = {};

const only = process.env.ASM_TESTS?.split(',').filter(Boolean);
const names = listTests().filter((n) => !only || only.includes(n));
const haveGcc = onPath(GCC);
const haveQemu = onPath(QEMU);
const cellvisorWhyNot = cellvisorMissing();

describe('assembly tests (test/asm)', { concurrency: Math.min(4, availableParallelism()) }, () => {
  for (const name of names) {
    const stored = readGolden(name);
    const golden = stored ?? '';
    const canBuild = haveGcc || existsSync(elfPath(name));
    const skip = stored === undefined ? `no golden file: run npm run test:golden -- ${name}`
      : !canBuild ? `${GCC} is not installed` : false;

    describe(name, () => {
      test('QEMU agrees with the golden file', { skip: skip || (!haveQemu && `${QEMU} is not installed`) }, async () => {
        const r = await runQemu(buildTest(name));
        assert.ok(r.code === 0 && r.signature === golden, describeMismatch('QEMU', name, golden, r));
      });

      test('cellvisor matches the golden file', { skip: skip || cellvisorWhyNot || false, todo: TODO[name] }, async () => {
        const r = await runCellvisor(buildTest(name));
        assert.ok(r.code === 0 && r.signature === golden, describeMismatch('cellvisor', name, golden, r));
      });
    });
  }
});
