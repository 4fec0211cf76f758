// The run loop: fetch through the fetch TLB, decode through the decoded-instruction
// cache, execute in one switch. Slow paths (TLB miss, MMIO, traps) live in mmu.ts
// and trap.ts; the loop stores its local pc into PC before calling any of them.
import { Op } from './ops';
import {
  TLB_MASK, DC_OFFSET, DC_MASK, DC_SCRATCH, EXIT_RECORD_OFFSET, JIT_PC, JIT_LAST_PC, JIT_LAST_RAW, JIT_KIND, JIT_CAUSE, JIT_TVAL, FETCH_BASE, FETCH_ADD,
} from './layout';
import {
  PC, priv, virt, trapped, stopReason, getX, setX, getF, setF, EXIT_BUDGET, EXIT_WFI, EXIT_TRAP_LOOP,
} from './state';
import {
  mstatus, mie, mip, csrRead, csrWrite, csrOk, cycles, retired, inflight, mcountinhibit, mtimecmp, mtimeOffset,
  insnsPerTick, menvcfg, stimecmp, mcycleOffset, minstretOffset, csrFault, hstatus, henvcfg, vstimecmp, htimedelta,
} from './csr';
import {
  PRV_M, PRV_S, PRV_U, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, MENVCFG_STCE, HSTATUS_VTSR, HSTATUS_VTVM, HSTATUS_VTW,
} from '../spec/csr';
import {
  CAUSE_ILLEGAL_INSTRUCTION, CAUSE_BREAKPOINT, CAUSE_USER_ECALL, CAUSE_VIRTUAL_INSTRUCTION, CAUSE_VIRTUAL_SUPERVISOR_ECALL,
} from '../spec/causes';
import { execHyper } from './hyper';
import { tlbLoad, tlbStore, tlbFetch, flushTlbAll, flushTlbPage } from './tlb';
import { loadSlow, storeSlow, fetchSlow, amoHost, mmioTouched, cboAllowed, cboFault, cacheBlockOp } from './mmu';
import { kfastArmed, kfastEcall } from './kfast';
import { raiseAt, userEcallHosted, takeInterrupt, mret, sret, prevCause, prevTval, prevEpc, trapEpc } from './trap';
import { reservationValid, reservationAddr, reserve, clearReservation } from './reservation';
import { decode } from './decode';
import { execFp, fpEnabled, markDirty } from './exec-fp';
import { jitOn, jitEnter, codeWritten, JIT_TRAPPED } from './jit';

const CHUNK: i64 = 4096;
const BOX: u64 = 0xffff_ffff_0000_0000;
// execBlock's marks in place of a fetch page (odd: no pc is): arrived by a jump; may
// enter compiled code (the start of a chunk, or the instruction after one compiled
// code left to the interpreter); nothing cached; the interpreter executes this
// instruction, then F_ENTER. F_JUMPED and F_ENTER are the two with (mark | 2) == 3.
const F_JUMPED: u64 = 1;
const F_ENTER: u64 = 3;
const F_INVALID: u64 = 5;
const F_SKIP: u64 = 7;

// For --trace and error reports.
export let lastPc: u64 = 0;
export let lastRaw: u32 = 0;

// Trap-loop detection: a trap taken at the target of the previous trap with no
// instruction retired in between can never make progress.
let lastTrapTarget: u64 = 0xffff_ffff_ffff_ffff;
let lastTrapRetired: u64 = 0xffff_ffff_ffff_ffff;
export let loopCause: u64 = 0;
export let loopTval: u64 = 0;
export let loopEpc: u64 = 0;

export function resetExec(): void {
  lastTrapTarget = 0xffff_ffff_ffff_ffff;
  lastTrapRetired = 0xffff_ffff_ffff_ffff;
}

export function run(budget: i64): i32 {
  stopReason = -1;
  // A trap loop is one this call sees: between calls a host may have changed the pc,
  // the address space or the thread (a kernel resuming another cell at the same pc).
  lastTrapTarget = 0xffff_ffff_ffff_ffff;
  lastTrapRetired = 0xffff_ffff_ffff_ffff;
  while (true) {
    if (budget <= 0) return EXIT_BUDGET;
    if (takeInterrupt()) {
      trapped = false;
      noteTrap(trapEpc, 0, true);
      if (stopReason >= 0) return stopReason;
    }
    let chunk = budget < CHUNK ? budget : CHUNK;
    // End the chunk exactly where the timer fires, so interrupts are taken at the
    // same instruction on every run.
    chunk = untilDeadline(mtimecmp, chunk);
    if (menvcfg & MENVCFG_STCE) {
      chunk = untilDeadline(stimecmp, chunk);
      if (henvcfg & MENVCFG_STCE) chunk = untilDeadline(vstimecmp - htimedelta, chunk);
    }
    let n = execBlock(<i32>chunk);
    budget -= n;
    retired += <u64>n;
    cycles += <u64>n;
    if (mcountinhibit != 0) inhibitCounters(<u64>n);
    if (stopReason >= 0) return stopReason;
  }
}

// mcountinhibit.CY/IR: the counters keep their value while inhibited. `cycles` also
// drives virtual time, so it runs on and the offsets absorb what it counted.
export function inhibitCounters(n: u64): void {
  if (mcountinhibit & 1) mcycleOffset -= n;
  if (mcountinhibit & 4) minstretOffset -= n;
}

