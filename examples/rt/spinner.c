/* A low-priority cell that never blocks: it would take the whole processor, but the
 * periodic cell's priority and budget take precedence. */
#include <stdio.h>
#include <cellvisor.h>

volatile uint64_t spins;

void init(void)
{
	printf("spinner: spinning forever\n");
	for (;;)
		spins++;
}
