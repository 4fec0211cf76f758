// Trap entry and return (privileged spec: "Machine Trap Delegation Registers",
// "Machine Trap-Vector Base-Address Register", "Trap-Return Instructions").
import { PC, priv, virt, trapped, stopReason, EXIT_MTRAP } from './state';
import { EXIT_RECORD_OFFSET } from './layout';
import {
  mstatus, medeleg, mideleg, mie, mip, mtvec, stvec, mepc, mcause, mtval, sepc, scause, stval,
  hExt, hstatus, hedeleg, hideleg, htval, htinst, mtval2, mtinst, vsstatus, vstvec, vsepc, vscause, vstval,
} from './csr';
import {
  PRV_M, PRV_S, PRV_U,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV,
  MSTATUS_MPV, MSTATUS_GVA, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_GVA,
} from '../spec/csr';
import {
  MCAUSE_INTERRUPT, IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER, IRQ_S_GEXT, IRQ_VS_EXT,
  IRQ_VS_SOFT, IRQ_VS_TIMER,
} from '../spec/causes';
import { updateTlbBases } from './tlb';
import { clearReservation } from './reservation';
import { TINST_CAUSES, transformedInstruction } from './tinst';

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

// A U-mode ecall (cause 8) would exit to the host: hosted M-mode takes it and it is not delegated.
export function userEcallHosted(): bool {
  return hostedM && ((hostedExceptions >> 8) & 1) != 0 && ((medeleg >> 8) & 1) == 0;
}

// What enter() records of a hosted exception with tval 0, for a trap the kernel's fast
// path (kfast.ts) answers inside the module: the trap history and the H extension's details.
export function noteHostedTrap(cause: u64, epc: u64): void {
  prevCause = trapCause; prevTval = trapTval; prevEpc = trapEpc;
  trapCause = cause; trapTval = 0; trapEpc = epc;
  pendingGpa = 0; pendingTinst = 0; pendingGva = false;
  if (hExt) {
    mtval2 = 0;
    mtinst = 0;
  }
}

// Puts a trap into a supervisor as if it had been delegated there (the host's injection
// of an exception or interrupt into a guest's supervisor). With V=0, or with
// `toHS`, into HS-mode (S-mode without H): scause, sepc = pc, stval, sstatus, and with H
// hstatus.SPV/SPVP/GVA, htval = gpa >> 2, htinst, V := 0, as a trap from V=1 to HS
// does. With V=1 and not `toHS`, into VS-mode: vscause, vsepc, vstval, vsstatus, pc =
// the vstvec vector, V stays 1; `cause` is then what VS-mode sees (an injected VS-level
// interrupt is given as its supervisor number: 5, not 6). Nothing happens in M-mode.
export function injectSupervisor(cause: u64, tval: u64, interrupt: bool, toHS: bool, gpa: u64, tinst: u64): void {
  if (priv == PRV_M) return;
  clearReservation();
  if (virt && !toHS) {
    enterVS(cause, tval, interrupt);
  } else {
    let gva = virt && !interrupt && ((ADDRESS_CAUSES >> cause) & 1) != 0;
    enterHS(cause, tval, interrupt, gva, gpa, tinst);
  }
  updateTlbBases();
}

// What the slow paths tell trap entry about the exception they raise next (H
// extension): the guest physical address of a guest-page fault (for htval/mtval2),
// the transformed instruction (htinst/mtinst), and whether tval holds a guest
// virtual address although V=0 (HLV/HSV). Consumed by enter().
export let pendingGpa: u64 = 0;
export let pendingTinst: u64 = 0;
export let pendingGva: bool = false;
export function setGuestFault(gpa: u64, tinst: u64, gva: bool): void { pendingGpa = gpa; pendingTinst = tinst; pendingGva = gva; }

// Causes whose tval is a virtual address (breakpoint, misaligned, access and page faults).
const ADDRESS_CAUSES: u64 = 0xb0b0fb;

