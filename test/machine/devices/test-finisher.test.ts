import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PowerControl } from '../../../src/machine/device.js';
import { TestFinisher } from '../../../src/machine/devices/test-finisher.js';

function recorder(): PowerControl & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    exit: (code, source) => void events.push(`exit ${code} ${source}`),
    reset: (source) => void events.push(`reset ${source}`),
    fault: (message) => void events.push(`fault ${message}`),
  };
}

describe('SiFive test finisher', () => {
  it('passes on 0x5555, fails with code << 16 | 0x3333, resets on 0x7777', () => {
    const power = recorder();
    const finisher = new TestFinisher(power);
    finisher.write(0, 4, 0x5555n);
    finisher.write(0, 4, (7n << 16n) | 0x3333n);
    finisher.write(0, 4, 0x7777n);
    assert.deepEqual(power.events, ['exit 0 test finisher', 'exit 7 test finisher', 'reset test finisher']);
  });

  it('turns FAIL with code 0 into code 1, so a failure never looks like a pass', () => {
    const power = recorder();
    new TestFinisher(power).write(0, 4, 0x3333n);
    assert.deepEqual(power.events, ['exit 1 test finisher']);
  });

  it('ignores other values and offsets, reads zero', () => {
    const power = recorder();
    const finisher = new TestFinisher(power);
    assert.equal(finisher.write(0, 4, 0x1234n), true);
    assert.equal(finisher.write(4, 4, 0x5555n), true);
    assert.equal(finisher.read(0, 4), 0n);
    assert.deepEqual(power.events, []);
  });

  it('accepts 2- and 4-byte accesses only, as QEMU', () => {
    const power = recorder();
    const finisher = new TestFinisher(power);
    assert.equal(finisher.write(0, 8, 0x5555n), false);
    assert.equal(finisher.write(0, 1, 0x55n), false);
    assert.equal(finisher.read(0, 8), undefined);
    assert.equal(finisher.write(0, 2, 0x5555n), true);
    assert.deepEqual(power.events, ['exit 0 test finisher']);
  });
});
