/* Fused multiply-add: fmadd, fmsub, fnmsub, fnmadd in single and double
 * precision, with one rounding of the exact a*b+c (operands chosen so that
 * a separate multiply and add would give another result); the signs of the
 * four forms; the sign of exact zero results; infinities; inf * 0 + c is
 * invalid even when c is a quiet NaN; NaN inputs give the canonical NaN;
 * overflow and underflow; improperly boxed single operands.
 * Unprivileged spec "F" 20.6 (FMADD/FMSUB/FNMSUB/FNMADD, and "the fused
 * multiply-add instructions must set the invalid operation exception flag
 * when the multiplicands are inf and zero, even when the addend is a quiet
 * NaN"), "D" 21.3. */
#include "test.h"
#include "fp.h"

#define ONE     0x3f800000
#define MONE    0xbf800000
#define TWO     0x40000000
#define THREE   0x40400000
#define PZERO   0x00000000
#define MZERO   0x80000000
#define PINF    0x7f800000
#define MINF    0xff800000
#define QNAN    0x7fc00000
#define QNAN_P  0x7fc0abcd
#define SNAN    0x7f800001
#define FMAX    0x7f7fffff
#define ONEU    0x3f800001     /* 1 + 2^-23 */
#define MONEU2  0xbf800002     /* -(1 + 2^-22) */
#define MINNORM 0x00800000
#define HALF    0x3f000000

#define D_ONE   0x3ff0000000000000
#define D_MONE  0xbff0000000000000
#define D_TWO   0x4000000000000000
#define D_ONEU  0x3ff0000000000001
#define D_MONEU2 0xbff0000000000002
#define D_PINF  0x7ff0000000000000
#define D_PZERO 0x0000000000000000
#define D_QNAN  0x7ff8000000000000
#define D_MAX   0x7fefffffffffffff

TEST_BEGIN
    /* (1 + 2^-23)^2 - (1 + 2^-22) = 2^-46 exactly, 0 if rounded twice */
    FOP3_S fmadd.s, rne, ONEU, ONEU, MONEU2
    FOP3_S fmsub.s, rne, ONEU, ONEU, 0x3f800002
    FOP3_S fnmsub.s, rne, ONEU, ONEU, 0x3f800002   /* -(a*b) + c */
    FOP3_S fnmadd.s, rne, ONEU, ONEU, MONEU2       /* -(a*b) - c */
    FOP3_S fmadd.s, rne, TWO, THREE, ONE
    FOP3_S fmsub.s, rne, TWO, THREE, ONE
    FOP3_S fnmsub.s, rne, TWO, THREE, ONE
    FOP3_S fnmadd.s, rne, TWO, THREE, ONE
    /* exact zeros: +0 except in RDN; -0 + -0 = -0 */
    FOP3_S fmadd.s, rne, ONE, ONE, MONE
    FOP3_S fmadd.s, rdn, ONE, ONE, MONE
    FOP3_S fmadd.s, rne, MZERO, ONE, MZERO
    FOP3_S fmadd.s, rne, MZERO, ONE, PZERO
    FOP3_S fnmadd.s, rne, PZERO, ONE, PZERO       /* -(+0) - (+0) = -0 */
    FOP3_S fnmsub.s, rne, PZERO, ONE, PZERO       /* -(+0) + (+0) = +0 */
    FOP3_S fmsub.s, rne, PZERO, ONE, PZERO
    /* infinities and invalid operations */
    FOP3_S fmadd.s, rne, PINF, ONE, ONE
    FOP3_S fmadd.s, rne, PINF, ONE, MINF           /* inf - inf: NV */
    FOP3_S fmadd.s, rne, PINF, PZERO, ONE          /* inf * 0: NV */
    FOP3_S fmadd.s, rne, PINF, PZERO, QNAN         /* NV even with a qNaN */
    FOP3_S fmadd.s, rne, PZERO, MINF, QNAN_P
    FOP3_S fmadd.s, rne, ONE, ONE, QNAN_P          /* canonical NaN, no NV */
    FOP3_S fmadd.s, rne, SNAN, ONE, ONE            /* NV */
    FOP3_S fmadd.s, rne, ONE, QNAN, SNAN
    /* overflow, underflow, rounding */
    FOP3_S fmadd.s, rne, FMAX, TWO, MONE
    FOP3_S fmadd.s, rtz, FMAX, TWO, MONE
    FOP3_S fmadd.s, rne, FMAX, TWO, 0xff7fffff    /* 2 max - max: exact, max */
    FOP3_S fmadd.s, rne, MINNORM, HALF, PZERO
    FOP3_S fmadd.s, rne, MINNORM, 0x3eaaaaab, PZERO
    FOP3_S fmadd.s, rne, 0x3eaaaaab, THREE, MONE
    FOP3_S fmadd.s, rup, 0x3eaaaaab, THREE, MONE
    FOP3_S fmadd.s, rne, ONE, 0x33800000, ONE      /* a tie */
    FOP3_S fmadd.s, rmm, ONE, 0x33800000, ONE

    /* double */
    FOP3_D fmadd.d, rne, D_ONEU, D_ONEU, D_MONEU2
    FOP3_D fmsub.d, rne, D_ONEU, D_ONEU, 0x3ff0000000000002
    FOP3_D fnmsub.d, rne, D_ONEU, D_ONEU, 0x3ff0000000000002
    FOP3_D fnmadd.d, rne, D_ONEU, D_ONEU, D_MONEU2
    FOP3_D fmadd.d, rne, D_TWO, D_TWO, D_ONE
    FOP3_D fnmadd.d, rne, D_TWO, D_TWO, D_ONE
    FOP3_D fmadd.d, rdn, D_ONE, D_ONE, D_MONE
    FOP3_D fmadd.d, rne, D_PINF, D_PZERO, D_QNAN
    FOP3_D fmadd.d, rne, D_MAX, D_TWO, D_MONE
    FOP3_D fmsub.d, rtz, D_MAX, D_TWO, D_ONE

    /* single FMA with an improperly boxed operand: canonical NaN */
    LOAD_D f1, 0x000000003f800000
    LOAD_S f2, ONE
    LOAD_S f3, ONE
    fsflags zero
    fmadd.s f4, f2, f3, f1
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "fmadd.s 1 1 raw:0x000000003f800000", t1
TEST_END
