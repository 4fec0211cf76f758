// Address translation (Sv39/Sv48), PMP, and the slow paths of memory access:
// everything a load, store or fetch does when its TLB entry misses.
// Privileged spec: "Physical Memory Protection", "Sv39", "Sv48".
import { RAM_OFFSET, MMIO_DATA_OFFSET } from './layout';
import { priv, virt, trapped, ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH } from './state';
import { satp, mstatus, pmpActive, pmpCount, pmpLo, pmpHi, pmpCfgOf, menvcfg, senvcfg, henvcfg, vsatp, vsstatus, hgatp } from './csr';
import {
  MCONTROL6_LOAD, MCONTROL6_STORE, MCONTROL6_EXECUTE,
  PRV_M, PRV_S, PRV_U, MSTATUS_SUM, MSTATUS_MXR, MENVCFG_PBMTE, ENVCFG_CBIE, ENVCFG_CBCFE, ENVCFG_CBZE,
  SATP_MODE, SATP_MODE_BARE, SATP_MODE_SV39, SATP_PPN, HGATP_MODE_SV39X4, HGATP_VMID, PMP_R, PMP_W, PMP_X, PMP_L,
} from '../spec/csr';
import {
  CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
  CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE,
  CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_STORE_GUEST_PAGE_FAULT,
  CAUSE_ILLEGAL_INSTRUCTION, CAUSE_VIRTUAL_INSTRUCTION, CAUSE_BREAKPOINT,
} from '../spec/causes';
import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_PPN_SHIFT, PTE_N } from '../spec/pte';
import { dataPriv, dataVirt, tlbFill, tlbLoad, tlbStore, tlbFetch, noteSuperpage, gstageEpoch, walkEpoch } from './tlb';
import { extFull } from './decode';
import { Op } from './ops';
import { raiseException, setGuestFault } from './trap';
import { watched, triggerFires, pageWatched } from './trigger';
import { codeWritten, pageHasCode } from './jit';

@external('host', 'mmioRead') declare function hostMmioRead(addr: f64, size: i32): i32;
@external('host', 'mmioWrite') declare function hostMmioWrite(addr: f64, size: i32): i32;

export let ramBase: u64 = 0x8000_0000;
export let ramSize: u64 = 0;
// Set when a device asked during an MMIO access that the run loop end its block.
export let mmioTouched: bool = false;

export function setRam(base: u64, size: u64): void { ramBase = base; ramSize = size; }

// MMIO holes inside RAM (HTIF tohost/fromhost): [start, end) pairs.
const MAX_HOLES = 8;
const holeStart = new StaticArray<u64>(MAX_HOLES);
const holeEnd = new StaticArray<u64>(MAX_HOLES);
let holeCount = 0;

export function addHole(start: u64, len: u64): bool {
  if (holeCount >= MAX_HOLES) return false;
  holeStart[holeCount] = start;
  holeEnd[holeCount] = start + len;
  holeCount++;
  return true;
}

export function clearHoles(): void { holeCount = 0; }

function inHole(pa: u64, size: u64): bool {
  for (let i = 0; i < holeCount; i++) if (pa < holeEnd[i] && pa + size > holeStart[i]) return true;
  return false;
}

@inline export function isRam(pa: u64, size: u64): bool {
  return pa - ramBase < ramSize && pa - ramBase + size <= ramSize;
}

@inline export function ramHost(pa: u64): usize { return RAM_OFFSET + <usize>(pa - ramBase); }

// ---- PMP -------------------------------------------------------------------

// Whether an access of `size` bytes at `pa` of the given kind is allowed to privilege p.
export function pmpAllows(pa: u64, size: u64, kind: i32, p: i32): bool {
  // The active entries, decoded when the PMP CSRs were written (csr.ts, pmpChanged).
  let n = pmpCount;
  for (let i = 0; i < n; i++) {
    let lo = unchecked(pmpLo[i]), hi = unchecked(pmpHi[i]);
    if (pa + size <= lo || pa >= hi) continue;
    if (pa < lo || pa + size > hi) return false; // a partial match fails
    let cfg = unchecked(pmpCfgOf[i]);
    if (p == PRV_M && (cfg & PMP_L) == 0) return true;
    let bit: u32 = kind == ACCESS_LOAD ? PMP_R : kind == ACCESS_STORE ? PMP_W : PMP_X;
    return (cfg & bit) != 0;
  }
  return p == PRV_M;
}

