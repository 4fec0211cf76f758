// TCB: a thread. Its registers (saved here while it does not run), priority and
// maximum controlled priority, CSpace and VSpace, IPC buffer, scheduling context,
// fault endpoint and bound notification, and its state (seL4's thread states, plus
// 'stopped' for a cell that faulted with no handler or was stopped by it).
// A VM's vCPU will be one more kind of thread: the same scheduling, another context.
import {
  CV_INV_TCB_READ_REGISTERS, CV_INV_TCB_WRITE_REGISTERS, CV_INV_TCB_SUSPEND, CV_INV_TCB_RESUME,
  CV_INV_TCB_SET_PRIORITY, CV_INV_TCB_RESTART, CV_INV_TCB_BIND_NOTIFICATION, CV_INV_TCB_UNBIND_NOTIFICATION,
  CV_ILLEGAL_OPERATION, CV_INVALID_ARGUMENT, CV_RANGE_ERROR, CV_INVALID_CAPABILITY, CV_DELETE_FIRST,
} from '../abi/abi.js';
import { OK } from '../errors.js';
import type { Invocation, InvocationResult } from '../invocation.js';
import type { Cap } from './cap.js';
import type { CNode } from './cnode.js';
import type { Endpoint } from './endpoint.js';
import type { Notification } from './notification.js';
import type { Reply } from './reply.js';
import type { SchedContext } from './sched-context.js';
import type { VSpace } from './vspace.js';
import { THREAD_CONTEXT } from '../../hart/index.js';

export type ThreadState =
  | 'inactive' | 'ready' | 'running'
  | 'blocked-send' | 'blocked-recv' | 'blocked-reply' | 'blocked-notification' | 'blocked-fault'
  | 'stopped';

/** What a blocked thread waits on, for resuming it and for the "every cell waits" report. */
export interface Blocking {
  endpoint?: Endpoint;
  notification?: Notification;
  reply?: Reply;
  badge?: bigint;
  isCall?: boolean;
  canGrant?: boolean;
  canGrantReply?: boolean;
  /** A fault message waiting on the handler's endpoint: cause, pc, address. */
  fault?: readonly [bigint, bigint, bigint];
}

/** What a thread that waits on nothing has: shared and frozen (it is replaced, never changed). */
export const NOT_BLOCKED: Blocking = Object.freeze({});

/** The kernel services a TCB invocation needs. */
export interface TcbOps {
  suspend(t: Tcb): void;
  resume(t: Tcb): void;
  restart(t: Tcb): void;
  setPriority(t: Tcb, priority: number): void;
}

export const REGISTERS = 32;

/**
 * A thread's saved context: the hart's thread-context block (src/hart, docs/hart-seam.md)
 * as 64-bit words — x0..x31, f0..f31, pc, fcsr, satp, flags. The kernel places it in RAM
 * (`pa`), so the hart saves and loads it in one call each; a TCB made without one keeps
 * its own (pa = -1) and the kernel copies.
 */
export interface ThreadContext {
  readonly words: BigUint64Array;
  readonly pa: number;
}

export const CONTEXT_WORDS = THREAD_CONTEXT.bytes / 8;
const PC_WORD = THREAD_CONTEXT.pc / 8;
const FCSR_WORD = THREAD_CONTEXT.fcsr / 8;
const SATP_WORD = THREAD_CONTEXT.satp / 8;

export class Tcb {
  readonly type = 'tcb' as const;
  readonly name: string;
  /** The saved context (valid while the thread is not on the hart). */
  readonly context: ThreadContext;
  /** x0..x31 (x0 unused), while not on the hart. */
  readonly regs: BigUint64Array;
  /** The same registers as 32-bit halves (low word of xN at 2N): reading them makes no bigint. */
  readonly regs32: Uint32Array;
  readonly fregs: BigUint64Array;
  state: ThreadState = 'inactive';
  blocking: Blocking = NOT_BLOCKED;
  priority: number;
  mcp: number;
  readonly cspace: CNode;
  readonly vspace: VSpace;
  /** Physical address of the IPC buffer page. */
  readonly ipcBuffer: number;
  /** The context it runs on now (its own, or one lent by a caller); undefined: passive. */
  sc: SchedContext | undefined;
  /** Its own context, if it has one (passive threads give theirs up after init). */
  ownSc: SchedContext | undefined;
  /** Replies it holds for callers, so a restart can answer them with an error. */
  faultEndpoint: Cap | undefined;
  boundNotification: Notification | undefined;
  /** Index of the cell (or VM) this thread belongs to, for names and statistics. */
  readonly owner: number;

