/* F extension, single precision: fadd/fsub/fmul/fdiv/fsqrt, fmin/fmax,
 * fsgnj/fsgnjn/fsgnjx, feq/flt/fle, fclass, fmv.x.w/fmv.w.x, flw/fsw, with
 * the exception flags each raises: signed zeros, infinities, subnormals,
 * overflow/underflow, invalid operations, the canonical NaN for every
 * computed NaN (payloads are not propagated), signaling vs quiet NaNs in
 * comparisons and min/max (a NaN operand of fmin/fmax is ignored; -0 < +0),
 * and NaN-boxing: single results are boxed in the 64-bit f registers, and
 * an operand that is not properly boxed is read as the canonical NaN, except
 * by the transfer instructions (fsw, fmv.x.w), which take the low 32 bits.
 * Rounding modes are in fp_round.S, FMA in fp_fma.S, conversions in
 * fp_convert.S.
 * Unprivileged spec: "F" Standard Extension, 20.2 (NaN generation and
 * propagation, canonical NaN 0x7fc00000), 20.3 (fcsr, fflags), 20.6 (single
 * computational), 20.7-20.9 (conversion and move, compare, classify);
 * "D" extension, 21.2 (NaN boxing). */
#include "test.h"
#include "fp.h"

#define ONE     0x3f800000
#define MONE    0xbf800000
#define TWO     0x40000000
#define THREE   0x40400000
#define FOUR    0x40800000
#define HALF    0x3f000000
#define PZERO   0x00000000
#define MZERO   0x80000000
#define PINF    0x7f800000
#define MINF    0xff800000
#define QNAN    0x7fc00000
#define QNAN_P  0x7fc12345     /* quiet NaN with a payload */
#define MQNAN   0xffc00000
#define SNAN    0x7f800001
#define MSNAN   0xff812345
#define FMAX    0x7f7fffff
#define MFMAX   0xff7fffff
#define MINNORM 0x00800000
#define MINSUB  0x00000001
#define MAXSUB  0x007fffff
#define THIRD   0x3eaaaaab

