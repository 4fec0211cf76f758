// The CSR file: storage, WARL legalisation and access checks, in one place
// (privileged spec, chapters "Machine-Level ISA" and "Supervisor-Level ISA").
import { priv, virt } from './state';
import { fflags } from './fpu';
import { flushTlbAll, updateTlbBases, selectAddressSpace, guestSpaceChanged } from './tlb';
import {
  resetTriggers, tselectRead, tselectWrite, tdata1Read, tdata1Write, tdata2Read, tdata2Write, tinfoRead,
} from './trigger';
import {
  CSR_FFLAGS, CSR_FRM, CSR_FCSR, CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_HPMCOUNTER3, CSR_HPMCOUNTER31,
  CSR_SSTATUS, CSR_SIE, CSR_STVEC, CSR_SCOUNTEREN, CSR_SENVCFG, CSR_SSCRATCH, CSR_SEPC, CSR_SCAUSE, CSR_STVAL,
  CSR_SIP, CSR_STIMECMP, CSR_SATP,
  CSR_MSTATUS, CSR_MISA, CSR_MEDELEG, CSR_MIDELEG, CSR_MIE, CSR_MTVEC, CSR_MCOUNTEREN, CSR_MENVCFG,
  CSR_MCOUNTINHIBIT, CSR_MHPMEVENT3, CSR_MHPMEVENT31, CSR_MSCRATCH, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL, CSR_MIP,
  CSR_PMPCFG0, CSR_PMPCFG15, CSR_PMPADDR0, CSR_PMPADDR63, CSR_MCYCLE, CSR_MINSTRET, CSR_MHPMCOUNTER3,
  CSR_MHPMCOUNTER31, CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID, CSR_MHARTID, CSR_MCONFIGPTR,
  CSR_TSELECT, CSR_TDATA1, CSR_TDATA2, CSR_TDATA3, CSR_TINFO,
  PRV_U, PRV_S, PRV_M,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP_SHIFT, MSTATUS_MPP, MSTATUS_FS,
  MSTATUS_FS_DIRTY, MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR,
  MSTATUS_UXL_SHIFT, MSTATUS_UXL, MSTATUS_SXL_SHIFT, MSTATUS_SD,
  ENVCFG_FIOM, ENVCFG_CBIE, ENVCFG_CBCFE, ENVCFG_CBZE, MENVCFG_PBMTE, MENVCFG_STCE, COUNTEREN_TM,
  SATP_MODE, SATP_MODE_BARE, SATP_MODE_SV39, SATP_MODE_SV48, SATP_PPN,
  PMP_R, PMP_W, PMP_X, PMP_A, PMP_OFF, PMP_TOR, PMP_NA4, PMP_L,
  CSR_VSSTATUS, CSR_VSIE, CSR_VSTVEC, CSR_VSSCRATCH, CSR_VSEPC, CSR_VSCAUSE, CSR_VSTVAL, CSR_VSIP, CSR_VSTIMECMP,
  CSR_VSATP, CSR_HSTATUS, CSR_HEDELEG, CSR_HIDELEG, CSR_HIE, CSR_HTIMEDELTA, CSR_HCOUNTEREN, CSR_HGEIE, CSR_HENVCFG,
  CSR_HTVAL, CSR_HIP, CSR_HVIP, CSR_HTINST, CSR_HGATP, CSR_HGEIP, CSR_MTINST, CSR_MTVAL2,
  MSTATUS_GVA, MSTATUS_MPV, HSTATUS_GVA, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_HU, HSTATUS_VTVM, HSTATUS_VTW,
  HSTATUS_VTSR, HSTATUS_VSXL_SHIFT, HGATP_MODE_SV39X4, HGATP_MODE_SV48X4, HGATP_VMID,
} from '../spec/csr';
import {
  IRQ_M_TIMER, IRQ_S_TIMER, IRQ_VS_TIMER, MIP_SSIP, MIP_MSIP, MIP_STIP, MIP_MTIP, MIP_SEIP, MIP_MEIP,
  MIP_VSSIP, MIP_VSTIP, MIP_VSEIP, MIP_SGEIP, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_VIRTUAL_INSTRUCTION,
} from '../spec/causes';

// UXL and SXL are read-only 2: XLEN is 64 in S and U.
const XLEN_64: u64 = 2;
const MSTATUS_UXL_SXL: u64 = (XLEN_64 << MSTATUS_UXL_SHIFT) | (XLEN_64 << MSTATUS_SXL_SHIFT);
const MSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
  MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_MASK: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR |
  MSTATUS_UXL | MSTATUS_SD;

