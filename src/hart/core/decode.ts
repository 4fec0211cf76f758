// Instruction decoding into cache entries (unprivileged spec, "RV32/64G Instruction
// Set Listings" and "C Standard Extension"). An entry is 16 bytes:
//   0 raw:u32  4 op:u8  5 rd:u8  6 rs1:u8  7 rs2:u8  8 imm:i32  12 rs3:u8  13 len:u8  14 rm:u8
// Integer destinations of x0 are decoded as X_SINK so the executor never checks rd.
import { Op } from './ops';
import { X_SINK } from './layout';

const BRANCH_OPS: StaticArray<i32> = [Op.BEQ, Op.BNE, Op.ILLEGAL, Op.ILLEGAL, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const LOAD_OPS: StaticArray<i32> = [Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.ILLEGAL];
const STORE_OPS: StaticArray<i32> = [Op.SB, Op.SH, Op.SW, Op.SD];
const OP_OPS: StaticArray<i32> = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const MULDIV_OPS: StaticArray<i32> = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];
const MULDIVW_OPS: StaticArray<i32> = [Op.MULW, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW];
const CALU_OPS: StaticArray<i32> = [Op.SUB, Op.XOR, Op.OR, Op.AND];

// The full profile (RVA22S64 + Sstc + Zicond); false gives the bare RV64GC hart.
export let extFull: bool = true;
export function setExtFull(on: bool): void { extFull = on; }
@inline function ext(op: Op): Op { return extFull ? op : Op.ILLEGAL; }
// The H extension.
export let extH: bool = false;
export function setExtH(on: bool): void { extH = on; }
const HLV_OPS: StaticArray<i32> = [
  Op.HLV_B, Op.HLV_BU, Op.ILLEGAL, Op.ILLEGAL, Op.HLV_H, Op.HLV_HU, Op.ILLEGAL, Op.HLVX_HU,
  Op.HLV_W, Op.HLV_WU, Op.ILLEGAL, Op.HLVX_WU, Op.HLV_D, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL,
];
const HSV_OPS: StaticArray<i32> = [Op.HSV_B, Op.HSV_H, Op.HSV_W, Op.HSV_D];

@inline function ird(r: u32): u32 { return r == 0 ? X_SINK : r; }

@inline function put(di: usize, op: Op, rd: u32, rs1: u32, rs2: u32, imm: i32): void {
  store<u8>(di, <u8>op, 4);
  store<u8>(di, <u8>rd, 5);
  store<u8>(di, <u8>rs1, 6);
  store<u8>(di, <u8>rs2, 7);
  store<i32>(di, imm, 8);
}

export function decode(raw: u32, di: usize): void {
  store<u32>(di, raw);
  store<u8>(di, 0, 12);
  store<u8>(di, 0, 14);
  if ((raw & 3) != 3) {
    store<u8>(di, 2, 13);
    decodeC(raw & 0xffff, di);
  } else {
    store<u8>(di, 4, 13);
    decode32(raw, di);
  }
}

function immI(raw: u32): i32 { return <i32>raw >> 20; }
function immS(raw: u32): i32 { return ((<i32>raw >> 25) << 5) | <i32>((raw >> 7) & 31); }
function immB(raw: u32): i32 {
  return ((<i32>raw >> 31) << 12) | <i32>(((raw >> 7) & 1) << 11) | <i32>(((raw >> 25) & 0x3f) << 5) | <i32>(((raw >> 8) & 0xf) << 1);
}
function immJ(raw: u32): i32 {
  return ((<i32>raw >> 31) << 20) | <i32>(raw & 0xff000) | <i32>(((raw >> 20) & 1) << 11) | <i32>(((raw >> 21) & 0x3ff) << 1);
}

function illegal(di: usize): void { put(di, Op.ILLEGAL, 0, 0, 0, 0); }

// Rounding-mode fields 5 and 6 are reserved; 7 (dynamic) is checked at execution.
function validRm(rm: u32): bool { return rm != 5 && rm != 6; }

