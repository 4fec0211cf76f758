// The transformed instruction that trap entry writes to htinst/mtinst for a fault
// of an explicit load or store (privileged spec, "Transformed Instruction or
// Pseudoinstruction for mtinst or htinst"): the trapping instruction with its
// immediate cleared and rs1 replaced by the offset of the faulting address from the
// access's base address; a compressed instruction is expanded first and then has
// bit 1 cleared. Anything else gets zero, which the spec always allows.
import { Op } from './ops';
import { TLB_MASK, TINST_SCRATCH, X_SINK } from './layout';
import { PC, getX } from './state';
import { tlbFetch } from './tlb';
import { decode } from './decode';

// Causes whose htinst/mtinst may be a transformed load or store: misaligned, access
// fault, page fault and guest-page fault of loads and stores.
export const TINST_CAUSES: u64 = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 13) | (1 << 15) | (1 << 21) | (1 << 23);

const RS1_FIELD: u32 = 0x1f << 15;

// The transformed instruction at PC (whose access faulted at va), or 0.
export function transformedInstruction(va: u64): u64 {
  // The instruction was just fetched through the fetch TLB of the mode that trapped;
  // one that straddles a page, or whose page has gone, gets zero.
  let vpn = PC >> 12;
  let e = tlbFetch + ((<usize>(vpn & TLB_MASK)) << 4);
  if (load<u64>(e) != vpn || (PC & 0xfff) > 0xffc) return 0;
  let raw = load<u32>(<usize>(PC + load<u64>(e, 8)));
  let di = TINST_SCRATCH;
  decode(raw, di);
  let op = <i32>load<u8>(di, 4);
  let rd = <u32>load<u8>(di, 5);
  if (rd == X_SINK) rd = 0;
  let rs1 = <u32>load<u8>(di, 6);
  let rs2 = <u32>load<u8>(di, 7);
  let imm = <u64><i64>load<i32>(di, 8);
  let compressed = load<u8>(di, 13) == 2;
  let f3: u32 = 0;
  let opcode: u32 = 0;
  let store = false;
  switch (op) {
    case Op.LB: f3 = 0; opcode = 0x03; break;
    case Op.LH: f3 = 1; opcode = 0x03; break;
    case Op.LW: f3 = 2; opcode = 0x03; break;
    case Op.LD: f3 = 3; opcode = 0x03; break;
    case Op.LBU: f3 = 4; opcode = 0x03; break;
    case Op.LHU: f3 = 5; opcode = 0x03; break;
    case Op.LWU: f3 = 6; opcode = 0x03; break;
    case Op.FLH: f3 = 1; opcode = 0x07; break;
    case Op.FLW: f3 = 2; opcode = 0x07; break;
    case Op.FLD: f3 = 3; opcode = 0x07; break;
    case Op.SB: f3 = 0; opcode = 0x23; store = true; break;
    case Op.SH: f3 = 1; opcode = 0x23; store = true; break;
    case Op.SW: f3 = 2; opcode = 0x23; store = true; break;
    case Op.SD: f3 = 3; opcode = 0x23; store = true; break;
    case Op.FSH: f3 = 1; opcode = 0x27; store = true; break;
    case Op.FSW: f3 = 2; opcode = 0x27; store = true; break;
    case Op.FSD: f3 = 3; opcode = 0x27; store = true; break;
    default: {
      // Atomics and HLV/HSV address rs1 with no immediate and have no compressed form.
      let atomic = op >= Op.LR_W && op <= Op.AMOMAXU_D;
      let hyper = op >= Op.HLV_B && op <= Op.HSV_D;
      if (!atomic && !hyper) return 0;
      let offset = <u32>(va - getX(rs1)) & 0x1f;
      return <u64>((raw & ~RS1_FIELD) | (offset << 15));
    }
  }
  let offset = <u32>(va - (getX(rs1) + imm)) & 0x1f;
  let t: u32 = store ? (rs2 << 20) | (offset << 15) | (f3 << 12) | opcode
    : (offset << 15) | (f3 << 12) | (rd << 7) | opcode;
  if (compressed) t &= ~(<u32>2);
  return <u64>t;
}
