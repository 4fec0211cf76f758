// 64-bit device registers that a guest may access whole or as two 32-bit halves
// (a 32-bit guest, or riscv-tests' `sw` pairs). `at` is the byte offset inside the
// register: 0, or 4 for the high half.

import type { AccessSize } from '../device.js';

const LOW32 = 0xffff_ffffn;

/** The bytes of `reg` that an access of `size` at `at` sees. */
export function readSlice(reg: bigint, at: number, size: AccessSize): bigint {
  return size === 8 ? reg : (reg >> BigInt(at * 8)) & LOW32;
}

/** `reg` after an access of `size` at `at` wrote `value`. */
export function mergeSlice(reg: bigint, at: number, size: AccessSize, value: bigint): bigint {
  if (size === 8) return value;
  const shift = BigInt(at * 8);
  return (reg & ~(LOW32 << shift)) | ((value & LOW32) << shift);
}
