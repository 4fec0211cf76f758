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

/* Privilege levels */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mstatus / sstatus fields (priv. spec 3.1.6, 4.1.1) */
#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_UBE   (1 << 6)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_CLEAN   (2 << 13)
#define MSTATUS_FS_DIRTY   (3 << 13)
#define MSTATUS_XS    (3 << 15)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)
#define MSTATUS_SD    (1 << 63)

/* Interrupt numbers: bits of mip/mie, low bits of mcause (priv. spec 3.1.9) */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP (1 << IRQ_S_SOFT)
#define MIP_MSIP (1 << IRQ_M_SOFT)
#define MIP_STIP (1 << IRQ_S_TIMER)
#define MIP_MTIP (1 << IRQ_M_TIMER)
#define MIP_SEIP (1 << IRQ_S_EXT)
#define MIP_MEIP (1 << IRQ_M_EXT)

/* Exception codes of mcause (priv. spec 3.1.15, table "mcause values") */
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_MACHINE_ECALL       11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15

/* satp (priv. spec 4.1.11) */
#define SATP_MODE_SV39 (8 << 60)
#define SATP_MODE_SV48 (9 << 60)

/* Page-table entry bits (priv. spec 4.3.1) */
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

/* Sv39/Sv48 PTE bits above the PPN: Svnapot's N, Svpbmt's PBMT (values
 * PMA 0, NC 1, IO 2, reserved 3) */
#define PTE_PBMT_NC   (1 << 61)
#define PTE_PBMT_IO   (2 << 61)
#define PTE_PBMT_RSVD (3 << 61)
#define PTE_N         (1 << 63)

/* menvcfg and senvcfg (priv. spec 3.1.18, 4.1.10; CMO spec "Control and
 * Status Register State"; Svpbmt; Sstc). PBMTE and STCE are in menvcfg only. */
#define ENVCFG_FIOM       (1 << 0)
#define ENVCFG_CBIE       (3 << 4)
#define ENVCFG_CBIE_FLUSH (1 << 4)
#define ENVCFG_CBIE_INVAL (3 << 4)
#define ENVCFG_CBCFE      (1 << 6)
#define ENVCFG_CBZE       (1 << 7)
#define MENVCFG_PBMTE     (1 << 62)
#define MENVCFG_STCE      (1 << 63)

/* mcounteren / scounteren bits */
#define COUNTEREN_CY (1 << 0)
#define COUNTEREN_TM (1 << 1)
#define COUNTEREN_IR (1 << 2)

/* PMP configuration bits (priv. spec 3.7.1) */
#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

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
    li t0, (\prv << 11)
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
