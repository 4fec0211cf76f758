// The kernel's fast path inside the module (seL4's fastpath, one level lower): a U-mode
// ecall that is a Call or ReplyRecv between the two threads of an armed pair switches
// threads here, without leaving WebAssembly. The host kernel (src/kernel/kfast.ts)
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
  let info = load<u64>(X_OFFSET + A1);
  let len = <u32>info & 0x7f;
  if ((<u32>info & <u32>word(K_CAP_MASK)) != 0 || <f64>len > word(K_MAX_LENGTH)) return false;
  let a7 = load<u64>(X_OFFSET + A7);
  let a0 = load<u64>(X_OFFSET + A0);
  let phase = word(K_PHASE);
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
  // What trap entry records of a hosted ecall.
  noteHostedTrap(8, p);
  clearReservation();
  saveContext(from);
  let f = ramHost(from);
  let t = ramHost(to);
  store<u64>(f + CTX_PC, p + 4);
  store<u64>(f + A7, 0);
  for (let i: usize = 0; i < <usize>len; i++) store<u64>(t + A2 + (i << 3), load<u64>(f + A2 + (i << 3)));
  store<u64>(t + A1, (info & ~(<u64>0xfff)) | <u64>len);
  let badge = phase == 0 ? (<u64>word(K_BADGE_HI) << 32) | <u64>word(K_BADGE_LO) : 0;
  store<u64>(t + A0, badge);
  store<u64>(t + A6, <u64>word(K_WAKE));
  store<u64>(t + A7, 0);
  loadContext(to);
  if (phase == 0) {
    setWord(K_CALLS, word(K_CALLS) + 1);
    setWord(K_CLIENT_TICKS, word(K_CLIENT_TICKS) + used);
  } else {
    setWord(K_REPLIES, word(K_REPLIES) + 1);
    setWord(K_SERVER_TICKS, word(K_SERVER_TICKS) + used);
  }
  amount -= used;
  setWord(K_AMOUNT, amount);
  setWord(K_RUN_START, now);
  setWord(K_LAST_NOW, now);
  setWord(K_PHASE, 1 - phase);
  // The kernel's work moves virtual time on; the timer fires when the budget ends or
  // at the earliest other deadline.
  csr.mtimeOffset = <u64>(now + word(K_OP_TICKS)) - cyclesNow / ipt;
  let deadline = now + amount;
  let floor = word(K_FLOOR);
  if (floor < deadline) deadline = floor;
  csr.mtimecmp = deadline >= NEVER ? 0xffff_ffff_ffff_ffff : <u64>deadline;
  return true;
}