// misa: RV64 with I, M, A, F, D, C, S, U.
export const MISA: u64 = (<u64>2 << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
const MISA_H: u64 = 1 << 7;

const MEDELEG_WRITABLE: u64 = 0xb3ff; // causes 0-9, 12, 13, 15; ecall from M (11) is read-only zero
const S_INTERRUPTS: u64 = MIP_SSIP | MIP_STIP | MIP_SEIP;
const M_INTERRUPTS: u64 = MIP_MSIP | MIP_MTIP | MIP_MEIP;
const MIP_SOFT_WRITABLE: u64 = S_INTERRUPTS; // SSIP, STIP, SEIP are written by M-mode software

// H extension (privileged spec, "Hypervisor Extension"). GEILEN is 0: no guest
// external interrupt lines, so hgeip, hgeie and hstatus.VGEIN are read-only zero.
export const VS_INTERRUPTS: u64 = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
const H_INTERRUPTS: u64 = VS_INTERRUPTS | MIP_SGEIP;
const MEDELEG_WRITABLE_H: u64 = MEDELEG_WRITABLE | (1 << 10) | (0xf << 20); // + ecall from VS, causes 20-23
const HEDELEG_WRITABLE: u64 = 0xb1ff; // causes 0-8, 12, 13, 15 (8.2.2)
const HSTATUS_WRITABLE: u64 = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;
const HSTATUS_VSXL_64: u64 = XLEN_64 << HSTATUS_VSXL_SHIFT;
const HGATP_PPN: u64 = SATP_PPN; // the 16 KiB alignment of the root table is software's duty
const HENVCFG_MENVCFG_GATED: u64 = MENVCFG_PBMTE | MENVCFG_STCE;

export let mstatus: u64 = 0;
export let medeleg: u64 = 0;
export let mideleg: u64 = 0;
export let mie: u64 = 0;
export let mipSoft: u64 = 0;   // software-writable pending bits (SSIP, STIP, SEIP)
export let mipLines: u64 = 0;  // levels driven by devices (MSIP, MEIP, SEIP) and MTIP
export let mtvec: u64 = 0;
export let mcounteren: u64 = 0;
export let mscratch: u64 = 0;
export let mepc: u64 = 0;
export let mcause: u64 = 0;
export let mtval: u64 = 0;
export let menvcfg: u64 = 0;
export let mcountinhibit: u64 = 0;
export let stvec: u64 = 0;
export let scounteren: u64 = 0;
export let sscratch: u64 = 0;
export let sepc: u64 = 0;
export let scause: u64 = 0;
export let stval: u64 = 0;
export let satp: u64 = 0;
export let senvcfg: u64 = 0;
export let frm: u32 = 0;
export let mhartid: u64 = 0;

// Counters: the value is base + what the run loop has retired since the base was set.
export let cycles: u64 = 0;     // retired instructions plus idle cycles skipped during WFI
export let retired: u64 = 0;    // retired instructions
export let mcycleOffset: u64 = 0;
// Instructions retired in the run loop's current block, not yet added to the above.
export let inflight: u64 = 0;
export let minstretOffset: u64 = 0;

// Virtual time: mtime = cycles / insnsPerTick + mtimeOffset.
export let insnsPerTick: u64 = 10;
export let mtimeOffset: u64 = 0;
export let mtimecmp: u64 = 0xffff_ffff_ffff_ffff;
export let stimecmp: u64 = 0xffff_ffff_ffff_ffff;
// The hart's profile (see decode.ts extFull), mirrored here for the envcfg masks.
export let profileFull: bool = true;
// Whether the hart has the H extension (misa.H).
export let hExt: bool = false;

// H extension state. hie's bits live in mie; hip's VSSIP is hvip's.
export let hstatus: u64 = 0;
export let hedeleg: u64 = 0;
export let hideleg: u64 = 0;
export let hvip: u64 = 0;
export let hcounteren: u64 = 0;
export let htimedelta: u64 = 0;
export let henvcfg: u64 = 0;
export let htval: u64 = 0;
export let htinst: u64 = 0;
export let hgatp: u64 = 0;
export let mtval2: u64 = 0;
export let mtinst: u64 = 0;
export let vsstatus: u64 = 0;
export let vstvec: u64 = 0;
export let vsscratch: u64 = 0;
export let vsepc: u64 = 0;
export let vscause: u64 = 0;
export let vstval: u64 = 0;
export let vsatp: u64 = 0;
export let vstimecmp: u64 = 0xffff_ffff_ffff_ffff;

// PMP: 16 entries (privileged spec, "Physical Memory Protection").
export const PMP_COUNT: i32 = 16;
export const pmpcfg = new StaticArray<u8>(16);
export const pmpaddr = new StaticArray<u64>(16);
export let pmpActive: bool = false; // some entry has A != OFF
// The active entries in priority order, decoded for mmu.ts's pmpAllows (a TLB miss
// checks the page and every PTE it reads): the range [lo, hi) each matches (empty
// for a TOR entry whose bounds cross) and its cfg byte.
export let pmpCount: i32 = 0;
export const pmpLo = new StaticArray<u64>(PMP_COUNT);
export const pmpHi = new StaticArray<u64>(PMP_COUNT);
export const pmpCfgOf = new StaticArray<u32>(PMP_COUNT);

export function mtime(): u64 { return (cycles + inflight) / insnsPerTick + mtimeOffset; }

export function mip(): u64 {
  let v = mipSoft | mipLines;
  let now = mtime();
  if (now >= mtimecmp) v |= <u64>1 << IRQ_M_TIMER;
  // Sstc: with menvcfg.STCE, STIP reflects stimecmp and is not software-writable.
  if (menvcfg & MENVCFG_STCE) {
    v &= ~(<u64>1 << IRQ_S_TIMER);
    if (now >= stimecmp) v |= <u64>1 << IRQ_S_TIMER;
  }
  if (hExt) {
    v |= hvip;
    // Sstc for guests: VSTIP also reflects vstimecmp against the guest's time.
    if ((menvcfg & henvcfg & MENVCFG_STCE) != 0 && now + htimedelta >= vstimecmp) v |= <u64>1 << IRQ_VS_TIMER;
  }
  return v;
}

export function resetCsrs(): void {
  mstatus = MSTATUS_UXL_SXL;
  medeleg = 0; mideleg = 0; mie = 0; mipSoft = 0;
  mtvec = 0; mcounteren = 0; mscratch = 0; mepc = 0; mcause = 0; mtval = 0;
  menvcfg = 0; mcountinhibit = 0; stimecmp = 0xffff_ffff_ffff_ffff;
  stvec = 0; scounteren = 0; sscratch = 0; sepc = 0; scause = 0; stval = 0; satp = 0; senvcfg = 0;
  frm = 0; fflags = 0;
  hstatus = hExt ? HSTATUS_VSXL_64 : 0;
  hedeleg = 0; hideleg = 0; hvip = 0; hcounteren = 0; htimedelta = 0; henvcfg = 0; htval = 0; htinst = 0;
  hgatp = 0; mtval2 = 0; mtinst = 0; vsstatus = hExt ? <u64>XLEN_64 << MSTATUS_UXL_SHIFT : 0;
  vstvec = 0; vsscratch = 0; vsepc = 0; vscause = 0; vstval = 0; vsatp = 0; vstimecmp = 0xffff_ffff_ffff_ffff;
  if (hExt) mideleg = H_INTERRUPTS;
  for (let i = 0; i < PMP_COUNT; i++) { pmpcfg[i] = 0; pmpaddr[i] = 0; }
  pmpActive = false;
  pmpCount = 0;
  resetTriggers();
}

function readStatus(): u64 {
  let s = mstatus;
  if ((s & MSTATUS_FS) == MSTATUS_FS_DIRTY) s |= MSTATUS_SD;
  return s;
}

function readVsstatus(): u64 {
  let s = vsstatus;
  if ((s & MSTATUS_FS) == MSTATUS_FS_DIRTY) s |= MSTATUS_SD;
  return s;
}

function writeVsstatus(v: u64): void {
  let changed = (vsstatus ^ v) & MSTATUS_MXR;
  vsstatus = (vsstatus & ~SSTATUS_MASK) | (v & SSTATUS_MASK & ~(MSTATUS_UXL | MSTATUS_SD)) | (XLEN_64 << MSTATUS_UXL_SHIFT);
  // SUM selects other tables (tlb.ts); MXR changes what the cached translations allow.
  if (changed) flushTlbAll();
  updateTlbBases();
}

// Turns the H extension on or off (the profile): its read-only fields follow.
export function setHext(on: bool): void {
  hExt = on;
  hstatus = on ? HSTATUS_VSXL_64 : 0;
  vsstatus = on ? <u64>XLEN_64 << MSTATUS_UXL_SHIFT : 0;
  mideleg = on ? mideleg | H_INTERRUPTS : mideleg & ~H_INTERRUPTS;
  mie &= on ? 0xffff_ffff_ffff_ffff : ~H_INTERRUPTS;
  updateTlbBases();
}

function writeStatus(v: u64): void {
  let writable = MSTATUS_WRITABLE;
  if (hExt) writable |= MSTATUS_GVA | MSTATUS_MPV;
  let n = (mstatus & ~writable) | (v & writable);
  // MPP is WARL: only U, S and M exist; an encoding of 2 keeps the old value.
  if ((n & MSTATUS_MPP) == (<u64>2 << MSTATUS_MPP_SHIFT)) n = (n & ~MSTATUS_MPP) | (mstatus & MSTATUS_MPP);
  let changed = n ^ mstatus;
  mstatus = n;
  // SUM selects other tables (tlb.ts, updateTlbBases).
  if (changed & (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_MXR | MSTATUS_MPV)) flushTlbAll();
  updateTlbBases();
}

// Whether the current mode may read counter n; a refusal sets csrFault (an
// illegal instruction, or a virtual instruction when only hcounteren or, in VU,
// scounteren forbids it: 8.6.1).
function counterAllowed(n: u32): bool {
  let bit = <u64>1 << (n & 31);
  if (priv < PRV_M && (mcounteren & bit) == 0) return false;
  if (virt) {
    if ((hcounteren & bit) == 0 || (priv == PRV_U && (scounteren & bit) == 0)) { csrFault = CAUSE_VIRTUAL_INSTRUCTION; return false; }
    return true;
  }
  if (priv == PRV_U && (scounteren & bit) == 0) return false;
  return true;
}

// An inhibited counter leaves out the block in flight too (the run loop moves its
// offset by the whole block when the block ends).
export function mcycle(): u64 { return cycles + ((mcountinhibit & 1) != 0 ? 0 : inflight) + mcycleOffset; }
export function minstret(): u64 { return retired + ((mcountinhibit & 4) != 0 ? 0 : inflight) + minstretOffset; }

// Result of csrAccess: the value read, and whether the access was legal; when not,
// csrFault is the exception to raise (illegal or virtual instruction).
export let csrOk: bool = true;
export let csrFault: u64 = CAUSE_ILLEGAL_INSTRUCTION;

// In VS-mode the supervisor CSRs that have a VS copy name that copy (8.2).
function vsAlias(n: u32): u32 {
  switch (n) {
    case CSR_SSTATUS: case CSR_SIE: case CSR_STVEC: case CSR_SSCRATCH: case CSR_SEPC: case CSR_SCAUSE:
    case CSR_STVAL: case CSR_SIP: case CSR_STIMECMP: case CSR_SATP:
      return n + 0x100;
  }
  return n;
}

// The privilege checks of a CSR access with the H extension (8.6.1); n is the
// number the instruction names. Returns the CSR to access, or 0xffff_ffff with
// csrFault set.
function hCheck(n: u32): u32 {
  let level = <i32>((n >> 8) & 3);
  if (level == 3) return priv == PRV_M ? n : 0xffff_ffff;
  if (!virt) {
    // Hypervisor and VS CSRs (level 2) belong to HS-mode.
    if (level == 2) {
      // mstatus.TVM also guards hgatp in HS-mode (8.2.10... "hgatp").
      if (n == CSR_HGATP && priv == PRV_S && (mstatus & MSTATUS_TVM) != 0) return 0xffff_ffff;
      // Sstc: without menvcfg.STCE, vstimecmp is M-mode's only.
      if (n == CSR_VSTIMECMP && priv == PRV_S && (menvcfg & MENVCFG_STCE) == 0) return 0xffff_ffff;
      return priv >= PRV_S ? n : 0xffff_ffff;
    }
    return level > priv ? 0xffff_ffff : n;
  }
  // V=1: what HS-mode (or HU for VU) could access but VS/VU may not is a virtual instruction.
  if (level == 2 || (level == 1 && priv == PRV_U)) {
    csrRead(n, false);
    if (csrOk) csrFault = CAUSE_VIRTUAL_INSTRUCTION;
    return 0xffff_ffff;
  }
  if (level == 1) {
    if (n == CSR_SATP && (hstatus & HSTATUS_VTVM) != 0) { csrFault = CAUSE_VIRTUAL_INSTRUCTION; return 0xffff_ffff; }
    if (n == CSR_STIMECMP) {
      if (!profileFull || (menvcfg & MENVCFG_STCE) == 0 || (mcounteren & COUNTEREN_TM) == 0) return 0xffff_ffff;
      if ((henvcfg & MENVCFG_STCE) == 0 || (hcounteren & COUNTEREN_TM) == 0) { csrFault = CAUSE_VIRTUAL_INSTRUCTION; return 0xffff_ffff; }
    }
    return vsAlias(n);
  }
  return n;
}

function vsipRead(): u64 { return (mip() & hideleg & VS_INTERRUPTS) >> 1; }
function vsieRead(): u64 { return (mie & hideleg & VS_INTERRUPTS) >> 1; }

function pmpcfgRead(idx: i32): u64 {
  let v: u64 = 0;
  for (let i = 0; i < 8; i++) v |= <u64>pmpcfg[idx * 8 + i] << (i * 8);
  return v;
}

function pmpLocked(i: i32): bool { return (pmpcfg[i] & PMP_L) != 0; }

function pmpcfgWrite(idx: i32, v: u64): void {
  for (let i = 0; i < 8; i++) {
    let e = idx * 8 + i;
    if (pmpLocked(e)) continue;
    let b = <u8>(v >> (i * 8));
    if ((b & (PMP_R | PMP_W)) == PMP_W) b &= <u8>~PMP_W; // R=0 W=1 is reserved: legalise to no access
    pmpcfg[e] = b & <u8>(PMP_L | PMP_A | PMP_X | PMP_W | PMP_R);
  }
  pmpChanged();
}

function pmpaddrWrite(i: i32, v: u64): void {
  if (pmpLocked(i)) return;
  // A locked TOR entry also locks the pmpaddr below it.
  if (i + 1 < PMP_COUNT && pmpLocked(i + 1) && (pmpcfg[i + 1] & PMP_A) == PMP_TOR) return;
  pmpaddr[i] = v & 0x003f_ffff_ffff_ffff;
  pmpChanged();
}

function pmpChanged(): void {
  pmpCount = 0;
  for (let i = 0; i < PMP_COUNT; i++) {
    let cfg = <u32>pmpcfg[i];
    let a = cfg & PMP_A;
    if (a == PMP_OFF) continue;
    let lo: u64, hi: u64;
    let addr = pmpaddr[i];
    if (a == PMP_TOR) {
      lo = i == 0 ? 0 : pmpaddr[i - 1] << 2;
      hi = addr << 2;
    } else if (a == PMP_NA4) {
      lo = addr << 2;
      hi = lo + 4;
    } else { // NAPOT: trailing ones of pmpaddr give the size
      let ones = ctz(~addr);
      lo = (addr & ~((<u64>1 << ones) - 1)) << 2;
      hi = ones >= 54 ? 0xffff_ffff_ffff_ffff : lo + (<u64>1 << (ones + 3));
    }
    pmpLo[pmpCount] = lo;
    pmpHi[pmpCount] = hi;
    pmpCfgOf[pmpCount] = cfg;
    pmpCount++;
  }
  pmpActive = pmpCount != 0;
  flushTlbAll();
}

// Reads CSR n; sets csrOk = false when n does not exist or the current privilege
// may not read it. checkPriv = false is the debugger's view.
export function csrRead(n: u32, checkPriv: bool): u64 {
  csrOk = true;
  csrFault = CAUSE_ILLEGAL_INSTRUCTION;
  if (checkPriv) {
    if (hExt) {
      n = hCheck(n);
      if (n == 0xffff_ffff) { csrOk = false; return 0; }
    } else if (<i32>((n >> 8) & 3) > priv) { csrOk = false; return 0; }
  }
  if ((n & 0x300) == 0x200 || n == CSR_MTVAL2 || n == CSR_MTINST) {
    if (!hExt) { csrOk = false; return 0; }
    return hRead(n);
  }
  switch (n) {
    case CSR_FFLAGS: if (checkPriv && !fsOn()) break; return fflags;
    case CSR_FRM: if (checkPriv && !fsOn()) break; return frm;
    case CSR_FCSR: if (checkPriv && !fsOn()) break; return (<u64>frm << 5) | fflags;
    case CSR_CYCLE: if (checkPriv && !counterAllowed(n)) break; return mcycle();
    // In V mode time reads as guest time (8.2.5): what vstimecmp counts and KVM's guests set timers by.
    case CSR_TIME: if (checkPriv && !counterAllowed(n)) break; return virt ? mtime() + htimedelta : mtime();
    case CSR_INSTRET: if (checkPriv && !counterAllowed(n)) break; return minstret();
    case CSR_SSTATUS: return readStatus() & SSTATUS_MASK;
    case CSR_SIE: return mie & mideleg & ~H_INTERRUPTS;
    case CSR_STVEC: return stvec;
    case CSR_SCOUNTEREN: return scounteren;
    case CSR_SENVCFG: return senvcfg;
    case CSR_SSCRATCH: return sscratch;
    case CSR_SEPC: return sepc;
    case CSR_SCAUSE: return scause;
    case CSR_STVAL: return stval;
    case CSR_SIP: return mip() & mideleg & ~H_INTERRUPTS;
    case CSR_SATP:
      if (checkPriv && priv == PRV_S && !virt && (mstatus & MSTATUS_TVM) != 0) break;
      return satp;
    case CSR_STIMECMP:
      if (!profileFull) break;
      if (checkPriv && priv < PRV_M && ((menvcfg & MENVCFG_STCE) == 0 || (mcounteren & COUNTEREN_TM) == 0)) break;
      return stimecmp;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR: return 0;
    case CSR_MHARTID: return mhartid;
    case CSR_MSTATUS: return readStatus();
    case CSR_MISA: return hExt ? MISA | MISA_H : MISA;
    case CSR_MEDELEG: return medeleg;
    case CSR_MIDELEG: return mideleg;
    case CSR_MIE: return mie;
    case CSR_MTVEC: return mtvec;
    case CSR_MCOUNTEREN: return mcounteren;
    case CSR_MENVCFG: return menvcfg;
    case CSR_MCOUNTINHIBIT: return mcountinhibit;
    case CSR_MSCRATCH: return mscratch;
    case CSR_MEPC: return mepc;
    case CSR_MCAUSE: return mcause;
    case CSR_MTVAL: return mtval;
    case CSR_MIP: return mip();
    case CSR_MCYCLE: return mcycle();
    case CSR_MINSTRET: return minstret();
    case CSR_TSELECT: return tselectRead();
    case CSR_TDATA1: return tdata1Read();
    case CSR_TDATA2: return tdata2Read();
    case CSR_TDATA3: return 0; // textra64 with every field 0: no extra match conditions
    case CSR_TINFO: return tinfoRead();
    default:
      if (n >= <u32>CSR_PMPCFG0 && n < <u32>CSR_PMPCFG0 + 4) {
        if (n & 1) break; // odd pmpcfg registers do not exist on RV64
        return pmpcfgRead(<i32>(n - CSR_PMPCFG0) >> 1);
      }
      if (n >= <u32>CSR_PMPADDR0 && n < <u32>CSR_PMPADDR0 + <u32>PMP_COUNT) return pmpaddr[n - CSR_PMPADDR0];
      if (n >= <u32>CSR_PMPADDR0 + <u32>PMP_COUNT && n <= <u32>CSR_PMPADDR63) return 0;
      if (n > <u32>CSR_PMPCFG0 + 3 && n <= <u32>CSR_PMPCFG15) { if (n & 1) break; return 0; }
      // mhpmcounter3..31, mhpmevent3..31: implemented as read-only-zero counters.
      if ((n >= <u32>CSR_MHPMCOUNTER3 && n <= <u32>CSR_MHPMCOUNTER31) || (n >= <u32>CSR_MHPMEVENT3 && n <= <u32>CSR_MHPMEVENT31)) return 0;
      if (n >= <u32>CSR_HPMCOUNTER3 && n <= <u32>CSR_HPMCOUNTER31) { if (checkPriv && !counterAllowed(n)) break; return 0; }
  }
  csrOk = false;
  return 0;
}

// Writes CSR n (after a successful csrRead of the same n when checkPriv).
// Returns false when the CSR is read-only at this privilege.
export function csrWrite(n: u32, v: u64, checkPriv: bool): bool {
  if (checkPriv && (n >> 10) == 3) return false;
  if (checkPriv && virt) n = vsAlias(n); // csrRead checked the access
  if ((n & 0x300) == 0x200 || n == CSR_MTVAL2 || n == CSR_MTINST) { if (hExt) hWrite(n, v); return true; }
  switch (n) {
    case CSR_FFLAGS: fflags = <u32>v & 0x1f; fsDirty(); break;
    case CSR_FRM: frm = <u32>v & 7; fsDirty(); break;
    case CSR_FCSR: fflags = <u32>v & 0x1f; frm = (<u32>v >> 5) & 7; fsDirty(); break;
    case CSR_SSTATUS: writeStatus((mstatus & ~SSTATUS_MASK) | (v & SSTATUS_MASK)); break;
    case CSR_SIE: { let m = mideleg & ~H_INTERRUPTS; mie = (mie & ~m) | (v & m); break; }
    case CSR_STVEC: stvec = legalTvec(v, stvec); break;
    case CSR_SCOUNTEREN: scounteren = v & 0xffff_ffff; break;
    case CSR_SENVCFG: senvcfg = legalEnvcfg(v, senvcfg, ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE); break;
    case CSR_STIMECMP: stimecmp = v; break;
    case CSR_SSCRATCH: sscratch = v; break;
    case CSR_SEPC: sepc = v & ~(<u64>1); break;
    case CSR_SCAUSE: scause = v; break;
    case CSR_STVAL: stval = v; break;
    case CSR_SIP: {
      let m = mideleg & MIP_SSIP; // only SSIP is writable through sip
      mipSoft = (mipSoft & ~m) | (v & m);
      break;
    }
    case CSR_SATP: {
      let mode = v & SATP_MODE;
      if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48) break; // unsupported mode: the write has no effect
      satp = v;
      selectAddressSpace(v);
      break;
    }
    case CSR_MSTATUS: writeStatus(v); break;
    case CSR_MISA: break; // WARL: extensions cannot be turned off
    case CSR_MEDELEG: medeleg = v & (hExt ? MEDELEG_WRITABLE_H : MEDELEG_WRITABLE); break;
    // With H, the VS-level and guest external interrupts are always delegated (8.4.1... "mideleg").
    case CSR_MIDELEG: mideleg = (v & S_INTERRUPTS) | (hExt ? H_INTERRUPTS : 0); break;
    case CSR_MIE: mie = v & (S_INTERRUPTS | M_INTERRUPTS | (hExt ? H_INTERRUPTS : 0)); break;
    case CSR_MTVEC: mtvec = legalTvec(v, mtvec); break;
    case CSR_MCOUNTEREN: mcounteren = v & 0xffff_ffff; break;
    case CSR_MENVCFG: {
      let old = menvcfg;
      menvcfg = legalEnvcfg(v, menvcfg, ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | MENVCFG_PBMTE | MENVCFG_STCE);
      if ((old ^ menvcfg) & MENVCFG_PBMTE) flushTlbAll();
      break;
    }
    case CSR_MCOUNTINHIBIT: {
      // The run loop charges a block to the counters under the inhibit bits it ends
      // with; the `inflight` instructions up to and including this write ran under the
      // old ones ("Any CSR write takes effect after the writing instruction has
      // otherwise completed").
      let n = v & 0xffff_fffd;
      let started = mcountinhibit & ~n, stopped = n & ~mcountinhibit;
      if (started & 1) mcycleOffset -= inflight;
      if (stopped & 1) mcycleOffset += inflight;
      if (started & 4) minstretOffset -= inflight;
      if (stopped & 4) minstretOffset += inflight;
      mcountinhibit = n;
      break;
    }
    case CSR_MSCRATCH: mscratch = v; break;
    case CSR_MEPC: mepc = v & ~(<u64>1); break;
    case CSR_MCAUSE: mcause = v; break;
    case CSR_MTVAL: mtval = v; break;
    case CSR_MIP: {
      let m = MIP_SOFT_WRITABLE;
      if (menvcfg & MENVCFG_STCE) m &= ~(<u64>1 << IRQ_S_TIMER);
      mipSoft = (mipSoft & ~m) | (v & m);
      if (hExt) hvip = (hvip & ~MIP_VSSIP) | (v & MIP_VSSIP); // mip.VSSIP is hvip.VSSIP
      break;
    }
    case CSR_MCYCLE: mcycleOffset = v - (mcycle() - mcycleOffset); break;
    case CSR_MINSTRET: minstretOffset = v - (minstret() - minstretOffset); break;
    case CSR_TSELECT: tselectWrite(v); break;
    case CSR_TDATA1: tdata1Write(v); break;
    case CSR_TDATA2: tdata2Write(v); break;
    case CSR_TDATA3: case CSR_TINFO: break; // fields hard-wired (tdata3) or read-only (tinfo)
    case CSR_MHARTID: case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR:
      return !checkPriv;
    default:
      if (n >= <u32>CSR_PMPCFG0 && n < <u32>CSR_PMPCFG0 + 4) { pmpcfgWrite(<i32>(n - CSR_PMPCFG0) >> 1, v); break; }
      if (n >= <u32>CSR_PMPADDR0 && n < <u32>CSR_PMPADDR0 + <u32>PMP_COUNT) { pmpaddrWrite(<i32>(n - CSR_PMPADDR0), v); break; }
      // The remaining pmp, mhpmcounter and mhpmevent registers are read-only zero (WARL).
      break;
  }
  return true;
}

