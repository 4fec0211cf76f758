import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoldfishRtc } from '../../../src/machine/devices/goldfish-rtc.js';

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c, IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;

/** 2024-01-01T00:00:00Z */
const EPOCH = 1_704_067_200_000_000_000n;

function setup() {
  const clock = { ns: EPOCH, nowNs() { return this.ns; } };
  const irq = { level: false, set(level: boolean) { this.level = level; } };
  const rtc = new GoldfishRtc(clock, irq);
  const w = (off: number, v: bigint) => assert.equal(rtc.write(off, 4, v), true);
  const r = (off: number) => rtc.read(off, 4)!;
  const readTime = () => { const low = r(TIME_LOW); return (r(TIME_HIGH) << 32n) | low; };
  return { clock, irq, rtc, w, r, readTime };
}

describe('Goldfish RTC', () => {
  it('reads the clock as TIME_LOW then the latched TIME_HIGH', () => {
    const { clock, r, readTime } = setup();
    assert.equal(readTime(), EPOCH);
    const low = r(TIME_LOW);
    clock.ns += 1n << 32n; // the high half moves on between the two reads
    assert.equal((r(TIME_HIGH) << 32n) | low, EPOCH, 'high half latched by the TIME_LOW read');
  });

  it('lets the guest set the time (TIME_HIGH then TIME_LOW) as an offset to the clock', () => {
    const { clock, w, readTime } = setup();
    const wanted = 0x0000_0012_3456_7890n;
    w(TIME_HIGH, wanted >> 32n);
    w(TIME_LOW, wanted & 0xffff_ffffn);
    assert.equal(readTime(), wanted);
    clock.ns += 1000n;
    assert.equal(readTime(), wanted + 1000n);
  });

  it('fires the alarm when the clock reaches it, gated by IRQ_ENABLED', () => {
    const { clock, irq, rtc, w, r } = setup();
    const at = EPOCH + 5_000n;
    w(ALARM_HIGH, at >> 32n);
    w(ALARM_LOW, at & 0xffff_ffffn);
    w(IRQ_ENABLED, 1n);
    assert.equal(r(ALARM_STATUS), 1n);
    assert.equal((r(ALARM_HIGH) << 32n) | r(ALARM_LOW), at);
    assert.equal(rtc.alarmDeadlineNs, at);
    clock.ns = at - 1n;
    rtc.poll();
    assert.equal(irq.level, false);
    clock.ns = at;
    rtc.poll();
    assert.equal(irq.level, true);
    assert.equal(r(ALARM_STATUS), 0n, 'a fired alarm is disarmed');
    assert.equal(rtc.alarmDeadlineNs, undefined);
    w(IRQ_ENABLED, 0n);
    assert.equal(irq.level, false, 'masked');
    w(IRQ_ENABLED, 1n);
    assert.equal(irq.level, true);
    w(CLEAR_INTERRUPT, 1n);
    assert.equal(irq.level, false);
  });

  it('fires at once for an alarm in the past and not at all after CLEAR_ALARM', () => {
    const { clock, irq, rtc, w, r } = setup();
    w(IRQ_ENABLED, 1n);
    w(ALARM_HIGH, (EPOCH - 1n) >> 32n);
    w(ALARM_LOW, (EPOCH - 1n) & 0xffff_ffffn);
    assert.equal(irq.level, true);
    w(CLEAR_INTERRUPT, 1n);
    w(ALARM_HIGH, (EPOCH + 10n) >> 32n);
    w(ALARM_LOW, (EPOCH + 10n) & 0xffff_ffffn);
    w(CLEAR_ALARM, 1n);
    assert.equal(r(ALARM_STATUS), 0n);
    clock.ns += 100n;
    rtc.poll();
    assert.equal(irq.level, false);
  });

  it('takes 32-bit accesses only and ignores unknown registers', () => {
    const { rtc } = setup();
    assert.equal(rtc.read(TIME_LOW, 8), undefined);
    assert.equal(rtc.write(TIME_LOW, 1, 0n), false);
    assert.equal(rtc.read(0x2, 4), undefined);
    assert.equal(rtc.read(0x100, 4), 0n);
    assert.equal(rtc.write(0xffc, 4, 0xffff_ffffn), true);
  });
});
