/*
 * Linked into a guest instead of nothing, this runs the program as a virtual machine's
 * supervisor: VS-mode (V=1) under two stages of translation, the H extension's
 * (privileged spec 1.12, 8.5). The M-mode start-up plays a tiny hypervisor: the guest's
 * own VS-stage Sv39 tables (sv39-map.c, through vsatp) map its RAM one to one with 4 KiB
 * pages, and a G-stage Sv39x4 table (hgatp, VMID 1) maps those guest physical addresses
 * one to one to the same RAM, with 4 KiB pages too, so that every guest TLB miss walks
 * both stages in full: three VS-stage PTEs, each at a guest physical address that the
 * G-stage translates, and the G-stage leaf of the page itself. No trap is delegated:
 * any trap reaches M-mode, which reports it (start.c).
 */
#include <stdint.h>

#include "riscv.h"
#include "start.h"
#include "sv39-map.h"

extern char __ram_start[], __ram_end[];

#define csr_write_n(num, val) __asm__ volatile("csrw %0, %1" : : "i"(num), "r"((uint64_t)(val)))

#define LEAF_SPAN (PAGE_SIZE * SV39_PTES_PER_TABLE)
#define LEAF_TABLES (SV39_MAX_MAPPED / LEAF_SPAN)
/* Sv39x4: the root table has 2048 entries (16 KiB, 16 KiB aligned). */
#define SV39X4_ROOT_PTES (4 * SV39_PTES_PER_TABLE)
#define VMID 1ULL

typedef uint64_t pte_t;

static pte_t g_root[SV39X4_ROOT_PTES] __attribute__((aligned(4 * PAGE_SIZE)));
static pte_t g_mid[SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));
static pte_t g_leaves[LEAF_TABLES][SV39_PTES_PER_TABLE] __attribute__((aligned(PAGE_SIZE)));

const char *const cv_environment = "VS-mode, Sv39 over a Sv39x4 G-stage, identity maps with 4 KiB pages";

/* G-stage: every guest physical page of the program's RAM to the same host page. */
static uint64_t map_gstage(void)
{
	uint64_t start = (uintptr_t)__ram_start;
	uint64_t end = ((uintptr_t)__ram_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	/* sv39_map_identity() has checked the range fits one gigabyte and the leaf tables. */
	g_root[(start >> (PAGE_SHIFT + 18)) & (SV39X4_ROOT_PTES - 1)] = sv39_pte_to(g_mid, PTE_V);
	for (uint64_t gpa = start; gpa < end; gpa += PAGE_SIZE) {
		uint64_t n = (gpa - start) / LEAF_SPAN;

		g_mid[sv39_vpn(gpa, 1)] = sv39_pte_to(g_leaves[n], PTE_V);
		/* Every G-stage access is a U-mode one; A and D set up front. */
		g_leaves[n][sv39_vpn(gpa, 0)] = sv39_pte_to((void *)(uintptr_t)gpa,
			PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
	}
	return (uintptr_t)g_root;
}

void cv_enter(void (*next)(void))
{
	if ((csr_read(misa) & (1ULL << ('H' - 'A'))) == 0)
		sv39_fail("vs-sv39", "this hart has no H extension (cellvisor: --cpu rva22h; QEMU: -cpu rv64,h=true)");
	uint64_t vs_root = sv39_map_identity();
	uint64_t g_root_pa = map_gstage();

	csr_write(medeleg, 0);
	csr_write(mideleg, 0);
	csr_write(mcounteren, COUNTEREN_ALL);
	csr_write_n(CSR_HCOUNTEREN, COUNTEREN_ALL);
	/* The guest's FPU is usable (V=1 needs vsstatus.FS as well as mstatus.FS). */
	csr_write_n(CSR_VSSTATUS, MSTATUS_FS_INITIAL);

	csr_write_n(CSR_HGATP, HGATP_MODE_SV39X4 | (VMID << 44) | (g_root_pa >> PAGE_SHIFT));
	csr_write_n(CSR_VSATP, SATP_MODE_SV39 | (vs_root >> PAGE_SHIFT));
	__asm__ volatile(".word 0x62000073" ::: "memory"); /* hfence.gvma zero, zero */
	__asm__ volatile(".word 0x22000073" ::: "memory"); /* hfence.vvma zero, zero */

	csr_clear(mstatus, MSTATUS_MPP);
	csr_set(mstatus, ((uint64_t)PRV_S << MSTATUS_MPP_SHIFT) | MSTATUS_MPV);
	csr_write(mepc, (uintptr_t)next);
	__asm__ volatile("mret");
	__builtin_unreachable();
}
