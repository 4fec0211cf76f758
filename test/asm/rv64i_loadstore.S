/* RV64I loads and stores of every width: sign and zero extension (lb/lbu,
 * lh/lhu, lw/lwu, ld), little-endian byte order, partial-word stores that
 * leave the neighbouring bytes alone, negative and positive offsets, and
 * rd == rs1 on a load. Misaligned accesses are in misaligned.S.
 * Unprivileged spec: 2.6 (Load and Store Instructions), 4.3 (RV64 Load and
 * Store Instructions). */
#include "test.h"

    .data
    .align 4
pattern:
    .dword 0x8081828384858687, 0x00ff7f017ffe80ff
buffer:
    .dword 0, 0, 0, 0

/* "insn off=<rd>" for a load from pattern + off */
.macro LOAD insn, off
    la a1, pattern
    \insn a0, \off(a1)
    PRINT "\insn \off", a0
.endm

TEST_BEGIN
    LOAD lb, 0
    LOAD lb, 7
    LOAD lb, 9
    LOAD lbu, 0
    LOAD lbu, 7
    LOAD lh, 0
    LOAD lh, 6
    LOAD lh, 10
    LOAD lhu, 0
    LOAD lhu, 6
    LOAD lw, 0
    LOAD lw, 4
    LOAD lw, 12
    LOAD lwu, 4
    LOAD lwu, 8
    LOAD ld, 0
    LOAD ld, 8

    /* negative offset from the end */
    la a1, pattern + 16
    ld a0, -16(a1)
    PRINT "ld -16", a0
    lb a0, -1(a1)
    PRINT "lb -1", a0
    /* rd == rs1 */
    la a1, pattern
    ld a1, 8(a1)
    PRINT "ld rd=rs1", a1

    /* stores: fill with ones, then store each width into the middle */
    la a1, buffer
    li a2, -1
    sd a2, 0(a1)
    sd a2, 8(a1)
    li a2, 0x1122334455667788
    sb a2, 1(a1)
    ld a0, 0(a1)
    PRINT "after sb", a0
    sh a2, 2(a1)
    ld a0, 0(a1)
    PRINT "after sh", a0
    sw a2, 4(a1)
    ld a0, 0(a1)
    PRINT "after sw", a0
    sd a2, 8(a1)
    ld a0, 8(a1)
    PRINT "after sd", a0
    lbu a0, 8(a1)
    PRINT "byte 0 of sd", a0          /* little endian: the low byte first */
    lbu a0, 15(a1)
    PRINT "byte 7 of sd", a0
    li a3, -8
    addi a4, a1, 24
    sd a2, -8(a4)
    ld a0, 16(a1)
    PRINT "sd -8", a0
    /* a store of x0 */
    sw zero, 16(a1)
    ld a0, 16(a1)
    PRINT "sw x0", a0
    /* a load into x0 has no effect on x0 */
    ld zero, 0(a1)
    PRINT "ld x0", zero
TEST_END