// The RV64GC profile has only FIOM; CBIE's reserved value 2 keeps the old field.
function legalEnvcfg(v: u64, old: u64, mask: u64): u64 {
  if (!profileFull) mask &= ENVCFG_FIOM;
  let n = v & mask;
  if ((n & ENVCFG_CBIE) == (<u64>2 << 4)) n = (n & ~ENVCFG_CBIE) | (old & ENVCFG_CBIE);
  return n;
}

function legalTvec(v: u64, old: u64): u64 {
  let mode = v & 3;
  if (mode >= 2) return old;
  return (v & ~(<u64>3)) | mode;
}

// ---- H extension CSRs -------------------------------------------------------

// FS is on for the current mode: in V=1 both mstatus.FS and vsstatus.FS (8.2.11).
export function fsOn(): bool {
  return (mstatus & MSTATUS_FS) != 0 && (!virt || (vsstatus & MSTATUS_FS) != 0);
}

export function fsDirty(): void {
  mstatus |= MSTATUS_FS_DIRTY;
  if (virt) vsstatus |= MSTATUS_FS_DIRTY;
}

// Reads a hypervisor, VS or H-added machine CSR (n already checked).
function hRead(n: u32): u64 {
  switch (n) {
    case CSR_HSTATUS: return hstatus;
    case CSR_HEDELEG: return hedeleg;
    case CSR_HIDELEG: return hideleg;
    case CSR_HIE: return mie & H_INTERRUPTS;
    case CSR_HTIMEDELTA: return htimedelta;
    case CSR_HCOUNTEREN: return hcounteren;
    case CSR_HGEIE: return 0;
    case CSR_HENVCFG: return henvcfg & (menvcfg | ~HENVCFG_MENVCFG_GATED);
    case CSR_HTVAL: return htval;
    case CSR_HIP: return mip() & H_INTERRUPTS;
    case CSR_HVIP: return hvip;
    case CSR_HTINST: return htinst;
    case CSR_HGATP: return hgatp;
    case CSR_HGEIP: return 0;
    case CSR_VSSTATUS: return readVsstatus();
    case CSR_VSIE: return vsieRead();
    case CSR_VSTVEC: return vstvec;
    case CSR_VSSCRATCH: return vsscratch;
    case CSR_VSEPC: return vsepc;
    case CSR_VSCAUSE: return vscause;
    case CSR_VSTVAL: return vstval;
    case CSR_VSIP: return vsipRead();
    case CSR_VSTIMECMP: if (!profileFull) break; return vstimecmp;
    case CSR_VSATP: return vsatp;
    case CSR_MTVAL2: return mtval2;
    case CSR_MTINST: return mtinst;
  }
  csrOk = false;
  return 0;
}

