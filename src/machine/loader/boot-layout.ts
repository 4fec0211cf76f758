// Where a boot puts everything in the board's RAM (the "boot layout"), as QEMU's
// hw/riscv/boot.c decides it for the virt machine; the firmware (src/firmware/boot.ts)
// and the kernel's virtual machines both place images with it:
//   - firmware FILE at RAM start (0x80000000);
//   - a Linux Image at RAM start + its header's text_offset (0x80200000 for an S-mode
//     RV64 kernel, which is OpenSBI fw_jump's FW_JUMP_ADDR); a raw binary (U-Boot)
//     at 0x80200000, or at RAM start with `none`; an ELF at its physical addresses,
//     or, when those are not RAM (a vmlinux linked at 0xffffffff80000000), moved as a
//     whole to the Image load address;
//   - the device tree at the end of RAM (below 3 GiB), aligned down to 2 MiB, as QEMU
//     places it (hw/riscv/boot.c, riscv_load_fdt);
//   - the initrd as high as it fits below the device tree, page aligned, so that the
//     kernel can grow (bss, early allocations) as far as possible before meeting it;
//   - room for OpenSBI's fw_dynamic_info right after the device tree blob.
// Anything that overlaps or leaves RAM is a BootError naming the file at fault. Nothing
// here writes memory: planBoot returns the plan.

import type { Chosen } from '../virt.js';
import { ElfError, parseElf, type ElfImage } from './elf.js';
import { ImageError, isLinuxImage, parseLinuxImage } from './linux-image.js';
import { RAM_BASE } from '../memory-map.js';
import { SeededEntropy } from '../devices/virtio-rng.js';

export type Bios =
  | { readonly kind: 'none' }
  | { readonly kind: 'hosted' }
  | { readonly kind: 'file'; readonly name: string; readonly bytes: Uint8Array };

export interface NamedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface BootSpec {
  readonly bios: Bios;
  readonly kernel: NamedFile;
  readonly initrd?: NamedFile;
  /** The kernel command line (device tree /chosen/bootargs). */
  readonly append?: string;
  /** Seed for /chosen/rng-seed; the board's virtio-rng seed keeps both reproducible. */
  readonly rngSeed?: number;
}

/** A problem with the user's files or sizes: `subject` is the file or option to blame. */
export class BootError extends Error {
  override name = 'BootError';

  constructor(readonly subject: string, message: string) {
    super(message);
  }
}

export interface Region {
  readonly start: number;
  readonly end: number;
}

interface Chunk {
  readonly addr: number;
  readonly data: Uint8Array;
  /** Bytes reserved from addr; past data.length they are zeroed (bss). */
  readonly size: number;
}

export type KernelFormat = 'image' | 'elf' | 'raw';

