// The board facts a description is checked against: which devices a memory region with
// `phys_addr` may map, which PLIC sources are wired to something, and which devices the
// kernel keeps for itself. All numbers come from src/machine/.

import { RTC_SIZE } from '../machine/devices/goldfish-rtc.js';
import { PLIC_SIZE } from '../machine/devices/plic.js';
import { UART_SIZE } from '../machine/devices/uart16550.js';
import { VIRTIO_MMIO_SIZE } from '../machine/devices/virtio-mmio.js';
import {
  CLINT_BASE, CLINT_SIZE, PLIC_BASE, PLIC_SOURCES, RTC_BASE, RTC_IRQ, TEST_FINISHER_BASE, TEST_FINISHER_SIZE,
  UART0_BASE, UART0_IRQ, VIRTIO_BASE, VIRTIO_COUNT, VIRTIO_IRQ_BASE, VIRTIO_STRIDE,
} from '../machine/memory-map.js';
import { PAGE_SIZE, MAX_CHANNEL_ID, type BoardDevice } from './description.js';
import { PVPANIC_BASE, PVPANIC_SIZE, UIO_DOORBELL_BASE } from '../kernel/vm/guest-dt.js';
import { hex } from './units.js';

const pageEnd = (d: { base: number; size: number }): number => Math.ceil((d.base + d.size) / PAGE_SIZE) * PAGE_SIZE;

/** Devices a cell may drive from user level, one page (or more) of registers each. */
export const BOARD_DEVICES: readonly BoardDevice[] = [
  { name: 'uart0', base: UART0_BASE, size: UART_SIZE, irq: UART0_IRQ },
  { name: 'rtc', base: RTC_BASE, size: RTC_SIZE, irq: RTC_IRQ },
  ...Array.from({ length: VIRTIO_COUNT }, (_, n) => ({
    name: `virtio-mmio ${n}`, base: VIRTIO_BASE + n * VIRTIO_STRIDE, size: VIRTIO_MMIO_SIZE, irq: VIRTIO_IRQ_BASE + n,
  })),
];

/** Devices the kernel owns: a cell mapping them would bypass it. */
const KERNEL_DEVICES = [
  { name: 'the test finisher', base: TEST_FINISHER_BASE, size: TEST_FINISHER_SIZE, why: 'ask for poweroff: true and call cv_poweroff' },
  { name: 'the CLINT', base: CLINT_BASE, size: CLINT_SIZE, why: 'timers are the kernel\'s; a cell has its timer on channel 63' },
  { name: 'the PLIC', base: PLIC_BASE, size: PLIC_SIZE, why: 'claim interrupts with irqs: instead' },
];

export const PLIC_SOURCE_COUNT = PLIC_SOURCES;

/**
 * The devices a VM's board has, at QEMU virt's addresses, which the kernel will emulate
 * (issue 14): guest-physical addresses a VM's maps must keep clear of.
 */
export const VM_DEVICE_WINDOWS: readonly { readonly name: string; readonly base: number; readonly size: number }[] = [
  { name: 'the test finisher', base: TEST_FINISHER_BASE, size: TEST_FINISHER_SIZE },
  { name: 'the RTC', base: RTC_BASE, size: RTC_SIZE },
  { name: 'the CLINT', base: CLINT_BASE, size: CLINT_SIZE },
  { name: 'the PLIC', base: PLIC_BASE, size: PLIC_SIZE },
  { name: 'uart0', base: UART0_BASE, size: UART_SIZE },
  { name: `virtio-mmio 0-${VIRTIO_COUNT - 1}`, base: VIRTIO_BASE, size: VIRTIO_COUNT * VIRTIO_STRIDE },
  { name: 'pvpanic', base: PVPANIC_BASE, size: PVPANIC_SIZE },
  { name: 'the uio register pages', base: UIO_DOORBELL_BASE, size: (MAX_CHANNEL_ID + 1) * PAGE_SIZE },
].map((d) => ({ ...d, size: pageEnd(d) - d.base }));

/** Virtio-mmio slots of a VM's board: one per device. */
export const VM_DEVICE_SLOTS = VIRTIO_COUNT;

/** The device whose pages hold [physAddr, physAddr + size), if any. */
export function deviceAt(physAddr: number, size: number): BoardDevice | undefined {
  return BOARD_DEVICES.find((d) => physAddr >= d.base && physAddr + size <= pageEnd(d));
}

/** Why [physAddr, +size) may not be mapped: a kernel device, or nothing at all. */
export function whyNoDevice(physAddr: number, size: number): string {
  const kernel = KERNEL_DEVICES.find((d) => physAddr < d.base + d.size && d.base < physAddr + size);
  if (kernel) return `${hex(physAddr)} is ${kernel.name}, which the kernel owns; ${kernel.why}`;
  const partly = BOARD_DEVICES.find((d) => physAddr >= d.base && physAddr < pageEnd(d));
  if (partly) {
    return `${hex(physAddr)}+${hex(size)} runs past ${partly.name}'s registers (${hex(partly.base)}-${hex(pageEnd(partly))}); accepted: size ${hex(pageEnd(partly) - physAddr)} or less`;
  }
  return `${hex(physAddr)} is no device of the board; accepted: ${describeDevices()}`;
}

export function describeDevices(): string {
  const virtio = BOARD_DEVICES.filter((d) => d.name.startsWith('virtio'));
  const others = BOARD_DEVICES.filter((d) => !d.name.startsWith('virtio'));
  return [
    ...others.map((d) => `${d.name} ${hex(d.base)}`),
    `virtio-mmio 0-${virtio.length - 1} at ${hex(VIRTIO_BASE)} + n*${hex(VIRTIO_STRIDE)}`,
  ].join(', ');
}

/** The device that drives PLIC source `source`, if any. */
export function deviceOfIrq(source: number): BoardDevice | undefined {
  return BOARD_DEVICES.find((d) => d.irq === source);
}

export function describeIrqs(): string {
  const virtio = BOARD_DEVICES.filter((d) => d.name.startsWith('virtio'));
  const others = BOARD_DEVICES.filter((d) => !d.name.startsWith('virtio'));
  return [
    `${virtio[0].irq}-${virtio[virtio.length - 1].irq} (virtio-mmio 0-${virtio.length - 1})`,
    ...others.map((d) => `${d.irq} (${d.name})`),
  ].join(', ');
}
