/* Conversions: float to integer (fcvt.w/wu/l/lu from .s and .d) with
 * rounding, saturation and the NV flag for out-of-range values, infinities
 * and NaNs (NaN converts like +inf), NX for inexact in-range results, and
 * 32-bit results sign-extended (also for wu); integer to float
 * (fcvt.s/d from w/wu/l/lu), using only the low 32 bits for w/wu; between
 * precisions (fcvt.s.d rounds, overflows, underflows and canonicalizes
 * NaNs; fcvt.d.s is exact and canonicalizes NaNs; a single operand that is
 * not NaN-boxed is the canonical NaN).
 * Unprivileged spec "F" 20.7 (the table "Domains of float-to-integer
 * conversions and behavior for invalid inputs"), "D" 21.4. */
#include "test.h"
#include "fp.h"

#define ONE     0x3f800000
#define MONE    0xbf800000
#define ONEHALF 0x3fc00000
#define MONEHALF 0xbfc00000
#define MHALF   0xbf000000
#define MZERO   0x80000000
#define PINF    0x7f800000
#define MINF    0xff800000
#define QNAN    0x7fc00000
#define MQNAN   0xffc00000
#define SNAN    0x7f800001
#define TWO31   0x4f000000     /* 2^31 */
#define MTWO31  0xcf000000
#define MTWO31U 0xcf000001     /* just below -2^31 */
#define TWO32   0x4f800000
#define TWO63   0x5f000000
#define MTWO63  0xdf000000
#define TWO64   0x5f800000
#define BIG     0x4effffff     /* 2^31 - 128 */

#define D_TWO31M 0x41dfffffffc00000   /* 2^31 - 1 */
#define D_TWO31  0x41e0000000000000
#define D_MTWO31 0xc1e0000000000000
#define D_MTWO31M 0xc1e0000000200000  /* -2^31 - 1 */
#define D_TWO32M 0x41efffffffe00000   /* 2^32 - 1 */
#define D_TWO63  0x43e0000000000000
#define D_MTWO63 0xc3e0000000000000
#define D_TWO64  0x43f0000000000000
#define D_MONE   0xbff0000000000000
#define D_NAN    0x7ff8000000000000
#define D_MINF   0xfff0000000000000
#define D_ONEHALF 0x3ff8000000000000

/* f4 := insn(f1) for instructions without a rounding-mode operand */
.macro FCVT_NORM_S insn, a
    LOAD_S f1, \a
    fsflags zero
    \insn f4, f1
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \a", t1
.endm
.macro FCVT_NORM_RAW insn, a
    LOAD_D f1, \a
    fsflags zero
    \insn f4, f1
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn raw:\a", t1
.endm

/* f4 := insn(x) for the exact int-to-double conversions (no rm operand) */
.macro ITOF_EXACT insn, x
    li t1, \x
    fsflags zero
    \insn f4, t1
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \x", t1
.endm