export interface BootPlan {
  readonly spec: BootSpec;
  readonly firmware: Region | undefined;
  readonly kernelFormat: KernelFormat;
  readonly kernel: Region;
  readonly kernelChunks: readonly Chunk[];
  readonly kernelEntry: number;
  /** The ELF, when the kernel is one (HTIF hookup for bare-metal tests). */
  readonly kernelElf: ElfImage | undefined;
  /** The ELF was linked outside RAM and moved to the Image load address. */
  readonly kernelRelocated: boolean;
  readonly initrd: Region | undefined;
  readonly dtb: Region;
  readonly dtbBlob: Uint8Array;
  readonly dynamicInfo: number | undefined;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const PAGE = 4096;
/** Where a firmware-booted S-mode kernel goes: OpenSBI fw_jump's FW_JUMP_ADDR offset. */
const KERNEL_OFFSET = 2 * MiB;
/** OpenSBI (generic platform) fw_jump copies the device tree to FW_JUMP_FDT_ADDR = RAM + 0x2200000. */
const FW_JUMP_FDT_OFFSET = 0x220_0000;

/** struct fw_dynamic_info (OpenSBI include/sbi/fw_dynamic.h): six unsigned longs. */
export const FW_DYNAMIC_INFO_SIZE = 48;
/** Free space at the end of the device tree blob, for the next stage's additions. */
const DTB_FREE_SPACE = 4096;
/** Offset of totalsize in the FDT header (Devicetree Specification 5.2). */
const FDT_TOTALSIZE = 4;

const alignDown = (n: number, a: number): number => Math.floor(n / a) * a;
const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
const hex = (n: number): string => `0x${n.toString(16)}`;
const range = (r: Region): string => `${hex(r.start)}-${hex(r.end)}`;
const overlaps = (a: Region, b: Region): boolean => a.start < b.end && b.start < a.end;

/**
 * Checks the images and decides where each goes in a RAM of `ramSize` bytes;
 * `deviceTree` builds the board's blob for a /chosen. Writes nothing.
 */
export function planBoot(spec: BootSpec, ramSize: number, deviceTree: (chosen: Chosen) => Uint8Array): BootPlan {
  const ramEnd = RAM_BASE + ramSize;
  const ram: Region = { start: RAM_BASE, end: ramEnd };
  const inRam = (r: Region): boolean => r.start >= ram.start && r.end <= ram.end;
  const { bios, kernel: kernelFile } = spec;

  let firmware: Region | undefined;
  if (bios.kind === 'file') {
    if (bios.bytes.length === 0) throw new BootError(bios.name, 'firmware file is empty');
    firmware = { start: RAM_BASE, end: RAM_BASE + bios.bytes.length };
    if (!inRam(firmware)) throw new BootError(bios.name, `firmware (${bios.bytes.length} bytes) does not fit ${ramSize / MiB} MiB of RAM`);
  }

  const k = placeKernel(kernelFile, bios.kind, ramSize);
  const kernel: Region = { start: Math.min(...k.chunks.map((c) => c.addr)), end: Math.max(...k.chunks.map((c) => c.addr + c.size)) };
  if (!inRam(kernel)) {
    throw new BootError(kernelFile.name, `kernel at ${range(kernel)} does not fit RAM ${range(ram)}; give more memory with -m`);
  }
  if (firmware && overlaps(firmware, kernel)) {
    throw new BootError(kernelFile.name, `kernel at ${range(kernel)} overlaps the firmware at ${range(firmware)}`);
  }
  if (k.entry < kernel.start || k.entry >= kernel.end) {
    throw new BootError(kernelFile.name, `entry point ${hex(k.entry)} lies outside the loaded kernel ${range(kernel)}`);
  }

  // The blob's size does not depend on the addresses in it: size it with placeholders.
  const initrdSize = spec.initrd?.bytes.length;
  if (spec.initrd && initrdSize === 0) throw new BootError(spec.initrd.name, 'initrd file is empty');
  const chosen = (initrd: Region | undefined): Chosen => ({
    bootargs: spec.append,
    initrd: initrd ? { start: initrd.start, end: initrd.end } : undefined,
    rngSeed: rngSeed(spec.rngSeed ?? 0),
  });
  const dtbSize = deviceTree(chosen(initrdSize === undefined ? undefined : { start: 0, end: 0 })).length + DTB_FREE_SPACE;
  const top = RAM_BASE < 3 * GiB ? Math.min(ramEnd, 3 * GiB) : ramEnd;
  const dtbAddr = alignDown(top - dtbSize - (bios.kind === 'file' ? FW_DYNAMIC_INFO_SIZE + 8 : 0), 2 * MiB);
  const dtb: Region = { start: dtbAddr, end: dtbAddr + dtbSize };
  const tooSmall = (what: string): BootError =>
    new BootError('-m', `${ramSize / MiB} MiB of RAM is too small for ${what}; give more memory with -m`);
  if (dtb.start < kernel.end || (firmware && dtb.start < firmware.end)) throw tooSmall(`the kernel (${range(kernel)}) and the device tree`);

  let initrd: Region | undefined;
  if (spec.initrd && initrdSize !== undefined) {
    const start = alignDown(dtb.start - initrdSize, PAGE);
    initrd = { start, end: start + initrdSize };
    if (start < kernel.end) throw tooSmall(`the kernel (${range(kernel)}), the initrd (${initrdSize} bytes) and the device tree`);
    if (bios.kind === 'file') {
      const fdtCopy = { start: RAM_BASE + FW_JUMP_FDT_OFFSET, end: RAM_BASE + FW_JUMP_FDT_OFFSET + dtbSize };
      if (overlaps(initrd, fdtCopy)) {
        throw tooSmall(`the initrd at ${range(initrd)} next to OpenSBI fw_jump's device tree copy at ${range(fdtCopy)}`);
      }
    }
  }
  const dtbBlob = withFreeSpace(deviceTree(chosen(initrd)), DTB_FREE_SPACE);
  if (dtbBlob.length !== dtbSize) throw new Error('device tree size changed with the initrd addresses');
  const dynamicInfo = bios.kind === 'file' ? alignUp(dtb.end, 8) : undefined;

  return {
    spec, firmware, kernelFormat: k.format, kernel, kernelChunks: k.chunks, kernelEntry: k.entry, kernelElf: k.elf,
    kernelRelocated: k.relocated ?? false,
    initrd, dtb, dtbBlob, dynamicInfo,
  };
}

/**
 * The blob with `bytes` of free space at its end (counted in the header's totalsize), where
 * the next stage can add properties in place. U-Boot needs it: `booti` grows the device
 * tree in place (fdt_high = ~0) past what it reserved for it, over its own malloc area,
 * unless the tree brought room along, as OpenSBI's fixed-up tree does.
 */
function withFreeSpace(blob: Uint8Array, bytes: number): Uint8Array {
  const out = new Uint8Array(blob.length + bytes);
  out.set(blob);
  new DataView(out.buffer).setUint32(FDT_TOTALSIZE, out.length);
  return out;
}

/** 32 bytes for /chosen/rng-seed from the board's seed: Linux seeds its RNG early with them. */
function rngSeed(seed: number): Uint8Array {
  const bytes = new Uint8Array(32);
  new SeededEntropy(seed ^ 0x5eed).fill(bytes);
  return bytes;
}

interface PlacedKernel {
  readonly format: KernelFormat;
  readonly chunks: Chunk[];
  readonly entry: number;
  readonly elf?: ElfImage;
  readonly relocated?: boolean;
}

function placeKernel(file: NamedFile, bios: Bios['kind'], ramSize: number): PlacedKernel {
  const { name, bytes } = file;
  if (bytes.length === 0) throw new BootError(name, 'kernel file is empty');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new BootError(name, 'a gzip-compressed kernel (Image.gz); give the uncompressed Image');
  }
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return placeElf(file, ramSize);
  if (isLinuxImage(bytes)) {
    let image;
    try {
      image = parseLinuxImage(bytes);
    } catch (err) {
      if (err instanceof ImageError) throw new BootError(name, err.message);
      throw err;
    }
    const addr = RAM_BASE + image.textOffset;
    return { format: 'image', chunks: [{ addr, data: bytes, size: image.imageSize }], entry: addr };
  }
  // A raw binary (U-Boot's u-boot.bin), as QEMU loads one: where the kernel would go.
  const addr = bios === 'none' ? RAM_BASE : RAM_BASE + KERNEL_OFFSET;
  return { format: 'raw', chunks: [{ addr, data: bytes, size: bytes.length }], entry: addr };
}

