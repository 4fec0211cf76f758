/* The cell end of cvping (guests/linux/progs/cvping.c): on each notification from the
 * VM, adds up the request's payload, writes seq and the sum back and notifies. */
#include <stdio.h>
#include <cellvisor.h>
#include "../../../sdk/linux/cellvisor_ping.h"

uint64_t ring_base;
static unsigned long answered;

void init(void)
{
	printf("ready\n");
}

void notified(cv_channel ch)
{
	volatile struct ping_msg *m = (volatile struct ping_msg *)ring_base;
	uint64_t sum = 0;
	for (unsigned i = 0; i < PING_PAYLOAD; i++)
		sum += m->payload[i];
	m->reply_sum = sum;
	__sync_synchronize();
	m->reply_seq = m->seq;
	if (++answered % 1000 == 0)
		printf("%lu answered\n", answered);
	cv_notify(ch);
}
