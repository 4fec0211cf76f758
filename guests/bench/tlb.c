/*
 * The TLB-miss benchmark: every load misses the hart's TLB. It reads one word from each
 * 4 KiB page of an 8 MiB array in turn, twice the reach of cellvisor's 1024-entry
 * direct-mapped TLB, so each page evicts the one 4 MiB before it; ROUNDS passes over the
 * array, about ten instructions per page. Linked like bench: under Sv39 in S-mode
 * (bench-tlb-sv39.elf) and in VS-mode over a G-stage (bench-tlb-vs.elf), where every
 * miss walks both stages; their times side by side compare a guest's TLB miss with the
 * host's. The checksum folds every word read.
 */
#include <inttypes.h>
#include <stdio.h>

#define PAGES 2048
#define PAGE_WORDS (4096 / sizeof(uint64_t))
#ifndef ROUNDS
#define ROUNDS 4000
#endif

static uint64_t pages[PAGES][PAGE_WORDS] __attribute__((aligned(4096)));

int main(void)
{
	uint64_t sum = 0;

	for (unsigned p = 0; p < PAGES; p++)
		for (unsigned w = 0; w < PAGE_WORDS; w++)
			pages[p][w] = (uint64_t)(p * PAGE_WORDS + w + 1) * 0x9e3779b97f4a7c15ULL;
	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned w = r % PAGE_WORDS;

		for (unsigned p = 0; p < PAGES; p++)
			sum = (sum << 1 | sum >> 63) ^ pages[p][(p + w) % PAGE_WORDS];
	}
	printf("checksum: 0x%016" PRIx64 "\n", sum);
	return 0;
}
