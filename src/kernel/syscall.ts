// The general path: decode a cell's ecall (number in a7) and do it. Every failure is
// an error code in a7 for the caller (seL4's codes, abi.ts); nothing here throws on
// guest input. Endpoint and notification operations go to ipc.ts; a Call or Send on
// any other capability is an invocation of that object, decoded beside the object.
import {
  CV_SYS_CALL, CV_SYS_REPLY_RECV, CV_SYS_SEND, CV_SYS_NB_SEND, CV_SYS_RECV, CV_SYS_NB_RECV, CV_SYS_REPLY,
  CV_SYS_YIELD, CV_SYS_SIGNAL, CV_SYS_WAIT, CV_SYS_POLL, CV_SYS_DEBUG_PUTS,
  CV_RIGHT_READ, CV_RIGHT_WRITE, CV_RIGHT_GRANT, CV_IPC_CAPS_OR_BADGES,
  CV_INVALID_CAPABILITY, CV_ILLEGAL_OPERATION, CV_INVALID_ARGUMENT, CV_RANGE_ERROR, CV_NO_ERROR, CV_FAILED_LOOKUP,
} from './abi/abi.js';
import { COST } from './cost-model.js';
import type { Result } from './errors.js';
import type { Invocation, InvocationResult } from './invocation.js';
import { A0, A1, A6, A7, doReply, returnLentTime, msgExtraCaps, msgLabel, msgLength, readMessage, recv, send, signal, wait, writeMessage } from './ipc.js';
import type { Kernel } from './kernel.js';
import type { Cap } from './objects/cap.js';
import { decodeCNodeInvocation } from './objects/cnode.js';
import { decodeIrqInvocation } from './objects/irq-handler.js';
import { decodeSchedContextInvocation } from './objects/sched-context.js';
import { decodeTcbInvocation, type Tcb } from './objects/tcb.js';
import { decodePowerInvocation, decodeTimerInvocation } from './objects/timer.js';

const utf8 = new TextDecoder();

/** The longest debug string one call prints. */
const MAX_DEBUG_PUTS = 4096;
const NS_PER_TICK = 100n;
const MAX_TICKS = BigInt(Number.MAX_SAFE_INTEGER);

const ERROR_VALUES: readonly bigint[] = Array.from({ length: 16 }, (_, i) => BigInt(i));

function fail(t: Tcb, error: Result): void {
  t.regs[A7] = ERROR_VALUES[error]!;
}

export function handleSyscall(k: Kernel, t: Tcb): void {
  k.charge(COST.syscall);
  const sys = t.regs[A7]!;
  t.regs[A7] = ERROR_VALUES[CV_NO_ERROR]!;
  if (sys > 0xffn) return fail(t, CV_ILLEGAL_OPERATION);
  switch (Number(sys)) {
    case CV_SYS_CALL: return sendOrInvoke(k, t, true, true);
    case CV_SYS_SEND: return sendOrInvoke(k, t, false, true);
    case CV_SYS_NB_SEND: return sendOrInvoke(k, t, false, false);
    case CV_SYS_RECV: return doRecv(k, t, true);
    case CV_SYS_NB_RECV: return doRecv(k, t, false);
    case CV_SYS_REPLY: return replyOnly(k, t);
    case CV_SYS_REPLY_RECV: {
      const reply = lookup(t, t.regs[A6]!);
      if (reply?.object.type === 'reply' && reply.object.caller) doReply(k, t, reply.object);
      return doRecv(k, t, true);
    }
    case CV_SYS_YIELD:
      // The rest of this timeslice goes: to the back of its priority's queue.
      t.state = 'ready';
      k.sched.enqueue(t);
      k.kfast.noteYield(t);
      return;
    case CV_SYS_SIGNAL: {
      const cap = lookup(t, t.regs[A0]!);
      if (cap?.object.type !== 'notification' || !cap.has(CV_RIGHT_WRITE)) return fail(t, CV_INVALID_CAPABILITY);
      signal(k, cap.object, cap.badge, t);
      return;
    }
    case CV_SYS_WAIT:
    case CV_SYS_POLL: {
      const cap = lookup(t, t.regs[A0]!);
      if (cap?.object.type !== 'notification' || !cap.has(CV_RIGHT_READ)) return fail(t, CV_INVALID_CAPABILITY);
      if (cap.object.boundTcb !== undefined && cap.object.boundTcb !== t) return fail(t, CV_ILLEGAL_OPERATION);
      wait(k, t, cap.object, Number(sys) === CV_SYS_WAIT);
      return;
    }
    case CV_SYS_DEBUG_PUTS: return debugPuts(k, t);
    default:
      return fail(t, CV_ILLEGAL_OPERATION);
  }
}

function lookup(t: Tcb, cptr: bigint): Cap | undefined {
  return t.cspace.lookup(cptr);
}

