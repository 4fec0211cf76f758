// ELF64 little-endian RISC-V executables (System V gABI; RISC-V psABI for EM_RISCV):
// what `cellvisor elf` and the riscv-tests runner load. Segments go to their physical
// addresses (p_paddr), as QEMU's bare-metal loader does. Every problem is an ElfError
// with a one-line message naming it, because the user's fix depends on which it is.

export class ElfError extends Error {
  override name = 'ElfError';
}

export interface ElfSegment {
  /** Index in the program header table. */
  readonly index: number;
  readonly paddr: bigint;
  readonly vaddr: bigint;
  readonly offset: number;
  readonly filesz: number;
  readonly memsz: number;
  /** PF_X | PF_W | PF_R bits. */
  readonly flags: number;
}

export interface ElfImage {
  readonly entry: bigint;
  /** The PT_LOAD segments with a non-zero size, in file order. */
  readonly segments: readonly ElfSegment[];
  /** Values of named symbols from .symtab (empty for a stripped file). */
  readonly symbols: ReadonlyMap<string, bigint>;
  /** st_size of the same symbols (a variable's size in bytes; 0 when unknown). */
  readonly symbolSizes: ReadonlyMap<string, bigint>;
}

/** The RAM an image is loaded into: physical `base + i` is `bytes[i]`. */
export interface LoadTarget {
  readonly base: number;
  readonly bytes: Uint8Array;
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHN_UNDEF = 0;
const STB_LOCAL = 0;

const MACHINES: ReadonlyMap<number, string> = new Map([
  [3, 'x86'], [8, 'MIPS'], [20, 'PowerPC'], [21, 'PowerPC64'], [40, 'ARM'],
  [62, 'x86-64'], [183, 'AArch64'], [258, 'LoongArch'],
]);

const hex = (n: bigint | number): string => `0x${n.toString(16)}`;

/** Parses and checks the headers; does not touch RAM. */
export function parseElf(file: Uint8Array): ElfImage {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new ElfError('not an ELF file (no \\x7fELF magic)');
  }
  if (file.length < EHDR_SIZE) {
    throw new ElfError(`truncated: ${file.length} bytes, shorter than the 64-byte ELF64 header`);
  }
  if (file[4] !== ELFCLASS64) {
    throw new ElfError(file[4] === 1 ? 'not ELF64: this is a 32-bit ELF (ELFCLASS32); build for rv64' : `bad ELF class ${file[4]}`);
  }
  if (file[5] !== ELFDATA2LSB) throw new ElfError('not little-endian (EI_DATA is not ELFDATA2LSB)');
  if (file[6] !== EV_CURRENT) throw new ElfError(`unknown ELF version ${file[6]}`);

  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) {
    const name = MACHINES.get(machine);
    throw new ElfError(`built for ${name ?? `machine ${machine}`}, not RISC-V (e_machine ${machine}, expected ${EM_RISCV})`);
  }
  if (type !== ET_EXEC) {
    throw new ElfError(type === ET_DYN
      ? 'a position-independent executable (ET_DYN); link a static executable at a fixed address (-static -no-pie)'
      : `not an executable (e_type ${type}, expected ET_EXEC)`);
  }

  const entry = view.getBigUint64(24, true);
  const phoff = view.getBigUint64(32, true);
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phnum > 0 && phentsize !== PHDR_SIZE) throw new ElfError(`e_phentsize is ${phentsize}, expected ${PHDR_SIZE}`);
  checkInFile(file, phoff, BigInt(phnum * PHDR_SIZE), `program header table (${phnum} entries) at offset ${hex(phoff)}`);

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = Number(phoff) + i * PHDR_SIZE;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getBigUint64(at + 8, true);
    const vaddr = view.getBigUint64(at + 16, true);
    const paddr = view.getBigUint64(at + 24, true);
    const filesz = view.getBigUint64(at + 32, true);
    const memsz = view.getBigUint64(at + 40, true);
    if (filesz > memsz) {
      throw new ElfError(`segment ${i} at ${hex(paddr)}: p_filesz ${hex(filesz)} is larger than p_memsz ${hex(memsz)}`);
    }
    checkInFile(file, offset, filesz, `segment ${i} at ${hex(paddr)}: its data (${hex(filesz)} bytes at offset ${hex(offset)})`);
    if (memsz === 0n) continue;
    // memsz < 2^53 is implied by the RAM check later; reject larger now so Number() is exact.
    if (memsz > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ElfError(`segment ${i} at ${hex(paddr)}: p_memsz ${hex(memsz)} is absurdly large`);
    }
    segments.push({
      index: i, paddr, vaddr, offset: Number(offset), filesz: Number(filesz), memsz: Number(memsz),
      flags: view.getUint32(at + 4, true),
    });
  }
  if (segments.length === 0) throw new ElfError('no loadable (PT_LOAD) segments');
  return { entry, segments, ...readSymbols(file, view) };
}

