// The kernel's fast path inside the module (seL4's fastpath, one level lower): a U-mode
// ecall that is the next step of an armed pair switches threads here, without leaving
// WebAssembly. Two kinds of pair: a client's Call and a passive server's ReplyRecv
// (mode 0), a Signal to a higher-priority thread waiting in Recv with the
// notification bound and that thread's Recv back (mode 1), and two threads of one
// priority yielding to each other (mode 2). The host kernel (src/kernel/kfast.ts)
// arms it by writing a descriptor into linear memory whenever it returns to a thread
// in a state where its own fast path's preconditions hold for the pair, and folds in
// what was done here (counters, times, which thread runs) on its next entry. Every
// check here is one the host made when it armed, or one on what can change without
// the host: the registers, the time, the budget. docs/kernel.md, "The fast path".
import { KFAST_OFFSET, X_OFFSET } from './layout';
import * as csr from './csr';
import { saveContext, loadContext } from './context';
import { ramHost } from './mmu';
import { clearReservation } from './reservation';
import { noteHostedTrap } from './trap';

// Descriptor words (f64; the host's kernel/kfast.ts has the same list).
const K_ARMED: usize = 0;       // 1: armed
const K_PHASE: usize = 1;       // 0: the client runs, next a Call; 1: the server runs, next a ReplyRecv
const K_CLIENT: usize = 2;      // context block pa of the client
const K_SERVER: usize = 3;      // and of the server
const K_CSLOT: usize = 4;       // the client's Call: a0 (the endpoint cap)
const K_BADGE_LO: usize = 5;    // that cap's badge, in 32-bit halves
const K_BADGE_HI: usize = 6;
const K_RSLOT: usize = 7;       // the server's ReplyRecv: a6 (reply cap) and a0 (endpoint cap)
const K_ESLOT: usize = 8;
const K_QUIET: usize = 9;       // entry time must be below this (no timer or refill due)
const K_FLOOR: usize = 10;      // the earliest other deadline (timers, refills, the time limit)
const K_AMOUNT: usize = 11;     // budget left in the scheduling context (one refill)
const K_RUN_START: usize = 12;  // mtime when the kernel last returned to a thread
const K_OP_TICKS: usize = 13;   // mtime ticks the kernel charges for one fast Call/ReplyRecv
const K_CALLS: usize = 14;      // done here since armed: Calls, ReplyRecvs,
const K_REPLIES: usize = 15;
const K_CLIENT_TICKS: usize = 16; // ticks charged to the client's and the server's running
const K_SERVER_TICKS: usize = 17;
const K_LAST_NOW: usize = 18;   // entry time of the last one
const K_SYS_CALL: usize = 19;   // a7 of a Call, of a ReplyRecv
const K_SYS_REPLY_RECV: usize = 20;
const K_CAP_MASK: usize = 21;   // message info bits the fast path does not take
const K_MAX_LENGTH: usize = 22; // most message registers (a2..)
const K_WAKE: usize = 23;       // a6 of a thread woken by a message
// Mode 1 (Signal/Recv) reads the words above as: CLIENT the signaller, SERVER the waiter,
// CSLOT and BADGE the signaller's notification cap, RSLOT and ESLOT the waiter's Recv,
// CALLS and REPLIES the Signals and Recvs done, CLIENT/SERVER_TICKS each one's time.
const K_MODE: usize = 24;       // 0: Call/ReplyRecv; 1: Signal/Recv
const K_AMOUNT2: usize = 25;    // mode 1: the budget left of the thread not running (each has its own)
const K_SYS_SIGNAL: usize = 26; // a7 of a Signal, of a Recv
const K_SYS_RECV: usize = 27;
const K_WAKE_SIGNAL: usize = 28; // a6 of a thread woken by a notification
const K_LAST_SIGNAL: usize = 29; // entry time of the last Signal (the waiter's context unblocks then)
const K_SYS_YIELD: usize = 30;  // a7 of a Yield (mode 2: CLIENT and SERVER are the two threads)

