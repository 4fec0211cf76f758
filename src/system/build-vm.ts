// One `vms[]` element from a schema-checked tree to a typed Vm: files read and recognised
// (kernel, initrd, disk images), memory and addresses checked against the guest's board,
// devices checked per type. Rules across VMs and channels are in checks.ts.

import { MAX_RAM_SIZE, RAM_BASE } from '../machine/memory-map.js';
import { ElfError, parseElf } from '../machine/loader/elf.js';
import { ImageError, isLinuxImage, parseLinuxImage } from '../machine/loader/linux-image.js';
import { VM_DEVICE_SLOTS, VM_DEVICE_WINDOWS } from './board.js';
import {
  GPA_LIMIT, PAGE_SIZE, VM_MEMORY_GRANULE,
  type MemoryRegion, type Perms, type SchedulingContext, type SourcePos, type Vm, type VmDevice, type VmFile,
  type VmKernelFormat, type VmMapping,
} from './description.js';
import { formatSize, hex, parseSize } from './units.js';
import { entry, type TreeMap, type TreeNode } from './yaml-tree.js';

type Report = (pos: SourcePos, message: string) => void;

/** Linux's COMMAND_LINE_SIZE on RISC-V, the terminating NUL included. */
const COMMAND_LINE_SIZE = 1024;
/** virtio-blk counts capacity in 512-byte sectors. */
const SECTOR_SIZE = 512;
/** Bytes looked at to tell a text file given as a kernel. */
const TEXT_PROBE = 256;
const MAC_PATTERN = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;

export interface VmParts {
  readonly map: TreeMap;
  readonly name: string;
  /** The description file (paths are relative to it). */
  readonly file: string;
  readonly readFile: (path: string) => Uint8Array | undefined;
  readonly resolvePath: (descriptionFile: string, path: string) => string;
  readonly regions: ReadonlyMap<string, MemoryRegion>;
  readonly regionNames: ReadonlyMap<string, SourcePos>;
  /** Sound list items of a key (as build.ts gives them). */
  readonly items: (map: TreeMap, key: string) => TreeMap[];
  readonly sound: (map: TreeMap) => boolean;
  readonly schedulingContext: () => SchedulingContext | undefined | false;
}

