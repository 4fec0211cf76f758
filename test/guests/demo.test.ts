// The demo guest (guests/demo/, built into build/demo/ by scripts/prepare.js) on cellvisor
// against QEMU, the reference: the same console bytes and exit code 0 on both. It covers
// picolibc's start-up, printf with integers, strings and doubles, libm, and, in the Sv39
// build, S-mode under page tables.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { QEMU, ROOT, cellvisorMissing, onPath, runCellvisor, runQemu, signatureDiff } from '../asm/harness.js';

const ELVES = ['build/demo/demo.elf', 'build/demo/demo-sv39.elf'];
const LAST_LINE = 'done: exiting with code 0\n';
// The demo retires about 100 million instructions (Mandelbrot, printf of doubles).
const MAX_INSNS = 1_000_000_000n;

describe('demo guest (guests/demo)', () => {
  const haveQemu = onPath(QEMU);
  for (const rel of ELVES) {
    const elf = join(ROOT, rel);
    const skip = !existsSync(elf) ? `${rel} is not built (node scripts/prepare.js)`
      : !haveQemu ? `${QEMU} is not installed`
      : cellvisorMissing() ?? false;

    test(`${rel}: cellvisor prints what QEMU prints`, { skip }, async () => {
      const [qemu, cellvisor] = await Promise.all([runQemu(elf), runCellvisor(elf, MAX_INSNS)]);
      assert.ok(qemu.code === 0 && qemu.signature.endsWith(LAST_LINE),
        `QEMU did not run the demo to its end (exit code ${qemu.code}): ${qemu.stderr}`);
      assert.equal(cellvisor.code, 0, `cellvisor: exit code ${cellvisor.code}: ${cellvisor.stderr}`);
      assert.ok(cellvisor.signature === qemu.signature,
        `cellvisor's output differs from QEMU's:\n  ${signatureDiff(qemu.signature, cellvisor.signature).join('\n  ')}`);
    });
  }
});
