/* The server of the hello example: adds two numbers for whoever calls it, and
 * notifies the caller's channel when it has. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	printf("ready\n");
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	uint64_t a = cv_mr_get(0), b = cv_mr_get(1);
	printf("call %lu on channel %u: %lu + %lu\n", (unsigned long)cv_msginfo_get_label(msginfo), ch,
	       (unsigned long)a, (unsigned long)b);
	cv_mr_set(0, a + b);
	cv_notify(ch);
	return cv_msginfo_new(0, 1);
}
