// Reply (MCS): the object a receiver names when it takes a Call. It records the
// caller waiting for the answer and the scheduling context the caller lent, so that
// Reply sends the answer to the right thread and gives the time back.
import type { SchedContext } from './sched-context.js';
import type { Tcb } from './tcb.js';

export class Reply {
  readonly type = 'reply' as const;
  /** The caller blocked on this reply, if a Call is outstanding. */
  caller: Tcb | undefined;
  /** The caller's scheduling context, lent to a passive receiver until the reply. */
  donated: SchedContext | undefined;
  /**
   * Whose context `donated` is. It outlives `caller` when the caller is stopped mid-call:
   * the receiver keeps the time until it waits again (ipc.ts, returnLentTime).
   */
  lender: Tcb | undefined;
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }
}
