// MMIO emulation for a guest: a load or store that met no G-stage mapping, at a guest
// physical address inside one of the VM's emulated devices, performed on the device
// from the transformed instruction the hart left in mtinst (privileged spec 8.6.3,
// "Transformed Instruction or Pseudoinstruction for mtinst or htinst"): opcode, width,
// rd or rs2, and bit 1 clear when the guest's instruction was a compressed one.
import type { AccessSize } from '../../hart/index.js';
import type { Bus } from '../../machine/bus.js';

const OPCODE_LOAD = 0x03;
const OPCODE_STORE = 0x23;

export type MmioResult =
  /** Done: the instruction is this many bytes long. */
  | { readonly kind: 'done'; readonly length: 2 | 4 }
  /** The device refused the access: an access fault for the guest. */
  | { readonly kind: 'access-fault' }
  /** Not an instruction the kernel emulates (an AMO, an FP load/store, no transformed instruction). */
  | { readonly kind: 'unsupported' };

/** Performs the access of `tinst` at `gpa` on `bus`, with the guest's registers `regs`. */
export function emulateMmio(bus: Bus, regs: BigUint64Array, gpa: number, tinst: bigint): MmioResult {
  const insn = Number(tinst & 0xffff_ffffn);
  const opcode = insn & 0x7f & ~2; // bit 1 clear marks a compressed original
  const length: 2 | 4 = (insn & 2) !== 0 ? 4 : 2;
  const f3 = (insn >>> 12) & 7;
  if (opcode === (OPCODE_LOAD & ~2) && f3 !== 7) {
    const size = (1 << (f3 & 3)) as AccessSize;
    const value = bus.mmioRead(gpa, size);
    if (value === undefined) return { kind: 'access-fault' };
    const rd = (insn >>> 7) & 31;
    const bits = BigInt(8 * size);
    const v = (f3 & 4) !== 0 || size === 8 ? value : BigInt.asUintN(64, BigInt.asIntN(Number(bits), value));
    if (rd !== 0) regs[rd] = v;
    return { kind: 'done', length };
  }
  if (opcode === (OPCODE_STORE & ~2) && f3 <= 3) {
    const size = (1 << f3) as AccessSize;
    const rs2 = (insn >>> 20) & 31;
    const value = rs2 === 0 ? 0n : BigInt.asUintN(8 * size, regs[rs2]!);
    return bus.mmioWrite(gpa, size, value) ? { kind: 'done', length } : { kind: 'access-fault' };
  }
  return { kind: 'unsupported' };
}
