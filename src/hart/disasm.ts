// A disassembler for the instructions of the default profile (RV64GC, Zba, Zbb, Zbs,
// Zicond, Zicbom, Zicboz, Zicbop, Zihintpause, Zfhmin, Svinval) plus the privileged
// instructions, for `--trace` and error messages. Output matches `objdump -d -M
// no-aliases` (ABI register names, canonical instructions rather than
// pseudo-instructions), so a trace can be diffed against objdump's listing of the same
// binary; binutils 2.40 does not know Zicond, whose names follow its specification.
// test/hart/disasm.test.ts checks both against objdump, and that the hart executes
// exactly the instructions named here.

import { csrName } from './csr-names.js';

const X = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
const F = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
const ROUNDING = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];
/** Zbb's one-operand instructions under OP-IMM, funct3 001, by imm[11:0]. */
const ZBB_UNARY: ReadonlyMap<number, string> = new Map([
  [0x600, 'clz'], [0x601, 'ctz'], [0x602, 'cpop'], [0x604, 'sext.b'], [0x605, 'sext.h'],
]);

/** The instruction `insn` at `pc` (raw bits as lastInsn() returns them: 16 of them if compressed). */
export function disassemble(insn: number, pc: bigint): string {
  return (insn & 3) === 3 ? decode32(insn >>> 0, pc) : decode16(insn & 0xffff, pc);
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const target = (pc: bigint, offset: number): string => BigInt.asUintN(64, pc + BigInt(offset)).toString(16);
/** Sign-extend the low `bits` bits of `v`. */
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);
const bit = (v: number, from: number, width = 1): number => (v >>> from) & ((1 << width) - 1);

