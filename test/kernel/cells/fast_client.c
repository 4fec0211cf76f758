/* Protected calls for the fast path tests: CALLS calls to channel 0 with mr0 = i (the
 * server answers i + 1); call BAD_AT goes to channel 5, which has no capability. Stops
 * at the first call that fails, prints the sum and powers off. */
#include <stdio.h>
#include <cellvisor.h>

#ifndef CALLS
#define CALLS 20000
#endif
#ifndef BAD_AT
#define BAD_AT -1
#endif

void init(void)
{
	uint64_t sum = 0;
	for (long i = 0; i < CALLS; i++) {
		cv_mr_set(0, (uint64_t)i);
		cv_msginfo r = cv_ppcall(i == BAD_AT ? 5 : 0, cv_msginfo_new(0, 1));
		uint64_t error = cv_last_error();
		if (i == BAD_AT) {
			printf("call %ld to channel 5: error %lu label %lu\n", i, (unsigned long)error, (unsigned long)cv_msginfo_get_label(r));
			continue;
		}
		if (error != 0) {
			printf("call %ld: error %lu\n", i, (unsigned long)error);
			break;
		}
		sum += cv_mr_get(0);
	}
	printf("sum %lu\n", (unsigned long)sum);
	cv_poweroff(0);
}
