// Software TLB bookkeeping: one table per (privilege, access kind). The run loop's
// fast path indexes the table chosen here by the current privilege (and, for loads
// and stores in M-mode, by mstatus.MPRV/MPP).
import { TLB_OFFSET, TLB_BYTES, TLB_ENTRIES, TLB_INVALID } from './layout';
import { priv, ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH } from './state';
import { mstatus } from './csr';
import { PRV_M, MSTATUS_MPRV, MSTATUS_MPP_SHIFT } from '../spec/csr';

export let tlbLoad: usize = TLB_OFFSET;
export let tlbStore: usize = TLB_OFFSET;
export let tlbFetch: usize = TLB_OFFSET;

@inline function levelIndex(p: i32): usize { return p == PRV_M ? 2 : <usize>p; }

export function tlbTable(p: i32, kind: i32): usize {
  return TLB_OFFSET + (levelIndex(p) * 3 + <usize>kind) * TLB_BYTES;
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

export function flushTlbAll(): void {
  // An all-ones tag never equals a virtual page number (at most 52 bits).
  memory.fill(TLB_OFFSET, 0xff, TLB_BYTES * 9);
  superCount = 0;
  superOverflow = false;
}

export function tlbFill(table: usize, va: u64, host: usize): void {
  let vpn = va >> 12;
  let e = table + ((<usize>vpn & (<usize>TLB_ENTRIES - 1)) << 4);
  store<u64>(e, vpn);
  store<u64>(e, <u64>host - (va & ~(<u64>0xfff)), 8);
}

// Drops the translations of one virtual page (SFENCE.VMA with rs1 != x0) from every table.
export function flushTlbPage(va: u64): void {
  if (superOverflow) { flushTlbAll(); return; }
  for (let i = 0; i < superCount; i++) {
    if (va - superBase[i] < superSize[i]) { flushTlbAll(); return; }
  }
  let vpn = va >> 12;
  let off = (<usize>vpn & (<usize>TLB_ENTRIES - 1)) << 4;
  for (let t: usize = 0; t < 9; t++) {
    let e = TLB_OFFSET + t * TLB_BYTES + off;
    if (load<u64>(e) == vpn) store<u64>(e, TLB_INVALID);
  }
}
