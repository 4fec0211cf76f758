/* Integer arithmetic on pseudo-random operands: the M extension (every
 * multiply, divide and remainder form, 64-bit and W) and the shifts, adds
 * and compares of RV64I, on operands drawn from a fixed xorshift64*
 * sequence and shaped to hit the edges: full random words, small values of
 * either sign, values next to 2^63 and 2^31, and zero (division by zero).
 * The first VERBOSE rounds print every result; the others print their
 * operands and a hash of their results.
 * Unprivileged spec: RV64I (2.4, 4.2) and "M" (13). */
#include "test.h"

#define VERBOSE 20
#define ROUNDS 600

    .text
/* a0 := the next 64 pseudo-random bits (xorshift64*, state in s0) */
rand:
    srli t0, s0, 12
    xor s0, s0, t0
    slli t0, s0, 25
    xor s0, s0, t0
    srli t0, s0, 27
    xor s0, s0, t0
    li t0, 0x2545f4914f6cdd1d
    mul a0, s0, t0
    ret

/* a0 := an operand of a random shape. Clobbers a1, a2, t0. */
rand_op:
    addi sp, sp, -16
    sd ra, 0(sp)
    call rand
    mv a1, a0
    call rand
    andi a2, a0, 7
    srli a0, a0, 3
    li t0, 2
    blt a2, t0, 9f                    /* 0-1: random */
    bne a2, t0, 1f
    andi a1, a1, 31                   /* 2: -16 .. 15 */
    addi a1, a1, -16
    j 9f
1:  li t0, 3
    bne a2, t0, 2f
    andi a1, a1, 7                    /* 3: 2^63 - 4 .. 2^63 + 3 */
    addi a1, a1, -4
    li t0, 1 << 63
    add a1, a1, t0
    j 9f
2:  li t0, 4
    bne a2, t0, 3f
    andi a1, a1, 7                    /* 4: 2^31 - 4 .. 2^31 + 3, sign random */
    addi a1, a1, -4
    li t0, 1 << 31
    add a1, a1, t0
    andi t0, a0, 1
    beqz t0, 9f
    neg a1, a1
    j 9f
3:  li t0, 5
    bne a2, t0, 4f
    slli a1, a1, 32                   /* 5: a random 32-bit value, sign-extended */
    srai a1, a1, 32
    j 9f
4:  li t0, 6
    bne a2, t0, 5f
    li a1, 0                          /* 6: zero */
    j 9f
5:  andi t0, a0, 63                   /* 7: random, shifted right */
    srl a1, a1, t0
9:  mv a0, a1
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

.macro HASH r
    xor s3, s3, \r
    li t0, 0x100000001b3
    mul s3, s3, t0
    srli t0, s3, 29
    xor s3, s3, t0
.endm

/* t1 := insn(s5, s6), printed or hashed */
.macro OP insn
    \insn t1, s5, s6
    beqz s4, .Lhash\@
    PUTS "  "
    PRINT "\insn", t1
    j .Ldone\@
.Lhash\@:
    HASH t1
.Ldone\@:
.endm

TEST_BEGIN
    li s0, 0x243f6a8885a308d3         /* the seed */
    li s1, 0
    li s4, 1
1:  li s3, 0
    call rand_op
    mv s5, a0
    call rand_op
    mv s6, a0
    PUTS "r"
    PUTHEX_SHORT s1
    PUTS " a="
    PUTHEX s5
    PUTS " b="
    PUTHEX s6
    PUTS "\n"
    OP mul
    OP mulh
    OP mulhsu
    OP mulhu
    OP div
    OP divu
    OP rem
    OP remu
    OP mulw
    OP divw
    OP divuw
    OP remw
    OP remuw
    OP sll
    OP srl
    OP sra
    OP sllw
    OP srlw
    OP sraw
    OP addw
    OP subw
    OP slt
    OP sltu
    bnez s4, 2f
    PUTS "  hash="
    PUTHEX s3
    PUTS "\n"
2:  addi s1, s1, 1
    sltiu s4, s1, VERBOSE
    li t0, ROUNDS
    bltu s1, t0, 1b
TEST_END
