// The fast path: Call, ReplyRecv and Signal between cells in the common case, done
// with the fewest steps, apart from the general path (syscall.ts, ipc.ts) and allowed
// to be plain-ugly only here. seL4's discipline (src/fastpath/fastpath.c): a list of
// preconditions, checked before anything changes; if one fails, the general path does
// the syscall. When they hold, the effects — registers, thread states, queues, lent
// scheduling contexts, statistics and the virtual time charged — are exactly the
// general path's, so a run is the same with the fast path on or off
// (test/kernel/fastpath.test.ts compares them).
import {
  CV_SYS_CALL, CV_SYS_REPLY_RECV, CV_SYS_SIGNAL, CV_RIGHT_WRITE, CV_RIGHT_READ, CV_WAKE_MESSAGE, CV_WAKE_NOTIFICATION,
} from './abi/abi.js';
import { COST } from './cost-model.js';
import { A0, A1, A2, A6, A7 } from './ipc.js';
import type { Kernel } from './kernel.js';
import { NOT_BLOCKED, type Tcb } from './objects/tcb.js';

const WAKE_MESSAGE = BigInt(CV_WAKE_MESSAGE);
const WAKE_NOTIFICATION = BigInt(CV_WAKE_NOTIFICATION);
/** Message info bits the fast path does not take: extra caps and unwrapped caps. */
const CAP_BITS = 0xf80;
const LENGTH_MASK = 0x7f;
const MAX_FAST_LENGTH = 4;

// Registers are read through Tcb.regs32 (two 32-bit words per register), so that the
// checks make no bigints: this is the path every round trip takes.
const lo = (t: Tcb, r: number): number => t.regs32[2 * r]!;
const hi = (t: Tcb, r: number): number => t.regs32[2 * r + 1]!;

/** A register's value if it is below 2^32, else -1 (no capability pointer is that large). */
function small(t: Tcb, r: number): number {
  return hi(t, r) === 0 ? lo(t, r) : -1;
}

/** The message info of a message the fast path can carry: its length, or -1. */
function fastLength(t: Tcb): number {
  const info = lo(t, A1);
  const len = info & LENGTH_MASK;
  return (info & CAP_BITS) !== 0 || len > MAX_FAST_LENGTH ? -1 : len;
}

/**
 * What the general path writes for a delivered message: the message registers, and the
 * message info with the label kept and the length alone below it (msgInfo in ipc.ts).
 */
function deliver(from: Tcb, to: Tcb, len: number): void {
  // At most 4 registers: word by word, no subarray made.
  const src = from.regs32;
  const dst = to.regs32;
  for (let i = 2 * A2, end = 2 * (A2 + len); i < end; i++) dst[i] = src[i]!;
  to.regs32[2 * A1] = (lo(from, A1) & ~0xfff) | len;
  to.regs32[2 * A1 + 1] = hi(from, A1);
}

function zero(t: Tcb, r: number): void {
  t.regs32[2 * r] = 0;
  t.regs32[2 * r + 1] = 0;
}

/** Does the syscall of `t` (the current thread) if the fast path may; false leaves it to the general path. */
export function tryFastpath(k: Kernel, t: Tcb): boolean {
  const sys = small(t, A7);
  if (sys === CV_SYS_CALL) return call(k, t);
  if (sys === CV_SYS_REPLY_RECV) return replyRecv(k, t);
  if (sys === CV_SYS_SIGNAL) return signal(k, t);
  return false;
}

/** The highest priority of a ready thread, or -1. */
function topReady(k: Kernel): number {
  return k.sched.peek()?.priority ?? -1;
}

/**
 * Call on an endpoint where a receiver waits with a Reply: the receiver runs next.
 * Preconditions: the cap is an endpoint with Write; no capabilities in the message and at
 * most 4 message registers; a receiver waits with a free Reply; it has (or is lent) a
 * scheduling context with budget now; its priority is above every ready thread's; no
 * timer or refill is due.
 */
function call(k: Kernel, t: Tcb): boolean {
  const len = fastLength(t);
  if (len < 0) return false;
  const cptr = small(t, A0);
  if (cptr < 0 || cptr >= t.cspace.size) return false;
  const cap = t.cspace.slots[cptr];
  if (!cap || cap.object.type !== 'endpoint' || !cap.has(CV_RIGHT_WRITE)) return false;
  const ep = cap.object;
  if (ep.state !== 'recv') return false;
  const r = ep.queue[0]!;
  const reply = r.blocking.reply;
  if (!reply || reply.caller) return false;
  const sc = r.sc ?? t.sc;
  const now = k.nowTicks();
  if (!sc || !k.quietAt(now)) return false;
  sc.unblock(now); // idempotent: the general path's wake() does the same
  if (!sc.ready(now) || r.priority <= topReady(k)) return false;

  // The general path's effects, in its order.
  k.charge(COST.syscall);
  zero(t, A7);
  deliver(t, r, len);
  r.regs[A0] = cap.badge;
  r.regs[A6] = WAKE_MESSAGE;
  zero(r, A7);
  k.noteIpc(t);
  ep.dequeue();
  r.blocking = NOT_BLOCKED;
  reply.caller = t;
  t.state = 'blocked-reply';
  t.blocking = { reply };
  if (r.sc === undefined && t.sc !== undefined) {
    reply.donated = t.sc;
    reply.lender = t;
    r.sc = t.sc;
    t.sc.tcb = r;
    t.sc = undefined;
  }
  k.counters.fastpaths++;
  k.kfast.noteCall(t, cptr, ep, r, reply);
  k.switchTo(t, r);
  return true;
}

