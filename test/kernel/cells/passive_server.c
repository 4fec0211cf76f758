/* A passive server: each protected call does WORK_LOOPS iterations of work (about three
 * instructions each), all of it on the caller's scheduling context. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	printf("server ready\n");
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	(void)ch;
	(void)msginfo;
	for (uint64_t i = 0; i < WORK_LOOPS; i++)
		asm volatile("");
	return cv_msginfo_new(0, 0);
}
