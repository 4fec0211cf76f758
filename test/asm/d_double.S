/* D extension, double precision: fadd/fsub/fmul/fdiv/fsqrt, fmin/fmax,
 * sign injection, feq/flt/fle, fclass, fmv.x.d/fmv.d.x, fld/fsd, with the
 * flags each raises: signed zeros, infinities, subnormals, overflow and
 * underflow, invalid operations, the canonical NaN 0x7ff8000000000000 for
 * every computed NaN, signaling vs quiet NaNs in comparisons and min/max.
 * Unprivileged spec: "D" Standard Extension, 21.2-21.6 (loads and stores,
 * computational, conversion and move, compare, classify), and "F" 20.2-20.3
 * for the NaN and flag rules it shares. */
#include "test.h"
#include "fp.h"

#define ONE     0x3ff0000000000000
#define MONE    0xbff0000000000000
#define TWO     0x4000000000000000
#define THREE   0x4008000000000000
#define FOUR    0x4010000000000000
#define HALF    0x3fe0000000000000
#define PZERO   0x0000000000000000
#define MZERO   0x8000000000000000
#define PINF    0x7ff0000000000000
#define MINF    0xfff0000000000000
#define QNAN    0x7ff8000000000000
#define QNAN_P  0x7ff800000000abcd
#define MQNAN   0xfff8000000000000
#define SNAN    0x7ff0000000000001
#define MSNAN   0xfff0000000001234
#define DMAX    0x7fefffffffffffff
#define MDMAX   0xffefffffffffffff
#define MINNORM 0x0010000000000000
#define MINSUB  0x0000000000000001
#define MAXSUB  0x000fffffffffffff
#define THIRD   0x3fd5555555555555

TEST_BEGIN
    FOP2_D fadd.d, rne, ONE, TWO
    FOP2_D fadd.d, rne, ONE, MONE
    FOP2_D fadd.d, rne, MZERO, MZERO
    FOP2_D fadd.d, rne, PZERO, MZERO
    FOP2_D fadd.d, rne, PINF, MINF
    FOP2_D fadd.d, rne, DMAX, DMAX
    FOP2_D fadd.d, rne, MINSUB, MINSUB
    FOP2_D fadd.d, rne, MAXSUB, MINSUB
    FOP2_D fadd.d, rne, ONE, 0x3ca0000000000000   /* 1 + 2^-53: a tie */
    FOP2_D fadd.d, rne, ONE, 0x3ca0000000000001   /* just above the tie */
    FOP2_D fadd.d, rne, QNAN_P, ONE
    FOP2_D fadd.d, rne, SNAN, ONE
    FOP2_D fsub.d, rne, ONE, ONE
    FOP2_D fsub.d, rne, MZERO, PZERO
    FOP2_D fsub.d, rne, MINF, MINF
    FOP2_D fsub.d, rne, MDMAX, DMAX

    FOP2_D fmul.d, rne, TWO, THREE
    FOP2_D fmul.d, rne, MZERO, THREE
    FOP2_D fmul.d, rne, PINF, PZERO
    FOP2_D fmul.d, rne, DMAX, TWO
    FOP2_D fmul.d, rne, MINNORM, HALF
    FOP2_D fmul.d, rne, MINNORM, THIRD
    FOP2_D fmul.d, rne, MINSUB, HALF
    FOP2_D fmul.d, rne, 0x3ff0000000000001, 0x3ff0000000000001
    FOP2_D fmul.d, rne, MSNAN, QNAN

    FOP2_D fdiv.d, rne, ONE, THREE
    FOP2_D fdiv.d, rne, FOUR, TWO
    FOP2_D fdiv.d, rne, ONE, PZERO
    FOP2_D fdiv.d, rne, MONE, MZERO
    FOP2_D fdiv.d, rne, PZERO, MZERO
    FOP2_D fdiv.d, rne, MINF, PINF
    FOP2_D fdiv.d, rne, ONE, MINF
    FOP2_D fdiv.d, rne, MINNORM, DMAX
    FOP2_D fdiv.d, rne, DMAX, HALF

    FOP1_D fsqrt.d, rne, FOUR
    FOP1_D fsqrt.d, rne, TWO
    FOP1_D fsqrt.d, rne, MONE
    FOP1_D fsqrt.d, rne, MZERO
    FOP1_D fsqrt.d, rne, PINF
    FOP1_D fsqrt.d, rne, MINSUB
    FOP1_D fsqrt.d, rne, SNAN
    FOP1_D fsqrt.d, rne, 0x3fe0000000000001

    FOP2N_D fmin.d, ONE, TWO
    FOP2N_D fmax.d, ONE, TWO
    FOP2N_D fmin.d, PZERO, MZERO
    FOP2N_D fmax.d, MZERO, PZERO
    FOP2N_D fmin.d, QNAN_P, MONE
    FOP2N_D fmax.d, SNAN, MONE
    FOP2N_D fmin.d, QNAN_P, QNAN_P
    FOP2N_D fmax.d, MSNAN, SNAN

    FOP2N_D fsgnj.d, ONE, MONE
    FOP2N_D fsgnjn.d, MONE, MONE
    FOP2N_D fsgnjx.d, MONE, MONE
    FOP2N_D fsgnjx.d, ONE, MONE
    FOP2N_D fsgnj.d, SNAN, MZERO
    FOP2N_D fsgnjn.d, QNAN_P, PZERO

    FCMP_D feq.d, ONE, ONE
    FCMP_D feq.d, PZERO, MZERO
    FCMP_D feq.d, QNAN, ONE
    FCMP_D feq.d, MSNAN, ONE
    FCMP_D flt.d, MONE, ONE
    FCMP_D flt.d, ONE, ONE
    FCMP_D flt.d, ONE, QNAN
    FCMP_D fle.d, ONE, ONE
    FCMP_D fle.d, MINF, MDMAX
    FCMP_D fle.d, SNAN, SNAN

    FCLASS_D MINF
    FCLASS_D MONE
    FCLASS_D 0x800fffffffffffff
    FCLASS_D MZERO
    FCLASS_D PZERO
    FCLASS_D MAXSUB
    FCLASS_D DMAX
    FCLASS_D PINF
    FCLASS_D SNAN
    FCLASS_D QNAN
    FCLASS_D 0x7ff0000000000000 + 0x8000000000000  /* top mantissa bit: quiet */

    /* fmv.x.d / fmv.d.x copy all 64 bits; so do fld / fsd */
    li t1, 0x7ff0123456789abc
    fmv.d.x f4, t1
    fmv.x.d t1, f4
    li t2, 0
    FP_LINE "fmv.d.x/fmv.x.d 0x7ff0123456789abc", t1
    .data
    .align 3
dmem: .dword 0xfff0000000000005, 0
    .text
    la t3, dmem
    fld f4, 0(t3)
    fsd f4, 8(t3)
    ld t1, 8(t3)
    FP_LINE "fld/fsd 0xfff0000000000005", t1
    /* double operations ignore NaN-boxing: a boxed single is just a NaN */
    FOP2_D fadd.d, rne, 0xffffffff3f800000, ONE
TEST_END