// Shortens a chunk so that it ends when mtime reaches cmp.
function untilDeadline(cmp: u64, chunk: i64): i64 {
  if (cmp >= mtimeOffset && cmp - mtimeOffset < 0x0100_0000_0000_0000) {
    let due = (cmp - mtimeOffset) * insnsPerTick;
    if (due > cycles && due - cycles < <u64>chunk) return <i64>(due - cycles);
  }
  return chunk;
}

// How many of the `left` instructions from cycle count `at` fall at or after the one
// where mtime reaches cmp (untilDeadline's cut, in the middle of a block).
function cutAt(cmp: u64, at: u64, left: i32): i32 {
  if (cmp >= mtimeOffset && cmp - mtimeOffset < 0x0100_0000_0000_0000) {
    let due = (cmp - mtimeOffset) * insnsPerTick;
    if (due <= at) return left;
    if (due - at < <u64>left) return left - <i32>(due - at);
  }
  return 0;
}

// Bookkeeping after a trap was taken with epc at p; returns the new pc.
function noteTrap(p: u64, doneInChunk: i32, interrupt: bool): u64 {
  let now = retired + <u64>doneInChunk;
  if (!interrupt && p == lastTrapTarget && PC == lastTrapTarget && now == lastTrapRetired) {
    loopCause = prevCause; loopTval = prevTval; loopEpc = prevEpc;
    store<u64>(EXIT_RECORD_OFFSET, loopCause);
    store<u64>(EXIT_RECORD_OFFSET, loopTval, 8);
    store<u64>(EXIT_RECORD_OFFSET, loopEpc, 16);
    stopReason = EXIT_TRAP_LOOP;
  }
  lastTrapTarget = PC;
  lastTrapRetired = now;
  return PC;
}

// How every trap leaves an instruction in execBlock (`left = trapExit(...); continue`):
// given the budget as it was before the trapping instruction, a negative `left`
// (leftBefore >= 1) that sends the loop to its one trap epilogue, which turns it back.
@inline function trapExit(leftBefore: i32): i32 { return -1 - leftBefore; }

// The fields of a decoded instruction (decode.ts), read from its decode-cache entry.
@inline function rawOf(di: usize): u32 { return load<u32>(di); }
@inline function opOf(di: usize): i32 { return <i32>load<u8>(di, 4); }
@inline function rdOf(di: usize): u32 { return <u32>load<u8>(di, 5); }
@inline function rs1Of(di: usize): u32 { return <u32>load<u8>(di, 6); }
@inline function rs2Of(di: usize): u32 { return <u32>load<u8>(di, 7); }
@inline function immOf(di: usize): i32 { return load<i32>(di, 8); }
@inline function simmOf(di: usize): u64 { return <u64><i64>load<i32>(di, 8); }

// The decode-cache entry of the instruction `raw` at linear address host, decoded
// into it unless it already holds that word.
@inline function decoded(host: usize, raw: u32): usize {
  let di = DC_OFFSET + ((<usize>((<u32>host >> 1) & DC_MASK)) << 4);
  if (load<u32>(di) != raw) decode(raw, di);
  return di;
}

@inline function sx32(v: u64): u64 { return <u64><i64><i32>v; }

