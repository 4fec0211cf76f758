/* Shared definitions for the assembly tests in test/asm/.
 *
 * A test is one .S file that starts with `#include "test.h"`, puts its body
 * between TEST_BEGIN and TEST_END, and prints a *signature*: text lines with
 * the values it wants compared. It is linked with runtime.S (start-up, HTIF
 * console, trap handlers) and link.ld. The same ELF runs on QEMU
 * (`-M spike -bios none`), which produces the golden signature, and on
 * cellvisor, whose output must match it byte for byte.
 *
 * Conventions:
 *  - The body starts in M-mode with: mtvec = rt_mtrap (direct), a PMP entry
 *    granting S/U everything, mstatus.FS = Initial, mcounteren/scounteren = 0,
 *    no delegation, paging off, interrupts disabled (mie = 0, MIE = 0,
 *    CLINT mtimecmp = -1 and msip = 0, mip's writable bits clear).
 *  - sp is a valid stack in M-mode; every macro here preserves all
 *    registers except where noted (ENTER_MODE and SET_PTE clobber t0/t1,
 *    RETURN_TO_M clobbers a7).
 *  - Printing (PUTS, PRINT, ...) works from M-mode only. Code running in S or
 *    U comes back with RETURN_TO_M first, or leaves values in memory.
 *  - Every trap into M is printed by rt_mtrap as one line:
 *        M cause=<mcause> epc=<mepc> tval=<mtval> mpp=<mstatus.MPP>
 *    (interrupts: "M irq=<code> epc=<mepc> mpp=<MPP>") and then the faulting
 *    instruction is skipped; after a fetch fault, which has no instruction to
 *    skip, execution resumes at the label given to SET_RESUME. Traps
 *    delegated to S that reach rt_strap (stvec) are printed the same way with
 *    an S prefix, stval and sstatus.SPP.
 *  - A bare ECALL in a test must set a7 first: two a7 values are runtime
 *    services (RT_ECALL_TO_M, RT_ECALL_S_TRAP).
 *  - Where QEMU 7.2 deviates from the spec, a test either avoids the case or
 *    prints it normalized (CHECK_TRAP), with a comment saying so; see
 *    test/asm/README.md for the list.
 *    Interrupt sources (CLINT msip/mtimecmp, mip.SSIP/STIP/SEIP) are cleared
 *    by the handler so the interrupt is seen exactly once.
 *  - Where the specification allows a choice the handler prints only what is
 *    fixed: tval of an illegal-instruction trap may be 0 or the instruction
 *    bits, tval of EBREAK may be 0 or the pc (priv. spec 3.1.16 "mtval"); both
 *    print as 0, anything else prints as is.
 */
#ifndef CELLVISOR_TEST_H
#define CELLVISOR_TEST_H

/* Privilege levels (PRV_*), CSR fields (MSTATUS_*, ENVCFG_*, MENVCFG_*,
 * COUNTEREN_*, SATP_MODE_*, PMP_*), causes (CAUSE_*), interrupt numbers and mip
 * bits (IRQ_*, MIP_*) and PTE bits (PTE_*): the hart's own constants, in headers
 * generated from src/hart/spec/ into build/include/cellvisor/ (harness.ts passes
 * -I build/include). */
#include <cellvisor/causes.h>
#include <cellvisor/csr.h>
#include <cellvisor/pte.h>

/* CLINT (SiFive layout, at the same place on QEMU spike and cellvisor) */
#define CLINT_BASE     0x2000000
#define CLINT_MSIP     (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xbff8)

/* An address with nothing behind it on either board: accesses fault. */
#define UNMAPPED_ADDR  0x0

/* a7 values that turn an ECALL from S/U into a runtime service */
#define RT_ECALL_TO_M   0x4d2d4d   /* continue after the ECALL, in M-mode */
#define RT_ECALL_S_TRAP 0x532d54   /* used by rt_strap: report the S trap */

#ifdef __ASSEMBLER__

/* The body of a test; runtime.S jumps here after start-up. */
.macro TEST_BEGIN
    .text
    .globl test_main
test_main:
.endm

/* Successful end: HTIF exit with code 0. */
.macro TEST_END
    j rt_pass
.endm

/* Save and restore what the print routines of runtime.S clobber. */
.macro RT_SAVE
    addi sp, sp, -64
    sd ra, 0(sp)
    sd a0, 8(sp)
    sd t0, 16(sp)
    sd t1, 24(sp)
    sd t2, 32(sp)
    sd t3, 40(sp)
    sd t4, 48(sp)
