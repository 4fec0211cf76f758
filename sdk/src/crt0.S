/*
 * Entry of a native cell: the kernel starts it in U-mode at _start with sp at the top
 * of its stack and everything else zero (bss included: the kernel zeroes the pages it
 * loads). Set gp and tp, then the SDK's main loop.
 */
	.section .text.cv_start, "ax", @progbits
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	tp, __tls_base
	call	__cv_main
1:	j	1b
