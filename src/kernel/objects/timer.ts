// Two small kernel objects of cellvisor's own (seL4 leaves both to user level):
// Timer, a cell's one-shot timer in virtual time that signals the cell's notification
// on channel 63 (CV_TIMER); PowerControl, the right to end the whole run.
import { CV_INV_TIMER_SET, CV_INV_TIMER_CANCEL, CV_INV_POWER_OFF, CV_ILLEGAL_OPERATION, CV_INVALID_ARGUMENT } from '../abi/abi.js';
import { OK } from '../errors.js';
import type { Invocation, InvocationResult } from '../invocation.js';
import type { Notification } from './notification.js';

export class Timer {
  readonly type = 'timer' as const;
  /** The mtime (ticks) at which it fires; undefined when not armed. */
  deadline: number | undefined;
  readonly notification: Notification;
  readonly badge: bigint;
  readonly name: string;

  constructor(name: string, notification: Notification, badge: bigint) {
    this.name = name;
    this.notification = notification;
    this.badge = badge;
  }
}

export class PowerControl {
  readonly type = 'power' as const;
  readonly name = 'power';
}

export interface TimerOps {
  /** Arms (or with undefined disarms) the timer; deadlines are mtime ticks. */
  setTimer(timer: Timer, deadline: number | undefined): void;
  /** ns of virtual time → mtime ticks (rounded up; past 2^53 ticks, 28 years, it is 2^53). */
  ticksFromNs(ns: bigint): number;
}

/** Set(deadline in ns of virtual time since boot), Cancel. */
export function decodeTimerInvocation(timer: Timer, inv: Invocation, ops: TimerOps): InvocationResult {
  switch (inv.label) {
    case CV_INV_TIMER_SET:
      if (inv.mrs.length < 1) return { error: CV_INVALID_ARGUMENT };
      ops.setTimer(timer, ops.ticksFromNs(inv.mrs[0]!));
      return { error: OK };
    case CV_INV_TIMER_CANCEL:
      ops.setTimer(timer, undefined);
      return { error: OK };
    default:
      return { error: CV_ILLEGAL_OPERATION };
  }
}

export function decodePowerInvocation(inv: Invocation, powerOff: (status: number) => void): InvocationResult {
  if (inv.label !== CV_INV_POWER_OFF) return { error: CV_ILLEGAL_OPERATION };
  powerOff(Number(BigInt.asIntN(32, inv.mrs[0] ?? 0n)));
  return { error: OK, noReply: true };
}
