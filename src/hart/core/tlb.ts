// Software TLB bookkeeping: one table per (privilege, access kind). The run loop's
// fast path indexes the table chosen here by the current privilege (and, for loads
// and stores in M-mode, by mstatus.MPRV/MPP). S-mode loads and stores with SUM set
// (vsstatus.SUM for V=1) have tables of their own, the only ones that may hold user
// pages for S-mode: Linux sets and clears SUM around every access to user memory,
// and flushing on each of those emptied the TLBs thousands of times in a boot.
//
// Translations are tagged by address space: the U and S tables exist once for ASID 0
// (and bare mode) and once per slot for up to TLB_SLOTS recently used non-zero ASIDs.
// A satp write selects the slot of its ASID, so a kernel switching between address
// spaces with ASIDs flushes nothing (privileged spec 4.1.11: a satp write does not
// imply an SFENCE.VMA). ASID 0 keeps QEMU's behaviour of dropping its translations on
// every satp write, which guests that never use ASIDs may rely on. SFENCE.VMA drops
// entries in every slot (it does not look at rs2: flushing more is always allowed).
// A full flush invalidates the other slots lazily, by generation.
//
// With the H extension, V=1 translations (both stages in one entry) live in slots of
// their own, keyed by VMID, ASID and both translation modes, so that neither leaving
// the guest for the hypervisor nor switching guests (an hgatp write) flushes anything.
import { TLB_OFFSET, TLB_BYTES, TLB_ENTRIES, TLB_INVALID, TLB_SLOTS_OFFSET, TLB_SLOTS, TLB_SLOT_BYTES, TLB_SHARED_TABLES, TLB_SET_TABLES } from './layout';
import { priv, virt, ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH } from './state';
import { mstatus, vsstatus, vsatp, hgatp } from './csr';
import { PRV_S, PRV_M, MSTATUS_SUM, MSTATUS_MPRV, MSTATUS_MPP_SHIFT, MSTATUS_MPV, SATP_ASID, SATP_MODE, HGATP_VMID } from '../spec/csr';

export let tlbLoad: usize = TLB_OFFSET;
export let tlbStore: usize = TLB_OFFSET;
export let tlbFetch: usize = TLB_OFFSET;

// Base of the U and S tables (9 tables: U, S and S with SUM x load/store/fetch) of the
// host's address space (satp) and of the guest's (vsatp and hgatp).
let hostBase: usize = TLB_OFFSET;
let guestBase: usize = TLB_OFFSET;
const NO_KEY: u64 = 0xffff_ffff_ffff_ffff;
// Guest keys use bits 41:0, host keys (satp's MODE and ASID) bits 63:44.
const GUEST_KEY: u64 = <u64>1 << 40;
const slotKey = new StaticArray<u64>(TLB_SLOTS);
const slotGeneration = new StaticArray<u32>(TLB_SLOTS);
const slotUsed = new StaticArray<u64>(TLB_SLOTS);
let generation: u32 = 1;
// Bumped by every full flush: mmu.ts's G-stage translations (tagged by VMID, so not
// by hgatp writes) check it.
export let gstageEpoch: u32 = 1;
// Bumped by every flush and by vsatp and hgatp writes: mmu.ts's cache of VS-stage walks
// (the level-0 table a guest virtual address leads to) checks it.
export let walkEpoch: u32 = 1;
let useClock: u64 = 0;
let hostSlot: i32 = -1; // -1: the ASID 0 tables at TLB_OFFSET
let guestSlot: i32 = -1; // -1: none selected yet
let guestStale: bool = true; // vsatp or hgatp changed since guestSlot was selected
let guestFlush: bool = false; // ... and the change was a vsatp write with ASID 0

// The table of level p (a privilege, or SUM_LEVEL) in the set at base.
const SUM_LEVEL: i32 = 2;
@inline function tableAt(base: usize, p: i32, kind: i32): usize {
  if (p == PRV_M) return TLB_OFFSET + (TLB_SET_TABLES + <usize>kind) * TLB_BYTES;
  return base + (<usize>p * 3 + <usize>kind) * TLB_BYTES;
}

// Privilege that loads and stores are performed with (privileged spec, mstatus.MPRV).
export function dataPriv(): i32 {
  if (priv == PRV_M && (mstatus & MSTATUS_MPRV) != 0) return <i32>((mstatus >> MSTATUS_MPP_SHIFT) & 3);
  return priv;
}

