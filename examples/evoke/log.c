/* The service cell of the evoke example: prints the real-time cell's reports. Passive:
 * it runs only on the time of whoever calls it. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	(void)ch;
	(void)msginfo;
	printf("%lu s: rt's worst response %lu us over %lu periods; %lu messages from Linux answered\n",
	       (unsigned long)cv_mr_get(0), (unsigned long)(cv_mr_get(1) / 1000), (unsigned long)cv_mr_get(0) * 100,
	       (unsigned long)cv_mr_get(2));
	return cv_msginfo_new(0, 0);
}
