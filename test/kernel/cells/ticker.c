/* A periodic cell that keeps printing: released every 10 ms by its timer, it prints
 * "tick N at T ms" every 10th period, for ever (tests of what runs beside a VM). */
#include <stdio.h>
#include <cellvisor.h>

#define PERIOD_NS 10000000ULL

static uint64_t next_release;
static unsigned periods;

void init(void)
{
	next_release = cv_time_ns() + PERIOD_NS;
	cv_timer_set(next_release);
}

void notified(cv_channel ch)
{
	if (ch != CV_TIMER)
		return;
	if (++periods % 10 == 0)
		printf("tick %u at %lu ms\n", periods / 10, (unsigned long)(cv_time_ns() / 1000000));
	next_release += PERIOD_NS;
	cv_timer_set(next_release);
}
