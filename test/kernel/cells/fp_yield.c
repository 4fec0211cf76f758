/* Floating-point state across context switches: two of these run at one priority and
 * yield to each other between FP operations, each with its own values in all 32 f
 * registers and its own rounding mode and flags in fcsr. Any value the other cell
 * left behind shows as a mismatch. SEED differs per cell; POWEROFF ends the run. */
#include <cellvisor.h>
#include <stdio.h>

#ifndef SEED
#define SEED 1
#endif
#define ROUNDS 200

static uint64_t fill_and_check(uint64_t seed, int yield_between)
{
	/* Write every f register from seed, yield, read them all back. */
	uint64_t in[32], out[32];
	for (int i = 0; i < 32; i++)
		in[i] = seed * 0x9e3779b97f4a7c15ull + (uint64_t)i * 0x1000193ull;
	asm volatile(
		"fld f0, 0(%0)\n fld f1, 8(%0)\n fld f2, 16(%0)\n fld f3, 24(%0)\n"
		"fld f4, 32(%0)\n fld f5, 40(%0)\n fld f6, 48(%0)\n fld f7, 56(%0)\n"
		"fld f8, 64(%0)\n fld f9, 72(%0)\n fld f10, 80(%0)\n fld f11, 88(%0)\n"
		"fld f12, 96(%0)\n fld f13, 104(%0)\n fld f14, 112(%0)\n fld f15, 120(%0)\n"
		"fld f16, 128(%0)\n fld f17, 136(%0)\n fld f18, 144(%0)\n fld f19, 152(%0)\n"
		"fld f20, 160(%0)\n fld f21, 168(%0)\n fld f22, 176(%0)\n fld f23, 184(%0)\n"
		"fld f24, 192(%0)\n fld f25, 200(%0)\n fld f26, 208(%0)\n fld f27, 216(%0)\n"
		"fld f28, 224(%0)\n fld f29, 232(%0)\n fld f30, 240(%0)\n fld f31, 248(%0)\n"
		: : "r"(in) : "memory");
	uint64_t frm = (seed + 1) % 5; /* RNE, RTZ, RDN, RUP, RMM */
	uint64_t fflags = seed & 0x1f;
	asm volatile("csrw frm, %0\n csrw fflags, %1" : : "r"(frm), "r"(fflags));
	if (yield_between) {
		/* cv_yield clobbers no f register (the syscall is an ecall). */
		register uint64_t a7 asm("a7") = CV_SYS_YIELD;
		register uint64_t a0 asm("a0") = 0;
		asm volatile("ecall" : "+r"(a0), "+r"(a7) : : "a1", "a2", "a3", "a4", "a5", "a6", "memory");
	}
	uint64_t frm_after, fflags_after;
	asm volatile("csrr %0, frm\n csrr %1, fflags" : "=r"(frm_after), "=r"(fflags_after));
	asm volatile(
		"fsd f0, 0(%0)\n fsd f1, 8(%0)\n fsd f2, 16(%0)\n fsd f3, 24(%0)\n"
		"fsd f4, 32(%0)\n fsd f5, 40(%0)\n fsd f6, 48(%0)\n fsd f7, 56(%0)\n"
		"fsd f8, 64(%0)\n fsd f9, 72(%0)\n fsd f10, 80(%0)\n fsd f11, 88(%0)\n"
		"fsd f12, 96(%0)\n fsd f13, 104(%0)\n fsd f14, 112(%0)\n fsd f15, 120(%0)\n"
		"fsd f16, 128(%0)\n fsd f17, 136(%0)\n fsd f18, 144(%0)\n fsd f19, 152(%0)\n"
		"fsd f20, 160(%0)\n fsd f21, 168(%0)\n fsd f22, 176(%0)\n fsd f23, 184(%0)\n"
		"fsd f24, 192(%0)\n fsd f25, 200(%0)\n fsd f26, 208(%0)\n fsd f27, 216(%0)\n"
		"fsd f28, 224(%0)\n fsd f29, 232(%0)\n fsd f30, 240(%0)\n fsd f31, 248(%0)\n"
		: : "r"(out) : "memory");
	uint64_t bad = 0;
	for (int i = 0; i < 32; i++)
		if (out[i] != in[i])
			bad++;
	if (frm_after != frm || fflags_after != fflags)
		bad++;
	return bad;
}

void init(void)
{
	uint64_t bad = 0;
	for (uint64_t r = 0; r < ROUNDS; r++)
		bad += fill_and_check(SEED * 1000 + r, 1);
	/* A cell that never touches FP in between must see a clean state of its own too. */
	printf("fp seed %d: %lu mismatches\n", SEED, (unsigned long)bad);
#ifdef POWEROFF
	/* Let the other cell finish first: it yields once more than we do. */
	cv_yield();
	cv_yield();
	cv_poweroff(0);
#endif
}
