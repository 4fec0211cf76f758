/* The time CSR in V mode: VS and VU read time + htimedelta (privileged spec
 * 1.12, 8.2.5 "Hypervisor Time Delta Register": "a read of the time CSR
 * returns the value of time + htimedelta" when V=1), HS, M and U read time
 * itself. Each read is bracketed by M-mode reads of time; the signature
 * says whether it falls between them once htimedelta is taken off, so it
 * does not depend on how fast time runs. KVM relies on this: a guest that
 * sets a timer from rdtime through SBI (or vstimecmp, which counts guest
 * time) waits the time it asked for.
 * hand-written: QEMU 7.2's spike board has no time source (rdtime is an illegal instruction there)
 * cellvisor-cpu: rva22h */
#include "test.h"
#include "hyp.h"

/* Reads time in mode prv/virt into s4; a0 := 1 if s4 - delta lies between
 * the M-mode reads before (s6) and after (s7), else 0. Clobbers t0, s6, s7. */
.macro TIME_IN name, prv, virt, delta
    csrr s6, time
    VTRY "\name", \prv, \virt, csrr s4, time
    csrr s7, time
    li t0, \delta
    sub s4, s4, t0
    sltu a0, s4, s6
    sltu t0, s7, s4
    or a0, a0, t0
    xori a0, a0, 1
    PRINT "\name: minus htimedelta, between the M reads", a0
.endm

TEST_BEGIN
    la t0, h_mtrap
    csrw mtvec, t0
    la t0, h_strap
    csrw stvec, t0
    la t0, h_vstrap
    csrw CSR_VSTVEC, t0
    li t0, COUNTEREN_TM
    csrw mcounteren, t0
    csrw CSR_HCOUNTEREN, t0
    csrw scounteren, t0

    li t0, 1 << 40
    csrw CSR_HTIMEDELTA, t0
    TIME_IN "VS, htimedelta 2^40", PRV_S, 1, 1 << 40
    TIME_IN "VU, htimedelta 2^40", PRV_U, 1, 1 << 40
    TIME_IN "HS, htimedelta 2^40", PRV_S, 0, 0
    TIME_IN "U, htimedelta 2^40", PRV_U, 0, 0
    /* guest time before the host's: the sum wraps */
    li t0, -1000
    csrw CSR_HTIMEDELTA, t0
    TIME_IN "VS, htimedelta -1000", PRV_S, 1, -1000
    csrw CSR_HTIMEDELTA, zero
    TIME_IN "VS, htimedelta 0", PRV_S, 1, 0
TEST_END
