/* Runs after a higher-priority cell: shows the system goes on, then powers off. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	printf("still running\n");
	cv_poweroff(0);
}
