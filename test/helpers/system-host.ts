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

const ELVES: Readonly<Record<string, () => Uint8Array>> = {
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
