/* A server that answers label n with n + 1, and faults (a store to 0x5000000) on label
 * CRASH_LABEL, in the middle of the call. */
#include <stdio.h>
#include <cellvisor.h>

#ifndef CRASH_LABEL
#define CRASH_LABEL 0
#endif

void init(void)
{
	printf("server ready\n");
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	(void)ch;
	uint64_t label = cv_msginfo_get_label(msginfo);
	printf("server: label %lu\n", (unsigned long)label);
	cv_flush();
	if (label == CRASH_LABEL)
		*(volatile uint64_t *)0x5000000 = 1;
	return cv_msginfo_new(label + 1, 0);
}
