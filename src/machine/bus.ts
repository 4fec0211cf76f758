// The physical address map outside RAM: which device answers at which address. The
// hart handles RAM itself and calls here only for everything else (and for MMIO holes
// punched into RAM), so an address no device claims is an access fault.

import type { AccessSize, MmioHandler } from '../hart/index.js';
import type { Device } from './device.js';

export interface Region {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly device: Device;
}

export class Bus implements MmioHandler {
  // Kept sorted by base; a board has a handful of regions, so a scan is fast enough.
  readonly #regions: Region[] = [];
  #last: Region | undefined;

  /** Places `device` at [base, base+size). Overlapping another region is a board bug. */
  map(name: string, base: number, size: number, device: Device): void {
    if (!Number.isSafeInteger(base) || !Number.isSafeInteger(size) || base < 0 || size <= 0) {
      throw new RangeError(`${name}: bad region 0x${base.toString(16)} (+0x${size.toString(16)})`);
    }
    const clash = this.#regions.find((r) => base < r.base + r.size && r.base < base + size);
    if (clash) {
      throw new RangeError(`${name} at 0x${base.toString(16)} overlaps ${clash.name} at 0x${clash.base.toString(16)}`);
    }
    this.#regions.push({ name, base, size, device });
    this.#regions.sort((a, b) => a.base - b.base);
  }

  get regions(): readonly Region[] {
    return this.#regions;
  }

  /** The region holding all of [addr, addr+size), if any: an access straddling a region's end faults. */
  find(addr: number, size = 1): Region | undefined {
    const last = this.#last;
    if (last && addr >= last.base && addr + size <= last.base + last.size) return last;
    for (const r of this.#regions) {
      if (addr >= r.base && addr + size <= r.base + r.size) {
        this.#last = r;
        return r;
      }
    }
    return undefined;
  }

  mmioRead(addr: number, size: AccessSize): bigint | undefined {
    const r = this.find(addr, size);
    return r?.device.read(addr - r.base, size);
  }

  mmioWrite(addr: number, size: AccessSize, value: bigint): boolean {
    const r = this.find(addr, size);
    return r !== undefined && r.device.write(addr - r.base, size, value);
  }
}
