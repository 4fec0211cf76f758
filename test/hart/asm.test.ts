// The assembly tests of test/asm/, differentially against QEMU: each test's
// signature on cellvisor must equal its golden file, which QEMU produced
// (npm run test:golden). When QEMU is installed it must still agree with the
// golden file too, so a stale or hand-edited golden file cannot hide a bug.
// A test whose header says `hand-written:` (QEMU 7.2 lacks what it tests) is
// compared with test/asm/spec-expected/NAME.txt, written from the specification.
//
//   node --import tsx --test test/hart/asm.test.ts
//   ASM_TESTS=rv64i_alu,traps node --import tsx --test test/hart/asm.test.ts

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import {
  GCC, QEMU, buildTest, cellvisorCpuMissing, cellvisorMissing, describeMismatch, elfPath, goldenPath, listTests,
  misplacedGoldens, onPath, readGolden, runCellvisor, runQemu, testHeader,
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
  test('every expected signature belongs to a test of its kind', () => {
    assert.deepEqual(misplacedGoldens(), []);
  });

  for (const name of names) {
    const header = testHeader(name);
    const stored = readGolden(name);
    const golden = stored ?? '';
    const canBuild = haveGcc || existsSync(elfPath(name));
    const skip = stored === undefined
      ? header.handWritten === undefined ? `no golden file: run npm run test:golden -- ${name}`
        : `no hand-written ${goldenPath(name)}`
      : !canBuild ? `${GCC} is not installed` : false;
    const qemuSkip = header.handWritten !== undefined ? `expected signature written from the spec: ${header.handWritten}`
      : !haveQemu && `${QEMU} is not installed`;

    describe(name, () => {
      test('QEMU agrees with the golden file', { skip: skip || qemuSkip }, async () => {
        const r = await runQemu(buildTest(name), header.qemuCpu);
        assert.ok(r.code === 0 && r.signature === golden, describeMismatch('QEMU', name, golden, r));
      });

      const cellvisorSkip = skip || cellvisorWhyNot || cellvisorCpuMissing(header.cellvisorCpu) || false;
      test('cellvisor matches the golden file', { skip: cellvisorSkip, todo: TODO[name] }, async () => {
        const r = await runCellvisor(buildTest(name), undefined, header.cellvisorCpu);
        assert.ok(r.code === 0 && r.signature === golden, describeMismatch('cellvisor', name, golden, r));
      });
    });
  }
});
