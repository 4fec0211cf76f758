/*
 * The tight-loop benchmark: one small integer loop (a multiply-xorshift mix and a
 * sum) run ITERATIONS times, as the case where a JIT gains most and an interpreter
 * pays its dispatch on every instruction (issue 15). It prints a checksum of what it
 * computed, so two machines agree only if both ran it correctly.
 */
#include <inttypes.h>
#include <stdio.h>

/* About 7 instructions per iteration: some 420 million in all. */
#ifndef ITERATIONS
#define ITERATIONS 60000000u
#endif

int main(void)
{
	uint64_t x = 0x853c49e6748fea9bULL, sum = 0;
	for (uint32_t i = 0; i < ITERATIONS; i++) {
		x ^= x >> 13;
		x *= 0x2545f4914f6cdd1dULL;
		sum += x + i;
	}
	printf("checksum: 0x%016" PRIx64 "\n", sum ^ x);
	return 0;
}