// Whether loads and stores are translated as V=1 ones (V, or MPRV with MPV: 8.2.3... "mstatus").
export function dataVirt(): bool {
  if (priv == PRV_M) {
    return (mstatus & MSTATUS_MPRV) != 0 && (mstatus & MSTATUS_MPV) != 0 && ((mstatus >> MSTATUS_MPP_SHIFT) & 3) != PRV_M;
  }
  return virt;
}

export function updateTlbBases(): void {
  let d = dataPriv();
  let dv = dataVirt();
  if ((dv || virt) && guestStale) selectGuestSpace();
  let dBase = dv ? guestBase : hostBase;
  if (d == PRV_S && ((dv ? vsstatus : mstatus) & MSTATUS_SUM) != 0) d = SUM_LEVEL;
  tlbLoad = tableAt(dBase, d, ACCESS_LOAD);
  tlbStore = tableAt(dBase, d, ACCESS_STORE);
  tlbFetch = tableAt(virt ? guestBase : hostBase, priv, ACCESS_FETCH);
}

@inline function slotBase(i: i32): usize { return TLB_SLOTS_OFFSET + <usize>i * TLB_SLOT_BYTES; }

// Emptying a group of tables (the 9 U and S tables of ASID 0, the 3 M tables, a
// slot's 9) was a fill of up to 144 KiB with all-ones, and a Linux boot empties some
// 10,000 of them (a SFENCE.VMA in a superpage of its linear map drops everything).
// Each group keeps a log of the entries filled since it was last emptied, so emptying
// it rewrites those; past LOG_MAX fills it is filled whole again.
const GROUPS: i32 = 2 + TLB_SLOTS;
const LOG_MAX: i32 = 256;
const fillLog = new StaticArray<u32>(GROUPS * LOG_MAX);
const fillCount = new StaticArray<i32>(GROUPS);
const GROUP_SHARED: i32 = 0; // the U and S tables of ASID 0 (and bare mode)
const GROUP_M: i32 = 1;

@inline function groupOf(e: usize): i32 {
  if (e >= TLB_SLOTS_OFFSET) return 2 + <i32>((e - TLB_SLOTS_OFFSET) / TLB_SLOT_BYTES);
  return e >= TLB_OFFSET + TLB_SET_TABLES * TLB_BYTES ? GROUP_M : GROUP_SHARED;
}

// Empties group g's tables (GROUP_SHARED, GROUP_M, or 2 + a slot).
function emptyGroup(g: i32): void {
  let base = g == GROUP_SHARED ? TLB_OFFSET : g == GROUP_M ? TLB_OFFSET + TLB_SET_TABLES * TLB_BYTES : slotBase(g - 2);
  let tables: usize = g == GROUP_M ? 3 : TLB_SET_TABLES;
  let n = fillCount[g];
  if (n > LOG_MAX) {
    memory.fill(base, 0xff, tables * TLB_BYTES);
  } else {
    let log = changetype<usize>(fillLog) + (<usize>(g * LOG_MAX) << 2);
    for (let i = 0; i < n; i++) store<u64>(<usize>load<u32>(log + (<usize>i << 2)), TLB_INVALID);
  }
  fillCount[g] = 0;
}

// The slot of address space `key` (the least recently used other one takes it when
// it has none), with its tables valid for this generation.
function slotFor(key: u64, keep: i32): i32 {
  let pick = -1;
  for (let i = 0; i < TLB_SLOTS; i++) if (slotKey[i] == key) { pick = i; break; }
  if (pick < 0) {
    pick = keep == 0 ? 1 : 0;
    for (let i = 0; i < TLB_SLOTS; i++) if (i != keep && slotUsed[i] < slotUsed[pick]) pick = i;
    slotKey[pick] = key;
    slotGeneration[pick] = 0;
  }
  if (slotGeneration[pick] != generation) {
    emptyGroup(2 + pick);
    slotGeneration[pick] = generation;
  }
  slotUsed[pick] = ++useClock;
  return pick;
}

// satp was written: select the tables of its address space.
export function selectAddressSpace(satp: u64): void {
  let asid = satp & SATP_ASID;
  if (asid == 0) {
    emptyGroup(GROUP_SHARED);
    hostSlot = -1;
    hostBase = TLB_OFFSET;
    updateTlbBases();
    return;
  }
  hostSlot = slotFor(satp & (SATP_MODE | SATP_ASID), guestSlot);
  if (hostSlot == guestSlot) { guestSlot = -1; guestStale = true; }
  hostBase = slotBase(hostSlot);
  updateTlbBases();
}

