/* Sstc for guests: vstimecmp (0x24D) and htimedelta. With menvcfg.STCE and
 * henvcfg.STCE set, hip.VSTIP is hvip.VSTIP OR (time + htimedelta >=
 * vstimecmp, unsigned; a change may show late, so each check waits a
 * bounded time for the expected state). VS-mode reaches vstimecmp through
 * the stimecmp name: without menvcfg.STCE or mcounteren.TM that is an
 * illegal instruction, else without henvcfg.STCE or hcounteren.TM a
 * virtual instruction; HS-mode may not touch vstimecmp without
 * menvcfg.STCE, and henvcfg.STCE reads zero then. A VS timer interrupt
 * delegated by hideleg reaches VS-mode as a supervisor timer interrupt.
 * Sstc 1.0 ("Virtual Supervisor Timer (vstimecmp) Register"), privileged
 * spec 1.12, 8.2.3 (hip.VSTIP), 8.2.5 (htimedelta), 8.2.6 (henvcfg).
 * hand-written: QEMU 7.2's spike board has no time source, so it has no vstimecmp or htimedelta
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "hyp.h"

/* a0 := hip.VSTIP after waiting (at most about 100000 reads) for it to
 * become `want` (0 or MIP_VSTIP). Clobbers t0, t1. */
.macro WAIT_VSTIP want
    li t1, 100000
.Lwait\@:
    csrr a0, CSR_HIP
    andi a0, a0, MIP_VSTIP
    li t0, \want
    beq a0, t0, .Lwait_done\@
    addi t1, t1, -1
    bnez t1, .Lwait\@
.Lwait_done\@:
.endm

TEST_BEGIN
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    li t0, -1
    csrw CSR_VSTIMECMP, t0

    /* access rules */
    li t0, COUNTEREN_TM
    csrw mcounteren, t0
    csrw CSR_HCOUNTEREN, t0
    li t0, ENVCFG_FIOM
    csrw CSR_HENVCFG, t0
    li t0, MENVCFG_STCE
    csrw CSR_HENVCFG, t0
    PCSR "henvcfg.STCE with menvcfg.STCE 0", CSR_HENVCFG
    VTRY "menvcfg.STCE 0: stimecmp in VS", PRV_S, 1, csrr s4, stimecmp
    VTRY "menvcfg.STCE 0: vstimecmp in HS", PRV_S, 0, csrr s4, CSR_VSTIMECMP
    li t0, MENVCFG_STCE
    csrw menvcfg, t0
    csrw CSR_HENVCFG, zero
    VTRY "henvcfg.STCE 0: stimecmp in VS", PRV_S, 1, csrr s4, stimecmp
    VTRY "henvcfg.STCE 0: vstimecmp in HS", PRV_S, 0, csrr s4, CSR_VSTIMECMP
    li t0, MENVCFG_STCE
    csrw CSR_HENVCFG, t0
    PCSR "henvcfg.STCE", CSR_HENVCFG
    csrw CSR_HCOUNTEREN, zero
    VTRY "hcounteren.TM 0: stimecmp in VS", PRV_S, 1, csrr s4, stimecmp
    li t0, COUNTEREN_TM
    csrw CSR_HCOUNTEREN, t0
    csrw mcounteren, zero
    VTRY "mcounteren.TM 0: stimecmp in VS", PRV_S, 1, csrr s4, stimecmp
    li t0, COUNTEREN_TM
    csrw mcounteren, t0
    li s5, 0x5555
    VTRY "stimecmp written in VS", PRV_S, 1, csrw stimecmp, s5
    PCSR "vstimecmp", CSR_VSTIMECMP
    li t0, 0x1234
    csrw stimecmp, t0
    VTRY "stimecmp read in VS", PRV_S, 1, csrr s4, stimecmp
    PRINT "value", s4
    VTRY "stimecmp in VU", PRV_U, 1, csrr s4, stimecmp

    /* hip.VSTIP */
    li t0, -1
    csrw CSR_VSTIMECMP, t0
    WAIT_VSTIP 0
    PRINT "vstimecmp -1: hip.VSTIP", a0
    csrw CSR_VSTIMECMP, zero
    WAIT_VSTIP MIP_VSTIP
    PRINT "vstimecmp 0: hip.VSTIP", a0
    li t0, 1 << 63
    csrw CSR_VSTIMECMP, t0
    WAIT_VSTIP 0
    PRINT "vstimecmp 2^63: hip.VSTIP", a0
    li t0, 1 << 63
    csrw CSR_HTIMEDELTA, t0
    WAIT_VSTIP MIP_VSTIP
    PRINT "vstimecmp 2^63, htimedelta 2^63: hip.VSTIP", a0
    csrw CSR_HTIMEDELTA, zero
    li t0, -1
    csrw CSR_VSTIMECMP, t0
    li t0, MIP_VSTIP
    csrw CSR_HVIP, t0
    WAIT_VSTIP MIP_VSTIP
    PRINT "vstimecmp -1, hvip.VSTIP: hip.VSTIP", a0
    csrw CSR_HVIP, zero
    csrw CSR_HENVCFG, zero
    csrw CSR_VSTIMECMP, zero
    WAIT_VSTIP 0
    PRINT "henvcfg.STCE 0, vstimecmp 0: hip.VSTIP", a0

    /* the VS timer interrupt, delegated to VS */
    li t0, MENVCFG_STCE
    csrw CSR_HENVCFG, t0
    li t0, MIP_VSTIP
    csrw CSR_HIDELEG, t0
    csrw CSR_HIE, t0
    li t0, MSTATUS_SIE
    csrw CSR_VSSTATUS, t0
    VTRY "vstimecmp 0, VS with SIE", PRV_S, 1, nop
    li t0, -1
    csrw CSR_VSTIMECMP, t0
    csrw CSR_HIE, zero
    csrw CSR_HIDELEG, zero
TEST_END
