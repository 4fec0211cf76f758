/* Interrupts: machine software (CLINT msip) and machine timer (CLINT
 * mtimecmp) interrupts; supervisor software (mip/sip.SSIP) and supervisor
 * timer (mip.STIP written by M) interrupts, delegated and not; the global
 * enables (mstatus.MIE/SIE apply only in their own mode, lower modes are
 * always interruptible by higher-level interrupts, delegated interrupts are
 * never taken in M); the priority among simultaneously pending interrupts
 * (MEI > MSI > MTI > SEI > SSI > STI); WFI waking up on a pending enabled
 * interrupt even with MIE = 0; read-only mip bits.
 * An interrupt that becomes takeable through a CSR write or an xRET is taken
 * right after that instruction (priv. spec 3.1.9: the conditions "must be
 * evaluated immediately following the execution of an xRET instruction or
 * an explicit write to a CSR on which these interrupt trap conditions
 * expressly depend"), so every epc below is exact.
 * Privileged spec 3.1.6.1 (global interrupt enables), 3.1.9 (mip, mie, and
 * the priority order), 3.2.1 (mtime, mtimecmp), 3.3.3 (WFI), 4.1.3 (sip, sie). */
#include "test.h"

/* mip & mask, printed */
.macro PRINT_MIP name, mask
    csrr t0, mip
    li t1, \mask
    and t0, t0, t1
    PRINT "\name", t0
.endm

TEST_BEGIN
    /* machine software interrupt: CLINT msip -> mip.MSIP */
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    PRINT_MIP "mip.MSIP after msip=1", MIP_MSIP
    csrsi mie, MIP_MSIP               /* enabled in mie, but MIE = 0: nothing */
    nop
    PUTS "MIE=0: no interrupt yet\n"
    csrsi mstatus, MSTATUS_MIE        /* taken right after this instruction */
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT_MIP "mip.MSIP after the handler cleared msip", MIP_MSIP
    csrw mie, zero

    /* mip.MSIP, MTIP and MEIP are read-only in mip */
    li t1, MIP_MSIP | MIP_MTIP | MIP_MEIP
    csrs mip, t1
    PRINT_MIP "mip after csrs mip, M bits", MIP_MSIP | MIP_MTIP | MIP_MEIP

    /* machine timer: arm mtimecmp a little ahead, wait for it with WFI
     * (MIE = 0: WFI resumes on a pending enabled interrupt without a trap) */
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    addi t1, t1, 500
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li t1, MIP_MTIP
    csrs mie, t1
1:  wfi
    csrr t0, mip
    andi t0, t0, MIP_MTIP
    beqz t0, 1b                       /* (WFI may also resume early) */
    PRINT_MIP "mip.MTIP after wfi", MIP_MTIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT_MIP "mip.MTIP after the handler moved mtimecmp", MIP_MTIP
    csrw mie, zero

    /* priority: MSI and MTI pending together. (QEMU 7.2 takes an S-level
     * interrupt pending at M, e.g. an undelegated SSI, before MSI and MTI,
     * against the spec's order, so no such mix is tested here.) */
    li t0, CLINT_MTIMECMP
    sd zero, 0(t0)                    /* mtime >= 0: pending at once */
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    li t1, MIP_MSIP | MIP_MTIP
    csrw mie, t1
    csrsi mstatus, MSTATUS_MIE        /* two traps here, MSI first */
    nop
    csrci mstatus, MSTATUS_MIE
    PRINT_MIP "mip after both", MIP_MSIP | MIP_MTIP
    csrw mie, zero
    /* an undelegated SSI is taken in M like an M-level interrupt */
    csrsi mip, MIP_SSIP
    csrsi mie, MIP_SSIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    csrw mie, zero

    /* M-level interrupts are always enabled below M, whatever MIE says */
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    csrsi mie, MIP_MSIP
    ENTER_MODE PRV_U, 2f              /* taken right after the MRET: epc = 2f */
2:  nop
    RETURN_TO_M
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    ENTER_MODE PRV_S, 3f
3:  nop
    RETURN_TO_M
    csrw mie, zero

    /* delegated SSI: never taken in M; in S only with SIE = 1; in U always */
    la t0, rt_strap
    csrw stvec, t0
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw mideleg, t0
    csrsi mie, MIP_SSIP
    csrsi mip, MIP_SSIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    PUTS "delegated SSI pending in M: not taken\n"
    ENTER_MODE PRV_S, 4f
4:  nop                               /* SIE = 0: not taken */
    csrsi sstatus, MSTATUS_SIE        /* taken here */
    nop
    csrci sstatus, MSTATUS_SIE
    csrsi sip, MIP_SSIP               /* S may raise its own SSI */
    nop
    la t0, 5f
    csrw sepc, t0
    li t0, MSTATUS_SPP
    csrc sstatus, t0
    sret                              /* to U, SIE = 0 (SPIE was 0) */
5:  nop                               /* taken at 5f: U is below S */
    RETURN_TO_M
    csrw mie, zero

    /* supervisor timer, delegated, raised by M through mip.STIP */
    li t0, MIP_STIP
    csrs mie, t0
    csrs mip, t0
    PRINT_MIP "mip.STIP set by M", MIP_STIP
    csrr t1, sip
    and t1, t1, t0
    PRINT "sip.STIP", t1
    ENTER_MODE PRV_S, 6f
6:  csrsi sstatus, MSTATUS_SIE
    nop
    csrci sstatus, MSTATUS_SIE
    RETURN_TO_M
    PRINT_MIP "mip.STIP after the handler", MIP_STIP

    /* WFI in S with SIE = 0 resumes on a pending enabled (delegated)
     * interrupt without taking it */
    li t0, MIP_STIP
    csrs mip, t0
    ENTER_MODE PRV_S, 7f
7:  wfi
    csrr t0, sip
    andi t0, t0, MIP_STIP
    mv s0, t0
    csrsi sstatus, MSTATUS_SIE        /* now it is taken */
    nop
    RETURN_TO_M
    PRINT "sip.STIP seen in S after wfi", s0
    csrw mie, zero

    /* supervisor external interrupt raised by M through mip.SEIP: taken in M
     * when not delegated, in S when delegated */
    csrw mideleg, zero
    li t0, MIP_SEIP
    csrs mip, t0
    csrs mie, t0
    PRINT_MIP "mip.SEIP set by M", MIP_SEIP
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    li t0, MIP_SEIP
    csrw mideleg, t0
    csrs mip, t0
    ENTER_MODE PRV_U, 9f
9:  nop
    RETURN_TO_M
    csrw mie, zero
    csrw mideleg, zero

    /* the CLINT's registers also take 32-bit accesses */
    li t0, CLINT_MTIMECMP
    li t1, -1
    sw t1, 4(t0)
    li t1, 0x12345678
    sw t1, 0(t0)
    li t1, 0x9abc
    sw t1, 4(t0)
    ld a0, 0(t0)
    PRINT "mtimecmp after three sw", a0
    lw a0, 4(t0)
    PRINT "mtimecmp high word (lw)", a0
    li t1, -1
    sd t1, 0(t0)
    li t0, CLINT_MSIP
    li t1, -1
    sw t1, 0(t0)                      /* only bit 0 exists */
    lw a0, 0(t0)
    PRINT "msip after sw -1", a0
    PRINT_MIP "mip.MSIP", MIP_MSIP
    li t0, CLINT_MSIP
    sw zero, 0(t0)
    PUTS "done\n"
TEST_END
