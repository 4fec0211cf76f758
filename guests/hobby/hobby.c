/*
 * A guest written the way teaching and hobby kernels for QEMU's `virt` board are (xv6's
 * virtio_disk.c, uart.c, plic.c), run in M-mode without firmware on QEMU
 * (`-M virt -bios none`) and on cellvisor (`machine --bios none`):
 *
 *  1. prints the identity registers of the board's devices (every virtio-mmio slot,
 *     the UART and RTC at reset, the PLIC's WARL fields), one `key: value` line each,
 *     so a test can hold them side by side;
 *  2. finds its disk as xv6 does (MagicValue "virt", Version 2, DeviceID 2, VendorID
 *     "QEMU"; anything else is "could not find virtio disk"), negotiates only the low
 *     32 feature bits (never VIRTIO_F_VERSION_1), and reads sector 0 with the
 *     completion interrupt;
 *  3. enables the UART's THR-empty interrupt, never reads IIR, and prints through an
 *     interrupt-driven transmit buffer for TICKS timer ticks, counting the external
 *     interrupts it takes. Where the PLIC re-pends a level that stays high at every
 *     completion, this never ends: the guest livelocks in its trap handler.
 *
 * It ends through the SiFive test finisher: pass after "hobby: done", fail otherwise.
 */
#include <stdint.h>
#include <string.h>

#include "riscv.h"

#define UART0 0x10000000UL
#define UART0_IRQ 10
#define PLIC 0x0c000000UL
#define CLINT 0x02000000UL
#define RTC 0x00101000UL
#define FINISHER 0x00100000UL
#define VIRTIO(n) (0x10001000UL + 0x1000UL * (n))
#define VIRTIO_SLOTS 8
#define VIRTIO0_IRQ 1

/* mtime runs at 10 MHz on both boards (timebase-frequency). */
#define TICK (10000000 / 20) /* 50 ms */
#define TICKS 10

/* 16550 registers (xv6's names) */
#define RHR 0
#define THR 0
#define IER 1
#define IER_RX_ENABLE (1 << 0)
#define IER_TX_ENABLE (1 << 1)
#define IIR 2
#define FCR 2
#define LCR 3
#define LCR_BAUD_LATCH (1 << 7)
#define MCR 4
#define LSR 5
#define LSR_RX_READY (1 << 0)
#define LSR_TX_IDLE (1 << 5)
#define MSR 6
#define SCR 7

/* virtio-mmio registers (virtio 1.x §4.2.2) */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_DRIVER_DESC_LOW 0x090
#define VIRTIO_MMIO_DRIVER_DESC_HIGH 0x094
#define VIRTIO_MMIO_DEVICE_DESC_LOW 0x0a0
#define VIRTIO_MMIO_DEVICE_DESC_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc

#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER 2
#define VIRTIO_CONFIG_S_DRIVER_OK 4
#define VIRTIO_CONFIG_S_FEATURES_OK 8

/* The feature bits xv6 clears before accepting the rest of the low 32. */
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_SCSI 7
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VIRTIO_BLK_T_IN 0
#define NUM 8

/* goldfish RTC */
#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04
#define RTC_ALARM_LOW 0x08
#define RTC_ALARM_HIGH 0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_ALARM_STATUS 0x18

/* PLIC (SiFive layout) and CLINT */
#define PLIC_PRIORITY(id) (PLIC + 4UL * (id))
#define PLIC_PENDING (PLIC + 0x1000)
#define PLIC_MENABLE(word) (PLIC + 0x2000 + 4UL * (word))
#define PLIC_MTHRESHOLD (PLIC + 0x200000)
#define PLIC_MCLAIM (PLIC + 0x200004)
#define CLINT_MTIMECMP (CLINT + 0x4000)
#define CLINT_MTIME (CLINT + 0xbff8)

#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

static inline volatile uint32_t *reg32(uintptr_t a) { return (volatile uint32_t *)a; }
static inline volatile uint8_t *uart(int r) { return (volatile uint8_t *)(UART0 + r); }
static inline uint32_t vread(int slot, int r) { return *reg32(VIRTIO(slot) + r); }
static inline void vwrite(int slot, int r, uint32_t v) { *reg32(VIRTIO(slot) + r) = v; }
static inline uint64_t mtime(void) { return *(volatile uint64_t *)CLINT_MTIME; }

