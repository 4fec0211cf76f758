/*
 * A bare-metal KVM guest: a few hundred bytes of S-mode code that kvmhost (progs/kvmhost.c)
 * runs in VS-mode. It prints through the SBI legacy console (each character a
 * KVM_EXIT_RISCV_SBI to kvmhost), takes TICKS timer interrupts programmed through SBI
 * TIME set_timer (which KVM answers in the kernel), then writes a value to the device
 * kvmhost emulates at MMIO_BASE (KVM_EXIT_MMIO) and reads back what the device makes
 * of it, and ends with SBI SRST shutdown.
 *
 * Linked at 0x80000000 (bare.ld), started with a0 = hart id, a1 = device tree.
 */
#include <stdint.h>

#define MMIO_BASE 0x10000000UL /* kvmhost's device: see progs/kvmhost.c */
#define TICKS 10
#define PERIOD 100000 /* timebase ticks between interrupts (10 ms at 10 MHz) */

#define SIE_STIE (1UL << 5)
#define SSTATUS_SIE (1UL << 1)
#define SCAUSE_S_TIMER ((1UL << 63) | 5)

struct sbiret { long error, value; };

static struct sbiret sbi_call(long ext, long fid, long a0, long a1) {
  register long r0 asm("a0") = a0, r1 asm("a1") = a1;
  register long r6 asm("a6") = fid, r7 asm("a7") = ext;
  asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){ r0, r1 };
}

static void putc_sbi(char c) { sbi_call(0x01, 0, c, 0); } /* legacy console_putchar */

static void puts_sbi(const char *s) {
  while (*s) putc_sbi(*s++);
}

static void puthex(uint64_t v) {
  puts_sbi("0x");
  for (int i = 60; i >= 0; i -= 4) putc_sbi("0123456789abcdef"[(v >> i) & 15]);
}

static void putdec(uint64_t v) {
  char buf[21];
  int n = 0;
  do buf[n++] = '0' + v % 10; while (v /= 10);
  while (n) putc_sbi(buf[--n]);
}

static uint64_t rdtime(void) {
  uint64_t t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

static void set_timer(uint64_t when) { sbi_call(0x54494d45, 0, (long)when, 0); } /* TIME */

static volatile unsigned ticks;
static uint64_t last;

/* stvec holds the base with its low two bits as MODE: the handler must be 4-byte aligned. */
__attribute__((interrupt("supervisor"), aligned(4))) static void trap(void) {
  uint64_t cause;
  asm volatile("csrr %0, scause" : "=r"(cause));
  if (cause != SCAUSE_S_TIMER) {
    uint64_t epc, tval;
    asm volatile("csrr %0, sepc; csrr %1, stval" : "=r"(epc), "=r"(tval));
    puts_sbi("bare: unexpected trap, scause ");
    puthex(cause);
    puts_sbi(" sepc ");
    puthex(epc);
    puts_sbi(" stval ");
    puthex(tval);
    puts_sbi("\n");
    sbi_call(0x53525354, 0, 0, 1); /* SRST shutdown, reason: system failure */
    for (;;) asm volatile("wfi");
  }
  uint64_t now = rdtime();
  ticks++;
  puts_sbi("bare: tick ");
  putdec(ticks);
  puts_sbi(now >= last + PERIOD ? " on time\n" : " EARLY\n");
  last = now;
  if (ticks < TICKS) set_timer(now + PERIOD);
  else asm volatile("csrc sie, %0" :: "r"(SIE_STIE));
}

void bare_main(unsigned long hartid, unsigned long dtb) {
  puts_sbi("bare: hello from VS-mode, hart ");
  putdec(hartid);
  puts_sbi(", dtb ");
  puthex(dtb);
  puts_sbi("\n");

  asm volatile("csrw stvec, %0" :: "r"(trap));
  asm volatile("csrs sie, %0" :: "r"(SIE_STIE));
  asm volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
  last = rdtime();
  set_timer(last + PERIOD);
  while (ticks < TICKS) asm volatile("wfi");
  puts_sbi("bare: ");
  putdec(ticks);
  puts_sbi(" timer interrupts\n");

  volatile uint64_t *dev = (volatile uint64_t *)MMIO_BASE;
  uint64_t value = 0x0123456789abcdefULL;
  dev[0] = value;
  uint64_t back = dev[0];
  volatile uint32_t *dev32 = (volatile uint32_t *)MMIO_BASE;
  uint32_t count = dev32[2];
  puts_sbi("bare: mmio wrote ");
  puthex(value);
  puts_sbi(", read ");
  puthex(back);
  puts_sbi(", accesses ");
  putdec(count);
  puts_sbi("\n");

  puts_sbi("bare: shutting down\n");
  sbi_call(0x53525354, 0, 0, 0); /* SRST: shutdown, no reason */
  for (;;) asm volatile("wfi");
}
