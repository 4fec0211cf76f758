import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Clint, type ClintTarget } from '../../../src/machine/devices/clint.js';

function fakeHart(): ClintTarget & { lines: Map<number, boolean> } {
  const lines = new Map<number, boolean>();
  return { mtime: 0n, mtimecmp: ~0n & 0xffff_ffff_ffff_ffffn, lines, setIrqLine: (bit, level) => void lines.set(bit, level) };
}

describe('CLINT', () => {
  it('reads and writes mtime whole and by 32-bit halves', () => {
    const hart = fakeHart();
    const clint = new Clint(hart);
    hart.mtime = 0x1122_3344_5566_7788n;
    assert.equal(clint.read(0xbff8, 8), 0x1122_3344_5566_7788n);
    assert.equal(clint.read(0xbff8, 4), 0x5566_7788n);
    assert.equal(clint.read(0xbffc, 4), 0x1122_3344n);
    assert.equal(clint.write(0xbffc, 4, 0xaabb_ccddn), true);
    assert.equal(hart.mtime, 0xaabb_ccdd_5566_7788n);
    assert.equal(clint.write(0xbff8, 8, 42n), true);
    assert.equal(hart.mtime, 42n);
  });

  it('forwards mtimecmp of hart 0 to the hart and ignores other harts', () => {
    const hart = fakeHart();
    const clint = new Clint(hart);
    assert.equal(clint.write(0x4000, 4, 0x1000n), true);
    assert.equal(hart.mtimecmp, 0xffff_ffff_0000_1000n);
    clint.write(0x4004, 4, 0n);
    assert.equal(hart.mtimecmp, 0x1000n);
    assert.equal(clint.read(0x4000, 8), 0x1000n);
    assert.equal(clint.write(0x4008, 8, 5n), true, 'hart 1 mtimecmp: ignored');
    assert.equal(clint.read(0x4008, 8), 0n);
    assert.equal(hart.mtimecmp, 0x1000n);
  });

  it('drives MSIP (mip bit 3) from msip bit 0 only', () => {
    const hart = fakeHart();
    const clint = new Clint(hart);
    assert.equal(clint.write(0x0, 4, 0xffn), true);
    assert.equal(hart.lines.get(3), true);
    assert.equal(clint.read(0x0, 4), 1n);
    clint.write(0x0, 4, 2n);
    assert.equal(hart.lines.get(3), false);
    assert.equal(clint.read(0x0, 4), 0n);
    assert.equal(clint.read(0x4, 4), 0n, 'hart 1 msip reads zero');
  });

  it('faults on byte, halfword, misaligned and 8-byte msip accesses', () => {
    const clint = new Clint(fakeHart());
    assert.equal(clint.read(0xbff8, 1), undefined);
    assert.equal(clint.read(0xbff8, 2), undefined);
    assert.equal(clint.read(0xbffa, 4), undefined);
    assert.equal(clint.read(0x4004, 8), undefined);
    assert.equal(clint.write(0x0, 8, 1n), false);
    assert.equal(clint.write(0x0, 1, 1n), false);
  });
});