function enter(cause: u64, tval: u64, interrupt: bool): void {
  trapped = true;
  clearReservation();
  prevCause = trapCause; prevTval = trapTval; prevEpc = trapEpc;
  let full = interrupt ? cause | MCAUSE_INTERRUPT : cause;
  trapCause = full; trapTval = tval; trapEpc = PC;
  let gpa = pendingGpa, tinst = pendingTinst;
  let gva = !interrupt && (pendingGva || (virt && ((ADDRESS_CAUSES >> cause) & 1) != 0));
  // A guest's load or store fault (V=1, or HLV/HSV) gets its transformed instruction.
  if (gva && tinst == 0 && ((TINST_CAUSES >> cause) & 1) != 0) tinst = transformedInstruction(tval);
  pendingGpa = 0; pendingTinst = 0; pendingGva = false;
  let deleg = interrupt ? mideleg : medeleg;
  if (priv <= PRV_S && ((deleg >> cause) & 1) != 0) {
    if (virt && (((interrupt ? hideleg : hedeleg) >> cause) & 1) != 0) {
      // VS-level interrupts appear to the guest as supervisor ones (8.4.2).
      enterVS(interrupt ? cause - 1 : cause, tval, interrupt);
    } else {
      enterHS(cause, tval, interrupt, gva, gpa, tinst);
    }
  } else {
    if (hostedM && ((interrupt ? hostedInterrupts : hostedExceptions) >> cause) & 1) {
      // The H extension's trap details have no place in the exit record: they go where
      // the trap into M would have put them, so a host emulating MMIO for a guest finds
      // the guest physical address and the transformed instruction.
      if (hExt) {
        mtval2 = gpa >> 2;
        mtinst = tinst;
      }
      store<u64>(EXIT_RECORD_OFFSET, full);
      store<u64>(EXIT_RECORD_OFFSET, tval, 8);
      store<u64>(EXIT_RECORD_OFFSET, PC, 16);
      stopReason = EXIT_MTRAP;
      return;
    }
    mcause = full;
    mepc = PC;
    mtval = tval;
    let s = mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPV | MSTATUS_GVA);
    if (mstatus & MSTATUS_MIE) s |= MSTATUS_MPIE;
    s |= <u64>priv << MSTATUS_MPP_SHIFT;
    if (hExt) {
      if (virt) s |= MSTATUS_MPV;
      if (gva) s |= MSTATUS_GVA;
      mtval2 = gpa >> 2;
      mtinst = tinst;
    }
    mstatus = s;
    priv = PRV_M;
    virt = false;
    PC = vector(mtvec, cause, interrupt);
  }
  updateTlbBases();
}

// Trap entry into VS-mode (V stays 1); cause is the one VS-mode sees.
function enterVS(cause: u64, tval: u64, interrupt: bool): void {
  vscause = interrupt ? cause | MCAUSE_INTERRUPT : cause;
  vsepc = PC;
  vstval = tval;
  let s = vsstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
  if (vsstatus & MSTATUS_SIE) s |= MSTATUS_SPIE;
  if (priv == PRV_S) s |= MSTATUS_SPP;
  vsstatus = s;
  priv = PRV_S;
  PC = vector(vstvec, cause, interrupt);
}

// Trap entry into HS-mode (S-mode without H), from V=0 or V=1.
function enterHS(cause: u64, tval: u64, interrupt: bool, gva: bool, gpa: u64, tinst: u64): void {
  scause = interrupt ? cause | MCAUSE_INTERRUPT : cause;
  sepc = PC;
  stval = tval;
  if (hExt) {
    let h = hstatus & ~(HSTATUS_SPV | HSTATUS_GVA);
    if (virt) {
      h |= HSTATUS_SPV;
      h = priv == PRV_S ? h | HSTATUS_SPVP : h & ~HSTATUS_SPVP;
    }
    if (gva) h |= HSTATUS_GVA;
    hstatus = h;
    htval = gpa >> 2;
    htinst = tinst;
  }
  let s = mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
  if (mstatus & MSTATUS_SIE) s |= MSTATUS_SPIE;
  if (priv == PRV_S) s |= MSTATUS_SPP;
  mstatus = s;
  priv = PRV_S;
  virt = false;
  PC = vector(stvec, cause, interrupt);
}

@inline function vector(tvec: u64, cause: u64, interrupt: bool): u64 {
  let base = tvec & ~(<u64>3);
  return interrupt && (tvec & 1) != 0 ? base + 4 * cause : base;
}

// Raises a synchronous exception at PC (the caller stored the pc there).
export function raiseException(cause: u64, tval: u64): void { enter(cause, tval, false); }

