/* Signals the receiver. COALESCE: five times on channel 0 and three on channel 1 before
 * the receiver runs. Otherwise: one signal to a receiver blocked in Recv, then a
 * protected call to it, then power off. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
#ifdef COALESCE
	for (int i = 0; i < 5; i++)
		cv_notify(0);
	for (int i = 0; i < 3; i++)
		cv_notify(1);
	printf("sent 8\n");
#else
	printf("notify\n");
	cv_notify(0);
	printf("after notify\n");
	cv_msginfo answer = cv_ppcall(0, cv_msginfo_new(5, 0));
	printf("reply label=%lu error=%lu\n", (unsigned long)cv_msginfo_get_label(answer), (unsigned long)cv_last_error());
	cv_poweroff(0);
#endif
}
