/* A extension: LR/SC success and failure, and every AMO in .w and .d form.
 * Each AMO prints the value returned in rd (for .w: the old 32-bit word,
 * sign-extended) and the memory afterwards; min/max are checked signed and
 * unsigned on operands where the two orders differ. The aq/rl bits do not
 * change single-hart results. Misaligned atomics are in misaligned.S.
 * Unprivileged spec: "A" Standard Extension, 14.2 (Load-Reserved /
 * Store-Conditional), 14.4 (Atomic Memory Operations). */
#include "test.h"

    .data
    .align 4
word:   .dword 0
far:    .skip 4096                     /* another page: outside any reservation set */
other:  .dword 0

/* Store init to word (64 bits), run "insn rd, src, (word)", print rd and the
 * new memory doubleword. */
.macro AMO insn, init, src
    la a1, word
    li a2, \init
    sd a2, 0(a1)
    li a3, \src
    \insn a0, a3, (a1)
    ld a4, 0(a1)
    PRINT2 "\insn \init \src", a0, a4
.endm

TEST_BEGIN
    /* LR then SC to the same address succeeds: rd = 0 */
    la a1, word
    li a2, 0x1111222233334444
    sd a2, 0(a1)
    lr.d a0, (a1)
    li a3, 0x5555666677778888
    sc.d a4, a3, (a1)
    ld a5, 0(a1)
    PRINT "lr.d", a0
    PRINT2 "sc.d after lr.d", a4, a5
    /* a second SC has no reservation left: fails (nonzero), memory unchanged */
    li a3, 0x9999
    sc.d a4, a3, (a1)
    ld a5, 0(a1)
    snez a4, a4
    PRINT2 "sc.d again (failed, mem)", a4, a5
    /* SC to another address than the one reserved fails */
    lr.d a0, (a1)
    la a2, other
    sc.d a4, a3, (a2)
    ld a5, 0(a2)
    snez a4, a4
    PRINT2 "sc.d elsewhere (failed, mem)", a4, a5
    sc.d a4, a3, (a1)                 /* (that SC also ended the reservation) */
    snez a4, a4
    PRINT "sc.d after failed sc.d (failed)", a4
    /* LR.W sign-extends; SC.W stores 32 bits */
    li a2, -1
    sd a2, 0(a1)
    li a2, 0x80000000
    sw a2, 0(a1)
    lr.w a0, (a1)
    PRINT "lr.w", a0
    li a3, 0x12345678
    sc.w a4, a3, (a1)
    ld a5, 0(a1)
    PRINT2 "sc.w after lr.w", a4, a5
    /* SC without any LR fails */
    li a3, 0x42
    sc.w a4, a3, (a1)
    ld a5, 0(a1)
    snez a4, a4
    PRINT2 "sc.w without lr (failed, mem)", a4, a5
    /* aq/rl forms */
    lr.d.aq a0, (a1)
    sc.d.rl a4, a3, (a1)
    ld a5, 0(a1)
    PRINT2 "sc.d.rl after lr.d.aq", a4, a5
    lr.w.aqrl a0, (a1)
    sc.w.aqrl a4, zero, (a1)
    ld a5, 0(a1)
    PRINT2 "sc.w.aqrl x0", a4, a5

    AMO amoswap.d, 0x1111111111111111, 0x2222222222222222
    AMO amoadd.d, 0x7fffffffffffffff, 1
    AMO amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    AMO amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    AMO amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0
    AMO amomin.d, -5, 3
    AMO amomin.d, 3, -5
    AMO amomax.d, -5, 3
    AMO amomax.d, 3, -5
    AMO amominu.d, -5, 3
    AMO amominu.d, 3, -5
    AMO amomaxu.d, -5, 3
    AMO amomaxu.d, 3, -5
    AMO amoadd.d.aqrl, 40, 2

    /* .w: only the low word of memory changes; rd is the old word, sign-extended */
    AMO amoswap.w, 0xaaaaaaaa80000000, 0x1234567812345678
    AMO amoadd.w, 0x000000007fffffff, 1
    AMO amoadd.w, 0xbbbbbbbbffffffff, 1
    AMO amoxor.w, 0xcccccccc0f0f0f0f, 0xf0f0f0f0
    AMO amoand.w, 0xdddddddd87654321, 0xffff0000
    AMO amoor.w, 0xeeeeeeee80000000, 1
    AMO amomin.w, 0x0000000080000000, 1      /* word -2^31 < 1 */
    AMO amomin.w, 0x0000000000000001, 0xffffffff
    AMO amomax.w, 0x0000000080000000, 1
    AMO amomax.w, 0x00000000ffffffff, 0x100000000  /* src word 0 > -1 */
    AMO amominu.w, 0x0000000080000000, 1
    AMO amominu.w, 0x1234567800000005, 0x7
    AMO amomaxu.w, 0x0000000080000000, 1
    AMO amomaxu.w, 0x00000000fffffffe, 0xffffffffffffffff
    AMO amoswap.w.aq, 0x5555555500000000, -1

    /* rd = x0: the memory still changes */
    la a1, word
    li a2, 10
    sd a2, 0(a1)
    li a3, 5
    amoadd.d zero, a3, (a1)
    ld a5, 0(a1)
    PRINT "amoadd.d x0", a5
    /* rd == rs2 */
    li a3, 7
    amoswap.d a3, a3, (a1)
    ld a5, 0(a1)
    PRINT2 "amoswap.d rd=rs2", a3, a5
TEST_END
