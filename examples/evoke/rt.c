/* The real-time cell of the evoke example: released every 10 ms by its timer, it
 * measures its response time; between releases it answers Linux's messages on the
 * shared ring (channel 0: cvping's layout, sdk/linux/cellvisor_ping.h). Every 10 s it
 * reports to the log cell by a protected call (channel 1). */
#include <cellvisor.h>
#include "../../sdk/linux/cellvisor_ping.h"

#define PERIOD_NS 10000000ULL
#define REPORT_PERIODS 1000
#define LINUX 0
#define LOG 1

uint64_t ring_base;
static uint64_t next_release, worst;
static unsigned long periods, answered;

void init(void)
{
	next_release = cv_time_ns() + PERIOD_NS;
	cv_timer_set(next_release);
}

static void release(void)
{
	uint64_t response = cv_time_ns() - next_release;
	if (response > worst)
		worst = response;
	if (++periods % REPORT_PERIODS == 0) {
		cv_mr_set(0, periods / 100);
		cv_mr_set(1, worst);
		cv_mr_set(2, answered);
		cv_ppcall(LOG, cv_msginfo_new(0, 3));
	}
	next_release += PERIOD_NS;
	cv_timer_set(next_release);
}

static void answer(void)
{
	volatile struct ping_msg *m = (volatile struct ping_msg *)ring_base;
	uint64_t sum = 0;
	for (unsigned i = 0; i < PING_PAYLOAD; i++)
		sum += m->payload[i];
	m->reply_sum = sum;
	__sync_synchronize();
	m->reply_seq = m->seq;
	answered++;
	cv_notify(LINUX);
}

void notified(cv_channel ch)
{
	if (ch == CV_TIMER)
		release();
	else if (ch == LINUX)
		answer();
}