function placeElf(file: NamedFile, ramSize: number): PlacedKernel {
  let elf: ElfImage;
  try {
    elf = parseElf(file.bytes);
  } catch (err) {
    if (err instanceof ElfError) throw new BootError(file.name, err.message);
    throw err;
  }
  const ramEnd = BigInt(RAM_BASE + ramSize);
  const inRam = elf.segments.every((s) => s.paddr >= BigInt(RAM_BASE) && s.paddr + BigInt(s.memsz) <= ramEnd);
  const low = elf.segments.reduce((m, s) => (s.paddr < m ? s.paddr : m), elf.segments[0].paddr);
  // Linked outside RAM (vmlinux): move the whole image so its lowest segment is at the Image load address.
  const shift = inRam ? 0n : BigInt(RAM_BASE + KERNEL_OFFSET) - low;
  const chunks = elf.segments.map((s) => {
    const addr = s.paddr + shift;
    if (addr < 0n || addr > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new BootError(file.name, `segment ${s.index} at ${s.paddr.toString(16)} cannot be placed in RAM`);
    }
    return { addr: Number(addr), data: file.bytes.subarray(s.offset, s.offset + s.filesz), size: s.memsz };
  });
  // The entry is a virtual address: find its segment to translate it.
  const seg = elf.segments.find((s) => elf.entry >= s.vaddr && elf.entry < s.vaddr + BigInt(s.memsz));
  const entry = seg ? seg.paddr + shift + (elf.entry - seg.vaddr) : elf.entry + shift;
  if (entry < 0n || entry > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BootError(file.name, `entry point 0x${elf.entry.toString(16)} is not in a loaded segment`);
  }
  return { format: 'elf', chunks, entry: Number(entry), elf, relocated: !inRam };
}

