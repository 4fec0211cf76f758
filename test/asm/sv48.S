/* Sv48 address translation: the four-level walk, with leaves at every
 * level (4 KiB, 2 MiB, 1 GiB and 512 GiB "terapages"), addresses beyond
 * Sv39's reach, misaligned superpages, the canonical-address rule on bit 47,
 * the top of the address space, U/S permission and the A/D update at a
 * deep level. Sv39-specific details are in sv39.S.
 * Privileged spec 4.5 (Sv48), 4.3.2 (the translation algorithm). */
#include "test.h"
#include "paging.h"

#define VA_RW     0x1000                /* 4K page, S RW, A = D = 0 */
#define VA_USER   0x2000                /* 4K page, U RW */
#define VA_MEGA   0x200000              /* 2 MiB page at PA 0x80200000 */
#define VA_GIGA   0x40000000            /* 1 GiB page at PA 0x80000000 */
#define VA_TERA   0x0000008000000000    /* 512 GiB page at PA 0 */
#define VA_TERA_MISALIGNED 0x0000010000000000
#define VA_TOP    0xffffff8000000000    /* 512 GiB page at PA 0 */
#define PA_MEGA   0x80200000

    .bss
    .align 12
root:   .skip 4096
l2_low: .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .data
    .align 12
pg_rw:   .dword 0x1111111111111111, 0
    .align 12
pg_user: .dword 0x2222222222222222
    .align 12

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT root, 0, l2_low
    SET_NEXT l2_low, 2, l1_img        /* VA 0x80000000: the image */
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT l2_low, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_rw, PTE_V | PTE_R | PTE_W
    SET_PTE l0_low, 2, pg_user, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
    SET_PTE_PA l1_low, 1, PA_MEGA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA l2_low, 1, IMAGE_BASE, PTE_V | PTE_R | PTE_A
    SET_PTE_PA root, 1, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE_PA root, 2, IMAGE_BASE, PTE_V | PTE_R | PTE_A
    SET_PTE_PA root, 511, 0, PTE_V | PTE_R | PTE_A
    ret

.macro LOAD_VA dst, va
    li t2, \va
    ld \dst, 0(t2)
.endm

TEST_BEGIN
    call build_tables
    li t0, PA_MEGA + 8
    li t1, 0x6d6567616d656761
    sd t1, 0(t0)
    SET_SATP SATP_MODE_SV48, root
    csrr a0, satp
    srli a0, a0, 60
    PRINT "satp.MODE", a0

    li s0, -1
    li s1, -1
    li s2, -1
    li s3, -1
    li s4, -1
    li s5, -1
    li s6, -1
    li s7, -1
    ENTER_MODE PRV_S, 1f
1:  LOAD_VA s0, VA_RW                 /* four levels down */
    li t2, VA_RW
    sd s0, 8(t2)
    LOAD_VA s1, VA_MEGA + 8
    la t3, pg_rw
    li t0, IMAGE_BASE
    sub t3, t3, t0                    /* offset of pg_rw in the image */
    li t0, VA_GIGA
    add t0, t0, t3
    ld s2, 0(t0)
    la t3, pg_rw                      /* terapage at PA 0: VA = TERA + PA */
    li t0, VA_TERA
    add t0, t0, t3
    ld s3, 0(t0)
    sd s3, 8(t0)
    LOAD_VA s4, VA_TERA_MISALIGNED    /* PPN[2] != 0: 13 */
    la t3, pg_rw
    li t0, VA_TOP
    add t0, t0, t3
    ld s5, 0(t0)                      /* the top terapage (read-only) */
    sd s5, 8(t0)                      /*   15 */
    LOAD_VA s6, 0x0000800000000000    /* bit 47 set, 63:48 clear: 13 */
    LOAD_VA s6, 0xffff800000001000    /* canonical, root[256] empty: 13 */
    LOAD_VA s6, 0x0000004000000000    /* beyond Sv39, not mapped: 13 */
    LOAD_VA s7, VA_USER               /* U page from S: 13 */
    RETURN_TO_M
    PRINT "S load 4K (4 levels)", s0
    PRINT "S load megapage", s1
    PRINT "S load gigapage", s2
    PRINT "S load terapage", s3
    PRINT "S load misaligned terapage (faulted)", s4
    PRINT "S load top terapage", s5
    PRINT "S load non-canonical / unmapped (faulted)", s6
    PRINT "S load U page (faulted)", s7
    la t0, l0_low
    ld a0, 1 * 8(t0)
    andi a0, a0, PTE_A | PTE_D
    PRINT "level-0 PTE A/D after load and store", a0

    li s0, -1
    li s1, -1
    ENTER_MODE PRV_U, 2f
    U_CODE
2:  LOAD_VA s0, VA_USER
    LOAD_VA s1, VA_RW                 /* S page from U: 13 */
    END_U_CODE
    PRINT "U load U page", s0
    PRINT "U load S page (faulted)", s1
    csrw satp, zero
    sfence.vma
TEST_END