function sendOrInvoke(k: Kernel, t: Tcb, call: boolean, blocking: boolean): void {
  const cap = lookup(t, t.regs[A0]!);
  if (!cap) return fail(t, CV_INVALID_CAPABILITY);
  const obj = cap.object;
  if (obj.type === 'endpoint') {
    if (!cap.has(CV_RIGHT_WRITE)) return fail(t, CV_INVALID_CAPABILITY);
    const result = send(k, t, obj, cap.badge, { call, blocking, canGrant: cap.has(CV_RIGHT_GRANT) });
    if (result !== CV_NO_ERROR) fail(t, result);
    return;
  }
  if (obj.type === 'notification') {
    if (call) return fail(t, CV_ILLEGAL_OPERATION);
    if (!cap.has(CV_RIGHT_WRITE)) return fail(t, CV_INVALID_CAPABILITY);
    signal(k, obj, cap.badge, t);
    return;
  }
  if (obj.type === 'reply') {
    if (call) return fail(t, CV_ILLEGAL_OPERATION);
    if (!doReply(k, t, obj)) return fail(t, CV_ILLEGAL_OPERATION);
    return;
  }
  const info = t.regs[A1]!;
  const caps: Cap[] = [];
  for (let i = 0; i < msgExtraCaps(info); i++) {
    const c = lookup(t, k.ram.readU64(t.ipcBuffer + CV_IPC_CAPS_OR_BADGES + 8 * i));
    if (!c) return fail(t, CV_FAILED_LOOKUP);
    caps.push(c);
  }
  const inv: Invocation = { caller: t, cap, label: Number(msgLabel(info) & 0xffffn), mrs: readMessage(k, t, msgLength(info)), caps };
  if (msgLabel(info) > 0xffffn) return fail(t, CV_ILLEGAL_OPERATION);
  const result = invoke(k, inv);
  if (result.noReply) return;
  t.regs[A7] = ERROR_VALUES[result.error]!;
  if (call) writeMessage(k, t, 0n, result.error === CV_NO_ERROR ? result.mrs ?? [] : []);
}

function invoke(k: Kernel, inv: Invocation): InvocationResult {
  const obj = inv.cap.object;
  switch (obj.type) {
    case 'cnode': return decodeCNodeInvocation(obj, inv);
    case 'tcb': return decodeTcbInvocation(obj, inv, k);
    case 'sched_context': return decodeSchedContextInvocation(obj, inv);
    case 'irq_handler': return decodeIrqInvocation(obj, inv, (irq) => k.ackIrq(irq));
    case 'timer': return decodeTimerInvocation(obj, inv, {
      setTimer: (timer, deadline) => k.setTimer(timer, deadline),
      ticksFromNs: (ns) => {
        const ticks = (ns + NS_PER_TICK - 1n) / NS_PER_TICK;
        return ticks > MAX_TICKS ? Number(MAX_TICKS) : Number(ticks);
      },
    });
    case 'power': return decodePowerInvocation(inv, (status) => k.powerOff(status));
    default: return { error: CV_ILLEGAL_OPERATION };
  }
}

function doRecv(k: Kernel, t: Tcb, blocking: boolean): void {
  const cap = lookup(t, t.regs[A0]!);
  if (!cap || !cap.has(CV_RIGHT_READ)) return fail(t, CV_INVALID_CAPABILITY);
  const obj = cap.object;
  if (obj.type === 'notification') {
    if (obj.boundTcb !== undefined && obj.boundTcb !== t) return fail(t, CV_ILLEGAL_OPERATION);
    wait(k, t, obj, blocking);
    return;
  }
  if (obj.type !== 'endpoint') return fail(t, CV_INVALID_CAPABILITY);
  let reply = undefined;
  const replyCptr = t.regs[A6]!;
  if (replyCptr !== 0n) {
    const r = lookup(t, replyCptr);
    if (r?.object.type !== 'reply') return fail(t, CV_INVALID_CAPABILITY);
    reply = r.object;
  }
  // Time lent by a caller stopped during its call goes back now that the work is over.
  if (reply) returnLentTime(k, reply, t);
  const cell = k.cellOf(t);
  // A passive cell runs init on its own time, then only on its callers' (Microkit).
  if (cell.passive && blocking && t.sc !== undefined && t.sc === t.ownSc) {
    t.sc.tcb = undefined;
    t.sc = undefined;
  }
  recv(k, t, obj, reply, blocking);
  // The Recv of a thread that fastpath.ts's signal() woke: the module's fast path may
  // do the next ones (kfast.ts).
  if (t.state === 'blocked-recv') k.kfast.noteRecv(t, Number(t.regs[A0]!), Number(replyCptr), obj, reply);
}

function replyOnly(k: Kernel, t: Tcb): void {
  const cap = lookup(t, t.regs[A6]!);
  if (cap?.object.type !== 'reply') return fail(t, CV_INVALID_CAPABILITY);
  if (!doReply(k, t, cap.object)) return fail(t, CV_ILLEGAL_OPERATION);
}

function debugPuts(k: Kernel, t: Tcb): void {
  const va = t.regs[A0]!;
  const len = t.regs[A1]!;
  if (len > BigInt(MAX_DEBUG_PUTS)) return fail(t, CV_RANGE_ERROR);
  const bytes = t.vspace?.readUser(va, Number(len));
  if (!bytes) return fail(t, CV_INVALID_ARGUMENT);
  k.output(k.cellOf(t), utf8.decode(bytes));
}
