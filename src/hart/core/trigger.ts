// The trigger module (Sdtrig, RISC-V Debug Specification 1.0, chapter "Sdtrig"):
// TRIGGER_COUNT address-match triggers of type mcontrol6 that raise a breakpoint
// exception (action 0) before an instruction at a matching address executes, or
// before a load or store touches a matching address.
//
// The run loop's fast paths stay as they are: a page that an armed trigger watches is
// never entered into the TLB of that access kind, so every access to it takes the slow
// path in mmu.ts, which asks triggerFires() first. With nothing armed the only cost is
// one flag test when a TLB entry is filled.
import { priv, virt } from './state';
import { mstatus, medeleg, hedeleg, vsstatus, hExt } from './csr';
import { flushTlbAll } from './tlb';
import {
  PRV_M, PRV_S, MSTATUS_MIE, MSTATUS_SIE,
  TDATA1_TYPE_SHIFT, TRIGGER_TYPE_MCONTROL6, TRIGGER_TYPE_DISABLED, TINFO_VERSION_SHIFT,
  MCONTROL6_LOAD, MCONTROL6_STORE, MCONTROL6_EXECUTE, MCONTROL6_U, MCONTROL6_S, MCONTROL6_M,
  MCONTROL6_MATCH_SHIFT, MCONTROL6_MATCH_EQUAL, MCONTROL6_MATCH_GE, MCONTROL6_MATCH_LT, MCONTROL6_HIT0,
  MCONTROL6_VS, MCONTROL6_VU,
} from '../spec/csr';
import { CAUSE_BREAKPOINT } from '../spec/causes';

export const TRIGGER_COUNT: i32 = 4;

const TYPE_MCONTROL6: u64 = <u64>TRIGGER_TYPE_MCONTROL6 << TDATA1_TYPE_SHIFT;
const DISABLED: u64 = <u64>TRIGGER_TYPE_DISABLED << TDATA1_TYPE_SHIFT;
// What is kept of a written mcontrol6: everything else is hard-wired to 0 (dmode, since
// there is no Debug Mode; select = address; size = any; action = breakpoint; no chains;
// hit1 and uncertain); VS and VU only with the H extension.
const KEPT: u64 = <u64>(MCONTROL6_LOAD | MCONTROL6_STORE | MCONTROL6_EXECUTE | MCONTROL6_U | MCONTROL6_S |
  MCONTROL6_M | MCONTROL6_HIT0);
const KEPT_V: u64 = <u64>(MCONTROL6_VS | MCONTROL6_VU);
const ACCESS_BITS: u64 = <u64>(MCONTROL6_LOAD | MCONTROL6_STORE | MCONTROL6_EXECUTE);
const MODE_BITS: u64 = <u64>(MCONTROL6_U | MCONTROL6_S | MCONTROL6_M | MCONTROL6_VU | MCONTROL6_VS);
// tinfo: version 1 (the ratified 1.0), types mcontrol6 and disabled.
const TINFO: u64 = (<u64>1 << TINFO_VERSION_SHIFT) | (<u64>1 << TRIGGER_TYPE_MCONTROL6) | (<u64>1 << TRIGGER_TYPE_DISABLED);

let tselect: i32 = 0;
const tdata1 = new StaticArray<u64>(TRIGGER_COUNT);
const tdata2 = new StaticArray<u64>(TRIGGER_COUNT);
// Each armed trigger's addresses as an inclusive range [lo, hi], and what it watches.
const rangeLo = new StaticArray<u64>(TRIGGER_COUNT);
const rangeHi = new StaticArray<u64>(TRIGGER_COUNT);
const armedFor = new StaticArray<u64>(TRIGGER_COUNT);

// The access kinds (MCONTROL6_LOAD/STORE/EXECUTE bits) some armed trigger watches.
export let watched: u64 = 0;

export function resetTriggers(): void {
  tselect = 0;
  for (let i = 0; i < TRIGGER_COUNT; i++) { tdata1[i] = DISABLED; tdata2[i] = 0; }
  rearm();
}

export function tselectRead(): u64 { return <u64>tselect; }
// WARL: an index past the last trigger leaves tselect as it was, which is how a
// debugger enumerating triggers learns their number (it reads back what it wrote).
export function tselectWrite(v: u64): void { if (v < <u64>TRIGGER_COUNT) tselect = <i32>v; }
export function tdata1Read(): u64 { return tdata1[tselect]; }
export function tdata2Read(): u64 { return tdata2[tselect]; }
export function tinfoRead(): u64 { return TINFO; }

