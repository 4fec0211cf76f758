/* M extension: mul, mulh, mulhsu, mulhu, div, divu, rem, remu and the W
 * forms mulw, divw, divuw, remw, remuw, including division by zero (quotient
 * all ones, remainder = dividend) and signed overflow (quotient = dividend,
 * remainder 0), which never trap, and sign extension of W results.
 * Unprivileged spec: "M" Standard Extension, 13.1 (Multiplication),
 * 13.2 (Division) and its table of division special cases. */
#include "test.h"

.macro RR insn, a, b
    li a1, \a
    li a2, \b
    \insn a0, a1, a2
    PRINT "\insn \a \b", a0
.endm

TEST_BEGIN
    RR mul, 6, 7
    RR mul, -6, 7
    RR mul, 0x7fffffffffffffff, 2
    RR mul, 0x123456789abcdef0, 0x0fedcba987654321
    RR mulh, 0x123456789abcdef0, 0x0fedcba987654321
    RR mulh, -1, -1
    RR mulh, 0x8000000000000000, 0x8000000000000000
    RR mulh, 0x8000000000000000, 0x7fffffffffffffff
    RR mulh, -2, 3
    RR mulhu, -1, -1
    RR mulhu, 0x8000000000000000, 2
    RR mulhu, 0x123456789abcdef0, 0xfedcba9876543210
    RR mulhsu, -1, -1                 /* (-1) * (2^64 - 1) */
    RR mulhsu, 1, -1
    RR mulhsu, 0x8000000000000000, 0xffffffffffffffff
    RR mulhsu, -2, 0x8000000000000000

    RR div, 7, 2
    RR div, -7, 2                     /* rounds toward zero */
    RR div, 7, -2
    RR div, -7, -2
    RR div, 5, 0                      /* by zero: -1 */
    RR div, 0x8000000000000000, -1    /* overflow: the dividend */
    RR divu, 7, 2
    RR divu, -7, 2
    RR divu, 5, 0                     /* by zero: 2^64 - 1 */
    RR rem, 7, 2
    RR rem, -7, 2                     /* sign of the dividend */
    RR rem, 7, -2
    RR rem, -7, -2
    RR rem, 5, 0                      /* by zero: the dividend */
    RR rem, 0x8000000000000000, -1    /* overflow: 0 */
    RR remu, -7, 2
    RR remu, 5, 0
    RR remu, -1, 0x10

    RR mulw, 0x7fffffff, 2
    RR mulw, 0x100000003, 0x100000005 /* upper halves ignored */
    RR mulw, -3, 5
    RR divw, -7, 2
    RR divw, 0x1fffffff9, 2           /* rs1[31:0] = -7 */
    RR divw, 5, 0
    RR divw, 0x80000000, -1           /* overflow: -2^31 */
    RR divw, 0x80000000, 0x1ffffffff  /* rs2[31:0] = -1: overflow too */
    RR divuw, 0xffffffff, 2
    RR divuw, 0x80000000, 1           /* result sign-extended from bit 31 */
    RR divuw, 5, 0                    /* by zero: all ones */
    RR divuw, 0x100000007, 0x100000000 /* rs2[31:0] = 0 */
    RR remw, -7, 2
    RR remw, 0xffffffff00000007, 0x100000000  /* by zero: sext(rs1[31:0]) */
    RR remw, 0x80000000, -1
    RR remuw, 0xfffffff9, 2
    RR remuw, 0x80000005, 0           /* by zero: sext(rs1[31:0]) */
    RR remuw, 0x1ffffffff, 0x10
TEST_END