function decode32(raw: u32, di: usize): void {
  let rd = (raw >> 7) & 31;
  let f3 = (raw >> 12) & 7;
  let rs1 = (raw >> 15) & 31;
  let rs2 = (raw >> 20) & 31;
  let f7 = raw >> 25;
  switch (raw & 0x7f) {
    case 0x37: put(di, Op.LUI, ird(rd), 0, 0, <i32>(raw & 0xfffff000)); return;
    case 0x17: put(di, Op.AUIPC, ird(rd), 0, 0, <i32>(raw & 0xfffff000)); return;
    case 0x6f: put(di, Op.JAL, ird(rd), 0, 0, immJ(raw)); return;
    case 0x67: if (f3 == 0) { put(di, Op.JALR, ird(rd), rs1, 0, immI(raw)); return; } break;
    case 0x63: {
      put(di, <Op>unchecked(BRANCH_OPS[f3]), 0, rs1, rs2, immB(raw));
      return;
    }
    case 0x03: {
      put(di, <Op>unchecked(LOAD_OPS[f3]), ird(rd), rs1, 0, immI(raw));
      return;
    }
    case 0x23: {
      if (f3 > 3) break;
      put(di, <Op>unchecked(STORE_OPS[f3]), 0, rs1, rs2, immS(raw));
      return;
    }
    case 0x13: {
      let sh = <i32>((raw >> 20) & 63);
      let imm12 = raw >> 20;
      let f6 = raw >> 26;
      switch (f3) {
        case 0: put(di, Op.ADDI, ird(rd), rs1, 0, immI(raw)); return;
        case 1: {
          let op = f6 == 0 ? Op.SLLI : Op.ILLEGAL;
          if (op == Op.ILLEGAL) {
            op = f6 == 0x12 ? Op.BCLRI : f6 == 0x1a ? Op.BINVI : f6 == 0x0a ? Op.BSETI :
              imm12 == 0x600 ? Op.CLZ : imm12 == 0x601 ? Op.CTZ : imm12 == 0x602 ? Op.CPOP :
              imm12 == 0x604 ? Op.SEXT_B : imm12 == 0x605 ? Op.SEXT_H : Op.ILLEGAL;
            op = ext(op);
          }
          if (op == Op.ILLEGAL) break;
          put(di, op, ird(rd), rs1, 0, sh);
          return;
        }
        case 2: put(di, Op.SLTI, ird(rd), rs1, 0, immI(raw)); return;
        case 3: put(di, Op.SLTIU, ird(rd), rs1, 0, immI(raw)); return;
        case 4: put(di, Op.XORI, ird(rd), rs1, 0, immI(raw)); return;
        case 5: {
          let op = f6 == 0 ? Op.SRLI : f6 == 0x10 ? Op.SRAI : Op.ILLEGAL;
          if (op == Op.ILLEGAL) {
            op = f6 == 0x12 ? Op.BEXTI : f6 == 0x18 ? Op.RORI :
              imm12 == 0x287 ? Op.ORC_B : imm12 == 0x6b8 ? Op.REV8 : Op.ILLEGAL;
            op = ext(op);
          }
          if (op == Op.ILLEGAL) break;
          put(di, op, ird(rd), rs1, 0, sh);
          return;
        }
        case 6: put(di, Op.ORI, ird(rd), rs1, 0, immI(raw)); return;
        case 7: put(di, Op.ANDI, ird(rd), rs1, 0, immI(raw)); return;
      }
      break;
    }
    case 0x1b: {
      let sh = <i32>rs2;
      let imm12 = raw >> 20;
      let op = Op.ILLEGAL;
      if (f3 == 0) { put(di, Op.ADDIW, ird(rd), rs1, 0, immI(raw)); return; }
      if (f3 == 1) {
        if (f7 == 0) op = Op.SLLIW;
        else if ((raw >> 26) == 0x02) { op = ext(Op.SLLI_UW); sh = <i32>((raw >> 20) & 63); }
        else op = ext(imm12 == 0x600 ? Op.CLZW : imm12 == 0x601 ? Op.CTZW : imm12 == 0x602 ? Op.CPOPW : Op.ILLEGAL);
      } else if (f3 == 5) {
        op = f7 == 0 ? Op.SRLIW : f7 == 0x20 ? Op.SRAIW : f7 == 0x30 ? ext(Op.RORIW) : Op.ILLEGAL;
      }
      if (op == Op.ILLEGAL) break;
      put(di, op, ird(rd), rs1, 0, sh);
      return;
    }
    case 0x33: {
      let op = Op.ILLEGAL;
      if (f7 == 0) {
        op = <Op>unchecked(OP_OPS[f3]);
      } else if (f7 == 0x20) {
        op = f3 == 0 ? Op.SUB : f3 == 5 ? Op.SRA : ext(f3 == 4 ? Op.XNOR : f3 == 6 ? Op.ORN : f3 == 7 ? Op.ANDN : Op.ILLEGAL);
      } else if (f7 == 1) {
        op = <Op>unchecked(MULDIV_OPS[f3]);
      } else if (f7 == 0x10) {
        op = ext(f3 == 2 ? Op.SH1ADD : f3 == 4 ? Op.SH2ADD : f3 == 6 ? Op.SH3ADD : Op.ILLEGAL);
      } else if (f7 == 0x05) {
        op = ext(f3 == 4 ? Op.MIN : f3 == 5 ? Op.MINU : f3 == 6 ? Op.MAX : f3 == 7 ? Op.MAXU : Op.ILLEGAL);
      } else if (f7 == 0x30) {
        op = ext(f3 == 1 ? Op.ROL : f3 == 5 ? Op.ROR : Op.ILLEGAL);
      } else if (f7 == 0x24) {
        op = ext(f3 == 1 ? Op.BCLR : f3 == 5 ? Op.BEXT : Op.ILLEGAL);
      } else if (f7 == 0x34) {
        op = ext(f3 == 1 ? Op.BINV : Op.ILLEGAL);
      } else if (f7 == 0x14) {
        op = ext(f3 == 1 ? Op.BSET : Op.ILLEGAL);
      } else if (f7 == 0x07) {
        op = ext(f3 == 5 ? Op.CZERO_EQZ : f3 == 7 ? Op.CZERO_NEZ : Op.ILLEGAL);
      }
      if (op == Op.ILLEGAL) break;
      put(di, op, ird(rd), rs1, rs2, 0);
      return;
    }
    case 0x3b: {
      let op = Op.ILLEGAL;
      if (f7 == 0) op = f3 == 0 ? Op.ADDW : f3 == 1 ? Op.SLLW : f3 == 5 ? Op.SRLW : Op.ILLEGAL;
      else if (f7 == 0x20) op = f3 == 0 ? Op.SUBW : f3 == 5 ? Op.SRAW : Op.ILLEGAL;
      else if (f7 == 1) op = <Op>unchecked(MULDIVW_OPS[f3]);
      else if (f7 == 0x04) op = ext(f3 == 0 ? Op.ADD_UW : f3 == 4 && rs2 == 0 ? Op.ZEXT_H : Op.ILLEGAL);
      else if (f7 == 0x10) op = ext(f3 == 2 ? Op.SH1ADD_UW : f3 == 4 ? Op.SH2ADD_UW : f3 == 6 ? Op.SH3ADD_UW : Op.ILLEGAL);
      else if (f7 == 0x30) op = ext(f3 == 1 ? Op.ROLW : f3 == 5 ? Op.RORW : Op.ILLEGAL);
      if (op == Op.ILLEGAL) break;
      put(di, op, ird(rd), rs1, rs2, 0);
      return;
    }
    case 0x0f:
      if (f3 == 0) {
        put(di, raw == 0x0100000f && extFull ? Op.PAUSE : Op.FENCE, 0, 0, 0, 0);
        return;
      }
      if (f3 == 1) { put(di, Op.FENCE_I, 0, 0, 0, 0); return; }
      if (f3 == 2 && rd == 0) {
        let imm12 = raw >> 20;
        let op = ext(imm12 == 0 ? Op.CBO_INVAL : imm12 == 1 ? Op.CBO_CLEAN : imm12 == 2 ? Op.CBO_FLUSH : imm12 == 4 ? Op.CBO_ZERO : Op.ILLEGAL);
        if (op == Op.ILLEGAL) break;
        put(di, op, 0, rs1, 0, 0);
        return;
      }
      break;
    case 0x73: {
      let csr = <i32>(raw >> 20);
      switch (f3) {
        case 0:
          if (raw == 0x00000073) { put(di, Op.ECALL, 0, 0, 0, 0); return; }
          if (raw == 0x00100073) { put(di, Op.EBREAK, 0, 0, 0, 0); return; }
          if (raw == 0x30200073) { put(di, Op.MRET, 0, 0, 0, 0); return; }
          if (raw == 0x10200073) { put(di, Op.SRET, 0, 0, 0, 0); return; }
          if (raw == 0x10500073) { put(di, Op.WFI, 0, 0, 0, 0); return; }
          if (f7 == 0x09 && rd == 0) { put(di, Op.SFENCE_VMA, 0, rs1, rs2, 0); return; }
          if (extFull && f7 == 0x0b && rd == 0) { put(di, Op.SINVAL_VMA, 0, rs1, rs2, 0); return; }
          if (extFull && raw == 0x18000073) { put(di, Op.SFENCE_W_INVAL, 0, 0, 0, 0); return; }
          if (extFull && raw == 0x18100073) { put(di, Op.SFENCE_INVAL_IR, 0, 0, 0, 0); return; }
          if (extH && rd == 0 && (f7 == 0x11 || (extFull && f7 == 0x13))) { put(di, Op.HFENCE_VVMA, 0, rs1, rs2, 0); return; }
          if (extH && rd == 0 && (f7 == 0x31 || (extFull && f7 == 0x33))) { put(di, Op.HFENCE_GVMA, 0, rs1, rs2, 0); return; }
          break;
        case 4: {
          if (!extH || (f7 & 0x78) != 0x30) break;
          let width = (f7 >> 1) & 3;
          if (f7 & 1) {
            if (rd != 0) break;
            put(di, <Op>HSV_OPS[width], 0, rs1, rs2, 0);
            return;
          }
          if (rs2 > 3) break;
          let op = <Op>HLV_OPS[width * 4 + rs2];
          if (op == Op.ILLEGAL) break;
          put(di, op, ird(rd), rs1, 0, 0);
          return;
        }
        // CSR instructions keep the architectural rd (0 means "do not read").
        case 1: put(di, Op.CSRRW, rd, rs1, 0, csr); return;
        case 2: put(di, Op.CSRRS, rd, rs1, 0, csr); return;
        case 3: put(di, Op.CSRRC, rd, rs1, 0, csr); return;
        case 5: put(di, Op.CSRRWI, rd, rs1, 0, csr); return;
        case 6: put(di, Op.CSRRSI, rd, rs1, 0, csr); return;
        case 7: put(di, Op.CSRRCI, rd, rs1, 0, csr); return;
      }
      break;
    }
    case 0x2f: {
      if (f3 != 2 && f3 != 3) break;
      let f5 = raw >> 27;
      let op = Op.ILLEGAL;
      switch (f5) {
        case 0x02: op = rs2 == 0 ? Op.LR_W : Op.ILLEGAL; break;
        case 0x03: op = Op.SC_W; break;
        case 0x01: op = Op.AMOSWAP_W; break;
        case 0x00: op = Op.AMOADD_W; break;
        case 0x04: op = Op.AMOXOR_W; break;
        case 0x0c: op = Op.AMOAND_W; break;
        case 0x08: op = Op.AMOOR_W; break;
        case 0x10: op = Op.AMOMIN_W; break;
        case 0x14: op = Op.AMOMAX_W; break;
        case 0x18: op = Op.AMOMINU_W; break;
        case 0x1c: op = Op.AMOMAXU_W; break;
      }
      if (op == Op.ILLEGAL) break;
      if (f3 == 3) op += Op.LR_D - Op.LR_W;
      put(di, op, ird(rd), rs1, rs2, 0);
      return;
    }
    case 0x07:
      if (f3 == 1 && extFull) { put(di, Op.FLH, rd, rs1, 0, immI(raw)); return; }
      if (f3 == 2) { put(di, Op.FLW, rd, rs1, 0, immI(raw)); return; }
      if (f3 == 3) { put(di, Op.FLD, rd, rs1, 0, immI(raw)); return; }
      break;
    case 0x27:
      if (f3 == 1 && extFull) { put(di, Op.FSH, 0, rs1, rs2, immS(raw)); return; }
      if (f3 == 2) { put(di, Op.FSW, 0, rs1, rs2, immS(raw)); return; }
      if (f3 == 3) { put(di, Op.FSD, 0, rs1, rs2, immS(raw)); return; }
      break;
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
      let fmt = f7 & 3;
      if (fmt > 1 || !validRm(f3)) break;
      let op: Op = Op.FMADD_S + <i32>((raw >> 2) & 3) + (fmt == 1 ? 4 : 0);
      put(di, op, rd, rs1, rs2, 0);
      store<u8>(di, <u8>(raw >> 27), 12);
      store<u8>(di, <u8>f3, 14);
      return;
    }
    case 0x53: {
      let op = decodeOpFp(f7, f3, rs2);
      if (op == Op.ILLEGAL) break;
      // Results that land in an integer register use the sink for x0.
      let intRd = (op >= Op.FEQ_S && op <= Op.FCVT_LU_D) || op == Op.FMV_X_W || op == Op.FMV_X_D ||
        op == Op.FCLASS_S || op == Op.FCLASS_D || op == Op.FMV_X_H;
      put(di, op, intRd ? ird(rd) : rd, rs1, rs2, 0);
      store<u8>(di, <u8>f3, 14);
      return;
    }
  }
  illegal(di);
}

