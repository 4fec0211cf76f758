/* Two-stage translation where QEMU 7.2 departs from the specification
 * (h_sv48.S checks the rest against QEMU):
 * - Sv48x4 takes GPAs up to bit 49: root indexes 1024-2047 translate;
 * - Svpbmt: a VS-stage PTE with PBMT != 0 while henvcfg.PBMTE = 0 is a page
 *   fault, a G-stage one while menvcfg.PBMTE = 0 a guest-page fault (and
 *   henvcfg.PBMTE reads 0 then); PBMT = 3 is reserved, a (guest-)page fault;
 * - the VS-stage walk's write of A/D to a VS-level page table is an implicit
 *   store for G-stage: it sets the G-stage D bit of the table's page, and
 *   where G-stage does not allow the write it is a guest-page fault reported
 *   for the original access (20 fetch, 21 load, 23 store), with mtval = the
 *   guest virtual address, mtval2 = the GPA of the PTE >> 2 and mtinst/htinst
 *   = 0x3020, the pseudoinstruction of a 64-bit VS-stage page-table write;
 *   a VS-stage walk that need not write reads such a read-only table fine.
 * Privileged spec 1.12: 8.5.1 (Sv48x4, "any exception is always reported for
 * the original access type"), 8.2.x mtval2 ("that of the implicit memory
 * access that faulted"), 8.6.3 (pseudoinstructions), Svpbmt chapter.
 * hand-written: QEMU 7.2 faults on GPA bit 49, ignores PBMTE (and keeps henvcfg.PBMTE without menvcfg.PBMTE), takes PBMT = 3 as a memory type, lets VS-stage A/D writes through a read-only G-stage page without setting its D, and writes mtinst = 0
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "paging.h"
#define H_PRINT_MGVA
#include "hyp.h"

#define G_TERA      (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)   /* 512 GiB at PA 0 */
#define G_RW        (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define VS_RW       (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define GPA_HI      0x10000000000       /* root index 2 */
#define GPA_TOP     0x3ff8000000000     /* root index 2047: 512 GiB at PA 0 */

    .bss
    .align 14
g_root:  .skip 16384
    .align 12
g_l2:    .skip 4096
g_l1:    .skip 4096
g_l0:    .skip 4096
vs_root: .skip 4096
vs_l1:   .skip 4096
vs_l0:   .skip 4096
vs_l0b:  .skip 4096
vs_l0c:  .skip 4096

    .data
    .align 12
g_rw:  .dword 0x1111111111111111, 0x2222222222222222
    .text

/* table[index] := high | PPN(target) | flags. Clobbers t0-t2. */
.macro PTE_H table, index, target, flags, high
    la t1, \table
    li t0, \index * 8
    add t1, t1, t0
    la t0, \target
    srli t0, t0, 12
    slli t0, t0, 10
    ori t0, t0, \flags
    li t2, \high
    or t0, t0, t2
    sd t0, 0(t1)
.endm

.macro PRINT_AD name, table, index
    la a0, \table
    ld a0, (\index * 8)(a0)
    andi a0, a0, PTE_A | PTE_D
    PRINT "\name", a0
.endm

