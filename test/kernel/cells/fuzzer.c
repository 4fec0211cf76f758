/* Issues CALLS random syscalls: random numbers, capability pointers, message infos,
 * message registers, IPC buffer contents, addresses and lengths. It first deletes the
 * capabilities with which it could only stop itself (its TCB: suspend, restart) or block
 * for good (its endpoint and notification: nobody sends to it). For every call whose
 * outcome is certain it checks the error code; every other must return a code of abi.ts. */
#include <stdio.h>
#include <cellvisor.h>
#include "fuzz_status.h"

#ifndef CALLS
#define CALLS 100000
#endif
#ifndef SEED
#define SEED 0x2545f4914f6cdd1dull
#endif

uint64_t status_base;
static uint64_t state = SEED;
static unsigned mismatches, bad_codes, checked;

static uint64_t rnd(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* A capability pointer: mostly the fixed slots and the channel slots, sometimes any slot,
 * out of range or wild. */
static uint64_t cptr(void)
{
	switch (below(10)) {
	case 0: case 1: case 2: case 3: return below(CV_CAP_BASE_NOTIFY + 2);
	case 4: return CV_CAP_BASE_PPCALL + below(2);
	case 5: return CV_CAP_BASE_IRQ + below(2);
	case 6: case 7: return below(1 << CV_CNODE_BITS);
	case 8: return (1 << CV_CNODE_BITS) + below(1000);
	default: return rnd();
	}
}

static uint64_t value(void)
{
	switch (below(4)) {
	case 0: return below(16);
	case 1: return below(1 << CV_CNODE_BITS);
	case 2: return rnd() & 0xffffffff;
	default: return rnd();
	}
}

/* An address: in its program, stack, IPC buffer, the shared page, unmapped, or wild. */
static uint64_t address(void)
{
	switch (below(7)) {
	case 0: return CV_ELF_BASE + below(0x4000);
	case 1: return CV_STACK_TOP - below(CV_STACK_SIZE + 0x2000);
	case 2: return CV_IPC_BUFFER + below(0x1100);
	case 3: return CV_USER_MAP_BASE + below(0x2000);
	case 4: return below(CV_ELF_BASE);
	case 5: return (1ull << 39) + below(1ull << 40);
	default: return rnd();
	}
}

static uint64_t length(void)
{
	switch (below(4)) {
	case 0: return below(64);
	case 1: return below(5000);
	case 2: return below(2) ? 4096 : 4097;
	default: return rnd();
	}
}

/* The error code a call must get when the arguments alone decide it; -1 if they do not. */
static int64_t expected(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a6)
{
	const uint64_t slots = 1 << CV_CNODE_BITS;
	if (number == 0 || number >= CV_SYS_COUNT)
		return CV_ILLEGAL_OPERATION;
	switch (number) {
	case CV_SYS_CALL: case CV_SYS_SEND: case CV_SYS_NB_SEND: case CV_SYS_RECV: case CV_SYS_NB_RECV:
	case CV_SYS_SIGNAL: case CV_SYS_WAIT: case CV_SYS_POLL:
		return a0 >= slots ? CV_INVALID_CAPABILITY : -1;
	case CV_SYS_REPLY:
		return a6 >= slots ? CV_INVALID_CAPABILITY : -1;
	case CV_SYS_REPLY_RECV:
		return a0 >= slots ? CV_INVALID_CAPABILITY : -1;
	case CV_SYS_YIELD:
		return CV_NO_ERROR;
	case CV_SYS_DEBUG_PUTS:
		if (a1 > 4096)
			return CV_RANGE_ERROR;
		if (a1 == 0)
			return CV_NO_ERROR;
		if (a0 < CV_ELF_BASE || a0 >= (1ull << 39))
			return CV_INVALID_ARGUMENT;
		return -1;
	}
	return -1;
}

static void fuzz_ipc_buffer(void)
{
	volatile uint64_t *ipc = (volatile uint64_t *)CV_IPC_BUFFER;
	switch (below(4)) {
	case 0:
		for (unsigned i = 0; i < CV_MSG_MAX_LENGTH; i++)
			ipc[CV_IPC_MSG / 8 + i] = value();
		break;
	case 1:
		for (unsigned i = 0; i < CV_MSG_MAX_EXTRA_CAPS; i++)
			ipc[CV_IPC_CAPS_OR_BADGES / 8 + i] = cptr();
		break;
	case 2:
		ipc[CV_IPC_RECEIVE_INDEX / 8] = cptr();
		break;
	default:
		break;
	}
}

void init(void)
{
	cv_cnode_delete(CV_CAP_TCB);
	cv_cnode_delete(CV_CAP_INPUT_ENDPOINT);
	cv_cnode_delete(CV_CAP_NOTIFICATION);
	for (unsigned n = 0; n < CALLS; n++) {
		fuzz_ipc_buffer();
		uint64_t r = below(10);
		uint64_t number = r < 8 ? 1 + below(CV_SYS_COUNT - 1) : r == 8 ? below(0x200) : rnd();
		uint64_t a0 = number == CV_SYS_DEBUG_PUTS ? address() : cptr();
		uint64_t a1;
		if (number == CV_SYS_DEBUG_PUTS) {
			a1 = length();
		} else {
			uint64_t label = below(3) == 0 ? rnd() >> CV_MSG_LABEL_SHIFT : below(3) ? below(100) : below(0x10000);
			a1 = (label << CV_MSG_LABEL_SHIFT) | (below(4) << CV_MSG_EXTRA_CAPS_SHIFT) | below(128);
			if (below(8) == 0)
				a1 = rnd();
		}
		uint64_t a6 = cptr();
		for (unsigned i = 0; i < CV_MSG_REGISTERS_IN_REGS; i++)
			cv_mr_set(i, value());
		struct cv_result res = cv_syscall(number, a0, (cv_msginfo){ a1 }, a6);
		int64_t want = expected(number, a0, a1, a6);
		if (res.error > CV_WOULD_BLOCK) {
			if (bad_codes++ < 5)
				printf("FAIL call %u: syscall 0x%lx a0=0x%lx a1=0x%lx returned %lu, not an error code\n", n,
				       (unsigned long)number, (unsigned long)a0, (unsigned long)a1, (unsigned long)res.error);
		} else if (want >= 0) {
			checked++;
			if (res.error != (uint64_t)want && mismatches++ < 5)
				printf("FAIL call %u: syscall 0x%lx a0=0x%lx a1=0x%lx a6=0x%lx returned %lu, want %ld\n", n,
				       (unsigned long)number, (unsigned long)a0, (unsigned long)a1, (unsigned long)a6,
				       (unsigned long)res.error, (long)want);
		}
	}
	printf("\nfuzz: calls=%u checked=%u mismatches=%u bad_codes=%u\n", CALLS, checked, mismatches, bad_codes);
	cv_flush();
	STATUS->fuzz_done = 1;
	for (;;)
		cv_yield();
}
