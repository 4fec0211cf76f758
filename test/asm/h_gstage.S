/* The H extension's two-stage address translation: G-stage Sv39x4 through
 * hgatp (the widened 16 KiB root, GPA bits 63:41 must be zero, every access
 * checked as a U-mode one, mstatus.MXR) alone and under VS-stage Sv39
 * through vsatp (whose page tables live at guest physical addresses), and
 * their faults: page faults (12, 13, 15) from VS-stage, guest-page faults
 * (20, 21, 23) from G-stage with the guest physical address >> 2 in
 * mtval2/htval, also for the implicit reads of VS-stage page tables;
 * hardware A/D updates of both stages; HLV/HLVX/HSV through both stages
 * from HS-mode; mstatus.MPRV with MPV; HFENCE.GVMA; switching VMIDs.
 * QEMU 7.2 departs from the spec in cases this test leaves out (h_spec.S
 * checks them): it faults on GPAs with bit 40 set in Sv39x4, ignores HS's
 * mstatus.MXR for G-stage, reports G-stage faults of VS-stage page-table
 * reads as load faults whatever the access, and HLVX needs G-stage read
 * permission, and HLV from U-mode to a VS-stage S page is an access fault
 * there instead of a page fault. mtinst/htinst are not printed (the pseudoinstructions are
 * checked in h_spec.S).
 * Privileged spec 1.12, "Hypervisor Extension": 8.2.10 (hgatp), 8.5
 * (two-stage address translation), 8.6.3 (HLV/HSV).
 * qemu-cpu: rv64,h=true
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "paging.h"
#include "hyp.h"

#define G_GIGA(pa)  ((((pa) >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define GPA_BASE    0x100000000     /* G-stage: 4 KiB pages from here (root index 4) */
#define GPA_RW      (GPA_BASE + 0x0000)    /* U RW -> g_rw */
#define GPA_RO      (GPA_BASE + 0x1000)    /* U R  -> g_ro */
#define GPA_NOU     (GPA_BASE + 0x2000)    /* RW without U -> g_rw */
#define GPA_INV     (GPA_BASE + 0x3000)    /* V = 0 */
#define GPA_XO      (GPA_BASE + 0x4000)    /* U X only -> g_xo */
#define GPA_AD      (GPA_BASE + 0x5000)    /* U RW, A = D = 0 -> g_ad */
#define GPA_TOP     0x1ffc0000000   /* root index 2047: a gigapage -> the image */
#define GPA_WIDE    0x20000000000   /* bit 41: beyond Sv39x4 */

/* VS-stage virtual addresses (vsatp Sv39, tables at GPAs = image addresses) */
#define VA_RW       0x1000      /* -> GPA_RW */
#define VA_GINV     0x2000      /* -> GPA_INV: guest-page fault */
#define VA_INV      0x3000      /* V = 0 in VS-stage: page fault */
#define VA_RO       0x4000      /* VS RW -> GPA_RO: a store faults in G-stage */
#define VA_XO       0x5000      /* VS RX -> GPA_XO */
#define VA_AD       0x6000      /* VS RW, A = D = 0 -> GPA_AD */
#define VA_PTBAD    0x200000    /* VS l1[1] points to a table at GPA_INV */

    .bss
    .align 14
g_root:  .skip 16384
g_root2: .skip 16384
    .align 12
g_l1:    .skip 4096
g_l0:    .skip 4096
g_l0b:   .skip 4096
vs_root: .skip 4096
vs_l1:   .skip 4096
vs_l0:   .skip 4096

    .data
    .align 12
g_rw:  .dword 0x1111111111111111
    .align 12
g_ro:  .dword 0x2222222222222222
    .align 12
g_xo:  .dword 0x3333333333333333
    .align 12
g_ad:  .dword 0x4444444444444444
    .align 12
g_alt: .dword 0x5555555555555555
    .align 3
    .text

/* Set table[index] to a G-stage or VS-stage PTE for label/address. */
.macro PTE_TO table, index, target, flags
    SET_PTE \table, \index, \target, \flags
.endm

/* hgatp := Sv39x4 | vmid | PPN(root). Clobbers t0, t1. */
.macro HGATP root, vmid
    la t0, \root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39 | (\vmid << 44)
    or t0, t0, t1
    csrw CSR_HGATP, t0
.endm

