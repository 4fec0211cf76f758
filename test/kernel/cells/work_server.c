/* A server whose protected call works for WORK_US microseconds of its own running
 * (measured in instructions at 100 per microsecond), then answers. */
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
	uint64_t start = cv_time_ns();
	for (uint64_t i = 0; i < WORK_US * 30; i++)
		asm volatile("");
	printf("server: call done after %lu us\n", (unsigned long)((cv_time_ns() - start) / 1000));
	return cv_msginfo_new(0, 0);
}
