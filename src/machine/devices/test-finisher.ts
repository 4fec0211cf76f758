// The SiFive test finisher ("sifive,test0", QEMU hw/misc/sifive_test.c): one write
// register at +0 that powers the board off. Linux's syscon-poweroff/-reboot and
// OpenSBI's system reset drive it too, so it behaves as QEMU's does.

import type { AccessSize, Device, PowerControl } from '../device.js';

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export class TestFinisher implements Device {
  constructor(private readonly power: PowerControl) {}

  read(_offset: number, size: AccessSize): bigint | undefined {
    return validSize(size) ? 0n : undefined;
  }

  write(offset: number, size: AccessSize, value: bigint): boolean {
    if (!validSize(size)) return false;
    if (offset !== 0) return true;
    const status = Number(value & 0xffffn);
    const code = Number((value >> 16n) & 0xffffn);
    switch (status) {
      case FINISHER_PASS:
        this.power.exit(0, 'test finisher');
        break;
      case FINISHER_FAIL:
        // QEMU exits with `code` even when it is 0; a failure must not look like a pass.
        this.power.exit(code === 0 ? 1 : code, 'test finisher');
        break;
      case FINISHER_RESET:
        this.power.reset('test finisher');
        break;
      default:
        // Other values are ignored, as in QEMU.
        break;
    }
    return true;
  }
}

/** QEMU's sifive_test accepts 2- and 4-byte accesses only. */
function validSize(size: AccessSize): boolean {
  return size === 2 || size === 4;
}