/** The VM, or undefined if something in it was wrong (and reported). */
export function buildVm(parts: VmParts, error: Report): Vm | undefined {
  const { map, name } = parts;
  let ok = true;
  const fail = (pos: SourcePos, message: string): void => {
    error(pos, message);
    ok = false;
  };
  const str = (key: string): string | undefined => scalarString(entry(map, key)?.value);

  const memoryNode = entry(map, 'memory')!.value;
  const memory = parseSize(memoryNode.kind === 'scalar' ? memoryNode.value : undefined);
  if (memory === undefined) fail(memoryNode.pos, `memory ${String(memoryNode.kind === 'scalar' ? memoryNode.value : '')} is too large to be a size; accepted: a multiple of 2 MiB below ${formatSize(MAX_RAM_SIZE)}`);
  const memoryOk = memory !== undefined && checkMemory(memory, memoryNode, fail);

  const read = (node: TreeNode, what: string, accepted: string): VmFile | undefined => {
    const value = scalarString(node)!;
    const path = parts.resolvePath(parts.file, value);
    const bytes = parts.readFile(path);
    if (!bytes) {
      fail(node.pos, `${what} '${value}' cannot be read (looked for ${path}); accepted: ${accepted}, relative to this file`);
      return undefined;
    }
    return { path, bytes, pos: node.pos };
  };

  const kernelNode = entry(map, 'kernel')!.value;
  const kernelFile = read(kernelNode, 'kernel', 'the path of the guest kernel (a Linux Image)');
  let kernel: Vm['kernel'] | undefined;
  let footprint = 0;
  if (kernelFile) {
    const recognised = recogniseKernel(kernelFile.bytes);
    if ('problem' in recognised) {
      fail(kernelNode.pos, `kernel '${scalarString(kernelNode)}' ${recognised.problem}; accepted: a RISC-V Linux Image (arch/riscv/boot/Image), an RV64 RISC-V ELF or a raw S-mode binary`);
    } else {
      kernel = { ...kernelFile, format: recognised.format };
      footprint = recognised.footprint;
      if (memoryOk && footprint > memory) {
        fail(kernelNode.pos, `kernel '${scalarString(kernelNode)}' needs ${formatSize(footprint)} of guest RAM but memory is ${formatSize(memory)}; accepted: memory of at least ${formatSize(roundUp(footprint, VM_MEMORY_GRANULE))}`);
      }
    }
  }

  let initrd: VmFile | undefined;
  const initrdNode = entry(map, 'initrd')?.value;
  if (initrdNode) {
    initrd = read(initrdNode, 'initrd', 'the path of an initial ramdisk (cpio, perhaps compressed)');
    if (initrd && initrd.bytes.length === 0) {
      fail(initrdNode.pos, `initrd '${scalarString(initrdNode)}' is empty; accepted: a cpio archive (perhaps gzip-compressed), or no initrd key`);
    } else if (initrd && kernel && memoryOk && footprint <= memory && footprint + roundUp(initrd.bytes.length, PAGE_SIZE) > memory) {
      const need = footprint + roundUp(initrd.bytes.length, PAGE_SIZE);
      fail(initrdNode.pos, `initrd '${scalarString(initrdNode)}' (${formatSize(initrd.bytes.length)}) does not fit in guest RAM beside the kernel (${formatSize(footprint)}) in memory ${formatSize(memory)}; accepted: memory of at least ${formatSize(roundUp(need, VM_MEMORY_GRANULE))}`);
    }
  }

  const bootargs = str('bootargs');
  const bootargsNode = entry(map, 'bootargs')?.value;
  if (bootargs !== undefined && bootargsNode && new TextEncoder().encode(bootargs).length >= COMMAND_LINE_SIZE) {
    fail(bootargsNode.pos, `bootargs are ${new TextEncoder().encode(bootargs).length} bytes; accepted: at most ${COMMAND_LINE_SIZE - 1} (Linux's COMMAND_LINE_SIZE on RISC-V is ${COMMAND_LINE_SIZE})`);
  }

  const vcpusNode = entry(map, 'vcpus')?.value;
  if (vcpusNode && scalarNumber(vcpusNode) !== 1) {
    fail(vcpusNode.pos, `vcpus ${scalarNumber(vcpusNode)}: the board has one hart, so more vCPUs would only take turns on it (and the admission test gives a VM one budget); accepted: vcpus: 1`);
  }

  const passiveNode = entry(map, 'passive')?.value;
  if (passiveNode && scalarBool(passiveNode)) {
    fail(passiveNode.pos, `VM '${name}' cannot be passive: a passive cell runs only when called through a pp channel, and nothing calls into a VM; accepted: passive: false (or no passive key), with a priority and perhaps a budget`);
  }

  const schedulingContext = parts.schedulingContext();
  if (schedulingContext === false) ok = false;

  const devices: VmDevice[] = [];
  for (const d of parts.items(map, 'devices')) {
    if (!parts.sound(d)) {
      ok = false;
      continue;
    }
    const device = buildDevice(d, fail, read);
    if (device) devices.push(device);
  }
  const devicesNode = entry(map, 'devices')?.value;
  if (devicesNode && devices.length > VM_DEVICE_SLOTS) {
    fail(devicesNode.pos, `VM '${name}' has ${devices.length} devices but its board has ${VM_DEVICE_SLOTS} virtio-mmio slots; accepted: at most ${VM_DEVICE_SLOTS} devices`);
  }

  const maps: VmMapping[] = [];
  for (const m of parts.items(map, 'maps')) {
    if (!parts.sound(m)) {
      ok = false;
      continue;
    }
    const mapping = buildVmMapping(m, parts, memoryOk ? memory : undefined, maps, fail);
    if (mapping) maps.push(mapping);
  }

  if (!ok || !memoryOk || !kernel) return undefined;
  const onFault = str('on_fault');
  return {
    name,
    kernel,
    initrd,
    bootargs,
    memory,
    vcpus: 1,
    priority: scalarNumber(entry(map, 'priority')!.value)!,
    schedulingContext: schedulingContext || undefined,
    passive: false,
    onFault: onFault === 'restart' ? 'restart' : 'stop',
    poweroff: scalarBool(entry(map, 'poweroff')?.value) ?? false,
    devices,
    maps,
    pos: map.pos,
  };
}

function checkMemory(memory: number, node: TreeNode, fail: Report): boolean {
  if (memory === 0 || memory % VM_MEMORY_GRANULE !== 0) {
    fail(node.pos, `memory ${formatSize(memory)} is not a non-zero multiple of 2 MiB; accepted: a multiple of 2 MiB such as ${formatSize(Math.max(VM_MEMORY_GRANULE, roundUp(memory, VM_MEMORY_GRANULE)))} (guest RAM is mapped in 2 MiB megapages, and RV64 Linux maps its kernel in 2 MiB pages)`);
    return false;
  }
  if (memory >= MAX_RAM_SIZE) {
    fail(node.pos, `memory ${formatSize(memory)} does not fit in the board's RAM, at most ${formatSize(MAX_RAM_SIZE)} and shared with the kernel and cells; accepted: less than ${formatSize(MAX_RAM_SIZE)}, such as ${formatSize(MAX_RAM_SIZE / 2)}`);
    return false;
  }
  return true;
}

