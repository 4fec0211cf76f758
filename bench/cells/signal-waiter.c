/* Benchmark: counts the notifications it is woken for. */
#include <cellvisor.h>

volatile uint64_t wakeups;

void init(void)
{
}

void notified(cv_channel ch)
{
	(void)ch;
	wakeups++;
}
