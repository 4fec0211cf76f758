/* RV64I control transfer and upper immediates: every conditional branch
 * taken and not taken at signed/unsigned boundaries, JAL and JALR link
 * values, JALR with rd == rs1, JALR clearing bit 0 of the target (with C,
 * IALIGN = 16, so odd targets never raise a misaligned-fetch exception),
 * backward branches, LUI sign extension, AUIPC.
 * Unprivileged spec: 2.5 (Control Transfer Instructions), 2.4 "Integer
 * Register-Immediate Instructions" (LUI, AUIPC), 4.2 (RV64 LUI/AUIPC). */
#include "test.h"

/* "insn a b=1" if taken, 0 if not */
.macro BR insn, a, b
    li a1, \a
    li a2, \b
    li a0, 1
    \insn a1, a2, 1f
    li a0, 0
1:  PRINT "\insn \a \b", a0
.endm

TEST_BEGIN
    BR beq, 5, 5
    BR beq, 5, -5
    BR beq, 0x100000000, 0            /* all 64 bits compare */
    BR bne, 5, 5
    BR bne, 0x100000000, 0
    BR blt, -1, 0
    BR blt, 0, -1
    BR blt, 7, 7
    BR blt, 0x8000000000000000, 0x7fffffffffffffff
    BR bge, 7, 7
    BR bge, -1, 0
    BR bge, 0x7fffffffffffffff, 0x8000000000000000
    BR bltu, 0, -1
    BR bltu, -1, 0
    BR bltu, 3, 3
    BR bgeu, -1, 0
    BR bgeu, 0, -1
    BR bgeu, 3, 3

    /* a backward loop: 10 iterations */
    li a0, 0
    li a1, 10
2:  addi a0, a0, 1
    bne a0, a1, 2b
    PRINT "loop count", a0

    /* JAL: rd = pc + 4; print link minus the address after the jal */
    jal a0, 3f
4:  j 5f
3:  la a1, 4b
    sub a0, a0, a1
    PRINT "jal link offset", a0
5:
    jal zero, 6f                      /* rd = x0: plain jump */
    PUTS "jal x0 did not jump\n"
6:
    /* JALR: target = (rs1 + imm) & ~1, rd = pc + 4 */
    la a1, 7f
    jalr a0, 0(a1)
8:  j 9f
7:  la a2, 8b
    sub a0, a0, a2
    PRINT "jalr link offset", a0
9:
    la a1, 10f
    jalr ra, 1(a1)                    /* target 10f + 1: bit 0 is dropped */
    PUTS "jalr odd target fell through\n"
10: la a1, 10f + 1
    li a0, 0
    jalr a0, 0(a1)                    /* odd rs1, same */
    PUTS "jalr odd rs1 fell through\n"
10: PRINT "jalr odd target link written", a0

    /* JALR with rd == rs1: the target uses the old value */
    la a3, 11f
    jalr a3, 0(a3)
12: j 13f
11: la a4, 12b
    sub a3, a3, a4
    PRINT "jalr rd=rs1 link offset", a3
13:
    /* negative JALR offset */
    la a1, 14f + 16
    jalr zero, -16(a1)
    PUTS "jalr -16 fell through\n"
14:
    /* LUI: imm << 12, sign-extended from bit 31 */
    lui a0, 0x7ffff
    PRINT "lui 0x7ffff", a0
    lui a0, 0x80000
    PRINT "lui 0x80000", a0
    lui a0, 0xfffff
    PRINT "lui 0xfffff", a0
    lui a0, 0
    PRINT "lui 0", a0

    /* AUIPC: pc + (imm << 12), sign-extended imm */
15: auipc a0, 0
    la a1, 15b
    sub a0, a0, a1
    PRINT "auipc 0 - pc", a0
16: auipc a0, 0x80000
    la a1, 16b
    sub a0, a0, a1
    PRINT "auipc 0x80000 - pc", a0
17: auipc a0, 0x7ffff
    la a1, 17b
    sub a0, a0, a1
    PRINT "auipc 0x7ffff - pc", a0
18: auipc a0, 1
    PRINT "auipc 1", a0               /* absolute: the ELF is the same on both sides */
TEST_END