@inline function pmpOk(pa: u64, size: u64, kind: i32, p: i32): bool {
  if (!pmpActive) return p == PRV_M || pmpAllows(pa, size, kind, p);
  return pmpAllows(pa, size, kind, p);
}

// ---- translation -------------------------------------------------------------

function faultCause(kind: i32, page: bool): u64 {
  if (kind == ACCESS_FETCH) return page ? CAUSE_FETCH_PAGE_FAULT : CAUSE_FETCH_ACCESS;
  if (kind == ACCESS_LOAD) return page ? CAUSE_LOAD_PAGE_FAULT : CAUSE_LOAD_ACCESS;
  return page ? CAUSE_STORE_PAGE_FAULT : CAUSE_STORE_ACCESS;
}

// When quiet, translate() records a fault in quietFault instead of raising it
// (cache-block operations try a load and then a store permission).
let quiet: bool = false;
let quietFault: u64 = 0xffff_ffff_ffff_ffff;
const NO_FAULT: u64 = 0xffff_ffff_ffff_ffff;

function fail(kind: i32, page: bool, va: u64): u64 {
  let cause = faultCause(kind, page);
  if (quiet) quietFault = cause;
  else raiseAddr(cause, va);
  return 0;
}

// Raises an exception whose tval is va, noting for trap entry that va is a guest
// virtual address when the access is a V=1 one (also HLV/HSV from V=0).
function raiseAddr(cause: u64, va: u64): void {
  if (xVirt) setGuestFault(0, 0, true);
  raiseException(cause, va);
}

// ---- H extension: the access being translated ------------------------------------

// Whether the access in progress is translated in two stages (V=1, MPRV with MPV,
// or HLV/HSV), and for HLV/HSV the privilege (hstatus.SPVP) and HLVX's execute check.
let xVirt: bool = false;
let xExec: bool = false;
let hyperPriv: i32 = -1; // >= 0 while an HLV/HSV runs

export function setHyperAccess(p: i32, exec: bool): void { hyperPriv = p; xExec = exec; }

@inline function accessPriv(): i32 {
  if (hyperPriv >= 0) { xVirt = true; return hyperPriv; }
  xVirt = dataVirt();
  return dataPriv();
}

// htinst/mtinst for a guest-page fault of an implicit VS-stage page-table access: the
// pseudoinstructions of a 64-bit read, or write (A/D update), which a nonzero htval
// makes mandatory (8.6.3... "Transformed Instruction or Pseudoinstruction").
const TINST_PT_READ: u64 = 0x3000;
const TINST_PT_WRITE: u64 = 0x3020;

function guestFault(kind: i32, va: u64, gpa: u64, tinst: u64 = 0): u64 {
  let cause: u64 = kind == ACCESS_FETCH ? CAUSE_FETCH_GUEST_PAGE_FAULT
    : kind == ACCESS_LOAD ? CAUSE_LOAD_GUEST_PAGE_FAULT : CAUSE_STORE_GUEST_PAGE_FAULT;
  if (quiet) { quietFault = cause; return 0; }
  // htval/mtval2 get the GPA shifted right by 2; its low two bits are lost (8.2.8... "htval").
  setGuestFault(gpa, tinst, true);
  raiseException(cause, va);
  return 0;
}

// Offset mask of the G-stage leaf of the last gStage() call.
let gLeafMask: u64 = 0xfff;