function decode32(i: number, pc: bigint): string {
  const rd = bit(i, 7, 5);
  const f3 = bit(i, 12, 3);
  const rs1 = bit(i, 15, 5);
  const rs2 = bit(i, 20, 5);
  const f7 = i >>> 25;
  const immI = i >> 20;
  const immS = ((i >> 25) << 5) | rd;
  const unknown = `.4byte ${hex(i)}`;
  /** The index-th of space-separated names; '-' marks a reserved encoding. */
  const pick = (names: string, index: number): string | undefined => {
    const name = names.split(' ')[index];
    return name && name !== '-' ? name : undefined;
  };
  const r = (name: string | undefined): string => (name ? `${name} ${X[rd]},${X[rs1]},${X[rs2]}` : unknown);

  switch (i & 0x7f) {
    case 0x37: return `lui ${X[rd]},${hex(i >>> 12)}`;
    case 0x17: return `auipc ${X[rd]},${hex(i >>> 12)}`;
    case 0x6f: {
      const off = sext((bit(i, 31) << 20) | (bit(i, 12, 8) << 12) | (bit(i, 20) << 11) | (bit(i, 21, 10) << 1), 21);
      return `jal ${X[rd]},${target(pc, off)}`;
    }
    case 0x67: return f3 === 0 ? `jalr ${X[rd]},${immI}(${X[rs1]})` : unknown;
    case 0x63: {
      const name = pick('beq bne - - blt bge bltu bgeu', f3);
      const off = sext((bit(i, 31) << 12) | (bit(i, 7) << 11) | (bit(i, 25, 6) << 5) | (bit(i, 8, 4) << 1), 13);
      return name ? `${name} ${X[rs1]},${X[rs2]},${target(pc, off)}` : unknown;
    }
    case 0x03: {
      const name = pick('lb lh lw ld lbu lhu lwu', f3);
      return name ? `${name} ${X[rd]},${immI}(${X[rs1]})` : unknown;
    }
    case 0x23: {
      const name = pick('sb sh sw sd', f3);
      return name ? `${name} ${X[rs2]},${immS}(${X[rs1]})` : unknown;
    }
    case 0x13: {
      const shamt = bit(i, 20, 6);
      const f6 = i >>> 26;
      const imm12 = i >>> 20;
      const unary = (name: string | undefined): string => (name ? `${name} ${X[rd]},${X[rs1]}` : unknown);
      const shift = (name: string | undefined): string => (name ? `${name} ${X[rd]},${X[rs1]},${hex(shamt)}` : unknown);
      switch (f3) {
        case 1:
          if (f6 === 0) return shift('slli');
          if (f6 === 0x12 || f6 === 0x1a || f6 === 0x0a) return shift(f6 === 0x12 ? 'bclri' : f6 === 0x1a ? 'binvi' : 'bseti');
          return unary(ZBB_UNARY.get(imm12));
        case 5:
          if (f6 === 0 || f6 === 0x10 || f6 === 0x12 || f6 === 0x18) {
            return shift(f6 === 0 ? 'srli' : f6 === 0x10 ? 'srai' : f6 === 0x12 ? 'bexti' : 'rori');
          }
          return unary(imm12 === 0x287 ? 'orc.b' : imm12 === 0x6b8 ? 'rev8' : undefined);
        case 6: {
          // Zicbop: prefetches are ORI hints with rd = x0, told apart by imm[4:0].
          const prefetch = rd === 0 ? pick('prefetch.i prefetch.r - prefetch.w', bit(i, 20, 5)) : undefined;
          if (prefetch) return `${prefetch} ${immI & ~0x1f}(${X[rs1]})`;
          return `ori ${X[rd]},${X[rs1]},${immI}`;
        }
        default: return `${pick('addi - slti sltiu xori - ori andi', f3) ?? ''} ${X[rd]},${X[rs1]},${immI}`;
      }
    }
    case 0x1b:
      if (f3 === 0) return `addiw ${X[rd]},${X[rs1]},${immI}`;
      if (f3 === 1 && f7 === 0) return `slliw ${X[rd]},${X[rs1]},${hex(rs2)}`;
      if (f3 === 1 && i >>> 26 === 0x02) return `slli.uw ${X[rd]},${X[rs1]},${hex(bit(i, 20, 6))}`;
      if (f3 === 1 && f7 === 0x30 && rs2 < 3) return `${['clzw', 'ctzw', 'cpopw'][rs2]} ${X[rd]},${X[rs1]}`;
      if (f3 === 5 && (f7 === 0 || f7 === 0x20 || f7 === 0x30)) {
        return `${f7 === 0 ? 'srliw' : f7 === 0x20 ? 'sraiw' : 'roriw'} ${X[rd]},${X[rs1]},${hex(rs2)}`;
      }
      return unknown;
    case 0x33:
      if (f7 === 0) return r(pick('add sll slt sltu xor srl or and', f3));
      if (f7 === 0x20) return r(pick('sub - - - xnor sra orn andn', f3));
      if (f7 === 1) return r(pick('mul mulh mulhsu mulhu div divu rem remu', f3));
      if (f7 === 0x10) return r(pick('- - sh1add - sh2add - sh3add', f3));
      if (f7 === 0x05) return r(pick('- - - - min minu max maxu', f3));
      if (f7 === 0x30) return r(pick('- rol - - - ror', f3));
      if (f7 === 0x24) return r(pick('- bclr - - - bext', f3));
      if (f7 === 0x34) return r(pick('- binv', f3));
      if (f7 === 0x14) return r(pick('- bset', f3));
      if (f7 === 0x07) return r(pick('- - - - - czero.eqz - czero.nez', f3));
      return unknown;
    case 0x3b:
      if (f7 === 0) return r(f3 === 0 ? 'addw' : f3 === 1 ? 'sllw' : f3 === 5 ? 'srlw' : undefined);
      if (f7 === 0x20) return r(f3 === 0 ? 'subw' : f3 === 5 ? 'sraw' : undefined);
      if (f7 === 1) return r(pick('mulw - - - divw divuw remw remuw', f3));
      if (f7 === 0x04 && f3 === 4 && rs2 === 0) return `zext.h ${X[rd]},${X[rs1]}`;
      if (f7 === 0x04) return r(f3 === 0 ? 'add.uw' : undefined);
      if (f7 === 0x10) return r(pick('- - sh1add.uw - sh2add.uw - sh3add.uw', f3));
      if (f7 === 0x30) return r(pick('- rolw - - - rorw', f3));
      return unknown;
    case 0x0f:
      if (f3 === 2) {
        // Zicbom/Zicboz: the operation is in imm[11:0], rd must be zero.
        const op = rd === 0 ? pick('cbo.inval cbo.clean cbo.flush - cbo.zero', immI >= 0 ? immI : 8) : undefined;
        return op ? `${op} (${X[rs1]})` : unknown;
      }
      // objdump insists on zero in the reserved fields (rd, rs1, fm) before naming a fence.
      if (rd !== 0 || rs1 !== 0) return unknown;
      if (f3 === 1) return immI === 0 ? 'fence.i' : unknown;
      if (f3 !== 0) return unknown;
      if (i === 0x8330000f) return 'fence.tso';
      if (i === 0x0100000f) return 'pause'; // Zihintpause: FENCE W,0
      if (i >>> 28 !== 0) return unknown;
      return `fence ${fenceSet(bit(i, 24, 4))},${fenceSet(bit(i, 20, 4))}`;
    case 0x73: return system(i, rd, f3, rs1, rs2, f7, unknown);
    case 0x2f: return amo(i, rd, f3, rs1, rs2, unknown);
    case 0x07: {
      const name = pick('- flh flw fld', f3);
      return name ? `${name} ${F[rd]},${immI}(${X[rs1]})` : unknown;
    }
    case 0x27: {
      const name = pick('- fsh fsw fsd', f3);
      return name ? `${name} ${F[rs2]},${immS}(${X[rs1]})` : unknown;
    }
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
      const fmt = bit(i, 25, 2);
      if (fmt > 1) return unknown;
      const name = ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'][((i & 0x7f) - 0x43) >> 2];
      return `${name}.${fmt ? 'd' : 's'} ${F[rd]},${F[rs1]},${F[rs2]},${F[i >>> 27]}${rm(f3)}`;
    }
    case 0x53: return opFp(rd, f3, rs1, rs2, f7, unknown);
    default: return unknown;
  }
}

