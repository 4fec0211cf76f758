// Trap entry and return (privileged spec: "Machine Trap Delegation Registers",
// "Machine Trap-Vector Base-Address Register", "Trap-Return Instructions").
import { PC, priv, trapped, stopReason, EXIT_MTRAP } from './state';
import { EXIT_RECORD_OFFSET } from './layout';
import { mstatus, medeleg, mideleg, mie, mip, mtvec, stvec, mepc, mcause, mtval, sepc, scause, stval } from './csr';
import {
  PRV_M, PRV_S, PRV_U,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV,
} from '../spec/csr';
import { MCAUSE_INTERRUPT, IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER } from '../spec/causes';
import { updateTlbBases } from './tlb';
import { clearReservation } from './reservation';

export let hostedM: bool = false;
// Hosted M-mode exits only for the causes whose bit is set (exceptions, interrupts);
// the others enter M-mode natively through mtvec. All set by default.
export let hostedExceptions: u64 = 0xffff_ffff_ffff_ffff;
export let hostedInterrupts: u64 = 0xffff_ffff_ffff_ffff;
export function setHostedCauses(exceptions: u64, interrupts: u64): void {
  hostedExceptions = exceptions;
  hostedInterrupts = interrupts;
}
// The trap being taken now, and the one before it (for trap-loop reports).
export let trapCause: u64 = 0;
export let trapTval: u64 = 0;
export let trapEpc: u64 = 0;
export let prevCause: u64 = 0;
export let prevTval: u64 = 0;
export let prevEpc: u64 = 0;

// Puts a trap into S-mode as if it had been delegated (the host's injection of an
// exception or interrupt into a guest's supervisor): scause, sepc = pc, stval,
// sstatus.SPP/SPIE/SIE, pc = the stvec vector.
export function injectSupervisor(cause: u64, tval: u64, interrupt: bool): void {
  if (priv == PRV_M) return;
  let full = interrupt ? cause | MCAUSE_INTERRUPT : cause;
  clearReservation();
  scause = full;
  sepc = PC;
  stval = tval;
  let s = mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
  if (mstatus & MSTATUS_SIE) s |= MSTATUS_SPIE;
  if (priv == PRV_S) s |= MSTATUS_SPP;
  mstatus = s;
  priv = PRV_S;
  PC = vector(stvec, cause, interrupt);
  updateTlbBases();
}

function enter(cause: u64, tval: u64, interrupt: bool): void {
  trapped = true;
  clearReservation();
  prevCause = trapCause; prevTval = trapTval; prevEpc = trapEpc;
  let full = interrupt ? cause | MCAUSE_INTERRUPT : cause;
  trapCause = full; trapTval = tval; trapEpc = PC;
  let deleg = interrupt ? mideleg : medeleg;
  if (priv <= PRV_S && ((deleg >> cause) & 1) != 0) {
    scause = full;
    sepc = PC;
    stval = tval;
    let s = mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
    if (mstatus & MSTATUS_SIE) s |= MSTATUS_SPIE;
    if (priv == PRV_S) s |= MSTATUS_SPP;
    mstatus = s;
    priv = PRV_S;
    PC = vector(stvec, cause, interrupt);
  } else {
    if (hostedM && ((interrupt ? hostedInterrupts : hostedExceptions) >> cause) & 1) {
      store<u64>(EXIT_RECORD_OFFSET, full);
      store<u64>(EXIT_RECORD_OFFSET, tval, 8);
      store<u64>(EXIT_RECORD_OFFSET, PC, 16);
      stopReason = EXIT_MTRAP;
      return;
    }
    mcause = full;
    mepc = PC;
    mtval = tval;
    let s = mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
    if (mstatus & MSTATUS_MIE) s |= MSTATUS_MPIE;
    s |= <u64>priv << MSTATUS_MPP_SHIFT;
    mstatus = s;
    priv = PRV_M;
    PC = vector(mtvec, cause, interrupt);
  }
  updateTlbBases();
}

@inline function vector(tvec: u64, cause: u64, interrupt: bool): u64 {
  let base = tvec & ~(<u64>3);
  return interrupt && (tvec & 1) != 0 ? base + 4 * cause : base;
}

// Raises a synchronous exception at PC (the caller stored the pc there).
export function raiseException(cause: u64, tval: u64): void { enter(cause, tval, false); }

// Takes the highest-priority pending and enabled interrupt, if any; returns whether
// one was taken. Priority: MEI, MSI, MTI, SEI, SSI, STI (privileged spec 3.1.9).
export function takeInterrupt(): bool {
  let pending = mip() & mie;
  if (pending == 0) return false;
  let m = pending & ~mideleg;
  if (m != 0 && (priv < PRV_M || (mstatus & MSTATUS_MIE) != 0)) {
    enter(pick(m), 0, true);
    return true;
  }
  let s = pending & mideleg;
  if (s != 0 && (priv < PRV_S || (priv == PRV_S && (mstatus & MSTATUS_SIE) != 0))) {
    enter(pick(s), 0, true);
    return true;
  }
  return false;
}

function pick(set: u64): u64 {
  if (set & (1 << IRQ_M_EXT)) return IRQ_M_EXT;
  if (set & (1 << IRQ_M_SOFT)) return IRQ_M_SOFT;
  if (set & (1 << IRQ_M_TIMER)) return IRQ_M_TIMER;
  if (set & (1 << IRQ_S_EXT)) return IRQ_S_EXT;
  if (set & (1 << IRQ_S_SOFT)) return IRQ_S_SOFT;
  return IRQ_S_TIMER;
}

export function mret(): void {
  let mpp = <i32>((mstatus >> MSTATUS_MPP_SHIFT) & 3);
  let s = mstatus & ~(MSTATUS_MIE | MSTATUS_MPP);
  if (mstatus & MSTATUS_MPIE) s |= MSTATUS_MIE;
  s |= MSTATUS_MPIE;
  if (mpp != PRV_M) s &= ~MSTATUS_MPRV;
  mstatus = s; // MPP becomes U, the least-privileged mode
  priv = mpp;
  PC = mepc;
  updateTlbBases();
}

export function sret(): void {
  let spp = (mstatus & MSTATUS_SPP) != 0 ? PRV_S : PRV_U;
  let s = mstatus & ~(MSTATUS_SIE | MSTATUS_SPP);
  if (mstatus & MSTATUS_SPIE) s |= MSTATUS_SIE;
  s |= MSTATUS_SPIE;
  s &= ~MSTATUS_MPRV; // SRET always returns below M
  mstatus = s;
  priv = spp;
  PC = sepc;
  updateTlbBases();
}
