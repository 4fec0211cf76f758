/*
 * The Sv39 identity map that sv39.c and vs-sv39.c run the program under: the program's
 * RAM one to one with 4 KiB pages, code and read-only data R+X, the rest R+W, A and D set
 * up front. Under vs-sv39.c the same tables are the guest's VS-stage tables, their
 * addresses guest physical ones (the G-stage maps those one to one too).
 */
#include <stdint.h>

#include "htif.h"
#include "riscv.h"
#include "start.h"
#include "sv39-map.h"

extern char __ram_start[], __text_end[], __ram_end[];

#define LEAF_SPAN (PAGE_SIZE * SV39_PTES_PER_TABLE)
#define LEAF_TABLES (SV39_MAX_MAPPED / LEAF_SPAN)

typedef uint64_t pte_t;

static pte_t root_table[SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t mid_table[SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t leaf_tables[LEAF_TABLES][SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));

uint64_t sv39_pte_to(const void *pa, uint64_t flags)
{
	return ((uint64_t)(uintptr_t)pa >> PAGE_SHIFT << PTE_PPN_SHIFT) | flags;
}

unsigned sv39_vpn(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (SV39_PTES_PER_TABLE - 1);
}

void sv39_fail(const char *who, const char *why)
{
	htif_puts(who);
	htif_puts(": ");
	htif_puts(why);
	htif_putchar('\n');
	htif_exit(CV_EXIT_TRAP);
}

uint64_t sv39_map_identity(void)
{
	uint64_t start = (uintptr_t)__ram_start;
	uint64_t end = ((uintptr_t)__ram_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t giga = 1ULL << (PAGE_SHIFT + 18);

	if (start % LEAF_SPAN != 0 || end - start > SV39_MAX_MAPPED || start / giga != (end - 1) / giga)
		sv39_fail("sv39", "program does not fit the page tables; raise SV39_MAX_MAPPED");

	root_table[sv39_vpn(start, 2)] = sv39_pte_to(mid_table, PTE_V);
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t n = (va - start) / LEAF_SPAN;
		uint64_t perm = va < (uintptr_t)__text_end ? PTE_R | PTE_X : PTE_R | PTE_W | PTE_D;

		mid_table[sv39_vpn(va, 1)] = sv39_pte_to(leaf_tables[n], PTE_V);
		leaf_tables[n][sv39_vpn(va, 0)] = sv39_pte_to((void *)(uintptr_t)va, PTE_V | PTE_A | perm);
	}
	return (uintptr_t)root_table;
}
