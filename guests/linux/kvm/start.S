/* Entry of the bare-metal KVM guest (bare.c): a stack, then C. a0/a1 pass through. */
	.section .text.start
	.globl _start
_start:
	li	t0, 0x2000		/* sstatus.FS = Initial: KVM starts a vCPU with the FPU off, */
	csrs	sstatus, t0		/* and the trap handler saves the f registers */
	la	sp, stack_top
	call	bare_main
1:	wfi
	j	1b

	.bss
	.balign 16
	.space 4096
stack_top:
