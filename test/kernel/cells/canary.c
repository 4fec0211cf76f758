/* Fills its memory (a region and its own data) with a pattern and keeps checking it,
 * a page a turn, while the fuzzer runs; reports, then powers off when the fuzzer and
 * the IPC worker are done. */
#include <stdio.h>
#include <cellvisor.h>
#include "fuzz_status.h"

#define REGION_WORDS (16384 / 8)
#define DATA_WORDS 512
#define PAGE_WORDS 512

uint64_t status_base;
uint64_t canary_base;
static uint64_t data[DATA_WORDS];

static uint64_t pattern(uint64_t i)
{
	return 0x5a5a000000000000ull ^ (i * 0x9e3779b97f4a7c15ull);
}

void init(void)
{
	volatile uint64_t *region = (volatile uint64_t *)(uintptr_t)canary_base;
	for (unsigned i = 0; i < REGION_WORDS; i++)
		region[i] = pattern(i);
	for (unsigned i = 0; i < DATA_WORDS; i++)
		data[i] = pattern(REGION_WORDS + i);
	uint64_t checks = 0, corrupt = 0;
	unsigned page = 0;
	for (;;) {
		bool last = STATUS->fuzz_done && STATUS->worker_done;
		unsigned from = last ? 0 : page * PAGE_WORDS, to = last ? REGION_WORDS : from + PAGE_WORDS;
		for (unsigned i = from; i < to; i++)
			corrupt += region[i] != pattern(i);
		if (last || page == REGION_WORDS / PAGE_WORDS - 1)
			for (unsigned i = 0; i < DATA_WORDS; i++)
				corrupt += *(volatile uint64_t *)&data[i] != pattern(REGION_WORDS + i);
		checks++;
		page = (page + 1) % (REGION_WORDS / PAGE_WORDS);
		if (last)
			break;
		cv_yield();
	}
	printf("canary: %s checks=%s corrupt=%lu\n", corrupt == 0 ? "ok" : "FAIL", checks > 100 ? "many" : "few",
	       (unsigned long)corrupt);
	cv_poweroff(0);
}