/** What the kernel file is, and how much guest RAM from RAM_BASE it occupies. */
function recogniseKernel(bytes: Uint8Array): { format: VmKernelFormat; footprint: number } | { problem: string } {
  if (bytes.length === 0) return { problem: 'is empty' };
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return { problem: 'is gzip-compressed (Image.gz?); give the uncompressed Image' };
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    try {
      const elf = parseElf(bytes);
      // Placed as boot-layout.ts places a kernel ELF: its span, from the start of RAM.
      const low = elf.segments.reduce((m, s) => (s.paddr < m ? s.paddr : m), elf.segments[0].paddr);
      const high = elf.segments.reduce((m, s) => (s.paddr + BigInt(s.memsz) > m ? s.paddr + BigInt(s.memsz) : m), 0n);
      return { format: 'elf', footprint: roundUp(Number(high - low), PAGE_SIZE) };
    } catch (err) {
      if (!(err instanceof ElfError)) throw err;
      return { problem: `is not a usable ELF: ${err.message}` };
    }
  }
  if (isLinuxImage(bytes)) {
    try {
      const image = parseLinuxImage(bytes);
      return { format: 'image', footprint: image.textOffset + roundUp(image.imageSize, PAGE_SIZE) };
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      return { problem: `is not a usable Linux Image: ${err.message}` };
    }
  }
  const probe = bytes.subarray(0, TEXT_PROBE);
  if (probe.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) {
    return { problem: 'looks like text, not a kernel (a script or a file name in place of the file?)' };
  }
  if (bytes.length % 2 !== 0) return { problem: `is ${bytes.length} bytes, an odd size, so not RISC-V code (instructions are 2 or 4 bytes)` };
  return { format: 'raw', footprint: roundUp(bytes.length, PAGE_SIZE) };
}

function buildDevice(
  map: TreeMap, fail: Report,
  read: (node: TreeNode, what: string, accepted: string) => VmFile | undefined,
): VmDevice | undefined {
  const type = scalarString(entry(map, 'type')!.value) as VmDevice['type'];
  const keysOf: Record<VmDevice['type'], readonly string[]> = { console: ['type'], block: ['type', 'file', 'readonly'], net: ['type', 'link', 'mac'] };
  let ok = true;
  for (const e of map.entries) {
    if (keysOf[type].includes(e.key)) continue;
    fail(e.keyPos, `'${e.key}' is not a key of a ${type} device; accepted keys for ${type}: ${keysOf[type].join(', ')}`);
    ok = false;
  }
  switch (type) {
    case 'console':
      return ok ? { type, pos: map.pos } : undefined;
    case 'block': {
      const fileNode = entry(map, 'file')?.value;
      if (!fileNode) {
        fail(map.pos, 'a block device has no \'file\'; add file: the disk image, relative to this file');
        return undefined;
      }
      const file = read(fileNode, 'disk image', 'the path of a disk image');
      if (file && file.bytes.length % SECTOR_SIZE !== 0) {
        fail(fileNode.pos, `disk image '${scalarString(fileNode)}' is ${file.bytes.length} bytes, not a whole number of ${SECTOR_SIZE}-byte sectors; accepted: an image of a multiple of ${SECTOR_SIZE} bytes (virtio-blk counts sectors)`);
        return undefined;
      }
      if (!file || !ok) return undefined;
      return { type, file, readonly: scalarBool(entry(map, 'readonly')?.value) ?? false, pos: map.pos };
    }
    case 'net': {
      const linkNode = entry(map, 'link')?.value;
      if (!linkNode) {
        fail(map.pos, 'a net device has no \'link\'; add link: a name shared by the net devices of the VMs that should see each other');
        return undefined;
      }
      const macNode = entry(map, 'mac')?.value;
      let mac: number[] | undefined;
      if (macNode) {
        const text = scalarString(macNode)!;
        if (!MAC_PATTERN.test(text)) {
          fail(macNode.pos, `mac '${text}' is not a MAC address; accepted: six hex octets with colons, such as 52:54:00:12:34:56`);
          return undefined;
        }
        mac = text.split(':').map((o) => parseInt(o, 16));
        if ((mac[0] & 1) !== 0) {
          fail(macNode.pos, `mac '${text}' is a multicast address (bit 0 of the first octet is set); accepted: a unicast address, first octet even, such as 52:54:00:12:34:56`);
          return undefined;
        }
      }
      if (!ok) return undefined;
      return { type, link: scalarString(linkNode)!, linkPos: linkNode.pos, mac, pos: map.pos };
    }
  }
}

