/* Benchmark client: N protected calls to the server (one message register each way),
 * then N signals to the waiter cell, then power off. Host time per operation is
 * measured by bench/run.ts around the whole run. */
#include <cellvisor.h>

#ifndef CALLS
#define CALLS 100000
#endif

#define SERVER 0
#define WAITER 1

void init(void)
{
	uint64_t sum = 0;
	for (uint64_t i = 0; i < CALLS; i++) {
		cv_mr_set(0, i);
		cv_ppcall(SERVER, cv_msginfo_new(0, 1));
		sum += cv_mr_get(0);
	}
	if (sum != (uint64_t)CALLS * (CALLS + 1) / 2)
		cv_poweroff(1);
	cv_poweroff(0);
}
