/*
 * HTIF, the host-target interface of Spike, also implemented by QEMU's `spike` machine
 * and by cellvisor's `elf` runner. The host finds the two words by their ELF symbol
 * names `tohost` and `fromhost`; a command is (device << 56) | (command << 48) | payload.
 */
#ifndef GUESTS_LIB_HTIF_H
#define GUESTS_LIB_HTIF_H

#include <stdint.h>

#define HTIF_DEV_SYSCALL 0 /* command 0: payload odd = exit (code << 1 | 1) */
#define HTIF_DEV_CONSOLE 1 /* command 1: putchar (payload = the byte) */
#define HTIF_CONSOLE_PUTCHAR 1

extern volatile uint64_t tohost;
extern volatile uint64_t fromhost;

void htif_putchar(char c);
void htif_puts(const char *s);
void htif_puthex(uint64_t v);
__attribute__((noreturn)) void htif_exit(int code);

#endif
