/* Zicntr: cycle, time and instret (and mcycle/minstret) move forward; time
 * agrees with the CLINT's mtime; writes to mcycle/minstret take effect;
 * mcounteren gates S- and U-mode reads, scounteren additionally gates U-mode
 * reads, and a denied read is an illegal-instruction exception.
 * Counter values depend on the implementation and on real time in QEMU, so
 * only comparisons are printed.
 * QEMU's spike board has no time CSR: reading it traps, and M-mode software
 * is expected to emulate it from mtime (as OpenSBI does). This test installs
 * such an emulation, so a hart that implements time directly (cellvisor)
 * gives the same signature.
 * Unprivileged spec: "Zicntr", 8.1; privileged spec 3.1.10 (mcycle,
 * minstret), 3.1.11 (mcounteren), 4.1.4 (scounteren). */
#include "test.h"

#define CSRR_A0_TIME 0xc0102573           /* the only time read in this test */

    .text
/* M-mode trap handler: emulate `csrr a0, time` where the counter-enable
 * registers allow it, hand everything else to rt_mtrap. Uses mscratch's
 * stack the same way rt_mtrap does. */
    .align 2
time_trap:
    csrrw sp, mscratch, sp
    addi sp, sp, -32
    sd t0, 0(sp)
    sd t1, 8(sp)
    csrr t0, mcause
    li t1, CAUSE_ILLEGAL_INSTRUCTION
    bne t0, t1, 9f
    csrr t0, mepc
    lwu t0, 0(t0)
    li t1, CSRR_A0_TIME
    bne t0, t1, 9f
    csrr t0, mstatus                  /* may the trapping mode read time? */
    srli t0, t0, 11
    andi t0, t0, 3
    li t1, PRV_M
    beq t0, t1, 2f
    csrr t1, mcounteren
    andi t1, t1, 2
    beqz t1, 9f
    bnez t0, 2f                       /* S: mcounteren is enough */
    csrr t1, scounteren
    andi t1, t1, 2
    beqz t1, 9f
2:  li t0, CLINT_MTIME
    ld a0, 0(t0)
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    ld t0, 0(sp)
    ld t1, 8(sp)
    addi sp, sp, 32
    csrrw sp, mscratch, sp
    mret
9:  ld t0, 0(sp)
    ld t1, 8(sp)
    addi sp, sp, 32
    csrrw sp, mscratch, sp
    j rt_mtrap

/* Print "name=1" if a < b (unsigned), else "name=0". */
.macro LESS name, a, b
    sltu t6, \a, \b
    PRINT "\name", t6
.endm

/* Read the three counters into s2 (cycle), s3 (time), s4 (instret) in
 * S or U mode; a7 keeps the count of reads done. */
.macro READ_ALL
    .option push
    .option norvc
    csrr s2, cycle
    csrr a0, time
    mv s3, a0
    csrr s4, instret
    .option pop
.endm

TEST_BEGIN
    la t0, time_trap
    csrw mtvec, t0

    /* M-mode: strictly increasing cycle and instret, non-decreasing time */
    csrr s0, cycle
    csrr s1, instret
    li t0, CLINT_MTIME
    ld s2, 0(t0)
    .option push
    .option norvc
    csrr a0, time
    .option pop
    mv s3, a0
    li t0, 200
1:  addi t0, t0, -1
    bnez t0, 1b
    csrr s4, cycle
    csrr s5, instret
    .option push
    .option norvc
    csrr a0, time
    .option pop
    mv s6, a0
    li t0, CLINT_MTIME
    ld s7, 0(t0)
    LESS "cycle increases", s0, s4
    LESS "instret increases", s1, s5
    sub t0, s5, s1
    sltiu t6, t0, 400                 /* at least the 400 loop instructions */
    xori t6, t6, 1
    PRINT "instret counted the loop", t6
    sltu t6, s3, s2                   /* mtime <= time */
    xori t6, t6, 1
    PRINT "time >= earlier mtime", t6
    sltu t6, s6, s3
    xori t6, t6, 1
    PRINT "time does not go back", t6
    sltu t6, s7, s6
    xori t6, t6, 1
    PRINT "later mtime >= time", t6
    csrr s0, mcycle
    csrr s1, minstret
    LESS "mcycle = cycle (increasing)", s4, s0
    LESS "minstret = instret (increasing)", s5, s1

    /* mcycle and minstret are writable */
    li a1, 0x10000000000
    csrw minstret, a1
    csrr a0, minstret
    sub a0, a0, a1
    li t1, 0x100000                   /* a little later than the write */
    sltu t6, a0, t1
    PRINT "minstret after write", t6
    csrw mcycle, a1
    csrr a0, mcycle
    sub a0, a0, a1
    sltu t6, a0, t1
    PRINT "mcycle after write", t6

    /* S-mode: mcounteren = 0 denies all three */
    csrw mcounteren, zero
    ENTER_MODE PRV_S, 1f
1:  READ_ALL
    RETURN_TO_M
    PUTS "S, mcounteren=0: three traps above\n"
    li t0, 5                          /* CY and IR only */
    csrw mcounteren, t0
    ENTER_MODE PRV_S, 1f
1:  READ_ALL
    RETURN_TO_M
    PUTS "S, mcounteren=CY|IR: one trap above (time)\n"
    li t0, 7
    csrw mcounteren, t0
    ENTER_MODE PRV_S, 1f
1:  csrr s0, cycle
    csrr s1, instret
    READ_ALL
    RETURN_TO_M
    PUTS "S, mcounteren=7: no trap\n"
    LESS "cycle increases in S", s0, s2
    LESS "instret increases in S", s1, s4

    /* U-mode: both mcounteren and scounteren must allow it */
    csrw scounteren, zero
    ENTER_MODE PRV_U, 1f
1:  READ_ALL
    RETURN_TO_M
    PUTS "U, mcounteren=7 scounteren=0: three traps above\n"
    li t0, 2
    csrw scounteren, t0
    csrw mcounteren, zero
    ENTER_MODE PRV_U, 1f
1:  READ_ALL
    RETURN_TO_M
    PUTS "U, mcounteren=0 scounteren=TM: three traps above\n"
    li t0, 7
    csrw mcounteren, t0
    ENTER_MODE PRV_U, 1f
1:  READ_ALL
    RETURN_TO_M
    PUTS "U, mcounteren=7 scounteren=TM: two traps above\n"
    li t0, 7
    csrw scounteren, t0
    ENTER_MODE PRV_U, 1f
1:  READ_ALL
    RETURN_TO_M
    PUTS "U, both 7: no trap\n"
    /* the counter-enable registers do not gate M-mode */
    csrw mcounteren, zero
    csrr a0, cycle
    csrr a0, instret
    .option push
    .option norvc
    csrr a0, time
    .option pop
    PUTS "M, mcounteren=0: no trap\n"
TEST_END
