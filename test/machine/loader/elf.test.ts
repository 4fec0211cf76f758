import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ElfError, loadElf, parseElf } from '../../../src/machine/loader/elf.js';
import { buildElf, patchPhdr, PHDR_MEMSZ, PHDR_OFFSET } from '../../helpers/elf-builder.js';

const RAM_BASE = 0x8000_0000;
const ramOf = (size = 0x8_0000) => ({ base: RAM_BASE, bytes: new Uint8Array(size).fill(0xee) });
const code = Uint8Array.of(0x13, 0, 0, 0, 0x6f, 0, 0, 0); // nop; j .

function rejects(file: Uint8Array, message: string | RegExp, ram = ramOf()): void {
  assert.throws(() => loadElf(file, ram), (err: unknown) => {
    assert.ok(err instanceof ElfError, `expected ElfError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

describe('ELF loader', () => {
  it('loads segments at their physical addresses and zero-fills bss', () => {
    const ram = ramOf();
    const file = buildElf({
      segments: [
        { paddr: 0x8000_0000n, data: code },
        { paddr: 0x8000_1000n, data: Uint8Array.of(1, 2, 3), memsz: 0x20 },
      ],
      entry: 0x8000_0000n,
    });
    const image = loadElf(file, ram);
    assert.equal(image.entry, 0x8000_0000n);
    assert.deepEqual([...ram.bytes.subarray(0, 8)], [...code]);
    assert.deepEqual([...ram.bytes.subarray(0x1000, 0x1003)], [1, 2, 3]);
    assert.ok(ram.bytes.subarray(0x1003, 0x1020).every((b) => b === 0), 'bss is zero');
    assert.equal(ram.bytes[0x1020], 0xee, 'nothing past memsz is touched');
    assert.equal(ram.bytes[8], 0xee);
  });

  it('finds symbols such as tohost, fromhost and the signature bounds', () => {
    const symbols = { tohost: 0x8000_1000n, fromhost: 0x8000_1040n, begin_signature: 0x8000_2000n, end_signature: 0x8000_2010n };
    const image = parseElf(buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }], symbols }));
    for (const [name, value] of Object.entries(symbols)) assert.equal(image.symbols.get(name), value);
    assert.equal(image.symbols.get('missing'), undefined);
  });

  it('rejects a file that is not ELF', () => {
    rejects(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'not an ELF file (no \\x7fELF magic)');
    rejects(new Uint8Array(0), /not an ELF file/);
  });

  it('rejects a truncated header', () => {
    rejects(buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }] }).subarray(0, 40),
      'truncated: 40 bytes, shorter than the 64-byte ELF64 header');
  });

  it('rejects ELF32, big-endian, other machines and non-executables', () => {
    const seg = [{ paddr: 0x8000_0000n, data: code }];
    rejects(buildElf({ segments: seg, elfClass: 1 }), /^not ELF64: this is a 32-bit ELF/);
    rejects(buildElf({ segments: seg, dataEncoding: 2 }), /not little-endian/);
    rejects(buildElf({ segments: seg, machine: 62 }), 'built for x86-64, not RISC-V (e_machine 62, expected 243)');
    rejects(buildElf({ segments: seg, machine: 999 }), /built for machine 999, not RISC-V/);
    rejects(buildElf({ segments: seg, type: 3 }), /position-independent executable \(ET_DYN\)/);
    rejects(buildElf({ segments: seg, type: 1 }), /not an executable \(e_type 1/);
  });

  it('rejects program headers or segment data past the end of the file', () => {
    const file = buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }] });
    rejects(file.subarray(0, 100), /^truncated: program header table \(1 entries\) at offset 0x40 extends past the end of the file \(0x64 bytes\)$/);
    rejects(patchPhdr(file.slice(), 0, PHDR_OFFSET, 0x10_0000n), /^truncated: segment 0 at 0x80000000: its data \(0x8 bytes at offset 0x100000\) extends past/);
  });

  it('rejects p_filesz larger than p_memsz', () => {
    const file = patchPhdr(buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }] }), 0, PHDR_MEMSZ, 4n);
    rejects(file, 'segment 0 at 0x80000000: p_filesz 0x8 is larger than p_memsz 0x4');
  });

  it('rejects segments outside RAM, naming the segment and the RAM range', () => {
    const file = buildElf({ segments: [
      { paddr: 0x8000_0000n, data: code },
      { paddr: 0x8000_0100n, data: code },
      { paddr: 0x1000n, data: new Uint8Array(0x200) },
    ] });
    rejects(file, 'segment 2 at 0x1000 (0x200 bytes) lies outside RAM 0x80000000-0x80080000');
    const tail = buildElf({ segments: [{ paddr: 0x8007_fffcn, data: code }] });
    rejects(tail, 'segment 0 at 0x8007fffc (0x8 bytes) lies outside RAM 0x80000000-0x80080000');
    const bss = buildElf({ segments: [{ paddr: 0x8000_0000n, data: code, memsz: 0x10_0000 }] });
    rejects(bss, /segment 0 at 0x80000000 \(0x100000 bytes\) lies outside RAM/);
  });

  it('writes nothing when a later segment does not fit', () => {
    const ram = ramOf();
    const file = buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }, { paddr: 0x9000_0000n, data: code }], entry: 0x8000_0000n });
    assert.throws(() => loadElf(file, ram), ElfError);
    assert.equal(ram.bytes[0], 0xee);
  });

  it('rejects an entry point outside RAM and a file without loadable segments', () => {
    rejects(buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }], entry: 0x1000n }),
      'entry point 0x1000 lies outside RAM 0x80000000-0x80080000');
    rejects(buildElf({ segments: [] }), 'no loadable (PT_LOAD) segments');
  });

  it('ignores zero-sized segments', () => {
    const file = buildElf({ segments: [{ paddr: 0x8000_0000n, data: code }, { paddr: 0x1000n, data: new Uint8Array(0) }] });
    assert.equal(parseElf(file).segments.length, 1);
  });

  it('hints at -Wl,-n when a segment carries the ELF headers below RAM', () => {
    // What `gcc -Wl,-Ttext=0x80000000` alone produces: one segment from file offset 0.
    const file = patchPhdr(buildElf({ segments: [{ paddr: 0x7fff_f000n, data: new Uint8Array(0x1010) }], entry: 0x8000_0000n }), 0, PHDR_OFFSET, 0n);
    rejects(file, 'segment 0 at 0x7ffff000 (0x1010 bytes) lies outside RAM 0x80000000-0x80080000; it holds the ELF headers: link with -Wl,-n or a linker script');
  });
});
