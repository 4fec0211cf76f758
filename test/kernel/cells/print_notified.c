/* Prints each notification; with POWEROFF powers off after the first. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
}

void notified(cv_channel ch)
{
	printf("notified %u\n", ch);
#ifdef POWEROFF
	cv_poweroff(0);
#endif
}