// A synchronous exception raised by the instruction at pc, with its tval: how the run
// loop (exec.ts) takes every trap it or compiled code (jit.ts, JIT_TRAPPED) decides
// on; the slow paths (mmu.ts) raise theirs with PC already set.
@inline export function raiseAt(pc: u64, cause: u64, tval: u64): void {
  PC = pc;
  raiseException(cause, tval);
}

// Takes the highest-priority pending and enabled interrupt, if any; returns whether
// one was taken. Priority: MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI
// (privileged spec 3.1.9, 8.4.3). VS-level interrupts that hideleg delegates are
// taken only in V=1, by VS-mode.
export function takeInterrupt(): bool {
  let pending = mip() & mie;
  if (pending == 0) return false;
  let m = pending & ~mideleg;
  if (m != 0 && (priv < PRV_M || (mstatus & MSTATUS_MIE) != 0)) {
    enter(pick(m), 0, true);
    return true;
  }
  let s = pending & mideleg & ~hideleg;
  if (s != 0 && (virt || priv < PRV_S || (priv == PRV_S && (mstatus & MSTATUS_SIE) != 0))) {
    enter(pick(s), 0, true);
    return true;
  }
  if (virt) {
    let vs = pending & mideleg & hideleg;
    if (vs != 0 && (priv == PRV_U || (vsstatus & MSTATUS_SIE) != 0)) {
      enter(pick(vs), 0, true);
      return true;
    }
  }
  return false;
}

function pick(set: u64): u64 {
  if (set & (1 << IRQ_M_EXT)) return IRQ_M_EXT;
  if (set & (1 << IRQ_M_SOFT)) return IRQ_M_SOFT;
  if (set & (1 << IRQ_M_TIMER)) return IRQ_M_TIMER;
  if (set & (1 << IRQ_S_EXT)) return IRQ_S_EXT;
  if (set & (1 << IRQ_S_SOFT)) return IRQ_S_SOFT;
  if (set & (1 << IRQ_S_TIMER)) return IRQ_S_TIMER;
  if (set & (1 << IRQ_S_GEXT)) return IRQ_S_GEXT;
  if (set & (1 << IRQ_VS_EXT)) return IRQ_VS_EXT;
  if (set & (1 << IRQ_VS_SOFT)) return IRQ_VS_SOFT;
  return IRQ_VS_TIMER;
}

// MRET: back to MPP, and to V = MPV when MPP is not M (8.6.4).
export function mret(): void {
  let mpp = <i32>((mstatus >> MSTATUS_MPP_SHIFT) & 3);
  let toVirt = mpp != PRV_M && (mstatus & MSTATUS_MPV) != 0;
  let s = mstatus & ~(MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPV);
  if (mstatus & MSTATUS_MPIE) s |= MSTATUS_MIE;
  s |= MSTATUS_MPIE;
  if (mpp != PRV_M) s &= ~MSTATUS_MPRV;
  mstatus = s; // MPP becomes U, the least-privileged mode
  priv = mpp;
  virt = toVirt;
  PC = mepc;
  updateTlbBases();
}

// SRET: in VS-mode through vsstatus/vsepc; otherwise back to SPP, and to V = SPV.
export function sret(): void {
  if (virt) {
    let spp = (vsstatus & MSTATUS_SPP) != 0 ? PRV_S : PRV_U;
    let v = vsstatus & ~(MSTATUS_SIE | MSTATUS_SPP);
    if (vsstatus & MSTATUS_SPIE) v |= MSTATUS_SIE;
    v |= MSTATUS_SPIE;
    vsstatus = v;
    priv = spp;
    PC = vsepc;
    updateTlbBases();
    return;
  }
  let spp = (mstatus & MSTATUS_SPP) != 0 ? PRV_S : PRV_U;
  let s = mstatus & ~(MSTATUS_SIE | MSTATUS_SPP);
  if (mstatus & MSTATUS_SPIE) s |= MSTATUS_SIE;
  s |= MSTATUS_SPIE;
  s &= ~MSTATUS_MPRV; // SRET always returns below M
  mstatus = s;
  priv = spp;
  if (hExt) {
    virt = (hstatus & HSTATUS_SPV) != 0;
    hstatus &= ~HSTATUS_SPV;
  }
  PC = sepc;
  updateTlbBases();
}