/**
 * Copies the segments into RAM and zero-fills the rest of each (bss). Checks every
 * segment and the entry point against RAM first, so a failed load writes nothing.
 */
export function loadElf(file: Uint8Array, ram: LoadTarget): ElfImage {
  const image = parseElf(file);
  checkFitsRam(image, ram.base, ram.bytes.length);
  const base = BigInt(ram.base);
  for (const s of image.segments) {
    const at = Number(s.paddr - base);
    ram.bytes.set(file.subarray(s.offset, s.offset + s.filesz), at);
    ram.bytes.fill(0, at + s.filesz, at + s.memsz);
  }
  return image;
}

/** Throws unless every segment and the entry point lie in RAM [base, base+size). */
export function checkFitsRam(image: ElfImage, ramBase: number, ramSize: number): void {
  const base = BigInt(ramBase);
  const end = base + BigInt(ramSize);
  const ramRange = `RAM ${hex(base)}-${hex(end)}`;
  for (const s of image.segments) {
    if (s.paddr < base || s.paddr + BigInt(s.memsz) > end) {
      // A classic: -Ttext alone makes the linker load the ELF headers just below .text.
      const hint = s.offset === 0 && s.paddr < base ? '; it holds the ELF headers: link with -Wl,-n or a linker script' : '';
      throw new ElfError(`segment ${s.index} at ${hex(s.paddr)} (${hex(s.memsz)} bytes) lies outside ${ramRange}${hint}`);
    }
  }
  if (image.entry < base || image.entry >= end) {
    throw new ElfError(`entry point ${hex(image.entry)} lies outside ${ramRange}`);
  }
}

function checkInFile(file: Uint8Array, offset: bigint, size: bigint, what: string): void {
  if (offset + size > BigInt(file.length)) {
    throw new ElfError(`truncated: ${what} extends past the end of the file (${hex(file.length)} bytes)`);
  }
}

/** Symbols from the first SHT_SYMTAB, if the file has section headers at all. */
function readSymbols(file: Uint8Array, view: DataView): Pick<ElfImage, 'symbols' | 'symbolSizes'> {
  const symbols = new Map<string, bigint>();
  const symbolSizes = new Map<string, bigint>();
  const shoff = view.getBigUint64(40, true);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  if (shoff === 0n || shnum === 0) return { symbols, symbolSizes };
  if (shentsize !== SHDR_SIZE) throw new ElfError(`e_shentsize is ${shentsize}, expected ${SHDR_SIZE}`);
  checkInFile(file, shoff, BigInt(shnum * SHDR_SIZE), `section header table (${shnum} entries) at offset ${hex(shoff)}`);
  const section = (i: number) => {
    const at = Number(shoff) + i * SHDR_SIZE;
    return {
      type: view.getUint32(at + 4, true),
      offset: view.getBigUint64(at + 24, true),
      size: view.getBigUint64(at + 32, true),
      link: view.getUint32(at + 40, true),
    };
  };
  for (let i = 0; i < shnum; i++) {
    const symtab = section(i);
    if (symtab.type !== SHT_SYMTAB) continue;
    if (symtab.link >= shnum) throw new ElfError(`section ${i} (.symtab) links to string table ${symtab.link}, which does not exist`);
    const strtab = section(symtab.link);
    checkInFile(file, symtab.offset, symtab.size, `section ${i} (.symtab)`);
    checkInFile(file, strtab.offset, strtab.size, `section ${symtab.link} (.strtab)`);
    const strings = file.subarray(Number(strtab.offset), Number(strtab.offset + strtab.size));
    const decoder = new TextDecoder();
    for (let at = Number(symtab.offset); at + SYM_SIZE <= Number(symtab.offset + symtab.size); at += SYM_SIZE) {
      const nameAt = view.getUint32(at, true);
      const global = file[at + 4] >> 4 !== STB_LOCAL;
      const shndx = view.getUint16(at + 6, true);
      if (nameAt === 0 || shndx === SHN_UNDEF || nameAt >= strings.length) continue;
      const nul = strings.indexOf(0, nameAt);
      const name = decoder.decode(strings.subarray(nameAt, nul < 0 ? strings.length : nul));
      // A global definition wins over same-named locals (static variables in other files).
      if (global || !symbols.has(name)) {
        symbols.set(name, view.getBigUint64(at + 8, true));
        symbolSizes.set(name, view.getBigUint64(at + 16, true));
      }
    }
    break;
  }
  return { symbols, symbolSizes };
}
