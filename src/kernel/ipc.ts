// Where senders and receivers meet: Send/Call and Recv on endpoints, Reply, Signal and
// Wait on notifications, fault messages. Each function changes thread states and saved
// registers only; the kernel picks who runs afterwards. The register conventions are
// src/kernel/abi/abi.ts's: a0 badge, a1 message info, a2..a5 message registers 0..3,
// a6 what woke a Recv, a7 the error code.
import {
  CV_MSG_LENGTH_MASK, CV_MSG_EXTRA_CAPS_SHIFT, CV_MSG_EXTRA_CAPS_MASK, CV_MSG_LABEL_SHIFT, CV_MSG_MAX_LENGTH,
  CV_MSG_REGISTERS_IN_REGS, CV_IPC_MSG, CV_IPC_CAPS_OR_BADGES, CV_IPC_RECEIVE_INDEX, CV_WAKE_MESSAGE,
  CV_WAKE_NOTIFICATION, CV_WAKE_NONE, CV_LABEL_FAULT, CV_NO_ERROR, CV_RIGHTS_ALL, CV_ILLEGAL_OPERATION,
} from './abi/abi.js';
import { COST } from './cost-model.js';
import { OK, type Result } from './errors.js';
import type { Endpoint } from './objects/endpoint.js';
import type { Notification } from './objects/notification.js';
import type { Reply } from './objects/reply.js';
import { NOT_BLOCKED, type Tcb } from './objects/tcb.js';

export const A0 = 10;
export const A1 = 11;
export const A2 = 12;
export const A6 = 16;
export const A7 = 17;

/** What ipc needs from the kernel. */
export interface IpcHost {
  readonly ram: { readU64(pa: number): bigint; writeU64(pa: number, v: bigint): void };
  /** The thread may run again (it is put in its ready queue). */
  wake(t: Tcb): void;
  /** The thread stops running until woken; `state` says on what. */
  block(t: Tcb, state: Tcb['state']): void;
  charge(cycles: number): void;
  /** A thread blocked in Recv (or Wait) on its own endpoint: a release's end. */
  completed(t: Tcb): void;
  noteIpc(t: Tcb): void;
  noteSignal(t: Tcb): void;
}

// The ABI's constants as bigints, made once: this is the IPC path.
const LABEL_SHIFT = BigInt(CV_MSG_LABEL_SHIFT);
const EXTRA_SHIFT = BigInt(CV_MSG_EXTRA_CAPS_SHIFT);
const EXTRA_MASK = BigInt(CV_MSG_EXTRA_CAPS_MASK);
const LENGTH_MASK = BigInt(CV_MSG_LENGTH_MASK);
const NO_ERROR = BigInt(CV_NO_ERROR);
const WAKE_MESSAGE = BigInt(CV_WAKE_MESSAGE);
const WAKE_NOTIFICATION = BigInt(CV_WAKE_NOTIFICATION);
const WAKE_NONE = BigInt(CV_WAKE_NONE);
const ILLEGAL_OPERATION = BigInt(CV_ILLEGAL_OPERATION);

export function msgInfo(label: bigint, length: number, extraCaps = 0): bigint {
  const low = BigInt(length | (extraCaps << CV_MSG_EXTRA_CAPS_SHIFT));
  return label === 0n ? low : (label << LABEL_SHIFT) | low;
}

export function msgLength(info: bigint): number {
  return Math.min(Number(info & LENGTH_MASK), CV_MSG_MAX_LENGTH);
}

export function msgLabel(info: bigint): bigint {
  return info >> LABEL_SHIFT;
}

export function msgExtraCaps(info: bigint): number {
  return Number((info >> EXTRA_SHIFT) & EXTRA_MASK);
}

