/* Helpers for the floating-point tests: run one instruction on operands
 * given as bit patterns and print one line
 *     <insn> <rm> <operands...> = <result> <fflags>
 * where the result is the whole 64-bit f register (so NaN-boxing of single
 * results shows) or the integer register, and fflags are the exception
 * flags that instruction raised (NV DZ OF UF NX = 10 08 04 02 01).
 * Single-precision operands are NaN-boxed by fmv.w.x; the *_RAW macros take
 * 64-bit patterns and load them with fmv.d.x, to feed improperly boxed
 * values to single-precision instructions.
 * Registers: f1-f3 operands, f4 result; t0-t2 scratch. */
#ifndef CELLVISOR_FP_H
#define CELLVISOR_FP_H

#ifdef __ASSEMBLER__

/* "name = <result> <fflags>\n" for integer result reg r, flags in t2 */
.macro FP_LINE name, r
    PUTS "\name = "
    PUTHEX \r
    PUTS " "
    PUTHEX_SHORT t2
    PUTS "\n"
.endm

.macro LOAD_S freg, bits
    li t0, \bits
    fmv.w.x \freg, t0
.endm

.macro LOAD_D freg, bits
    li t0, \bits
    fmv.d.x \freg, t0
.endm

/* f4 := insn(f1), float result */
.macro FOP1_S insn, rm, a
    LOAD_S f1, \a
    fsflags zero
    \insn f4, f1, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \a", t1
.endm
.macro FOP1_D insn, rm, a
    LOAD_D f1, \a
    fsflags zero
    \insn f4, f1, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \a", t1
.endm
/* unary with a raw 64-bit operand (single instructions on unboxed values) */
.macro FOP1_RAW insn, rm, a
    LOAD_D f1, \a
    fsflags zero
    \insn f4, f1, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm raw:\a", t1
.endm

/* f4 := insn(f1, f2) with a rounding mode */
.macro FOP2_S insn, rm, a, b
    LOAD_S f1, \a
    LOAD_S f2, \b
    fsflags zero
    \insn f4, f1, f2, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \a \b", t1
.endm
.macro FOP2_D insn, rm, a, b
    LOAD_D f1, \a
    LOAD_D f2, \b
    fsflags zero
    \insn f4, f1, f2, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \a \b", t1
.endm
.macro FOP2_RAW insn, rm, a, b
    LOAD_D f1, \a
    LOAD_D f2, \b
    fsflags zero
    \insn f4, f1, f2, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm raw:\a raw:\b", t1
.endm

/* f4 := insn(f1, f2) without a rounding mode (sign injection, min/max) */
.macro FOP2N_S insn, a, b
    LOAD_S f1, \a
    LOAD_S f2, \b
    fsflags zero
    \insn f4, f1, f2
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \a \b", t1
.endm
.macro FOP2N_D insn, a, b
    LOAD_D f1, \a
    LOAD_D f2, \b
    fsflags zero
    \insn f4, f1, f2
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \a \b", t1
.endm
.macro FOP2N_RAW insn, a, b
    LOAD_D f1, \a
    LOAD_D f2, \b
    fsflags zero
    \insn f4, f1, f2
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn raw:\a raw:\b", t1
.endm

/* t1 := insn(f1, f2): comparisons */
.macro FCMP_S insn, a, b
    LOAD_S f1, \a
    LOAD_S f2, \b
    fsflags zero
    \insn t1, f1, f2
    frflags t2
    FP_LINE "\insn \a \b", t1
.endm
.macro FCMP_D insn, a, b
    LOAD_D f1, \a
    LOAD_D f2, \b
    fsflags zero
    \insn t1, f1, f2
    frflags t2
    FP_LINE "\insn \a \b", t1
.endm

/* t1 := fclass(f1) */
.macro FCLASS_S a
    LOAD_S f1, \a
    fsflags zero
    fclass.s t1, f1
    frflags t2
    FP_LINE "fclass.s \a", t1
.endm
.macro FCLASS_D a
    LOAD_D f1, \a
    fsflags zero
    fclass.d t1, f1
    frflags t2
    FP_LINE "fclass.d \a", t1
.endm
.macro FCLASS_RAW a
    LOAD_D f1, \a
    fsflags zero
    fclass.s t1, f1
    frflags t2
    FP_LINE "fclass.s raw:\a", t1
.endm

/* f4 := insn(f1, f2, f3): fused multiply-add family */
.macro FOP3_S insn, rm, a, b, c
    LOAD_S f1, \a
    LOAD_S f2, \b
    LOAD_S f3, \c
    fsflags zero
    \insn f4, f1, f2, f3, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \a \b \c", t1
.endm
.macro FOP3_D insn, rm, a, b, c
    LOAD_D f1, \a
    LOAD_D f2, \b
    LOAD_D f3, \c
    fsflags zero
    \insn f4, f1, f2, f3, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \a \b \c", t1
.endm

/* t1 := insn(f1): float to integer */
.macro FTOI_S insn, rm, a
    LOAD_S f1, \a
    fsflags zero
    \insn t1, f1, \rm
    frflags t2
    FP_LINE "\insn \rm \a", t1
.endm
.macro FTOI_D insn, rm, a
    LOAD_D f1, \a
    fsflags zero
    \insn t1, f1, \rm
    frflags t2
    FP_LINE "\insn \rm \a", t1
.endm

/* f4 := insn(x): integer to float */
.macro ITOF insn, rm, x
    li t1, \x
    fsflags zero
    \insn f4, t1, \rm
    frflags t2
    fmv.x.d t1, f4
    FP_LINE "\insn \rm \x", t1
.endm

#endif /* __ASSEMBLER__ */
#endif /* CELLVISOR_FP_H */
