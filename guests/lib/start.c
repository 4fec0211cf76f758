#include <stdlib.h>
#include <string.h>

#include "htif.h"
#include "riscv.h"
#include "start.h"

extern char __bss_start[], __bss_end[], __tls_base[];
extern int main(int argc, char **argv);
extern void __libc_init_array(void); /* picolibc: runs the constructors */
extern void _set_tls(void *tls);     /* picolibc: sets tp */

/* Without sv39.o the program runs where it started: M-mode, no translation. */
__attribute__((weak)) void cv_enter(void (*next)(void))
{
	next();
}

__attribute__((weak)) const char *const cv_environment = "M-mode, physical addresses";

static void run_main(void)
{
	__libc_init_array();
	exit(main(0, NULL));
}

/*
 * Called by crt0 with a stack. The loader placed .data and .tdata in RAM already, so
 * only .tbss and .bss need zeroing; the single thread uses .tdata in place.
 */
void cv_start(void)
{
	/*
	 * PMP entry 0 covers all memory with RWX. M-mode ignores unlocked entries, but S and
	 * U may touch only what an entry allows once any is implemented; and QEMU runs
	 * M-mode code faster with a matching entry than with none.
	 */
	csr_write(pmpaddr0, ~0ULL >> 10);
	csr_write(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);

	memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
	_set_tls(__tls_base);
	cv_enter(run_main);
	htif_exit(CV_EXIT_TRAP);
}

void cv_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval, uint64_t mstatus)
{
	static const char *const from[] = { "U", "S", "?", "M" };

	htif_puts("\n*** unexpected trap: mcause=");
	htif_puthex(mcause);
	htif_puts(" mepc=");
	htif_puthex(mepc);
	htif_puts(" mtval=");
	htif_puthex(mtval);
	htif_puts(" from ");
	htif_puts(from[(mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT]);
	htif_puts("-mode\n");
	htif_exit(CV_EXIT_TRAP);
}
