/* A user-level NS16550A driver: it owns the UART's registers (mapped at uart_base) and
 * its interrupt (PLIC source 10, channel IRQ). Received bytes go into the rx ring for
 * the client; bytes the client puts into the tx ring go out on the UART. */
#include <stdio.h>
#include <cellvisor.h>
#include "ring.h"

#define CLIENT 0 /* channel to the client */
#define IRQ 1    /* the UART's interrupt */

#define RBR 0
#define THR 0
#define IER 1
#define LSR 5
#define IER_RDA 0x01
#define LSR_DR 0x01
#define LSR_THRE 0x20

uint64_t uart_base; /* setvar: where the UART's page is mapped */
uint64_t rx_base;
uint64_t tx_base;

static volatile uint8_t *reg(unsigned r)
{
	return (volatile uint8_t *)(uintptr_t)(uart_base + r);
}

void init(void)
{
	*reg(IER) = IER_RDA;
	printf("driving the NS16550A at 0x%lx\n", (unsigned long)uart_base);
}

void notified(cv_channel ch)
{
	struct ring *rx = (struct ring *)(uintptr_t)rx_base;
	struct ring *tx = (struct ring *)(uintptr_t)tx_base;
	if (ch == IRQ) {
		bool any = false;
		while (*reg(LSR) & LSR_DR) {
			ring_put(rx, *reg(RBR));
			any = true;
		}
		cv_irq_ack(IRQ);
		if (any)
			cv_notify(CLIENT);
	} else if (ch == CLIENT) {
		uint8_t c;
		while (ring_get(tx, &c)) {
			while (!(*reg(LSR) & LSR_THRE))
				;
			*reg(THR) = c;
		}
	}
}
