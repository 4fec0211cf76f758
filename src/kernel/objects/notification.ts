// Notification: a word of signal bits. Signal ORs a badge into it, or hands the badge
// straight to a waiter; Wait takes the word or blocks; Poll takes it without blocking.
// A notification bound to a TCB also wakes that TCB's Recv on an endpoint.
//
// States (seL4 notification.c): idle (word 0, no waiters), waiting (waiters queued,
// word 0), active (word non-zero, no waiters).
import type { Tcb } from './tcb.js';

export class Notification {
  readonly type = 'notification' as const;
  word = 0n;
  readonly waiters: Tcb[] = [];
  boundTcb: Tcb | undefined;
  /**
   * Set for a VM's notification: called when a signal leaves bits in the word (no thread
   * waits on it), to turn them into the guest's uio interrupts.
   */
  signalled: ((n: Notification) => void) | undefined;
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }
}
