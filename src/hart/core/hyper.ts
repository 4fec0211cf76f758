// The H extension's instructions (privileged spec, "Hypervisor Instructions"):
// HLV, HLVX and HSV access memory as V=1 would, with hstatus.SPVP's privilege;
// HFENCE.VVMA and HFENCE.GVMA (and HINVAL) drop guest translations.
import { Op } from './ops';
import { priv, virt, trapped, getX, setX } from './state';
import { mstatus, hstatus } from './csr';
import { PRV_S, PRV_U, MSTATUS_TVM, HSTATUS_HU, HSTATUS_SPVP } from '../spec/csr';
import { CAUSE_ILLEGAL_INSTRUCTION, CAUSE_VIRTUAL_INSTRUCTION } from '../spec/causes';
import { loadSlow, storeSlow, setHyperAccess } from './mmu';
import { flushTlbAll } from './tlb';
import { raiseException } from './trap';

// Executes op; returns false with a trap raised.
export function execHyper(op: i32, rd: u32, rs1: u32, rs2: u32, raw: u32): bool {
  let fence = op == Op.HFENCE_VVMA || op == Op.HFENCE_GVMA;
  // From V=1 they are virtual instructions; in U-mode they need hstatus.HU (loads and
  // stores only); HFENCE.GVMA obeys mstatus.TVM in HS-mode.
  if (virt) { raiseException(CAUSE_VIRTUAL_INSTRUCTION, raw); return false; }
  if (priv == PRV_U && (fence || (hstatus & HSTATUS_HU) == 0)) { raiseException(CAUSE_ILLEGAL_INSTRUCTION, raw); return false; }
  if (op == Op.HFENCE_GVMA && priv == PRV_S && (mstatus & MSTATUS_TVM) != 0) {
    raiseException(CAUSE_ILLEGAL_INSTRUCTION, raw);
    return false;
  }
  // Guest translations share the TLB with the host's; dropping them all is always allowed.
  if (fence) { flushTlbAll(); return true; }
  let va = getX(rs1);
  setHyperAccess((hstatus & HSTATUS_SPVP) != 0 ? PRV_S : PRV_U, op == Op.HLVX_HU || op == Op.HLVX_WU);
  let v: u64 = 0;
  switch (op) {
    case Op.HLV_B: v = <u64><i64><i8>loadSlow(va, 1); break;
    case Op.HLV_BU: v = loadSlow(va, 1); break;
    case Op.HLV_H: v = <u64><i64><i16>loadSlow(va, 2); break;
    case Op.HLV_HU: case Op.HLVX_HU: v = loadSlow(va, 2); break;
    case Op.HLV_W: v = <u64><i64><i32>loadSlow(va, 4); break;
    case Op.HLV_WU: case Op.HLVX_WU: v = loadSlow(va, 4); break;
    case Op.HLV_D: v = loadSlow(va, 8); break;
    case Op.HSV_B: storeSlow(va, 1, getX(rs2)); break;
    case Op.HSV_H: storeSlow(va, 2, getX(rs2)); break;
    case Op.HSV_W: storeSlow(va, 4, getX(rs2)); break;
    case Op.HSV_D: storeSlow(va, 8, getX(rs2)); break;
  }
  setHyperAccess(-1, false);
  if (trapped) return false;
  if (op < Op.HSV_B) setX(rd, v);
  return true;
}