// G-stage translation (Sv39x4, Sv48x4: 8.5.1) of gpa for an access of the given kind
// made for guest virtual address va. Every access is checked as a U-mode one; an
// implicit access (a VS-stage PTE) reads, or writes for A/D, as `implicitStore`.
// Returns the physical address, or 0 with the fault raised.
//
// The G-stage translations found are kept per 4 KiB guest page (a G-stage TLB): a
// guest's TLB miss then walks only its VS-stage tables, finding both the G-stage
// translations of their pages and that of the page itself here. Entries are tagged
// with hgatp's MODE and VMID, so that switching guests keeps them (an hgatp write
// implies no fence: software reusing a VMID for other tables executes HFENCE.GVMA),
// and go with every full flush (gstageEpoch: HFENCE.GVMA, SFENCE.VMA with x0, PMP
// and trigger changes). An entry holds the page's host PPN, the leaf's R, W, X and D
// after the walk that filled it (A is set by then), and log2 of the leaf's size; an
// access the entry does not allow as it stands (a store to a page without D, say)
// walks again, which sets D or raises the fault.
const G_CACHE = 4096;
const gTag = new StaticArray<u64>(G_CACHE);
const gVal = new StaticArray<u64>(G_CACHE);
const gEpoch = new StaticArray<u32>(G_CACHE);
const G_PERMS: u64 = PTE_R | PTE_W | PTE_X | PTE_D;
// A PPN is 44 bits wide, so a physical page address fits bits 55:12; the size goes above.
const G_SIZE_SHIFT: u64 = 58;
const G_PAGE: u64 = 0x00ff_ffff_ffff_f000;

