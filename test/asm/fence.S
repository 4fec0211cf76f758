/* SFENCE.VMA and FENCE.I: after a page-table change and an SFENCE.VMA
 * (by address, by ASID, or global) the new translation is used, for loads
 * and for instruction fetch; a satp switch between two tables takes effect;
 * code written by stores (through its own address or through another
 * virtual alias of the same page) runs in its new form after FENCE.I.
 * Only what is ordered by the fences is checked: without them the spec
 * leaves stale translations and instructions allowed.
 * Privileged spec 4.2.1 (SFENCE.VMA); unprivileged spec "Zifencei" (6). */
#include "test.h"
#include "paging.h"

#define VA_DATA  0x1000
#define VA_CODE  0x2000
#define VA_ALIAS 0x3000         /* S RW view of the patchable code page */

    .bss
    .align 12
root:   .skip 4096
root2:  .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096
l1_low2: .skip 4096
l0_low2: .skip 4096

    .data
    .align 12
pg_a:   .dword 0xaaaaaaaaaaaaaaaa
    .align 12
pg_b:   .dword 0xbbbbbbbbbbbbbbbb
    .align 12
code_a: li a0, 0xa                    /* two versions of a function */
        ret
    .align 12
code_b: li a0, 0xb
        ret
    .align 12
patch:  .option push
        .option norvc
        li a0, 1                      /* rewritten below */
        ret
        .option pop
    .align 12

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 2, code_a, PTE_V | PTE_R | PTE_X | PTE_A
    SET_PTE l0_low, 3, patch, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    /* a second address space: the same image, the other pages */
    SET_NEXT root2, 2, l1_img
    SET_NEXT root2, 0, l1_low2
    SET_NEXT l1_low2, 0, l0_low2
    SET_PTE l0_low2, 1, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low2, 2, code_a, PTE_V | PTE_R | PTE_X | PTE_A
    ret

TEST_BEGIN
    call build_tables

    /* FENCE.I in M, no paging: store a new instruction, fence, run it */
    call patch
    PRINT "patch before", a0
    la t0, patch
    li t1, 0x00200513                 /* addi a0, zero, 2 */
    sw t1, 0(t0)
    fence.i
    call patch
    PRINT "patch after store + fence.i", a0

    SET_SATP SATP_MODE_SV39, root
    ENTER_MODE PRV_S, 1f
1:  li t2, VA_DATA
    ld s0, 0(t2)
    li t2, VA_CODE
    jalr t2
    mv s1, a0
    RETURN_TO_M
    PRINT "S data through root", s0
    PRINT "S code through root", s1

    /* remap VA_DATA and VA_CODE in place (M writes the PTEs), then fence
     * by address */
    SET_PTE l0_low, 1, pg_b, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    SET_PTE l0_low, 2, code_b, PTE_V | PTE_R | PTE_X | PTE_A
    ENTER_MODE PRV_S, 2f
2:  li t2, VA_DATA
    sfence.vma t2, zero
    ld s0, 0(t2)
    li t2, VA_CODE
    sfence.vma t2, zero
    jalr t2
    mv s1, a0
    RETURN_TO_M
    PRINT "S data after remap + sfence.vma va", s0
    PRINT "S code after remap + sfence.vma va", s1

    /* invalidate the data page; a global fence makes it fault */
    SET_PTE l0_low, 1, pg_a, PTE_R | PTE_W | PTE_A | PTE_D
    li s0, -1
    ENTER_MODE PRV_S, 3f
3:  sfence.vma
    li t2, VA_DATA
    ld s0, 0(t2)                      /* 13 */
    RETURN_TO_M
    PRINT "S data after invalidation (faulted)", s0

    /* switch address spaces: satp := root2 with ASID 1, then fence that ASID */
    ENTER_MODE PRV_S, 4f
4:  la t0, root2
    srli t0, t0, 12
    li t1, SATP_MODE_SV39 | (1 << 44)
    or t0, t0, t1
    csrw satp, t0
    li t0, 1
    sfence.vma zero, t0
    li t2, VA_DATA
    ld s0, 0(t2)
    li t2, VA_CODE
    jalr t2
    mv s1, a0
    RETURN_TO_M
    PRINT "S data through root2", s0
    PRINT "S code through root2", s1
    SET_SATP SATP_MODE_SV39, root

    /* code patched through an alias: S writes the code page at VA_ALIAS,
     * then runs it at its identity address after FENCE.I */
    ENTER_MODE PRV_S, 5f
5:  call patch                        /* (identity: the image map) */
    mv s0, a0
    li t2, VA_ALIAS
    li t1, 0x00300513                 /* addi a0, zero, 3 */
    sw t1, 0(t2)
    fence.i
    call patch
    mv s1, a0
    RETURN_TO_M
    PRINT "S patch before", s0
    PRINT "S patch after store through alias + fence.i", s1
    csrw satp, zero
    sfence.vma
TEST_END