/* Print (from M) the dword at the label's G-stage leaf PTE's A and D bits. */
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

    /* G-stage: the image by a gigapage at GPA = PA, and again at the top of
     * the 41-bit space; 4 KiB pages at GPA_BASE. */
    li t0, G_GIGA(0x80000000)
    la t1, g_root
    sd t0, 2*8(t1)
    li t2, 2047*8
    add t2, t1, t2
    sd t0, 0(t2)
    SET_NEXT g_root, 4, g_l1
    SET_NEXT g_l1, 0, g_l0
    PTE_TO g_l0, 0, g_rw, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    PTE_TO g_l0, 1, g_ro, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D
    PTE_TO g_l0, 2, g_rw, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    PTE_TO g_l0, 4, g_xo, PTE_V | PTE_X | PTE_U | PTE_A | PTE_D
    PTE_TO g_l0, 5, g_ad, PTE_V | PTE_R | PTE_W | PTE_U
    /* A second guest (root g_root2): the same, but GPA_RW -> g_alt */
    li t0, G_GIGA(0x80000000)
    la t1, g_root2
    sd t0, 2*8(t1)
    SET_NEXT g_root2, 4, g_l1b_holder
    HGATP g_root, 1

    /* ---- G-stage only (vsatp Bare) ---------------------------------------- */
    li s5, GPA_RW
    VTRY "VS load GPA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, GPA_RO
    VTRY "VS store GPA_RO", PRV_S, 1, sd zero, 0(s5)
    li s5, GPA_NOU
    VTRY "VS load GPA_NOU (no U)", PRV_S, 1, ld s4, 0(s5)
    li s5, GPA_INV + 8
    VTRY "VS load GPA_INV", PRV_S, 1, ld s4, 0(s5)
    li s5, GPA_WIDE
    VTRY "VS load GPA bit 41", PRV_S, 1, ld s4, 0(s5)
    li s5, GPA_XO
    VTRY "VS load GPA_XO", PRV_S, 1, ld s4, 0(s5)
    VTRY "VS fetch GPA_XO+4", PRV_S, 1, jalr ra, 4(s5)
    li s5, GPA_RW
    VTRY "VS fetch GPA_RW (no X)", PRV_S, 1, jalr ra, 0(s5)
    li s5, GPA_AD
    VTRY "VS load GPA_AD", PRV_S, 1, ld s4, 0(s5)
    PRINT_AD "G-stage A/D after load", g_l0, 5
    VTRY "VS store GPA_AD", PRV_S, 1, sd s4, 0(s5)
    PRINT_AD "G-stage A/D after store", g_l0, 5
    /* guest-page faults delegated to HS: htval, GVA */
    li t0, (1 << CAUSE_LOAD_GUEST_PAGE_FAULT) | (1 << CAUSE_STORE_GUEST_PAGE_FAULT)
    csrw medeleg, t0
    li s5, GPA_INV + 0x10
    VTRY "VU load GPA_INV to HS", PRV_U, 1, ld s4, 0(s5)
    li s5, GPA_RO + 0x18
    VTRY "VS store GPA_RO to HS", PRV_S, 1, sd zero, 0(s5)
    csrw medeleg, zero

    /* ---- VS-stage Sv39 under G-stage -------------------------------------- */
    li t0, G_GIGA(0x80000000) & ~PTE_U      /* VS-stage: the image, S-only */
    la t1, vs_root
    sd t0, 2*8(t1)
    SET_NEXT vs_root, 0, vs_l1
    SET_NEXT vs_l1, 0, vs_l0
    SET_PTE_PA vs_l1, 1, GPA_INV, PTE_V       /* VA_PTBAD: table at an unmapped GPA */
    SET_PTE_PA vs_l0, 1, GPA_RW, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA vs_l0, 2, GPA_INV, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA vs_l0, 4, GPA_RO, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA vs_l0, 5, GPA_XO, PTE_V | PTE_R | PTE_X | PTE_A | PTE_D
    SET_PTE_PA vs_l0, 6, GPA_RW, PTE_V | PTE_R | PTE_W
    la t0, vs_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39
    or t0, t0, t1
    csrw CSR_VSATP, t0
    li s5, VA_RW
    VTRY "VS load VA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    li s5, VA_GINV + 0x20
    VTRY "VS load VA_GINV", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_INV
    VTRY "VS load VA_INV", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_RO
    VTRY "VS store VA_RO", PRV_S, 1, sd zero, 0(s5)
    li s5, VA_XO
    VTRY "VS load VA_XO (G X only)", PRV_S, 1, ld s4, 0(s5)
    li s5, VA_PTBAD + 0x3000
    VTRY "VS load VA_PTBAD", PRV_S, 1, ld s4, 0(s5)
    VTRY "VU runs code on an S page", PRV_U, 1, nop
    li s5, VA_AD
    VTRY "VS store VA_AD", PRV_S, 1, sd zero, 8(s5)
    PRINT_AD "VS-stage A/D after store", vs_l0, 6

    /* HLV/HSV from HS, MPRV with MPV from M */
    .option push
    .option arch, +h
    li t0, HSTATUS_SPVP
    csrw CSR_HSTATUS, t0
    li s5, VA_RW
    VTRY "hlv.d VA_RW from HS", PRV_S, 0, hlv.d s4, (s5)
    PRINT "value", s4
    li s5, VA_GINV
    VTRY "hsv.d VA_GINV from HS", PRV_S, 0, hsv.d zero, (s5)
    li t0, 1 << CAUSE_STORE_GUEST_PAGE_FAULT
    csrw medeleg, t0
    VTRY "hsv.d VA_GINV from HS to HS", PRV_S, 0, hsv.d zero, (s5)
    csrw medeleg, zero
    csrw CSR_HSTATUS, zero
    .option pop
    li t0, MSTATUS_MPRV | MSTATUS_MPV | (PRV_S << MSTATUS_MPP_SHIFT)
    csrs mstatus, t0
    li s5, VA_RW
    ld s4, 0(s5)
    li t0, MSTATUS_MPRV | MSTATUS_MPV | MSTATUS_MPP
    csrc mstatus, t0
    PRINT "M load with MPRV and MPV", s4

    /* Another VMID with another G-stage root, then back; HFENCE.GVMA */
    SET_NEXT g_l1b_holder, 0, g_l0b
    PTE_TO g_l0b, 0, g_alt, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    li t0, 0
    csrw CSR_VSATP, t0
    HGATP g_root2, 2
    li s5, GPA_RW
    VTRY "VMID 2: load GPA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    HGATP g_root, 1
    VTRY "VMID 1: load GPA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
    PTE_TO g_l0, 0, g_alt, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    .option push
    .option arch, +h
    hfence.gvma
    .option pop
    VTRY "VMID 1 after hfence.gvma: load GPA_RW", PRV_S, 1, ld s4, 0(s5)
    PRINT "value", s4
TEST_END

    .bss
    .align 12
g_l1b_holder: .skip 4096
