/* Talks to a server on channel 0. SEND_FIRST: a plain Send (not a Call) through the
 * protected-call capability first. Then a protected call; prints what came back. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
#ifdef SEND_FIRST
	cv_nbsend(CV_CAP_BASE_PPCALL + 0, cv_msginfo_new(1, 0));
	printf("send: %lu\n", (unsigned long)cv_last_error());
#endif
	cv_msginfo answer = cv_ppcall(0, cv_msginfo_new(2, 0));
	printf("call: error=%lu label=%lu\n", (unsigned long)cv_last_error(), (unsigned long)cv_msginfo_get_label(answer));
	cv_poweroff(0);
}
