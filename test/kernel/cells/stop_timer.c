/* Powers the system off STOP_NS of virtual time after boot. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	cv_timer_set(STOP_NS);
}

void notified(cv_channel ch)
{
	if (ch == CV_TIMER) {
		printf("stop at %lu ns\n", (unsigned long)cv_time_ns());
		cv_poweroff(0);
	}
}
