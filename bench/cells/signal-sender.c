/* Benchmark: N signals to a higher-priority waiter, each of which wakes it at once. */
#include <cellvisor.h>

#ifndef SIGNALS
#define SIGNALS 100000
#endif

#define WAITER 0

void init(void)
{
	for (int i = 0; i < SIGNALS; i++)
		cv_notify(WAITER);
	cv_poweroff(0);
}