TEST_BEGIN
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    li t0, MENVCFG_PBMTE
    csrs CSR_MENVCFG, t0

    /* G-stage Sv48x4: GPA 0 and GPA_TOP -> PA 0; GPA_HI + n * 4 KiB: */
    la t1, g_root
    li t0, G_TERA
    sd t0, 0(t1)
    li t2, 2047 * 8
    add t2, t2, t1
    sd t0, 0(t2)
    SET_NEXT g_root, 2, g_l2
    SET_NEXT g_l2, 0, g_l1
    SET_NEXT g_l1, 0, g_l0
    PTE_H g_l0, 0, g_rw, G_RW, 0                       /* GPA_HI + 0x0000 */
    PTE_H g_l0, 1, g_rw, G_RW, PTE_PBMT_NC             /* GPA_HI + 0x1000 */
    PTE_H g_l0, 2, g_rw, G_RW, PTE_PBMT_RSVD           /* GPA_HI + 0x2000 */
    PTE_H g_l0, 3, vs_l0b, PTE_V | PTE_R | PTE_W | PTE_U, 0    /* A = D = 0 */
    PTE_H g_l0, 4, vs_l0c, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D, 0  /* read-only */
    la t0, g_root
    srli t0, t0, 12
    li t1, HGATP_MODE_SV48X4 | (1 << 44)
    or t0, t0, t1
    csrw CSR_HGATP, t0

    li s5, GPA_TOP
    la s6, g_rw
    add s5, s5, s6
    VTRY "VS load GPA_TOP + g_rw (Sv48x4 root index 2047)", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4

    /* VS-stage Sv39: the image by a gigapage (S); VAs 0x0000-0x3fff through
     * vs_l0, 0x200000 through vs_l0b (at GPA_HI + 0x3000), 0x400000 through
     * vs_l0c (at GPA_HI + 0x4000, read-only in G-stage). */
    li t0, ((0x80000000 >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    la t1, vs_root
    sd t0, 2*8(t1)
    SET_NEXT vs_root, 0, vs_l1
    SET_NEXT vs_l1, 0, vs_l0
    SET_PTE_PA vs_l1, 1, (GPA_HI + 0x3000), PTE_V
    SET_PTE_PA vs_l1, 2, (GPA_HI + 0x4000), PTE_V
    li t0, PTE_PBMT_NC | ((GPA_HI >> 12) << 10) | VS_RW
    la t1, vs_l0
    sd t0, 0(t1)                                        /* VA 0x0000: VS NC */
    li t0, PTE_PBMT_RSVD | ((GPA_HI >> 12) << 10) | VS_RW
    sd t0, 8(t1)                                        /* VA 0x1000: VS PBMT 3 */
    SET_PTE_PA vs_l0, 2, (GPA_HI + 0x1000), VS_RW       /* VA 0x2000: G NC */
    SET_PTE_PA vs_l0, 3, (GPA_HI + 0x2000), VS_RW       /* VA 0x3000: G PBMT 3 */
    SET_PTE_PA vs_l0b, 0, GPA_HI, PTE_V | PTE_R | PTE_W         /* A = D = 0 */
    SET_PTE_PA vs_l0c, 0, GPA_HI, PTE_V | PTE_R | PTE_W         /* A = D = 0 */
    SET_PTE_PA vs_l0c, 1, GPA_HI, PTE_V | PTE_R | PTE_W | PTE_A /* D = 0 */
    SET_PTE_PA vs_l0c, 2, GPA_HI, PTE_V | PTE_R | PTE_X         /* A = 0 */
    SET_PTE_PA vs_l0c, 3, GPA_HI, VS_RW
    la t0, vs_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39
    or t0, t0, t1
    csrw CSR_VSATP, t0

    /* Svpbmt */
    li s5, 0x8
    VTRY "VS PBMT NC, henvcfg.PBMTE = 0", PRV_S, 1, ld s4, 0(s5)
    li t0, MENVCFG_PBMTE
    csrs CSR_HENVCFG, t0
    .option push
    .option arch, +h
    hfence.vvma
    .option pop
    VTRY "VS PBMT NC, henvcfg.PBMTE = 1", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, 0x1008
    VTRY "VS PBMT 3", PRV_S, 1, ld s4, 0(s5)
    li s5, 0x3008
    VTRY "G PBMT 3", PRV_S, 1, ld s4, 0(s5)
    li t0, MENVCFG_PBMTE
    csrc CSR_MENVCFG, t0
    .option push
    .option arch, +h
    hfence.gvma
    .option pop
    csrr a0, CSR_HENVCFG
    li t0, MENVCFG_PBMTE
    and a0, a0, t0
    PRINT "henvcfg.PBMTE with menvcfg.PBMTE = 0", a0
    li s5, 0x2008
    VTRY "G PBMT NC, menvcfg.PBMTE = 0", PRV_S, 1, ld s4, 0(s5)
    li t0, MENVCFG_PBMTE
    csrs CSR_MENVCFG, t0

    /* the G-stage D bit of a VS-level page table's page */
    li s5, 0x200008
    VTRY "VS load, VS A = 0, its table in a G page with A = D = 0", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    PRINT_AD "VS leaf A/D", vs_l0b, 0
    PRINT_AD "G leaf A/D of the table's page", g_l0, 3

    /* VS-stage A/D writes to a table that G-stage maps read-only */
    li s5, 0x400008
    VTRY "VS load, VS A = 0, table read-only in G", PRV_S, 1, ld s4, 0(s5)
    PCSR "mtinst", CSR_MTINST
    li s5, 0x401008
    VTRY "VS store, VS D = 0, table read-only in G", PRV_S, 1, sd s4, 0(s5)
    PCSR "mtinst", CSR_MTINST
    li s5, 0x402000
    VTRY "VS fetch, VS A = 0, table read-only in G", PRV_S, 1, jalr ra, 0(s5)
    PCSR "mtinst", CSR_MTINST
    li s5, 0x403008
    VTRY "VS load, VS A = D = 1, table read-only in G", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    PRINT_AD "VS leaves A/D", vs_l0c, 0
    li t0, 1 << CAUSE_LOAD_GUEST_PAGE_FAULT
    csrw medeleg, t0
    li s5, 0x400008
    VTRY "VS load, VS A = 0, table read-only in G, to HS", PRV_S, 1, ld s4, 0(s5)
    PCSR "htinst", CSR_HTINST
    csrw medeleg, zero
    csrw CSR_VSATP, zero
    csrw CSR_HGATP, zero
TEST_END