.endm
.macro RT_RESTORE
    ld ra, 0(sp)
    ld a0, 8(sp)
    ld t0, 16(sp)
    ld t1, 24(sp)
    ld t2, 32(sp)
    ld t3, 40(sp)
    ld t4, 48(sp)
    addi sp, sp, 64
.endm

/* Print a string literal (no newline added). */
.macro PUTS str
    .pushsection .rodata
.Lputs_str\@:
    .asciz "\str"
    .popsection
    RT_SAVE
    la a0, .Lputs_str\@
    call rt_puts
    RT_RESTORE
.endm

/* Print a register as 16 hex digits (no newline). Any register except sp. */
.macro PUTHEX reg
    sd \reg, -8(sp)
    RT_SAVE
    ld a0, 56(sp)
    call rt_puthex16
    RT_RESTORE
.endm

/* Print a register as hex without leading zeros (no newline). */
.macro PUTHEX_SHORT reg
    sd \reg, -8(sp)
    RT_SAVE
    ld a0, 56(sp)
    call rt_puthex
    RT_RESTORE
.endm

/* One signature line: "name=<16 hex digits>". */
.macro PRINT name, reg
    PUTS "\name="
    PUTHEX \reg
    PUTS "\n"
.endm

/* One signature line with two values: "name=<hex> <hex>". */
.macro PRINT2 name, reg1, reg2
    PUTS "\name="
    PUTHEX \reg1
    PUTS " "
    PUTHEX \reg2
    PUTS "\n"
.endm

/* Print a CSR: "name=<hex>". */
.macro PRINT_CSR name, csr
    addi sp, sp, -16
    sd t0, 8(sp)
    csrr t0, \csr
    PRINT \name, t0
    ld t0, 8(sp)
    addi sp, sp, 16
.endm

/* The raw bits of an FP register: "name=<hex>" (needs mstatus.FS != Off). */
.macro PRINT_F name, freg
    addi sp, sp, -16
    sd t0, 8(sp)
    fmv.x.d t0, \freg
    PRINT \name, t0
    ld t0, 8(sp)
    addi sp, sp, 16
.endm

/* The next instruction-fetch fault (access, page or misaligned) handled by
 * rt_mtrap resumes at label: there is no instruction to skip. */
.macro SET_RESUME label
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    la t0, \label
    la t1, rt_resume
    sd t0, 0(t1)
    ld t1, 8(sp)
    ld t0, 0(sp)
    addi sp, sp, 16
.endm

/* The same for the next fetch fault reported through rt_strap. */
.macro SET_S_RESUME label
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    la t0, \label
    la t1, rt_s_resume
    sd t0, 0(t1)
    ld t1, 8(sp)
    ld t0, 0(sp)
    addi sp, sp, 16
.endm

/* Stop / start printing exceptions taken by rt_mtrap (they are still
 * recorded and skipped), for the few places where what the hart may do is
 * checked by the test itself instead. */
.macro QUIET_TRAPS
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    la t0, rt_quiet
    li t1, 1
    sd t1, 0(t0)
    ld t1, 8(sp)
    ld t0, 0(sp)
    addi sp, sp, 16
.endm
.macro PRINT_TRAPS
    addi sp, sp, -16
    sd t0, 0(sp)
    la t0, rt_quiet
    sd zero, 0(t0)
    ld t0, 0(sp)
    addi sp, sp, 16
.endm

/* reg := mcause of the last trap into rt_mtrap since CLEAR_LAST_TRAP, or -1 */
.macro CLEAR_LAST_TRAP
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    la t0, rt_last_cause
    li t1, -1
    sd t1, 0(t0)
    ld t1, 8(sp)
    ld t0, 0(sp)
    addi sp, sp, 16
.endm
.macro LAST_TRAP reg
    la \reg, rt_last_cause
    ld \reg, 0(\reg)
.endm

/* Print "name: cause=<c> tval=<t>" for the trap whose mcause and mtval are
 * in registers rc and rt. When the cause is `qemu`, a documented deviation
 * of QEMU 7.2 from the spec, it is printed as `cause`, the spec's value, so
 * that QEMU's golden signature holds what a correct hart prints. */
.macro CHECK_TRAP name, rc, rt, cause, qemu
    sd \rc, -8(sp)
    sd \rt, -16(sp)
    addi sp, sp, -16
    RT_SAVE
    ld t1, 64 + 8(sp)
    ld t2, 64 + 0(sp)
    li t3, \qemu
    bne t1, t3, .Lct\@
    li t1, \cause
