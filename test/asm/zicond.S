/* Integer conditional operations (Zicond): czero.eqz rd, rs1, rs2 gives 0
 * when rs2 is zero and rs1 otherwise; czero.nez gives 0 when rs2 is nonzero
 * and rs1 otherwise. The condition is the whole 64-bit rs2 (a nonzero
 * value with only bit 63 or only bit 32 set counts as nonzero); rs1 and rs2
 * may be x0 or the same register as rd; and the two together make a
 * branchless select. The other funct3 values under funct7 = 0000111 are
 * reserved: illegal instructions. The assembler (binutils 2.40) does not know Zicond, so
 * the instructions are written with .insn (OP, funct7 = 0000111, funct3 =
 * 101 eqz / 111 nez).
 * Unprivileged spec: "Zicond" Extension for Integer Conditional Operations,
 * Version 1.0.0.
 * hand-written: QEMU 7.2 has no Zicond
 */
#include "test.h"

.macro CZERO_EQZ rd, rs1, rs2
    .insn r OP, 5, 7, \rd, \rs1, \rs2
.endm
.macro CZERO_NEZ rd, rs1, rs2
    .insn r OP, 7, 7, \rd, \rs1, \rs2
.endm

/* "czero.eqz <rs1> <rs2>=<rd>" and the same for czero.nez */
.macro BOTH a, b
    li a1, \a
    li a2, \b
    li a0, 0x5a5a5a5a5a5a5a5a
    CZERO_EQZ a0, a1, a2
    PRINT "czero.eqz \a \b", a0
    li a0, 0x5a5a5a5a5a5a5a5a
    CZERO_NEZ a0, a1, a2
    PRINT "czero.nez \a \b", a0
.endm

TEST_BEGIN
    BOTH 0x0123456789abcdef, 0
    BOTH 0x0123456789abcdef, 1
    BOTH 0x0123456789abcdef, -1
    BOTH 0x0123456789abcdef, 0x8000000000000000
    BOTH 0x0123456789abcdef, 0x100000000
    BOTH 0x0123456789abcdef, 0x80000000
    BOTH 0, 7
    BOTH -1, 0

    /* rs2 = x0: the condition is zero */
    li a1, 0x1111
    li a0, -1
    CZERO_EQZ a0, a1, x0
    PRINT "czero.eqz 0x1111 x0", a0
    li a0, -1
    CZERO_NEZ a0, a1, x0
    PRINT "czero.nez 0x1111 x0", a0
    /* rs1 = x0: the result is zero either way */
    li a2, 3
    li a0, -1
    CZERO_EQZ a0, x0, a2
    PRINT "czero.eqz x0 3", a0
    li a0, -1
    CZERO_NEZ a0, x0, zero
    PRINT "czero.nez x0 x0", a0
    /* rd = rs1 = rs2 */
    li a0, 0x42
    CZERO_EQZ a0, a0, a0
    PRINT "czero.eqz a0 a0 a0 (0x42)", a0
    li a0, 0x42
    CZERO_NEZ a0, a0, a0
    PRINT "czero.nez a0 a0 a0 (0x42)", a0
    /* rd = rs2, the condition read before rd is written */
    li a1, 0x77
    li a2, 0x100
    CZERO_EQZ a2, a1, a2
    PRINT "czero.eqz rd=rs2 0x77 0x100", a2

    /* a branchless select: c ? x : y = czero.eqz(x, c) | czero.nez(y, c) */
    li s1, 0xaaaa
    li s2, 0xbbbb
    .irp c, 0, 1, 0x8000000000000000
    li s3, \c
    CZERO_EQZ t0, s1, s3
    CZERO_NEZ t1, s2, s3
    or a0, t0, t1
    PRINT "select \c ? 0xaaaa : 0xbbbb", a0
    .endr

    /* funct7 = 0000111 with funct3 other than 101 and 111: illegal */
    .irp f3, 0, 1, 2, 3, 4, 6
    TRY "funct7 0000111, funct3 \f3", .insn r OP, \f3, 7, a0, a1, a2
    .endr
    PRINT_TRIES

    /* unprivileged: U-mode executes them too */
    li s0, 0x600d
    li s1, 1
    li s4, -1
    ENTER_MODE PRV_U, 1f
1:  CZERO_EQZ s4, s0, s1
    RETURN_TO_M
    PRINT "czero.eqz in U", s4
TEST_END
