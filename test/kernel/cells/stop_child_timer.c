/* Fault handler of child 0: STOP_AT_NS after boot it stops the child (with RESTART: it
 * restarts it) wherever it is, then powers off POWEROFF_AT_NS after boot. */
#include <stdio.h>
#include <cellvisor.h>

static bool stopped;

void init(void)
{
	cv_timer_set(STOP_AT_NS);
}

void notified(cv_channel ch)
{
	if (ch != CV_TIMER)
		return;
	if (!stopped) {
		stopped = true;
#ifdef RESTART
		cv_child_restart(0);
		printf("restarted the child at %lu us: %lu\n", (unsigned long)(cv_time_ns() / 1000), (unsigned long)cv_last_error());
#else
		cv_child_stop(0);
		printf("stopped the child at %lu us: %lu\n", (unsigned long)(cv_time_ns() / 1000), (unsigned long)cv_last_error());
#endif
		cv_timer_set(POWEROFF_AT_NS);
		return;
	}
	printf("power off at %lu us\n", (unsigned long)(cv_time_ns() / 1000));
	cv_poweroff(0);
}
