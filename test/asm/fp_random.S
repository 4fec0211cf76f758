/* Floating point on pseudo-random operands, for both the fast path of an
 * emulator's FPU (host arithmetic when exact) and its slow path (other
 * rounding modes, inexact, tiny, subnormal and FMA results): each round
 * draws operands a, b, c from a fixed xorshift64* sequence, shaped so that
 * they cover random bit patterns (NaNs and infinities included), values
 * near 1, values up to 2^70 (for conversions), subnormals and special
 * values, and an addend close to -(a*b) for the fused operations (massive
 * cancellation). Round i uses rounding mode i mod 5, through frm (DYN).
 * For the first VERBOSE rounds each result is printed with the flags it
 * raised; the other rounds print their operands and a hash of all their
 * results and flags (a mismatch there names the round to look at). The
 * expected values are QEMU's (softfloat).
 * Unprivileged spec "F" 20 and "D" 21 (IEEE 754-2008 arithmetic). */
#include "test.h"
#include "fp.h"

#define VERBOSE 100
#define ROUNDS 1100

    .data
    .align 3
specials_d:
    .dword 0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000
    .dword 0x7ff8000000000000, 0x7ff0000000000001, 0x7fefffffffffffff, 0x0010000000000000
specials_s:
    .word 0x00000000, 0x80000000, 0x7f800000, 0xff800000
    .word 0x7fc00000, 0x7f800001, 0x7f7fffff, 0x00800000

    .text
/* a0 := the next 64 pseudo-random bits (xorshift64*, state in s0).
 * Clobbers t0. */
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

/* a0 := a double bit pattern of a random shape (see the top).
 * Clobbers a1, a2, t0, t1. */
rand_d:
    addi sp, sp, -16
    sd ra, 0(sp)
    call rand
    mv a1, a0                         /* the bits */
    call rand
    andi a2, a0, 7                    /* the shape */
    srli a0, a0, 3
    li t0, 4
    blt a2, t0, 9f                    /* 0-3: raw bits */
    li t1, (1 << 63) | ((1 << 52) - 1)
    and a1, a1, t1                    /* keep sign and mantissa */
    andi t1, a0, 63
    li t0, 4
    bne a2, t0, 1f
    addi t1, t1, 1023 - 32            /* 4: near 1 */
    j 8f
1:  li t0, 5
    bne a2, t0, 2f
    addi t1, t1, 1023                 /* 5: 1 .. 2^63, a bit beyond */
    andi t0, a0, 64
    srli t0, t0, 6
    slli t0, t0, 3
    add t1, t1, t0
    j 8f
2:  li t0, 6
    bne a2, t0, 3f
    andi t1, a0, 1                    /* 6: subnormal or tiny normal */
    j 8f
3:  andi t1, a0, 7                    /* 7: a special value */
    slli t1, t1, 3
    la t0, specials_d
    add t0, t0, t1
    ld a1, 0(t0)
    j 9f
8:  slli t1, t1, 52
    or a1, a1, t1
9:  mv a0, a1
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* a0 := a single bit pattern (low 32 bits) of a random shape */
rand_s:
    addi sp, sp, -16
    sd ra, 0(sp)
    call rand
    mv a1, a0
    call rand
    andi a2, a0, 7
    srli a0, a0, 3
    li t0, 4
    blt a2, t0, 9f
    li t1, (1 << 31) | ((1 << 23) - 1)
    and a1, a1, t1
    andi t1, a0, 31
    li t0, 4
    bne a2, t0, 1f
    addi t1, t1, 127 - 16
    j 8f
1:  li t0, 5
    bne a2, t0, 2f
    andi t1, a0, 63
    addi t1, t1, 127
    j 8f
2:  li t0, 6
    bne a2, t0, 3f
    andi t1, a0, 1
    j 8f
3:  andi t1, a0, 7
    slli t1, t1, 2
    la t0, specials_s
    add t0, t0, t1
    lwu a1, 0(t0)
    j 9f
8:  slli t1, t1, 23
    or a1, a1, t1
9:  slli a0, a1, 32
    srli a0, a0, 32
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* s3 := hash(s3, r) */
.macro HASH r
    xor s3, s3, \r
    li t0, 0x100000001b3
    mul s3, s3, t0
    srli t0, s3, 29
    xor s3, s3, t0
.endm

/* The result t1 and the flags: "  name=<bits> <fflags>", or into the hash
 * once s4 (the verbose flag) is 0. */
.macro RESULT name
    frflags t2
    beqz s4, .Lhash\@
    PUTS "  "
    FP_LINE "\name", t1
    j .Ldone\@
.Lhash\@:
    HASH t1
    HASH t2
.Ldone\@:
.endm
.macro RES_F name
    fmv.x.d t1, f4
    RESULT \name
.endm
.macro RES_X name
    RESULT \name
.endm

/* End of a round: in hash mode, "  hash=<s3>" */
.macro ROUND_END
    beqz s4, .Lprint\@
    j .Ldone\@
.Lprint\@:
    PUTS "  hash="
    PUTHEX s3
    PUTS "\n"
.Ldone\@:
    addi s1, s1, 1
    sltiu s4, s1, VERBOSE
.endm

TEST_BEGIN
    li s0, 0x9e3779b97f4a7c15         /* the seed */

    /* double precision */
    li s1, 0
    li s4, 1
