/* Its own Recv loop on its input endpoint, printing what woke each Recv: its bound
 * notification (the word) or a message (badge, label); a call gets label + 1 back.
 * With POWEROFF_AFTER=n it powers off after n wake-ups. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	printf("ready\n");
	cv_flush();
	unsigned events = 0;
	struct cv_result r = cv_syscall(CV_SYS_RECV, CV_CAP_INPUT_ENDPOINT, (cv_msginfo){ 0 }, CV_CAP_REPLY);
	for (;;) {
		events++;
		printf("error=%lu wake=%lu badge=0x%lx label=%lu poll=0x%lx\n", (unsigned long)r.error,
		       (unsigned long)r.wake, (unsigned long)r.badge, (unsigned long)cv_msginfo_get_label(r.info),
		       (unsigned long)cv_poll(CV_CAP_NOTIFICATION));
#ifdef POWEROFF_AFTER
		if (events == POWEROFF_AFTER)
			cv_poweroff(0);
#endif
		cv_flush();
		if (r.wake == CV_WAKE_MESSAGE)
			r = cv_syscall(CV_SYS_REPLY_RECV, CV_CAP_INPUT_ENDPOINT,
				       cv_msginfo_new(cv_msginfo_get_label(r.info) + 1, 0), CV_CAP_REPLY);
		else
			r = cv_syscall(CV_SYS_RECV, CV_CAP_INPUT_ENDPOINT, (cv_msginfo){ 0 }, CV_CAP_REPLY);
	}
}
