/*
 * Entry and trap vector of the hobby guest (hobby.c): hart 0 starts here in M-mode, as
 * QEMU's `virt -bios none` and `cellvisor machine --bios none` start an ELF kernel.
 */

	.section .text.init, "ax", @progbits
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park

	.option push
	.option norelax		/* gp cannot be relaxed against itself */
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack

	la	t0, trap_entry
	csrw	mtvec, t0
	tail	hobby_main

park:
	wfi
	j	park

/*
 * Interrupts only: save what the C handler may clobber, call it, return where the
 * hart was. Exceptions are reported by the handler and end the run.
 */
	.text
	.balign 4
trap_entry:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	t0, 8(sp)
	sd	t1, 16(sp)
	sd	t2, 24(sp)
	sd	a0, 32(sp)
	sd	a1, 40(sp)
	sd	a2, 48(sp)
	sd	a3, 56(sp)
	sd	a4, 64(sp)
	sd	a5, 72(sp)
	sd	a6, 80(sp)
	sd	a7, 88(sp)
	sd	t3, 96(sp)
	sd	t4, 104(sp)
	sd	t5, 112(sp)
	sd	t6, 120(sp)
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	call	hobby_trap
	ld	ra, 0(sp)
	ld	t0, 8(sp)
	ld	t1, 16(sp)
	ld	t2, 24(sp)
	ld	a0, 32(sp)
	ld	a1, 40(sp)
	ld	a2, 48(sp)
	ld	a3, 56(sp)
	ld	a4, 64(sp)
	ld	a5, 72(sp)
	ld	a6, 80(sp)
	ld	a7, 88(sp)
	ld	t3, 96(sp)
	ld	t4, 104(sp)
	ld	t5, 112(sp)
	ld	t6, 120(sp)
	addi	sp, sp, 128
	mret
