#include <stdio.h>

#include "htif.h"

/*
 * Each word on its own input section so the linker script can place tohost first and
 * fromhost right after it, on a page of their own: an emulator that routes these
 * addresses to a device then slows no other data.
 */
volatile uint64_t tohost __attribute__((section(".htif.tohost"), used));
volatile uint64_t fromhost __attribute__((section(".htif.fromhost"), used));

#define HTIF_CMD(dev, cmd, payload) \
	(((uint64_t)(dev) << 56) | ((uint64_t)(cmd) << 48) | ((uint64_t)(payload) & 0xffffffffffffULL))

/*
 * The host clears tohost once it has taken a command. A host that answers (Spike does,
 * for the console) puts the answer in fromhost and sends nothing more until the guest
 * clears it; QEMU and cellvisor take the command at once, so the loop never spins there.
 */
static void htif_send(uint64_t cmd)
{
	while (tohost != 0) {
		if (fromhost != 0)
			fromhost = 0;
	}
	tohost = cmd;
}

void htif_putchar(char c)
{
	htif_send(HTIF_CMD(HTIF_DEV_CONSOLE, HTIF_CONSOLE_PUTCHAR, (uint8_t)c));
}

void htif_puts(const char *s)
{
	while (*s)
		htif_putchar(*s++);
}

void htif_puthex(uint64_t v)
{
	htif_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		htif_putchar("0123456789abcdef"[(v >> shift) & 0xf]);
}

void htif_exit(int code)
{
	for (;;)
		htif_send(HTIF_CMD(HTIF_DEV_SYSCALL, 0, ((uint64_t)(unsigned)code << 1) | 1));
}

/* picolibc tinystdio: stdin, stdout and stderr are one unbuffered stream on the console. */
static int htif_stdio_put(char c, FILE *f)
{
	(void)f;
	htif_putchar(c);
	return (unsigned char)c;
}

static FILE htif_stdio = FDEV_SETUP_STREAM(htif_stdio_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &htif_stdio;
FILE *const stdout = &htif_stdio;
FILE *const stderr = &htif_stdio;

/* picolibc's exit() runs the atexit handlers, then this. */
void _exit(int code)
{
	htif_exit(code);
}
