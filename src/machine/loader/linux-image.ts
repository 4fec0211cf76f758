// The RISC-V Linux kernel Image header (Documentation/riscv/boot-image-header.rst):
//
//   0  u32 code0, code1       executable code (a jump over the header)
//   8  u64 text_offset        load offset from the start of RAM, little endian
//  16  u64 image_size         bytes the kernel occupies once running (bss included)
//  24  u64 flags              bit 0: endianness, 0 = little
//  32  u32 version            header version, major << 16 | minor (0.2 since Linux 5.x)
//  36  u32 res1; 40 u64 res2
//  48  u64 magic              "RISCV\0\0\0" (deprecated, still written by 6.1)
//  56  u32 magic2             "RSC\x05"
//  60  u32 res3               PE/COFF header offset
//
// A boot loader places the Image at RAM start + text_offset and jumps to its first byte.

export class ImageError extends Error {
  override name = 'ImageError';
}

export interface LinuxImage {
  readonly textOffset: number;
  /** Bytes from the load address the kernel may use as it boots; at least the file size. */
  readonly imageSize: number;
  readonly version: { readonly major: number; readonly minor: number };
}

export const IMAGE_HEADER_SIZE = 64;
const MAGIC = 'RISCV\0\0\0';
const MAGIC2 = 'RSC\x05';
/** A sanity bound on image_size, far above any real kernel (and above this board's RAM). */
const MAX_IMAGE_SIZE = 2 ** 32;

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

/** True if the file starts with an Image header (either magic). */
export function isLinuxImage(file: Uint8Array): boolean {
  return file.length >= IMAGE_HEADER_SIZE
    && (ascii(file.subarray(48, 56)) === MAGIC || ascii(file.subarray(56, 60)) === MAGIC2);
}

/** Reads and checks the header of a file that isLinuxImage() accepted. */
export function parseLinuxImage(file: Uint8Array): LinuxImage {
  if (!isLinuxImage(file)) throw new ImageError('not a RISC-V Linux Image (no "RISCV" / "RSC\\x05" magic at byte 48 / 56)');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const textOffset = view.getBigUint64(8, true);
  const imageSize = view.getBigUint64(16, true);
  const flags = view.getBigUint64(24, true);
  const version = view.getUint32(32, true);
  if ((flags & 1n) !== 0n) throw new ImageError('a big-endian kernel Image (header flags bit 0); this board is little-endian');
  if (textOffset % 4096n !== 0n || textOffset >= BigInt(MAX_IMAGE_SIZE)) {
    throw new ImageError(`Image header text_offset 0x${textOffset.toString(16)} is not a page-aligned offset into RAM`);
  }
  // Headers before version 0.2 left image_size 0: the file size is all there is then.
  const size = imageSize === 0n ? BigInt(file.length) : imageSize;
  if (size < BigInt(file.length) || size > BigInt(MAX_IMAGE_SIZE)) {
    throw new ImageError(`Image header image_size 0x${imageSize.toString(16)} is smaller than the file (0x${file.length.toString(16)} bytes) or absurd; truncated or corrupt Image?`);
  }
  return { textOffset: Number(textOffset), imageSize: Number(size), version: { major: version >>> 16, minor: version & 0xffff } };
}
