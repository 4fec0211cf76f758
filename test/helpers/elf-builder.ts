// Builds small ELF64 files in memory, good or deliberately broken, for loader and CLI
// tests that must not depend on a cross toolchain.

export interface SegmentSpec {
  readonly paddr: bigint;
  readonly data: Uint8Array;
  /** Defaults to data.length; larger means bss. */
  readonly memsz?: number;
}

export interface ElfSpec {
  readonly segments: readonly SegmentSpec[];
  readonly entry?: bigint;
  readonly symbols?: Readonly<Record<string, bigint>>;
  /** st_size per symbol (default 0). */
  readonly symbolSizes?: Readonly<Record<string, number>>;
  readonly elfClass?: number;
  readonly dataEncoding?: number;
  readonly machine?: number;
  readonly type?: number;
}

const EHDR = 64;
const PHDR = 56;
const SHDR = 64;
const SYM = 24;

export function buildElf(spec: ElfSpec): Uint8Array {
  const names = Object.keys(spec.symbols ?? {});
  const strtab = [0];
  const nameOffsets = names.map((n) => {
    const at = strtab.length;
    strtab.push(...new TextEncoder().encode(n), 0);
    return at;
  });

  const phoff = EHDR;
  let at = phoff + spec.segments.length * PHDR;
  const dataOffsets = spec.segments.map((s) => {
    const off = at;
    at += s.data.length;
    return off;
  });
  at = align8(at);
  const symtabOff = at;
  const symtabSize = (names.length + 1) * SYM;
  const strtabOff = symtabOff + symtabSize;
  const shoff = align8(strtabOff + strtab.length);
  const total = shoff + 3 * SHDR;

  const bytes = new Uint8Array(total);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 2, spec.dataEncoding ?? 1, 1]);
  v.setUint16(16, spec.type ?? 2, true);
  v.setUint16(18, spec.machine ?? 243, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, spec.entry ?? spec.segments[0]?.paddr ?? 0n, true);
  v.setBigUint64(32, BigInt(phoff), true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, spec.segments.length, true);
  v.setUint16(58, SHDR, true);
  v.setUint16(60, 3, true);

  spec.segments.forEach((s, i) => {
    const p = phoff + i * PHDR;
    v.setUint32(p, 1, true); // PT_LOAD
    v.setUint32(p + 4, 7, true);
    v.setBigUint64(p + 8, BigInt(dataOffsets[i]), true);
    v.setBigUint64(p + 16, s.paddr, true);
    v.setBigUint64(p + 24, s.paddr, true);
    v.setBigUint64(p + 32, BigInt(s.data.length), true);
    v.setBigUint64(p + 40, BigInt(s.memsz ?? s.data.length), true);
    v.setBigUint64(p + 48, 8n, true);
    bytes.set(s.data, dataOffsets[i]);
  });

  names.forEach((name, i) => {
    const p = symtabOff + (i + 1) * SYM;
    v.setUint32(p, nameOffsets[i], true);
    bytes[p + 4] = 0x10; // STB_GLOBAL, STT_NOTYPE
    v.setUint16(p + 6, 0xfff1, true); // SHN_ABS
    v.setBigUint64(p + 8, spec.symbols![name], true);
    v.setBigUint64(p + 16, BigInt(spec.symbolSizes?.[name] ?? 0), true);
  });
  bytes.set(strtab, strtabOff);

  // Section headers: null, .symtab (linked to 2), .strtab.
  const sh1 = shoff + SHDR;
  v.setUint32(sh1 + 4, 2, true);
  v.setBigUint64(sh1 + 24, BigInt(symtabOff), true);
  v.setBigUint64(sh1 + 32, BigInt(symtabSize), true);
  v.setUint32(sh1 + 40, 2, true);
  v.setBigUint64(sh1 + 56, BigInt(SYM), true);
  const sh2 = shoff + 2 * SHDR;
  v.setUint32(sh2 + 4, 3, true);
  v.setBigUint64(sh2 + 24, BigInt(strtabOff), true);
  v.setBigUint64(sh2 + 32, BigInt(strtab.length), true);
  return bytes;
}

/** Patches a program header field (offset inside the 56-byte entry) in place. */
export function patchPhdr(elf: Uint8Array, index: number, field: number, value: bigint): Uint8Array {
  new DataView(elf.buffer, elf.byteOffset).setBigUint64(EHDR + index * PHDR + field, value, true);
  return elf;
}

export const PHDR_OFFSET = 8;
export const PHDR_FILESZ = 32;
export const PHDR_MEMSZ = 40;

/** Little-endian 32-bit words as bytes: a program from hand-encoded instructions. */
export function words(...ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return out;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
