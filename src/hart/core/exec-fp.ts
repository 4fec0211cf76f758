// Execution of F and D instructions other than loads and stores. Values of single
// precision are NaN-boxed in the 64-bit registers (unprivileged spec, "NaN Boxing
// of Narrower Values").
import { Op } from './ops';
import { getF, setF, getX, setX, virt } from './state';
import { mstatus, frm, fsOn, fsDirty } from './csr';
import { MSTATUS_FS, MSTATUS_FS_DIRTY } from '../spec/csr';
import { CAUSE_ILLEGAL_INSTRUCTION } from '../spec/causes';
import { raiseException } from './trap';
import * as fpu from './fpu';

const BOX: u64 = 0xffff_ffff_0000_0000;
const CANONICAL_NAN_S: u32 = 0x7fc0_0000;

@inline function unbox(v: u64): u32 { return (v & BOX) == BOX ? <u32>v : CANONICAL_NAN_S; }
@inline function box(v: u32): u64 { return BOX | <u64>v; }
@inline function fs(r: u32): u32 { return unbox(getF(r)); }
const BOX_H: u64 = 0xffff_ffff_ffff_0000;
const CANONICAL_NAN_H: u32 = 0x7e00;
@inline function fh(r: u32): u32 { let v = getF(r); return (v & BOX_H) == BOX_H ? <u32>(v & 0xffff) : CANONICAL_NAN_H; }
@inline function sext32(v: u32): u64 { return <u64><i64><i32>v; }

// Whether FP instructions may execute now (mstatus.FS != Off).
// With V=1 both mstatus.FS and vsstatus.FS must be on, and both become Dirty.
@inline export function fpEnabled(): bool { return (mstatus & MSTATUS_FS) != 0 && (!virt || fsOn()); }
@inline export function markDirty(): void { mstatus |= MSTATUS_FS_DIRTY; if (virt) fsDirty(); }

