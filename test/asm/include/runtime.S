/* Run-time support linked into every assembly test: start-up, the HTIF
 * console and exit, and the trap handlers rt_mtrap / rt_strap.
 * See test.h for the conventions this implements. */
#include "test.h"

#define HTIF_PUTCHAR (0x0101 << 48)   /* device 1 (console), command 1 (write) */

    .section .text.init, "ax"
    .globl _start
_start:
    la sp, rt_stack_top
    la t0, rt_mstack_top
    csrw mscratch, t0
    la t0, rt_mtrap
    csrw mtvec, t0
    csrw mie, zero
    li t0, CLINT_MTIMECMP           /* no timer interrupt until a test arms it */
    li t1, -1
    sd t1, 0(t0)
    li t0, CLINT_MSIP
    sw zero, 0(t0)
    csrw mip, zero                  /* (the writable bits: SSIP, STIP, SEIP) */
    csrw mideleg, zero
    csrw medeleg, zero
    csrw satp, zero
    csrw mcounteren, zero
    csrw scounteren, zero
    /* S and U may touch nothing unless a PMP entry matches (priv. spec 3.7.1):
     * grant everything with one NAPOT entry that spans the whole space. */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X
    csrw pmpcfg0, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    fscsr zero                      /* (this sets FS to Dirty: reset below) */
    li t0, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_MPRV | MSTATUS_FS | MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    j test_main

    .text
/* HTIF exit: tohost = code << 1 | 1. */
    .globl rt_pass, rt_fail
rt_pass:
    li a0, 0
rt_fail:                            /* a0 = exit code */
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
1:  sd a0, 0(t0)
    j 1b

/* Write the character in a0 to the HTIF console and wait until the host
 * has taken it (it clears tohost). Clobbers t0, t1. */
    .globl rt_putc
rt_putc:
    la t0, fromhost
    sd zero, 0(t0)
    li t1, HTIF_PUTCHAR
    or t1, t1, a0
    la t0, tohost
    sd t1, 0(t0)
1:  ld t1, 0(t0)
    bnez t1, 1b
    la t0, fromhost
    sd zero, 0(t0)
    ret

/* Print the NUL-terminated string at a0. Clobbers a0, t0-t2. */
    .globl rt_puts
rt_puts:
    addi sp, sp, -16
    sd ra, 0(sp)
    mv t2, a0
1:  lbu a0, 0(t2)
    beqz a0, 2f
    call rt_putc
    addi t2, t2, 1
    j 1b
2:  ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* Print a0 as hex: rt_puthex16 always 16 digits, rt_puthex without
 * leading zeros. Clobbers a0, t0-t4. */
    .globl rt_puthex16, rt_puthex
rt_puthex16:
    li t4, 1
    j 1f
rt_puthex:
    li t4, 0
1:  addi sp, sp, -16
    sd ra, 0(sp)
    mv t3, a0
    li t2, 60
2:  srl a0, t3, t2
    andi a0, a0, 15
    bnez t4, 3f
    bnez a0, 3f
    beqz t2, 3f                     /* the value 0 still prints one digit */
    j 4f
3:  li t4, 1
    li t0, 10
    blt a0, t0, 5f
    addi a0, a0, 'a' - 10
    j 6f
5:  addi a0, a0, '0'
6:  call rt_putc
4:  addi t2, t2, -4
    bgez t2, 2b
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* Length in bytes of the instruction at a0 (read physically): 2 or 4. */
rt_insn_len:
    lhu a0, 0(a0)
    andi a0, a0, 3
    addi a0, a0, -3
    beqz a0, 1f
    li a0, 2
    ret
1:  li a0, 4
    ret

/* The instruction bits at a0 (16 or 32 bits), read physically. */
rt_insn_bits:
    lhu t0, 0(a0)
    andi t1, t0, 3
    addi t1, t1, -3
    bnez t1, 1f
    lhu t1, 2(a0)
    slli t1, t1, 16
    or t0, t0, t1
1:  mv a0, t0
    ret

/* Print the trap value a0 for cause a1 and pc a2, hiding the choices the
 * specification leaves open (see test.h). Clobbers a0-a2, t0-t4. */
rt_put_tval:
    addi sp, sp, -16
    sd ra, 0(sp)
    sd a0, 8(sp)
    li t0, CAUSE_ILLEGAL_INSTRUCTION
    beq a1, t0, 1f
    li t0, CAUSE_BREAKPOINT
    bne a1, t0, 3f
    bne a0, a2, 3f                  /* breakpoint: pc prints as 0 */
    j 2f
1:  mv a0, a2                       /* illegal: the instruction prints as 0 */
    call rt_insn_bits
    ld t0, 8(sp)
    bne a0, t0, 3f