function decodeOpFp(f7: u32, f3: u32, rs2: u32): Op {
  let rmOk = validRm(f3);
  switch (f7) {
    case 0x00: return rmOk ? Op.FADD_S : Op.ILLEGAL;
    case 0x01: return rmOk ? Op.FADD_D : Op.ILLEGAL;
    case 0x04: return rmOk ? Op.FSUB_S : Op.ILLEGAL;
    case 0x05: return rmOk ? Op.FSUB_D : Op.ILLEGAL;
    case 0x08: return rmOk ? Op.FMUL_S : Op.ILLEGAL;
    case 0x09: return rmOk ? Op.FMUL_D : Op.ILLEGAL;
    case 0x0c: return rmOk ? Op.FDIV_S : Op.ILLEGAL;
    case 0x0d: return rmOk ? Op.FDIV_D : Op.ILLEGAL;
    case 0x2c: return rmOk && rs2 == 0 ? Op.FSQRT_S : Op.ILLEGAL;
    case 0x2d: return rmOk && rs2 == 0 ? Op.FSQRT_D : Op.ILLEGAL;
    case 0x10: return f3 == 0 ? Op.FSGNJ_S : f3 == 1 ? Op.FSGNJN_S : f3 == 2 ? Op.FSGNJX_S : Op.ILLEGAL;
    case 0x11: return f3 == 0 ? Op.FSGNJ_D : f3 == 1 ? Op.FSGNJN_D : f3 == 2 ? Op.FSGNJX_D : Op.ILLEGAL;
    case 0x14: return f3 == 0 ? Op.FMIN_S : f3 == 1 ? Op.FMAX_S : Op.ILLEGAL;
    case 0x15: return f3 == 0 ? Op.FMIN_D : f3 == 1 ? Op.FMAX_D : Op.ILLEGAL;
    case 0x20: return !rmOk ? Op.ILLEGAL : rs2 == 1 ? Op.FCVT_S_D : rs2 == 2 ? ext(Op.FCVT_S_H) : Op.ILLEGAL;
    case 0x21: return !rmOk ? Op.ILLEGAL : rs2 == 0 ? Op.FCVT_D_S : rs2 == 2 ? ext(Op.FCVT_D_H) : Op.ILLEGAL;
    case 0x22: return !rmOk ? Op.ILLEGAL : rs2 == 0 ? ext(Op.FCVT_H_S) : rs2 == 1 ? ext(Op.FCVT_H_D) : Op.ILLEGAL;
    case 0x72: return rs2 == 0 && f3 == 0 ? ext(Op.FMV_X_H) : Op.ILLEGAL;
    case 0x7a: return rs2 == 0 && f3 == 0 ? ext(Op.FMV_H_X) : Op.ILLEGAL;
    case 0x50: return f3 == 2 ? Op.FEQ_S : f3 == 1 ? Op.FLT_S : f3 == 0 ? Op.FLE_S : Op.ILLEGAL;
    case 0x51: return f3 == 2 ? Op.FEQ_D : f3 == 1 ? Op.FLT_D : f3 == 0 ? Op.FLE_D : Op.ILLEGAL;
    case 0x60: return rmOk && rs2 < 4 ? Op.FCVT_W_S + <i32>rs2 : Op.ILLEGAL;
    case 0x61: return rmOk && rs2 < 4 ? Op.FCVT_W_D + <i32>rs2 : Op.ILLEGAL;
    case 0x68: return rmOk && rs2 < 4 ? Op.FCVT_S_W + <i32>rs2 : Op.ILLEGAL;
    case 0x69: return rmOk && rs2 < 4 ? Op.FCVT_D_W + <i32>rs2 : Op.ILLEGAL;
    case 0x70: return rs2 != 0 ? Op.ILLEGAL : f3 == 0 ? Op.FMV_X_W : f3 == 1 ? Op.FCLASS_S : Op.ILLEGAL;
    case 0x71: return rs2 != 0 ? Op.ILLEGAL : f3 == 0 ? Op.FMV_X_D : f3 == 1 ? Op.FCLASS_D : Op.ILLEGAL;
    case 0x78: return rs2 == 0 && f3 == 0 ? Op.FMV_W_X : Op.ILLEGAL;
    case 0x79: return rs2 == 0 && f3 == 0 ? Op.FMV_D_X : Op.ILLEGAL;
  }
  return Op.ILLEGAL;
}

