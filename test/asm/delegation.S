/* Trap delegation and the S-mode trap stack: exceptions named in medeleg go
 * to S (stvec) from U and S but never from M; undelegated ones go to M; on
 * entry to S, SPP/SPIE/SIE are updated; SRET and MRET restore the stacks
 * (xPP becomes U, xPIE becomes 1, MRET to a mode below M clears MPRV);
 * mstatus.TSR makes SRET in S illegal, mstatus.TW makes WFI in S illegal,
 * WFI in U is illegal when it cannot complete, and mstatus.TVM makes satp
 * and SFENCE.VMA in S illegal.
 * Privileged spec 3.1.6.1 (privilege and interrupt-enable stack), 3.1.6.5
 * (TVM, TW, TSR), 3.1.8 (medeleg), 3.3.2 (xRET), 3.3.3 (WFI), 4.1.1
 * (sstatus). */
#include "test.h"

#define DELEGATED ((1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_BREAKPOINT) \
    | (1 << CAUSE_USER_ECALL) | (1 << CAUSE_FETCH_PAGE_FAULT) \
    | (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT))

    .text
/* S-mode trap entry that records sstatus in s11 first. */
    .align 2
s_snap:
    csrr s11, sstatus
    j rt_strap

.macro SSTATUS_STACK reg
    andi \reg, \reg, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
.endm

TEST_BEGIN
    la t0, s_snap
    csrw stvec, t0
    li t0, DELEGATED
    csrw medeleg, t0

    /* from U: delegated causes reach S (spp = 0), others M */
    ENTER_MODE PRV_U, 1f
1:  li a7, 0
    ecall                             /* 8: S */
    ebreak                            /* 3: S */
    .word 0x0000000b                  /* 2: S */
    li a1, UNMAPPED_ADDR
    ld a0, 0(a1)                      /* 5: not delegated: M */
    RETURN_TO_M

    /* from S: delegated causes stay in S (spp = 1); the trap stack */
    ENTER_MODE PRV_S, 2f
2:  csrsi sstatus, MSTATUS_SIE        /* (sie = 0: no interrupt can come) */
    ebreak
    mv s8, s11
    SSTATUS_STACK s8
    csrr s10, sstatus
    SSTATUS_STACK s10
    csrci sstatus, MSTATUS_SIE
    .word 0x0000000b
    SSTATUS_STACK s11
    csrr s9, sstatus
    SSTATUS_STACK s9
    RETURN_TO_M
    PRINT2 "sstatus in trap, after sret (SIE was 1)", s8, s10
    PRINT2 "sstatus in trap, after sret (SIE was 0)", s11, s9

    /* from M: nothing is delegated */
    ebreak
    .word 0x0000000b
    csrw medeleg, zero

    /* SRET from S to U: SIE := SPIE, SPIE := 1, SPP := U */
    ENTER_MODE PRV_S, 3f
3:  li t0, MSTATUS_SPIE
    csrs sstatus, t0
    li t0, MSTATUS_SPP | MSTATUS_SIE
    csrc sstatus, t0
    la t0, 4f
    csrw sepc, t0
    sret
4:  RETURN_TO_M                       /* in U now */
    csrr a0, mstatus
    SSTATUS_STACK a0
    PRINT "after sret to U (SPIE was 1)", a0
    /* SRET from S to S with SPIE = 0 */
    ENTER_MODE PRV_S, 5f
5:  li t0, MSTATUS_SPP
    csrs sstatus, t0
    li t0, MSTATUS_SPIE | MSTATUS_SIE
    csrc sstatus, t0
    la t0, 6f
    csrw sepc, t0
    sret
6:  csrr s0, sstatus                  /* still S: this is legal */
    SSTATUS_STACK s0
    RETURN_TO_M
    PRINT "after sret to S (SPIE was 0)", s0

    /* MRET to S with MPIE = 0: MIE := 0, MPIE := 1, MPP := U, MPRV := 0.
     * QEMU 7.2 leaves MPRV set (the priv. 1.11 rule), so MPRV is printed
     * only where MRET returns to M. */
    li t0, MSTATUS_MPIE | MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MIE | MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    la t0, 7f
    csrw mepc, t0
    mret
7:  RETURN_TO_M                       /* MIE survives the round trip */
    csrr a0, mstatus
    li t0, MSTATUS_MIE | MSTATUS_MPIE
    and a0, a0, t0
    PRINT "after mret to S (MPIE was 0)", a0
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    /* MRET to U with MPIE = 1 */
    li t0, MSTATUS_MPP
    csrc mstatus, t0                  /* MPP = U */
    li t0, MSTATUS_MPIE
    csrs mstatus, t0
    csrci mstatus, MSTATUS_MIE
    la t0, 8f
    csrw mepc, t0
    mret
8:  RETURN_TO_M
    csrr a0, mstatus
    li t0, MSTATUS_MIE | MSTATUS_MPIE
    and a0, a0, t0
    PRINT "after mret to U (MPIE was 1)", a0
    csrci mstatus, MSTATUS_MIE        /* (back to no interrupts at all) */
    /* MRET to M keeps MPRV */
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    ENTER_MODE PRV_M, 9f
9:  csrr a0, mstatus
    li t0, MSTATUS_MPRV | MSTATUS_MPP
    and a0, a0, t0
    PRINT "after mret to M (MPRV was 1)", a0
    li t0, MSTATUS_MPRV
    csrc mstatus, t0

    /* TSR, TW, TVM: traps to M (nothing delegated now) */
    csrw medeleg, zero
    li t0, MSTATUS_TSR | MSTATUS_TW | MSTATUS_TVM
    csrs mstatus, t0
    csrr a0, satp                     /* M is not affected */
    sfence.vma
    PUTS "TSR/TW/TVM in M: no traps\n"
    ENTER_MODE PRV_S, 10f
10: la t0, 11f
    csrw sepc, t0
    li t0, MSTATUS_SPP
    csrs sstatus, t0
    sret                              /* TSR: illegal */
11: wfi                               /* TW: illegal */
    csrr a0, satp                     /* TVM: illegal */
    csrw satp, zero
    sfence.vma
    sfence.vma a0, zero
    RETURN_TO_M
    li t0, MSTATUS_TSR | MSTATUS_TW | MSTATUS_TVM
    csrc mstatus, t0
    ENTER_MODE PRV_S, 12f
12: csrr a0, satp                     /* legal again */
    sfence.vma
    la t0, 13f
    csrw sepc, t0
    li t0, MSTATUS_SPP
    csrs sstatus, t0
    sret
13: RETURN_TO_M
    PUTS "TSR/TW/TVM clear in S: no traps\n"
    /* WFI in U with nothing pending and nothing enabled cannot complete:
     * it must raise an illegal-instruction exception (priv. spec 3.3.3) */
    ENTER_MODE PRV_U, 14f
14: wfi
    RETURN_TO_M
    PUTS "done\n"
TEST_END
