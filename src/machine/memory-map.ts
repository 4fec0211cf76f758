// The physical address map of the board: QEMU virt's (hw/riscv/virt.c), so unmodified
// guests and device trees find their devices where they expect them.

export const TEST_FINISHER_BASE = 0x10_0000;
export const TEST_FINISHER_SIZE = 0x1000;
export const CLINT_BASE = 0x200_0000;
export const CLINT_SIZE = 0x1_0000;
export const PLIC_BASE = 0xc00_0000;
export const UART0_BASE = 0x1000_0000;
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_STRIDE = 0x1000;
export const RAM_BASE = 0x8000_0000;
export const RTC_BASE = 0x10_1000;
export const VIRTIO_COUNT = 8;

// PLIC interrupt sources.
export const PLIC_SOURCES = 95;
/**
 * The device tree's `riscv,ndev`: QEMU 7.2 announces 96 (its VIRT_IRQCHIP_NUM_SOURCES,
 * which counts source 0) while its PLIC implements sources 1..95; the board copies both
 * numbers so guests see what they see on QEMU.
 */
export const PLIC_NDEV = PLIC_SOURCES + 1;
export const UART0_IRQ = 10;
export const RTC_IRQ = 11;
/** virtio-mmio transport n (0-based) uses PLIC source VIRTIO_IRQ_BASE + n. */
export const VIRTIO_IRQ_BASE = 1;