1:  li s3, 0
    li t0, 5
    remu t0, s1, t0
    fsrm t0
    call rand_d
    fmv.d.x f10, a0
    call rand_d
    fmv.d.x f11, a0
    call rand_d
    fmv.d.x f12, a0
    call rand                         /* 1 in 4: c := -(a*b) nudged */
    andi t0, a0, 3
    bnez t0, 2f
    fmul.d f12, f10, f11, rtz
    fneg.d f12, f12
    fmv.x.d t0, f12
    srli a0, a0, 2
    andi a0, a0, 0xff
    xor t0, t0, a0
    fmv.d.x f12, t0
2:  PUTS "d"
    PUTHEX_SHORT s1
    frrm t0
    PUTS " rm="
    PUTHEX_SHORT t0
    fmv.x.d t0, f10
    PUTS " a="
    PUTHEX t0
    fmv.x.d t0, f11
    PUTS " b="
    PUTHEX t0
    fmv.x.d t0, f12
    PUTS " c="
    PUTHEX t0
    PUTS "\n"
    fsflags zero
    fadd.d f4, f10, f11
    RES_F fadd.d
    fsflags zero
    fsub.d f4, f10, f12
    RES_F fsub.d
    fsflags zero
    fmul.d f4, f10, f11
    RES_F fmul.d
    fsflags zero
    fdiv.d f4, f10, f11
    RES_F fdiv.d
    fabs.d f5, f10
    fsflags zero
    fsqrt.d f4, f5
    RES_F fsqrt.d
    fsflags zero
    fmadd.d f4, f10, f11, f12
    RES_F fmadd.d
    fsflags zero
    fmsub.d f4, f10, f11, f12
    RES_F fmsub.d
    fsflags zero
    fnmadd.d f4, f10, f11, f12
    RES_F fnmadd.d
    fsflags zero
    fnmsub.d f4, f10, f11, f12
    RES_F fnmsub.d
    fsflags zero
    fcvt.s.d f4, f10
    RES_F fcvt.s.d
    fsflags zero
    fcvt.l.d t1, f11
    RES_X fcvt.l.d
    fsflags zero
    fcvt.wu.d t1, f12
    RES_X fcvt.wu.d
    fsflags zero
    fmax.d f4, f10, f12
    RES_F fmax.d
    fsflags zero
    fle.d t1, f10, f11
    RES_X fle.d
    ROUND_END
    li t0, ROUNDS
    bltu s1, t0, 1b

    /* single precision */
    li s1, 0
    li s4, 1
1:  li s3, 0
    li t0, 5
    remu t0, s1, t0
    fsrm t0
    call rand_s
    fmv.w.x f10, a0
    call rand_s
    fmv.w.x f11, a0
    call rand_s
    fmv.w.x f12, a0
    call rand
    andi t0, a0, 3
    bnez t0, 2f
    fmul.s f12, f10, f11, rtz
    fneg.s f12, f12
    fmv.x.w t0, f12
    srli a0, a0, 2
    andi a0, a0, 0xff
    xor t0, t0, a0
    fmv.w.x f12, t0
2:  PUTS "s"
    PUTHEX_SHORT s1
    frrm t0
    PUTS " rm="
    PUTHEX_SHORT t0
    fmv.x.w t0, f10
    PUTS " a="
    PUTHEX_SHORT t0
    fmv.x.w t0, f11
    PUTS " b="
    PUTHEX_SHORT t0
    fmv.x.w t0, f12
    PUTS " c="
    PUTHEX_SHORT t0
    PUTS "\n"
    fsflags zero
    fadd.s f4, f10, f11
    RES_F fadd.s
    fsflags zero
    fsub.s f4, f10, f12
    RES_F fsub.s
    fsflags zero
    fmul.s f4, f10, f11
    RES_F fmul.s
    fsflags zero
    fdiv.s f4, f10, f11
    RES_F fdiv.s
    fabs.s f5, f10
    fsflags zero
    fsqrt.s f4, f5
    RES_F fsqrt.s
    fsflags zero
    fmadd.s f4, f10, f11, f12
    RES_F fmadd.s
    fsflags zero
    fmsub.s f4, f10, f11, f12
    RES_F fmsub.s
    fsflags zero
    fnmadd.s f4, f10, f11, f12
    RES_F fnmadd.s
    fsflags zero
    fnmsub.s f4, f10, f11, f12
    RES_F fnmsub.s
    fsflags zero
    fcvt.d.s f4, f10
    RES_F fcvt.d.s
    fsflags zero
    fcvt.w.s t1, f11
    RES_X fcvt.w.s
    fsflags zero
    fcvt.lu.s t1, f12
    RES_X fcvt.lu.s
    fsflags zero
    fmin.s f4, f10, f12
    RES_F fmin.s
    fsflags zero
    flt.s t1, f10, f11
    RES_X flt.s
    ROUND_END
    li t0, ROUNDS
    bltu s1, t0, 1b

    /* integer to float in every mode */
    li s1, 0
    li s4, 1
1:  li t0, 5
    remu t0, s1, t0
    fsrm t0
    call rand
    li t0, 3
    remu t1, s1, t0
    srl a0, a0, t1                    /* vary the magnitude a little */
    srl a0, a0, t1
    mv s2, a0
    PUTS "i"
    PUTHEX_SHORT s1
    PUTS " x="
    PUTHEX s2
    PUTS "\n"
    fsflags zero
    fcvt.d.l f4, s2
    RES_F fcvt.d.l
    fsflags zero
    fcvt.d.lu f4, s2
    RES_F fcvt.d.lu
    fsflags zero
    fcvt.s.l f4, s2
    RES_F fcvt.s.l
    fsflags zero
    fcvt.s.wu f4, s2
    RES_F fcvt.s.wu
    addi s1, s1, 1
    li t0, 40
    bltu s1, t0, 1b
    fsrmi 0
TEST_END
