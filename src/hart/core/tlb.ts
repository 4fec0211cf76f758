// Software TLB bookkeeping: one table per (privilege, access kind). The run loop's
// fast path indexes the table chosen here by the current privilege (and, for loads
// and stores in M-mode, by mstatus.MPRV/MPP).
//
// Translations are tagged by address space: the U and S tables exist once for ASID 0
// (and bare mode) and once per slot for up to TLB_SLOTS recently used non-zero ASIDs.
// A satp write selects the slot of its ASID, so a kernel switching between address
// spaces with ASIDs flushes nothing (privileged spec 4.1.11: a satp write does not
// imply an SFENCE.VMA). ASID 0 keeps QEMU's behaviour of dropping its translations on
// every satp write, which guests that never use ASIDs may rely on. SFENCE.VMA drops
// entries in every slot (it does not look at rs2: flushing more is always allowed).
// A full flush invalidates the other slots lazily, by generation.
import { TLB_OFFSET, TLB_BYTES, TLB_ENTRIES, TLB_INVALID, TLB_SLOTS_OFFSET, TLB_SLOTS, TLB_SLOT_BYTES } from './layout';
import { priv, ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH } from './state';
import { mstatus } from './csr';
import { PRV_M, MSTATUS_MPRV, MSTATUS_MPP_SHIFT, SATP_ASID, SATP_MODE } from '../spec/csr';

export let tlbLoad: usize = TLB_OFFSET;
export let tlbStore: usize = TLB_OFFSET;
export let tlbFetch: usize = TLB_OFFSET;

// Base of the current U and S tables (6 tables: U load/store/fetch, S load/store/fetch).
let usBase: usize = TLB_OFFSET;
const NO_KEY: u64 = 0xffff_ffff_ffff_ffff;
const slotKey = new StaticArray<u64>(TLB_SLOTS);
const slotGeneration = new StaticArray<u32>(TLB_SLOTS);
const slotUsed = new StaticArray<u64>(TLB_SLOTS);
let generation: u32 = 1;
let useClock: u64 = 0;
let currentSlot: i32 = -1; // -1: the ASID 0 tables at TLB_OFFSET

export function tlbTable(p: i32, kind: i32): usize {
  if (p == PRV_M) return TLB_OFFSET + (6 + <usize>kind) * TLB_BYTES;
  return usBase + (<usize>p * 3 + <usize>kind) * TLB_BYTES;
}

// Privilege that loads and stores are performed with (privileged spec, mstatus.MPRV).
export function dataPriv(): i32 {
  if (priv == PRV_M && (mstatus & MSTATUS_MPRV) != 0) return <i32>((mstatus >> MSTATUS_MPP_SHIFT) & 3);
  return priv;
}

export function updateTlbBases(): void {
  let d = dataPriv();
  tlbLoad = tlbTable(d, ACCESS_LOAD);
  tlbStore = tlbTable(d, ACCESS_STORE);
  tlbFetch = tlbTable(priv, ACCESS_FETCH);
}

@inline function slotBase(i: i32): usize { return TLB_SLOTS_OFFSET + <usize>i * TLB_SLOT_BYTES; }

// satp was written: select the tables of its address space.
export function selectAddressSpace(satp: u64): void {
  let asid = satp & SATP_ASID;
  if (asid == 0) {
    memory.fill(TLB_OFFSET, 0xff, TLB_BYTES * 6);
    currentSlot = -1;
    usBase = TLB_OFFSET;
    updateTlbBases();
    return;
  }
  let key = satp & (SATP_MODE | SATP_ASID);
  let pick = -1;
  for (let i = 0; i < TLB_SLOTS; i++) if (slotKey[i] == key) { pick = i; break; }
  if (pick < 0) {
    // The least recently used slot takes the new address space.
    pick = 0;
    for (let i = 1; i < TLB_SLOTS; i++) if (slotUsed[i] < slotUsed[pick]) pick = i;
    slotKey[pick] = key;
    slotGeneration[pick] = 0;
  }
  if (slotGeneration[pick] != generation) {
    memory.fill(slotBase(pick), 0xff, TLB_SLOT_BYTES);
    slotGeneration[pick] = generation;
  }
  slotUsed[pick] = ++useClock;
  currentSlot = pick;
  usBase = slotBase(pick);
  updateTlbBases();
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
  memory.fill(TLB_OFFSET, 0xff, TLB_BYTES * 9);
  generation++;
  if (currentSlot >= 0) {
    memory.fill(slotBase(currentSlot), 0xff, TLB_SLOT_BYTES);
    slotGeneration[currentSlot] = generation;
  }
  superCount = 0;
  superOverflow = false;
}

// Forgets every address space (hart reset).
export function resetTlb(): void {
  for (let i = 0; i < TLB_SLOTS; i++) { slotKey[i] = NO_KEY; slotGeneration[i] = 0; slotUsed[i] = 0; }
  currentSlot = -1;
  usBase = TLB_OFFSET;
  flushTlbAll();
  updateTlbBases();
}

export function tlbFill(table: usize, va: u64, host: usize): void {
  let vpn = va >> 12;
  let e = table + ((<usize>vpn & (<usize>TLB_ENTRIES - 1)) << 4);
  store<u64>(e, vpn);
  store<u64>(e, <u64>host - (va & ~(<u64>0xfff)), 8);
}

function dropPage(tables: usize, count: usize, vpn: u64, off: usize): void {
  for (let t: usize = 0; t < count; t++) {
    let e = tables + t * TLB_BYTES + off;
    if (load<u64>(e) == vpn) store<u64>(e, TLB_INVALID);
  }
}

// Drops the translations of one virtual page (SFENCE.VMA with rs1 != x0) from every table.
export function flushTlbPage(va: u64): void {
  if (superOverflow) { flushTlbAll(); return; }
  for (let i = 0; i < superCount; i++) {
    if (va - superBase[i] < superSize[i]) { flushTlbAll(); return; }
  }
  let vpn = va >> 12;
  let off = (<usize>vpn & (<usize>TLB_ENTRIES - 1)) << 4;
  dropPage(TLB_OFFSET, 9, vpn, off);
  for (let i = 0; i < TLB_SLOTS; i++) {
    if (slotGeneration[i] == generation) dropPage(slotBase(i), 6, vpn, off);
  }
}
