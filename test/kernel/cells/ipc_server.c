/* A server with its own Recv/ReplyRecv loop (not the SDK's), so that it sees the raw
 * badge of each call. It checks the message its client built (mr[i] = mr0 * (i + 1) + i)
 * and answers with every register inverted, label + 100, all 64 registers. */
#include <stdio.h>
#include <cellvisor.h>

void init(void)
{
	printf("ready\n");
	cv_flush();
	struct cv_result r = cv_syscall(CV_SYS_RECV, CV_CAP_INPUT_ENDPOINT, (cv_msginfo){ 0 }, CV_CAP_REPLY);
	for (;;) {
		unsigned count = cv_msginfo_get_count(r.info);
		uint64_t label = cv_msginfo_get_label(r.info);
		uint64_t seed = cv_mr_get(0);
		unsigned bad = 0;
		for (unsigned i = 0; i < count; i++)
			if (cv_mr_get(i) != seed * (i + 1) + i)
				bad++;
		printf("error=%lu wake=%lu badge=0x%lx label=%lu count=%u bad=%u\n", (unsigned long)r.error,
		       (unsigned long)r.wake, (unsigned long)r.badge, (unsigned long)label, count, bad);
		cv_flush();
		for (unsigned i = 0; i < CV_MSG_MAX_LENGTH; i++)
			cv_mr_set(i, ~cv_mr_get(i));
		r = cv_syscall(CV_SYS_REPLY_RECV, CV_CAP_INPUT_ENDPOINT, cv_msginfo_new(label + 100, CV_MSG_MAX_LENGTH),
			       CV_CAP_REPLY);
	}
}
