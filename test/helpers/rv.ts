// A few RV64I encodings for hand-assembled test programs (unprivileged spec, chapter 2
// and 4): enough to exercise the hart seam without a cross toolchain.

const i = (op: number, f3: number, rd: number, rs1: number, imm: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const s = (op: number, f3: number, rs1: number, rs2: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;

export const addi = (rd: number, rs1: number, imm: number) => i(0x13, 0, rd, rs1, imm);
/** rd = imm20 << 12, sign-extended. */
export const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const lw = (rd: number, rs1: number, imm: number) => i(0x03, 2, rd, rs1, imm);
export const ld = (rd: number, rs1: number, imm: number) => i(0x03, 3, rd, rs1, imm);
export const sw = (rs2: number, rs1: number, imm: number) => s(0x23, 2, rs1, rs2, imm);
export const sd = (rs2: number, rs1: number, imm: number) => s(0x23, 3, rs1, rs2, imm);
export const csrrw = (rd: number, csr: number, rs1: number) => i(0x73, 1, rd, rs1, csr);
/** j . */
export const JSELF = 0x0000006f;
export const WFI = 0x10500073;
export const NOP = addi(0, 0, 0);
/** rd = pc + (imm20 << 12): a zero-extended RAM address, unlike lui's sign-extended one. */
export const auipc = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export const slli = (rd: number, rs1: number, shamt: number) => i(0x13, 1, rd, rs1, shamt & 0x3f);
/** Branch if rs1 != rs2 to pc + offset (even, within ±4 KiB). */
export const bne = (rs1: number, rs2: number, offset: number) =>
  ((((offset >> 12) & 1) << 31) | (((offset >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) |
    (((offset >> 1) & 0xf) << 8) | (((offset >> 11) & 1) << 7) | 0x63) >>> 0;
