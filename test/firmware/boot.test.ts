import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BootError, planBoot, type BootSpec } from '../../src/firmware/boot.js';
import { boardDtb } from '../../src/machine/fdt/board-dt.js';
import { virtDtConfig, type Chosen } from '../../src/machine/virt.js';
import { buildElf, words } from '../helpers/elf-builder.js';
import { JSELF } from '../helpers/rv.js';

const MiB = 2 ** 20;

/** A Linux Image: the 64-byte header and `size` bytes in all. */
function linuxImage(size: number, header: { textOffset?: bigint; imageSize?: bigint; flags?: bigint; magic?: boolean } = {}): Uint8Array {
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 0x4000006f, true); // j over the header
  v.setBigUint64(8, header.textOffset ?? 0x20_0000n, true);
  v.setBigUint64(16, header.imageSize ?? BigInt(size + 0x10_0000), true);
  v.setBigUint64(24, header.flags ?? 0n, true);
  v.setUint32(32, 2, true);
  if (header.magic !== false) {
    bytes.set(new TextEncoder().encode('RISCV\0\0\0'), 48);
    bytes.set(new TextEncoder().encode('RSC\x05'), 56);
  }
  return bytes;
}

const plan = (spec: Partial<BootSpec> & Pick<BootSpec, 'kernel'>, ramSize = 128 * MiB) =>
  planBoot({ bios: { kind: 'hosted' }, ...spec }, ramSize, (chosen: Chosen) => boardDtb(virtDtConfig(ramSize, chosen)));

const kernel = (bytes: Uint8Array) => ({ name: 'Image', bytes });

function bootError(fn: () => unknown, subject: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BootError, String(err));
    assert.equal(err.subject, subject);
    assert.match(err.message, message);
    return true;
  });
}

describe('boot layout', () => {
  it('loads an Image at RAM + text_offset and the device tree at the last 2 MiB boundary', () => {
    const p = plan({ kernel: kernel(linuxImage(3 * MiB)) });
    assert.equal(p.kernelFormat, 'image');
    assert.equal(p.kernelEntry, 0x8020_0000);
    assert.deepEqual(p.kernel, { start: 0x8020_0000, end: 0x8020_0000 + 4 * MiB });
    // QEMU: ALIGN_DOWN(end of RAM - dtb size, 2 MiB).
    assert.equal(p.dtb.start, 0x87e0_0000);
    assert.equal(p.dtb.end - p.dtb.start, p.dtbBlob.length);
    assert.equal(p.initrd, undefined);
  });

  it('puts the initrd right below the device tree, page-aligned, and names it in /chosen', () => {
    const initrd = { name: 'initrd', bytes: new Uint8Array(5000) };
    const p = plan({ kernel: kernel(linuxImage(MiB)), initrd });
    assert.equal(p.initrd!.end - p.initrd!.start, 5000);
    assert.equal(p.initrd!.start % 4096, 0);
    assert.ok(p.initrd!.end <= p.dtb.start && p.dtb.start - p.initrd!.end < 4096);
    const blob = Buffer.from(p.dtbBlob);
    assert.ok(blob.includes('linux,initrd-start'));
  });

  it('loads a raw binary at 0x80200000, or at RAM start without firmware', () => {
    assert.equal(plan({ kernel: kernel(Uint8Array.of(0x6f, 0, 0, 0)) }).kernelEntry, 0x8020_0000);
    assert.equal(plan({ kernel: kernel(Uint8Array.of(0x6f, 0, 0, 0)), bios: { kind: 'none' } }).kernelEntry, 0x8000_0000);
  });

  it('loads an ELF at its physical addresses', () => {
    const elf = buildElf({ segments: [{ paddr: 0x8000_0000n, data: words(JSELF) }] });
    const p = plan({ kernel: kernel(elf), bios: { kind: 'none' } });
    assert.equal(p.kernelFormat, 'elf');
    assert.equal(p.kernelEntry, 0x8000_0000);
  });

  it('leaves room for fw_dynamic_info after the device tree with a firmware file', () => {
    const p = plan({ kernel: kernel(linuxImage(MiB)), bios: { kind: 'file', name: 'fw.bin', bytes: new Uint8Array(0x4_0000) } });
    assert.deepEqual(p.firmware, { start: 0x8000_0000, end: 0x8004_0000 });
    assert.equal(p.dynamicInfo, Math.ceil(p.dtb.end / 8) * 8);
    assert.ok(p.dynamicInfo! + 48 <= 0x8800_0000);
  });

  it('rejects a kernel that overlaps the firmware', () => {
    bootError(() => plan({ kernel: kernel(linuxImage(MiB, { textOffset: 0n })), bios: { kind: 'file', name: 'fw.bin', bytes: new Uint8Array(4096) } }),
      'Image', /overlaps the firmware/);
  });

  it('rejects images that do not fit the RAM, naming -m', () => {
    bootError(() => plan({ kernel: kernel(linuxImage(MiB)), initrd: { name: 'big', bytes: new Uint8Array(6 * MiB) } }, 8 * MiB),
      '-m', /8 MiB of RAM is too small for the kernel .*, the initrd .* and the device tree; give more memory with -m/);
    bootError(() => plan({ kernel: kernel(linuxImage(MiB, { imageSize: BigInt(7 * MiB) })) }, 8 * MiB),
      'Image', /does not fit RAM/);
  });

  it('rejects corrupt and unsupported kernels with the reason', () => {
    bootError(() => plan({ kernel: kernel(new Uint8Array(0)) }), 'Image', /empty/);
    bootError(() => plan({ kernel: kernel(Uint8Array.of(0x1f, 0x8b, 8, 0)) }), 'Image', /gzip-compressed/);
    bootError(() => plan({ kernel: kernel(linuxImage(MiB, { flags: 1n })) }), 'Image', /big-endian/);
    bootError(() => plan({ kernel: kernel(linuxImage(MiB, { imageSize: 100n })) }), 'Image', /image_size .* truncated or corrupt/);
    bootError(() => plan({ kernel: kernel(linuxImage(MiB, { textOffset: 0x123n })) }), 'Image', /text_offset 0x123/);
    bootError(() => plan({ kernel: kernel(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1)) }), 'Image', /truncated|ELF64/);
    bootError(() => plan({ kernel: kernel(new Uint8Array(10)), initrd: { name: 'rd', bytes: new Uint8Array(0) } }), 'rd', /empty/);
  });
});
