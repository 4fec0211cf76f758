/* Protected calls with 64 message registers (and a short one): the client fills the
 * registers, calls, and checks all of the server's answer (every register inverted,
 * label + 100, 64 registers). SEED tells two clients apart. */
#include <stdio.h>
#include <cellvisor.h>

#ifndef SEED
#define SEED 1
#endif
#define SERVER 0

static void call(uint64_t label, unsigned count)
{
	uint64_t seed = SEED * 0x1000 + label;
	for (unsigned i = 0; i < CV_MSG_MAX_LENGTH; i++)
		cv_mr_set(i, seed * (i + 1) + i);
	cv_msginfo answer = cv_ppcall(SERVER, cv_msginfo_new(label, count));
	unsigned bad = 0;
	for (unsigned i = 0; i < CV_MSG_MAX_LENGTH; i++) {
		/* Registers past `count` were not sent, so the server inverted its stale ones. */
		uint64_t sent = seed * (i + 1) + i;
		if (i < count && cv_mr_get(i) != ~sent)
			bad++;
	}
	printf("%s call %lu: error=%lu label=%lu count=%u bad=%u\n", bad == 0 ? "ok" : "FAIL", (unsigned long)label,
	       (unsigned long)cv_last_error(), (unsigned long)cv_msginfo_get_label(answer), cv_msginfo_get_count(answer),
	       bad);
}

void init(void)
{
	call(7, CV_MSG_MAX_LENGTH);
	call(8, 5);
	call(9, CV_MSG_MAX_LENGTH);
#ifdef POWEROFF
	cv_poweroff(0);
#endif
}
