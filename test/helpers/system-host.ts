// A SystemHost for description tests: YAML from disk, cell ELFs built in memory by name
// (so fixtures need no cross toolchain), anything else from disk.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { SystemHost } from '../../src/system/load.js';
import { buildElf, words } from './elf-builder.js';

/** Where cell.elf is linked, and its uint64_t variables (and one 4-byte int). */
export const CELL_BASE = 0x1_0000n;
export const CELL_SYMBOLS = { ring_base: 0x1_1000n, uart_base: 0x1_1008n, small_var: 0x1_1010n } as const;

/** A RISC-V cell ELF: one segment at 0x10000 (code, then 4 KiB of data/bss). */
export function cellElf(): Uint8Array {
  return buildElf({
    segments: [{ paddr: CELL_BASE, data: words(0x0000_006f), memsz: 0x2000 }], // j .
    symbols: CELL_SYMBOLS,
    symbolSizes: { ring_base: 8, uart_base: 8, small_var: 4 },
  });
}

/**
 * A RISC-V Linux Image: the 64-byte header (boot-image-header.rst) with text_offset
 * 2 MiB and `imageSize` bytes in use once running, then a little code.
 */
export function linuxImage(imageSize = 0x10_0000): Uint8Array {
  const bytes = new Uint8Array(4096);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x0000_006f, true); // j .
  view.setBigUint64(8, 0x20_0000n, true);
  view.setBigUint64(16, BigInt(imageSize), true);
  view.setUint32(32, 2, true); // header version 0.2
  bytes.set(new TextEncoder().encode('RISCV\0\0\0'), 48);
  bytes.set(new TextEncoder().encode('RSC\x05'), 56);
  return bytes;
}

/** Files a VM names, by name: kernels good and bad, an initrd, disk images. */
export const VM_FILES: Readonly<Record<string, () => Uint8Array>> = {
  Image: () => linuxImage(),
  'big-Image': () => linuxImage(0x40_0000),
  'Image.gz': () => Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
  'kernel.txt': () => new TextEncoder().encode('this is a README, not a kernel\n'),
  'initramfs.cpio.gz': () => Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff),
  'disk.img': () => new Uint8Array(8 * 512),
  'odd.img': () => new Uint8Array(1000),
};

const ELVES: Readonly<Record<string, () => Uint8Array>> = {
  ...VM_FILES,
  'cell.elf': cellElf,
  'x86.elf': () => buildElf({ segments: [{ paddr: CELL_BASE, data: words(0) }], machine: 62 }),
  'high.elf': () => buildElf({ segments: [{ paddr: 0x3ff_f000n, data: words(0x6f), memsz: 0x2000 }] }),
  'not-elf.elf': () => new TextEncoder().encode('#!/bin/sh\necho not an ELF\n'),
};

export const testHost: SystemHost = {
  readFile(path: string): Uint8Array | undefined {
    const make = ELVES[basename(path)];
    if (make) return make();
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
};
