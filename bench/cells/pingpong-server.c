/* Benchmark server: answers each call with its argument plus one. */
#include <cellvisor.h>

void init(void)
{
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	(void)ch;
	(void)msginfo;
	cv_mr_set(0, cv_mr_get(0) + 1);
	return cv_msginfo_new(0, 1);
}
