/* Sstc: the supervisor timer compare register stimecmp (0x14D).
 * With menvcfg.STCE = 1, mip.STIP is read-only and is set exactly when
 * time >= stimecmp (unsigned; a change may show late, "eventually", so
 * every check below waits a bounded time for the expected state, and STIP
 * seen set implies time had reached stimecmp). The S timer interrupt is
 * taken in S when delegated (from S with SIE = 1, from U always) and in M
 * when not; WFI in S wakes up for it. S-mode accesses stimecmp only when
 * STCE = 1 and mcounteren.TM = 1, U-mode never; M-mode always. With
 * STCE = 0, STIP is the bit M-mode software writes, and stimecmp drives
 * nothing.
 * Time is read from the CLINT's mtime, which the time CSR shadows.
 * Sstc 1.0 (privileged spec "Supervisor Timer (stimecmp) Register",
 * menvcfg.STCE, mcounteren.TM); priv. spec 3.1.9 (mip, mie), 4.1.3 (sip).
 * hand-written: QEMU 7.2's spike board has no time source for rdtime, and without one its stimecmp is an illegal CSR
 */
#include "test.h"

/* a0 := mip.STIP after waiting (at most about 100000 reads) for it to
 * become `want` (0 or MIP_STIP). Clobbers t0, t1. */
.macro WAIT_STIP want
    li t1, 100000
.Lwait\@:
    csrr a0, mip
    andi a0, a0, MIP_STIP
    li t0, \want
    beq a0, t0, .Lwait_done\@
    addi t1, t1, -1
    bnez t1, .Lwait\@
.Lwait_done\@:
.endm

    .data
    .align 3
irq_cause: .dword 0            /* the S timer handlers record here */
irq_spp:   .dword 0
irq_seen:  .dword 0

    .text
/* S handler for the S timer interrupt: record scause and SPP, disarm
 * (stimecmp = -1), wait for STIP to fall, return. */
    .align 2
s_timer_handler:
    csrw sscratch, t0
    la t0, irq_cause
    csrr a0, scause
    sd a0, 0(t0)
    csrr a0, sstatus
    andi a0, a0, MSTATUS_SPP
    sd a0, 8(t0)
    li a0, 1
    sd a0, 16(t0)
    li a0, -1
    csrw stimecmp, a0
1:  csrr a0, sip
    andi a0, a0, MIP_STIP
    bnez a0, 1b
    csrr t0, sscratch
    sret

/* M handler for the one undelegated S timer interrupt: the same, and then
 * mtvec is given back to the runtime. Runs on the runtime's M stack. */
    .align 2
m_timer_handler:
    csrrw sp, mscratch, sp
    addi sp, sp, -16
    sd t0, 0(sp)
    sd a0, 8(sp)
    la t0, irq_cause
    csrr a0, mcause
    sd a0, 0(t0)
    li a0, 1
    sd a0, 16(t0)
    li a0, -1
    csrw stimecmp, a0
1:  csrr a0, mip
    andi a0, a0, MIP_STIP
    bnez a0, 1b
    la t0, rt_mtrap
    csrw mtvec, t0
    ld t0, 0(sp)
    ld a0, 8(sp)
    addi sp, sp, 16
    csrrw sp, mscratch, sp
    mret

TEST_BEGIN
    li s0, CLINT_MTIME

    /* STCE = 0: M-mode reads and writes stimecmp; S-mode cannot; STIP is
     * M's to write; stimecmp in the past raises nothing */
    csrw menvcfg, zero
    li t0, COUNTEREN_TM
    csrw mcounteren, t0
    li t0, 0x123456789
    csrw stimecmp, t0
    csrr a0, stimecmp
    PRINT "STCE 0: stimecmp written by M", a0
    csrw stimecmp, zero
    li t0, MIP_STIP
    csrs mip, t0
    csrr a0, mip
    andi a0, a0, MIP_STIP
    PRINT "STCE 0: mip.STIP after csrs", a0
    csrc mip, t0
    csrr a0, mip
    andi a0, a0, MIP_STIP
    PRINT "STCE 0, stimecmp 0: mip.STIP after csrc", a0
    ENTER_MODE PRV_S, 1f
1:  TRY "STCE 0, TM 1: S csrr stimecmp", csrr a1, stimecmp
    TRY "STCE 0, TM 1: S csrw stimecmp", csrw stimecmp, zero
    RETURN_TO_M
    PRINT_TRIES

    /* STCE = 1 */
    li t0, MENVCFG_STCE
    csrw menvcfg, t0
    csrr a0, menvcfg
    srli a0, a0, 63
    PRINT "menvcfg.STCE after writing 1", a0
    csrw mcounteren, zero
    ENTER_MODE PRV_S, 2f
2:  TRY "STCE 1, TM 0: S csrr stimecmp", csrr a1, stimecmp
    TRY "STCE 1, TM 0: S csrw stimecmp", csrw stimecmp, zero
    RETURN_TO_M
    li t0, COUNTEREN_TM
    csrw mcounteren, t0
    csrw scounteren, t0
    li a2, 0x5555
    li a1, 0
    ENTER_MODE PRV_S, 3f
3:  TRY "STCE 1, TM 1: S csrw stimecmp", csrw stimecmp, a2
    TRY "STCE 1, TM 1: S csrr stimecmp", csrr a1, stimecmp
    RETURN_TO_M
    ENTER_MODE PRV_U, 4f
