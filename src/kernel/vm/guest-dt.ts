// Each VM's device tree, generated from the description (users never write a DTS): its
// RAM, one CPU with the ISA the guest may use (the board's, without H: no nested
// virtualisation), the timer through Sstc (no CLINT: the guest's timer is vstimecmp and
// its IPIs go through SBI), the PLIC and the RTC the kernel emulates, one virtio-mmio
// transport per device of the description, and /chosen. The layout is QEMU virt's, made
// by the board's own FDT writer, so Linux finds everything where it looks on QEMU.
import { PROFILES, type CpuProfile } from '../../hart/profile.js';
import { buildBoardDt, type BoardDtConfig, type Window } from '../../machine/fdt/board-dt.js';
import type { FdtNode } from '../../machine/fdt/fdt.js';
import { PLIC_SIZE } from '../../machine/devices/plic.js';
import { RTC_SIZE } from '../../machine/devices/goldfish-rtc.js';
import { VIRTIO_MMIO_SIZE } from '../../machine/devices/virtio-mmio.js';
import {
  PLIC_BASE, PLIC_NDEV, PLIC_SOURCES, RAM_BASE, RTC_BASE, RTC_IRQ, VIRTIO_BASE, VIRTIO_IRQ_BASE, VIRTIO_STRIDE,
} from '../../machine/memory-map.js';

/**
 * The register page of a uio map (its map 1): the doorbell of channel c is the 32-bit
 * word at offset 0 of UIO_DOORBELL_BASE + c * 0x1000. Its interrupt is PLIC source
 * UIO_IRQ_BASE + c. QEMU virt has its fw_cfg here, which a VM's board does not.
 */
export const UIO_DOORBELL_BASE = 0x1010_0000;
export const UIO_IRQ_BASE = 32;

/** QEMU's pvpanic-mmio: one byte register; the guest writes 1 when it panics. */
export const PVPANIC_BASE = 0x10_2000;
export const PVPANIC_SIZE = 0x1000;

export interface GuestDtConfig {
  readonly profile: CpuProfile;
  readonly memory: number;
  /** How many virtio-mmio slots the VM uses (slot n at VIRTIO_BASE + n * VIRTIO_STRIDE). */
  readonly virtioSlots: number;
  readonly chosen: NonNullable<BoardDtConfig['chosen']>;
  /** Extra nodes below /soc (uio regions), added by the caller. */
  readonly extra?: (soc: FdtNode, plicPhandle: number) => void;
}

/** The ISA string a guest is told: the hart's, without the hypervisor extension. */
export function guestIsa(profile: CpuProfile): string {
  return PROFILES[profile].isa.replace(/^(rv64[a-z]*?)h(?=[a-z]*(_|$))/, '$1');
}

export function guestDeviceTree(config: GuestDtConfig): Uint8Array {
  const { cacheBlockSize } = PROFILES[config.profile];
  const virtio: (Window & { irq: number })[] = Array.from({ length: config.virtioSlots }, (_, n) => ({
    base: VIRTIO_BASE + n * VIRTIO_STRIDE, size: VIRTIO_MMIO_SIZE, irq: VIRTIO_IRQ_BASE + n,
  }));
  const fdt = buildBoardDt({
    memory: { base: RAM_BASE, size: config.memory },
    harts: [{ isa: guestIsa(config.profile), mmuType: 'riscv,sv48', cacheBlockSize }],
    plic: { base: PLIC_BASE, size: PLIC_SIZE, sources: PLIC_SOURCES, ndev: PLIC_NDEV },
    rtc: { base: RTC_BASE, size: RTC_SIZE, irq: RTC_IRQ },
    virtio,
    // No stdout-path unless given: the console is the SBI one (console=hvc0, earlycon=sbi).
    chosen: config.chosen,
  });
  const soc = fdt.root.child('soc');
  if (soc) {
    const plic = soc.child(`plic@${PLIC_BASE.toString(16)}`);
    if (plic && config.extra) config.extra(soc, fdt.phandle(plic));
    soc.addChild(`pvpanic@${PVPANIC_BASE.toString(16)}`)
      .string('compatible', 'qemu,pvpanic-mmio')
      .u64('reg', PVPANIC_BASE, PVPANIC_SIZE);
  }
  return fdt.build();
}