function fenceSet(bits: number): string {
  return ['i', 'o', 'r', 'w'].filter((_, k) => bits & (8 >> k)).join('') || 'unknown'; // objdump's word for none
}

/** `,rm` unless the rounding mode is dynamic, as objdump prints it. */
function rm(f3: number): string {
  return f3 === 7 ? '' : `,${ROUNDING[f3]}`;
}

/**
 * A conversion that is always exact (fcvt.d.s, fcvt.d.w, ...): binutils 2.40 names it
 * only with rm = RNE and shows no rounding mode; the hart executes it with any valid
 * rm, so the other valid values are shown (as later binutils do) and the reserved
 * ones make it unknown.
 */
function exact(text: string, f3: number, unknown: string): string {
  if (f3 === 5 || f3 === 6) return unknown;
  return f3 === 0 ? text : `${text}${rm(f3)}`;
}

function system(i: number, rd: number, f3: number, rs1: number, rs2: number, f7: number, unknown: string): string {
  const csr = csrName(i >>> 20);
  switch (f3) {
    case 0:
      switch (i) {
        case 0x00000073: return 'ecall';
        case 0x00100073: return 'ebreak';
        case 0x10200073: return 'sret';
        case 0x30200073: return 'mret';
        case 0x10500073: return 'wfi';
      }
      if (i === 0x18000073) return 'sfence.w.inval';
      if (i === 0x18100073) return 'sfence.inval.ir';
      if (rd !== 0) return unknown;
      if (f7 === 0x09) return `sfence.vma ${X[rs1]},${X[rs2]}`;
      if (f7 === 0x0b) return `sinval.vma ${X[rs1]},${X[rs2]}`;
      if (f7 === 0x11) return `hfence.vvma ${X[rs1]},${X[rs2]}`;
      if (f7 === 0x31) return `hfence.gvma ${X[rs1]},${X[rs2]}`;
      return unknown;
    case 1: case 2: case 3:
      return `${['', 'csrrw', 'csrrs', 'csrrc'][f3]} ${X[rd]},${csr},${X[rs1]}`;
    case 5: case 6: case 7:
      return `${['', 'csrrwi', 'csrrsi', 'csrrci'][f3 - 4]} ${X[rd]},${csr},${rs1}`;
    case 4: {
      // H-extension hypervisor loads and stores (privileged spec 8.3).
      const loads: Readonly<Record<string, string>> = {
        '48,0': 'hlv.b', '48,1': 'hlv.bu', '50,0': 'hlv.h', '50,1': 'hlv.hu', '50,3': 'hlvx.hu',
        '52,0': 'hlv.w', '52,1': 'hlv.wu', '52,3': 'hlvx.wu', '54,0': 'hlv.d',
      };
      const stores: Readonly<Record<number, string>> = { 0x31: 'hsv.b', 0x33: 'hsv.h', 0x35: 'hsv.w', 0x37: 'hsv.d' };
      const load = loads[`${f7},${rs2}`];
      if (load) return `${load} ${X[rd]},(${X[rs1]})`;
      const store = rd === 0 ? stores[f7] : undefined;
      return store ? `${store} ${X[rs2]},(${X[rs1]})` : unknown;
    }
    default: return unknown;
  }
}

