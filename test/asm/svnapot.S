/* Svnapot: a 64 KiB NAPOT mapping made of 16 identical level-0 PTEs with
 * N = 1 and ppn[3:0] = 1000: a virtual address anywhere in the 64 KiB
 * range maps to the same offset in the physical 64 KiB region (vpn[0][3:0]
 * replaces ppn[3:0]), for loads and stores. Every other N encoding is
 * reserved and a page fault: ppn[3:0] = 0000, 0100 or odd at level 0, N on
 * a superpage (level 1), N on a non-leaf PTE.
 * Privileged spec: "Svnapot" Extension for NAPOT Translation Contiguity,
 * Version 1.0 (the table "Page table entry encodings when pte.N=1");
 * 4.3.2 step 3 (reserved bits and encodings: page fault).
 * qemu-cpu: rv64,svnapot=true
 */
#include "test.h"
#include "paging.h"

#define VA_NAPOT   0x10000     /* 64 KiB, good encoding */
#define VA_LOW0    0x20000     /* N with ppn[3:0] = 0000 */
#define VA_LOW4    0x30000     /* N with ppn[3:0] = 0100 */
#define VA_ODD     0x40000     /* N with ppn[3:0] = 1001 */
#define VA_SUPER   0x200000    /* N on a 2 MiB leaf */
#define VA_NONLEAF 0x400000    /* N on a non-leaf PTE */

    .bss
    .align 16
region: .skip 0x10000          /* the physical 64 KiB region */
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096
l0_b:   .skip 4096

    .text
/* table[first .. first+15] := N | PPN(region) with ppn[3:0] = low4 | flags.
 * Clobbers t0-t3. */
.macro SET_NAPOT16 table, first, low4, flags
    la t0, region
    srli t0, t0, 12
    ori t0, t0, \low4
    slli t0, t0, 10
    ori t0, t0, \flags
    li t1, PTE_N
    or t0, t0, t1
    la t1, \table
    addi t1, t1, \first * 8
    li t2, 16
1:  sd t0, 0(t1)
    addi t1, t1, 8
    addi t2, t2, -1
    bnez t2, 1b
.endm

#define RW_AD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_NAPOT16 l0_low, 16, 0x8, RW_AD
    SET_NAPOT16 l0_low, 32, 0x0, RW_AD
    SET_NAPOT16 l0_low, 48, 0x4, RW_AD
    SET_NAPOT16 l0_low, 64, 0x9, RW_AD
    SET_PTE_HIGH l1_low, 1, region, RW_AD, PTE_N   /* (region is not 2 MiB aligned: ppn[0] = 0 is what counts) */
    SET_PTE_HIGH l1_low, 2, l0_b, PTE_V, PTE_N
    SET_PTE l0_b, 0, region, RW_AD
    ret

TEST_BEGIN
    /* mark each 4 KiB page of the region at +0x400 */
    la t0, region
    li t1, 0
1:  li t2, 0xa00
    add t2, t2, t1
    sd t2, 0x400(t0)
    li t2, 0x1000
    add t0, t0, t2
    addi t1, t1, 1
    li t2, 16
    bltu t1, t2, 1b

    call build_tables
    SET_SATP SATP_MODE_SV39, root
    la s3, napot_seen
    ENTER_MODE PRV_S, 2f
2:  li s1, VA_NAPOT + 0x400
    mv s4, s3
    li s2, 16
3:  ld t0, 0(s1)
    sd t0, 0(s4)
    li t0, 0x1000
    add s1, s1, t0
    addi s4, s4, 8
    addi s2, s2, -1
    bnez s2, 3b
    li s1, VA_NAPOT + 0x7000
    li t0, 0x5707e
    sd t0, 0x18(s1)                   /* a store through the 8th page */
    ld s5, 0x18(s1)
    RETURN_TO_M
    .irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, a, b, c, d, e, f
    ld a0, 0x\i * 8(s3)
    PRINT "load VA_NAPOT+0x\i\()400", a0
    .endr
    PRINT "load VA_NAPOT+0x7018 after the store", s5
    la t0, region
    li t1, 0x7018
    add t0, t0, t1
    ld a0, 0(t0)
    PRINT "region+0x7018", a0

    /* reserved encodings */
    ENTER_MODE PRV_S, 4f
4:  li s1, VA_LOW0 + 0x3800
    TRY "N, ppn[3:0] 0000: load", ld a1, 0(s1)
    li s1, VA_LOW4 + 0x5800
    TRY "N, ppn[3:0] 0100: load", ld a1, 0(s1)
    TRY "N, ppn[3:0] 0100: store", sd a1, 0(s1)
    li s1, VA_ODD + 0x400
    TRY "N, ppn[3:0] 1001: load", ld a1, 0(s1)
    li s1, VA_SUPER + 0x400
    TRY "N on a 2 MiB leaf: load", ld a1, 0(s1)
    li s1, VA_NONLEAF + 0x400
    TRY "N on a non-leaf PTE: load", ld a1, 0(s1)
    RETURN_TO_M
    PRINT_TRIES
    csrw satp, zero
    sfence.vma
TEST_END

    .data
    .align 3
napot_seen: .skip 16 * 8