/* Console: polling output with interrupts off (xv6's uartputc_sync). */

static void putc_sync(char c)
{
	uint64_t was = csr_read(mstatus) & MSTATUS_MIE;
	csr_clear(mstatus, MSTATUS_MIE);
	while ((*uart(LSR) & LSR_TX_IDLE) == 0)
		;
	*uart(THR) = (uint8_t)c;
	csr_set(mstatus, was);
}

static void puts_sync(const char *s)
{
	while (*s)
		putc_sync(*s++);
}

static void puthex(uint64_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		putc_sync("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

static void putdec(uint64_t v)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		putc_sync(buf[--n]);
}

/* "key: value" with a hex value of `digits` digits. */
static void line_hex(const char *key, uint64_t v, int digits)
{
	puts_sync(key);
	puts_sync(": ");
	puthex(v, digits);
	putc_sync('\n');
}

__attribute__((noreturn)) static void finish(int pass)
{
	*reg32(FINISHER) = pass ? FINISHER_PASS : (1u << 16) | FINISHER_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

__attribute__((noreturn)) static void panic(const char *why)
{
	puts_sync("panic: ");
	puts_sync(why);
	putc_sync('\n');
	finish(0);
}

/* Interrupt-driven transmit (xv6's uartputc/uartstart): a ring, THR fed while it is empty. */

#define TX_SIZE 256
static char tx_buf[TX_SIZE];
static volatile uint64_t tx_w, tx_r;

static void uartstart(void)
{
	while (tx_w != tx_r && (*uart(LSR) & LSR_TX_IDLE) != 0) {
		*uart(THR) = (uint8_t)tx_buf[tx_r % TX_SIZE];
		tx_r++;
	}
}

static void puts_buffered(const char *s)
{
	uint64_t was = csr_read(mstatus) & MSTATUS_MIE;
	csr_clear(mstatus, MSTATUS_MIE); /* xv6 holds uart_tx_lock: interrupts off */
	for (; *s; s++) {
		if (tx_w - tx_r == TX_SIZE)
			break;
		tx_buf[tx_w % TX_SIZE] = *s;
		tx_w++;
	}
	uartstart();
	csr_set(mstatus, was);
}

/* virtio-blk, xv6's way */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[NUM];
	uint16_t unused;
};
struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[NUM];
};
struct virtio_blk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

static struct virtq_desc desc[NUM] __attribute__((aligned(16)));
static struct virtq_avail avail __attribute__((aligned(2)));
static struct virtq_used used __attribute__((aligned(4)));
static struct virtio_blk_req req;
static uint8_t sector[512];
static volatile uint8_t blk_status;
static volatile int blk_done;
static uint16_t used_seen;
static int disk_slot = -1;

/* Counted by the trap handler. */
static volatile uint64_t uart_irqs, disk_irqs, other_irqs, no_claims, ticks;

static void virtio_disk_intr(void)
{
	vwrite(disk_slot, VIRTIO_MMIO_INTERRUPT_ACK, vread(disk_slot, VIRTIO_MMIO_INTERRUPT_STATUS) & 0x3);
	__sync_synchronize();
	while (used_seen != used.idx) {
		__sync_synchronize();
		blk_done = 1;
		used_seen++;
	}
}

static void uartintr(void)
{
	/* xv6 reads LSR and RHR, never IIR: a THR-empty interrupt stays asserted. */
	while ((*uart(LSR) & LSR_RX_READY) != 0)
		(void)*uart(RHR);
	uartstart();
}

