/* One protected call, timed in virtual time and in what its own scheduling context was
 * charged (SchedContext Consumed, ticks of 100 ns), then power off. */
#include <stdio.h>
#include <cellvisor.h>

static uint64_t consumed(void)
{
	cv_call(CV_CAP_SCHED_CONTEXT, cv_msginfo_new(CV_INV_SC_CONSUMED, 0));
	return cv_mr_get(0);
}

void init(void)
{
	consumed();
	uint64_t start = cv_time_ns();
	cv_ppcall(0, cv_msginfo_new(1, 0));
	uint64_t elapsed = cv_time_ns() - start;
	uint64_t used = consumed();
	printf("error=%lu elapsed_ns=%lu consumed_ns=%lu\n", (unsigned long)cv_last_error(), (unsigned long)elapsed,
	       (unsigned long)(used * 100));
	cv_poweroff(0);
}
