/* The floating-point context status mstatus.FS: with FS = Off every F/D
 * instruction (loads, stores, moves, arithmetic, compressed forms) and
 * every access to fcsr/fflags/frm is an illegal instruction, in M, S and U;
 * instructions that change the FP state move FS from Initial or Clean to
 * Dirty, which sets the read-only summary bit SD; sstatus shows FS and SD
 * too; turning FS off and on keeps the register contents.
 * Privileged spec 3.1.6.6 (Extension Context Status in mstatus), 4.1.1
 * (sstatus); unprivileged "F" 20.1. */
#include "test.h"

#define SD_FS (MSTATUS_SD | MSTATUS_FS)

/* FS := value */
.macro SET_FS value
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, \value
    csrs mstatus, t0
.endm

/* "name=<mstatus.SD|FS>" */
.macro PRINT_FS name
    csrr t1, mstatus
    li t0, SD_FS
    and t1, t1, t0
    PRINT "\name", t1
.endm

/* one of each kind of FP instruction, all illegal with FS = Off */
.macro ALL_FP
    la a1, fpmem
    flw f1, 0(a1)
    fsw f1, 0(a1)
    fld f1, 0(a1)
    fsd f1, 0(a1)
    fadd.s f1, f1, f1
    fmadd.d f1, f1, f1, f1
    fmv.x.w a0, f1
    fmv.w.x f1, a0
    fmv.x.d a0, f1
    fmv.d.x f1, a0
    fcvt.w.s a0, f1
    fcvt.d.l f1, a0
    feq.d a0, f1, f1
    fclass.s a0, f1
    fsgnj.d f1, f1, f1
    c.fld fa1, 0(a1)
    c.fsd fa1, 0(a1)
    csrr a0, fcsr
    csrw fflags, zero
    csrr a0, frm
.endm

    .data
    .align 3
fpmem: .dword 0x3ff0000000000000

    .text
TEST_BEGIN
    /* the registers survive FS = Off */
    li t1, 0x0123456789abcdef
    fmv.d.x f9, t1

    SET_FS 0
    PRINT_FS "FS=Off"
    ALL_FP
    PUTS "M: 20 traps above\n"
    csrr a0, sstatus
    li t0, SD_FS
    and a0, a0, t0
    PRINT "sstatus.SD|FS", a0
    ENTER_MODE PRV_S, 1f
1:  fadd.d f1, f1, f1
    csrr a0, fflags
    RETURN_TO_M
    ENTER_MODE PRV_U, 2f
2:  fadd.d f1, f1, f1
    csrr a0, fflags
    RETURN_TO_M

    SET_FS MSTATUS_FS_INITIAL
    fmv.x.d a0, f9
    PRINT "f9 after FS Off and on", a0
    PRINT_FS "FS=Initial"
    fadd.s f1, f2, f3                 /* writes an f register */
    PRINT_FS "after fadd.s"
    SET_FS MSTATUS_FS_CLEAN
    PRINT_FS "FS=Clean"
    csrw fflags, zero                 /* writes fcsr */
    PRINT_FS "after csrw fflags"
    SET_FS MSTATUS_FS_CLEAN
    la a1, fpmem
    fld f2, 0(a1)
    PRINT_FS "after fld"
    SET_FS MSTATUS_FS_CLEAN
    li a0, 7
    fmv.w.x f2, a0
    PRINT_FS "after fmv.w.x"
    SET_FS MSTATUS_FS_CLEAN
    fsrmi 1
    PRINT_FS "after fsrmi"
    fsrmi 0
    SET_FS MSTATUS_FS_CLEAN
    li a0, 3
    fcvt.s.w f3, a0
    PRINT_FS "after fcvt.s.w"
    /* Dirty shows through sstatus, and S can clean it through sstatus */
    csrr a0, sstatus
    li t0, SD_FS
    and a0, a0, t0
    PRINT "sstatus.SD|FS", a0
    ENTER_MODE PRV_S, 3f
3:  li t0, MSTATUS_FS
    csrc sstatus, t0
    li t0, MSTATUS_FS_CLEAN
    csrs sstatus, t0
    RETURN_TO_M
    PRINT_FS "after S wrote sstatus.FS = Clean"
    /* FP instructions work in S and U once FS is on */
    ENTER_MODE PRV_U, 4f
4:  fadd.d f4, f9, f9
    RETURN_TO_M
    PRINT_FS "after fadd.d in U"
    SET_FS MSTATUS_FS_INITIAL
TEST_END