const A0: usize = 10 * 8;
const A1: usize = 11 * 8;
const A2: usize = 12 * 8;
const A6: usize = 16 * 8;
const A7: usize = 17 * 8;
const CTX_PC: usize = 0x200;
const NEVER: f64 = 18446744073709551615.0;

@inline function word(i: usize): f64 { return load<f64>(KFAST_OFFSET + (i << 3)); }
@inline function setWord(i: usize, v: f64): void { store<f64>(KFAST_OFFSET + (i << 3), v); }

@inline export function kfastArmed(): bool { return word(K_ARMED) != 0; }

/**
 * The ecall at `p`, with the hart's cycle count at it `cyclesNow`: done here (true, the
 * other thread is on the hart) or left to the host (false, nothing changed).
 */
export function kfastEcall(p: u64, cyclesNow: u64): bool {
  let ipt = csr.insnsPerTick;
  let now = <f64>(cyclesNow / ipt + csr.mtimeOffset);
  if (!(now < word(K_QUIET))) return false;
  let used = now - word(K_RUN_START);
  let amount = word(K_AMOUNT);
  // Budget spent by this entry: the host's time-slice end.
  if (!(used < amount)) return false;
  let a7 = load<u64>(X_OFFSET + A7);
  let a0 = load<u64>(X_OFFSET + A0);
  let phase = word(K_PHASE);
  let mode = word(K_MODE);
  if (mode != 0) {
    return mode == 1 ? signalStep(p, cyclesNow, now, used, amount, a7, a0, phase) : yieldStep(p, cyclesNow, now, used, amount, a7, phase);
  }
  let info = load<u64>(X_OFFSET + A1);
  let len = <u32>info & 0x7f;
  if ((<u32>info & <u32>word(K_CAP_MASK)) != 0 || <f64>len > word(K_MAX_LENGTH)) return false;
  let from: u64, to: u64;
  if (phase == 0) {
    if (<f64>a7 != word(K_SYS_CALL) || (a7 >> 32) != 0 || a0 != <u64>word(K_CSLOT)) return false;
    from = <u64>word(K_CLIENT);
    to = <u64>word(K_SERVER);
  } else {
    if (<f64>a7 != word(K_SYS_REPLY_RECV) || (a7 >> 32) != 0 || a0 != <u64>word(K_ESLOT)) return false;
    if (load<u64>(X_OFFSET + A6) != <u64>word(K_RSLOT)) return false;
    from = <u64>word(K_SERVER);
    to = <u64>word(K_CLIENT);
  }
  leave(p, from);
  let f = ramHost(from);
  let t = ramHost(to);
  for (let i: usize = 0; i < <usize>len; i++) store<u64>(t + A2 + (i << 3), load<u64>(f + A2 + (i << 3)));
  store<u64>(t + A1, (info & ~(<u64>0xfff)) | <u64>len);
  let badge = phase == 0 ? (<u64>word(K_BADGE_HI) << 32) | <u64>word(K_BADGE_LO) : 0;
  store<u64>(t + A0, badge);
  store<u64>(t + A6, <u64>word(K_WAKE));
  store<u64>(t + A7, 0);
  loadContext(to);
  countStep(phase, used);
  amount -= used;
  setWord(K_AMOUNT, amount);
  switched(now, amount, phase, cyclesNow);
  return true;
}

/**
 * Mode 1: the signaller's Signal (phase 0) wakes the waiter, which runs next; the
 * waiter's Recv (phase 1) blocks it again and the signaller, first in line at its
 * priority, runs next. fastpath.ts's signal() and the general path's Recv.
 */
