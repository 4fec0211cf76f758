/* Bit manipulation beyond RV64GC, as the hart implements it and QEMU 7.2's
 * default CPU does too: Zba (add.uw, sh1add..sh3add and their .uw forms,
 * slli.uw), Zbb (andn, orn, xnor, clz/ctz/cpop and W forms, min/max,
 * sext.b/h, zext.h, rol/ror and W/immediate forms, orc.b, rev8) and Zbs
 * (bclr, bext, binv, bset and immediate forms), each on a few edge operands
 * (zero and all-ones inputs, counts of 0 and 32/64, rotations by 0, 31/32
 * and 63, the sign extension of bit 31 by the W forms, bit 63, shift
 * amounts taken from rs2[5:0] or rs2[4:0]) and on pseudo-random ones.
 * Encodings next to them that no ratified extension of the profile defines
 * (unary sub-opcodes 3 and 6, the RV32 rev8, orc.b's neighbour, roriw with
 * shamt[5] = 1, packw, which is Zbkb) are illegal instructions.
 * Unprivileged spec: "B" Standard Extension, Zba, Zbb, Zbs. */
#include "test.h"

    .option arch, +zba, +zbb, +zbs

.macro RR insn, a, b
    li a1, \a
    li a2, \b
    \insn a0, a1, a2
    PRINT "\insn \a \b", a0
.endm
.macro RI insn, a, imm
    li a1, \a
    \insn a0, a1, \imm
    PRINT "\insn \a \imm", a0
.endm
.macro R1 insn, a
    li a1, \a
    \insn a0, a1
    PRINT "\insn \a", a0
.endm

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

.macro HASH2 insn
    \insn t1, s5, s6
    xor s3, s3, t1
    li t0, 0x100000001b3
    mul s3, s3, t0
.endm
.macro HASH1 insn
    \insn t1, s5
    xor s3, s3, t1
    li t0, 0x100000001b3
    mul s3, s3, t0
.endm

