/*
 * Linked into a guest instead of nothing, this runs the program in S-mode under Sv39:
 * the M-mode start-up maps the program's RAM one to one with 4 KiB pages (sv39-map.c)
 * and mrets to the program (start.c has already opened all of memory to S-mode in the
 * PMP). No trap is delegated: the program expects none, so any trap reaches M-mode,
 * which reports it (start.c).
 */
#include <stdint.h>

#include "riscv.h"
#include "start.h"
#include "sv39-map.h"

const char *const cv_environment = "S-mode, Sv39 identity map with 4 KiB pages";

void cv_enter(void (*next)(void))
{
	uint64_t root = sv39_map_identity();

	csr_write(medeleg, 0);
	csr_write(mideleg, 0);
	csr_write(mcounteren, COUNTEREN_ALL);

	csr_write(satp, SATP_MODE_SV39 | (root >> PAGE_SHIFT));
	__asm__ volatile("sfence.vma" ::: "memory");

	csr_clear(mstatus, MSTATUS_MPP);
	csr_set(mstatus, (uint64_t)PRV_S << MSTATUS_MPP_SHIFT);
	csr_write(mepc, (uintptr_t)next);
	__asm__ volatile("mret");
	__builtin_unreachable();
}
