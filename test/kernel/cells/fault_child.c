/* Touches memory it was not given (what, by KIND) after printing where it will fault.
 * `runs` counts starts in its own memory: a restart reloads that, so it is 1 each time. */
#include <stdio.h>
#include <cellvisor.h>

#define STORE_UNMAPPED 1 /* a store to 0x5000000, mapped to nothing */
#define STORE_TEXT 2     /* a store into its own code (mapped r-x) */
#define EXEC_STACK 3     /* a jump into its stack (mapped rw-) */
#define LOAD_KERNEL 4    /* a load from the RAM the kernel keeps its own things in */

extern char fault_pc[];
static unsigned runs;

__attribute__((noinline)) static void touch(uint64_t addr)
{
#if KIND == EXEC_STACK
	asm volatile(".globl fault_pc\nfault_pc: jalr ra, 0(%0)" : : "r"(addr) : "ra", "memory");
#elif KIND == LOAD_KERNEL
	uint64_t v;
	asm volatile(".globl fault_pc\nfault_pc: ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
#else
	asm volatile(".globl fault_pc\nfault_pc: sd zero, 0(%0)" : : "r"(addr) : "memory");
#endif
}

void init(void)
{
	uint64_t stack_word = 0x00000013; /* nop */
	uint64_t addr = KIND == STORE_UNMAPPED ? 0x5000000 :
			KIND == STORE_TEXT ? (uint64_t)(uintptr_t)&init :
			KIND == EXEC_STACK ? (uint64_t)(uintptr_t)&stack_word :
					     0x80000000;
	runs++;
	printf("run %u: touching 0x%lx at pc 0x%lx\n", runs, (unsigned long)addr,
	       (unsigned long)(KIND == EXEC_STACK ? addr : (uint64_t)(uintptr_t)fault_pc));
	cv_flush();
	touch(addr);
	printf("FAIL: still running\n");
}
