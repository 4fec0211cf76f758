/* Zfhmin: half-precision loads and stores (flh, fsh), moves (fmv.x.h
 * sign-extends bit 15, fmv.h.x NaN-boxes), and conversions to and from
 * single and double: fcvt.s.h and fcvt.d.h are exact (NaNs become the
 * canonical NaN, a signaling one raises NV), fcvt.h.s and fcvt.h.d round
 * in every mode, with overflow (RTZ/RDN give the largest finite value),
 * underflow (tininess after rounding), inexact and NV. A half operand that
 * is not NaN-boxed (bits 63:16 not all ones) is the canonical NaN; fsh and
 * fmv.x.h move the low 16 bits whatever the rest holds (narrower transfers
 * out of the f registers ignore the upper bits). The half arithmetic of
 * Zfh (fadd.h, fclass.h, fcvt.w.h, ...) is not part of Zfhmin: illegal. A
 * reserved rounding mode, static or in frm, is illegal; with
 * mstatus.FS = Off every instruction here is illegal, and flh makes FS
 * Dirty. Lines: "<insn> <rm> <operand bits> = <result bits> <fflags>".
 * Unprivileged spec "Zfh" and "Zfhmin" (version 1.0), "F" 20.2 (NaN
 * boxing), 20.3 (NaN generation), 20.7 (conversions); IEEE 754-2008.
 * qemu-cpu: rv64,Zfhmin=true,Zfh=false
 */
#include "test.h"
#include "fp.h"

    .option arch, +zfhmin

/* f4 := insn(f1), no rounding mode (exact): f1 = the half h, NaN-boxed,
 * or the raw 64-bit pattern a */
.macro CVT_UP insn, h
    LOAD_D f1, 0xffffffffffff0000 | \h
    fsflags zero
    \insn f4, f1
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \h", t1
.endm
.macro CVT_UP_RAW insn, a
    LOAD_D f1, \a
    fsflags zero
    \insn f4, f1
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn raw:\a", t1
.endm
/* f4 := fcvt.h.s(f1) with rounding mode rm: f1 = the single s, NaN-boxed */
.macro CVT_HS rm, s
    LOAD_S f1, \s
    fsflags zero
    fcvt.h.s f4, f1, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "fcvt.h.s \rm \s", t1
.endm
/* f4 := fcvt.h.d(f1) with rounding mode rm */
.macro CVT_HD rm, d
    LOAD_D f1, \d
    fsflags zero
    fcvt.h.d f4, f1, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "fcvt.h.d \rm \d", t1
.endm

    .data
    .align 3
halves:  .hword 0x3c00, 0x8001, 0x7c01, 0xfc00
slot:    .dword 0x1111111111111111

    .text
