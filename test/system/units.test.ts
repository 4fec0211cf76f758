import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSize, formatTime, parseSize, parseTime } from '../../src/system/units.js';

describe('sizes and times', () => {
  it('parses sizes in bytes, B, KiB, MiB and GiB', () => {
    assert.equal(parseSize(4096), 4096);
    assert.equal(parseSize('4KiB'), 4096);
    assert.equal(parseSize('4 KiB'), 4096);
    assert.equal(parseSize('2MiB'), 2 * 2 ** 20);
    assert.equal(parseSize('1GiB'), 2 ** 30);
    assert.equal(parseSize('12B'), 12);
    for (const bad of ['4K', '4kib', '4 MB', '1.5KiB', '-4096', 'KiB', '', true, -1, 1.5]) {
      assert.equal(parseSize(bad), undefined, String(bad));
    }
  });

  it('parses times exactly, to whole nanoseconds', () => {
    assert.equal(parseTime('1ms'), 1_000_000);
    assert.equal(parseTime('250us'), 250_000);
    assert.equal(parseTime('250µs'), 250_000);
    assert.equal(parseTime('2s'), 2_000_000_000);
    assert.equal(parseTime('1500ns'), 1500);
    assert.equal(parseTime('0.1ms'), 100_000);
    assert.equal(parseTime('993.4us'), 993_400);
    assert.equal(parseTime('1.000000001s'), 1_000_000_001);
    assert.equal(parseTime('10 ms'), 10_000_000);
    for (const bad of ['1.5ns', '0.0001us', '1', 1000, '1 hour', 'ms', '1e3us', '-1ms']) {
      assert.equal(parseTime(bad), undefined, String(bad));
    }
  });

  it('formats sizes and times for messages', () => {
    assert.equal(formatSize(4096), '4 KiB');
    assert.equal(formatSize(3 * 2 ** 20), '3 MiB');
    assert.equal(formatSize(5000), '5000 B');
    assert.equal(formatTime(6_600), '6.6 µs');
    assert.equal(formatTime(20_500_000), '20.5 ms');
    assert.equal(formatTime(2_000_000_000), '2 s');
    assert.equal(formatTime(250), '250 ns');
  });
});
