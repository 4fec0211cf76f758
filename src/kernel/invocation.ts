// An object invocation as the syscall layer decoded it, and what the object's decoder
// answers. Each object file has its decoder beside the object (seL4's decodeInvocation).
import type { Result } from './errors.js';
import type { Cap } from './objects/cap.js';
import type { Tcb } from './objects/tcb.js';

export interface Invocation {
  readonly caller: Tcb;
  readonly cap: Cap;
  readonly label: number;
  /** The message registers the caller sent (length from its message info). */
  readonly mrs: readonly bigint[];
  /** Extra capabilities, looked up in the caller's CSpace. */
  readonly caps: readonly Cap[];
}

export interface InvocationResult {
  readonly error: Result;
  /** Message registers returned to the caller. */
  readonly mrs?: readonly bigint[];
  /** The caller must not be resumed now (it blocked, or it was stopped or restarted). */
  readonly noReply?: boolean;
}
