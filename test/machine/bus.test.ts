import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bus } from '../../src/machine/bus.js';
import type { AccessSize, Device } from '../../src/machine/device.js';

/** Records accesses and answers reads with the offset. */
class Probe implements Device {
  readonly log: string[] = [];
  read(offset: number, size: AccessSize): bigint {
    this.log.push(`r ${offset} ${size}`);
    return BigInt(offset);
  }
  write(offset: number, size: AccessSize, value: bigint): boolean {
    this.log.push(`w ${offset} ${size} ${value}`);
    return true;
  }
}

describe('Bus', () => {
  it('routes accesses to the device with offsets relative to its base', () => {
    const bus = new Bus();
    const a = new Probe();
    const b = new Probe();
    bus.map('a', 0x1000, 0x100, a);
    bus.map('b', 0x2000, 0x10, b);
    assert.equal(bus.mmioRead(0x1010, 4), 0x10n);
    assert.equal(bus.mmioWrite(0x2008, 8, 7n), true);
    assert.deepEqual(a.log, ['r 16 4']);
    assert.deepEqual(b.log, ['w 8 8 7']);
  });

  it('faults on unmapped addresses and on accesses straddling a region end', () => {
    const bus = new Bus();
    const a = new Probe();
    bus.map('a', 0x1000, 0x10, a);
    assert.equal(bus.mmioRead(0x0, 4), undefined);
    assert.equal(bus.mmioRead(0x1010, 1), undefined);
    assert.equal(bus.mmioRead(0x100c, 8), undefined);
    assert.equal(bus.mmioWrite(0x3000, 4, 1n), false);
    assert.deepEqual(a.log, []);
  });

  it('passes a device fault through', () => {
    const bus = new Bus();
    bus.map('picky', 0x1000, 0x10, { read: () => undefined, write: () => false });
    assert.equal(bus.mmioRead(0x1000, 4), undefined);
    assert.equal(bus.mmioWrite(0x1000, 4, 0n), false);
  });

  it('refuses overlapping regions, naming both', () => {
    const bus = new Bus();
    bus.map('clint', 0x200_0000, 0x1_0000, new Probe());
    assert.throws(() => bus.map('other', 0x200_ff00, 0x200, new Probe()), /other at 0x200ff00 overlaps clint at 0x2000000/);
    bus.map('next', 0x201_0000, 0x10, new Probe());
    assert.deepEqual(bus.regions.map((r) => r.name), ['clint', 'next']);
  });
});