/** The message registers a thread is sending (its a1 gives the length). */
export function readMessage(host: IpcHost, t: Tcb, length: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < length; i++) {
    out.push(i < CV_MSG_REGISTERS_IN_REGS ? t.regs[A2 + i]! : host.ram.readU64(t.ipcBuffer + CV_IPC_MSG + 8 * i));
  }
  return out;
}

/** Delivers `mrs` to a thread that returns from a syscall: a1 and the message registers. */
export function writeMessage(host: IpcHost, t: Tcb, label: bigint, mrs: readonly bigint[], extraCaps = 0): void {
  t.regs[A1] = msgInfo(label, mrs.length, extraCaps);
  mrs.forEach((v, i) => {
    if (i < CV_MSG_REGISTERS_IN_REGS) t.regs[A2 + i] = v;
    else host.ram.writeU64(t.ipcBuffer + CV_IPC_MSG + 8 * i, v);
  });
  host.charge(COST.perMessageRegister * Math.max(0, mrs.length - CV_MSG_REGISTERS_IN_REGS));
}

/**
 * Copies a message from `from` (which sent it with message info `info`) to `to`, with
 * `badge`; grants one capability when the sender may (into the receiver's receive slot).
 */
function transfer(host: IpcHost, from: Tcb, to: Tcb, badge: bigint, info: bigint, canGrant: boolean): void {
  const mrs = readMessage(host, from, msgLength(info));
  let granted = 0;
  const extra = msgExtraCaps(info);
  if (extra > 0 && canGrant) {
    const cptr = host.ram.readU64(from.ipcBuffer + CV_IPC_CAPS_OR_BADGES);
    const cap = from.cspace.lookup(cptr);
    const slot = host.ram.readU64(to.ipcBuffer + CV_IPC_RECEIVE_INDEX);
    if (cap && cap.object.type !== 'reply' && slot > 0n && slot < BigInt(to.cspace.size) && to.cspace.lookup(slot) === undefined) {
      to.cspace.place(Number(slot), cap.derive(CV_RIGHTS_ALL, undefined));
      granted = 1;
      host.charge(COST.perCapability);
    }
  }
  writeMessage(host, to, msgLabel(info), mrs, granted);
  to.regs[A0] = badge;
  to.regs[A6] = WAKE_MESSAGE;
  to.regs[A7] = NO_ERROR;
  host.noteIpc(from);
}

/** Links a Call's reply: the caller waits on `reply`, a passive receiver borrows its time. */
function linkReply(host: IpcHost, caller: Tcb, receiver: Tcb, reply: Reply | undefined, fault: boolean): void {
  if (!reply) {
    // No reply object: seL4 does not let the call wait forever; the caller just goes on.
    if (!fault) {
      caller.regs[A7] = ILLEGAL_OPERATION;
      host.wake(caller);
    }
    return;
  }
  if (reply.caller) abortReply(host, reply);
  reply.caller = caller;
  host.block(caller, fault ? 'blocked-fault' : 'blocked-reply');
  caller.blocking = { reply };
  if (receiver.sc === undefined && caller.sc !== undefined) {
    reply.donated = caller.sc;
    reply.lender = caller;
    receiver.sc = caller.sc;
    caller.sc.tcb = receiver;
    caller.sc = undefined;
  }
}

/** Send or Call on an endpoint. Returns false when a non-blocking send found no receiver. */
export function send(
  host: IpcHost, sender: Tcb, ep: Endpoint, badge: bigint, opts: { call: boolean; blocking: boolean; canGrant: boolean },
): Result {
  const info = sender.regs[A1]!;
  if (ep.state === 'recv') {
    // A receiver with no scheduling context (a passive server) takes only Calls, which
    // lend it time: a plain Send would wake it with none, and it could never run again.
    if (!opts.call && ep.queue[0]!.sc === undefined) return CV_ILLEGAL_OPERATION;
    const receiver = ep.dequeue()!;
    const reply = receiver.blocking.reply;
    transfer(host, sender, receiver, badge, info, opts.canGrant);
    receiver.blocking = NOT_BLOCKED;
    // Link (and lend time) before waking: a passive receiver is runnable only with it.
    if (opts.call) linkReply(host, sender, receiver, reply, false);
    host.wake(receiver);
    return OK;
  }
  if (!opts.blocking) return OK;
  host.block(sender, 'blocked-send');
  sender.blocking = { endpoint: ep, badge, isCall: opts.call, canGrant: opts.canGrant };
  ep.enqueue(sender, 'send');
  return OK;
}