/**
 * ReplyRecv by a server: the answer goes to the caller waiting on the Reply, the server
 * waits on its endpoint again, the caller runs next. Preconditions: a caller waits on the
 * Reply (for a reply, not a fault handler's answer); at most 4 message registers and no
 * capabilities; the endpoint cap has Read and no sender is queued; the server's bound
 * notification is clear; the server is not a passive cell still on its own time; the
 * caller has budget now and a priority above every ready thread's; no timer or refill is due.
 */
function replyRecv(k: Kernel, s: Tcb): boolean {
  const len = fastLength(s);
  if (len < 0) return false;
  const rptr = small(s, A6);
  const eptr = small(s, A0);
  const size = s.cspace.size;
  if (rptr < 0 || eptr < 0 || rptr >= size || eptr >= size) return false;
  const rcap = s.cspace.slots[rptr];
  const ecap = s.cspace.slots[eptr];
  if (!rcap || rcap.object.type !== 'reply' || !ecap || ecap.object.type !== 'endpoint' || !ecap.has(CV_RIGHT_READ)) return false;
  const reply = rcap.object;
  const ep = ecap.object;
  const c = reply.caller;
  if (!c || c.state !== 'blocked-reply' || ep.state === 'send') return false;
  if (s.boundNotification && s.boundNotification.word !== 0n) return false;
  const cell = k.cellOf(s);
  if (cell.passive && s.sc !== undefined && s.sc === s.ownSc) return false;
  const sc = reply.donated ?? c.sc;
  const now = k.nowTicks();
  if (!sc || !k.quietAt(now)) return false;
  sc.unblock(now);
  if (!sc.ready(now) || c.priority <= topReady(k)) return false;

  k.charge(COST.syscall);
  zero(s, A7);
  // Reply.
  reply.caller = undefined;
  const donated = reply.donated;
  if (donated) {
    reply.donated = undefined;
    reply.lender = undefined;
    if (s.sc === donated) s.sc = undefined;
    c.sc = donated;
    donated.tcb = c;
  }
  c.blocking = NOT_BLOCKED;
  deliver(s, c, len);
  zero(c, A0);
  c.regs[A6] = WAKE_MESSAGE;
  zero(c, A7);
  k.noteIpc(s);
  // Recv: the server blocks on its endpoint with the same Reply.
  s.state = 'blocked-recv';
  s.blocking = { endpoint: ep, reply };
  ep.enqueue(s, 'recv');
  k.completed(s);
  k.counters.fastpaths++;
  k.kfast.noteReplyRecv(s, rptr, eptr, ep, reply, c);
  k.switchTo(s, c);
  return true;
}

/**
 * Signal that wakes a higher-priority thread waiting in Recv with the notification
 * bound: it runs next, the signaller is first in line at its priority. Preconditions: a
 * notification cap with Write; its bound thread waits in Recv on an endpoint, has budget
 * now and a priority above the signaller's and every ready thread's; no timer or refill
 * is due.
 */
function signal(k: Kernel, t: Tcb): boolean {
  const cptr = small(t, A0);
  if (cptr < 0 || cptr >= t.cspace.size) return false;
  const cap = t.cspace.slots[cptr];
  if (!cap || cap.object.type !== 'notification' || !cap.has(CV_RIGHT_WRITE)) return false;
  const n = cap.object;
  const w = n.boundTcb;
  if (!w || w.state !== 'blocked-recv' || !w.blocking.endpoint) return false;
  const sc = w.sc;
  const now = k.nowTicks();
  if (!sc || !t.sc || !k.quietAt(now)) return false;
  sc.unblock(now);
  if (!sc.ready(now) || w.priority <= t.priority || w.priority <= topReady(k)) return false;

  k.charge(COST.syscall);
  zero(t, A7);
  k.noteSignal(t);
  w.blocking.endpoint.remove(w);
  n.word |= cap.badge;
  w.regs[A0] = n.word;
  zero(w, A1);
  w.regs[A6] = WAKE_NOTIFICATION;
  zero(w, A7);
  n.word = 0n;
  w.blocking = NOT_BLOCKED;
  // The signaller is preempted: first in line again at its own priority.
  t.state = 'ready';
  k.sched.enqueue(t, true);
  k.counters.fastpaths++;
  k.kfast.noteSignal(t, cptr, n, w);
  k.switchTo(t, w);
  return true;
}