function mulhu(a: u64, b: u64): u64 {
  let aLo = a & 0xffff_ffff, aHi = a >> 32, bLo = b & 0xffff_ffff, bHi = b >> 32;
  let ll = aLo * bLo, lh = aLo * bHi, hl = aHi * bLo, hh = aHi * bHi;
  let mid = (ll >> 32) + (lh & 0xffff_ffff) + (hl & 0xffff_ffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

// Linear-memory address of a data access when its page is in the TLB and the
// access does not cross into the next page; 0 otherwise. One compare does both: the
// entry for va's page is compared with the page of the access's last byte, which an
// entry there can hold only if it is va's page (a tag's low bits are its index).
@inline function hostFor(table: usize, va: u64, size: u64): usize {
  let e = table + ((<usize>((va >> 12) & TLB_MASK)) << 4);
  if (load<u64>(e) == (va + size - 1) >> 12) return <usize>(va + load<u64>(e, 8));
  return 0;
}

function execBlock(n: i32): i32 {
  let p = PC;
  // n - left is always what the block has retired. An instruction leaves the block
  // in one of two ways only: it trapped (`left = trapExit(budget before it);
  // continue`, the trap epilogue at the loop's head does the rest), or it completed
  // and the block must end after it, for an MMIO access, a CSR write, xRET, WFI, a
  // thread switch (`n -= left; left = 0`: the budget shrinks to what is done).
  let left = n;
  let lastP: u64 = lastPc;
  let lastR: u32 = lastRaw;
  // The page the block is fetching from (FETCH_BASE, its virtual base, and FETCH_ADD,
  // what turns a pc in it into a linear-memory address), valid until a trap, a TLB
  // flush or anything else that ends the block. One test serves every fetch:
  // rotr(p - base, 1) < 0x7ff holds exactly when p is in the page below its last
  // halfword (pcs are even). Any other fetch takes the slow path: another page, an
  // instruction that may straddle two pages, or FETCH_BASE holding one of the odd marks
  // F_*, which no even difference can pass; a jump sets F_JUMPED, so arriving
  // somewhere, where the JIT may take over, costs no test on the other instructions.
  store<u64>(FETCH_BASE, F_ENTER);
  while (true) {
    if (left <= 0) {
      if (left == 0) break;
      // The one trap epilogue. The instruction at p trapped without retiring (its
      // slow path or raiseAt took the trap: PC is the handler); `left` becomes the
      // budget before it again, so instret counts exactly the instructions before
      // the trap. The fetch page is forgotten (the trap may have changed privilege or
      // translation), the trap-loop check sees the trap, and the block ends if run()
      // must return.
      left = -1 - left;
      trapped = false;
      store<u64>(FETCH_BASE, F_INVALID);
      p = noteTrap(p, n - left, false);
      if (stopReason >= 0) { n -= left; left = 0; break; }
      // Back to the head rather than on into the fetch: the common path then has no
      // join after the epilogue (V8's code for the loop is 7% shorter per instruction).
      continue;
    }
    // ---- fetch
    let raw: u32;
    let di: usize;
    if (rotr<u64>(p - load<u64>(FETCH_BASE), 1) < 0x7ff) {
      let host = <usize>(p + load<u64>(FETCH_ADD));
      raw = load<u32>(host);
      di = decoded(host, raw);
    } else {
      let mark = load<u64>(FETCH_BASE);
      let vpn = p >> 12;
      let host: usize;
      if (load<u64>(tlbFetch + ((<usize>(vpn & TLB_MASK)) << 4)) == vpn) {
        let add = load<u64>(tlbFetch + ((<usize>(vpn & TLB_MASK)) << 4), 8);
        store<u64>(FETCH_BASE, p & ~(<u64>0xfff));
        store<u64>(FETCH_ADD, add);
        host = <usize>(p + add);
      } else {
        PC = p;
        host = fetchSlow(p);
        if (trapped) { left = trapExit(left); continue; }
        store<u64>(FETCH_BASE, F_INVALID);
        mark = F_INVALID;
      }
      if ((mark | 2) == 3) { // F_JUMPED or F_ENTER
        if (jitOn) {
          let r = jitEnter(host, p, left, mark == F_JUMPED);
          if (r >= 0) {
            let kind = load<u32>(JIT_KIND);
            if (r > 0 || kind == JIT_TRAPPED) {
              left -= r;
              if (r > 0) {
                lastP = load<u64>(JIT_LAST_PC);
                lastR = load<u32>(JIT_LAST_RAW);
              }
              p = load<u64>(JIT_PC);
              // The instruction at p traps (compiled EBREAK, an illegal encoding): raised
              // and accounted for as the interpreter does (the compiled block had budget
              // for it, so left >= 1).
              if (kind == JIT_TRAPPED) { raiseAt(p, load<u64>(JIT_CAUSE), load<u64>(JIT_TVAL)); left = trapExit(left); continue; }
              // Arrived by a jump (or at a pc of a chained page with no code there): may
              // enter compiled code at once. Else the interpreter executes the instruction
              // at p, and compiled code is tried again right after it.
              store<u64>(FETCH_BASE, kind != 0 ? F_JUMPED : F_SKIP);
              continue;
            }
          }
        }
      } else if (mark == F_SKIP) {
        store<u64>(FETCH_BASE, F_ENTER);
      }
      raw = load<u32>(host);
      // (One compare: the pc's offset is 0xffe and the low bits say 32-bit.)
      if (((<u32>p & 0xffe) | ((raw & 3) << 12)) == 0x3ffe) {
        // A 32-bit instruction straddling two pages: fetch its upper half separately.
        PC = p;
        let h2 = fetchSlow(p + 2, false);
        if (trapped) { left = trapExit(left); continue; }
        raw = (raw & 0xffff) | (<u32>load<u16>(h2) << 16);
        di = DC_SCRATCH;
        decode(raw, di);
      } else {
        di = decoded(host, raw);
      }
    }
    left--;
    // The instruction's fields are read from its decode-cache entry where a case uses
    // them, not into locals here: V8 spills every value that some case keeps across a
    // call, at its definition, so each local read here would cost a store on every
    // instruction.
    let npc = p + <u64>load<u8>(di, 13);
    switch (<i32>load<u8>(di, 4)) {
      case Op.LUI: setX(rdOf(di), simmOf(di)); break;
      case Op.AUIPC: setX(rdOf(di), p + simmOf(di)); break;
      case Op.JAL: setX(rdOf(di), npc); npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); break;
      case Op.JALR: { let t = (getX(rs1Of(di)) + simmOf(di)) & ~(<u64>1); setX(rdOf(di), npc); npc = t; store<u64>(FETCH_BASE, F_JUMPED); break; }
      case Op.BEQ: if (getX(rs1Of(di)) == getX(rs2Of(di))) { npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); } break;
      case Op.BNE: if (getX(rs1Of(di)) != getX(rs2Of(di))) { npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); } break;
      case Op.BLT: if (<i64>getX(rs1Of(di)) < <i64>getX(rs2Of(di))) { npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); } break;
      case Op.BGE: if (<i64>getX(rs1Of(di)) >= <i64>getX(rs2Of(di))) { npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); } break;
      case Op.BLTU: if (getX(rs1Of(di)) < getX(rs2Of(di))) { npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); } break;
      case Op.BGEU: if (getX(rs1Of(di)) >= getX(rs2Of(di))) { npc = p + simmOf(di); store<u64>(FETCH_BASE, F_JUMPED); } break;

      case Op.LB: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 1);
        let v: u64;
        if (h != 0) v = <u64>load<u8>(h);
        else {
          PC = p;
          v = loadSlow(va, 1);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), <u64><i64><i8>v);
        break;
      }
      case Op.LH: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 2);
        let v: u64;
        if (h != 0) v = <u64>load<u16>(h);
        else {
          PC = p;
          v = loadSlow(va, 2);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), <u64><i64><i16>v);
        break;
      }
      case Op.LW: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 4);
        let v: u64;
        if (h != 0) v = <u64>load<u32>(h);
        else {
          PC = p;
          v = loadSlow(va, 4);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), sx32(v));
        break;
      }
      case Op.LD: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 8);
        let v: u64;
        if (h != 0) v = <u64>load<u64>(h);
        else {
          PC = p;
          v = loadSlow(va, 8);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), v);
        break;
      }
      case Op.LBU: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 1);
        let v: u64;
        if (h != 0) v = <u64>load<u8>(h);
        else {
          PC = p;
          v = loadSlow(va, 1);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), v);
        break;
      }
      case Op.LHU: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 2);
        let v: u64;
        if (h != 0) v = <u64>load<u16>(h);
        else {
          PC = p;
          v = loadSlow(va, 2);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), v);
        break;
      }
      case Op.LWU: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 4);
        let v: u64;
        if (h != 0) v = <u64>load<u32>(h);
        else {
          PC = p;
          v = loadSlow(va, 4);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rdOf(di), v);
        break;
      }
      case Op.FLW: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di) & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 4);
        let v: u64;
        if (h != 0) v = <u64>load<u32>(h);
        else {
          PC = p;
          v = loadSlow(va, 4);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setF(rdOf(di), BOX | v); markDirty();
        break;
      }
      case Op.FLD: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di) & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 8);
        let v: u64;
        if (h != 0) v = <u64>load<u64>(h);
        else {
          PC = p;
          v = loadSlow(va, 8);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setF(rdOf(di), v); markDirty();
        break;
      }
      case Op.FLH: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di)); left = trapExit(left + 1); continue; }
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbLoad, va, 2);
        let v: u64;
        if (h != 0) v = <u64>load<u16>(h);
        else {
          PC = p;
          v = loadSlow(va, 2);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setF(rdOf(di), 0xffff_ffff_ffff_0000 | v); markDirty();
        break;
      }
      case Op.FSH: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di)); left = trapExit(left + 1); continue; }
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 2);
        if (h != 0) store<u16>(h, <u16>getF(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 2, getF(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SB: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 1);
        if (h != 0) store<u8>(h, <u8>getX(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 1, getX(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SH: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 2);
        if (h != 0) store<u16>(h, <u16>getX(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 2, getX(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SW: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 4);
        if (h != 0) store<u32>(h, <u32>getX(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 4, getX(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SD: {
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 8);
        if (h != 0) store<u64>(h, <u64>getX(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 8, getX(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.FSW: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di) & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 4);
        if (h != 0) store<u32>(h, <u32>getF(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 4, getF(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.FSD: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di) & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1Of(di)) + simmOf(di);
        let h = hostFor(tlbStore, va, 8);
        if (h != 0) store<u64>(h, <u64>getF(rs2Of(di)));
        else {
          PC = p;
          storeSlow(va, 8, getF(rs2Of(di)));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }

      case Op.ADDI: setX(rdOf(di), getX(rs1Of(di)) + simmOf(di)); break;
      case Op.SLTI: setX(rdOf(di), <i64>getX(rs1Of(di)) < <i64>simmOf(di) ? 1 : 0); break;
      case Op.SLTIU: setX(rdOf(di), getX(rs1Of(di)) < simmOf(di) ? 1 : 0); break;
      case Op.XORI: setX(rdOf(di), getX(rs1Of(di)) ^ simmOf(di)); break;
      case Op.ORI: setX(rdOf(di), getX(rs1Of(di)) | simmOf(di)); break;
      case Op.ANDI: setX(rdOf(di), getX(rs1Of(di)) & simmOf(di)); break;
      case Op.SLLI: setX(rdOf(di), getX(rs1Of(di)) << simmOf(di)); break;
      case Op.SRLI: setX(rdOf(di), getX(rs1Of(di)) >> simmOf(di)); break;
      case Op.SRAI: setX(rdOf(di), <u64>(<i64>getX(rs1Of(di)) >> <i64>simmOf(di))); break;
      case Op.ADD: setX(rdOf(di), getX(rs1Of(di)) + getX(rs2Of(di))); break;
      case Op.SUB: setX(rdOf(di), getX(rs1Of(di)) - getX(rs2Of(di))); break;
      case Op.SLL: setX(rdOf(di), getX(rs1Of(di)) << (getX(rs2Of(di)) & 63)); break;
      case Op.SLT: setX(rdOf(di), <i64>getX(rs1Of(di)) < <i64>getX(rs2Of(di)) ? 1 : 0); break;
      case Op.SLTU: setX(rdOf(di), getX(rs1Of(di)) < getX(rs2Of(di)) ? 1 : 0); break;
      case Op.XOR: setX(rdOf(di), getX(rs1Of(di)) ^ getX(rs2Of(di))); break;
      case Op.SRL: setX(rdOf(di), getX(rs1Of(di)) >> (getX(rs2Of(di)) & 63)); break;
      case Op.SRA: setX(rdOf(di), <u64>(<i64>getX(rs1Of(di)) >> <i64>(getX(rs2Of(di)) & 63))); break;
      case Op.OR: setX(rdOf(di), getX(rs1Of(di)) | getX(rs2Of(di))); break;
      case Op.AND: setX(rdOf(di), getX(rs1Of(di)) & getX(rs2Of(di))); break;
      case Op.ADDIW: setX(rdOf(di), sx32(getX(rs1Of(di)) + simmOf(di))); break;
      case Op.SLLIW: setX(rdOf(di), sx32(<u64>(<u32>getX(rs1Of(di)) << <u32>immOf(di)))); break;
      case Op.SRLIW: setX(rdOf(di), sx32(<u64>(<u32>getX(rs1Of(di)) >> <u32>immOf(di)))); break;
      case Op.SRAIW: setX(rdOf(di), <u64><i64>(<i32>getX(rs1Of(di)) >> immOf(di))); break;
      case Op.ADDW: setX(rdOf(di), sx32(getX(rs1Of(di)) + getX(rs2Of(di)))); break;
      case Op.SUBW: setX(rdOf(di), sx32(getX(rs1Of(di)) - getX(rs2Of(di)))); break;
      case Op.SLLW: setX(rdOf(di), sx32(<u64>(<u32>getX(rs1Of(di)) << (<u32>getX(rs2Of(di)) & 31)))); break;
      case Op.SRLW: setX(rdOf(di), sx32(<u64>(<u32>getX(rs1Of(di)) >> (<u32>getX(rs2Of(di)) & 31)))); break;
      case Op.SRAW: setX(rdOf(di), <u64><i64>(<i32>getX(rs1Of(di)) >> (<i32>getX(rs2Of(di)) & 31))); break;

      case Op.MUL: setX(rdOf(di), getX(rs1Of(di)) * getX(rs2Of(di))); break;
      case Op.MULH: {
        let a = getX(rs1Of(di)), b = getX(rs2Of(di));
        let h = mulhu(a, b);
        if (<i64>a < 0) h -= b;
        if (<i64>b < 0) h -= a;
        setX(rdOf(di), h);
        break;
      }
      case Op.MULHSU: {
        let a = getX(rs1Of(di)), b = getX(rs2Of(di));
        let h = mulhu(a, b);
        if (<i64>a < 0) h -= b;
        setX(rdOf(di), h);
        break;
      }
      case Op.MULHU: setX(rdOf(di), mulhu(getX(rs1Of(di)), getX(rs2Of(di)))); break;
      case Op.DIV: {
        let a = <i64>getX(rs1Of(di)), b = <i64>getX(rs2Of(di));
        setX(rdOf(di), b == 0 ? 0xffff_ffff_ffff_ffff : (a == i64.MIN_VALUE && b == -1) ? <u64>a : <u64>(a / b));
        break;
      }
      case Op.DIVU: { let a = getX(rs1Of(di)), b = getX(rs2Of(di)); setX(rdOf(di), b == 0 ? 0xffff_ffff_ffff_ffff : a / b); break; }
      case Op.REM: {
        let a = <i64>getX(rs1Of(di)), b = <i64>getX(rs2Of(di));
        setX(rdOf(di), b == 0 ? <u64>a : (a == i64.MIN_VALUE && b == -1) ? 0 : <u64>(a % b));
        break;
      }
      case Op.REMU: { let a = getX(rs1Of(di)), b = getX(rs2Of(di)); setX(rdOf(di), b == 0 ? a : a % b); break; }
      case Op.MULW: setX(rdOf(di), sx32(getX(rs1Of(di)) * getX(rs2Of(di)))); break;
      case Op.DIVW: {
        let a = <i32>getX(rs1Of(di)), b = <i32>getX(rs2Of(di));
        setX(rdOf(di), b == 0 ? 0xffff_ffff_ffff_ffff : (a == i32.MIN_VALUE && b == -1) ? <u64><i64>a : <u64><i64>(a / b));
        break;
      }
      case Op.DIVUW: {
        let a = <u32>getX(rs1Of(di)), b = <u32>getX(rs2Of(di));
        setX(rdOf(di), b == 0 ? 0xffff_ffff_ffff_ffff : sx32(<u64>(a / b)));
        break;
      }
      case Op.REMW: {
        let a = <i32>getX(rs1Of(di)), b = <i32>getX(rs2Of(di));
        setX(rdOf(di), b == 0 ? <u64><i64>a : (a == i32.MIN_VALUE && b == -1) ? 0 : <u64><i64>(a % b));
        break;
      }
      case Op.REMUW: {
        let a = <u32>getX(rs1Of(di)), b = <u32>getX(rs2Of(di));
        setX(rdOf(di), b == 0 ? sx32(<u64>a) : sx32(<u64>(a % b)));
        break;
      }

      case Op.SH1ADD: setX(rdOf(di), (getX(rs1Of(di)) << 1) + getX(rs2Of(di))); break;
      case Op.SH2ADD: setX(rdOf(di), (getX(rs1Of(di)) << 2) + getX(rs2Of(di))); break;
      case Op.SH3ADD: setX(rdOf(di), (getX(rs1Of(di)) << 3) + getX(rs2Of(di))); break;
      case Op.ADD_UW: setX(rdOf(di), (getX(rs1Of(di)) & 0xffff_ffff) + getX(rs2Of(di))); break;
      case Op.SH1ADD_UW: setX(rdOf(di), ((getX(rs1Of(di)) & 0xffff_ffff) << 1) + getX(rs2Of(di))); break;
      case Op.SH2ADD_UW: setX(rdOf(di), ((getX(rs1Of(di)) & 0xffff_ffff) << 2) + getX(rs2Of(di))); break;
      case Op.SH3ADD_UW: setX(rdOf(di), ((getX(rs1Of(di)) & 0xffff_ffff) << 3) + getX(rs2Of(di))); break;
      case Op.SLLI_UW: setX(rdOf(di), (getX(rs1Of(di)) & 0xffff_ffff) << simmOf(di)); break;
      case Op.ANDN: setX(rdOf(di), getX(rs1Of(di)) & ~getX(rs2Of(di))); break;
      case Op.ORN: setX(rdOf(di), getX(rs1Of(di)) | ~getX(rs2Of(di))); break;
      case Op.XNOR: setX(rdOf(di), ~(getX(rs1Of(di)) ^ getX(rs2Of(di)))); break;
      case Op.CLZ: setX(rdOf(di), clz(getX(rs1Of(di)))); break;
      case Op.CTZ: setX(rdOf(di), ctz(getX(rs1Of(di)))); break;
      case Op.CPOP: setX(rdOf(di), popcnt(getX(rs1Of(di)))); break;
      case Op.CLZW: setX(rdOf(di), <u64>clz(<u32>getX(rs1Of(di)))); break;
      case Op.CTZW: setX(rdOf(di), <u64>ctz(<u32>getX(rs1Of(di)))); break;
      case Op.CPOPW: setX(rdOf(di), <u64>popcnt(<u32>getX(rs1Of(di)))); break;
      case Op.MAX: { let a = getX(rs1Of(di)), b = getX(rs2Of(di)); setX(rdOf(di), <i64>a > <i64>b ? a : b); break; }
      case Op.MAXU: { let a = getX(rs1Of(di)), b = getX(rs2Of(di)); setX(rdOf(di), a > b ? a : b); break; }
      case Op.MIN: { let a = getX(rs1Of(di)), b = getX(rs2Of(di)); setX(rdOf(di), <i64>a < <i64>b ? a : b); break; }
      case Op.MINU: { let a = getX(rs1Of(di)), b = getX(rs2Of(di)); setX(rdOf(di), a < b ? a : b); break; }
      case Op.SEXT_B: setX(rdOf(di), <u64><i64><i8>getX(rs1Of(di))); break;
      case Op.SEXT_H: setX(rdOf(di), <u64><i64><i16>getX(rs1Of(di))); break;
      case Op.ZEXT_H: setX(rdOf(di), getX(rs1Of(di)) & 0xffff); break;
      case Op.ROL: setX(rdOf(di), rotl(getX(rs1Of(di)), getX(rs2Of(di)) & 63)); break;
      case Op.ROR: setX(rdOf(di), rotr(getX(rs1Of(di)), getX(rs2Of(di)) & 63)); break;
      case Op.RORI: setX(rdOf(di), rotr(getX(rs1Of(di)), simmOf(di))); break;
      case Op.ROLW: setX(rdOf(di), sx32(<u64>rotl(<u32>getX(rs1Of(di)), <u32>getX(rs2Of(di)) & 31))); break;
      case Op.RORW: setX(rdOf(di), sx32(<u64>rotr(<u32>getX(rs1Of(di)), <u32>getX(rs2Of(di)) & 31))); break;
      case Op.RORIW: setX(rdOf(di), sx32(<u64>rotr(<u32>getX(rs1Of(di)), <u32>immOf(di)))); break;
      case Op.ORC_B: {
        let v = getX(rs1Of(di));
        // Each byte becomes 0xff when non-zero: set its high bit from any bit, then spread it.
        let hi = ((v & 0x7f7f_7f7f_7f7f_7f7f) + 0x7f7f_7f7f_7f7f_7f7f | v) & 0x8080_8080_8080_8080;
        setX(rdOf(di), (hi >> 7) * 0xff);
        break;
      }
      case Op.REV8: setX(rdOf(di), bswap(getX(rs1Of(di)))); break;
      case Op.BCLR: setX(rdOf(di), getX(rs1Of(di)) & ~(<u64>1 << (getX(rs2Of(di)) & 63))); break;
      case Op.BCLRI: setX(rdOf(di), getX(rs1Of(di)) & ~(<u64>1 << simmOf(di))); break;
      case Op.BEXT: setX(rdOf(di), (getX(rs1Of(di)) >> (getX(rs2Of(di)) & 63)) & 1); break;
      case Op.BEXTI: setX(rdOf(di), (getX(rs1Of(di)) >> simmOf(di)) & 1); break;
      case Op.BINV: setX(rdOf(di), getX(rs1Of(di)) ^ (<u64>1 << (getX(rs2Of(di)) & 63))); break;
      case Op.BINVI: setX(rdOf(di), getX(rs1Of(di)) ^ (<u64>1 << simmOf(di))); break;
      case Op.BSET: setX(rdOf(di), getX(rs1Of(di)) | (<u64>1 << (getX(rs2Of(di)) & 63))); break;
      case Op.BSETI: setX(rdOf(di), getX(rs1Of(di)) | (<u64>1 << simmOf(di))); break;
      case Op.CZERO_EQZ: setX(rdOf(di), getX(rs2Of(di)) == 0 ? 0 : getX(rs1Of(di))); break;
      case Op.CZERO_NEZ: setX(rdOf(di), getX(rs2Of(di)) != 0 ? 0 : getX(rs1Of(di))); break;

      case Op.PAUSE: n -= left; left = 0; break; // a hint: let the host breathe

      case Op.CBO_CLEAN: case Op.CBO_FLUSH: case Op.CBO_INVAL: case Op.CBO_ZERO: {
        PC = p;
        if (!cboAllowed(opOf(di))) { raiseAt(p, cboFault, rawOf(di)); left = trapExit(left + 1); continue; }
        cacheBlockOp(opOf(di), getX(rs1Of(di)));
        if (trapped) { left = trapExit(left + 1); continue; }
        break;
      }

      case Op.SINVAL_VMA: case Op.SFENCE_W_INVAL: case Op.SFENCE_INVAL_IR: {
        let cause = fenceFault(opOf(di) == Op.SINVAL_VMA);
        if (cause != 0) { raiseAt(p, cause, rawOf(di)); left = trapExit(left + 1); continue; }
        if (opOf(di) == Op.SINVAL_VMA) {
          if (rs1Of(di) != 0) flushTlbPage(getX(rs1Of(di))); else flushTlbAll();
          store<u64>(FETCH_BASE, F_INVALID);
        }
        break;
      }

      case Op.FENCE: case Op.FENCE_I: break; // one hart, and the decode cache checks raw words

      case Op.ECALL:
      case Op.EBREAK:
      case Op.ILLEGAL: {
        PC = p;
        if (opOf(di) == Op.ECALL && priv == PRV_U && !virt && kfastArmed() && userEcallHosted()) {
          // The kernel's fast path (kfast.ts) may switch threads here. A trap the host
          // would see as a loop goes to the host; after a switch the loop check starts
          // afresh, as in a new run() call. The block goes on in the other thread, but
          // ends where the new timer deadline falls, as a new chunk would
          // (untilDeadline), or at once if Sstc's timers could also fall due.
          let done = n - left - 1;
          if (!(p == lastTrapTarget && retired + <u64>done == lastTrapRetired) && kfastEcall(p, cycles + <u64>done)) {
            lastTrapTarget = 0xffff_ffff_ffff_ffff;
            lastTrapRetired = 0xffff_ffff_ffff_ffff;
            left++; store<u64>(FETCH_BASE, F_ENTER); p = PC;
            let cut = (menvcfg & MENVCFG_STCE) != 0 ? left : cutAt(mtimecmp, cycles + <u64>done, left);
            if (cut >= left) cut = left;
            n -= cut; left -= cut;
            continue;
          }
        }
        if (opOf(di) == Op.ECALL) raiseAt(p, virt && priv == PRV_S ? CAUSE_VIRTUAL_SUPERVISOR_ECALL : CAUSE_USER_ECALL + <u64>priv, 0);
        else if (opOf(di) == Op.EBREAK) raiseAt(p, CAUSE_BREAKPOINT, p);
        else raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, rawOf(di) & (npc - p == 2 ? 0xffff : 0xffff_ffff));
        left = trapExit(left + 1); continue;
      }

      case Op.MRET: case Op.SRET: {
        PC = p;
        let cause: u64 = 0;
        if (opOf(di) == Op.MRET) { if (priv != PRV_M) cause = CAUSE_ILLEGAL_INSTRUCTION; }
        else if (virt) { if (priv == PRV_U || (hstatus & HSTATUS_VTSR) != 0) cause = CAUSE_VIRTUAL_INSTRUCTION; }
        else if (priv == PRV_U || (priv == PRV_S && (mstatus & MSTATUS_TSR) != 0)) cause = CAUSE_ILLEGAL_INSTRUCTION;
        if (cause != 0) {
          raiseAt(p, cause, rawOf(di));
          left = trapExit(left + 1); continue;
        }
        clearReservation();
        if (opOf(di) == Op.MRET) mret(); else sret();
        p = PC;
        // Interrupts may have become enabled: end the block.
        n -= left; left = 0;
        continue;
      }

      case Op.WFI: {
        let cause: u64 = 0;
        if (priv != PRV_M && (mstatus & MSTATUS_TW) != 0) cause = CAUSE_ILLEGAL_INSTRUCTION;
        else if (virt) { if (priv == PRV_U || (hstatus & HSTATUS_VTW) != 0) cause = CAUSE_VIRTUAL_INSTRUCTION; }
        else if (priv == PRV_U) cause = CAUSE_ILLEGAL_INSTRUCTION;
        if (cause != 0) {
          raiseAt(p, cause, rawOf(di));
          left = trapExit(left + 1); continue;
        }
        if ((mip() & mie) == 0) { stopReason = EXIT_WFI; n -= left; left = 0; }
        break;
      }

      case Op.SFENCE_VMA: {
        let cause = fenceFault(true);
        if (cause != 0) {
          raiseAt(p, cause, rawOf(di));
          left = trapExit(left + 1); continue;
        }
        // With an address, only that page's translations go (privileged spec 4.2.1).
        if (rs1Of(di) != 0) flushTlbPage(getX(rs1Of(di))); else flushTlbAll();
        store<u64>(FETCH_BASE, F_INVALID);
        break;
      }

      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
        PC = p;
        let csr = <u32>immOf(di) & 0xfff;
        let isWrite = opOf(di) == Op.CSRRW || opOf(di) == Op.CSRRWI;
        let src: u64 = opOf(di) >= Op.CSRRWI ? <u64>rs1Of(di) : getX(rs1Of(di));
        // A read sees the counters as they were before this instruction; a write takes
        // effect after it has otherwise completed, in place of its own increment, so the
        // next instruction reads the value written (Zicsr, "CSR Instructions";
        // privileged spec, "Hardware Performance Monitor").
        inflight = <u64>(n - left - 1);
        let writes = isWrite || rs1Of(di) != 0;
        // Writing a read-only CSR is illegal in every mode, before any virtual-instruction rule.
        let old = writes && (csr >> 10) == 3 ? 0 : csrRead(csr, true);
        let ok = writes && (csr >> 10) == 3 ? false : csrOk;
        let fault = ok || (writes && (csr >> 10) == 3) ? CAUSE_ILLEGAL_INSTRUCTION : csrFault;
        if (ok && writes) {
          let nv = isWrite ? src : (opOf(di) == Op.CSRRS || opOf(di) == Op.CSRRSI) ? old | src : old & ~src;
          inflight = <u64>(n - left);
          ok = csrWrite(csr, nv, true);
        }
        inflight = 0;
        if (!ok) {
          raiseAt(p, fault, rawOf(di));
          left = trapExit(left + 1); continue;
        }
        if (rdOf(di) != 0) setX(rdOf(di), old);
        // A CSR write may change interrupt enables, translation or privilege views.
        n -= left; left = 0;
        break;
      }

      case Op.LR_W: case Op.LR_D: case Op.SC_W: case Op.SC_D:
      case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W: case Op.AMOOR_W:
      case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
      case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D: case Op.AMOOR_D:
      case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D: {
        PC = p;
        let wide = opOf(di) >= Op.LR_D;
        let size: u64 = wide ? 8 : 4;
        let isLr = opOf(di) == Op.LR_W || opOf(di) == Op.LR_D;
        let va = getX(rs1Of(di));
        let src = getX(rs2Of(di));
        let h = amoHost(va, size, isLr, opOf(di) == Op.SC_W || opOf(di) == Op.SC_D);
        if (trapped) { left = trapExit(left + 1); continue; }
        let old: u64 = wide ? load<u64>(h) : sx32(<u64>load<u32>(h));
        let base = wide ? opOf(di) - (Op.LR_D - Op.LR_W) : opOf(di);
        let result: u64 = old;
        let write = true;
        switch (base) {
          case Op.LR_W: reserve(h); write = false; break;
          case Op.SC_W:
            write = reservationValid && reservationAddr == h;
            result = write ? 0 : 1;
            clearReservation();
            break;
          case Op.AMOSWAP_W: break;
          case Op.AMOADD_W: src = old + src; break;
          case Op.AMOXOR_W: src = old ^ src; break;
          case Op.AMOAND_W: src = old & src; break;
          case Op.AMOOR_W: src = old | src; break;
          case Op.AMOMIN_W: if (wide ? <i64>old < <i64>src : <i32>old < <i32>src) src = old; break;
          case Op.AMOMAX_W: if (wide ? <i64>old > <i64>src : <i32>old > <i32>src) src = old; break;
          case Op.AMOMINU_W: if (wide ? old < src : <u32>old < <u32>src) src = old; break;
          case Op.AMOMAXU_W: if (wide ? old > src : <u32>old > <u32>src) src = old; break;
        }
        if (write) {
          if (wide) store<u64>(h, src); else store<u32>(h, <u32>src);
          codeWritten(h, <usize>size);
        }
        setX(rdOf(di), result);
        break;
      }

      case Op.HLV_B: case Op.HLV_BU: case Op.HLV_H: case Op.HLV_HU: case Op.HLVX_HU: case Op.HLV_W: case Op.HLV_WU:
      case Op.HLVX_WU: case Op.HLV_D: case Op.HSV_B: case Op.HSV_H: case Op.HSV_W: case Op.HSV_D:
      case Op.HFENCE_VVMA: case Op.HFENCE_GVMA: {
        PC = p;
        if (!execHyper(opOf(di), rdOf(di), rs1Of(di), rs2Of(di), rawOf(di))) {
          left = trapExit(left + 1); continue;
        }
        store<u64>(FETCH_BASE, F_INVALID);
        if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        break;
      }

      default: {
        // Floating point (everything else decodes to an F/D op).
        PC = p;
        if (!execFp(<Op>opOf(di), rdOf(di), rs1Of(di), rs2Of(di), <u32>load<u8>(di, 12), <u32>load<u8>(di, 14), rawOf(di))) {
          left = trapExit(left + 1); continue;
        }
        break;
      }
    }
    lastP = p;
    lastR = load<u32>(di);
    p = npc;
  }
  PC = p;
  lastPc = lastP;
  lastRaw = lastR;
  return n - left;
}

// The exception SFENCE.VMA (or SINVAL.VMA: tvm) raises here, or 0: in U-mode it is
// illegal, in VU-mode a virtual instruction; mstatus.TVM governs HS-mode and
// hstatus.VTVM VS-mode (8.6.1... "Virtual Instruction").
function fenceFault(tvm: bool): u64 {
  if (virt) {
    if (priv == PRV_U || (tvm && (hstatus & HSTATUS_VTVM) != 0)) return CAUSE_VIRTUAL_INSTRUCTION;
    return 0;
  }
  if (priv == PRV_U || (tvm && priv == PRV_S && (mstatus & MSTATUS_TVM) != 0)) return CAUSE_ILLEGAL_INSTRUCTION;
  return 0;
}