function buildVmMapping(map: TreeMap, parts: VmParts, memory: number | undefined, placed: readonly VmMapping[], fail: Report): VmMapping | undefined {
  const regionNode = entry(map, 'region')!.value;
  const regionName = scalarString(regionNode)!;
  const region = parts.regions.get(regionName);
  if (!region) {
    if (!parts.regionNames.has(regionName)) {
      fail(regionNode.pos, `unknown memory region '${regionName}'; accepted: ${[...parts.regionNames.keys()].join(', ') || 'no memory_regions are described'}`);
    }
    return undefined;
  }
  if (region.device) {
    fail(regionNode.pos, `region '${region.name}' is the registers of ${region.device.device.name}; a VM cannot drive a board device (its interrupts go to cells only); accepted: a RAM region (no phys_addr), with a cell driving the device`);
    return undefined;
  }
  const gpaNode = entry(map, 'gpa')!.value;
  const gpa = scalarNumber(gpaNode)!;
  const end = gpa + region.size;
  const uioMap = entry(map, 'uio')?.value;
  const what = `gpa ${hex(gpa)}-${hex(end)} (${formatSize(region.size)} of '${region.name}')`;
  const clear = `a page-aligned gpa clear of guest RAM${memory !== undefined ? ` (${hex(RAM_BASE)}-${hex(RAM_BASE + memory)})` : ''}, the devices below ${hex(VM_DEVICE_WINDOWS.reduce((m, d) => Math.max(m, d.base + d.size), 0))} and the VM's other maps, such as ${hex(suggestGpa(memory, placed, region.size))}`;
  if (gpa % PAGE_SIZE !== 0) {
    const why = uioMap ? ' (generic-uio maps whole pages into user space)' : '';
    fail(gpaNode.pos, `gpa ${hex(gpa)} is not page-aligned${why}; accepted: a multiple of 0x1000 such as ${hex(gpa - (gpa % PAGE_SIZE))}`);
    return undefined;
  }
  if (end > GPA_LIMIT) {
    fail(gpaNode.pos, `${what} reaches past ${hex(GPA_LIMIT)}, the end of Sv39x4 guest-physical addresses; accepted: ${clear}`);
    return undefined;
  }
  if (memory !== undefined && gpa < RAM_BASE + memory && RAM_BASE < end) {
    fail(gpaNode.pos, `${what} overlaps guest RAM ${hex(RAM_BASE)}-${hex(RAM_BASE + memory)} (memory ${formatSize(memory)}); accepted: ${clear}`);
    return undefined;
  }
  const device = VM_DEVICE_WINDOWS.find((d) => gpa < d.base + d.size && d.base < end);
  if (device) {
    fail(gpaNode.pos, `${what} overlaps ${device.name} (${hex(device.base)}-${hex(device.base + device.size)}), which the kernel will emulate there for the VM; accepted: ${clear}`);
    return undefined;
  }
  const clash = placed.find((p) => gpa < p.gpa + p.region.size && p.gpa < end);
  if (clash) {
    fail(map.pos, `mapping of '${region.name}' at ${hex(gpa)}-${hex(end)} overlaps the mapping of '${clash.region.name}' at ${hex(clash.gpa)}-${hex(clash.gpa + clash.region.size)} (line ${clash.pos.line}) in VM '${parts.name}'; accepted: ${clear}`);
    return undefined;
  }
  const permsText = scalarString(entry(map, 'perms')!.value)!;
  const perms: Perms = { read: permsText.includes('r'), write: permsText.includes('w'), execute: permsText.includes('x') };
  const uio = uioMap?.kind === 'map' ? { channel: scalarNumber(entry(uioMap, 'channel')!.value)!, pos: uioMap.pos } : undefined;
  return { region, gpa, perms, uio, pos: map.pos };
}

/** The first address from the end of guest RAM (or 0x100000000) where `size` bytes clear the maps so far. */
function suggestGpa(memory: number | undefined, placed: readonly VmMapping[], size: number): number {
  let at = memory !== undefined ? RAM_BASE + memory : 2 ** 32;
  for (const p of [...placed].sort((x, y) => x.gpa - y.gpa)) {
    if (at < p.gpa + p.region.size && p.gpa < at + size) at = p.gpa + p.region.size;
  }
  return roundUp(at, PAGE_SIZE);
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function scalarString(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

function scalarNumber(node: TreeNode | undefined): number | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'number' ? node.value : undefined;
}

function scalarBool(node: TreeNode | undefined): boolean | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'boolean' ? node.value : undefined;
}