/** Delivers a fault of `t` to the endpoint its fault capability names. */
export function sendFault(host: IpcHost, t: Tcb, ep: Endpoint, badge: bigint, fault: readonly [bigint, bigint, bigint]): void {
  if (ep.state === 'recv') {
    const receiver = ep.dequeue()!;
    const reply = receiver.blocking.reply;
    deliverFault(host, receiver, badge, fault);
    receiver.blocking = NOT_BLOCKED;
    linkReply(host, t, receiver, reply, true);
    if (!reply) host.block(t, 'blocked-fault');
    host.wake(receiver);
    return;
  }
  host.block(t, 'blocked-fault');
  t.blocking = { endpoint: ep, badge, isCall: true, fault };
  ep.enqueue(t, 'send');
}

function deliverFault(host: IpcHost, to: Tcb, badge: bigint, fault: readonly [bigint, bigint, bigint]): void {
  writeMessage(host, to, BigInt(CV_LABEL_FAULT), fault);
  to.regs[A0] = badge;
  to.regs[A6] = WAKE_MESSAGE;
  to.regs[A7] = NO_ERROR;
}

/** Recv on an endpoint (with `reply` to take Calls), seeing the bound notification first. */
export function recv(host: IpcHost, receiver: Tcb, ep: Endpoint, reply: Reply | undefined, blocking: boolean): void {
  const bound = receiver.boundNotification;
  if (bound && bound.word !== 0n) {
    takeNotification(receiver, bound);
    return;
  }
  while (ep.state === 'send') {
    const sender = ep.dequeue()!;
    const b = sender.blocking;
    if (!b.fault && !b.isCall && receiver.sc === undefined) {
      // A passive receiver takes only Calls (see send): the sender gets the error.
      sender.blocking = NOT_BLOCKED;
      sender.regs[A7] = ILLEGAL_OPERATION;
      host.wake(sender);
      continue;
    }
    if (b.fault) {
      deliverFault(host, receiver, b.badge ?? 0n, b.fault);
      sender.blocking = NOT_BLOCKED;
      linkReply(host, sender, receiver, reply, true);
      if (!reply) host.block(sender, 'blocked-fault');
      return;
    }
    transfer(host, sender, receiver, b.badge ?? 0n, sender.regs[A1]!, b.canGrant ?? false);
    sender.blocking = NOT_BLOCKED;
    if (b.isCall) linkReply(host, sender, receiver, reply, false);
    else host.wake(sender);
    return;
  }
  if (!blocking) {
    receiver.regs[A0] = 0n;
    receiver.regs[A1] = 0n;
    receiver.regs[A6] = WAKE_NONE;
    receiver.regs[A7] = NO_ERROR;
    return;
  }
  host.block(receiver, 'blocked-recv');
  receiver.blocking = { endpoint: ep, reply };
  ep.enqueue(receiver, 'recv');
  host.completed(receiver);
}

/** Reply through `reply` with the replier's message; false if no call was waiting. */
export function doReply(host: IpcHost, replier: Tcb, reply: Reply): boolean {
  const caller = reply.caller;
  if (!caller) return false;
  reply.caller = undefined;
  returnDonation(reply, replier, caller);
  caller.blocking = NOT_BLOCKED;
  if (caller.state === 'blocked-fault') {
    // A fault handler's reply resumes the thread where it faulted (or where it set pc).
    host.wake(caller);
    return true;
  }
  transfer(host, replier, caller, 0n, replier.regs[A1]!, false);
  host.wake(caller);
  return true;
}

