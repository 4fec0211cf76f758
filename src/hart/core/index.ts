// The hart module's exports: the seam described in docs/hart-seam.md.
import { X_OFFSET, F_OFFSET, MMIO_DATA_OFFSET, EXIT_RECORD_OFFSET, KFAST_OFFSET, RAM_OFFSET, RAM_PAD, DC_OFFSET, DC_ENTRIES, JIT_EXCHANGE } from './layout';
import { PC, priv, virt, stopReason, EXIT_STOP } from './state';
import * as csr from './csr';
import { PRV_M, MENVCFG_STCE } from '../spec/csr';
import { IRQ_M_TIMER, IRQ_S_TIMER, IRQ_VS_TIMER } from '../spec/causes';
import { setRam, addHole, clearHoles, ramSize } from './mmu';
import { flushTlbAll, updateTlbBases, resetTlb } from './tlb';
import { hostedM, trapCause, trapTval, trapEpc, setHostedCauses, injectSupervisor } from './trap';
import * as exec from './exec';
import * as jit from './jit';
import { ramHost, isRam } from './mmu';
import { clearReservation } from './reservation';
import { setExtFull, setExtH } from './decode';
import { saveContext as save, loadContext as load_, forgetFpOwner } from './context';

export function init(ramBase: u64, size: u64): bool {
  let pages = <u32>((size + 4095) >> 12);
  let map = (RAM_OFFSET + <usize>size + RAM_PAD + 7) & ~(<usize>7);
  let need = map + (<usize>pages << 3);
  let have = <usize>memory.size() << 16;
  if (need > have) {
    if (memory.grow(<i32>((need - have + 0xffff) >> 16)) < 0) return false;
  }
  // Pages memory.grow adds are zero already; only RAM that existed before needs clearing.
  if (have > RAM_OFFSET) memory.fill(RAM_OFFSET, 0, min(have, need) - RAM_OFFSET);
  setRam(ramBase, size);
  jit.jitSetup(map, pages);
  clearHoles();
  reset(ramBase);
  return true;
}

export function reset(pc: u64): void {
  memory.fill(X_OFFSET, 0, 33 * 8);
  memory.fill(F_OFFSET, 0, 32 * 8);
  memory.fill(KFAST_OFFSET, 0, 32 * 8); // the kernel fast path disarmed
  // Zero raw words never match a fetched instruction except the illegal 0x0000,
  // which decodes the same either way; clear the cache so entries start defined.
  memory.fill(DC_OFFSET, 0, <usize>DC_ENTRIES << 4);
  csr.resetCsrs();
  csr.cycles = 0; csr.retired = 0; csr.mcycleOffset = 0; csr.minstretOffset = 0; csr.mtimeOffset = 0;
  csr.mtimecmp = 0xffff_ffff_ffff_ffff;
  csr.mipLines = 0;
  priv = PRV_M;
  virt = false;
  PC = pc;
  clearReservation();
  exec.resetExec();
  jit.jitDropAll();
  resetTlb();
  forgetFpOwner();
}

export function run(budget: i64): i32 { return exec.run(budget); }
// The same with the budget as a number, and instret as one (exact below 2^53): a host
// loop that counts in numbers makes no BigInt per exit.
export function runBudget(budget: f64): i32 { return exec.run(<i64>budget); }
export function instretCount(): f64 { return <f64>csr.retired; }

// Thread contexts in guest RAM (context.ts): a hosted-M kernel's context switch.
// (Addresses as f64: the host passes a number, not a BigInt.)
export function saveContext(pa: f64): bool { return save(<u64>pa); }
export function loadContext(pa: f64): bool { return load_(<u64>pa); }
export function fpRegistersChanged(): void { forgetFpOwner(); }

export function getPc(): u64 { return PC; }
export function setPc(v: u64): void { PC = v & ~(<u64>1); }
export function getPriv(): i32 { return priv; }
export function setPriv(p: i32): void {
  if (p != 0 && p != 1 && p != 3) return;
  priv = p;
  // M-mode has no virtualization mode (privileged spec 8.1): V=1 exists only below M.
  if (p == PRV_M) virt = false;
  updateTlbBases();
}

export function csrRead(n: i32): u64 { return csr.csrRead(<u32>n, false); }
export function csrExists(n: i32): bool { csr.csrRead(<u32>n, false); return csr.csrOk; }
export function csrWrite(n: i32, v: u64): void { csr.csrWrite(<u32>n, v, false); }

export function xRegsOffset(): usize { return X_OFFSET; }
export function fRegsOffset(): usize { return F_OFFSET; }
export function mmioDataOffset(): usize { return MMIO_DATA_OFFSET; }
export function ramOffset(): usize { return RAM_OFFSET; }
export function ramBytes(): u64 { return ramSize; }

export function setIrqLine(bit: i32, level: i32): void {
  if (bit < 0 || bit > 63 || bit == <i32>IRQ_M_TIMER) return;
  let m = <u64>1 << <u64>bit;
  if (level != 0) csr.mipLines |= m; else csr.mipLines &= ~m;
}

export function getMtime(): u64 { return csr.mtime(); }
export function setMtime(v: u64): void { csr.mtimeOffset = v - csr.cycles / csr.insnsPerTick; }
export function getMtimecmp(): u64 { return csr.mtimecmp; }
export function setMtimecmp(v: u64): void { csr.mtimecmp = v; }
// The same as numbers (f64), for a host that keeps time in numbers: no BigInt crosses.
// Times below 2^53 ticks (28 years at 10 MHz) are exact; a compare value at or past
// 2^64 (or +Infinity) means never.
export function getMtimeTicks(): f64 { return <f64>csr.mtime(); }
export function setMtimeTicks(v: f64): void { setMtime(<u64>v); }
export function setMtimecmpTicks(v: f64): void { csr.mtimecmp = v >= 18446744073709551615.0 ? 0xffff_ffff_ffff_ffff : <u64>v; }
export function setInsnsPerTick(n: i32): void {
  if (n <= 0) return;
  let now = csr.mtime();
  csr.insnsPerTick = <u64>n;
  csr.mtimeOffset = now - csr.cycles / csr.insnsPerTick;
}