2:  sd zero, 8(sp)
3:  ld a0, 8(sp)
    call rt_puthex
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* Clear the source of interrupt a0 so that it is taken once. */
rt_clear_irq:
    li t0, IRQ_M_SOFT
    bne a0, t0, 1f
    li t0, CLINT_MSIP
    sw zero, 0(t0)
    ret
1:  li t0, IRQ_M_TIMER
    bne a0, t0, 2f
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)
    ret
2:  li t0, IRQ_S_SOFT
    bne a0, t0, 3f
    csrci mip, MIP_SSIP
    ret
3:  li t0, IRQ_S_TIMER
    bne a0, t0, 4f
    li t0, MIP_STIP
    csrc mip, t0
    ret
4:  li t0, IRQ_S_EXT                /* the bit M-mode software can set */
    bne a0, t0, 5f
    li t0, MIP_SEIP
    csrc mip, t0
    ret
5:  PUTS "machine external interrupt: no source to clear\n"
    li a0, 4
    j rt_fail

/* The new pc after exception a1 at pc a0, given resume slot a2
 * (rt_resume or rt_s_resume): the next instruction, or for a fetch fault,
 * which has no instruction to skip, the label the test gave to SET_RESUME.
 * Clobbers t0, t1. */
rt_next_pc:
    beqz a1, 1f
    li t0, CAUSE_FETCH_ACCESS
    beq a1, t0, 1f
    li t0, CAUSE_FETCH_PAGE_FAULT
    bne a1, t0, 3f
1:  ld t0, 0(a2)
    beqz t0, 2f
    sd zero, 0(a2)
    mv a0, t0
    ret
3:  addi sp, sp, -16
    sd ra, 0(sp)
    sd a0, 8(sp)
    call rt_insn_len
    ld t0, 8(sp)
    add a0, a0, t0
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
2:  PUTS "fetch fault without SET_RESUME\n"
    li a0, 3
    j rt_fail

/* Print and forget the records of TRY (see test.h). Clobbers a0, t0-t4. */
    .globl rt_print_tries
rt_print_tries:
    addi sp, sp, -16
    sd ra, 0(sp)
    sd s0, 8(sp)
    la s0, rt_tries
1:  la t0, rt_tries_end
    ld t0, 0(t0)
    bgeu s0, t0, 4f
    ld a0, 0(s0)
    call rt_puts
    ld t0, 8(s0)
    bgez t0, 2f
    PUTS ": no trap\n"
    j 3f
2:  PUTS ": cause="
    ld a0, 8(s0)
    call rt_puthex
    ld t0, 8(s0)
    li t1, CAUSE_ILLEGAL_INSTRUCTION
    beq t0, t1, 5f
    PUTS " tval="
    ld a0, 16(s0)
    call rt_puthex
5:  PUTS "\n"
3:  addi s0, s0, 24
    j 1b
4:  la t0, rt_tries_end
    la t1, rt_tries
    sd t1, 0(t0)
    ld ra, 0(sp)
    ld s0, 8(sp)
    addi sp, sp, 16
    ret

/* Machine trap handler. mscratch holds the top of the M trap stack while
 * no trap is being handled, and 0 while one is. */
    .align 2
    .globl rt_mtrap
rt_mtrap:
    csrrw sp, mscratch, sp
    beqz sp, rt_nested
    addi sp, sp, -256
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\n, (\n * 8)(sp)
    .endr
    csrrw t0, mscratch, zero
    sd t0, (2 * 8)(sp)

    csrr s0, mcause
    la t0, rt_last_cause
    sd s0, 0(t0)
    csrr t1, mtval
    sd t1, 8(t0)                    /* rt_last_tval */
    bltz s0, rt_m_irq
    li t0, CAUSE_USER_ECALL
    beq s0, t0, 1f
    li t0, CAUSE_VIRTUAL_SUPERVISOR_ECALL /* RETURN_TO_M from VS (H extension) */
    beq s0, t0, 1f
    li t0, CAUSE_SUPERVISOR_ECALL
    bne s0, t0, rt_m_report
1:  li t0, RT_ECALL_TO_M
    beq a7, t0, rt_to_m
    li t0, RT_ECALL_S_TRAP
    beq a7, t0, rt_s_report

rt_m_report:
    la t0, rt_quiet
    ld t0, 0(t0)
    bnez t0, 1f
    PUTS "M cause="
    mv a0, s0
    call rt_puthex
    PUTS " epc="
    csrr a0, mepc
    call rt_puthex
    PUTS " tval="
    csrr a0, mtval
    mv a1, s0
    csrr a2, mepc
    call rt_put_tval
    call rt_put_mpp