function hWrite(n: u32, v: u64): void {
  switch (n) {
    case CSR_HSTATUS: hstatus = (v & HSTATUS_WRITABLE) | HSTATUS_VSXL_64; break;
    case CSR_HEDELEG: hedeleg = v & HEDELEG_WRITABLE; break;
    case CSR_HIDELEG: hideleg = v & VS_INTERRUPTS; break;
    case CSR_HIE: mie = (mie & ~H_INTERRUPTS) | (v & H_INTERRUPTS); break;
    case CSR_HTIMEDELTA: htimedelta = v; break;
    case CSR_HCOUNTEREN: hcounteren = v & 0xffff_ffff; break;
    case CSR_HENVCFG: {
      let old = henvcfg;
      // PBMTE and STCE are read-only zero while menvcfg's are zero.
      let mask = ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE | (HENVCFG_MENVCFG_GATED & menvcfg);
      henvcfg = legalEnvcfg(v, henvcfg, mask);
      if ((old ^ henvcfg) & MENVCFG_PBMTE) flushTlbAll();
      break;
    }
    case CSR_HTVAL: htval = v; break;
    case CSR_HIP: hvip = (hvip & ~MIP_VSSIP) | (v & MIP_VSSIP); break; // only VSSIP is writable in hip
    case CSR_HVIP: hvip = v & VS_INTERRUPTS; break;
    case CSR_HTINST: htinst = v; break;
    case CSR_HGATP: {
      let mode = v & SATP_MODE;
      // Unlike satp, an unsupported MODE is legalised, not ignored (8.2.10): to Bare.
      if (mode != SATP_MODE_BARE && mode != HGATP_MODE_SV39X4 && mode != HGATP_MODE_SV48X4) mode = SATP_MODE_BARE;
      // The paged modes' root table is 16 KiB aligned: PPN[1:0] read as zero (8.2.10).
      let ppn = mode == SATP_MODE_BARE ? HGATP_PPN : HGATP_PPN & ~(<u64>3);
      hgatp = mode | (v & (HGATP_VMID | ppn));
      guestSpaceChanged(false);
      break;
    }
    case CSR_VSSTATUS: writeVsstatus(v); break;
    case CSR_VSIE: {
      let m = hideleg & VS_INTERRUPTS;
      mie = (mie & ~m) | ((v << 1) & m);
      break;
    }
    case CSR_VSTVEC: vstvec = legalTvec(v, vstvec); break;
    case CSR_VSSCRATCH: vsscratch = v; break;
    case CSR_VSEPC: vsepc = v & ~(<u64>1); break;
    case CSR_VSCAUSE: vscause = v; break;
    case CSR_VSTVAL: vstval = v; break;
    case CSR_VSIP: {
      let m = hideleg & MIP_VSSIP; // only the software interrupt is writable, when delegated
      hvip = (hvip & ~m) | ((v << 1) & m);
      break;
    }
    case CSR_VSTIMECMP: if (profileFull) vstimecmp = v; break;
    case CSR_VSATP: {
      let mode = v & SATP_MODE;
      if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48) break; // as for satp
      vsatp = v;
      guestSpaceChanged(true);
      break;
    }
    case CSR_MTVAL2: mtval2 = v; break;
    case CSR_MTINST: mtinst = v; break;
  }
}