// Advances virtual time to the earliest armed, enabled timer deadline.
export function skipToNextTimer(): i32 {
  let cmp: u64 = 0xffff_ffff_ffff_ffff;
  if (csr.mie & (<u64>1 << IRQ_M_TIMER)) cmp = csr.mtimecmp;
  if ((csr.menvcfg & MENVCFG_STCE) != 0 && (csr.mie & (<u64>1 << IRQ_S_TIMER)) != 0 && csr.stimecmp < cmp) cmp = csr.stimecmp;
  // vstimecmp counts guest time (time + htimedelta).
  if ((csr.menvcfg & csr.henvcfg & MENVCFG_STCE) != 0 && (csr.mie & (<u64>1 << IRQ_VS_TIMER)) != 0) {
    let host = csr.vstimecmp - csr.htimedelta;
    if (host < cmp) cmp = host;
  }
  if (cmp == 0xffff_ffff_ffff_ffff) return 0;
  let now = csr.mtime();
  if (cmp <= now) return 1;
  let idle = (cmp - now) * csr.insnsPerTick;
  csr.cycles += idle;
  if (csr.mcountinhibit & 1) csr.mcycleOffset -= idle;
  return 1;
}

export function addMmioHole(start: u64, len: u64): bool {
  let ok = addHole(start, len);
  flushTlbAll();
  return ok;
}

export function requestStop(): void { stopReason = EXIT_STOP; }
export function setHostedM(on: i32): void { hostedM = on != 0; }
export function setHostedMCauses(exceptions: u64, interrupts: u64): void { setHostedCauses(exceptions, interrupts); }
// flags: bit 0, an interrupt; bit 1, into HS-mode even from V=1 (trap.ts, injectSupervisor).
export function injectTrap(cause: u64, tval: u64, flags: i32, gpa: u64, tinst: u64): void {
  injectSupervisor(cause, tval, (flags & 1) != 0, (flags & 2) != 0, gpa, tinst);
}
export function exitRecordOffset(): usize { return EXIT_RECORD_OFFSET; }
export function kfastOffset(): usize { return KFAST_OFFSET; }
export function setHartId(id: u64): void { csr.mhartid = id; }
// Bit 0: the full profile (RVA22S64 + Sstc + Zicond, the default), else bare RV64GC;
// bit 1: the H extension. Takes effect fully at the next reset.
export function setProfile(flags: i32): void {
  let full = flags & 1;
  setExtFull(full != 0);
  setExtH((flags & 2) != 0);
  csr.setHext((flags & 2) != 0);
  csr.profileFull = full != 0;
  memory.fill(DC_OFFSET, 0, <usize>DC_ENTRIES << 4);
  jit.jitDropAll(); // compiled code was decoded for the old profile
}

export function exitCause(): u64 { return stopReason == 4 ? exec.loopCause : trapCause; }
export function exitTval(): u64 { return stopReason == 4 ? exec.loopTval : trapTval; }
export function exitEpc(): u64 { return stopReason == 4 ? exec.loopEpc : trapEpc; }
export function lastPc(): u64 { return exec.lastPc; }
export function lastInsn(): u32 { return exec.lastRaw; }
export function instret(): u64 { return csr.retired; }

// The JIT (jit.ts, docs/hart.md "JIT"): on/off with the heat threshold (0: keep it),
// the compiler's decoder, and host writes into RAM that must drop compiled code.
export function setJit(on: i32, heat: i32): void { jit.setJit(on != 0, <u32>max(heat, 0)); }
export function jitDecode(raw: u32): usize { return jit.jitDecode(raw); }
export function jitExchangeOffset(): usize { return JIT_EXCHANGE; }
export function jitMapOffset(): usize { return jit.jitMapOffset(); }
export function jitInstall(page: i32, slot: i32): bool { return jit.jitInstall(<u32>page, slot); }
export function jitRetired(): f64 { return <f64>jit.compiledRetired; }
// Zeroes guest RAM [pa, pa+len), writing only the 4 KiB pieces that are not zero
// already: RAM nobody wrote is left untouched, so the host does not have to back it
// (a kernel zeroing a 128 MiB VM on a new board reads zero pages instead of writing
// and so allocating them). Compiled code is the host's business (jitWritten).
export function zeroRam(pa: f64, len: f64): void {
  let a = <u64>pa, n = <u64>len;
  if (n == 0 || !isRam(a, n)) return;
  let p = ramHost(a);
  let end = p + <usize>n;
  while (p < end) {
    let next = (p + 4096) & ~(<usize>4095);
    if (next > end) next = end;
    if (!allZero(p, next)) memory.fill(p, 0, next - p);
    p = next;
  }
}

function allZero(p: usize, end: usize): bool {
  let q = p;
  while (q + 32 <= end) {
    if ((load<u64>(q) | load<u64>(q, 8) | load<u64>(q, 16) | load<u64>(q, 24)) != 0) return false;
    q += 32;
  }
  while (q < end) {
    if (load<u8>(q) != 0) return false;
    q++;
  }
  return true;
}

export function jitWritten(pa: f64, len: f64): void {
  let a = <u64>pa, n = <u64>len;
  if (n == 0 || !isRam(a, n)) return;
  jit.codeWritten(ramHost(a), <usize>n);
}
