/*
 * Linked into a guest instead of nothing, this runs the program in S-mode under Sv39:
 * the M-mode start-up maps the program's RAM one to one with 4 KiB pages (code and
 * read-only data R+X, the rest R+W) and mrets to the program (start.c has already
 * opened all of memory to S-mode in the PMP). No trap is delegated: the program expects none, so any trap
 * reaches M-mode, which reports it (start.c).
 */
#include <stdint.h>

#include "htif.h"
#include "riscv.h"
#include "start.h"

extern char __ram_start[], __text_end[], __ram_end[];

/* One leaf table maps 2 MiB; enough of them for the largest guest we build. */
#define SV39_MAX_MAPPED (32ULL << 20)
#define LEAF_SPAN (PAGE_SIZE * SV39_PTES_PER_TABLE)
#define LEAF_TABLES (SV39_MAX_MAPPED / LEAF_SPAN)

typedef uint64_t pte_t;

static pte_t root_table[SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t mid_table[SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t leaf_tables[LEAF_TABLES][SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));

static pte_t pte_to(const void *pa, uint64_t flags)
{
	return ((uint64_t)(uintptr_t)pa >> PAGE_SHIFT << PTE_PPN_SHIFT) | flags;
}

static unsigned vpn(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (SV39_PTES_PER_TABLE - 1);
}

const char *const cv_environment = "S-mode, Sv39 identity map with 4 KiB pages";

static void fail(const char *why)
{
	htif_puts("sv39: ");
	htif_puts(why);
	htif_putchar('\n');
	htif_exit(CV_EXIT_TRAP);
}

static void map_identity(void)
{
	uint64_t start = (uintptr_t)__ram_start;
	uint64_t end = ((uintptr_t)__ram_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t giga = 1ULL << (PAGE_SHIFT + 18);

	if (start % LEAF_SPAN != 0 || end - start > SV39_MAX_MAPPED || start / giga != (end - 1) / giga)
		fail("program does not fit the page tables; raise SV39_MAX_MAPPED");

	/* A and D are set up front: the program never takes a fault to have them set. */
	root_table[vpn(start, 2)] = pte_to(mid_table, PTE_V);
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t n = (va - start) / LEAF_SPAN;
		uint64_t perm = va < (uintptr_t)__text_end ? PTE_R | PTE_X : PTE_R | PTE_W | PTE_D;

		mid_table[vpn(va, 1)] = pte_to(leaf_tables[n], PTE_V);
		leaf_tables[n][vpn(va, 0)] = pte_to((void *)(uintptr_t)va, PTE_V | PTE_A | perm);
	}
}

void cv_enter(void (*next)(void))
{
	map_identity();

	csr_write(medeleg, 0);
	csr_write(mideleg, 0);
	csr_write(mcounteren, COUNTEREN_ALL);

	csr_write(satp, SATP_MODE_SV39 | ((uintptr_t)root_table >> PAGE_SHIFT));
	__asm__ volatile("sfence.vma" ::: "memory");

	csr_clear(mstatus, MSTATUS_MPP);
	csr_set(mstatus, (uint64_t)PRV_S << MSTATUS_MPP_SHIFT);
	csr_write(mepc, (uintptr_t)next);
	__asm__ volatile("mret");
	__builtin_unreachable();
}
