/* Runs without ever blocking. */
#include <cellvisor.h>

volatile uint64_t spins;

void init(void)
{
	for (;;)
		spins++;
}
