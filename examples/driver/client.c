/* The driver's client: it echoes every byte it receives back through the driver, and
 * reports each whole line. The line "poweroff" ends the run. */
#include <stdio.h>
#include <string.h>
#include <cellvisor.h>
#include "ring.h"

#define DRIVER 0 /* channel to the driver */

uint64_t rx_base;
uint64_t tx_base;

static char line[128];
static unsigned len;

void init(void)
{
	printf("type a line; 'poweroff' ends the run\n");
}

void notified(cv_channel ch)
{
	if (ch != DRIVER)
		return;
	struct ring *rx = (struct ring *)(uintptr_t)rx_base;
	struct ring *tx = (struct ring *)(uintptr_t)tx_base;
	uint8_t c;
	bool echoed = false;
	while (ring_get(rx, &c)) {
		if (c == '\r')
			c = '\n';
		ring_put(tx, c);
		echoed = true;
		if (c == '\n') {
			line[len] = 0;
			printf("got a line of %u bytes: %s\n", len, line);
			if (strcmp(line, "poweroff") == 0) {
				cv_notify(DRIVER);
				cv_poweroff(0);
			}
			len = 0;
		} else if (len < sizeof(line) - 1) {
			line[len++] = (char)c;
		}
	}
	if (echoed)
		cv_notify(DRIVER);
}