function amo(i: number, rd: number, f3: number, rs1: number, rs2: number, unknown: string): string {
  if (f3 !== 2 && f3 !== 3) return unknown;
  const names: Readonly<Record<number, string>> = {
    0x00: 'amoadd', 0x01: 'amoswap', 0x02: 'lr', 0x03: 'sc', 0x04: 'amoxor', 0x08: 'amoor', 0x0c: 'amoand',
    0x10: 'amomin', 0x14: 'amomax', 0x18: 'amominu', 0x1c: 'amomaxu',
  };
  const f5 = i >>> 27;
  const name = names[f5];
  if (!name || (f5 === 0x02 && rs2 !== 0)) return unknown;
  const order = ['', '.rl', '.aq', '.aqrl'][bit(i, 25, 2)];
  const op = `${name}.${f3 === 2 ? 'w' : 'd'}${order}`;
  return f5 === 0x02 ? `${op} ${X[rd]},(${X[rs1]})` : `${op} ${X[rd]},${X[rs2]},(${X[rs1]})`;
}

function opFp(rd: number, f3: number, rs1: number, rs2: number, f7: number, unknown: string): string {
  const fmt = f7 & 1 ? 'd' : 's';
  if ((f7 & 2) !== 0) return zfhmin(rd, f3, rs1, rs2, f7, unknown); // Zfhmin's few half-precision moves
  switch (f7 >> 2) {
    case 0x00: case 0x01: case 0x02: case 0x03:
      return `${['fadd', 'fsub', 'fmul', 'fdiv'][f7 >> 2]}.${fmt} ${F[rd]},${F[rs1]},${F[rs2]}${rm(f3)}`;
    case 0x0b:
      return rs2 === 0 ? `fsqrt.${fmt} ${F[rd]},${F[rs1]}${rm(f3)}` : unknown;
    case 0x04:
      return f3 < 3 ? `${['fsgnj', 'fsgnjn', 'fsgnjx'][f3]}.${fmt} ${F[rd]},${F[rs1]},${F[rs2]}` : unknown;
    case 0x05:
      return f3 < 2 ? `${['fmin', 'fmax'][f3]}.${fmt} ${F[rd]},${F[rs1]},${F[rs2]}` : unknown;
    case 0x08:
      if (rs2 === 2) return zfhmin(rd, f3, rs1, rs2, f7, unknown);
      if (fmt === 's' && rs2 === 1) return `fcvt.s.d ${F[rd]},${F[rs1]}${rm(f3)}`;
      if (fmt === 'd' && rs2 === 0) return exact(`fcvt.d.s ${F[rd]},${F[rs1]}`, f3, unknown);
      return unknown;
    case 0x14:
      return f3 < 3 ? `${['fle', 'flt', 'feq'][f3]}.${fmt} ${X[rd]},${F[rs1]},${F[rs2]}` : unknown;
    case 0x18:
      return rs2 < 4 ? `fcvt.${['w', 'wu', 'l', 'lu'][rs2]}.${fmt} ${X[rd]},${F[rs1]}${rm(f3)}` : unknown;
    case 0x1a: {
      if (rs2 >= 4) return unknown;
      const text = `fcvt.${fmt}.${['w', 'wu', 'l', 'lu'][rs2]} ${F[rd]},${X[rs1]}`;
      return fmt === 'd' && rs2 < 2 ? exact(text, f3, unknown) : `${text}${rm(f3)}`; // 32-bit integers convert to double exactly

    }
    case 0x1c:
      if (rs2 !== 0) return unknown;
      if (f3 === 0) return `fmv.x.${fmt === 'd' ? 'd' : 'w'} ${X[rd]},${F[rs1]}`;
      if (f3 === 1) return `fclass.${fmt} ${X[rd]},${F[rs1]}`;
      return unknown;
    case 0x1e:
      return rs2 === 0 && f3 === 0 ? `fmv.${fmt === 'd' ? 'd' : 'w'}.x ${F[rd]},${X[rs1]}` : unknown;
    default:
      return unknown;
  }
}