function returnDonation(reply: Reply, server: Tcb, caller: Tcb): void {
  const sc = reply.donated;
  if (!sc) return;
  reply.donated = undefined;
  reply.lender = undefined;
  if (server.sc === sc) server.sc = undefined;
  caller.sc = sc;
  sc.tcb = caller;
}

/**
 * The receiver waits again (or stops) still holding time lent by a caller that was
 * stopped mid-call: the time goes back to that caller, which runs again if it is ready.
 */
export function returnLentTime(host: IpcHost, reply: Reply, holder: Tcb | undefined): void {
  const sc = reply.donated;
  const lender = reply.lender;
  if (!sc || !lender || reply.caller) return;
  reply.donated = undefined;
  reply.lender = undefined;
  if (holder?.sc === sc) holder.sc = undefined;
  if (lender.sc !== undefined) {
    sc.tcb = undefined;
    return;
  }
  lender.sc = sc;
  sc.tcb = lender;
  if (lender.state === 'ready') host.wake(lender);
}

/** A call waiting on `reply` can no longer be answered: the caller gets an error. */
export function abortReply(host: IpcHost, reply: Reply): void {
  const caller = reply.caller;
  if (!caller) {
    returnLentTime(host, reply, reply.donated?.tcb);
    return;
  }
  reply.caller = undefined;
  if (reply.donated) {
    const server = reply.donated.tcb;
    if (server) returnDonation(reply, server, caller);
  }
  caller.blocking = NOT_BLOCKED;
  if (caller.state === 'blocked-fault') return;
  caller.regs[A7] = ILLEGAL_OPERATION;
  host.wake(caller);
}

function takeNotification(t: Tcb, n: Notification): void {
  t.regs[A0] = n.word;
  t.regs[A1] = 0n;
  t.regs[A6] = WAKE_NOTIFICATION;
  t.regs[A7] = NO_ERROR;
  n.word = 0n;
}

/** Signal: wake the bound thread's Recv or a waiter, or keep the bits. */
export function signal(host: IpcHost, n: Notification, badge: bigint, from: Tcb | undefined): void {
  if (from) host.noteSignal(from);
  const bound = n.boundTcb;
  if (bound && bound.state === 'blocked-recv') {
    bound.blocking.endpoint?.remove(bound);
    n.word |= badge;
    takeNotification(bound, n);
    bound.blocking = NOT_BLOCKED;
    host.wake(bound);
    return;
  }
  const waiter = n.waiters.shift();
  if (waiter) {
    n.word |= badge;
    takeNotification(waiter, n);
    waiter.blocking = NOT_BLOCKED;
    host.wake(waiter);
    return;
  }
  n.word |= badge;
}

/** Wait (blocking) or Poll on a notification. */
export function wait(host: IpcHost, t: Tcb, n: Notification, blocking: boolean): void {
  if (n.word !== 0n || !blocking) {
    takeNotification(t, n);
    return;
  }
  host.block(t, 'blocked-notification');
  t.blocking = { notification: n };
  n.waiters.push(t);
  host.completed(t);
}

/** Takes a blocked thread out of whatever queue it waits in (restart, suspend). */
export function cancelIpc(host: IpcHost, t: Tcb): void {
  const b = t.blocking;
  b.endpoint?.remove(t);
  if (b.notification) {
    const i = b.notification.waiters.indexOf(t);
    if (i >= 0) b.notification.waiters.splice(i, 1);
  }
  if (b.reply && b.reply.caller === t) {
    // A receiver working on this call keeps the time it was lent until it waits again
    // (seL4's reply_remove_tcb): taken back now, it would run on no budget at all.
    b.reply.caller = undefined;
  }
  t.blocking = NOT_BLOCKED;
  void host;
}