.Lct\@:
    PUTS "\name: cause="
    PUTHEX_SHORT t1
    PUTS " tval="
    PUTHEX_SHORT t2
    PUTS "\n"
    RT_RESTORE
    addi sp, sp, 16
.endm

/* rc, rt := mcause, mtval of the last trap into rt_mtrap (mcause is -1 if
 * there was none since CLEAR_LAST_TRAP). */
.macro LAST_TRAP2 rc, rt
    la \rt, rt_last_cause
    ld \rc, 0(\rt)
    ld \rt, 8(\rt)
.endm

/* CHECK_TRAP for the last trap into rt_mtrap (run the instruction with
 * QUIET_TRAPS after CLEAR_LAST_TRAP). */
.macro CHECK_LAST_TRAP name, cause, qemu
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    LAST_TRAP2 t0, t1
    CHECK_TRAP "\name", t0, t1, \cause, \qemu
    ld t0, 0(sp)
    ld t1, 8(sp)
    addi sp, sp, 16
.endm

/* Run one instruction (in any mode whose loads and stores reach the
 * runtime's data: no translation, or identity-mapped S pages) with the
 * exceptions it raises into M recorded instead of printed. PRINT_TRIES,
 * from M, then prints one line per TRY since the last PRINT_TRIES:
 *     <name>: no trap
 *     <name>: cause=<mcause> tval=<mtval>
 * where an illegal instruction prints no tval (0 or the instruction bits,
 * the spec leaves it open). For tests whose expected signature is written
 * by hand: no addresses of the test's own code appear. The instruction
 * must not use t0-t2, which TRY clobbers. At most 256 TRYs between two
 * PRINT_TRIES. TRY_BEGIN ... TRY_END name does the same for the code
 * between them (the last trap counts). */
.macro TRY_BEGIN
    la t0, rt_quiet
    li t1, 1
    sd t1, 0(t0)
    la t0, rt_last_cause
    li t1, -1
    sd t1, 0(t0)
.endm
.macro TRY_END name
    .pushsection .rodata
.Ltry_name\@:
    .asciz "\name"
    .popsection
    la t0, rt_tries_end
    ld t1, 0(t0)
    la t2, .Ltry_name\@
    sd t2, 0(t1)
    la t2, rt_last_cause
    ld t0, 0(t2)
    sd t0, 8(t1)
    ld t0, 8(t2)
    sd t0, 16(t1)
    addi t1, t1, 24
    la t0, rt_tries_end
    sd t1, 0(t0)
    la t0, rt_quiet
    sd zero, 0(t0)
.endm
.macro TRY name, insn:vararg
    TRY_BEGIN
    \insn
    TRY_END "\name"
.endm

.macro PRINT_TRIES
    RT_SAVE
    call rt_print_tries
    RT_RESTORE
.endm

/* From M: continue at label in privilege mode prv, through MRET with
 * MPIE = 0, so that M-mode interrupts are still disabled (MIE = 0) when the
 * code comes back with RETURN_TO_M. Clobbers t0. */
.macro ENTER_MODE prv, label
    li t0, MSTATUS_MPP | MSTATUS_MPIE
    csrc mstatus, t0
    li t0, (\prv << MSTATUS_MPP_SHIFT)
    csrs mstatus, t0
    la t0, \label
    csrw mepc, t0
    mret
.endm

/* From S or U: come back to M-mode and continue with the next instruction.
 * The code must be identity-mapped (VA == PA) when paging is on. Clobbers a7.
 * From U with ECALL-from-U delegated, this passes through rt_strap, so the S
 * trap stack (sstatus.SPP/SPIE/SIE, sepc, scause) changes on the way. */
.macro RETURN_TO_M
    li a7, RT_ECALL_TO_M
    ecall
.endm

/* Write a page-table entry: table[index] = PPN(target) | flags.
 * Clobbers t0, t1. */
.macro SET_PTE table, index, target, flags
    la t1, \table
    li t0, \index * 8
    add t1, t1, t0
    la t0, \target
    srli t0, t0, 12
    slli t0, t0, 10
    ori t0, t0, \flags
    sd t0, 0(t1)
.endm

/* The same with a constant physical address as target. */
.macro SET_PTE_PA table, index, pa, flags
    la t1, \table
    li t0, \index * 8
    add t1, t1, t0
    li t0, ((\pa >> 12) << 10) | \flags
    sd t0, 0(t1)
.endm

#endif /* __ASSEMBLER__ */
#endif /* CELLVISOR_TEST_H */
