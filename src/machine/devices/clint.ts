// The CLINT (SiFive core-local interruptor, as in QEMU virt; register layout per the
// RISC-V ACLINT spec's MSWI and MTIMER): msip at +0, mtimecmp at +0x4000, mtime at
// +0xbff8. This board has one hart. mtime and mtimecmp live inside the hart, where the
// timer interrupt is evaluated, so this device only forwards to it.

import { IRQ_M_SOFT } from '../../hart/causes.js';
import type { AccessSize, Device } from '../device.js';
import { mergeSlice, readSlice } from './u64-register.js';

/** The part of the hart the CLINT drives (Hart implements it). */
export interface ClintTarget {
  mtime: bigint;
  mtimecmp: bigint;
  setIrqLine(bit: number, level: boolean): void;
}

const MSIP = 0x0;
const MSIP_END = 0x4000;
const MTIMECMP = 0x4000;
const MTIMECMP_END = 0xbff8;
const MTIME = 0xbff8;

export class Clint implements Device {
  #msip = false;

  constructor(private readonly hart: ClintTarget) {}

  read(offset: number, size: AccessSize): bigint | undefined {
    if (!naturalAccess(offset, size)) return undefined;
    if (offset < MSIP_END) {
      if (size !== 4) return undefined;
      return offset === MSIP && this.#msip ? 1n : 0n;
    }
    if (offset < MTIMECMP_END) {
      // Other harts' registers read as zero, as QEMU's ACLINT does.
      return offset - MTIMECMP < 8 ? readSlice(this.hart.mtimecmp, offset - MTIMECMP, size) : 0n;
    }
    return readSlice(this.hart.mtime, offset - MTIME, size);
  }

  write(offset: number, size: AccessSize, value: bigint): boolean {
    if (!naturalAccess(offset, size)) return false;
    if (offset < MSIP_END) {
      if (size !== 4) return false;
      if (offset === MSIP) {
        // Only bit 0 of msip is writable (ACLINT spec, MSWI): it is the hart's MSIP line.
        this.#msip = (value & 1n) !== 0n;
        this.hart.setIrqLine(IRQ_M_SOFT, this.#msip);
      }
      return true;
    }
    if (offset < MTIMECMP_END) {
      if (offset - MTIMECMP < 8) this.hart.mtimecmp = mergeSlice(this.hart.mtimecmp, offset - MTIMECMP, size, value);
      return true;
    }
    this.hart.mtime = mergeSlice(this.hart.mtime, offset - MTIME, size, value);
    return true;
  }
}

/** The CLINT takes aligned 4- and 8-byte accesses only (QEMU rejects the rest too). */
function naturalAccess(offset: number, size: AccessSize): boolean {
  return (size === 4 || size === 8) && offset % size === 0 && offset + size <= MTIME + 8;
}
