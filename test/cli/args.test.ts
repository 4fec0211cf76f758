import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRtc, UsageError } from '../../src/cli/args.js';

describe('parseRtc', () => {
  it('takes host, fixed, and UTC dates with or without a time and a Z', () => {
    assert.deepEqual(parseRtc('--rtc', 'host'), { kind: 'host' });
    assert.deepEqual(parseRtc('--rtc', 'fixed'), { kind: 'fixed' });
    const ns = (ms: number) => BigInt(ms) * 1_000_000n;
    assert.deepEqual(parseRtc('--rtc', '2024-05-01'), { kind: 'date', epochNs: ns(Date.UTC(2024, 4, 1)) });
    assert.deepEqual(parseRtc('--rtc', '2024-05-01T12:34:56'), { kind: 'date', epochNs: ns(Date.UTC(2024, 4, 1, 12, 34, 56)) });
    assert.deepEqual(parseRtc('--rtc', '2024-02-29T23:59:59Z'), { kind: 'date', epochNs: ns(Date.UTC(2024, 1, 29, 23, 59, 59)) });
    assert.deepEqual(parseRtc('--rtc', '1970-01-01'), { kind: 'date', epochNs: 0n });
  });

  it('rejects what is not a date, a date that does not exist, and dates the RTC cannot hold', () => {
    for (const text of ['now', '', '2024-5-1', '2024-05-01T12:00', '2024-05-01 12:00:00', '2023-02-29', '2024-13-01',
      '2024-05-01T12:60:00Z', '0070-01-01', '2263-01-01']) {
      assert.throws(() => parseRtc('--rtc', text), (err) => err instanceof UsageError && err.subject === '--rtc', text);
    }
  });
});
