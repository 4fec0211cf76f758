/* RV64I integer computation: register-register and register-immediate
 * operations, shifts (6-bit shamt, sra vs srl), the 32-bit W forms and their
 * sign extension, slt/sltu signedness, x0 as destination and rd == rs.
 * Unprivileged spec: "RV32I" 2.4 (Integer Computational Instructions) and
 * "RV64I" 4.2 (Integer Computational Instructions). */
#include "test.h"

/* "insn a b=<rd>" for rd = insn(a, b) */
.macro RR insn, a, b
    li a1, \a
    li a2, \b
    \insn a0, a1, a2
    PRINT "\insn \a \b", a0
.endm

/* "insn a imm=<rd>" */
.macro RI insn, a, imm
    li a1, \a
    \insn a0, a1, \imm
    PRINT "\insn \a \imm", a0
.endm

TEST_BEGIN
    RR add, 1, 2
    RR add, 0x7fffffffffffffff, 1
    RR add, -1, -1
    RR sub, 1, 2
    RR sub, 0x8000000000000000, 1
    RR sll, 1, 63
    RR sll, 1, 64                     /* only rs2[5:0] counts */
    RR sll, 0x0123456789abcdef, 0x7c4
    RR srl, 0x8000000000000000, 63
    RR srl, -1, 0x41
    RR sra, 0x8000000000000000, 63
    RR sra, 0x8000000000000000, 0xff01
    RR sra, 0x4000000000000000, 62
    RR slt, -1, 1
    RR slt, 1, -1
    RR slt, 5, 5
    RR sltu, -1, 1
    RR sltu, 1, -1
    RR sltu, 0, 1
    RR xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    RR or, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    RR and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0

    RI addi, 1, -1
    RI addi, 0x7fffffffffffffff, 1
    RI addi, 0, 2047
    RI addi, 0, -2048
    RI slti, -1, 0
    RI slti, 0, -1
    RI sltiu, 0, -1                   /* the immediate is sign-extended, then compared unsigned */
    RI sltiu, -2, -1
    RI sltiu, 1, 1
    RI xori, 0x00000000ffffffff, -1   /* xori -1 is NOT */
    RI ori, 0x1234000000000000, 0x7ff
    RI andi, -1, -2048
    RI andi, 0x12345678, 0x0f0
    RI slli, 0xff, 56
    RI slli, 1, 63
    RI srli, -1, 32
    RI srli, -1, 63
    RI srai, 0x8000000000000000, 32
    RI srai, 0x7fffffff00000000, 63
    RI srai, -256, 4

    /* W forms: 32-bit results, sign-extended to 64 bits */
    RR addw, 0x7fffffff, 1
    RR addw, 0xffffffff00000001, 0x1
    RR addw, 0x123456789, 0
    RR subw, 0, 1
    RR subw, 0x80000000, 1
    RR sllw, 1, 31
    RR sllw, 1, 32                    /* only rs2[4:0] counts */
    RR sllw, 0xffffffff12345678, 4
    RR srlw, 0xffffffff80000000, 31
    RR srlw, 0x80000000, 0
    RR srlw, 0x1234567880000000, 1
    RR sraw, 0x80000000, 31
    RR sraw, 0x7fffffff, 35
    RR sraw, 0xffffffff00000010, 1
    RI addiw, 0x7fffffff, 1
    RI addiw, 0xffffffff, 0           /* sext.w */
    RI addiw, 0x100000000, -1
    RI slliw, 1, 31
    RI slliw, 0x0000000180000001, 1
    RI srliw, 0xffffffff80000000, 31
    RI srliw, 0xffffffff80000000, 0   /* still sign-extends bit 31 */
    RI sraiw, 0x80000000, 31
    RI sraiw, 0x123456787fffffff, 30

    /* x0 as destination discards the result; rd may equal a source */
    li a0, 5
    add zero, a0, a0
    PRINT "add x0", zero
    addi a0, a0, 7
    PRINT "addi rd=rs1", a0
    li a1, 3
    sub a1, a0, a1
    PRINT "sub rd=rs2", a1
    li a0, -1
    sltu a0, zero, a0                 /* snez */
    PRINT "snez", a0
    sub a0, zero, a0                  /* neg */
    PRINT "neg", a0
    nop
    addi zero, zero, 1                /* a HINT, not an error */
    PRINT "x0 after hint", zero
TEST_END