/** Zfhmin: moves and conversions of half-precision values (no arithmetic). */
function zfhmin(rd: number, f3: number, rs1: number, rs2: number, f7: number, unknown: string): string {
  switch (f7) {
    case 0x20: case 0x21:
      return rs2 === 2 ? exact(`fcvt.${f7 === 0x20 ? 's' : 'd'}.h ${F[rd]},${F[rs1]}`, f3, unknown) : unknown;
    case 0x22:
      return rs2 < 2 ? `fcvt.h.${rs2 ? 'd' : 's'} ${F[rd]},${F[rs1]}${rm(f3)}` : unknown;
    case 0x72: return rs2 === 0 && f3 === 0 ? `fmv.x.h ${X[rd]},${F[rs1]}` : unknown;
    case 0x7a: return rs2 === 0 && f3 === 0 ? `fmv.h.x ${F[rd]},${X[rs1]}` : unknown;
    default: return unknown;
  }
}

function decode16(i: number, pc: bigint): string {
  const unknown = `.2byte ${hex(i)}`;
  const f3 = bit(i, 13, 3);
  const rdFull = bit(i, 7, 5);
  const rs2Full = bit(i, 2, 5);
  const rdP = 8 + bit(i, 2, 3); // rd' / rs2' in bits 4:2
  const rs1P = 8 + bit(i, 7, 3); // rs1' / rd' in bits 9:7
  const ciImm = sext((bit(i, 12) << 5) | bit(i, 2, 5), 6);
  const shamt = (bit(i, 12) << 5) | bit(i, 2, 5);
  const uimmW = (bit(i, 10, 3) << 3) | (bit(i, 6) << 2) | (bit(i, 5) << 6);
  const uimmD = (bit(i, 10, 3) << 3) | (bit(i, 5, 2) << 6);

  switch (i & 3) {
    case 0:
      switch (f3) {
        case 0: {
          const nzuimm = (bit(i, 11, 2) << 4) | (bit(i, 7, 4) << 6) | (bit(i, 6) << 2) | (bit(i, 5) << 3);
          return nzuimm ? `c.addi4spn ${X[rdP]},sp,${nzuimm}` : unknown;
        }
        case 1: return `c.fld ${F[rdP]},${uimmD}(${X[rs1P]})`;
        case 2: return `c.lw ${X[rdP]},${uimmW}(${X[rs1P]})`;
        case 3: return `c.ld ${X[rdP]},${uimmD}(${X[rs1P]})`;
        case 5: return `c.fsd ${F[rdP]},${uimmD}(${X[rs1P]})`;
        case 6: return `c.sw ${X[rdP]},${uimmW}(${X[rs1P]})`;
        case 7: return `c.sd ${X[rdP]},${uimmD}(${X[rs1P]})`;
        default: return unknown;
      }
    case 1:
      switch (f3) {
        case 0: return `c.addi ${X[rdFull]},${ciImm}`;
        case 1: return rdFull ? `c.addiw ${X[rdFull]},${ciImm}` : unknown;
        case 2: return `c.li ${X[rdFull]},${ciImm}`;
        case 3: {
          if (rdFull === 2) {
            const imm = sext((bit(i, 12) << 9) | (bit(i, 6) << 4) | (bit(i, 5) << 6) | (bit(i, 3, 2) << 7) | (bit(i, 2) << 5), 10);
            return imm ? `c.addi16sp sp,${imm}` : unknown;
          }
          return ciImm ? `c.lui ${X[rdFull]},${hex(ciImm & 0xfffff)}` : unknown;
        }
        case 4: {
          switch (bit(i, 10, 2)) {
            case 0: return shamt ? `c.srli ${X[rs1P]},${hex(shamt)}` : `c.srli64 ${X[rs1P]}`;
            case 1: return shamt ? `c.srai ${X[rs1P]},${hex(shamt)}` : `c.srai64 ${X[rs1P]}`;
            case 2: return `c.andi ${X[rs1P]},${ciImm}`;
            default: {
              const op = bit(i, 12) ? ['c.subw', 'c.addw', '', ''][bit(i, 5, 2)] : ['c.sub', 'c.xor', 'c.or', 'c.and'][bit(i, 5, 2)];
              return op ? `${op} ${X[rs1P]},${X[rdP]}` : unknown;
            }
          }
        }
        case 5: {
          const off = sext((bit(i, 12) << 11) | (bit(i, 11) << 4) | (bit(i, 9, 2) << 8) | (bit(i, 8) << 10) |
            (bit(i, 7) << 6) | (bit(i, 6) << 7) | (bit(i, 3, 3) << 1) | (bit(i, 2) << 5), 12);
          return `c.j ${target(pc, off)}`;
        }
        default: {
          const off = sext((bit(i, 12) << 8) | (bit(i, 10, 2) << 3) | (bit(i, 5, 2) << 6) | (bit(i, 3, 2) << 1) | (bit(i, 2) << 5), 9);
          return `${f3 === 6 ? 'c.beqz' : 'c.bnez'} ${X[rs1P]},${target(pc, off)}`;
        }
      }
    default:
      switch (f3) {
        case 0: return shamt ? `c.slli ${X[rdFull]},${hex(shamt)}` : `c.slli64 ${X[rdFull]}`;
        case 1: return `c.fldsp ${F[rdFull]},${(bit(i, 12) << 5) | (bit(i, 5, 2) << 3) | (bit(i, 2, 3) << 6)}(sp)`;
        case 2: return rdFull ? `c.lwsp ${X[rdFull]},${(bit(i, 12) << 5) | (bit(i, 4, 3) << 2) | (bit(i, 2, 2) << 6)}(sp)` : unknown;
        case 3: return rdFull ? `c.ldsp ${X[rdFull]},${(bit(i, 12) << 5) | (bit(i, 5, 2) << 3) | (bit(i, 2, 3) << 6)}(sp)` : unknown;
        case 4:
          if (bit(i, 12) === 0) {
            if (rs2Full === 0) return rdFull ? `c.jr ${X[rdFull]}` : unknown;
            return `c.mv ${X[rdFull]},${X[rs2Full]}`;
          }
          if (rs2Full === 0) return rdFull ? `c.jalr ${X[rdFull]}` : 'c.ebreak';
          return `c.add ${X[rdFull]},${X[rs2Full]}`;
        case 5: return `c.fsdsp ${F[rs2Full]},${(bit(i, 10, 3) << 3) | (bit(i, 7, 3) << 6)}(sp)`;
        case 6: return `c.swsp ${X[rs2Full]},${(bit(i, 9, 4) << 2) | (bit(i, 7, 2) << 6)}(sp)`;
        default: return `c.sdsp ${X[rs2Full]},${(bit(i, 10, 3) << 3) | (bit(i, 7, 3) << 6)}(sp)`;
      }
  }
}
