/* Svpbmt's reserved encodings (the rest is in svpbmt.S). With
 * menvcfg.PBMTE = 0 the hart behaves as without Svpbmt: bits 62:61 are
 * reserved, and a leaf or non-leaf PTE with any of them set is a page
 * fault of the access's kind (load 13, store 15, fetch 12; the superpage
 * too), and no store goes through. With PBMTE = 1, the reserved value
 * PBMT = 3 in a leaf is a page fault.
 * Privileged spec: "Svpbmt" Extension for Page-Based Memory Types,
 * Version 1.0 ("using this reserved value in a leaf PTE raises a
 * page-fault exception"); 3.1.18 (menvcfg.PBMTE: "When PBMTE=0, the
 * implementation behaves as though Svpbmt were not implemented"); 4.4.1
 * (Sv39: "If Svpbmt is not implemented, bits 62-61 remain reserved ... or
 * else a page-fault exception is raised").
 * hand-written: QEMU 7.2 ignores menvcfg.PBMTE = 0 and does not fault on PBMT = 3
 */
#include "test.h"
#include "paging.h"

#define VA_PMA   0x1000
#define VA_NC    0x2000
#define VA_IO    0x3000
#define VA_RSVD  0x4000
#define VA_NCX   0x5000        /* NC, execute */
#define VA_RSVDX 0x6000        /* PBMT = 3, execute */
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
    SET_PTE_HIGH l0_low, 4, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, PTE_PBMT_RSVD
    SET_PTE_HIGH l0_low, 5, pg_code, PTE_V | PTE_X | PTE_A, PTE_PBMT_NC
    SET_PTE_HIGH l0_low, 6, pg_code, PTE_V | PTE_X | PTE_A, PTE_PBMT_RSVD
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
    li s1, VA_RSVD
    TRY "\what: load PBMT 3", ld a4, 0(s1)
    TRY "\what: store PBMT 3", sd a7, 8(s1)
    li s1, VA_NONLEAF
    TRY "\what: load through a non-leaf PTE with PBMT", ld a5, 0(s1)
    li s1, VA_MEGA
    TRY "\what: load IO megapage", ld s2, 8(s1)
    li s1, VA_NCX
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

    /* PBMTE = 0: nonzero PBMT is reserved */
    csrw menvcfg, zero
    SET_SATP SATP_MODE_SV39, root
    li a6, 0x2222
    li a7, 0x3333
    ENTER_MODE PRV_S, 1f
1:  ACCESSES "PBMTE 0"
    RETURN_TO_M
    PRINT_TRIES
    la t0, pg_a
    ld a1, 8(t0)
    PRINT "pg_a+8 (no store went through)", a1

    /* PBMTE = 1 (changing it needs SFENCE.VMA): PBMT = 3 is reserved */
    li t0, MENVCFG_PBMTE
    csrw menvcfg, t0
    sfence.vma
    ENTER_MODE PRV_S, 2f
2:  li s1, VA_RSVD
    TRY "PBMTE 1: load PBMT 3", ld a4, 0(s1)
    TRY "PBMTE 1: store PBMT 3", sd a7, 8(s1)
    li s1, VA_RSVDX
    SET_RESUME 3f
    TRY_BEGIN
    jalr s1
3:  TRY_END "PBMTE 1: fetch PBMT 3"
    RETURN_TO_M
    PRINT_TRIES
    la t0, pg_a
    ld a1, 8(t0)
    PRINT "pg_a+8 (no store went through)", a1

    csrw satp, zero
    sfence.vma
    csrw menvcfg, zero
TEST_END