4:  TRY "STCE 1, TM 1: U csrr stimecmp", csrr a3, stimecmp
    RETURN_TO_M
    PRINT_TRIES
    PRINT "S read stimecmp", a1
    csrr a0, stimecmp
    PRINT "M read stimecmp", a0

    /* STIP follows the comparison and ignores M's writes */
    li t0, -1
    csrw stimecmp, t0
    WAIT_STIP 0
    PRINT "stimecmp -1: mip.STIP", a0
    li t0, MIP_STIP
    csrs mip, t0
    csrr a0, mip
    andi a0, a0, MIP_STIP
    PRINT "stimecmp -1: mip.STIP after csrs mip", a0
    csrw stimecmp, zero
    WAIT_STIP MIP_STIP
    PRINT "stimecmp 0: mip.STIP", a0
    li t0, MIP_STIP                   /* (sip shows delegated bits only) */
    csrw mideleg, t0
    csrr a0, sip
    andi a0, a0, MIP_STIP
    PRINT "stimecmp 0, STI delegated: sip.STIP", a0
    csrw mideleg, zero
    li t0, MIP_STIP
    csrc mip, t0
    csrr a0, mip
    andi a0, a0, MIP_STIP
    PRINT "stimecmp 0: mip.STIP after csrc mip", a0
    li t0, -1
    csrw stimecmp, t0
    WAIT_STIP 0
    PRINT "stimecmp -1 again: mip.STIP", a0

    /* armed 1000 ticks ahead: STIP is clear at first, and when it is seen
     * set, mtime (read after it) has reached stimecmp */
    ld s1, 0(s0)
    addi s1, s1, 1000
    csrw stimecmp, s1
    csrr a0, mip
    andi a0, a0, MIP_STIP
    PRINT "armed 1000 ticks ahead: mip.STIP", a0
    li s2, 10000000
5:  csrr s3, mip
    ld s4, 0(s0)
    andi s3, s3, MIP_STIP
    bnez s3, 6f
    addi s2, s2, -1
    bnez s2, 5b
6:  PRINT "then mip.STIP", s3
    sltu a0, s4, s1
    PRINT "mtime < stimecmp although STIP was set", a0
    li t0, -1
    csrw stimecmp, t0
    WAIT_STIP 0

    /* the interrupt, delegated, from S with SIE = 1 */
    la t0, s_timer_handler
    csrw stvec, t0
    li t0, MIP_STIP
    csrw mideleg, t0
    csrw mie, t0
    la s5, irq_cause
    sd zero, 16(s5)
    ENTER_MODE PRV_S, 7f
7:  csrsi sstatus, MSTATUS_SIE
    csrw stimecmp, zero
    li s2, 100000
8:  ld s3, 16(s5)
    bnez s3, 9f
    addi s2, s2, -1
    bnez s2, 8b
9:  csrci sstatus, MSTATUS_SIE
    RETURN_TO_M
    ld a0, 16(s5)
    PRINT "delegated, from S: taken in S", a0
    ld a0, 0(s5)
    PRINT "  scause", a0
    ld a0, 8(s5)
    PRINT "  sstatus.SPP", a0

    /* delegated, from U (SIE does not matter): pending when U is entered */
    sd zero, 16(s5)
    sd zero, 0(s5)
    csrw stimecmp, zero
    WAIT_STIP MIP_STIP
    ENTER_MODE PRV_U, 10f
10: li s2, 100000
11: ld s3, 16(s5)
    bnez s3, 12f
    addi s2, s2, -1
    bnez s2, 11b
12: RETURN_TO_M
    ld a0, 16(s5)
    PRINT "delegated, from U: taken in S", a0
    ld a0, 0(s5)
    PRINT "  scause", a0
    ld a0, 8(s5)
    PRINT "  sstatus.SPP", a0

    /* WFI in S (SIE = 0, sie.STIE = 1) waits for it */
    ld s1, 0(s0)
    li t0, 5000
    add s1, s1, t0
    ENTER_MODE PRV_S, 13f
13: csrw stimecmp, s1
    li s2, 1000
14: wfi
    csrr s3, sip
    andi s3, s3, MIP_STIP
    bnez s3, 15f
    addi s2, s2, -1
    bnez s2, 14b
15: ld s4, 0(s0)
    li t0, -1
    csrw stimecmp, t0
    RETURN_TO_M
    PRINT "S wfi: sip.STIP", s3
    sltu a0, s4, s1
    PRINT "S wfi: mtime < stimecmp after waking", a0
    WAIT_STIP 0

    /* not delegated: from S (even with SIE = 0) it goes to M */
    csrw mideleg, zero
    la t0, m_timer_handler
    csrw mtvec, t0
    sd zero, 16(s5)
    sd zero, 0(s5)
    ENTER_MODE PRV_S, 16f
16: csrw stimecmp, zero
    li s2, 100000
17: ld s3, 16(s5)
    bnez s3, 18f
    addi s2, s2, -1
    bnez s2, 17b
18: RETURN_TO_M
    csrw mie, zero
    ld a0, 16(s5)
    PRINT "not delegated, from S: taken in M", a0
    ld a0, 0(s5)
    PRINT "  mcause", a0

    /* STCE 0 -> 1: STIP now comes from stimecmp only (the bit M wrote
     * with STCE = 0 no longer shows) */
    csrw menvcfg, zero
    li t0, MIP_STIP
    csrs mip, t0
    li t0, MENVCFG_STCE
    csrw menvcfg, t0
    WAIT_STIP 0
    PRINT "STIP written by M with STCE 0, then STCE 1, stimecmp -1", a0
    csrw menvcfg, zero
    li t0, MIP_STIP
    csrc mip, t0
TEST_END
