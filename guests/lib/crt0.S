/*
 * Entry of a bare-metal guest: hart 0 starts here in M-mode at the ELF entry point
 * (0x80000000) with nothing set up. Other harts wait forever.
 */
#include <cellvisor/csr.h>

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

	la	t0, cv_trap_entry
	csrw	mtvec, t0
	li	t0, MSTATUS_FS_INITIAL	/* the FPU is usable */
	csrs	mstatus, t0
	csrw	fcsr, zero

	tail	cv_start

park:
	wfi
	j	park

/*
 * Every trap is unexpected in these programs: report it and exit. A separate stack,
 * because the trap may have been caused by sp itself.
 */
	.text
	.balign 4
	.globl cv_trap_entry
cv_trap_entry:
	la	sp, __trap_stack
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	csrr	a3, mstatus
	call	cv_trap
1:	j	1b
