/* A user-level NS16550A driver: the UART's registers are mapped at uart_base (setvar),
 * its interrupt arrives on channel IRQ. Each interrupt: read what the receiver holds,
 * print it, acknowledge. With DEFER_ACK the first interrupt is acknowledged only when
 * a timer fires 1 ms later, so the next one cannot come before. Powers off after LINES. */
#include <stdio.h>
#include <cellvisor.h>

#define IRQ 3
#define LINES 2
#define RBR 0
#define IER 1
#define LSR 5
#define IER_ERBFI 0x01
#define LSR_DR 0x01

uint64_t uart_base;
static unsigned irqs, lines;
static char line[128];
static unsigned len;

static volatile uint8_t *reg(unsigned offset)
{
	return (volatile uint8_t *)(uintptr_t)(uart_base + offset);
}

void init(void)
{
	*reg(IER) = IER_ERBFI;
	printf("driver ready, IER=0x%x\n", *reg(IER));
}

static void ack(void)
{
	cv_irq_ack(IRQ);
	printf("ack: %lu\n", (unsigned long)cv_last_error());
}

void notified(cv_channel ch)
{
	if (ch == CV_TIMER) {
		printf("timer\n");
		ack();
		return;
	}
	if (ch != IRQ) {
		printf("FAIL: notified on %u\n", ch);
		return;
	}
	irqs++;
	unsigned bytes = 0;
	while (*reg(LSR) & LSR_DR) {
		char c = (char)*reg(RBR);
		bytes++;
		if (c == '\n') {
			line[len] = 0;
			printf("irq %u: line '%s'\n", irqs, line);
			len = 0;
			lines++;
		} else if (len < sizeof(line) - 1) {
			line[len++] = c;
		}
	}
	printf("irq %u: %u bytes\n", irqs, bytes);
	if (lines == LINES) {
		cv_irq_ack(IRQ);
		cv_poweroff(0);
	}
#ifdef DEFER_ACK
	if (irqs == 1) {
		cv_timer_set(cv_time_ns() + 1000000);
		return;
	}
#endif
	ack();
}
