/* Svinval: SINVAL.VMA invalidates what SFENCE.VMA with the same rs1 and rs2
 * would; SFENCE.W.INVAL and SFENCE.INVAL.IR order it. The sequence
 * SFENCE.W.INVAL, SINVAL.VMA, SFENCE.INVAL.IR makes a changed PTE visible
 * (for one address, and for all). All three execute in M and S; in U they
 * are illegal; with mstatus.TVM = 1, SINVAL.VMA in S is illegal (like
 * SFENCE.VMA) while SFENCE.W.INVAL and SFENCE.INVAL.IR are not, and M is
 * not affected.
 * Privileged spec: "Svinval" Extension for Fine-Grained Address-Translation
 * Cache Invalidation, Version 1.0; 3.1.6.5 (TVM).
 * (QEMU 7.2, -cpu rv64,svinval=true, prints the same except that it runs
 * SFENCE.W.INVAL and SFENCE.INVAL.IR in U-mode without a trap.)
 * hand-written: QEMU 7.2 executes SFENCE.W.INVAL and SFENCE.INVAL.IR in U-mode
 */
#include "test.h"
#include "paging.h"

    .option arch, +svinval

#define VA_X 0x1000

    .bss
    .align 12
root:   .skip 4096
l1_img: .skip 4096
l0_img: .skip 4096
l1_low: .skip 4096
l0_low: .skip 4096

    .data
    .align 12
pg_a:   .dword 0xaaaaaaaaaaaaaaaa
    .align 12
pg_b:   .dword 0xbbbbbbbbbbbbbbbb
    .align 12

    .text
build_tables:
    MAP_IMAGE_L0 l0_img
    SET_NEXT l1_img, 0, l0_img
    SET_NEXT root, 2, l1_img
    SET_NEXT root, 0, l1_low
    SET_NEXT l1_low, 0, l0_low
    SET_PTE l0_low, 1, pg_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    ret

.macro ALL3 what
    TRY "\what: sfence.w.inval", sfence.w.inval
    TRY "\what: sinval.vma x0, x0", sinval.vma x0, x0
    TRY "\what: sinval.vma a0, a1", sinval.vma a0, a1
    TRY "\what: sfence.inval.ir", sfence.inval.ir
.endm

TEST_BEGIN
    li a0, VA_X
    li a1, 1
    ALL3 "M"
    ENTER_MODE PRV_S, 1f
1:  ALL3 "S"
    RETURN_TO_M
    ENTER_MODE PRV_U, 2f
2:  ALL3 "U"
    RETURN_TO_M
    li t0, MSTATUS_TVM
    csrs mstatus, t0
    ENTER_MODE PRV_S, 3f
3:  ALL3 "S, TVM 1"
    TRY "S, TVM 1: sfence.vma", sfence.vma
    RETURN_TO_M
    TRY "M, TVM 1: sinval.vma x0, x0", sinval.vma x0, x0
    li t0, MSTATUS_TVM
    csrc mstatus, t0
    PRINT_TRIES

    /* a changed PTE, made visible by the three */
    call build_tables
    SET_SATP SATP_MODE_SV39, root
    la s2, l0_low
    la t0, pg_b
    srli t0, t0, 12
    slli t0, t0, 10
    ori s3, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D   /* -> pg_b */
    ld s4, 8(s2)                                        /* -> pg_a */
    li s1, VA_X
    ENTER_MODE PRV_S, 4f
4:  ld a2, 0(s1)
    sd s3, 8(s2)
    sfence.w.inval
    sinval.vma s1, x0
    sfence.inval.ir
    ld a3, 0(s1)
    sd s4, 8(s2)
    sfence.w.inval
    sinval.vma x0, x0
    sfence.inval.ir
    ld a4, 0(s1)
    RETURN_TO_M
    PRINT "S load VA_X (pg_a)", a2
    PRINT "after the PTE -> pg_b and sinval.vma VA_X", a3
    PRINT "after the PTE -> pg_a and sinval.vma x0", a4
    csrw satp, zero
    sfence.vma
TEST_END
