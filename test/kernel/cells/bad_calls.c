/* Malformed syscalls and invocations, each printed as `what: error code` (a7 after the
 * ecall), for the test to compare with abi.ts's CV_* codes. Channel 0 is a protected-
 * call channel to another cell. */
#include <stdio.h>
#include <string.h>
#include <cellvisor.h>

static void report(const char *what)
{
	printf("%s: %lu\n", what, (unsigned long)cv_last_error());
}

static struct cv_result sys(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a6)
{
	return cv_syscall(number, a0, (cv_msginfo){ a1 }, a6);
}

static const char text[] = "text\n";

void init(void)
{
	/* Capability pointers that name no capability. */
	sys(CV_SYS_SIGNAL, 600, 0, 0);
	report("signal cptr 600");
	sys(CV_SYS_SIGNAL, ~0ull, 0, 0);
	report("signal cptr 2^64-1");
	cv_call(400, cv_msginfo_new(0, 0));
	report("call empty slot");
	sys(CV_SYS_RECV, CV_CAP_INPUT_ENDPOINT, 0, CV_CAP_TCB);
	report("recv with a tcb as reply");

	/* The wrong type of object. */
	cv_signal(CV_CAP_INPUT_ENDPOINT);
	report("signal an endpoint");
	cv_wait(CV_CAP_TCB);
	report("wait on a tcb");
	cv_call(CV_CAP_NOTIFICATION, cv_msginfo_new(0, 0));
	report("call a notification");
	sys(CV_SYS_RECV, CV_CAP_TCB, 0, CV_CAP_REPLY);
	report("recv on a tcb");
	cv_irq_ack(0);
	report("irq ack without an irq");

	/* Missing rights. */
	cv_cnode_copy(300, CV_CAP_NOTIFICATION, CV_RIGHT_READ);
	cv_signal(300);
	report("signal without write");
	cv_cnode_copy(301, CV_CAP_NOTIFICATION, CV_RIGHT_WRITE);
	cv_poll(301);
	report("poll without read");
	cv_cnode_copy(302, CV_CAP_BASE_PPCALL + 0, CV_RIGHT_GRANT | CV_RIGHT_GRANT_REPLY);
	cv_call(302, cv_msginfo_new(0, 0));
	report("call without write");
	cv_cnode_copy(303, CV_CAP_INPUT_ENDPOINT, CV_RIGHT_WRITE);
	sys(CV_SYS_NB_RECV, 303, 0, CV_CAP_REPLY);
	report("nbrecv without read");

	/* Unknown syscall numbers and invocation labels. */
	sys(0, 0, 0, 0);
	report("syscall 0");
	sys(CV_SYS_COUNT, 0, 0, 0);
	report("syscall CV_SYS_COUNT");
	sys(0x100, 0, 0, 0);
	report("syscall 0x100");
	sys(~0ull, 0, 0, 0);
	report("syscall 2^64-1");
	cv_call(CV_CAP_TCB, cv_msginfo_new(999, 0));
	report("tcb label 999");
	cv_call(CV_CAP_CNODE, cv_msginfo_new(0x10000 | CV_INV_CNODE_COPY, 0));
	report("cnode label 0x10001");
	cv_call(CV_CAP_POWER, cv_msginfo_new(CV_INV_POWER_OFF + 1, 0));
	report("power label off+1");

	/* Bad arguments. */
	cv_call(CV_CAP_CNODE, cv_msginfo_new(CV_INV_CNODE_COPY, 1));
	report("cnode copy with one register");
	cv_call(CV_CAP_TIMER, cv_msginfo_new(CV_INV_TIMER_SET, 0));
	report("timer set with no register");
	cv_mr_set(0, 255);
	cv_call(CV_CAP_TCB, cv_msginfo_new(CV_INV_TCB_SET_PRIORITY, 1));
	report("set priority above mcp");
	cv_mr_set(0, 8);
	cv_call(CV_CAP_TCB, cv_msginfo_new(CV_INV_TCB_READ_REGISTERS, 1));
	report("read own registers");
	cv_set_cap(450);
	cv_msginfo bind = cv_msginfo_new(CV_INV_TCB_BIND_NOTIFICATION, 0);
	bind.raw |= 1 << CV_MSG_EXTRA_CAPS_SHIFT;
	cv_call(CV_CAP_TCB, bind);
	report("bind an empty slot");
	sys(CV_SYS_REPLY, 0, 0, CV_CAP_REPLY);
	report("reply with no caller");
	sys(CV_SYS_REPLY, 0, 0, CV_CAP_TCB);
	report("reply through a tcb");

	/* Debug output from bad addresses or with huge lengths. */
	sys(CV_SYS_DEBUG_PUTS, 0, 5, 0);
	report("puts at 0");
	sys(CV_SYS_DEBUG_PUTS, 0x5000000, 1, 0);
	report("puts unmapped");
	sys(CV_SYS_DEBUG_PUTS, CV_IPC_BUFFER + 4096 - 16, 32, 0);
	report("puts across the end of the ipc buffer");
	sys(CV_SYS_DEBUG_PUTS, ~0ull, 1, 0);
	report("puts at 2^64-1");
	sys(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)text, 4097, 0);
	report("puts 4097 bytes");
	sys(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)text, 1ull << 63, 0);
	report("puts 2^63 bytes");

	/* And what works. */
	sys(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)text, 0, 0);
	report("puts 0 bytes");
	sys(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)text, strlen(text), 0);
	report("puts");
	struct cv_result r = sys(CV_SYS_NB_RECV, CV_CAP_INPUT_ENDPOINT, 0, CV_CAP_REPLY);
	printf("nbrecv: %lu wake=%lu\n", (unsigned long)r.error, (unsigned long)r.wake);
	cv_yield();
	report("yield");
	cv_poweroff(0);
}
