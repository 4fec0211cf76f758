/* The fast path tests' server: answers mr0 with mr0 + 1, and faults (a store to
 * 0x5000000) when mr0 is CRASH_AT, in the middle of the call. */
#include <cellvisor.h>

#ifndef CRASH_AT
#define CRASH_AT -1
#endif

void init(void)
{
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	(void)ch;
	(void)msginfo;
	uint64_t v = cv_mr_get(0);
	if ((long)v == CRASH_AT)
		*(volatile uint64_t *)0x5000000 = 1;
	cv_mr_set(0, v + 1);
	return cv_msginfo_new(0, 1);
}