// ---- C extension ---------------------------------------------------------------

@inline function bit(h: u32, i: u32): u32 { return (h >> i) & 1; }
@inline function bits(h: u32, hi: u32, lo: u32): u32 { return (h >> lo) & ((1 << (hi - lo + 1)) - 1); }
// Sign-extends the low n bits of v.
@inline function sext(v: u32, n: u32): i32 { return (<i32>(v << (32 - n))) >> (32 - n); }

function decodeC(h: u32, di: usize): void {
  let f3 = h >> 13;
  let rdp = 8 + bits(h, 4, 2);   // rd' / rs2'
  let rs1p = 8 + bits(h, 9, 7);  // rs1' / rd'
  let rd = bits(h, 11, 7);
  let rs2 = bits(h, 6, 2);
  let imm6 = sext((bit(h, 12) << 5) | bits(h, 6, 2), 6);
  switch (h & 3) {
    case 0: {
      // uimm for C.LW/C.SW: [5:3]=12:10 [2]=6 [6]=5; for C.LD/C.SD/C.FLD/C.FSD: [5:3]=12:10 [7:6]=6:5
      let uw = <i32>((bits(h, 12, 10) << 3) | (bit(h, 6) << 2) | (bit(h, 5) << 6));
      let ud = <i32>((bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6));
      switch (f3) {
        case 0: {
          let nz = <i32>((bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bit(h, 6) << 2) | (bit(h, 5) << 3));
          if (nz == 0) break; // includes the all-zero illegal instruction
          put(di, Op.ADDI, rdp, 2, 0, nz);
          return;
        }
        case 1: put(di, Op.FLD, rdp, rs1p, 0, ud); return;
        case 2: put(di, Op.LW, rdp, rs1p, 0, uw); return;
        case 3: put(di, Op.LD, rdp, rs1p, 0, ud); return;
        case 5: put(di, Op.FSD, 0, rs1p, rdp, ud); return;
        case 6: put(di, Op.SW, 0, rs1p, rdp, uw); return;
        case 7: put(di, Op.SD, 0, rs1p, rdp, ud); return;
      }
      break;
    }
    case 1:
      switch (f3) {
        case 0: put(di, Op.ADDI, ird(rd), rd, 0, imm6); return;
        case 1: if (rd == 0) break; put(di, Op.ADDIW, rd, rd, 0, imm6); return;
        case 2: put(di, Op.ADDI, ird(rd), 0, 0, imm6); return;
        case 3: {
          if (rd == 2) {
            let nz = sext((bit(h, 12) << 9) | (bit(h, 6) << 4) | (bit(h, 5) << 6) | (bits(h, 4, 3) << 7) | (bit(h, 2) << 5), 10);
            if (nz == 0) break;
            put(di, Op.ADDI, 2, 2, 0, nz);
            return;
          }
          if (imm6 == 0) break;
          put(di, Op.LUI, ird(rd), 0, 0, imm6 << 12);
          return;
        }
        case 4: {
          let sh = <i32>((bit(h, 12) << 5) | bits(h, 6, 2));
          switch (bits(h, 11, 10)) {
            case 0: put(di, Op.SRLI, rs1p, rs1p, 0, sh); return;
            case 1: put(di, Op.SRAI, rs1p, rs1p, 0, sh); return;
            case 2: put(di, Op.ANDI, rs1p, rs1p, 0, imm6); return;
            case 3: {
              let f = bits(h, 6, 5);
              if (bit(h, 12) == 0) {
                put(di, <Op>unchecked(CALU_OPS[f]), rs1p, rs1p, rdp, 0);
                return;
              }
              if (f == 0) { put(di, Op.SUBW, rs1p, rs1p, rdp, 0); return; }
              if (f == 1) { put(di, Op.ADDW, rs1p, rs1p, rdp, 0); return; }
              break;
            }
          }
          break;
        }
        case 5: put(di, Op.JAL, X_SINK, 0, 0, cjImm(h)); return;
        case 6: put(di, Op.BEQ, 0, rs1p, 0, cbImm(h)); return;
        case 7: put(di, Op.BNE, 0, rs1p, 0, cbImm(h)); return;
      }
      break;
    case 2:
      switch (f3) {
        case 0: put(di, Op.SLLI, ird(rd), rd, 0, <i32>((bit(h, 12) << 5) | bits(h, 6, 2))); return;
        case 1: put(di, Op.FLD, rd, 2, 0, <i32>((bit(h, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6))); return;
        case 2:
          if (rd == 0) break;
          put(di, Op.LW, rd, 2, 0, <i32>((bit(h, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6)));
          return;
        case 3:
          if (rd == 0) break;
          put(di, Op.LD, rd, 2, 0, <i32>((bit(h, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6)));
          return;
        case 4:
          if (bit(h, 12) == 0) {
            if (rs2 == 0) {
              if (rd == 0) break;
              put(di, Op.JALR, X_SINK, rd, 0, 0);
            } else {
              put(di, Op.ADD, ird(rd), 0, rs2, 0);
            }
            return;
          }
          if (rs2 == 0) {
            if (rd == 0) put(di, Op.EBREAK, 0, 0, 0, 0);
            else put(di, Op.JALR, 1, rd, 0, 0);
            return;
          }
          put(di, Op.ADD, ird(rd), rd, rs2, 0);
          return;
        case 5: put(di, Op.FSD, 0, 2, rs2, <i32>((bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6))); return;
        case 6: put(di, Op.SW, 0, 2, rs2, <i32>((bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6))); return;
        case 7: put(di, Op.SD, 0, 2, rs2, <i32>((bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6))); return;
      }
      break;
  }
  illegal(di);
}

function cjImm(h: u32): i32 {
  let v = (bit(h, 12) << 11) | (bit(h, 11) << 4) | (bits(h, 10, 9) << 8) | (bit(h, 8) << 10) |
    (bit(h, 7) << 6) | (bit(h, 6) << 7) | (bits(h, 5, 3) << 1) | (bit(h, 2) << 5);
  return sext(v, 12);
}

function cbImm(h: u32): i32 {
  let v = (bit(h, 12) << 8) | (bits(h, 11, 10) << 3) | (bits(h, 6, 5) << 6) | (bits(h, 4, 3) << 1) | (bit(h, 2) << 5);
  return sext(v, 9);
}
