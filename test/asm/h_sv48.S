/* The H extension's 48-bit translation modes and page-table extensions under
 * both stages: G-stage Sv48x4 through hgatp (MODE 9: four levels, a 16 KiB
 * root indexed by GPA bits 49:39, GPA bits 63:50 must be zero, a 512 GiB
 * leaf at the root; QEMU 7.2 faults on GPA bit 49, so root indexes above
 * 1023 are checked in h_sv48_spec.S) and VS-stage Sv48 through vsatp (four levels, VAs
 * sign-extended from bit 47); Svnapot 64 KiB pages and Svpbmt memory types
 * (NC, IO: no change to what RAM reads) in either stage, a reserved NAPOT
 * encoding (a page fault in VS-stage, a guest-page fault in G-stage); and
 * the A/D bits both stages set in hardware: the VS-stage leaf's and the
 * G-stage leaf's of the data page on a load (A) and a store (A and D), and
 * the G-stage leaf's A of a page holding VS-stage page tables, which the
 * VS-stage walk reads. What QEMU 7.2 gets wrong here (PBMTE = 0 and the
 * reserved PBMT value, the G-stage D bit and faults of the VS-stage A/D
 * write) is in h_sv48_spec.S, by hand.
 * Privileged spec 1.12: 8.2.10 (hgatp), 8.5 (two-stage translation: Sv48x4),
 * 4.5 (Sv48), chapters Svnapot and Svpbmt.
 * qemu-cpu: rv64,h=true,svnapot=true,svpbmt=true
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "paging.h"
#include "hyp.h"

#define G_TERA      (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)   /* 512 GiB at PA 0 */
#define GPA_HI      0x10000000000       /* bit 40: root index 2, four levels */
#define GPA_RW      (GPA_HI + 0x0000)   /* U RW -> g_rw */
#define GPA_AD      (GPA_HI + 0x1000)   /* U RW, A = D = 0 -> g_ad */
#define GPA_BADN    (GPA_HI + 0x2000)   /* N with ppn[3:0] = 0100 */
#define GPA_PT      (GPA_HI + 0x3000)   /* U RW, A = D = 0 -> vs_l0b (a VS-stage table) */
#define GPA_NC      (GPA_HI + 0x4000)   /* U RW, PBMT = NC -> g_rw */
#define GPA_IO      (GPA_HI + 0x5000)   /* U RW, PBMT = IO -> g_rw */
#define GPA_NAPOT   (GPA_HI + 0x10000)  /* 64 KiB NAPOT -> g_napot */
#define GPA_TOP     0x1ff8000000000     /* root index 1023: 512 GiB at PA 0 */
#define GPA_WIDE    0x4000000000000     /* bit 50: beyond Sv48x4 */

#define VA_HI       0x8000000000        /* bit 39: VS root index 1, four levels */
#define VA_RW       (VA_HI + 0x0000)    /* -> GPA_RW */
#define VA_AD       (VA_HI + 0x1000)    /* VS RW, A = D = 0 -> GPA_RW */
#define VA_BADN     (VA_HI + 0x2000)    /* VS N with ppn[3:0] = 0100 */
#define VA_GAD      (VA_HI + 0x3000)    /* -> GPA_AD */
#define VA_GBADN    (VA_HI + 0x4000)    /* -> GPA_BADN */
#define VA_NC       (VA_HI + 0x5000)    /* VS PBMT = NC -> GPA_NC (PBMT = NC) */
#define VA_IO       (VA_HI + 0x6000)    /* VS PBMT = IO -> GPA_RW */
#define VA_NAPOT    (VA_HI + 0x10000)   /* VS 64 KiB NAPOT -> GPA of g_napot */
#define VA_GNAPOT   (VA_HI + 0x20000)   /* -> GPA_NAPOT + 0x5000 */
#define VA_PT       (VA_HI + 0x200000)  /* VS l1[1] -> the table at GPA_PT */
#define VA_NONCANON 0x800000000000      /* bit 47 set, 63:48 clear */

    .bss
    .align 14
g_root:  .skip 16384
    .align 12