function signalStep(p: u64, cyclesNow: u64, now: f64, used: f64, amount: f64, a7: u64, a0: u64, phase: f64): bool {
  let from: u64, to: u64;
  if (phase == 0) {
    if (<f64>a7 != word(K_SYS_SIGNAL) || (a7 >> 32) != 0 || a0 != <u64>word(K_CSLOT)) return false;
    // The waiter must have budget to be woken into.
    if (!(word(K_AMOUNT2) > 0)) return false;
    from = <u64>word(K_CLIENT);
    to = <u64>word(K_SERVER);
  } else {
    if (<f64>a7 != word(K_SYS_RECV) || (a7 >> 32) != 0 || a0 != <u64>word(K_ESLOT)) return false;
    if (load<u64>(X_OFFSET + A6) != <u64>word(K_RSLOT)) return false;
    from = <u64>word(K_SERVER);
    to = <u64>word(K_CLIENT);
  }
  leave(p, from);
  if (phase == 0) {
    // The waiter's Recv returns the notification's word (the badge: it was clear).
    let t = ramHost(to);
    store<u64>(t + A0, (<u64>word(K_BADGE_HI) << 32) | <u64>word(K_BADGE_LO));
    store<u64>(t + A1, 0);
    store<u64>(t + A6, <u64>word(K_WAKE_SIGNAL));
    store<u64>(t + A7, 0);
    setWord(K_LAST_SIGNAL, now);
  }
  handOver(to, phase, now, used, amount, cyclesNow);
  return true;
}

/**
 * Mode 2: the running thread of the two yields (the general path's Yield: to the back
 * of its priority's queue, where the other is the only one), and the other runs.
 */
function yieldStep(p: u64, cyclesNow: u64, now: f64, used: f64, amount: f64, a7: u64, phase: f64): bool {
  if (<f64>a7 != word(K_SYS_YIELD) || (a7 >> 32) != 0 || !(word(K_AMOUNT2) > 0)) return false;
  let from = <u64>word(phase == 0 ? K_CLIENT : K_SERVER);
  let to = <u64>word(phase == 0 ? K_SERVER : K_CLIENT);
  leave(p, from);
  handOver(to, phase, now, used, amount, cyclesNow);
  return true;
}

/** The ecall at `p` leaves the thread of context `from` past it, a7 = 0 (what trap entry records of a hosted ecall, then the return). */
@inline function leave(p: u64, from: u64): void {
  noteHostedTrap(8, p);
  clearReservation();
  saveContext(from);
  let f = ramHost(from);
  store<u64>(f + CTX_PC, p + 4);
  store<u64>(f + A7, 0);
}

/**
 * Modes 1 and 2: counts the step and the ticks `used` of the thread that left, loads
 * context `to`, and swaps the budgets (each thread has its own scheduling context:
 * the other's budget runs now).
 */
@inline function handOver(to: u64, phase: f64, now: f64, used: f64, amount: f64, cyclesNow: u64): void {
  countStep(phase, used);
  loadContext(to);
  let next = word(K_AMOUNT2);
  setWord(K_AMOUNT2, amount - used);
  setWord(K_AMOUNT, next);
  switched(now, next, phase, cyclesNow);
}

/** A step of phase `phase` done, by a thread that ran `used` ticks since its last one. */
@inline function countStep(phase: f64, used: f64): void {
  if (phase == 0) {
    setWord(K_CALLS, word(K_CALLS) + 1);
    setWord(K_CLIENT_TICKS, word(K_CLIENT_TICKS) + used);
  } else {
    setWord(K_REPLIES, word(K_REPLIES) + 1);
    setWord(K_SERVER_TICKS, word(K_SERVER_TICKS) + used);
  }
}

/** After a step at `now`: the kernel's times, the phase, virtual time and the timer. */
@inline function switched(now: f64, amount: f64, phase: f64, cyclesNow: u64): void {
  setWord(K_RUN_START, now);
  setWord(K_LAST_NOW, now);
  setWord(K_PHASE, 1 - phase);
  // The kernel's work moves virtual time on; the timer fires when the budget ends or
  // at the earliest other deadline.
  csr.mtimeOffset = <u64>(now + word(K_OP_TICKS)) - cyclesNow / csr.insnsPerTick;
  let deadline = now + amount;
  let floor = word(K_FLOOR);
  if (floor < deadline) deadline = floor;
  csr.mtimecmp = deadline >= NEVER ? 0xffff_ffff_ffff_ffff : <u64>deadline;
}