1:  csrr a0, mepc
    mv a1, s0
    la a2, rt_resume
    call rt_next_pc
    csrw mepc, a0
    j rt_mtrap_return

rt_m_irq:
    PUTS "M irq="
    slli a0, s0, 1
    srli a0, a0, 1
    call rt_puthex
    PUTS " epc="
    csrr a0, mepc
    call rt_puthex
    call rt_put_mpp
    slli a0, s0, 1
    srli a0, a0, 1
    call rt_clear_irq
    j rt_mtrap_return

rt_put_mpp:
    addi sp, sp, -16
    sd ra, 0(sp)
    PUTS " mpp="
    csrr a0, mstatus
    srli a0, a0, 11
    andi a0, a0, 3
    call rt_puthex
    PUTS "\n"
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

/* ECALL RT_ECALL_TO_M: go on after the ECALL, in M-mode. */
rt_to_m:
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    li t0, MSTATUS_MPP
    csrs mstatus, t0
    j rt_mtrap_return

/* ECALL RT_ECALL_S_TRAP from rt_strap: print the S trap, set sepc, and
 * return to rt_strap, which executes SRET. */
rt_s_report:
    csrr s1, scause
    li t0, CAUSE_USER_ECALL         /* RETURN_TO_M from U with U ECALLs */
    bne s1, t0, 3f                  /* delegated: go to M from here */
    csrr t0, sscratch               /* (rt_strap saved a7 there) */
    li t1, RT_ECALL_TO_M
    bne t0, t1, 3f
    csrr t0, sepc
    addi t0, t0, 4
    csrw mepc, t0
    li t0, MSTATUS_MPP
    csrs mstatus, t0
    j rt_mtrap_return
3:  bltz s1, 1f
    PUTS "S cause="
    mv a0, s1
    call rt_puthex
    PUTS " epc="
    csrr a0, sepc
    call rt_puthex
    PUTS " tval="
    csrr a0, stval
    mv a1, s1
    csrr a2, sepc
    call rt_put_tval
    call rt_put_spp
    csrr a0, sepc
    mv a1, s1
    la a2, rt_s_resume
    call rt_next_pc
    csrw sepc, a0
    j 2f
1:  PUTS "S irq="
    slli a0, s1, 1
    srli a0, a0, 1
    call rt_puthex
    PUTS " epc="
    csrr a0, sepc
    call rt_puthex
    call rt_put_spp
    slli a0, s1, 1
    srli a0, a0, 1
    call rt_clear_irq
2:  csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    j rt_mtrap_return

rt_put_spp:
    addi sp, sp, -16
    sd ra, 0(sp)
    PUTS " spp="
    csrr a0, sstatus
    srli a0, a0, 8
    andi a0, a0, 1
    call rt_puthex
    PUTS "\n"
    ld ra, 0(sp)
    addi sp, sp, 16
    ret

rt_mtrap_return:
    addi t0, sp, 256
    csrw mscratch, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\n, (\n * 8)(sp)
    .endr
    ld sp, (2 * 8)(sp)
    mret

/* A trap inside rt_mtrap: report it and stop. */
rt_nested:
    csrrw sp, mscratch, sp
    addi sp, sp, -64
    PUTS "nested trap in rt_mtrap: cause="
    csrr a0, mcause
    call rt_puthex
    PUTS " epc="
    csrr a0, mepc
    call rt_puthex
    PUTS "\n"
    li a0, 2
    j rt_fail

/* Supervisor trap handler for tests that set stvec = rt_strap: M-mode prints
 * the trap (an ECALL from S, which must not be delegated) and sets sepc. */
    .align 2
    .globl rt_strap
rt_strap:
    csrw sscratch, a7
    li a7, RT_ECALL_S_TRAP
    ecall
    csrr a7, sscratch
    sret

    .data
    .align 3
    .globl rt_resume, rt_s_resume
rt_resume:   .dword 0
rt_s_resume: .dword 0
    .globl rt_quiet, rt_last_cause, rt_last_tval
rt_quiet:      .dword 0             /* nonzero: rt_mtrap prints no exceptions */
rt_last_cause: .dword -1            /* mcause and mtval of the last M trap */
rt_last_tval:  .dword 0

    .globl rt_tries_end
rt_tries_end:  .dword rt_tries      /* the next free TRY record */

    .bss
    .align 4
rt_stack:   .skip 8192
rt_stack_top:
rt_mstack:  .skip 8192
rt_mstack_top:
rt_tries:   .skip 24 * 256          /* TRY records: name, mcause, mtval */

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost, fromhost
tohost:   .dword 0
    .size tohost, 8
fromhost: .dword 0
    .size fromhost, 8
