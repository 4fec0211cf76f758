/* Benchmark: two cells of one priority hand the processor back and forth with Yield;
 * every yield is a context switch between address spaces. */
#include <cellvisor.h>

#ifndef YIELDS
#define YIELDS 100000
#endif

void init(void)
{
	for (int i = 0; i < YIELDS; i++)
		cv_yield();
	cv_poweroff(0);
}
