/* Keeps making protected calls with 64 message registers to the echo server while the
 * fuzzer runs, checking every answer; reports when the fuzzer is done. */
#include <stdio.h>
#include <cellvisor.h>
#include "fuzz_status.h"

uint64_t status_base;

void init(void)
{
	uint64_t calls = 0, failures = 0;
	while (!STATUS->fuzz_done) {
		for (unsigned i = 0; i < CV_MSG_MAX_LENGTH; i++)
			cv_mr_set(i, calls * 1000 + i);
		cv_msginfo answer = cv_ppcall(0, cv_msginfo_new(calls & 0xff, CV_MSG_MAX_LENGTH));
		bool ok = cv_last_error() == CV_NO_ERROR && cv_msginfo_get_label(answer) == (calls & 0xff) + 1 &&
			  cv_msginfo_get_count(answer) == CV_MSG_MAX_LENGTH;
		for (unsigned i = 0; i < CV_MSG_MAX_LENGTH; i++)
			ok = ok && cv_mr_get(i) == (calls * 1000 + i) * 3 + 1;
		if (!ok && failures < 3) {
			unsigned first = 0;
			while (first < CV_MSG_MAX_LENGTH && cv_mr_get(first) == (calls * 1000 + first) * 3 + 1)
				first++;
			printf("FAIL call %lu: error=%lu label=%lu count=%u first bad register %u = 0x%lx\n",
			       (unsigned long)calls, (unsigned long)cv_last_error(), (unsigned long)cv_msginfo_get_label(answer),
			       cv_msginfo_get_count(answer), first, (unsigned long)cv_mr_get(first < 64 ? first : 0));
		}
		failures += !ok;
		calls++;
	}
	printf("worker: %s calls=%s failures=%lu\n", failures == 0 ? "ok" : "FAIL", calls > 100 ? "many" : "few",
	       (unsigned long)failures);
	cv_flush();
	STATUS->worker_done = 1;
}
