/* Rounding modes: every operation class under each of the five modes (RNE,
 * RTZ, RDN, RUP, RMM), given statically in the instruction and dynamically
 * through frm; ties (RNE to even vs RMM away from zero); overflow to
 * infinity or to the largest finite number depending on mode and sign;
 * underflow to zero or to the smallest subnormal; the sign of an exact zero
 * sum (-0 only in RDN). fcsr/frm/fflags as views of one register; frm
 * values 5-7 and the reserved static modes 5 and 6 are illegal when used.
 * Unprivileged spec "F" 20.2 (fcsr, "Rounding mode encoding" table: DYN is
 * 7, 5 and 6 reserved; an invalid frm with DYN is an illegal instruction). */
#include "test.h"
#include "fp.h"

#define ONE      0x3f800000
#define MONE     0xbf800000
#define THREE    0x40400000
#define TIE      0x33800000     /* 2^-24: 1 + TIE is halfway to 1 + 2^-23 */
#define TIE3     0x34400000     /* 3 * 2^-24: 1 + TIE3 is halfway to 1 + 2^-22 */
#define FMAX     0x7f7fffff
#define TWO      0x40000000
#define MINSUB   0x00000001
#define HALF     0x3f000000
#define D_ONE    0x3ff0000000000000
#define D_THREE  0x4008000000000000
#define D_MTHREE 0xc008000000000000
#define D_TIE    0x3ca0000000000000

/* op under all five static modes */
.macro ALL_S fop, insn, args:vararg
    \fop \insn, rne, \args
    \fop \insn, rtz, \args
    \fop \insn, rdn, \args
    \fop \insn, rup, \args
    \fop \insn, rmm, \args
.endm

/* the same through frm (DYN): "frm=<m>" is printed before the lines */
.macro ALL_DYN fop, insn, args:vararg
    .irp m, 0, 1, 2, 3, 4
    fsrmi \m
    PUTS "frm=\m: "
    \fop \insn, dyn, \args
    .endr
.endm

TEST_BEGIN
    ALL_S FOP2_S, fadd.s, ONE, TIE
    ALL_S FOP2_S, fadd.s, ONE, TIE3
    ALL_S FOP2_S, fadd.s, MONE, 0xb3800000       /* -1 - 2^-24 */
    ALL_S FOP2_S, fsub.s, ONE, ONE               /* -0 only for RDN */
    ALL_S FOP2_S, fdiv.s, ONE, THREE
    ALL_S FOP2_S, fdiv.s, MONE, THREE
    ALL_S FOP2_S, fmul.s, FMAX, TWO              /* overflow */
    ALL_S FOP2_S, fmul.s, 0xff7fffff, TWO
    ALL_S FOP2_S, fmul.s, MINSUB, HALF           /* underflow, a tie */
    ALL_S FOP2_S, fmul.s, 0x80000001, HALF
    ALL_S FOP1_S, fsqrt.s, TWO
    ALL_S FOP2_D, fadd.d, D_ONE, D_TIE
    ALL_S FOP2_D, fdiv.d, D_ONE, D_THREE
    ALL_S FOP2_D, fdiv.d, D_ONE, D_MTHREE
    ALL_S FOP1_D, fsqrt.d, 0x4000000000000000
    ALL_S FOP1_D, fcvt.s.d, 0x3fb999999999999a   /* 0.1 */
    ALL_S FOP1_D, fcvt.s.d, 0xbfb999999999999a
    ALL_S FTOI_S, fcvt.w.s, 0x40200000           /* 2.5 */
    ALL_S FTOI_S, fcvt.w.s, 0xc0200000           /* -2.5 */
    ALL_S FTOI_S, fcvt.w.s, 0x3fc00000           /* 1.5 */
    ALL_S FTOI_D, fcvt.l.d, 0xc004000000000000   /* -2.5 */
    ALL_S FTOI_D, fcvt.lu.d, 0x3fe8000000000000  /* 0.75 */
    ALL_S ITOF, fcvt.s.w, 0x7fffffff
    ALL_S ITOF, fcvt.s.l, -0x7fffffffffffffff
    ALL_S ITOF, fcvt.d.lu, 0xffffffffffffffff
    ALL_S FOP3_S, fmadd.s, ONE, ONE, TIE

    ALL_DYN FOP2_S, fdiv.s, ONE, THREE
    ALL_DYN FOP2_S, fadd.s, ONE, TIE
    ALL_DYN FTOI_S, fcvt.w.s, 0xc0200000
    ALL_DYN FOP2_D, fdiv.d, D_ONE, D_MTHREE
    /* a static mode overrides frm */
    fsrmi 2
    FOP2_S fdiv.s, rup, ONE, THREE

    /* fcsr = frm << 5 | fflags; the three CSRs are views of it */
    li t0, 0xff
    fscsr t1, t0
    frcsr a0
    PRINT "fcsr <- 0xff", a0
    frrm a0
    PRINT "frm", a0
    frflags a0
    PRINT "fflags", a0
    li t0, -1
    csrw fcsr, t0                     /* bits above 7 are read-only zero */
    frcsr a0
    PRINT "fcsr <- -1", a0
    fsrmi a0, 1                       /* swap forms return the old value */
    fsflagsi a1, 0x3
    frcsr a2
    PRINT2 "old frm, old fflags", a0, a1
    PRINT "fcsr", a2
    csrrci a0, fflags, 1
    csrrsi a1, frm, 2
    frcsr a2
    PRINT2 "csrrci fflags, csrrsi frm (old values)", a0, a1
    PRINT "fcsr", a2

    /* invalid rounding modes: frm = 5, 6, 7 with DYN, static 5 and 6 */
    LOAD_S f1, ONE
    LOAD_S f2, THREE
    .irp m, 5, 6, 7
    fsrmi \m
    fdiv.s f4, f1, f2, dyn            /* illegal */
    .endr
    fsrmi 0
    .word 0x18215253                  /* fdiv.s f4, f2, f2 with rm = 5 */
    .word 0x18216253                  /* ... rm = 6 */
    .word 0x18217253                  /* ... rm = 7 = DYN, frm = 0: fine */
    fmv.x.d a0, f4
    PRINT "fdiv.s 3/3 after the reserved ones", a0
    fsrmi 5
    fadd.s f4, f1, f2, rne            /* a static mode does not read frm */
    fsgnj.s f4, f1, f2                /* no rounding: frm not used */
    fmin.s f4, f1, f2
    feq.s a0, f1, f2
    fmv.x.w a0, f4
    fcvt.d.s f4, f1                   /* (the assembler encodes rm = 0) */
    .word 0x4200f253                  /* fcvt.d.s f4, f1, dyn: illegal, */
    .word 0xd220f253                  /* fcvt.d.w f4, x0, dyn: illegal */
                                      /* (exact, but DYN reads frm) */
    fsrmi 0
    PUTS "done\n"
TEST_END
