/* A JIT keys compiled code by physical page (docs/hart.md, "JIT"): the same
 * physical code run through three virtual mappings (two aliases in S-mode
 * under Sv39 and its identity address) must compute with the pc of the
 * mapping it runs through (AUIPC, JAL links), and stay right after the
 * mapping of one alias is changed to another page (with SFENCE.VMA).
 * test/hart/jit.test.ts runs it with the JIT on against the interpreter.
 * Privileged spec 4.3 (Sv39), 4.2.1 (SFENCE.VMA). */
#include "test.h"
#include "paging.h"

#define VA_ONE 0x1000
#define VA_TWO 0x2000
#define N 300

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .data
    .align 12
/* a0 := a0 + 300 by a loop; a1 := this function's pc, as mapped; a2 := a link */
fn:     li t1, N
1:      addi a0, a0, 1
        addi t1, t1, -1
        bnez t1, 1b
        auipc a1, 0
        jal a2, 2f
2:      ret
    .align 12
/* another function, for VA_TWO after the remap */
fn2:    li t1, N
1:      addi a0, a0, 2
        addi t1, t1, -1
        bnez t1, 1b
        auipc a1, 0
        jal a2, 2f
2:      ret
    .align 12

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, fn, PTE_V | PTE_R | PTE_X | PTE_A
    SET_PTE l0_low, 2, fn, PTE_V | PTE_R | PTE_X | PTE_A
    ret

/* s2 calls of the function at address s3 (in S); the sums in a0, the last a1, a2 */
calls:
    mv s4, ra
    li a0, 0
1:  jalr s3
    addi s2, s2, -1
    bnez s2, 1b
    mv ra, s4
    ret

TEST_BEGIN
    call build_tables
    SET_SATP SATP_MODE_SV39, root
    ENTER_MODE PRV_S, 1f
1:  li s2, N
    li s3, VA_ONE
    call calls
    mv s5, a0
    mv s6, a1
    mv s7, a2
    li s2, N
    li s3, VA_TWO
    call calls
    mv s8, a0
    mv s9, a1
    mv s10, a2
    RETURN_TO_M
    PRINT2 "through VA_ONE: sum, auipc", s5, s6
    PRINT "through VA_ONE: link", s7
    PRINT2 "through VA_TWO: sum, auipc", s8, s9
    PRINT "through VA_TWO: link", s10

    ENTER_MODE PRV_S, 2f
2:  li s2, N
    la s3, fn                        /* the identity map of the image */
    call calls
    mv s5, a0
    mv s6, a1
    RETURN_TO_M
    la t0, fn
    sub s6, s6, t0                   /* print as an offset: the image's address is QEMU's too, but keep it short */
    PRINT2 "through the identity map: sum, auipc - fn", s5, s6

    /* VA_TWO now maps the other function; VA_ONE still the first */
    SET_PTE l0_low, 2, fn2, PTE_V | PTE_R | PTE_X | PTE_A
    ENTER_MODE PRV_S, 3f
3:  li t2, VA_TWO
    sfence.vma t2, zero
    li s2, N
    li s3, VA_TWO
    call calls
    mv s5, a0
    mv s6, a1
    li s2, N
    li s3, VA_ONE
    call calls
    mv s8, a0
    mv s9, a1
    RETURN_TO_M
    PRINT2 "VA_TWO after the remap: sum, auipc", s5, s6
    PRINT2 "VA_ONE after the remap: sum, auipc", s8, s9
TEST_END