TEST_BEGIN
    FTOI_S fcvt.w.s, rne, ONEHALF
    FTOI_S fcvt.w.s, rne, MONEHALF
    FTOI_S fcvt.w.s, rtz, MONEHALF
    FTOI_S fcvt.w.s, rne, MHALF            /* -0.5 -> 0 (NX only) */
    FTOI_S fcvt.w.s, rne, MZERO
    FTOI_S fcvt.w.s, rne, BIG
    FTOI_S fcvt.w.s, rne, TWO31            /* out of range: max, NV */
    FTOI_S fcvt.w.s, rne, MTWO31           /* exactly min */
    FTOI_S fcvt.w.s, rne, MTWO31U          /* below min: min, NV */
    FTOI_S fcvt.w.s, rne, PINF
    FTOI_S fcvt.w.s, rne, MINF
    FTOI_S fcvt.w.s, rne, QNAN             /* NaN: max, NV */
    FTOI_S fcvt.w.s, rne, MQNAN
    FTOI_S fcvt.w.s, rne, SNAN
    FTOI_S fcvt.wu.s, rne, ONEHALF
    FTOI_S fcvt.wu.s, rne, BIG
    FTOI_S fcvt.wu.s, rne, TWO31           /* fits: sign-extended 0x80000000 */
    FTOI_S fcvt.wu.s, rne, TWO32           /* max (all ones), NV */
    FTOI_S fcvt.wu.s, rne, MONE            /* 0, NV */
    FTOI_S fcvt.wu.s, rtz, MHALF           /* rounds to 0: NX only */
    FTOI_S fcvt.wu.s, rne, MINF
    FTOI_S fcvt.wu.s, rne, QNAN
    FTOI_S fcvt.l.s, rne, ONEHALF
    FTOI_S fcvt.l.s, rne, TWO31
    FTOI_S fcvt.l.s, rne, TWO63            /* max, NV */
    FTOI_S fcvt.l.s, rne, MTWO63           /* exactly min */
    FTOI_S fcvt.l.s, rne, MINF
    FTOI_S fcvt.l.s, rne, QNAN
    FTOI_S fcvt.lu.s, rne, TWO63
    FTOI_S fcvt.lu.s, rne, TWO64           /* max, NV */
    FTOI_S fcvt.lu.s, rne, MONE            /* 0, NV */
    FTOI_S fcvt.lu.s, rne, SNAN

    FTOI_D fcvt.w.d, rne, D_TWO31M
    FTOI_D fcvt.w.d, rne, D_TWO31          /* max, NV */
    FTOI_D fcvt.w.d, rne, D_MTWO31
    FTOI_D fcvt.w.d, rne, D_MTWO31M        /* min, NV */
    FTOI_D fcvt.w.d, rne, D_ONEHALF
    FTOI_D fcvt.w.d, rne, D_NAN
    FTOI_D fcvt.wu.d, rne, D_TWO32M
    FTOI_D fcvt.wu.d, rne, D_MONE
    FTOI_D fcvt.wu.d, rne, D_NAN
    FTOI_D fcvt.l.d, rne, D_TWO63
    FTOI_D fcvt.l.d, rne, D_MTWO63
    FTOI_D fcvt.l.d, rne, D_MINF
    FTOI_D fcvt.l.d, rne, D_NAN
    FTOI_D fcvt.lu.d, rne, D_TWO64
    FTOI_D fcvt.lu.d, rne, D_TWO63
    FTOI_D fcvt.lu.d, rne, D_MONE
    FTOI_D fcvt.lu.d, rne, D_MINF

    ITOF fcvt.s.w, rne, 1
    ITOF fcvt.s.w, rne, -1
    ITOF fcvt.s.w, rne, 0x1ffffffff        /* low 32 bits: -1 */
    ITOF fcvt.s.w, rne, 0x7fffffff
    ITOF fcvt.s.w, rne, 0x80000000
    ITOF fcvt.s.w, rne, 0
    ITOF fcvt.s.wu, rne, 0xffffffff
    ITOF fcvt.s.wu, rne, 0xffffffff00000001 /* low 32 bits: 1 */
    ITOF fcvt.s.l, rne, 0x7fffffffffffffff
    ITOF fcvt.s.l, rne, 0x8000000000000000
    ITOF fcvt.s.lu, rne, 0xffffffffffffffff
    ITOF fcvt.s.lu, rne, 0x0000000001000001 /* 2^24 + 1: NX */
    ITOF_EXACT fcvt.d.w, -2
    ITOF_EXACT fcvt.d.w, 0x180000000       /* low 32 bits: -2^31 */
    ITOF_EXACT fcvt.d.wu, 0x80000000
    ITOF fcvt.d.l, rne, 0x7fffffffffffffff
    ITOF fcvt.d.l, rne, 0x0020000000000001 /* 2^53 + 1: NX */
    ITOF fcvt.d.lu, rne, 0x8000000000000000

    FOP1_D fcvt.s.d, rne, 0x3ff0000000000000
    FOP1_D fcvt.s.d, rne, 0x3fb999999999999a   /* 0.1: NX */
    FOP1_D fcvt.s.d, rne, 0x7fefffffffffffff   /* overflow */
    FOP1_D fcvt.s.d, rtz, 0x7fefffffffffffff   /*   to max */
    FOP1_D fcvt.s.d, rne, 0x3690000000000000   /* 2^-150: underflow to 0 */
    FOP1_D fcvt.s.d, rne, 0x36a0000000000000   /* 2^-149: exact subnormal */
    FOP1_D fcvt.s.d, rne, 0x8000000000000000
    FOP1_D fcvt.s.d, rne, 0xfff0000000000000
    FOP1_D fcvt.s.d, rne, 0x7ff800000000abcd   /* canonical NaN */
    FOP1_D fcvt.s.d, rne, 0x7ff0000000000001   /* canonical NaN, NV */
    FCVT_NORM_S fcvt.d.s, ONEHALF
    FCVT_NORM_S fcvt.d.s, 0x00000001           /* subnormal: exact */
    FCVT_NORM_S fcvt.d.s, MINF
    FCVT_NORM_S fcvt.d.s, MZERO
    FCVT_NORM_S fcvt.d.s, 0x7fc0abcd           /* canonical NaN */
    FCVT_NORM_S fcvt.d.s, SNAN                 /* canonical NaN, NV */
    FCVT_NORM_RAW fcvt.d.s, 0x000000003f800000 /* not boxed */
TEST_END
