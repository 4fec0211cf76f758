/* Cases aimed at a JIT (docs/hart.md, "JIT"), which must behave exactly as
 * the interpreter: code patched after it became hot (by another page, by its
 * own page while running, compressed <-> 32-bit), a store straddling into a
 * page of hot code, a trap in the middle of a hot loop, and a timer interrupt
 * arriving in a long hot loop. Every loop runs long enough to get compiled
 * (test/hart/jit.test.ts runs this with the JIT on, at a low heat, and also
 * compares instret, the trap's minstret and the interrupt's mepc between the
 * two modes). Unprivileged spec "Zifencei": each patch is followed by
 * FENCE.I, so the new code must run. The timer interrupt is not printed:
 * QEMU's timer follows the host's clock. */
#include "test.h"

#define N 300

    .data
    .globl jit_trap_instret, jit_irq_epc, jit_irq_instret, jit_irq_count
    .align 3
jit_trap_instret: .dword 0
jit_irq_epc:      .dword 0
jit_irq_instret:  .dword 0
jit_irq_count:    .dword 0

/* Templates copied over the code below. */
tmpl_add2:  .option push
            .option norvc
            addi a0, a0, 2
            .option pop
tmpl_cc:    c.addi a0, 3            /* two compressed instructions in one word */
            c.addi a0, 4
tmpl_add9:  .option push
            .option norvc
            addi a0, a0, 9
            .option pop

/* A: a function patched from another page after it became hot. */
    .align 12
fn_a:   .option push
        .option norvc
        addi a0, a0, 1
        ret
        .option pop

/* B: a loop that patches an instruction of its own body, half-way. */
    .align 12
fn_b:   .option push
        .option norvc
        li a0, 0
        li t1, 0
        li t2, N
        la t3, b_patch
        lw t4, tmpl_add2
1:      li t5, N / 2
        bne t1, t5, 2f
        sw t4, 0(t3)            /* b_patch becomes addi a0, a0, 2 */
        fence.i
2:
b_patch: addi a0, a0, 1
        addi t1, t1, 1
        bne t1, t2, 1b
        ret
        .option pop

/* C: a 32-bit instruction replaced by two compressed ones, and back. */
    .align 12
fn_c:   .option push
        .option norvc
c_patch: addi a0, a0, 5
        ret
        .option pop

/* D: a function at the start of a page, written by a store that starts in
 * the page before it (the last 4 bytes there are data). */
    .align 12
        .skip 4096 - 8
d_before: .dword 0
fn_d:   .option push
        .option norvc
        addi a0, a0, 1
        ret
        .option pop

/* E: a hot loop whose load faults at iteration N/2 (address 0). */
    .align 12
fn_e:   li t1, 0
        li t2, N
        la t3, jit_trap_instret
        li a0, 0
1:      li t5, N / 2
        mv t4, t3
        bne t1, t5, 2f
        li t4, 0                /* UNMAPPED_ADDR */
2:      ld t6, 0(t4)
        bnez t4, 3f
        csrr t6, minstret       /* right after the trap's handler */
        sd t6, 0(t3)
3:      add a0, a0, t1
        addi t1, t1, 1
        bne t1, t2, 1b
        ret

/* F: a long loop a timer interrupt lands in (fn_f .. fn_f_end). */
    .globl fn_f, fn_f_end
    .align 12
fn_f:   li a0, 0
        li t1, 0
        li t2, 200000
1:      add a0, a0, t1
        xor a0, a0, t2
        addi t1, t1, 1
        bne t1, t2, 1b
fn_f_end:
        ret

    .text
    .align 2
irq_handler:                    /* records the interrupt, disarms the timer */
    csrw mscratch, t0
    csrr t0, mepc
    la t6, jit_irq_epc
    sd t0, 0(t6)
    csrr t0, minstret
    sd t0, 8(t6)
    ld t0, 16(t6)
    addi t0, t0, 1
    sd t0, 16(t6)
    li t6, CLINT_MTIMECMP
    li t0, -1
    sd t0, 0(t6)
    csrr t0, mscratch
    mret

TEST_BEGIN
    /* A */
    li a0, 0
    li s1, N
1:  call fn_a
    addi s1, s1, -1
    bnez s1, 1b
    lw t0, tmpl_add2
    la t1, fn_a
    sw t0, 0(t1)
    fence.i
    li s1, N
1:  call fn_a
    addi s1, s1, -1
    bnez s1, 1b
    PRINT a_sum, a0

    /* B */
    call fn_b
    PRINT b_sum, a0

    /* C */
    li a0, 0
    li s1, N
1:  call fn_c
    addi s1, s1, -1
    bnez s1, 1b
    lw t0, tmpl_cc
    la t1, c_patch
    sw t0, 0(t1)
    fence.i
    li s1, N
1:  call fn_c
    addi s1, s1, -1
    bnez s1, 1b
    lw t0, tmpl_add9
    la t1, c_patch
    sw t0, 0(t1)
    fence.i
    li s1, N
1:  call fn_c
    addi s1, s1, -1
    bnez s1, 1b
    PRINT c_sum, a0

    /* D: one 8-byte store, 4 bytes in each page (misaligned by 4: handled in
     * hardware here; the value is the same either way) */
    li a0, 0
    li s1, N
1:  call fn_d
    addi s1, s1, -1
    bnez s1, 1b
    lwu t0, tmpl_add9
    slli t0, t0, 32
    la t1, d_before
    sd t0, 4(t1)
    fence.i
    li s1, N
1:  call fn_d
    addi s1, s1, -1
    bnez s1, 1b
    PRINT d_sum, a0

    /* E: rt_mtrap prints the access fault; minstret right after it is kept */
    call fn_e
    PRINT e_sum, a0

    /* F: the timer fires 2000 ticks on: inside the loop on both (QEMU: 200 us) */
    la t0, irq_handler
    csrw mtvec, t0
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 2000
    add t1, t1, t2
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li t0, MIP_MTIP
    csrw mie, t0
    csrsi mstatus, MSTATUS_MIE
    call fn_f
    csrci mstatus, MSTATUS_MIE
    csrw mie, zero
    la t0, rt_mtrap
    csrw mtvec, t0
    PRINT f_sum, a0
    /* When the interrupt came depends on QEMU's host clock: only cellvisor's
     * record (jit_irq_*) is checked, by test/hart/jit.test.ts. */
TEST_END
