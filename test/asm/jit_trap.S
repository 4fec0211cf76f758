/* Traps compiled code takes itself (docs/hart.md, "JIT": one exit path):
 * EBREAK, C.EBREAK and illegal encodings (32-bit and compressed) in hot
 * functions, each at the start of a function (nothing retired before it in
 * compiled code) or after a few instructions. test/hart/jit.test.ts runs
 * this with the JIT at a low heat, so these functions run compiled, and
 * compares the trap records (cause, epc, tval and minstret at each trap,
 * summed) with the interpreter's. Only what QEMU fixes is printed: the
 * count, the causes and where the traps were; tval of EBREAK and of an
 * illegal instruction may be 0 (privileged spec 3.1.16 "mtval") and QEMU's
 * minstret is not exact. */
#include "test.h"

#define N 200

    .data
    .globl jt_count, jt_cause, jt_epc, jt_tval, jt_instret
    .align 3
jt_count:   .dword 0
jt_cause:   .dword 0
jt_epc:     .dword 0            /* sum of mepc - g_base */
jt_tval:    .dword 0
jt_instret: .dword 0

/* The hot functions, on a page of their own. */
    .align 12
g_base:
g_ebreak:   .option push
            .option norvc
            ebreak
            ret
            .option pop
g_cebreak:  c.ebreak
            ret
g_ill32:    .word 0x00007003    /* LOAD with funct3 = 7: nothing there in RV64 */
            ret
g_ill16:    .half 0x0000        /* the all-zero parcel: illegal */
            ret
g_mid:      addi a0, a0, 3      /* a trap after instructions that retired */
            slli a0, a0, 1
            xor a0, a0, t1
            ebreak
            addi a0, a0, 1
            ret
g_mid16:    addi a0, a0, 5
            .half 0x0000
            addi a0, a0, -1
            ret

    .text
    .align 2
/* Records the trap and skips the instruction (2 or 4 bytes). */
g_trap:
    csrw mscratch, t0
    addi sp, sp, -32
    sd t1, 0(sp)
    sd t2, 8(sp)
    csrr t2, minstret
    la t0, jt_instret
    ld t1, 0(t0)
    add t1, t1, t2
    sd t1, 0(t0)
    la t0, jt_count
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    csrr t2, mcause
    la t0, jt_cause
    ld t1, 0(t0)
    add t1, t1, t2
    sd t1, 0(t0)
    csrr t2, mtval
    la t0, jt_tval
    ld t1, 0(t0)
    add t1, t1, t2
    sd t1, 0(t0)
    csrr t2, mepc
    la t1, g_base
    sub t1, t2, t1
    la t0, jt_epc
    ld t0, 0(t0)
    add t1, t0, t1
    la t0, jt_epc
    sd t1, 0(t0)
    lhu t1, 0(t2)               /* the instruction's length */
    andi t1, t1, 3
    addi t2, t2, 2
    li t0, 3
    bne t1, t0, 1f
    addi t2, t2, 2
1:  csrw mepc, t2
    ld t2, 8(sp)
    ld t1, 0(sp)
    addi sp, sp, 32
    csrr t0, mscratch
    mret

TEST_BEGIN
    la t0, g_trap
    csrw mtvec, t0
    li a0, 0
    li t1, 0
    li s1, N
1:  call g_ebreak
    call g_cebreak
    call g_ill32
    call g_ill16
    call g_mid
    call g_mid16
    addi t1, t1, 1
    addi s1, s1, -1
    bnez s1, 1b
    la t0, rt_mtrap
    csrw mtvec, t0
    PRINT a_sum, a0
    ld a0, jt_count
    PRINT traps, a0
    ld a0, jt_cause
    PRINT cause_sum, a0
    ld a0, jt_epc
    PRINT epc_sum, a0
TEST_END
