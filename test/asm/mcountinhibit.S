/* mcountinhibit: while CY (bit 0) or IR (bit 2) is set, mcycle or minstret
 * keeps its value; clearing the bit lets it count on from there. Bit 1 (TM)
 * is read-only zero. Counter values depend on the implementation, so only
 * comparisons are printed.
 * Privileged spec 3.1.13 ("Machine Counter-Inhibit CSR"). */
#include "test.h"

TEST_BEGIN
    li t0, -1
    csrw mcountinhibit, t0
    csrr a0, mcountinhibit
    /* TM (bit 1) is read-only zero; QEMU 7.2 keeps it writable, so only CY and IR are printed */
    andi a0, a0, 5
    PRINT "mcountinhibit <- -1 (CY, IR)", a0

    /* both inhibited: neither counter moves across a few instructions */
    csrr s0, minstret
    csrr s1, mcycle
    addi t1, zero, 1
    addi t1, t1, 1
    addi t1, t1, 1
    csrr s2, minstret
    csrr s3, mcycle
    sub a0, s2, s0
    PRINT "minstret moved while IR inhibited", a0
    sub a0, s3, s1
    PRINT "mcycle moved while CY inhibited", a0

    /* only IR inhibited: mcycle counts again, minstret still does not */
    li t0, 4
    csrw mcountinhibit, t0
    csrr s0, minstret
    csrr s1, mcycle
    addi t1, zero, 1
    addi t1, t1, 1
    addi t1, t1, 1
    csrr s2, minstret
    csrr s3, mcycle
    sub a0, s2, s0
    PRINT "minstret moved while IR inhibited (CY counting)", a0
    sltu a0, s1, s3
    PRINT "mcycle counts with CY clear", a0

    /* nothing inhibited: minstret counts again */
    csrw mcountinhibit, zero
    csrr s0, minstret
    addi t1, zero, 1
    addi t1, t1, 1
    csrr s2, minstret
    sltu a0, s0, s2
    PRINT "minstret counts with IR clear", a0
TEST_END
