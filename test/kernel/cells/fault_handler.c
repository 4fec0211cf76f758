/* Fault handler of its children: reports each fault, restarts the child RESTARTS
 * times, then stops it and powers off. */
#include <stdio.h>
#include <cellvisor.h>

#ifndef RESTARTS
#define RESTARTS 2
#endif

static unsigned faults;

void init(void)
{
}

void fault(cv_child child, uint64_t cause, uint64_t pc, uint64_t addr)
{
	printf("fault child=%u cause=%lu pc=0x%lx addr=0x%lx\n", child, (unsigned long)cause, (unsigned long)pc,
	       (unsigned long)addr);
	if (++faults <= RESTARTS) {
		cv_child_restart(child);
		printf("restart: %lu\n", (unsigned long)cv_last_error());
	} else {
		cv_child_stop(child);
		printf("stop: %lu\n", (unsigned long)cv_last_error());
		cv_poweroff(0);
	}
}