void hobby_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
	if ((mcause & MCAUSE_INTERRUPT) == 0) {
		puts_sync("trap: mcause=");
		puthex(mcause, 16);
		puts_sync(" mepc=");
		puthex(mepc, 16);
		puts_sync(" mtval=");
		puthex(mtval, 16);
		putc_sync('\n');
		finish(0);
	}
	uint64_t cause = mcause & ~MCAUSE_INTERRUPT;
	if (cause == IRQ_M_TIMER) {
		ticks++;
		*(volatile uint64_t *)CLINT_MTIMECMP = mtime() + TICK;
		return;
	}
	if (cause != IRQ_M_EXT) {
		other_irqs++;
		return;
	}
	uint32_t irq = *reg32(PLIC_MCLAIM);
	if (irq == UART0_IRQ)
		uart_irqs++, uartintr();
	else if (irq == VIRTIO0_IRQ + (uint32_t)disk_slot)
		disk_irqs++, virtio_disk_intr();
	else if (irq == 0)
		no_claims++;
	else
		other_irqs++;
	if (irq != 0)
		*reg32(PLIC_MCLAIM) = irq;
}

static void dump_identity(void)
{
	char key[] = "virtio N";
	for (int n = 0; n < VIRTIO_SLOTS; n++) {
		key[7] = (char)('0' + n);
		puts_sync(key);
		puts_sync(": magic=");
		puthex(vread(n, VIRTIO_MMIO_MAGIC_VALUE), 8);
		puts_sync(" version=");
		puthex(vread(n, VIRTIO_MMIO_VERSION), 1);
		puts_sync(" device=");
		puthex(vread(n, VIRTIO_MMIO_DEVICE_ID), 1);
		puts_sync(" vendor=");
		puthex(vread(n, VIRTIO_MMIO_VENDOR_ID), 8);
		putc_sync('\n');

		key[7] = (char)('0' + n);
		puts_sync(key);
		puts_sync(" features: ");
		vwrite(n, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		puthex(vread(n, VIRTIO_MMIO_DEVICE_FEATURES), 8);
		putc_sync(':');
		vwrite(n, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
		puthex(vread(n, VIRTIO_MMIO_DEVICE_FEATURES), 8);
		putc_sync('\n');

		puts_sync(key);
		puts_sync(" queue0: max=");
		vwrite(n, VIRTIO_MMIO_QUEUE_SEL, 0);
		puthex(vread(n, VIRTIO_MMIO_QUEUE_NUM_MAX), 4);
		puts_sync(" ready=");
		puthex(vread(n, VIRTIO_MMIO_QUEUE_READY), 1);
		puts_sync(" status=");
		puthex(vread(n, VIRTIO_MMIO_STATUS), 2);
		puts_sync(" generation=");
		puthex(vread(n, VIRTIO_MMIO_CONFIG_GENERATION), 8);
		puts_sync(" shmlen=");
		puthex(vread(n, VIRTIO_MMIO_SHM_LEN_LOW), 8);
		putc_sync('\n');
	}

	/* The UART as reset left it; the divisor latch behind LCR.DLAB. */
	line_hex("uart ier", *uart(IER), 2);
	line_hex("uart iir", *uart(IIR), 2);
	line_hex("uart lcr", *uart(LCR), 2);
	line_hex("uart mcr", *uart(MCR), 2);
	line_hex("uart lsr", *uart(LSR), 2);
	line_hex("uart msr", *uart(MSR), 2);
	line_hex("uart scr", *uart(SCR), 2);
	*uart(LCR) = LCR_BAUD_LATCH;
	uint8_t dll = *uart(0), dlm = *uart(1);
	*uart(LCR) = 0;
	line_hex("uart dll", dll, 2);
	line_hex("uart dlm", dlm, 2);
	*uart(SCR) = 0xa5;
	line_hex("uart scr written", *uart(SCR), 2);
	*uart(FCR) = 0x01;
	line_hex("uart iir fifo", *uart(IIR), 2);
	*uart(FCR) = 0x00;

	line_hex("rtc irq_enabled", *reg32(RTC + RTC_IRQ_ENABLED), 8);
	line_hex("rtc alarm_status", *reg32(RTC + RTC_ALARM_STATUS), 8);
	line_hex("rtc alarm_low", *reg32(RTC + RTC_ALARM_LOW), 8);
	line_hex("rtc alarm_high", *reg32(RTC + RTC_ALARM_HIGH), 8);
	uint64_t lo = *reg32(RTC + RTC_TIME_LOW);
	uint64_t now = (uint64_t)*reg32(RTC + RTC_TIME_HIGH) << 32 | lo;
	/* 2020-01-01 in ns: a clock that reads a date, not zero. */
	line_hex("rtc time after 2020", now > 1577836800ULL * 1000000000ULL, 1);

	*reg32(PLIC_PRIORITY(1)) = 0xffffffff;
	line_hex("plic priority warl", *reg32(PLIC_PRIORITY(1)), 8);
	*reg32(PLIC_PRIORITY(1)) = 0;
	*reg32(PLIC_MTHRESHOLD) = 0xffffffff;
	line_hex("plic threshold warl", *reg32(PLIC_MTHRESHOLD), 8);
	*reg32(PLIC_MTHRESHOLD) = 0;
	line_hex("plic pending", *reg32(PLIC_PENDING), 8);
	line_hex("plic claim idle", *reg32(PLIC_MCLAIM), 8);
}

static void virtio_disk_init(void)
{
	for (int n = 0; n < VIRTIO_SLOTS; n++) {
		if (vread(n, VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976 && vread(n, VIRTIO_MMIO_VERSION) == 2 &&
		    vread(n, VIRTIO_MMIO_DEVICE_ID) == 2 && vread(n, VIRTIO_MMIO_VENDOR_ID) == 0x554d4551) {
			disk_slot = n;
			break;
		}
	}
	if (disk_slot < 0)
		panic("could not find virtio disk");
	line_hex("disk slot", (uint64_t)disk_slot, 1);

	uint32_t status = 0;
	vwrite(disk_slot, VIRTIO_MMIO_STATUS, status);
	status |= VIRTIO_CONFIG_S_ACKNOWLEDGE;
	vwrite(disk_slot, VIRTIO_MMIO_STATUS, status);
	status |= VIRTIO_CONFIG_S_DRIVER;
	vwrite(disk_slot, VIRTIO_MMIO_STATUS, status);

	/* The low 32 bits only, as xv6: VIRTIO_F_VERSION_1 (bit 32) is never accepted. */
	uint32_t features = vread(disk_slot, VIRTIO_MMIO_DEVICE_FEATURES);
	features &= ~(1u << VIRTIO_BLK_F_RO);
	features &= ~(1u << VIRTIO_BLK_F_SCSI);
	features &= ~(1u << VIRTIO_BLK_F_CONFIG_WCE);
	features &= ~(1u << VIRTIO_BLK_F_MQ);
	features &= ~(1u << VIRTIO_F_ANY_LAYOUT);
	features &= ~(1u << VIRTIO_RING_F_EVENT_IDX);
	features &= ~(1u << VIRTIO_RING_F_INDIRECT_DESC);
	vwrite(disk_slot, VIRTIO_MMIO_DRIVER_FEATURES, features);

	status |= VIRTIO_CONFIG_S_FEATURES_OK;
	vwrite(disk_slot, VIRTIO_MMIO_STATUS, status);
	status = vread(disk_slot, VIRTIO_MMIO_STATUS);
	if (!(status & VIRTIO_CONFIG_S_FEATURES_OK))
		panic("virtio disk FEATURES_OK unset");
	puts_sync("disk features: accepted without VERSION_1\n");

	vwrite(disk_slot, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (vread(disk_slot, VIRTIO_MMIO_QUEUE_READY))
		panic("virtio disk should not be ready");
	if (vread(disk_slot, VIRTIO_MMIO_QUEUE_NUM_MAX) < NUM)
		panic("virtio disk max queue too short");
	vwrite(disk_slot, VIRTIO_MMIO_QUEUE_NUM, NUM);
	vwrite(disk_slot, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(uintptr_t)desc);
	vwrite(disk_slot, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((uintptr_t)desc >> 32));
	vwrite(disk_slot, VIRTIO_MMIO_DRIVER_DESC_LOW, (uint32_t)(uintptr_t)&avail);
	vwrite(disk_slot, VIRTIO_MMIO_DRIVER_DESC_HIGH, (uint32_t)((uintptr_t)&avail >> 32));
	vwrite(disk_slot, VIRTIO_MMIO_DEVICE_DESC_LOW, (uint32_t)(uintptr_t)&used);
	vwrite(disk_slot, VIRTIO_MMIO_DEVICE_DESC_HIGH, (uint32_t)((uintptr_t)&used >> 32));
	vwrite(disk_slot, VIRTIO_MMIO_QUEUE_READY, 1);

	status |= VIRTIO_CONFIG_S_DRIVER_OK;
	vwrite(disk_slot, VIRTIO_MMIO_STATUS, status);
}

/*
 * Called with interrupts masked, after the caller checked its condition: WFI, then
 * take what woke the hart. Checking with interrupts enabled would let one arrive
 * between the check and WFI and the hart sleep on.
 */
static void wait_for_interrupt(void)
{
	__asm__ volatile("wfi");
	csr_set(mstatus, MSTATUS_MIE);
	csr_clear(mstatus, MSTATUS_MIE);
}

static void virtio_disk_read0(void)
{
	req.type = VIRTIO_BLK_T_IN;
	req.reserved = 0;
	req.sector = 0;
	blk_status = 0xff;
	desc[0] = (struct virtq_desc){ (uintptr_t)&req, sizeof req, VRING_DESC_F_NEXT, 1 };
	desc[1] = (struct virtq_desc){ (uintptr_t)sector, sizeof sector, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2 };
	desc[2] = (struct virtq_desc){ (uintptr_t)&blk_status, 1, VRING_DESC_F_WRITE, 0 };
	avail.ring[avail.idx % NUM] = 0;
	__sync_synchronize();
	avail.idx += 1;
	__sync_synchronize();
	vwrite(disk_slot, VIRTIO_MMIO_QUEUE_NOTIFY, 0);

	/* A lost completion leaves the hart waiting: cellvisor then stops as stuck. */
	csr_clear(mstatus, MSTATUS_MIE);
	while (!blk_done)
		wait_for_interrupt();
	csr_set(mstatus, MSTATUS_MIE);
	line_hex("disk status", blk_status, 2);
	puts_sync("disk sector 0: ");
	for (int i = 0; i < 32 && sector[i] >= ' ' && sector[i] < 0x7f; i++)
		putc_sync((char)sector[i]);
	putc_sync('\n');
	uint32_t sum = 0;
	for (unsigned i = 0; i < sizeof sector; i++)
		sum = sum * 31 + sector[i];
	line_hex("disk sector 0 hash", sum, 8);
}

static void plic_enable(uint32_t id)
{
	*reg32(PLIC_PRIORITY(id)) = 1;
	*reg32(PLIC_MENABLE(id / 32)) |= 1u << (id % 32);
}

void hobby_main(void)
{
	extern char __bss_start[], __bss_end[];
	memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));

	puts_sync("hobby: start\n");
	dump_identity();

	/* Interrupts as a kernel sets them up: PLIC threshold 0, MEIE and MTIE, MIE. */
	*reg32(PLIC_MTHRESHOLD) = 0;
	virtio_disk_init();
	plic_enable(VIRTIO0_IRQ + (uint32_t)disk_slot);
	plic_enable(UART0_IRQ);
	csr_set(mie, MIP_MEIP);
	csr_set(mstatus, MSTATUS_MIE);
	virtio_disk_read0();

	/* xv6's uartinit: FIFOs on, then both interrupts, THR-empty included. */
	*uart(FCR) = 0x07;
	*uart(IER) = IER_RX_ENABLE | IER_TX_ENABLE;
	*(volatile uint64_t *)CLINT_MTIMECMP = mtime() + TICK;
	csr_set(mie, MIP_MTIP);
	uint64_t printed = 0;
	csr_clear(mstatus, MSTATUS_MIE);
	while (ticks < TICKS) {
		if (printed < ticks) {
			printed = ticks;
			puts_buffered(printed % 2 ? "tick\n" : "tock\n");
		}
		wait_for_interrupt();
	}
	csr_clear(mstatus, MSTATUS_MIE);
	*uart(IER) = 0;

	puts_sync("irq uart: ");
	putdec(uart_irqs);
	puts_sync("\nirq disk: ");
	putdec(disk_irqs);
	puts_sync("\nirq other: ");
	putdec(other_irqs);
	puts_sync("\nirq empty claims: ");
	putdec(no_claims);
	puts_sync("\nhobby: done\n");
	finish(1);
}
