/* Signals a blocked higher-priority cell (channel 0), which must run at once, then a
 * lower-priority one (channel 1), which must wait until this cell blocks. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	printf("notify high\n");
	cv_notify(0);
	printf("after high\n");
	cv_notify(1);
	printf("after low\n");
}
