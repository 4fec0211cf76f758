/* Svpbmt: page-based memory types in bits 62:61 of a leaf PTE (0 PMA,
 * 1 NC, 2 IO, 3 reserved), enabled by menvcfg.PBMTE = 1: NC and IO leaves
 * (4 KiB and superpages) translate as usual (main memory stays the same
 * memory: a store through an IO alias is seen through the PMA alias); an
 * NC page can be fetched from. PBMT bits in a non-leaf PTE are reserved:
 * page fault. Loads and stores here are naturally aligned (a misaligned
 * access to an IO page may fault, the spec lets it).
 * QEMU 7.2 ignores menvcfg.PBMTE = 0 and takes PBMT = 3 as a memory type:
 * those page faults are in svpbmt_reserved.S, checked against the spec.
 * Privileged spec: "Svpbmt" Extension for Page-Based Memory Types,
 * Version 1.0; 3.1.18 (menvcfg.PBMTE); 4.4.1 (Sv39 PTE reserved bits).
 * qemu-cpu: rv64,svpbmt=true
 */
#include "test.h"
#include "paging.h"

#define VA_PMA   0x1000
#define VA_NC    0x2000
#define VA_IO    0x3000
#define VA_NCX   0x5000        /* NC, execute */
#define VA_NONLEAF 0x200000    /* through a non-leaf PTE with PBMT = NC */
#define VA_MEGA  0x400000      /* 2 MiB page at PA_MEGA, IO */
#define PA_MEGA  0x80400000

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096
l0_b:   .skip 4096

    .data
    .align 12
pg_a:   .dword 0x1111111111111111, 0
    .align 12
pg_code: addi a0, a0, 1
        ret
    .align 12

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_HIGH l0_low, 2, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, PTE_PBMT_NC
    SET_PTE_HIGH l0_low, 3, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, PTE_PBMT_IO
    SET_PTE_HIGH l0_low, 5, pg_code, PTE_V | PTE_X | PTE_A, PTE_PBMT_NC
    SET_PTE_HIGH l1_low, 1, l0_b, PTE_V, PTE_PBMT_NC
    SET_PTE l0_b, 0, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    li t0, ((PA_MEGA >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    li t1, PTE_PBMT_IO
    or t0, t0, t1
    la t1, l1_low
    sd t0, 2 * 8(t1)
    ret

/* every kind of access through the test mappings, from S */
.macro ACCESSES what
    li s1, VA_PMA
    TRY "\what: load PMA", ld a1, 0(s1)
    li s1, VA_NC
    TRY "\what: load NC", ld a2, 0(s1)
    TRY "\what: store NC", sd a6, 8(s1)
    li s1, VA_IO
    TRY "\what: load IO", ld a3, 0(s1)
    TRY "\what: store IO", sd a7, 8(s1)
    li s1, VA_NONLEAF
    TRY "\what: load through a non-leaf PTE with PBMT", ld a5, 0(s1)
    li s1, VA_MEGA
    TRY "\what: load IO megapage", ld s2, 8(s1)
    li s1, VA_NCX
    li a0, 41
    SET_RESUME .Lfetched\@
    TRY_BEGIN
    jalr s1
.Lfetched\@:
    TRY_END "\what: fetch NC"
.endm

TEST_BEGIN
    call build_tables
    li t0, PA_MEGA + 8
    li t1, 0x6d6567616d656761
    sd t1, 0(t0)

    li t0, MENVCFG_PBMTE
    csrw menvcfg, t0
    SET_SATP SATP_MODE_SV39, root
    li a1, 0
    li a2, 0
    li a3, 0
    li s2, 0
    li a0, 0
    ENTER_MODE PRV_S, 2f
2:  li a6, 0x4444
    li a7, 0x5555
    ACCESSES "PBMTE 1"
    li s1, VA_PMA
    ld s3, 8(s1)                      /* the IO store, seen through PMA */
    RETURN_TO_M
    PRINT_TRIES
    PRINT2 "loads PMA NC", a1, a2
    PRINT2 "loads IO megapage", a3, s2
    PRINT "NC code returned", a0
    PRINT "pg_a+8 through PMA after the stores", s3

    csrw satp, zero
    sfence.vma
    csrw menvcfg, zero
TEST_END
