/* The H extension's interrupts: VS-level interrupts injected through hvip,
 * taken by HS-mode (hideleg clear: as interrupts 2, 6, 10, also from V=1
 * whatever sstatus.SIE) or by VS-mode (hideleg set: only in V=1, under
 * vsstatus.SIE in VS and always in VU, seen renumbered as 1, 5, 9 in
 * vscause), their enables in hie/vsie, and their priority (VSSI over
 * VSTI; QEMU 7.2 takes VSSI before VSEI, which the spec puts first:
 * h_spec.S checks that). Privileged spec 1.12, 8.2.3 (hvip, hip, hie), 8.2.12 (vsip,
 * vsie), 8.4.1 (interrupt delegation), 8.4.2 (renumbering).
 * qemu-cpu: rv64,h=true
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "hyp.h"

/* VTRY with the interrupts of hvip = bits pending around it. */
.macro ITRY name, prv, virt, bits
    li t0, \bits
    csrw CSR_HVIP, t0
    VTRY "\name", \prv, \virt, nop
    csrw CSR_HVIP, zero
.endm

/* ITRY in VS with vsstatus.SIE = 1 (a trap into VS clears it). */
.macro ITRY_SIE name, bits
    li t0, MSTATUS_SIE
    csrw CSR_VSSTATUS, t0
    ITRY "\name", PRV_S, 1, \bits
.endm

TEST_BEGIN
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0

    /* hideleg clear: VS-level interrupts are HS-level ones */
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HIE, t0
    ITRY "VSSI, HS, SIE 0", PRV_S, 0, MIP_VSSIP
    csrsi sstatus, MSTATUS_SIE
    ITRY "VSSI, HS, SIE 1", PRV_S, 0, MIP_VSSIP
    csrci sstatus, MSTATUS_SIE
    ITRY "VSSI, VS, SIE 0", PRV_S, 1, MIP_VSSIP
    ITRY "VSTI, VU", PRV_U, 1, MIP_VSTIP
    ITRY "VSEI, VS", PRV_S, 1, MIP_VSEIP
    csrw CSR_HIE, zero
    ITRY "VSSI, VS, hie 0", PRV_S, 1, MIP_VSSIP

    /* hideleg set: taken by VS-mode */
    li t0, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
    csrw CSR_HIDELEG, t0
    csrw CSR_VSIE, zero
    li t0, MSTATUS_SIE
    csrw CSR_VSSTATUS, t0
    ITRY "VSSI, VS, vsie 0", PRV_S, 1, MIP_VSSIP
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw CSR_VSIE, t0
    PCSR "hie (after vsie)", CSR_HIE
    ITRY_SIE "VSSI, VS", MIP_VSSIP
    ITRY_SIE "VSTI, VS", MIP_VSTIP
    ITRY_SIE "VSEI, VS", MIP_VSEIP
    ITRY_SIE "VSSI and VSTI, VS", MIP_VSSIP | MIP_VSTIP
    ITRY "VSSI, HS (not taken)", PRV_S, 0, MIP_VSSIP
    csrsi sstatus, MSTATUS_SIE
    ITRY "VSSI, HS, SIE 1 (not taken)", PRV_S, 0, MIP_VSSIP
    csrci sstatus, MSTATUS_SIE
    csrw CSR_VSSTATUS, zero
    ITRY "VSSI, VS, vsstatus.SIE 0", PRV_S, 1, MIP_VSSIP
    ITRY "VSSI, VU, vsstatus.SIE 0", PRV_U, 1, MIP_VSSIP
    /* vsip shows the delegated bits */
    li t0, MIP_VSSIP
    csrw CSR_HVIP, t0
    PCSR "vsip (hvip VSSIP)", CSR_VSIP
    PCSR "hip", CSR_HIP
    csrw CSR_HVIP, zero
    csrw CSR_HIDELEG, zero
    csrw CSR_HIE, zero
TEST_END