TEST_BEGIN
    FOP2_S fadd.s, rne, ONE, TWO
    FOP2_S fadd.s, rne, ONE, MONE          /* exact zero: +0 */
    FOP2_S fadd.s, rne, MZERO, MZERO       /* -0 */
    FOP2_S fadd.s, rne, PZERO, MZERO       /* +0 */
    FOP2_S fadd.s, rne, PINF, ONE
    FOP2_S fadd.s, rne, PINF, MINF         /* invalid */
    FOP2_S fadd.s, rne, FMAX, FMAX         /* overflow */
    FOP2_S fadd.s, rne, MINSUB, MINSUB     /* exact subnormal: no UF */
    FOP2_S fadd.s, rne, MAXSUB, MINSUB     /* into the normal range */
    FOP2_S fadd.s, rne, ONE, 0x33800000    /* 1 + 2^-24: a tie, NX */
    FOP2_S fadd.s, rne, QNAN_P, ONE        /* canonical NaN, no flags */
    FOP2_S fadd.s, rne, SNAN, ONE          /* canonical NaN, NV */
    FOP2_S fadd.s, rne, ONE, MSNAN
    FOP2_S fsub.s, rne, ONE, ONE
    FOP2_S fsub.s, rne, MZERO, PZERO
    FOP2_S fsub.s, rne, PINF, PINF
    FOP2_S fsub.s, rne, MFMAX, FMAX
    FOP2_S fsub.s, rne, THREE, 0x3e800000  /* 3 - 0.25 */

    FOP2_S fmul.s, rne, TWO, THREE
    FOP2_S fmul.s, rne, MZERO, THREE
    FOP2_S fmul.s, rne, MONE, PZERO
    FOP2_S fmul.s, rne, PINF, PZERO        /* invalid */
    FOP2_S fmul.s, rne, PINF, MONE
    FOP2_S fmul.s, rne, FMAX, TWO          /* overflow */
    FOP2_S fmul.s, rne, MINNORM, HALF      /* exact subnormal: no UF */
    FOP2_S fmul.s, rne, MINNORM, THIRD     /* tiny and inexact: UF NX */
    FOP2_S fmul.s, rne, MINSUB, HALF       /* rounds to 0: UF NX */
    FOP2_S fmul.s, rne, 0x3f800001, 0x3f800001
    FOP2_S fmul.s, rne, QNAN, SNAN

    FOP2_S fdiv.s, rne, ONE, THREE
    FOP2_S fdiv.s, rne, FOUR, TWO
    FOP2_S fdiv.s, rne, ONE, PZERO         /* DZ */
    FOP2_S fdiv.s, rne, MONE, PZERO
    FOP2_S fdiv.s, rne, ONE, MZERO
    FOP2_S fdiv.s, rne, PZERO, PZERO       /* invalid */
    FOP2_S fdiv.s, rne, PINF, PINF
    FOP2_S fdiv.s, rne, ONE, PINF
    FOP2_S fdiv.s, rne, PINF, PZERO        /* inf / 0: inf, no DZ */
    FOP2_S fdiv.s, rne, MINNORM, FMAX      /* underflow */
    FOP2_S fdiv.s, rne, FMAX, HALF         /* overflow */
    FOP2_S fdiv.s, rne, QNAN_P, PZERO      /* NaN / 0: NaN, no DZ */

    FOP1_S fsqrt.s, rne, FOUR
    FOP1_S fsqrt.s, rne, TWO
    FOP1_S fsqrt.s, rne, MONE              /* invalid */
    FOP1_S fsqrt.s, rne, MZERO             /* -0 */
    FOP1_S fsqrt.s, rne, PINF
    FOP1_S fsqrt.s, rne, MINF
    FOP1_S fsqrt.s, rne, MINSUB
    FOP1_S fsqrt.s, rne, SNAN
    FOP1_S fsqrt.s, rne, QNAN_P

    FOP2N_S fmin.s, ONE, TWO
    FOP2N_S fmax.s, ONE, TWO
    FOP2N_S fmin.s, MONE, MINF
    FOP2N_S fmin.s, PZERO, MZERO           /* -0 < +0 */
    FOP2N_S fmin.s, MZERO, PZERO
    FOP2N_S fmax.s, MZERO, PZERO
    FOP2N_S fmax.s, PZERO, MZERO
    FOP2N_S fmin.s, QNAN, ONE              /* the number wins */
    FOP2N_S fmax.s, TWO, QNAN_P
    FOP2N_S fmin.s, SNAN, ONE              /* the number wins, NV */
    FOP2N_S fmax.s, MONE, MSNAN
    FOP2N_S fmin.s, QNAN_P, MQNAN          /* both NaN: canonical NaN */
    FOP2N_S fmax.s, SNAN, QNAN             /*   and NV */

    FOP2N_S fsgnj.s, ONE, MONE
    FOP2N_S fsgnj.s, MONE, ONE
    FOP2N_S fsgnjn.s, ONE, ONE
    FOP2N_S fsgnjn.s, MONE, ONE
    FOP2N_S fsgnjx.s, MONE, MONE
    FOP2N_S fsgnjx.s, MONE, ONE
    FOP2N_S fsgnj.s, SNAN, MONE            /* no NaN handling: payload kept */
    FOP2N_S fsgnjn.s, QNAN_P, QNAN_P
    FOP2N_S fsgnjx.s, MINF, MQNAN

    FCMP_S feq.s, ONE, ONE
    FCMP_S feq.s, ONE, TWO
    FCMP_S feq.s, PZERO, MZERO
    FCMP_S feq.s, QNAN, QNAN               /* quiet: no NV */
    FCMP_S feq.s, SNAN, ONE                /* NV */
    FCMP_S flt.s, ONE, TWO
    FCMP_S flt.s, TWO, ONE
    FCMP_S flt.s, MZERO, PZERO
    FCMP_S flt.s, MINF, FMAX
    FCMP_S flt.s, QNAN, ONE                /* signaling: NV for any NaN */
    FCMP_S fle.s, ONE, ONE
    FCMP_S fle.s, MZERO, PZERO
    FCMP_S fle.s, TWO, ONE
    FCMP_S fle.s, ONE, QNAN

    FCLASS_S MINF
    FCLASS_S MONE
    FCLASS_S 0x807fffff                    /* negative subnormal */
    FCLASS_S MZERO
    FCLASS_S PZERO
    FCLASS_S MINSUB
    FCLASS_S ONE
    FCLASS_S PINF
    FCLASS_S SNAN
    FCLASS_S QNAN
    FCLASS_S MQNAN

    /* NaN boxing: an operand whose upper 32 bits are not all ones is the
     * canonical NaN (quiet: no NV) */
    FOP2_RAW fadd.s, rne, 0x000000003f800000, 0xffffffff3f800000
    FOP2_RAW fadd.s, rne, 0xffffffff3f800000, 0xfffffffe40000000
    FOP2N_RAW fsgnj.s, 0x000000003f800000, 0xffffffffbf800000
    FOP2N_RAW fsgnjn.s, 0xffffffff3f800000, 0x7fffffffbf800000
    FOP2N_RAW fmin.s, 0x0000000000000000, 0xffffffff3f800000
    FCLASS_RAW 0x00000000ff800000
    FCLASS_RAW 0xffffffff00000000
    FOP1_RAW fsqrt.s, rne, 0x4080000040800000
    /* fmv.x.w takes the low 32 bits as they are and sign-extends them */
    LOAD_D f1, 0x12345678bf800000
    fmv.x.w t1, f1
    li t2, 0
    FP_LINE "fmv.x.w raw:0x12345678bf800000", t1
    LOAD_D f1, 0xffffffff7fc00000
    fmv.x.w t1, f1
    FP_LINE "fmv.x.w raw:0xffffffff7fc00000", t1
    /* fmv.w.x boxes; it copies NaN payloads bit for bit */
    li t1, 0xabcdef017f812345
    fmv.w.x f4, t1
    fmv.x.d t1, f4
    FP_LINE "fmv.w.x 0xabcdef017f812345", t1

    /* flw boxes; fsw stores the low 32 bits, boxed or not */
    .data
    .align 3
fmem: .word 0x7f812345, 0xdeadbeef
    .text
    la t3, fmem
    flw f4, 0(t3)
    fmv.x.d t1, f4
    FP_LINE "flw 0x7f812345", t1
    LOAD_D f1, 0x0123456740490fdb
    fsw f1, 4(t3)
    ld t1, 0(t3)
    FP_LINE "fsw raw:0x0123456740490fdb", t1
    /* flags accumulate in fflags until cleared */
    fsflags zero
    LOAD_S f1, ONE
    LOAD_S f2, PZERO
    fdiv.s f4, f1, f2
    fdiv.s f4, f2, f2
    LOAD_S f2, THREE
    fdiv.s f4, f1, f2
    frflags t2
    FP_LINE "fflags after 1/0, 0/0, 1/3", zero
TEST_END