TEST_BEGIN
    RR add.uw, 0xffffffff80000000, 1
    RR sh1add, 0x4000000000000000, 3
    RR sh2add, -1, 0x10
    RR sh3add, 0x2000000000000001, 0
    RR sh1add.uw, 0xffffffff80000001, 1
    RR sh2add.uw, 0x123456789, 0
    RR sh3add.uw, 0xffffffffffffffff, -8
    RI slli.uw, 0xffffffff80000001, 4
    RI slli.uw, 0x80000001, 63

    RR andn, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    RR orn, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    RR xnor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    R1 clz, 0
    R1 clz, 1
    R1 clz, 0x8000000000000000
    R1 clzw, 0xffffffff00000000
    R1 clzw, 0x00010000
    R1 ctz, 0
    R1 ctz, 0x8000000000000000
    R1 ctzw, 0x100000000
    R1 ctzw, 0x80000000
    R1 cpop, -1
    R1 cpop, 0x0123456789abcdef
    R1 cpopw, 0xffffffff0000000f
    RR max, -1, 1
    RR maxu, -1, 1
    RR min, 0x8000000000000000, 0x7fffffffffffffff
    RR minu, 0x8000000000000000, 0x7fffffffffffffff
    R1 sext.b, 0x1234567880
    R1 sext.b, 0x7f
    R1 sext.h, 0x12348000
    R1 zext.h, -1
    RR rol, 0x8000000000000001, 1
    RR rol, 0x0123456789abcdef, 68    /* rs2[5:0] */
    RR rolw, 0x80000001, 1
    RR rolw, 0xffffffff12345678, 36
    RR ror, 1, 1
    RR rorw, 1, 1
    RR rorw, 0x0000000180000000, 31
    RI rori, 0x0123456789abcdef, 8
    RI rori, 0x0123456789abcdef, 63
    RI roriw, 0x0000000012345678, 4
    RI roriw, 0x00000000ffff0000, 16
    R1 orc.b, 0x0001000000100200
    R1 orc.b, 0
    R1 rev8, 0x0123456789abcdef

    RR bclr, -1, 63
    RR bclr, -1, 64                   /* rs2[5:0] */
    RR bext, 0x8000000000000000, 63
    RR bext, 0x8000000000000000, 62
    RR binv, 0, 0x45
    RR bset, 0, 31
    RI bclri, -1, 0
    RI bexti, 0x10, 4
    RI binvi, 0x8000000000000000, 63
    RI bseti, 0, 63

    /* edge cases: zero and all-ones inputs */
    R1 clz, -1
    R1 clzw, 0
    R1 clzw, 0x80000000
    R1 ctz, -1
    R1 ctzw, 0
    R1 ctzw, 0xffffffff00000000       /* only rs1[31:0] counts: 32 */
    R1 cpop, 0
    R1 cpopw, 0
    R1 cpopw, -1
    R1 sext.b, 0x80
    R1 sext.h, 0xffff
    R1 zext.h, 0xffffffffffff0000
    R1 orc.b, 0x8000000000000001
    R1 orc.b, -1
    R1 rev8, 0
    R1 rev8, 0x80
    RR max, 5, 5
    RR maxu, 0x8000000000000000, 0x7fffffffffffffff
    RR minu, 0, -1
    RR min, -1, 0
    /* rotations by 0, 31, 32 (W: rs2[4:0] = 0) and 63; W results are
     * sign-extended from bit 31 */
    RR rol, 0x8000000000000001, 0
    RR ror, 0x8000000000000001, 0
    RR rol, 0x8000000000000001, 63
    RR ror, 0x8000000000000001, 63
    RI rori, 0x8000000000000001, 0
    RI rori, 0x8000000000000001, 1
    RR rolw, 0x0000000080000000, 0
    RR rolw, 0x1, 31
    RR rolw, 0x40000000, 1
    RR rolw, 0x12345678, 32
    RR rorw, 0xffffffff00000001, 0
    RR rorw, 0x1, 32
    RR rorw, 0x100000000, 1           /* rs1[63:32] ignored: 0 */
    RI roriw, 0x80000000, 0
    RI roriw, 0x1, 31
    RI roriw, 0xffffffff7fffffff, 31
    /* .uw forms take rs1[31:0] zero-extended */
    RR add.uw, 0xffffffff, 0xffffffff00000001
    RR add.uw, 0x80000000ffffffff, 0  /* zext.w */
    RR sh1add.uw, 0xffffffff80000000, 0
    RR sh3add.uw, 0xffffffff, 0
    RI slli.uw, -1, 0
    RI slli.uw, 0xffffffff, 32
    /* bit 63 */
    RR bset, 0, 63
    RR bclr, 0x8000000000000001, 63
    RR binv, 0x8000000000000000, 63
    RR bext, -1, 63
    RR bext, 0x7fffffffffffffff, 127  /* rs2[5:0] = 63 */
    RI bclri, -1, 63
    RI bexti, 0x8000000000000000, 63
    RI binvi, 0, 0

    /* reserved neighbours of the encodings above: illegal */
    .insn i OP_IMM, 1, a0, a1, 0x603      /* clz/ctz/cpop group, rs2 = 3 */
    .insn i OP_IMM, 1, a0, a1, 0x606      /*   rs2 = 6 */
    .insn i OP_IMM_32, 1, a0, a1, 0x603   /* clzw group, rs2 = 3 */
    .insn i OP_IMM_32, 1, a0, a1, 0x604   /*   rs2 = 4 (no sext.b.w) */
    .insn i OP_IMM, 5, a0, a1, 0x698      /* rev8 of RV32 */
    .insn i OP_IMM, 5, a0, a1, 0x286      /* orc.b with imm[0] = 0 */
    .insn i OP_IMM_32, 5, a0, a1, 0x620   /* roriw with shamt 32 */
    .insn r OP_32, 4, 4, a0, a1, a2       /* packw (Zbkb) */

    /* 500 rounds of random operands, one hash line per round */
    li s0, 0x13198a2e03707344
    li s1, 0
1:  li s3, 0
    call rand
    mv s5, a0
    call rand
    andi t0, s1, 1                    /* every other round: a small rs2 */
    beqz t0, 2f
    andi a0, a0, 127
2:  mv s6, a0
    HASH2 add.uw
    HASH2 sh1add
    HASH2 sh2add.uw
    HASH2 sh3add
    HASH2 andn
    HASH2 orn
    HASH2 xnor
    HASH2 max
    HASH2 minu
    HASH2 rol
    HASH2 ror
    HASH2 rolw
    HASH2 rorw
    HASH2 bclr
    HASH2 bext
    HASH2 binv
    HASH2 bset
    HASH1 clz
    HASH1 clzw
    HASH1 ctz
    HASH1 ctzw
    HASH1 cpop
    HASH1 cpopw
    HASH1 sext.b
    HASH1 sext.h
    HASH1 zext.h
    HASH1 orc.b
    HASH1 rev8
    PUTS "r"
    PUTHEX_SHORT s1
    PUTS " "
    PUTHEX s5
    PUTS " "
    PUTHEX s6
    PUTS " hash="
    PUTHEX s3
    PUTS "\n"
    addi s1, s1, 1
    li t0, 500
    bltu s1, t0, 1b
TEST_END
