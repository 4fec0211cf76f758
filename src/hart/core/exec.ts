// The run loop: fetch through the fetch TLB, decode through the decoded-instruction
// cache, execute in one switch. Slow paths (TLB miss, MMIO, traps) live in mmu.ts
// and trap.ts; the loop stores its local pc into PC before calling any of them.
import { Op } from './ops';
import {
  TLB_MASK, DC_OFFSET, DC_MASK, DC_SCRATCH, EXIT_RECORD_OFFSET, JIT_PC, JIT_LAST_PC, JIT_LAST_RAW, JIT_KIND, JIT_CAUSE, JIT_TVAL,
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
const NO_PAGE: u64 = 0xffff_ffff_ffff_ffff;

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

@inline function sx32(v: u64): u64 { return <u64><i64><i32>v; }

function mulhu(a: u64, b: u64): u64 {
  let aLo = a & 0xffff_ffff, aHi = a >> 32, bLo = b & 0xffff_ffff, bHi = b >> 32;
  let ll = aLo * bLo, lh = aLo * bHi, hl = aHi * bLo, hh = aHi * bHi;
  let mid = (ll >> 32) + (lh & 0xffff_ffff) + (hl & 0xffff_ffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

// Linear-memory address of a data access when its page is in the TLB and the
// access does not cross into the next page; 0 otherwise.
@inline function hostFor(table: usize, va: u64, size: u64): usize {
  let vp = va >> 12;
  let e = table + ((<usize>(vp & TLB_MASK)) << 4);
  if (load<u64>(e) == vp && (va & 0xfff) <= 4096 - size) return <usize>(va + load<u64>(e, 8));
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
  // The page the block is fetching from, cached in locals: valid until a trap, a
  // TLB flush or anything else that ends the block.
  let fVpn: u64 = NO_PAGE;
  let fAdd: u64 = 0;
  // Whether the JIT may have code for p: 2 after a jump, 1 at the start of the
  // chunk (which may be inside a block: jitEnter does not count it) and after the
  // instruction compiled code left to the interpreter (3 while that one runs), 0
  // otherwise.
  let enter = 1;
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
      fVpn = NO_PAGE;
      p = noteTrap(p, n - left, false);
      if (stopReason >= 0) { n -= left; left = 0; break; }
      // Back to the head rather than on into the fetch: the common path then has no
      // join after the epilogue (V8's code for the loop is 7% shorter per instruction).
      continue;
    }
    // ---- fetch
    let vpn = p >> 12;
    let host: usize;
    if (vpn == fVpn) {
      host = <usize>(p + fAdd);
    } else if (load<u64>(tlbFetch + ((<usize>(vpn & TLB_MASK)) << 4)) == vpn) {
      fAdd = load<u64>(tlbFetch + ((<usize>(vpn & TLB_MASK)) << 4), 8);
      fVpn = vpn;
      host = <usize>(p + fAdd);
    } else {
      PC = p;
      host = fetchSlow(p);
      if (trapped) { left = trapExit(left); continue; }
      enter = 0;
    }
    if (enter == 3) {
      enter = 1;
    } else if (enter != 0) {
      let jumped = enter == 2;
      enter = 0;
      if (jitOn) {
        let r = jitEnter(host, p, left, jumped);
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
            enter = kind != 0 ? 2 : 3;
            continue;
          }
        }
      }
    }
    let raw = load<u32>(host);
    let di = DC_OFFSET + ((<usize>((<u32>host >> 1) & DC_MASK)) << 4);
    if ((<u32>p & 0xffe) == 0xffe && (raw & 3) == 3) {
      // A 32-bit instruction straddling two pages: fetch its upper half separately.
      PC = p;
      let h2 = fetchSlow(p + 2, false);
      if (trapped) { left = trapExit(left); continue; }
      raw = (raw & 0xffff) | (<u32>load<u16>(h2) << 16);
      di = DC_SCRATCH;
      decode(raw, di);
    } else if (load<u32>(di) != raw) {
      decode(raw, di);
    }
    left--;
    let op = <i32>load<u8>(di, 4);
    let rd = <u32>load<u8>(di, 5);
    let rs1 = <u32>load<u8>(di, 6);
    let rs2 = <u32>load<u8>(di, 7);
    let imm = load<i32>(di, 8);
    let npc = p + <u64>load<u8>(di, 13);
    let simm = <u64><i64>imm;
    switch (op) {
      case Op.LUI: setX(rd, simm); break;
      case Op.AUIPC: setX(rd, p + simm); break;
      case Op.JAL: setX(rd, npc); npc = p + simm; enter = 2; break;
      case Op.JALR: { let t = (getX(rs1) + simm) & ~(<u64>1); setX(rd, npc); npc = t; enter = 2; break; }
      case Op.BEQ: if (getX(rs1) == getX(rs2)) { npc = p + simm; enter = 2; } break;
      case Op.BNE: if (getX(rs1) != getX(rs2)) { npc = p + simm; enter = 2; } break;
      case Op.BLT: if (<i64>getX(rs1) < <i64>getX(rs2)) { npc = p + simm; enter = 2; } break;
      case Op.BGE: if (<i64>getX(rs1) >= <i64>getX(rs2)) { npc = p + simm; enter = 2; } break;
      case Op.BLTU: if (getX(rs1) < getX(rs2)) { npc = p + simm; enter = 2; } break;
      case Op.BGEU: if (getX(rs1) >= getX(rs2)) { npc = p + simm; enter = 2; } break;

      case Op.LB: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 1);
        let v: u64;
        if (h != 0) v = <u64>load<u8>(h);
        else {
          PC = p;
          v = loadSlow(va, 1);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, <u64><i64><i8>v);
        break;
      }
      case Op.LH: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 2);
        let v: u64;
        if (h != 0) v = <u64>load<u16>(h);
        else {
          PC = p;
          v = loadSlow(va, 2);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, <u64><i64><i16>v);
        break;
      }
      case Op.LW: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 4);
        let v: u64;
        if (h != 0) v = <u64>load<u32>(h);
        else {
          PC = p;
          v = loadSlow(va, 4);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, sx32(v));
        break;
      }
      case Op.LD: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 8);
        let v: u64;
        if (h != 0) v = <u64>load<u64>(h);
        else {
          PC = p;
          v = loadSlow(va, 8);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, v);
        break;
      }
      case Op.LBU: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 1);
        let v: u64;
        if (h != 0) v = <u64>load<u8>(h);
        else {
          PC = p;
          v = loadSlow(va, 1);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, v);
        break;
      }
      case Op.LHU: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 2);
        let v: u64;
        if (h != 0) v = <u64>load<u16>(h);
        else {
          PC = p;
          v = loadSlow(va, 2);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, v);
        break;
      }
      case Op.LWU: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 4);
        let v: u64;
        if (h != 0) v = <u64>load<u32>(h);
        else {
          PC = p;
          v = loadSlow(va, 4);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setX(rd, v);
        break;
      }
      case Op.FLW: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 4);
        let v: u64;
        if (h != 0) v = <u64>load<u32>(h);
        else {
          PC = p;
          v = loadSlow(va, 4);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setF(rd, BOX | v); markDirty();
        break;
      }
      case Op.FLD: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 8);
        let v: u64;
        if (h != 0) v = <u64>load<u64>(h);
        else {
          PC = p;
          v = loadSlow(va, 8);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setF(rd, v); markDirty();
        break;
      }
      case Op.FLH: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw); left = trapExit(left + 1); continue; }
        let va = getX(rs1) + simm;
        let h = hostFor(tlbLoad, va, 2);
        let v: u64;
        if (h != 0) v = <u64>load<u16>(h);
        else {
          PC = p;
          v = loadSlow(va, 2);
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        setF(rd, 0xffff_ffff_ffff_0000 | v); markDirty();
        break;
      }
      case Op.FSH: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw); left = trapExit(left + 1); continue; }
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 2);
        if (h != 0) store<u16>(h, <u16>getF(rs2));
        else {
          PC = p;
          storeSlow(va, 2, getF(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SB: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 1);
        if (h != 0) store<u8>(h, <u8>getX(rs2));
        else {
          PC = p;
          storeSlow(va, 1, getX(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SH: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 2);
        if (h != 0) store<u16>(h, <u16>getX(rs2));
        else {
          PC = p;
          storeSlow(va, 2, getX(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SW: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 4);
        if (h != 0) store<u32>(h, <u32>getX(rs2));
        else {
          PC = p;
          storeSlow(va, 4, getX(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.SD: {
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 8);
        if (h != 0) store<u64>(h, <u64>getX(rs2));
        else {
          PC = p;
          storeSlow(va, 8, getX(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.FSW: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 4);
        if (h != 0) store<u32>(h, <u32>getF(rs2));
        else {
          PC = p;
          storeSlow(va, 4, getF(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }
      case Op.FSD: {
        if (!fpEnabled()) { raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw & (npc - p == 2 ? 0xffff : 0xffff_ffff)); left = trapExit(left + 1); continue; }
        let va = getX(rs1) + simm;
        let h = hostFor(tlbStore, va, 8);
        if (h != 0) store<u64>(h, <u64>getF(rs2));
        else {
          PC = p;
          storeSlow(va, 8, getF(rs2));
          if (trapped) { left = trapExit(left + 1); continue; }
          if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        }
        break;
      }

      case Op.ADDI: setX(rd, getX(rs1) + simm); break;
      case Op.SLTI: setX(rd, <i64>getX(rs1) < <i64>simm ? 1 : 0); break;
      case Op.SLTIU: setX(rd, getX(rs1) < simm ? 1 : 0); break;
      case Op.XORI: setX(rd, getX(rs1) ^ simm); break;
      case Op.ORI: setX(rd, getX(rs1) | simm); break;
      case Op.ANDI: setX(rd, getX(rs1) & simm); break;
      case Op.SLLI: setX(rd, getX(rs1) << simm); break;
      case Op.SRLI: setX(rd, getX(rs1) >> simm); break;
      case Op.SRAI: setX(rd, <u64>(<i64>getX(rs1) >> <i64>simm)); break;
      case Op.ADD: setX(rd, getX(rs1) + getX(rs2)); break;
      case Op.SUB: setX(rd, getX(rs1) - getX(rs2)); break;
      case Op.SLL: setX(rd, getX(rs1) << (getX(rs2) & 63)); break;
      case Op.SLT: setX(rd, <i64>getX(rs1) < <i64>getX(rs2) ? 1 : 0); break;
      case Op.SLTU: setX(rd, getX(rs1) < getX(rs2) ? 1 : 0); break;
      case Op.XOR: setX(rd, getX(rs1) ^ getX(rs2)); break;
      case Op.SRL: setX(rd, getX(rs1) >> (getX(rs2) & 63)); break;
      case Op.SRA: setX(rd, <u64>(<i64>getX(rs1) >> <i64>(getX(rs2) & 63))); break;
      case Op.OR: setX(rd, getX(rs1) | getX(rs2)); break;
      case Op.AND: setX(rd, getX(rs1) & getX(rs2)); break;
      case Op.ADDIW: setX(rd, sx32(getX(rs1) + simm)); break;
      case Op.SLLIW: setX(rd, sx32(<u64>(<u32>getX(rs1) << <u32>imm))); break;
      case Op.SRLIW: setX(rd, sx32(<u64>(<u32>getX(rs1) >> <u32>imm))); break;
      case Op.SRAIW: setX(rd, <u64><i64>(<i32>getX(rs1) >> imm)); break;
      case Op.ADDW: setX(rd, sx32(getX(rs1) + getX(rs2))); break;
      case Op.SUBW: setX(rd, sx32(getX(rs1) - getX(rs2))); break;
      case Op.SLLW: setX(rd, sx32(<u64>(<u32>getX(rs1) << (<u32>getX(rs2) & 31)))); break;
      case Op.SRLW: setX(rd, sx32(<u64>(<u32>getX(rs1) >> (<u32>getX(rs2) & 31)))); break;
      case Op.SRAW: setX(rd, <u64><i64>(<i32>getX(rs1) >> (<i32>getX(rs2) & 31))); break;

      case Op.MUL: setX(rd, getX(rs1) * getX(rs2)); break;
      case Op.MULH: {
        let a = getX(rs1), b = getX(rs2);
        let h = mulhu(a, b);
        if (<i64>a < 0) h -= b;
        if (<i64>b < 0) h -= a;
        setX(rd, h);
        break;
      }
      case Op.MULHSU: {
        let a = getX(rs1), b = getX(rs2);
        let h = mulhu(a, b);
        if (<i64>a < 0) h -= b;
        setX(rd, h);
        break;
      }
      case Op.MULHU: setX(rd, mulhu(getX(rs1), getX(rs2))); break;
      case Op.DIV: {
        let a = <i64>getX(rs1), b = <i64>getX(rs2);
        setX(rd, b == 0 ? 0xffff_ffff_ffff_ffff : (a == i64.MIN_VALUE && b == -1) ? <u64>a : <u64>(a / b));
        break;
      }
      case Op.DIVU: { let a = getX(rs1), b = getX(rs2); setX(rd, b == 0 ? 0xffff_ffff_ffff_ffff : a / b); break; }
      case Op.REM: {
        let a = <i64>getX(rs1), b = <i64>getX(rs2);
        setX(rd, b == 0 ? <u64>a : (a == i64.MIN_VALUE && b == -1) ? 0 : <u64>(a % b));
        break;
      }
      case Op.REMU: { let a = getX(rs1), b = getX(rs2); setX(rd, b == 0 ? a : a % b); break; }
      case Op.MULW: setX(rd, sx32(getX(rs1) * getX(rs2))); break;
      case Op.DIVW: {
        let a = <i32>getX(rs1), b = <i32>getX(rs2);
        setX(rd, b == 0 ? 0xffff_ffff_ffff_ffff : (a == i32.MIN_VALUE && b == -1) ? <u64><i64>a : <u64><i64>(a / b));
        break;
      }
      case Op.DIVUW: {
        let a = <u32>getX(rs1), b = <u32>getX(rs2);
        setX(rd, b == 0 ? 0xffff_ffff_ffff_ffff : sx32(<u64>(a / b)));
        break;
      }
      case Op.REMW: {
        let a = <i32>getX(rs1), b = <i32>getX(rs2);
        setX(rd, b == 0 ? <u64><i64>a : (a == i32.MIN_VALUE && b == -1) ? 0 : <u64><i64>(a % b));
        break;
      }
      case Op.REMUW: {
        let a = <u32>getX(rs1), b = <u32>getX(rs2);
        setX(rd, b == 0 ? sx32(<u64>a) : sx32(<u64>(a % b)));
        break;
      }

      case Op.SH1ADD: setX(rd, (getX(rs1) << 1) + getX(rs2)); break;
      case Op.SH2ADD: setX(rd, (getX(rs1) << 2) + getX(rs2)); break;
      case Op.SH3ADD: setX(rd, (getX(rs1) << 3) + getX(rs2)); break;
      case Op.ADD_UW: setX(rd, (getX(rs1) & 0xffff_ffff) + getX(rs2)); break;
      case Op.SH1ADD_UW: setX(rd, ((getX(rs1) & 0xffff_ffff) << 1) + getX(rs2)); break;
      case Op.SH2ADD_UW: setX(rd, ((getX(rs1) & 0xffff_ffff) << 2) + getX(rs2)); break;
      case Op.SH3ADD_UW: setX(rd, ((getX(rs1) & 0xffff_ffff) << 3) + getX(rs2)); break;
      case Op.SLLI_UW: setX(rd, (getX(rs1) & 0xffff_ffff) << simm); break;
      case Op.ANDN: setX(rd, getX(rs1) & ~getX(rs2)); break;
      case Op.ORN: setX(rd, getX(rs1) | ~getX(rs2)); break;
      case Op.XNOR: setX(rd, ~(getX(rs1) ^ getX(rs2))); break;
      case Op.CLZ: setX(rd, clz(getX(rs1))); break;
      case Op.CTZ: setX(rd, ctz(getX(rs1))); break;
      case Op.CPOP: setX(rd, popcnt(getX(rs1))); break;
      case Op.CLZW: setX(rd, <u64>clz(<u32>getX(rs1))); break;
      case Op.CTZW: setX(rd, <u64>ctz(<u32>getX(rs1))); break;
      case Op.CPOPW: setX(rd, <u64>popcnt(<u32>getX(rs1))); break;
      case Op.MAX: { let a = getX(rs1), b = getX(rs2); setX(rd, <i64>a > <i64>b ? a : b); break; }
      case Op.MAXU: { let a = getX(rs1), b = getX(rs2); setX(rd, a > b ? a : b); break; }
      case Op.MIN: { let a = getX(rs1), b = getX(rs2); setX(rd, <i64>a < <i64>b ? a : b); break; }
      case Op.MINU: { let a = getX(rs1), b = getX(rs2); setX(rd, a < b ? a : b); break; }
      case Op.SEXT_B: setX(rd, <u64><i64><i8>getX(rs1)); break;
      case Op.SEXT_H: setX(rd, <u64><i64><i16>getX(rs1)); break;
      case Op.ZEXT_H: setX(rd, getX(rs1) & 0xffff); break;
      case Op.ROL: setX(rd, rotl(getX(rs1), getX(rs2) & 63)); break;
      case Op.ROR: setX(rd, rotr(getX(rs1), getX(rs2) & 63)); break;
      case Op.RORI: setX(rd, rotr(getX(rs1), simm)); break;
      case Op.ROLW: setX(rd, sx32(<u64>rotl(<u32>getX(rs1), <u32>getX(rs2) & 31))); break;
      case Op.RORW: setX(rd, sx32(<u64>rotr(<u32>getX(rs1), <u32>getX(rs2) & 31))); break;
      case Op.RORIW: setX(rd, sx32(<u64>rotr(<u32>getX(rs1), <u32>imm))); break;
      case Op.ORC_B: {
        let v = getX(rs1);
        // Each byte becomes 0xff when non-zero: set its high bit from any bit, then spread it.
        let hi = ((v & 0x7f7f_7f7f_7f7f_7f7f) + 0x7f7f_7f7f_7f7f_7f7f | v) & 0x8080_8080_8080_8080;
        setX(rd, (hi >> 7) * 0xff);
        break;
      }
      case Op.REV8: setX(rd, bswap(getX(rs1))); break;
      case Op.BCLR: setX(rd, getX(rs1) & ~(<u64>1 << (getX(rs2) & 63))); break;
      case Op.BCLRI: setX(rd, getX(rs1) & ~(<u64>1 << simm)); break;
      case Op.BEXT: setX(rd, (getX(rs1) >> (getX(rs2) & 63)) & 1); break;
      case Op.BEXTI: setX(rd, (getX(rs1) >> simm) & 1); break;
      case Op.BINV: setX(rd, getX(rs1) ^ (<u64>1 << (getX(rs2) & 63))); break;
      case Op.BINVI: setX(rd, getX(rs1) ^ (<u64>1 << simm)); break;
      case Op.BSET: setX(rd, getX(rs1) | (<u64>1 << (getX(rs2) & 63))); break;
      case Op.BSETI: setX(rd, getX(rs1) | (<u64>1 << simm)); break;
      case Op.CZERO_EQZ: setX(rd, getX(rs2) == 0 ? 0 : getX(rs1)); break;
      case Op.CZERO_NEZ: setX(rd, getX(rs2) != 0 ? 0 : getX(rs1)); break;

      case Op.PAUSE: n -= left; left = 0; break; // a hint: let the host breathe

      case Op.CBO_CLEAN: case Op.CBO_FLUSH: case Op.CBO_INVAL: case Op.CBO_ZERO: {
        PC = p;
        if (!cboAllowed(op)) { raiseAt(p, cboFault, raw); left = trapExit(left + 1); continue; }
        cacheBlockOp(op, getX(rs1));
        if (trapped) { left = trapExit(left + 1); continue; }
        break;
      }

      case Op.SINVAL_VMA: case Op.SFENCE_W_INVAL: case Op.SFENCE_INVAL_IR: {
        let cause = fenceFault(op == Op.SINVAL_VMA);
        if (cause != 0) { raiseAt(p, cause, raw); left = trapExit(left + 1); continue; }
        if (op == Op.SINVAL_VMA) {
          if (rs1 != 0) flushTlbPage(getX(rs1)); else flushTlbAll();
          fVpn = NO_PAGE;
        }
        break;
      }

      case Op.FENCE: case Op.FENCE_I: break; // one hart, and the decode cache checks raw words

      case Op.ECALL:
      case Op.EBREAK:
      case Op.ILLEGAL: {
        PC = p;
        if (op == Op.ECALL && priv == PRV_U && !virt && kfastArmed() && userEcallHosted()) {
          // The kernel's fast path (kfast.ts) may switch threads here. A trap the host
          // would see as a loop goes to the host; after a switch the loop check starts
          // afresh, as in a new run() call. The block goes on in the other thread, but
          // ends where the new timer deadline falls, as a new chunk would
          // (untilDeadline), or at once if Sstc's timers could also fall due.
          let done = n - left - 1;
          if (!(p == lastTrapTarget && retired + <u64>done == lastTrapRetired) && kfastEcall(p, cycles + <u64>done)) {
            lastTrapTarget = 0xffff_ffff_ffff_ffff;
            lastTrapRetired = 0xffff_ffff_ffff_ffff;
            left++; fVpn = NO_PAGE; p = PC; enter = 1;
            let cut = (menvcfg & MENVCFG_STCE) != 0 ? left : cutAt(mtimecmp, cycles + <u64>done, left);
            if (cut >= left) cut = left;
            n -= cut; left -= cut;
            continue;
          }
        }
        if (op == Op.ECALL) raiseAt(p, virt && priv == PRV_S ? CAUSE_VIRTUAL_SUPERVISOR_ECALL : CAUSE_USER_ECALL + <u64>priv, 0);
        else if (op == Op.EBREAK) raiseAt(p, CAUSE_BREAKPOINT, p);
        else raiseAt(p, CAUSE_ILLEGAL_INSTRUCTION, raw & (npc - p == 2 ? 0xffff : 0xffff_ffff));
        left = trapExit(left + 1); continue;
      }

      case Op.MRET: case Op.SRET: {
        PC = p;
        let cause: u64 = 0;
        if (op == Op.MRET) { if (priv != PRV_M) cause = CAUSE_ILLEGAL_INSTRUCTION; }
        else if (virt) { if (priv == PRV_U || (hstatus & HSTATUS_VTSR) != 0) cause = CAUSE_VIRTUAL_INSTRUCTION; }
        else if (priv == PRV_U || (priv == PRV_S && (mstatus & MSTATUS_TSR) != 0)) cause = CAUSE_ILLEGAL_INSTRUCTION;
        if (cause != 0) {
          raiseAt(p, cause, raw);
          left = trapExit(left + 1); continue;
        }
        clearReservation();
        if (op == Op.MRET) mret(); else sret();
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
          raiseAt(p, cause, raw);
          left = trapExit(left + 1); continue;
        }
        if ((mip() & mie) == 0) { stopReason = EXIT_WFI; n -= left; left = 0; }
        break;
      }

      case Op.SFENCE_VMA: {
        let cause = fenceFault(true);
        if (cause != 0) {
          raiseAt(p, cause, raw);
          left = trapExit(left + 1); continue;
        }
        // With an address, only that page's translations go (privileged spec 4.2.1).
        if (rs1 != 0) flushTlbPage(getX(rs1)); else flushTlbAll();
        fVpn = NO_PAGE;
        break;
      }

      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
        PC = p;
        let csr = <u32>imm & 0xfff;
        let isWrite = op == Op.CSRRW || op == Op.CSRRWI;
        let src: u64 = op >= Op.CSRRWI ? <u64>rs1 : getX(rs1);
        // A read sees the counters as they were before this instruction; a write takes
        // effect after it has otherwise completed, in place of its own increment, so the
        // next instruction reads the value written (Zicsr, "CSR Instructions";
        // privileged spec, "Hardware Performance Monitor").
        inflight = <u64>(n - left - 1);
        let writes = isWrite || rs1 != 0;
        // Writing a read-only CSR is illegal in every mode, before any virtual-instruction rule.
        let old = writes && (csr >> 10) == 3 ? 0 : csrRead(csr, true);
        let ok = writes && (csr >> 10) == 3 ? false : csrOk;
        let fault = ok || (writes && (csr >> 10) == 3) ? CAUSE_ILLEGAL_INSTRUCTION : csrFault;
        if (ok && writes) {
          let nv = isWrite ? src : (op == Op.CSRRS || op == Op.CSRRSI) ? old | src : old & ~src;
          inflight = <u64>(n - left);
          ok = csrWrite(csr, nv, true);
        }
        inflight = 0;
        if (!ok) {
          raiseAt(p, fault, raw);
          left = trapExit(left + 1); continue;
        }
        if (rd != 0) setX(rd, old);
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
        let wide = op >= Op.LR_D;
        let size: u64 = wide ? 8 : 4;
        let isLr = op == Op.LR_W || op == Op.LR_D;
        let va = getX(rs1);
        let src = getX(rs2);
        let h = amoHost(va, size, isLr, op == Op.SC_W || op == Op.SC_D);
        if (trapped) { left = trapExit(left + 1); continue; }
        let old: u64 = wide ? load<u64>(h) : sx32(<u64>load<u32>(h));
        let base = wide ? op - (Op.LR_D - Op.LR_W) : op;
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
        setX(rd, result);
        break;
      }

      case Op.HLV_B: case Op.HLV_BU: case Op.HLV_H: case Op.HLV_HU: case Op.HLVX_HU: case Op.HLV_W: case Op.HLV_WU:
      case Op.HLVX_WU: case Op.HLV_D: case Op.HSV_B: case Op.HSV_H: case Op.HSV_W: case Op.HSV_D:
      case Op.HFENCE_VVMA: case Op.HFENCE_GVMA: {
        PC = p;
        if (!execHyper(op, rd, rs1, rs2, raw)) {
          left = trapExit(left + 1); continue;
        }
        fVpn = NO_PAGE;
        if (mmioTouched) { mmioTouched = false; n -= left; left = 0; }
        break;
      }

      default: {
        // Floating point (everything else decodes to an F/D op).
        PC = p;
        if (!execFp(<Op>op, rd, rs1, rs2, <u32>load<u8>(di, 12), <u32>load<u8>(di, 14), raw)) {
          left = trapExit(left + 1); continue;
        }
        break;
      }
    }
    lastP = p;
    lastR = raw;
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
