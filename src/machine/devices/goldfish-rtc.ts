// The Goldfish real-time clock ("google,goldfish-rtc", QEMU virt: 0x101000, PLIC source
// 11), as specified in Android's emulator GOLDFISH-VIRTUAL-HARDWARE.TXT and driven by
// Linux's drivers/rtc/rtc-goldfish.c: a 64-bit nanosecond clock since the Unix epoch
// read as two 32-bit halves, and one alarm.
//
//   0x00 TIME_LOW         R: low half of now, latching the high half   W: set time (low half)
//   0x04 TIME_HIGH        R: the latched high half                     W: high half for the next TIME_LOW write
//   0x08 ALARM_LOW        R: alarm low half                            W: arm the alarm at (ALARM_HIGH:value)
//   0x0c ALARM_HIGH       R/W: alarm high half
//   0x10 IRQ_ENABLED      R/W: bit 0 gates the interrupt line
//   0x14 CLEAR_ALARM      W: disarm the alarm
//   0x18 ALARM_STATUS     R: 1 while the alarm is armed
//   0x1c CLEAR_INTERRUPT  W: drop the raised interrupt
//
// The time comes from an RtcClock (virtual time on this board, so runs are
// reproducible); a guest that sets the clock moves an offset, never the host's clock.
// The alarm fires when the clock reaches it, checked on every register access and on
// `poll()`, which the machine calls as virtual time advances. The interrupt line is
// reported where QEMU's goldfish_rtc.c reports it: when the alarm fires and on writes
// to IRQ_ENABLED and CLEAR_INTERRUPT (with QEMU's PLIC each report of a high line is a
// new request).

import type { AccessSize, Device } from '../device.js';
import type { InterruptLine } from './interrupt-line.js';

export interface RtcClock {
  /** Nanoseconds since 1970-01-01T00:00:00Z. */
  nowNs(): bigint;
}

/** Bytes of the register window on QEMU virt (device tree `reg`). */
export const RTC_SIZE = 0x1000;

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14;
const ALARM_STATUS = 0x18;
const CLEAR_INTERRUPT = 0x1c;

const LOW32 = 0xffff_ffffn;
const U64 = (1n << 64n) - 1n;

export class GoldfishRtc implements Device {
  /** Guest time minus clock time, modulo 2^64. */
  #offset = 0n;
  #timeHighLatch = 0n;
  #timeHighWrite = 0n;
  #alarm = 0n;
  #alarmArmed = false;
  #irqEnabled = false;
  #irqRaised = false;

  constructor(
    private readonly clock: RtcClock,
    private readonly irq: InterruptLine,
  ) {}

  /** The time the guest sees, in nanoseconds since the epoch. */
  get nowNs(): bigint {
    return (this.clock.nowNs() + this.#offset) & U64;
  }

  /** The clock time (RtcClock.nowNs) at which the armed alarm fires, for idle skipping; undefined if none. */
  get alarmDeadlineNs(): bigint | undefined {
    return this.#alarmArmed ? (this.#alarm - this.#offset) & U64 : undefined;
  }

  /** Fires the alarm if its time has come. */
  poll(): void {
    if (this.#alarmArmed && this.nowNs >= this.#alarm) {
      this.#alarmArmed = false;
      this.#irqRaised = true;
      this.#report();
    }
  }

  #report(): void {
    this.irq.set(this.#irqRaised && this.#irqEnabled);
  }

  read(offset: number, size: AccessSize): bigint | undefined {
    if (size !== 4 || offset % 4 !== 0) return undefined;
    this.poll();
    switch (offset) {
      case TIME_LOW: {
        const now = this.nowNs;
        this.#timeHighLatch = now >> 32n;
        return now & LOW32;
      }
      case TIME_HIGH:
        return this.#timeHighLatch;
      case ALARM_LOW:
        return this.#alarm & LOW32;
      case ALARM_HIGH:
        return this.#alarm >> 32n;
      case IRQ_ENABLED:
        return this.#irqEnabled ? 1n : 0n;
      case ALARM_STATUS:
        return this.#alarmArmed ? 1n : 0n;
      default:
        return 0n;
    }
  }

  write(offset: number, size: AccessSize, value: bigint): boolean {
    if (size !== 4 || offset % 4 !== 0) return false;
    const v = value & LOW32;
    switch (offset) {
      case TIME_LOW: {
        const wanted = (this.#timeHighWrite << 32n) | v;
        this.#offset = (wanted - this.clock.nowNs()) & U64;
        break;
      }
      case TIME_HIGH:
        this.#timeHighWrite = v;
        break;
      case ALARM_LOW:
        this.#alarm = (this.#alarm & (LOW32 << 32n)) | v;
        this.#alarmArmed = true;
        break;
      case ALARM_HIGH:
        this.#alarm = (v << 32n) | (this.#alarm & LOW32);
        break;
      case IRQ_ENABLED:
        this.#irqEnabled = (v & 1n) !== 0n;
        this.#report();
        break;
      case CLEAR_ALARM:
        this.#alarmArmed = false;
        break;
      case CLEAR_INTERRUPT:
        this.#irqRaised = false;
        this.#report();
        break;
      default:
        break;
    }
    this.poll();
    return true;
  }
}
