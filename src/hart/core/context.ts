// Thread contexts in guest RAM, for a kernel that owns M-mode from the host (the
// microvisor): one call saves the hart's user-visible state into a context block and
// one call loads another, so a context switch is two calls into the module and no copy
// through the host. The floating-point registers move lazily: they are saved only when
// mstatus.FS says they were written (Dirty), and loaded only when the hart holds
// another context's values. docs/hart-seam.md describes the block.
import { X_OFFSET, F_OFFSET } from './layout';
import { codeWritten } from './jit';
import { PC, priv } from './state';
import * as csr from './csr';
import { fflags } from './fpu';
import { isRam, ramHost } from './mmu';
import { updateTlbBases } from './tlb';
import { CSR_SATP, MSTATUS_FS, PRV_U } from '../spec/csr';

// Byte offsets in a context block (8-byte aligned, CONTEXT_BYTES long).
const CTX_X: usize = 0x000;     // x0..x31 (x0 is not written)
const CTX_F: usize = 0x100;     // f0..f31
const CTX_PC: usize = 0x200;
const CTX_FCSR: usize = 0x208;
const CTX_SATP: usize = 0x210;
const CTX_FLAGS: usize = 0x218; // bit 0: the block's f registers hold values (FP was used)
export const CONTEXT_BYTES: u64 = 0x220;

const FLAG_FP: u64 = 1;
const MSTATUS_FS_CLEAN: u64 = <u64>2 << 13;
const MSTATUS_FS_DIRTY_BITS: u64 = <u64>3 << 13;

// The block whose floating-point state the f registers and fcsr hold now (0: none,
// and they hold only zeros), and whether they hold anything but zeros.
let fpOwner: u64 = 0;
let fpLive: bool = false;

@inline function fpUsed(): bool { return (csr.mstatus & MSTATUS_FS) == MSTATUS_FS_DIRTY_BITS; }

/** Saves x1..x31, pc and (if written since the last load) the FP state at `pa`. False: not in RAM. */
export function saveContext(pa: u64): bool {
  if ((pa & 7) != 0 || !isRam(pa, CONTEXT_BYTES)) return false;
  let b = ramHost(pa);
  codeWritten(b, <usize>CONTEXT_BYTES);
  memory.copy(b + CTX_X + 8, X_OFFSET + 8, 31 * 8);
  store<u64>(b + CTX_PC, PC);
  if (fpUsed()) {
    memory.copy(b + CTX_F, F_OFFSET, 32 * 8);
    store<u64>(b + CTX_FCSR, <u64>(fflags | (csr.frm << 5)));
    store<u64>(b + CTX_FLAGS, load<u64>(b + CTX_FLAGS) | FLAG_FP);
    csr.mstatus = (csr.mstatus & ~MSTATUS_FS) | MSTATUS_FS_CLEAN;
    fpOwner = pa;
    fpLive = true;
  }
  return true;
}

/**
 * Loads the context at `pa` onto the hart in U-mode: registers, pc, its satp (written
 * only when it differs, so the TLB's address-space slot stays), and its FP state if the
 * hart holds another's. False: not in RAM (nothing changed).
 */
export function loadContext(pa: u64): bool {
  if ((pa & 7) != 0 || !isRam(pa, CONTEXT_BYTES)) return false;
  let b = ramHost(pa);
  memory.copy(X_OFFSET + 8, b + CTX_X + 8, 31 * 8);
  PC = load<u64>(b + CTX_PC) & ~(<u64>1);
  let satp = load<u64>(b + CTX_SATP);
  if (satp != csr.satp) csr.csrWrite(CSR_SATP, satp, false);
  if (fpOwner != pa) {
    let used = (load<u64>(b + CTX_FLAGS) & FLAG_FP) != 0;
    if (used || fpLive) {
      memory.copy(F_OFFSET, b + CTX_F, 32 * 8);
      let fcsr = <u32>load<u64>(b + CTX_FCSR);
      fflags = fcsr & 0x1f;
      csr.frm = (fcsr >> 5) & 7;
      fpLive = used;
    }
    fpOwner = pa;
  }
  csr.mstatus = (csr.mstatus & ~MSTATUS_FS) | MSTATUS_FS_CLEAN;
  priv = PRV_U;
  updateTlbBases();
  return true;
}

/** Forgets which context the FP registers belong to (after a reset or a host write to them). */
export function forgetFpOwner(): void {
  fpOwner = 0;
  fpLive = true;
}