g_l2:    .skip 4096
g_l1:    .skip 4096
g_l0:    .skip 4096
vs_root: .skip 4096
vs_l2:   .skip 4096
vs_l1:   .skip 4096
vs_l0:   .skip 4096
vs_l0b:  .skip 4096
    .align 16
g_napot: .skip 65536

    .data
    .align 12
g_rw:  .dword 0x1111111111111111
    .align 12
g_ad:  .dword 0x4444444444444444
    .text

/* table[index] := high | PPN(target) | flags, for any index. Clobbers t0-t2. */
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

/* table[index] := value. Clobbers t0, t1. */
.macro PTE_V64 table, index, value
    la t1, \table
    li t0, \index * 8
    add t1, t1, t0
    li t0, \value
    sd t0, 0(t1)
.endm

/* Print the A and D bits of table[index]. Clobbers a0. */
.macro PRINT_AD name, table, index
    la a0, \table
    ld a0, (\index * 8)(a0)
    andi a0, a0, PTE_A | PTE_D
    PRINT "\name", a0
.endm

#define G_RW   (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define VS_RW  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

TEST_BEGIN
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    li t0, MENVCFG_PBMTE
    csrs CSR_MENVCFG, t0
    csrs CSR_HENVCFG, t0
    /* values in the NAPOT page, 0x5008 and 0xc000 into it */
    la t0, g_napot
    li t1, 0x5008
    add t1, t0, t1
    li t2, 0x5555555555555555
    sd t2, 0(t1)
    li t1, 0xc000
    add t1, t0, t1
    li t2, 0x6666666666666666
    sd t2, 0(t1)

    /* G-stage Sv48x4: GPA 0 and GPA_TOP -> PA 0 (512 GiB leaves); GPA_HI: 4 KiB pages */
    PTE_V64 g_root, 0, G_TERA
    PTE_V64 g_root, 1023, G_TERA
    SET_NEXT g_root, 2, g_l2
    SET_NEXT g_l2, 0, g_l1
    SET_NEXT g_l1, 0, g_l0
    PTE_H g_l0, 0, g_rw, G_RW, 0
    PTE_H g_l0, 1, g_ad, PTE_V | PTE_R | PTE_W | PTE_U, 0
    PTE_H g_l0, 2, g_rw, G_RW, PTE_N | 0x1000
    PTE_H g_l0, 3, vs_l0b, PTE_V | PTE_R | PTE_W | PTE_U, 0
    PTE_H g_l0, 4, g_rw, G_RW, PTE_PBMT_NC
    PTE_H g_l0, 5, g_rw, G_RW, PTE_PBMT_IO
    .irp i, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    PTE_H g_l0, \i, g_napot, G_RW, PTE_N | 0x2000
    .endr
    la t0, g_root
    srli t0, t0, 12
    li t1, HGATP_MODE_SV48X4 | (1 << 44)
    or t0, t0, t1
    csrw CSR_HGATP, t0
    PCSR "hgatp", CSR_HGATP

    /* ---- G-stage only (vsatp Bare) ---------------------------------------- */
    li s5, GPA_RW
    VTRY "VS load GPA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_TOP
    la s6, g_rw
    add s5, s5, s6
    VTRY "VS load GPA_TOP + g_rw", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_WIDE
    VTRY "VS load GPA bit 50", PRV_S, 1, ld s4, 0(s5)
    li s5, GPA_HI + 0x6000
    VTRY "VS load GPA_HI + 0x6000 (invalid)", PRV_S, 1, ld s4, 0(s5)
    li s5, GPA_NAPOT + 0x5008
    VTRY "VS load G NAPOT + 0x5008", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_NAPOT + 0xc000
    VTRY "VS load G NAPOT + 0xc000", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_BADN
    VTRY "VS load G reserved NAPOT", PRV_S, 1, ld s4, 0(s5)
    li s5, GPA_NC
    VTRY "VS load G PBMT NC", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_IO
    VTRY "VS load G PBMT IO", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_AD
    VTRY "VS load GPA_AD", PRV_S, 1, ld s4, 0(s5)
    PRINT_AD "G leaf A/D after load", g_l0, 1
    VTRY "VS store GPA_AD", PRV_S, 1, sd s4, 0(s5)
    PRINT_AD "G leaf A/D after store", g_l0, 1
    /* A/D back to 0 for the two-stage case; the G-stage changed: HFENCE.GVMA */
    PTE_H g_l0, 1, g_ad, PTE_V | PTE_R | PTE_W | PTE_U, 0
    .option push
    .option arch, +h
    hfence.gvma
    .option pop

    /* ---- VS-stage Sv48 under G-stage Sv48x4 ------------------------------- */
    PTE_V64 vs_root, 0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D   /* 512 GiB, S */
    SET_NEXT vs_root, 1, vs_l2
    SET_NEXT vs_l2, 0, vs_l1
    SET_NEXT vs_l1, 0, vs_l0
    SET_PTE_PA vs_l1, 1, GPA_PT, PTE_V
    SET_PTE_PA vs_l0, 0, GPA_RW, VS_RW
    SET_PTE_PA vs_l0, 1, GPA_RW, PTE_V | PTE_R | PTE_W
    PTE_H vs_l0, 2, g_napot, VS_RW, PTE_N | 0x1000
    SET_PTE_PA vs_l0, 3, GPA_AD, VS_RW
    SET_PTE_PA vs_l0, 4, GPA_BADN, VS_RW
    SET_PTE_PA vs_l0, 5, GPA_NC, VS_RW | PTE_PBMT_NC
    SET_PTE_PA vs_l0, 6, GPA_RW, VS_RW | PTE_PBMT_IO
    .irp i, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    PTE_H vs_l0, \i, g_napot, VS_RW, PTE_N | 0x2000
    .endr
    .irp i, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47
    SET_PTE_PA vs_l0, \i, (GPA_NAPOT + (\i - 32) * 0x1000), VS_RW
    .endr
    SET_PTE_PA vs_l0b, 0, GPA_RW, VS_RW
    la t0, vs_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV48
    or t0, t0, t1
    csrw CSR_VSATP, t0
    PCSR "vsatp", CSR_VSATP

    li s5, VA_RW
    VTRY "VS load VA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, VA_NONCANON
    VTRY "VS load non-canonical VA", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_HI + 0x400000
    VTRY "VS load VA_HI + 4 MiB (invalid)", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_NAPOT + 0x5008
    VTRY "VS load VS NAPOT + 0x5008", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, VA_NAPOT + 0xc000
    VTRY "VS load VS NAPOT + 0xc000", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, VA_GNAPOT + 0x5008
    VTRY "VS load via G NAPOT + 0x5008", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, VA_BADN
    VTRY "VS load VS reserved NAPOT", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_GBADN
    VTRY "VS load via G reserved NAPOT", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_NC
    VTRY "VS load VS PBMT NC, G PBMT NC", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, VA_IO
    VTRY "VS load VS PBMT IO", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4

    /* A/D of both stages */
    li s5, VA_AD
    VTRY "VS load VA_AD (VS A = D = 0)", PRV_S, 1, ld s4, 0(s5)
    PRINT_AD "VS leaf A/D after load", vs_l0, 1
    VTRY "VS store VA_AD", PRV_S, 1, sd s4, 0(s5)
    PRINT_AD "VS leaf A/D after store", vs_l0, 1
    li s5, VA_GAD
    VTRY "VS load VA_GAD (G A = D = 0)", PRV_S, 1, ld s4, 0(s5)
    PRINT_AD "VS leaf A/D", vs_l0, 3
    PRINT_AD "G leaf A/D after load", g_l0, 1
    VTRY "VS store VA_GAD", PRV_S, 1, sd s4, 0(s5)
    PRINT_AD "G leaf A/D after store", g_l0, 1
    li s5, VA_PT
    VTRY "VS load VA_PT (VS table in a G page with A = 0)", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    PRINT_AD "G leaf A/D of the VS table's page", g_l0, 3
    csrw CSR_VSATP, zero
    csrw CSR_HGATP, zero
TEST_END