// vsatp (vsatpWrite) or hgatp was written: the guest's tables are chosen again when
// next used. Like satp with ASID 0, a vsatp write with ASID 0 drops its translations.
export function guestSpaceChanged(vsatpWrite: bool): void {
  guestStale = true;
  walkEpoch++;
  if (vsatpWrite && (vsatp & SATP_ASID) == 0) guestFlush = true;
  updateTlbBases();
}

function selectGuestSpace(): void {
  let key = GUEST_KEY | ((hgatp >> 60) << 36) | ((vsatp >> 60) << 32) | (((hgatp & HGATP_VMID) >> 44) << 16) |
    ((vsatp & SATP_ASID) >> 44);
  guestSlot = slotFor(key, hostSlot);
  guestBase = slotBase(guestSlot);
  if (guestFlush) emptyGroup(2 + guestSlot);
  guestFlush = false;
  guestStale = false;
}

// The superpages (and 64 KiB NAPOT pages) the TLBs hold 4 KiB pieces of, so that a
// SFENCE.VMA of one address in them can drop all their pieces.
const MAX_SUPERPAGES = 32;
const superBase = new StaticArray<u64>(MAX_SUPERPAGES);
const superSize = new StaticArray<u64>(MAX_SUPERPAGES);
let superCount = 0;
let superOverflow = false;

export function noteSuperpage(base: u64, size: u64): void {
  for (let i = 0; i < superCount; i++) if (superBase[i] == base && superSize[i] == size) return;
  if (superCount == MAX_SUPERPAGES) { superOverflow = true; return; }
  superBase[superCount] = base;
  superSize[superCount] = size;
  superCount++;
}

// Drops every translation: the shared tables now, the other slots when next selected.
export function flushTlbAll(): void {
  // An all-ones tag never equals a virtual page number (at most 52 bits).
  emptyGroup(GROUP_SHARED);
  emptyGroup(GROUP_M);
  generation++;
  gstageEpoch++;
  walkEpoch++;
  if (hostSlot >= 0) {
    emptyGroup(2 + hostSlot);
    slotGeneration[hostSlot] = generation;
  }
  if (guestSlot >= 0 && guestSlot != hostSlot) {
    emptyGroup(2 + guestSlot);
    slotGeneration[guestSlot] = generation;
  }
  superCount = 0;
  superOverflow = false;
}

// Forgets every address space (hart reset).
export function resetTlb(): void {
  for (let i = 0; i < TLB_SLOTS; i++) { slotKey[i] = NO_KEY; slotGeneration[i] = 0; slotUsed[i] = 0; }
  // Nothing is known of what the tables hold: every group is filled whole when next emptied.
  for (let g = 0; g < GROUPS; g++) fillCount[g] = LOG_MAX + 1;
  hostSlot = -1;
  guestSlot = -1;
  guestStale = true;
  guestFlush = false;
  hostBase = TLB_OFFSET;
  guestBase = TLB_OFFSET;
  flushTlbAll();
  updateTlbBases();
}

export function tlbFill(table: usize, va: u64, host: usize): void {
  let vpn = va >> 12;
  let e = table + ((<usize>vpn & (<usize>TLB_ENTRIES - 1)) << 4);
  store<u64>(e, vpn);
  store<u64>(e, <u64>host - (va & ~(<u64>0xfff)), 8);
  let g = groupOf(e);
  let n = fillCount[g];
  if (n < LOG_MAX) store<u32>(changetype<usize>(fillLog) + (<usize>(g * LOG_MAX + n) << 2), <u32>e);
  if (n <= LOG_MAX) fillCount[g] = n + 1;
}

function dropPage(tables: usize, count: usize, vpn: u64, off: usize): void {
  for (let t: usize = 0; t < count; t++) {
    let e = tables + t * TLB_BYTES + off;
    if (load<u64>(e) == vpn) store<u64>(e, TLB_INVALID);
  }
}

// Drops the translations of one virtual page (SFENCE.VMA with rs1 != x0) from every table.
export function flushTlbPage(va: u64): void {
  walkEpoch++;
  if (superOverflow) { flushTlbAll(); return; }
  for (let i = 0; i < superCount; i++) {
    if (va - superBase[i] < superSize[i]) { flushTlbAll(); return; }
  }
  let vpn = va >> 12;
  let off = (<usize>vpn & (<usize>TLB_ENTRIES - 1)) << 4;
  dropPage(TLB_OFFSET, TLB_SHARED_TABLES, vpn, off);
  for (let i = 0; i < TLB_SLOTS; i++) {
    if (slotGeneration[i] == generation) dropPage(slotBase(i), TLB_SET_TABLES, vpn, off);
  }
}
