// The bit-manipulation guest (guests/bitops/, built into build/bitops/ by
// scripts/prepare.js): C compiled by GCC for Zba/Zbb/Zbs. bitops.elf must print the
// same bytes on cellvisor as on QEMU with those extensions; bitops-zicond.elf adds
// Zicond selects, which QEMU 7.2 lacks, so that build checks itself: without its
// "zicond" lines it prints what bitops.elf prints, and its selects agree with the
// same computation done with branches. The compiler's output is checked too, so the
// comparison cannot pass on code that never used the extensions.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { QEMU, ROOT, cellvisorMissing, onPath, runCellvisor, runQemu, signatureDiff } from '../asm/harness.js';

const ELF = join(ROOT, 'build/bitops/bitops.elf');
const ZICOND_ELF = join(ROOT, 'build/bitops/bitops-zicond.elf');
const QEMU_CPU = 'rv64,zba=true,zbb=true,zbs=true';
const LAST_LINE = 'done: exiting with code 0\n';
const MAX_INSNS = 200_000_000n;
const OBJDUMP = 'riscv64-unknown-elf-objdump';

/** Instructions GCC 12 emits for the program's C (objdump -M no-aliases names). */
const EXPECTED_MNEMONICS = [
  'cpop', 'cpopw', 'clz', 'clzw', 'ctz', 'ctzw', 'rol', 'rolw', 'ror', 'rori', 'rorw', 'rev8',
  'andn', 'orn', 'xnor', 'min', 'minu', 'max', 'maxu', 'sext.b', 'sext.h', 'zext.h',
  'sh1add', 'sh2add', 'sh3add', 'add.uw', 'bset', 'bseti', 'bclr', 'binv', 'binvi', 'bext', 'bexti',
  'orc.b', // (inline assembly)
];

/** The mnemonics (third tab-separated field) of objdump -d -M no-aliases. */
function mnemonics(elf: string): Set<string> {
  const r = spawnSync(OBJDUMP, ['-d', '-M', 'no-aliases', elf], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(r.status, 0, `${OBJDUMP} failed: ${r.stderr}`);
  return new Set(r.stdout.split('\n').map((line) => line.split('\t')[2]?.trim()).filter((m): m is string => !!m));
}

/** The 32-bit instruction words objdump shows (binutils 2.40 has no names for Zicond). */
function words(elf: string): number[] {
  const r = spawnSync(OBJDUMP, ['-d', elf], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(r.status, 0, `${OBJDUMP} failed: ${r.stderr}`);
  return [...r.stdout.matchAll(/^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s/gm)].map((m) => parseInt(m[1], 16));
}

describe('bit-manipulation guest (guests/bitops)', () => {
  const notBuilt = !existsSync(ELF) || !existsSync(ZICOND_ELF) ? 'build/bitops is not built (node scripts/prepare.js)' : false;
  const noCellvisor = cellvisorMissing() ?? false;

  test('GCC emitted Zba/Zbb/Zbs instructions, and the zicond build czero', { skip: notBuilt || (!onPath(OBJDUMP) && `${OBJDUMP} is not installed`) }, () => {
    const seen = mnemonics(ELF);
    const missing = EXPECTED_MNEMONICS.filter((m) => !seen.has(m));
    assert.deepEqual(missing, [], `not in build/bitops/bitops.elf: ${missing.join(', ')}`);
    const czero = words(ZICOND_ELF).filter((w) => (w & 0xfe00_707f) >>> 0 === 0x0e00_5033 || (w & 0xfe00_707f) >>> 0 === 0x0e00_7033);
    assert.ok(czero.some((w) => (w & 0x7000) === 0x5000) && czero.some((w) => (w & 0x7000) === 0x7000),
      'no czero.eqz/czero.nez in build/bitops/bitops-zicond.elf');
  });

  test('bitops.elf: cellvisor prints what QEMU with Zba/Zbb/Zbs prints', { skip: notBuilt || (!onPath(QEMU) && `${QEMU} is not installed`) || noCellvisor }, async () => {
    const [qemu, cellvisor] = await Promise.all([runQemu(ELF, QEMU_CPU), runCellvisor(ELF, MAX_INSNS)]);
    assert.ok(qemu.code === 0 && qemu.signature.endsWith(LAST_LINE),
      `QEMU did not run bitops.elf to its end (exit code ${qemu.code}): ${qemu.signature}${qemu.stderr}`);
    assert.equal(cellvisor.code, 0, `cellvisor: exit code ${cellvisor.code}: ${cellvisor.stderr}`);
    assert.ok(cellvisor.signature === qemu.signature,
      `cellvisor's output differs from QEMU's:\n  ${signatureDiff(qemu.signature, cellvisor.signature).join('\n  ')}`);
  });

  test('bitops-zicond.elf: the same output plus Zicond selects that agree with branches', { skip: notBuilt || noCellvisor }, async () => {
    const [plain, zicond] = await Promise.all([runCellvisor(ELF, MAX_INSNS), runCellvisor(ZICOND_ELF, MAX_INSNS)]);
    assert.equal(zicond.code, 0, `cellvisor: exit code ${zicond.code}: ${zicond.stderr}`);
    const lines = zicond.signature.split('\n');
    const own = lines.filter((l) => l.startsWith('zicond'));
    const rest = lines.filter((l) => !l.startsWith('zicond')).join('\n');
    assert.ok(rest === plain.signature,
      `without its zicond lines, bitops-zicond.elf differs from bitops.elf:\n  ${signatureDiff(plain.signature, rest).join('\n  ')}`);
    assert.ok(own.includes('zicond: 0 results differ from the same with branches') && own.length === 2,
      `the Zicond part failed its own check:\n  ${own.join('\n  ')}`);
  });
});