function gStage(gpa: u64, kind: i32, va: u64, implicitStore: bool, implicit: bool): u64 {
  let mode = hgatp & SATP_MODE;
  gLeafMask = 0xffff_ffff_ffff_ffff;
  if (mode == SATP_MODE_BARE) return gpa;
  let gpn = gpa >> 12;
  let isStore = implicit ? implicitStore : kind == ACCESS_STORE;
  let needX = !implicit && (kind == ACCESS_FETCH || xExec);
  // GPAs are below 2^50, so the tag's bits 51:38 hold the VMID and 55:52 the MODE.
  let tag = gpn | (((hgatp & HGATP_VMID) >> 44) << 38) | ((hgatp >> 60) << 52);
  let slot = <i32>(gpn & (G_CACHE - 1)); // (indexes below are masked: unchecked)
  if (unchecked(gTag[slot]) == tag && unchecked(gEpoch[slot]) == gstageEpoch) {
    let v = unchecked(gVal[slot]);
    let ok = isStore ? (v & (PTE_W | PTE_D)) == (PTE_W | PTE_D)
      : needX ? (v & PTE_X) != 0
      : (v & PTE_R) != 0 || ((mstatus & MSTATUS_MXR) != 0 && (v & PTE_X) != 0);
    if (ok) {
      gLeafMask = (<u64>1 << ((v >> G_SIZE_SHIFT) & 63)) - 1;
      return (v & G_PAGE) | (gpa & 0xfff);
    }
  }
  let tinst: u64 = !implicit ? 0 : implicitStore ? TINST_PT_WRITE : TINST_PT_READ;
  let levels = mode == HGATP_MODE_SV39X4 ? 3 : 4;
  let gpaBits: u64 = 14 + 9 * <u64>levels;
  if ((gpa >> gpaBits) != 0) return guestFault(kind, va, gpa, tinst);
  let a = (hgatp & SATP_PPN) << 12;
  let i = levels - 1;
  let pte: u64 = 0;
  let pteAddr: u64 = 0;
  while (true) {
    let idxMask: u64 = i == levels - 1 ? 0x7ff : 0x1ff; // the root table is 16 KiB
    pteAddr = a + (((gpa >> (12 + 9 * <u64>i)) & idxMask) << 3);
    if (!isRam(pteAddr, 8) || !pmpOk(pteAddr, 8, ACCESS_LOAD, PRV_S)) return fail(kind, false, va);
    pte = load<u64>(ramHost(pteAddr));
    if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W) return guestFault(kind, va, gpa, tinst);
    if (!pteHighBitsOk(pte, menvcfg)) return guestFault(kind, va, gpa, tinst);
    if ((pte & (PTE_R | PTE_X)) != 0) break;
    if ((pte & (PTE_D | PTE_A | PTE_U)) != 0 || (pte >> 61) != 0 || i == 0) return guestFault(kind, va, gpa, tinst);
    i--;
    a = ((pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff) << 12;
  }
  let ok = (pte & PTE_U) != 0;
  if (isStore) ok = ok && (pte & PTE_W) != 0;
  else if (needX) ok = ok && (pte & PTE_X) != 0;
  else ok = ok && ((pte & PTE_R) != 0 || ((mstatus & MSTATUS_MXR) != 0 && (pte & PTE_X) != 0));
  let ppn = (pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff;
  let mask = leafOffsetMask(pte, i);
  if (!ok || mask == 0) return guestFault(kind, va, gpa, tinst);
  let want: u64 = PTE_A | (isStore ? PTE_D : 0);
  if ((pte & want) != want && !quiet) {
    if (!pmpOk(pteAddr, 8, ACCESS_STORE, PRV_S)) return fail(kind, false, va);
    codeWritten(ramHost(pteAddr), 8); // a page table may share a page with compiled code
    store<u64>(ramHost(pteAddr), pte | want);
  }
  gLeafMask = mask;
  let spa = ((ppn << 12) & ~mask) | (gpa & mask);
  if (!quiet) {
    gTag[slot] = tag;
    gVal[slot] = (spa & G_PAGE) | ((pte | want) & G_PERMS) | (<u64>popcnt(mask) << G_SIZE_SHIFT);
    gEpoch[slot] = gstageEpoch;
  }
  return spa;
}

// The VS-stage walks' last steps (a page-walk cache): for a guest virtual address's
// 2 MiB region, the level-0 table its walk reaches, by guest physical and by host
// physical address. A guest's TLB miss there reads one PTE, as a host's walk would
// read three, and translates the table's page no more. The entries go with every
// flush and every vsatp or hgatp write (walkEpoch): they hold only non-leaf PTEs,
// which software changes with SFENCE.VMA x0 after (4.2.1); SFENCE.VMA of one address
// drops them too, to be safe with guests that do less.
const PW_CACHE = 512;
const pwTag = new StaticArray<u64>(PW_CACHE);
const pwGpa = new StaticArray<u64>(PW_CACHE);
const pwSpa = new StaticArray<u64>(PW_CACHE);
const pwEpoch = new StaticArray<u32>(PW_CACHE);

// Two-stage translation of a V=1 access: VS-stage through vsatp (its PTEs at guest
// physical addresses), then G-stage through hgatp (8.5).
function translateGuest(va: u64, kind: i32, p: i32): u64 {
  let mode = vsatp & SATP_MODE;
  leafMask = 0xfff;
  if (mode == SATP_MODE_BARE) {
    let pa = gStage(va, kind, va, false, false);
    if (trapped || (quiet && quietFault != NO_FAULT)) return 0;
    leafMask = gLeafMask;
    return pa;
  }
  let levels = mode == SATP_MODE_SV39 ? 3 : 4;
  let vaBits: u64 = 12 + 9 * <u64>levels;
  let top = <i64>va >> (vaBits - 1);
  if (top != 0 && top != -1) return fail(kind, true, va);
  let a = (vsatp & SATP_PPN) << 12;
  let i = levels - 1;
  let pte: u64 = 0;
  let pteGpa: u64 = 0;
  let pteAddr: u64 = 0;
  let region = va >> 21;
  let pw = <i32>(region & (PW_CACHE - 1));
  let cached = unchecked(pwTag[pw]) == region && unchecked(pwEpoch[pw]) == walkEpoch;
  if (cached) { a = unchecked(pwGpa[pw]); i = 0; }
  while (true) {
    let offset = ((va >> (12 + 9 * <u64>i)) & 0x1ff) << 3;
    pteGpa = a + offset;
    if (cached) {
      pteAddr = unchecked(pwSpa[pw]) + offset;
      cached = false;
    } else {
      pteAddr = gStage(pteGpa, kind, va, false, true);
      if (trapped || (quiet && quietFault != NO_FAULT)) return 0;
      if (i == 0 && !quiet) { pwTag[pw] = region; pwGpa[pw] = a; pwSpa[pw] = pteAddr - offset; pwEpoch[pw] = walkEpoch; }
    }
    if (!isRam(pteAddr, 8) || !pmpOk(pteAddr, 8, ACCESS_LOAD, PRV_S)) return fail(kind, false, va);
    pte = load<u64>(ramHost(pteAddr));
    if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W) return fail(kind, true, va);
    if (!pteHighBitsOk(pte, henvcfg & menvcfg)) return fail(kind, true, va);
    if ((pte & (PTE_R | PTE_X)) != 0) break;
    if ((pte & (PTE_D | PTE_A | PTE_U)) != 0 || (pte >> 61) != 0 || i == 0) return fail(kind, true, va);
    i--;
    a = ((pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff) << 12;
  }
  let ok: bool;
  let u = (pte & PTE_U) != 0;
  let mxr = ((mstatus | vsstatus) & MSTATUS_MXR) != 0;
  if (kind == ACCESS_FETCH) {
    ok = (pte & PTE_X) != 0 && (p == PRV_U ? u : !u);
  } else {
    ok = p == PRV_U ? u : (!u || (vsstatus & MSTATUS_SUM) != 0);
    if (kind == ACCESS_LOAD) {
      if (xExec) ok = ok && (pte & PTE_X) != 0;
      else ok = ok && ((pte & PTE_R) != 0 || (mxr && (pte & PTE_X) != 0));
    } else ok = ok && (pte & PTE_W) != 0;
  }
  let ppn = (pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff;
  let mask = leafOffsetMask(pte, i);
  if (!ok || mask == 0) return fail(kind, true, va);
  let want: u64 = PTE_A | (kind == ACCESS_STORE ? PTE_D : 0);
  if ((pte & want) != want && !quiet) {
    // The A/D write is a store for G-stage purposes.
    pteAddr = gStage(pteGpa, kind, va, true, true);
    if (trapped) return 0;
    if (!pmpOk(pteAddr, 8, ACCESS_STORE, PRV_S)) return fail(kind, false, va);
    codeWritten(ramHost(pteAddr), 8); // a page table may share a page with compiled code
    store<u64>(ramHost(pteAddr), pte | want);
  }
  let gpa = ((ppn << 12) & ~mask) | (va & mask);
  let pa = gStage(gpa, kind, va, false, false);
  if (trapped || (quiet && quietFault != NO_FAULT)) return 0;
  leafMask = mask < gLeafMask ? mask : gLeafMask;
  return pa;
}

// The offset mask of a leaf PTE found at `level` (0xfff for a 4 KiB page), or 0 for a
// page fault: a superpage's PPN must be aligned to its size, and Svnapot defines only
// 64 KiB pages (level 0, ppn[3:0] = 0b1000). Both translation stages use it.
function leafOffsetMask(pte: u64, level: i32): u64 {
  let ppn = (pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff;
  let lowBits: u64 = 9 * <u64>level;
  if (level > 0 && (ppn & ((<u64>1 << lowBits) - 1)) != 0) return 0;
  if ((pte & PTE_N) != 0) return level != 0 || (ppn & 0xf) != 8 ? 0 : 0xffff;
  return (<u64>1 << (12 + lowBits)) - 1;
}

// Translates va for an access of the given kind at privilege p. On a fault it
// raises the exception and returns 0 with `trapped` set.
// Offset mask of the page the last translation came from (0xfff for a 4 KiB page).
export let leafMask: u64 = 0xfff;

export function translate(va: u64, kind: i32, p: i32): u64 {
  if (xVirt) return translateGuest(va, kind, p);
  let mode = satp & SATP_MODE;
  leafMask = 0xfff;
  if (p == PRV_M || mode == SATP_MODE_BARE) return va;
  let levels = mode == SATP_MODE_SV39 ? 3 : 4;
  let vaBits: u64 = 12 + 9 * <u64>levels;
  // The address must be canonical: bits above vaBits-1 equal bit vaBits-1.
  let top = <i64>va >> (vaBits - 1);
  if (top != 0 && top != -1) return fail(kind, true, va);
  let a = (satp & SATP_PPN) << 12;
  let i = levels - 1;
  let pte: u64 = 0;
  let pteAddr: u64 = 0;
  while (true) {
    pteAddr = a + (((va >> (12 + 9 * <u64>i)) & 0x1ff) << 3);
    if (!isRam(pteAddr, 8) || !pmpOk(pteAddr, 8, ACCESS_LOAD, PRV_S)) return fail(kind, false, va);
    pte = load<u64>(ramHost(pteAddr));
    // V clear, or W without R: page fault.
    if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W) return fail(kind, true, va);
    if (!pteHighBitsOk(pte, menvcfg)) return fail(kind, true, va);
    if ((pte & (PTE_R | PTE_X)) != 0) break;
    // Non-leaf: D, A, U, PBMT and N are reserved and must be zero.
    if ((pte & (PTE_D | PTE_A | PTE_U)) != 0 || (pte >> 61) != 0 || i == 0) return fail(kind, true, va);
    i--;
    a = ((pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff) << 12;
  }
  // Leaf permission checks.
  let ok: bool;
  let u = (pte & PTE_U) != 0;
  if (kind == ACCESS_FETCH) {
    ok = (pte & PTE_X) != 0 && (p == PRV_U ? u : !u);
  } else {
    ok = p == PRV_U ? u : (!u || (mstatus & MSTATUS_SUM) != 0);
    if (kind == ACCESS_LOAD) ok = ok && ((pte & PTE_R) != 0 || ((mstatus & MSTATUS_MXR) != 0 && (pte & PTE_X) != 0));
    else ok = ok && (pte & PTE_W) != 0;
  }
  let ppn = (pte >> PTE_PPN_SHIFT) & 0xfff_ffff_ffff;
  let mask = leafOffsetMask(pte, i);
  if (!ok || mask == 0) return fail(kind, true, va);
  // Hardware A/D update (Svadu-style, as QEMU does): A on any access, D on a store.
  let want: u64 = PTE_A | (kind == ACCESS_STORE ? PTE_D : 0);
  if ((pte & want) != want && !quiet) {
    if (!pmpOk(pteAddr, 8, ACCESS_STORE, PRV_S)) return fail(kind, false, va);
    codeWritten(ramHost(pteAddr), 8); // a page table may share a page with compiled code
    store<u64>(ramHost(pteAddr), pte | want);
  }
  leafMask = mask;
  return ((ppn << 12) & ~mask) | (va & mask);
}

// Bits 63:54 of a PTE: N (Svnapot), PBMT (Svpbmt) and the reserved bits 60:54.
// envcfg: the register whose PBMTE governs this stage (menvcfg, or for VS-stage henvcfg).
function pteHighBitsOk(pte: u64, envcfg: u64): bool {
  let high = pte >> 54;
  if (high == 0) return true;
  if (!extFull) return false;
  if ((high & 0x7f) != 0) return false;
  let pbmt = (pte >> 61) & 3;
  if (pbmt != 0 && ((envcfg & MENVCFG_PBMTE) == 0 || pbmt == 3)) return false;
  return true;
}

// ---- slow paths --------------------------------------------------------------

@inline function mmioData(): u64 { return load<u64>(MMIO_DATA_OFFSET); }

// A load/store address breakpoint (Sdtrig) comes before any fault of the access.
@inline function breakpointAt(kinds: u64, va: u64, size: u64): bool {
  if ((watched & kinds) == 0 || !triggerFires(kinds, va, size)) return false;
  raiseException(CAUSE_BREAKPOINT, va);
  return true;
}

// Loads `size` bytes at va (zero-extended). On a fault: trap raised, returns 0.
// (A load across a page boundary comes back here byte by byte; for those bytes the
// trigger check, already made for the whole access, finds nothing.)
export function loadSlow(va: u64, size: u64): u64 {
  if (breakpointAt(MCONTROL6_LOAD, va, size)) return 0;
  if ((va & 0xfff) + size > 4096) {
    // Crosses a page: byte by byte, each translated on its own.
    let v: u64 = 0;
    for (let i: u64 = 0; i < size; i++) {
      let b = loadSlow(va + i, 1);
      if (trapped) return 0;
      v |= b << (i * 8);
    }
    return v;
  }
  let p = accessPriv();
  let pa = translate(va, ACCESS_LOAD, p);
  if (trapped) return 0;
  if (!pmpOk(pa, size, ACCESS_LOAD, p)) { raiseAddr(CAUSE_LOAD_ACCESS, va); return 0; }
  if (isRam(pa, size) && !inHole(pa, size)) {
    let host = ramHost(pa);
    if (hyperPriv < 0) maybeFill(tlbLoad, va, pa, ACCESS_LOAD, p);
    if (size == 8) return load<u64>(host);
    if (size == 4) return <u64>load<u32>(host);
    if (size == 2) return <u64>load<u16>(host);
    return <u64>load<u8>(host);
  }
  if ((pa & (size - 1)) != 0) { raiseAddr(CAUSE_MISALIGNED_LOAD, va); return 0; }
  mmioTouched = true;
  if (hostMmioRead(<f64>pa, <i32>size) != 0) { raiseAddr(CAUSE_LOAD_ACCESS, va); return 0; }
  return mmioData();
}

export function storeSlow(va: u64, size: u64, v: u64): void {
  if (breakpointAt(MCONTROL6_STORE, va, size)) return;
  if ((va & 0xfff) + size > 4096) {
    // Check both pages before writing anything, so a fault leaves memory untouched.
    let p = accessPriv();
    let second = (va + size) & ~(<u64>0xfff);
    translate(second, ACCESS_STORE, p);
    if (trapped) return;
    for (let i: u64 = 0; i < size; i++) {
      storeSlow(va + i, 1, v >> (i * 8));
      if (trapped) return;
    }
    return;
  }
  let p = accessPriv();
  let pa = translate(va, ACCESS_STORE, p);
  if (trapped) return;
  if (!pmpOk(pa, size, ACCESS_STORE, p)) { raiseAddr(CAUSE_STORE_ACCESS, va); return; }
  if (isRam(pa, size) && !inHole(pa, size)) {
    let host = ramHost(pa);
    if (hyperPriv < 0) maybeFill(tlbStore, va, pa, ACCESS_STORE, p);
    codeWritten(host, <usize>size);
    if (size == 8) store<u64>(host, v);
    else if (size == 4) store<u32>(host, <u32>v);
    else if (size == 2) store<u16>(host, <u16>v);
    else store<u8>(host, <u8>v);
    return;
  }
  if ((pa & (size - 1)) != 0) { raiseAddr(CAUSE_MISALIGNED_STORE, va); return; }
  mmioTouched = true;
  store<u64>(MMIO_DATA_OFFSET, v);
  if (hostMmioWrite(<f64>pa, <i32>size) != 0) raiseAddr(CAUSE_STORE_ACCESS, va);
}

// Translates a fetch of the halfword at va; returns its linear-memory offset, or 0
// with `trapped` set. `first`: va is where an instruction starts, which an execute
// trigger may match (not the upper half of one that straddles two pages).
export function fetchSlow(va: u64, first: bool = true): usize {
  if (first && breakpointAt(MCONTROL6_EXECUTE, va, 1)) return 0;
  xVirt = virt;
  let pa = translate(va, ACCESS_FETCH, priv);
  if (trapped) return 0;
  if (!isRam(pa, 2) || inHole(pa, 2) || !pmpOk(pa, 2, ACCESS_FETCH, priv)) {
    raiseAddr(CAUSE_FETCH_ACCESS, va);
    return 0;
  }
  maybeFill(tlbFetch, va, pa, ACCESS_FETCH, priv);
  return ramHost(pa);
}

// Caches a translation when every byte of the page behaves the same: plain RAM, no
// MMIO hole, and one PMP verdict for the whole page.
function maybeFill(table: usize, va: u64, pa: u64, kind: i32, p: i32): void {
  // A page a trigger watches stays on the slow path (MCONTROL6_* bit = 1 << kind).
  if (watched != 0 && pageWatched(<u64>1 << kind, va)) return;
  let page = pa & ~(<u64>0xfff);
  if (!isRam(page, 4096) || inHole(page, 4096)) return;
  if ((pmpActive || p != PRV_M) && !pmpAllows(page, 4096, kind, p)) return;
  // Stores to a page with compiled code take the slow path, which drops the code.
  if (kind == ACCESS_STORE && pageHasCode(ramHost(page))) return;
  if (leafMask != 0xfff) noteSuperpage(va & ~leafMask, leafMask + 1);
  tlbFill(table, va, ramHost(page));
}

// Physical address of an atomic access at va (store permission, natural alignment),
// or a trap. Returns the linear-memory offset of the word, or 0 with the trap raised.
// An LR is a load and an SC a store (a failing one too: the spec leaves it open), an
// AMO both, for the triggers (Sdtrig, "A Extension").
export function amoHost(va: u64, size: u64, isLr: bool, isSc: bool): usize {
  let kinds: u64 = isLr ? MCONTROL6_LOAD : isSc ? MCONTROL6_STORE : MCONTROL6_LOAD | MCONTROL6_STORE;
  if (breakpointAt(kinds, va, size)) return 0;
  if ((va & (size - 1)) != 0) {
    xVirt = dataVirt();
    raiseAddr(isLr ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE, va);
    return 0;
  }
  let p = accessPriv();
  let kind = isLr ? ACCESS_LOAD : ACCESS_STORE;
  let pa = translate(va, kind, p);
  if (trapped) return 0;
  let fault: u64 = isLr ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
  if (!pmpOk(pa, size, kind, p) || (!isLr && !pmpOk(pa, size, ACCESS_LOAD, p))) { raiseAddr(fault, va); return 0; }
  if (isRam(pa, size) && !inHole(pa, size)) return ramHost(pa);
  // Atomics on device memory are not supported: access fault (PMA "AMONone").
  raiseAddr(fault, va);
  return 0;
}

// ---- cache-block operations (Zicbom, Zicboz) ---------------------------------------

export const CACHE_BLOCK: u64 = 64;

// Whether the current privilege may execute a CBO instruction (menvcfg/senvcfg
// CBIE, CBCFE, CBZE; Zicbom/Zicboz specifications).
export let cboFault: u64 = CAUSE_ILLEGAL_INSTRUCTION;
export function cboAllowed(op: i32): bool {
  if (priv == PRV_M) return true;
  let field: u64 = op == Op.CBO_ZERO ? ENVCFG_CBZE : op == Op.CBO_INVAL ? ENVCFG_CBIE : ENVCFG_CBCFE;
  cboFault = CAUSE_ILLEGAL_INSTRUCTION;
  if ((menvcfg & field) == 0) return false;
  if (virt) {
    // In V=1, what only henvcfg (or for VU senvcfg) forbids is a virtual instruction.
    cboFault = CAUSE_VIRTUAL_INSTRUCTION;
    return (henvcfg & field) != 0 && (priv == PRV_S || (senvcfg & field) != 0);
  }
  if (priv == PRV_U && (senvcfg & field) == 0) return false;
  return true;
}

// Performs a cache-block operation on the block holding va. Memory here is always
// coherent, so clean, flush and invalidate only check that some access is permitted.
export function cacheBlockOp(op: i32, va: u64): void {
  // Triggers see a CBO as a store to every byte of the block (Sdtrig, "Cache
  // Operations"); the breakpoint reports rs1, as the faults do.
  if ((watched & MCONTROL6_STORE) != 0 && triggerFires(MCONTROL6_STORE, va & ~(CACHE_BLOCK - 1), CACHE_BLOCK)) {
    raiseException(CAUSE_BREAKPOINT, va);
    return;
  }
  // Faults report rs1 itself, not the block's base (CMO spec, "Cache-Block Operations").
  let p = accessPriv();
  if (op == Op.CBO_ZERO) {
    let pa = translate(va, ACCESS_STORE, p);
    if (trapped) return;
    let block = pa & ~(CACHE_BLOCK - 1);
    if (!pmpOk(block, CACHE_BLOCK, ACCESS_STORE, p) || !isRam(block, CACHE_BLOCK) || inHole(block, CACHE_BLOCK)) {
      raiseAddr(CAUSE_STORE_ACCESS, va);
      return;
    }
    memory.fill(ramHost(block), 0, <usize>CACHE_BLOCK);
    codeWritten(ramHost(block), <usize>CACHE_BLOCK);
    return;
  }
  quiet = true;
  quietFault = NO_FAULT;
  let pa = translate(va, ACCESS_LOAD, p);
  let allowed = quietFault == NO_FAULT && pmpOk(pa, 1, ACCESS_LOAD, p);
  if (!allowed) {
    quietFault = NO_FAULT;
    pa = translate(va, ACCESS_STORE, p);
    allowed = quietFault == NO_FAULT && pmpOk(pa, 1, ACCESS_STORE, p);
  }
  let pageFault = quietFault != NO_FAULT;
  quiet = false;
  // Only memory has cache blocks: a device address is an access fault.
  if (allowed && !isRam(pa, 1)) allowed = false;
  if (!allowed) {
    // A guest-page fault found quietly is raised as the store's (CMO spec with H).
    if (quietFault == CAUSE_STORE_GUEST_PAGE_FAULT || quietFault == CAUSE_LOAD_GUEST_PAGE_FAULT) {
      translate(va, ACCESS_STORE, p);
      return;
    }
    raiseAddr(pageFault ? CAUSE_STORE_PAGE_FAULT : CAUSE_STORE_ACCESS, va);
  }
}