TEST_BEGIN
    /* flh boxes, fsh stores the low 16 bits */
    la s0, halves
    flh f1, 0(s0)
    flh f2, 2(s0)
    flh f3, 4(s0)
    flh f5, 6(s0)
    fmv.x.d a0, f1
    fmv.x.d a1, f2
    PRINT2 "flh 0x3c00 0x8001", a0, a1
    fmv.x.d a0, f3
    fmv.x.d a1, f5
    PRINT2 "flh 0x7c01 0xfc00", a0, a1
    la s1, slot
    LOAD_D f1, 0xffffffffffffabcd
    fsh f1, 2(s1)
    ld a0, 0(s1)
    PRINT "fsh 0xabcd at slot+2", a0
    LOAD_D f1, 0x3ff0000000001234     /* not a boxed half */
    fsh f1, 6(s1)
    ld a0, 0(s1)
    PRINT "fsh raw:0x3ff0000000001234 at slot+6", a0

    /* moves */
    .irp v, 0xffffffffffff8001, 0xffffffffffff7fff, 0x3ff0000000000000, 0x0000000012348765
    LOAD_D f1, \v
    fmv.x.h a0, f1
    PRINT "fmv.x.h raw:\v", a0
    .endr
    .irp v, 0x123456789abcdef0, 0x7e00, -1
    li t0, \v
    fmv.h.x f1, t0
    fmv.x.d a0, f1
    PRINT "fmv.h.x \v", a0
    .endr

    /* half to single and double: exact */
    CVT_UP fcvt.s.h, 0x3c00
    CVT_UP fcvt.s.h, 0x0001    /* smallest subnormal, 2^-24 */
    CVT_UP fcvt.s.h, 0x03ff    /* largest subnormal */
    CVT_UP fcvt.s.h, 0x0400    /* smallest normal */
    CVT_UP fcvt.s.h, 0x7bff    /* 65504 */
    CVT_UP fcvt.s.h, 0xfc00
    CVT_UP fcvt.s.h, 0x8000
    CVT_UP fcvt.s.h, 0x7e00
    CVT_UP fcvt.s.h, 0xfe55    /* negative quiet NaN with a payload */
    CVT_UP fcvt.s.h, 0x7c01    /* signaling: NV */
    CVT_UP_RAW fcvt.s.h, 0x0000000000003c00  /* not boxed */
    CVT_UP_RAW fcvt.s.h, 0xffffffff3f800000  /* a boxed single is not a boxed half */
    CVT_UP fcvt.d.h, 0x3c00
    CVT_UP fcvt.d.h, 0x0001
    CVT_UP fcvt.d.h, 0x83ff
    CVT_UP fcvt.d.h, 0xfc00
    CVT_UP fcvt.d.h, 0x7c01
    CVT_UP_RAW fcvt.d.h, 0xfffffffeffff3c00  /* not boxed */

    /* single to half: rounding, overflow, underflow, NaNs */
    .irp rm, rne, rtz, rdn, rup, rmm
    CVT_HS \rm, 0x3f801000   /* 1 + 2^-11: a tie */
    CVT_HS \rm, 0xbf801000
    CVT_HS \rm, 0x3f801800   /* 1 + 3 * 2^-12 */
    CVT_HS \rm, 0x477ff000   /* 65520: a tie with 2^16 */
    CVT_HS \rm, 0xc788b800   /* -70000 */
    CVT_HS \rm, 0x33000000   /* 2^-25 */
    CVT_HS \rm, 0xb3400000   /* -3 * 2^-26 */
    CVT_HS \rm, 0x387ff800   /* 2^-14 - 2^-26 */
    .endr
    CVT_HS rne, 0x3f800000
    CVT_HS rne, 0x477fe000   /* 65504 */
    CVT_HS rne, 0x33800000   /* 2^-24: exact subnormal */
    CVT_HS rne, 0x38800000   /* 2^-14 */
    CVT_HS rne, 0x7f800000
    CVT_HS rne, 0x80000000
    CVT_HS rne, 0x7fc12345
    CVT_HS rne, 0xff800001   /* signaling: NV */
    LOAD_D f1, 0x000000003f800000      /* not boxed */
    fsflags zero
    fcvt.h.s f4, f1, rne
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "fcvt.h.s rne raw:0x000000003f800000", t1
    fsrmi 3                                     /* frm = RUP */
    CVT_HS dyn, 0x3f801000
    fsrmi 0

    /* double to half: rounded once, not through single */
    .irp rm, rne, rtz, rdn, rup, rmm
    CVT_HD \rm, 0x3ff0020000001000  /* 1 + 2^-11 + 2^-40 */
    CVT_HD \rm, 0x3ff0020000000000  /* 1 + 2^-11 */
    CVT_HD \rm, 0x7e37e43c8800759c  /* 1e300 */
    CVT_HD \rm, 0xbe60000000000001  /* -(2^-25 + a bit) */
    .endr
    CVT_HD rne, 0x3ff0000000000000
    CVT_HD rne, 0x40effe0000000000  /* 65520 */
    CVT_HD rne, 0x7ff0000000000001  /* signaling: NV */
    CVT_HD rne, 0xfff8000000000000

    /* reserved rounding modes: illegal */
    LOAD_S f1, 0x3f800000
    .insn r OP_FP, 5, 0x22, f4, f1, f0          /* fcvt.h.s rm = 5 */
    .insn r OP_FP, 6, 0x22, f4, f1, f0          /* fcvt.h.s rm = 6 */
    fsrmi 5
    fcvt.h.s f4, f1, dyn                        /* frm = 5 */
    fsrmi 0

    /* Zfh without Zfhmin: illegal */
    .option push
    .option arch, +zfh
    fadd.h f4, f1, f2
    fmul.h f4, f1, f2
    fsgnj.h f4, f1, f2
    fmin.h f4, f1, f2
    feq.h a0, f1, f2
    fclass.h a0, f1
    fsqrt.h f4, f1
    fmadd.h f4, f1, f2, f3
    fcvt.w.h a0, f1
    fcvt.h.w f4, a0
    fcvt.l.h a0, f1
    .option pop

    /* mstatus.FS = Off: illegal; FS = Initial, then flh: Dirty */
    li t0, MSTATUS_FS
    csrc mstatus, t0
    flh f1, 0(s0)
    fsh f1, 0(s1)
    fmv.x.h a0, f1
    fmv.h.x f1, a0
    fcvt.s.h f1, f2
    fcvt.h.d f1, f2
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    flh f1, 0(s0)
    csrr a0, mstatus
    srli a0, a0, 13
    andi a0, a0, 3
    PRINT "mstatus.FS after flh from Initial", a0
TEST_END