// Executes op; returns false (with an illegal-instruction trap raised) when FS is
// Off or the rounding mode is invalid.
export function execFp(op: Op, rd: u32, rs1: u32, rs2: u32, rs3: u32, rmField: u32, raw: u32): bool {
  if (!fpEnabled()) { raiseException(CAUSE_ILLEGAL_INSTRUCTION, raw); return false; }
  let rm = rmField == 7 ? frm : rmField;
  let flags0 = fpu.fflags;
  switch (op) {
    case Op.FMADD_S: case Op.FMSUB_S: case Op.FNMSUB_S: case Op.FNMADD_S:
    case Op.FADD_S: case Op.FSUB_S: case Op.FMUL_S: case Op.FDIV_S: case Op.FSQRT_S:
    case Op.FMADD_D: case Op.FMSUB_D: case Op.FNMSUB_D: case Op.FNMADD_D:
    case Op.FADD_D: case Op.FSUB_D: case Op.FMUL_D: case Op.FDIV_D: case Op.FSQRT_D:
    case Op.FCVT_S_D: case Op.FCVT_D_S:
    case Op.FCVT_W_S: case Op.FCVT_WU_S: case Op.FCVT_L_S: case Op.FCVT_LU_S:
    case Op.FCVT_W_D: case Op.FCVT_WU_D: case Op.FCVT_L_D: case Op.FCVT_LU_D:
    case Op.FCVT_S_W: case Op.FCVT_S_WU: case Op.FCVT_S_L: case Op.FCVT_S_LU:
    case Op.FCVT_D_W: case Op.FCVT_D_WU: case Op.FCVT_D_L: case Op.FCVT_D_LU:
    case Op.FCVT_S_H: case Op.FCVT_H_S: case Op.FCVT_D_H: case Op.FCVT_H_D:
      if (rm > 4) { raiseException(CAUSE_ILLEGAL_INSTRUCTION, raw); return false; }
  }
  switch (op) {
    case Op.FMADD_S: setF(rd, box(fpu.f32_madd(fs(rs1), fs(rs2), fs(rs3), rm))); break;
    case Op.FMSUB_S: setF(rd, box(fpu.f32_msub(fs(rs1), fs(rs2), fs(rs3), rm))); break;
    case Op.FNMSUB_S: setF(rd, box(fpu.f32_nmsub(fs(rs1), fs(rs2), fs(rs3), rm))); break;
    case Op.FNMADD_S: setF(rd, box(fpu.f32_nmadd(fs(rs1), fs(rs2), fs(rs3), rm))); break;
    case Op.FMADD_D: setF(rd, fpu.f64_madd(getF(rs1), getF(rs2), getF(rs3), rm)); break;
    case Op.FMSUB_D: setF(rd, fpu.f64_msub(getF(rs1), getF(rs2), getF(rs3), rm)); break;
    case Op.FNMSUB_D: setF(rd, fpu.f64_nmsub(getF(rs1), getF(rs2), getF(rs3), rm)); break;
    case Op.FNMADD_D: setF(rd, fpu.f64_nmadd(getF(rs1), getF(rs2), getF(rs3), rm)); break;
    case Op.FADD_S: setF(rd, box(fpu.f32_add(fs(rs1), fs(rs2), rm))); break;
    case Op.FSUB_S: setF(rd, box(fpu.f32_sub(fs(rs1), fs(rs2), rm))); break;
    case Op.FMUL_S: setF(rd, box(fpu.f32_mul(fs(rs1), fs(rs2), rm))); break;
    case Op.FDIV_S: setF(rd, box(fpu.f32_div(fs(rs1), fs(rs2), rm))); break;
    case Op.FSQRT_S: setF(rd, box(fpu.f32_sqrt(fs(rs1), rm))); break;
    case Op.FADD_D: setF(rd, fpu.f64_add(getF(rs1), getF(rs2), rm)); break;
    case Op.FSUB_D: setF(rd, fpu.f64_sub(getF(rs1), getF(rs2), rm)); break;
    case Op.FMUL_D: setF(rd, fpu.f64_mul(getF(rs1), getF(rs2), rm)); break;
    case Op.FDIV_D: setF(rd, fpu.f64_div(getF(rs1), getF(rs2), rm)); break;
    case Op.FSQRT_D: setF(rd, fpu.f64_sqrt(getF(rs1), rm)); break;
    case Op.FSGNJ_S: setF(rd, box((fs(rs1) & 0x7fff_ffff) | (fs(rs2) & 0x8000_0000))); break;
    case Op.FSGNJN_S: setF(rd, box((fs(rs1) & 0x7fff_ffff) | (~fs(rs2) & 0x8000_0000))); break;
    case Op.FSGNJX_S: setF(rd, box(fs(rs1) ^ (fs(rs2) & 0x8000_0000))); break;
    case Op.FSGNJ_D: setF(rd, (getF(rs1) & ~(<u64>1 << 63)) | (getF(rs2) & (<u64>1 << 63))); break;
    case Op.FSGNJN_D: setF(rd, (getF(rs1) & ~(<u64>1 << 63)) | (~getF(rs2) & (<u64>1 << 63))); break;
    case Op.FSGNJX_D: setF(rd, getF(rs1) ^ (getF(rs2) & (<u64>1 << 63))); break;
    case Op.FMIN_S: setF(rd, box(fpu.f32_min(fs(rs1), fs(rs2)))); break;
    case Op.FMAX_S: setF(rd, box(fpu.f32_max(fs(rs1), fs(rs2)))); break;
    case Op.FMIN_D: setF(rd, fpu.f64_min(getF(rs1), getF(rs2))); break;
    case Op.FMAX_D: setF(rd, fpu.f64_max(getF(rs1), getF(rs2))); break;
    case Op.FCVT_S_D: setF(rd, box(fpu.f64_to_f32(getF(rs1), rm))); break;
    case Op.FCVT_D_S: setF(rd, fpu.f32_to_f64(fs(rs1))); break;
    case Op.FEQ_S: setX(rd, fpu.f32_eq(fs(rs1), fs(rs2))); break;
    case Op.FLT_S: setX(rd, fpu.f32_lt(fs(rs1), fs(rs2))); break;
    case Op.FLE_S: setX(rd, fpu.f32_le(fs(rs1), fs(rs2))); break;
    case Op.FEQ_D: setX(rd, fpu.f64_eq(getF(rs1), getF(rs2))); break;
    case Op.FLT_D: setX(rd, fpu.f64_lt(getF(rs1), getF(rs2))); break;
    case Op.FLE_D: setX(rd, fpu.f64_le(getF(rs1), getF(rs2))); break;
    case Op.FCVT_W_S: setX(rd, fpu.f32_to_i32(fs(rs1), rm)); break;
    case Op.FCVT_WU_S: setX(rd, fpu.f32_to_u32(fs(rs1), rm)); break;
    case Op.FCVT_L_S: setX(rd, fpu.f32_to_i64(fs(rs1), rm)); break;
    case Op.FCVT_LU_S: setX(rd, fpu.f32_to_u64(fs(rs1), rm)); break;
    case Op.FCVT_W_D: setX(rd, fpu.f64_to_i32(getF(rs1), rm)); break;
    case Op.FCVT_WU_D: setX(rd, fpu.f64_to_u32(getF(rs1), rm)); break;
    case Op.FCVT_L_D: setX(rd, fpu.f64_to_i64(getF(rs1), rm)); break;
    case Op.FCVT_LU_D: setX(rd, fpu.f64_to_u64(getF(rs1), rm)); break;
    case Op.FCVT_S_W: setF(rd, box(fpu.i32_to_f32(getX(rs1), rm))); break;
    case Op.FCVT_S_WU: setF(rd, box(fpu.u32_to_f32(getX(rs1), rm))); break;
    case Op.FCVT_S_L: setF(rd, box(fpu.i64_to_f32(getX(rs1), rm))); break;
    case Op.FCVT_S_LU: setF(rd, box(fpu.u64_to_f32(getX(rs1), rm))); break;
    case Op.FCVT_D_W: setF(rd, fpu.i32_to_f64(getX(rs1), rm)); break;
    case Op.FCVT_D_WU: setF(rd, fpu.u32_to_f64(getX(rs1), rm)); break;
    case Op.FCVT_D_L: setF(rd, fpu.i64_to_f64(getX(rs1), rm)); break;
    case Op.FCVT_D_LU: setF(rd, fpu.u64_to_f64(getX(rs1), rm)); break;
    case Op.FMV_X_W: setX(rd, sext32(<u32>getF(rs1))); return true;
    case Op.FCLASS_S: setX(rd, fpu.f32_class(fs(rs1))); return true;
    case Op.FMV_X_D: setX(rd, getF(rs1)); return true;
    case Op.FCLASS_D: setX(rd, fpu.f64_class(getF(rs1))); return true;
    case Op.FMV_W_X: setF(rd, box(<u32>getX(rs1))); break;
    case Op.FMV_D_X: setF(rd, getX(rs1)); break;
    case Op.FMV_X_H: setX(rd, <u64><i64><i16>getF(rs1)); return true;
    case Op.FMV_H_X: setF(rd, BOX_H | (getX(rs1) & 0xffff)); break;
    case Op.FCVT_S_H: setF(rd, box(fpu.f16_to_f32(fh(rs1)))); break;
    case Op.FCVT_H_S: setF(rd, BOX_H | <u64>fpu.f32_to_f16(fs(rs1), rm)); break;
    case Op.FCVT_D_H: setF(rd, fpu.f16_to_f64(fh(rs1))); break;
    case Op.FCVT_H_D: setF(rd, BOX_H | <u64>fpu.f64_to_f16(getF(rs1), rm)); break;
  }
  // Integer-result ops only dirty the FP state when they raised a flag.
  let intResult = (op >= Op.FEQ_S && op <= Op.FCVT_LU_D);
  if (!intResult || fpu.fflags != flags0) markDirty();
  return true;
}
