/* Counter reads and writes by CSR instructions, exactly. A CSR instruction
 * that reads minstret sees the value before its own execution; one that
 * writes it replaces its own increment, so the next instruction reads the
 * value written (Zicsr, "CSR Instructions": "a value written to instret by
 * one instruction will be the value read by the following instruction").
 * The privileged spec says the same of mcycle ("Any CSR write takes effect
 * after the writing instruction has otherwise completed", "Hardware
 * Performance Monitor"); cellvisor's mcycle counts one cycle per
 * instruction (docs/hart.md), so it gives the same numbers. A write to
 * mcountinhibit counts the writing instruction and those before it under
 * the old setting ("Machine Counter-Inhibit CSR").
 * hand-written: QEMU 7.2 without -icount counts host time in mcycle and minstret, so it has no exact instruction counts
 */
#include "test.h"

/* The counter `csr` right after `csrw csr, x`, `csrrw`, and after k nops. */
.macro WRITE_THEN_READ name, csr
    li s0, 0x123456789
    csrw \csr, s0
    csrr a0, \csr
    sub a0, a0, s0
    PRINT "\name: read right after csrw - written", a0

    csrw \csr, s0
    nop
    nop
    nop
    csrr a0, \csr
    sub a0, a0, s0
    PRINT "\name: read after csrw and 3 nops - written", a0

    csrr s1, \csr
    csrrw a0, \csr, s0
    csrr a1, \csr
    sub t0, a0, s1
    PRINT "\name: csrrw reads - previous csrr", t0
    sub t0, a1, s0
    PRINT "\name: read after csrrw - written", t0

    li s0, 0x1000
    csrw \csr, s0
    csrrsi a0, \csr, 3
    csrr a1, \csr
    sub t0, a0, s0
    PRINT "\name: csrrsi reads - written", t0
    PRINT "\name: read after csrrsi 3", a1

    csrr s1, \csr
    csrr s2, \csr
    sub t0, s2, s1
    PRINT "\name: back-to-back reads differ by", t0
.endm

TEST_BEGIN
    WRITE_THEN_READ "minstret", minstret
    WRITE_THEN_READ "mcycle", mcycle

    /* The user-level shadows read the same counters. */
    li s0, 0x5000
    csrw minstret, s0
    csrr a0, instret
    sub a0, a0, s0
    PRINT "instret right after csrw minstret - written", a0
    csrw mcycle, s0
    csrr a0, cycle
    sub a0, a0, s0
    PRINT "cycle right after csrw mcycle - written", a0

    /* mcountinhibit written after plain instructions of the same run: those
     * and the write itself still count, what follows does not (IR), and the
     * other way round. */
    csrr s0, minstret
    addi t1, zero, 1
    addi t1, t1, 1
    addi t1, t1, 1
    csrwi mcountinhibit, 4
    addi t1, t1, 1
    addi t1, t1, 1
    csrr s1, minstret
    sub a0, s1, s0
    PRINT "minstret across 3 addi and csrw mcountinhibit=IR", a0
    addi t1, t1, 1
    addi t1, t1, 1
    csrwi mcountinhibit, 0
    addi t1, t1, 1
    addi t1, t1, 1
    csrr s2, minstret
    sub a0, s2, s1
    PRINT "minstret across inhibited addis, csrw mcountinhibit=0, 2 addi", a0
TEST_END
