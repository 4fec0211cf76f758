/* The page the fuzz test's cells share (region 'status', setvar status_base). */
#include <stdint.h>

struct fuzz_status {
	volatile uint64_t fuzz_done;
	volatile uint64_t worker_done;
};

extern uint64_t status_base;
#define STATUS ((struct fuzz_status *)(uintptr_t)status_base)