  constructor(init: {
    name: string; priority: number; mcp: number; cspace: CNode; vspace: VSpace; ipcBuffer: number; owner: number;
    context?: ThreadContext;
  }) {
    this.name = init.name;
    this.priority = init.priority;
    this.mcp = init.mcp;
    this.cspace = init.cspace;
    this.vspace = init.vspace;
    this.ipcBuffer = init.ipcBuffer;
    this.owner = init.owner;
    const context = init.context ?? { words: new BigUint64Array(CONTEXT_WORDS), pa: -1 };
    if (context.words.length !== CONTEXT_WORDS) throw new RangeError(`a thread context is ${CONTEXT_WORDS} words`);
    this.context = context;
    const w = context.words;
    this.regs = w.subarray(0, REGISTERS);
    this.regs32 = new Uint32Array(w.buffer, w.byteOffset, 2 * REGISTERS);
    this.fregs = w.subarray(THREAD_CONTEXT.f / 8, THREAD_CONTEXT.f / 8 + 32);
    w[SATP_WORD] = init.vspace.satp;
  }

  get pc(): bigint { return this.context.words[PC_WORD]!; }
  set pc(v: bigint) { this.context.words[PC_WORD] = v; }
  get fcsr(): bigint { return this.context.words[FCSR_WORD]!; }
  set fcsr(v: bigint) { this.context.words[FCSR_WORD] = v; }

  get blocked(): boolean {
    return this.state.startsWith('blocked');
  }
}

/**
 * ReadRegisters(count): pc, then x1..x(count-1). WriteRegisters(pc, x1, …).
 * Suspend, Resume, SetPriority(p ≤ caller's mcp), Restart (from the cell's image),
 * BindNotification(extra cap), UnbindNotification.
 */
export function decodeTcbInvocation(tcb: Tcb, inv: Invocation, ops: TcbOps): InvocationResult {
  const { label, mrs, caller } = inv;
  switch (label) {
    case CV_INV_TCB_READ_REGISTERS: {
      const count = Number(mrs[0] ?? 32n);
      if (count < 1 || count > REGISTERS) return { error: CV_RANGE_ERROR };
      if (tcb === caller) return { error: CV_ILLEGAL_OPERATION };
      const out = [tcb.pc];
      for (let i = 1; i < count; i++) out.push(tcb.regs[i]!);
      return { error: OK, mrs: out };
    }
    case CV_INV_TCB_WRITE_REGISTERS: {
      if (mrs.length < 1 || mrs.length > REGISTERS) return { error: CV_RANGE_ERROR };
      if (tcb === caller) return { error: CV_ILLEGAL_OPERATION };
      tcb.pc = mrs[0]! & ~1n;
      for (let i = 1; i < mrs.length; i++) tcb.regs[i] = mrs[i]!;
      return { error: OK };
    }
    case CV_INV_TCB_SUSPEND:
      ops.suspend(tcb);
      return { error: OK, noReply: tcb === caller };
    case CV_INV_TCB_RESUME:
      ops.resume(tcb);
      return { error: OK };
    case CV_INV_TCB_SET_PRIORITY: {
      if (mrs.length < 1) return { error: CV_INVALID_ARGUMENT };
      const p = mrs[0]!;
      if (p > BigInt(caller.mcp) || p > 254n) return { error: CV_RANGE_ERROR };
      ops.setPriority(tcb, Number(p));
      return { error: OK };
    }
    case CV_INV_TCB_RESTART:
      ops.restart(tcb);
      return { error: OK, noReply: tcb === caller };
    case CV_INV_TCB_BIND_NOTIFICATION: {
      const ntfn = inv.caps[0]?.object;
      if (ntfn?.type !== 'notification') return { error: CV_INVALID_CAPABILITY };
      if (tcb.boundNotification !== undefined || ntfn.boundTcb !== undefined) return { error: CV_DELETE_FIRST };
      tcb.boundNotification = ntfn;
      ntfn.boundTcb = tcb;
      return { error: OK };
    }
    case CV_INV_TCB_UNBIND_NOTIFICATION: {
      const ntfn = tcb.boundNotification;
      if (ntfn === undefined) return { error: CV_ILLEGAL_OPERATION };
      ntfn.boundTcb = undefined;
      tcb.boundNotification = undefined;
      return { error: OK };
    }
    default:
      return { error: CV_ILLEGAL_OPERATION };
  }
}