export function tdata1Write(v: u64): void {
  // Any type but mcontrol6 (0 included, which must disable) becomes "disabled".
  if ((v >> TDATA1_TYPE_SHIFT) != <u64>TRIGGER_TYPE_MCONTROL6) {
    tdata1[tselect] = DISABLED;
  } else {
    let match = (v >> MCONTROL6_MATCH_SHIFT) & 15;
    // Supported: equal, greater or equal, less than; other matches become equal.
    if (match != MCONTROL6_MATCH_GE && match != MCONTROL6_MATCH_LT) match = MCONTROL6_MATCH_EQUAL;
    tdata1[tselect] = TYPE_MCONTROL6 | (v & (hExt ? KEPT | KEPT_V : KEPT)) | (match << MCONTROL6_MATCH_SHIFT);
  }
  rearm();
}

export function tdata2Write(v: u64): void {
  tdata2[tselect] = v;
  rearm();
}

// Recomputes the ranges and `watched`, and drops every TLB entry, so that watched
// pages leave the fast paths (and pages no longer watched may come back).
function rearm(): void {
  watched = 0;
  for (let i = 0; i < TRIGGER_COUNT; i++) {
    let d = tdata1[i];
    armedFor[i] = 0;
    if ((d >> TDATA1_TYPE_SHIFT) != <u64>TRIGGER_TYPE_MCONTROL6 || (d & MODE_BITS) == 0) continue;
    let t = tdata2[i];
    let match = (d >> MCONTROL6_MATCH_SHIFT) & 15;
    if (match == MCONTROL6_MATCH_GE) { rangeLo[i] = t; rangeHi[i] = 0xffff_ffff_ffff_ffff; }
    else if (match == MCONTROL6_MATCH_LT) {
      if (t == 0) continue; // below 0: never
      rangeLo[i] = 0; rangeHi[i] = t - 1;
    } else { rangeLo[i] = t; rangeHi[i] = t; }
    armedFor[i] = d & ACCESS_BITS;
    watched |= armedFor[i];
  }
  flushTlbAll();
}

// The mode bit of the current privilege for which triggers may fire now (0: none).
// Breakpoints taken in the mode they come from would re-enter a trap handler before it
// saved anything, so, as the spec's first solution for native triggers says, none
// fires in M-mode while mstatus.MIE is 0, nor in HS-mode while sstatus.SIE is 0 when
// breakpoints are delegated to HS, nor in VS-mode while vsstatus.SIE is 0 when they
// are delegated on to VS (medeleg[3] and hedeleg[3]). In V=1 the VS and VU bits count,
// not S and U (Sdtrig, mcontrol6).
function mayFire(): u64 {
  if (priv == PRV_M) return (mstatus & MSTATUS_MIE) != 0 ? <u64>MCONTROL6_M : 0;
  let delegated = ((medeleg >> CAUSE_BREAKPOINT) & 1) != 0;
  if (virt) {
    if (priv != PRV_S) return <u64>MCONTROL6_VU;
    if (delegated && ((hedeleg >> CAUSE_BREAKPOINT) & 1) != 0 && (vsstatus & MSTATUS_SIE) == 0) return 0;
    return <u64>MCONTROL6_VS;
  }
  if (priv == PRV_S) {
    if (delegated && (mstatus & MSTATUS_SIE) == 0) return 0;
    return <u64>MCONTROL6_S;
  }
  return <u64>MCONTROL6_U;
}

// Whether an access of one of the `kinds` (MCONTROL6_LOAD/STORE/EXECUTE bits) to the
// `size` bytes at va makes a trigger fire. Those that fire get hit0 (fired before the
// instruction) set; the caller raises the breakpoint with tval = va, the faulting
// virtual address. Any byte of the access may match; an instruction matches by its
// first byte.
export function triggerFires(kinds: u64, va: u64, size: u64): bool {
  let mode = mayFire();
  if (mode == 0) return false;
  let last = va + size - 1;
  let fired = false;
  for (let i = 0; i < TRIGGER_COUNT; i++) {
    if ((armedFor[i] & kinds) == 0 || (tdata1[i] & mode) == 0) continue;
    if (va > rangeHi[i] || last < rangeLo[i]) continue;
    tdata1[i] |= <u64>MCONTROL6_HIT0;
    fired = true;
  }
  return fired;
}

// Whether some armed trigger watches an access of `kind` (a MCONTROL6_* access bit)
// anywhere in the 4 KiB page holding va, in any mode: such a page stays out of the TLB.
export function pageWatched(kind: u64, va: u64): bool {
  let lo = va & ~(<u64>0xfff);
  let hi = lo | 0xfff;
  for (let i = 0; i < TRIGGER_COUNT; i++) {
    if ((armedFor[i] & kind) != 0 && lo <= rangeHi[i] && hi >= rangeLo[i]) return true;
  }
  return false;
}
