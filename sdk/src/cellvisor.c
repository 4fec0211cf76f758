/*
 * The cellvisor SDK library: the event loop, the channel API over the kernel's
 * syscalls, message registers in the IPC buffer, and printf through the kernel's
 * console. Message registers 0..3 travel in a2..a5; this library keeps the IPC
 * buffer's msg[] as the one place a cell reads and writes them.
 */
#include <stdio.h>
#include <string.h>

#include "cellvisor.h"

#define IPC_BUFFER ((uint64_t *)CV_IPC_BUFFER)
#define MSG(i) CV__MSG[i]

uint64_t cv__last_error;
#define last_error cv__last_error

uint64_t cv_last_error(void)
{
	return last_error;
}

static cv_msginfo invocation(cv_cptr cap, uint64_t label, uint16_t count)
{
	return cv_syscall(CV_SYS_CALL, cap, cv_msginfo_new(label, count), 0).info;
}

void cv_send(cv_cptr cap, cv_msginfo info)
{
	cv_syscall(CV_SYS_SEND, cap, info, 0);
}

void cv_nbsend(cv_cptr cap, cv_msginfo info)
{
	cv_syscall(CV_SYS_NB_SEND, cap, info, 0);
}

cv_msginfo cv_recv(cv_cptr cap, uint64_t *badge)
{
	struct cv_result r = cv_syscall(CV_SYS_RECV, cap, (cv_msginfo){ 0 }, CV_CAP_REPLY);
	if (badge)
		*badge = r.badge;
	return r.info;
}

void cv_signal(cv_cptr cap)
{
	cv_syscall(CV_SYS_SIGNAL, cap, (cv_msginfo){ 0 }, 0);
}

uint64_t cv_wait(cv_cptr cap)
{
	return cv_syscall(CV_SYS_WAIT, cap, (cv_msginfo){ 0 }, 0).badge;
}

uint64_t cv_poll(cv_cptr cap)
{
	return cv_syscall(CV_SYS_POLL, cap, (cv_msginfo){ 0 }, 0).badge;
}

void cv_yield(void)
{
	cv_syscall(CV_SYS_YIELD, 0, (cv_msginfo){ 0 }, 0);
}

uint64_t cv_cnode_copy(cv_cptr dest, cv_cptr src, uint64_t rights)
{
	MSG(0) = dest;
	MSG(1) = src;
	MSG(2) = rights;
	invocation(CV_CAP_CNODE, CV_INV_CNODE_COPY, 3);
	return last_error;
}

uint64_t cv_cnode_mint(cv_cptr dest, cv_cptr src, uint64_t rights, uint64_t badge)
{
	MSG(0) = dest;
	MSG(1) = src;
	MSG(2) = rights;
	MSG(3) = badge;
	invocation(CV_CAP_CNODE, CV_INV_CNODE_MINT, 4);
	return last_error;
}

uint64_t cv_cnode_move(cv_cptr dest, cv_cptr src)
{
	MSG(0) = dest;
	MSG(1) = src;
	invocation(CV_CAP_CNODE, CV_INV_CNODE_MOVE, 2);
	return last_error;
}

uint64_t cv_cnode_delete(cv_cptr slot)
{
	MSG(0) = slot;
	invocation(CV_CAP_CNODE, CV_INV_CNODE_DELETE, 1);
	return last_error;
}

uint64_t cv_cnode_revoke(cv_cptr slot)
{
	MSG(0) = slot;
	invocation(CV_CAP_CNODE, CV_INV_CNODE_REVOKE, 1);
	return last_error;
}

void cv_set_cap(cv_cptr cap)
{
	IPC_BUFFER[CV_IPC_CAPS_OR_BADGES / 8] = cap;
}

void cv_set_receive_slot(cv_cptr slot)
{
	IPC_BUFFER[CV_IPC_RECEIVE_INDEX / 8] = slot;
}

/* ---- the cell API ----------------------------------------------------------- */

void cv_irq_ack(cv_channel ch)
{
	if (ch <= CV_MAX_CHANNEL)
		invocation(CV_CAP_BASE_IRQ + ch, CV_INV_IRQ_ACK, 0);
}

void cv_dbg_puts(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		size_t chunk = n > 4096 ? 4096 : n;
		cv_syscall(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)s, (cv_msginfo){ chunk }, 0);
		s += chunk;
		n -= chunk;
	}
}

uint64_t cv_time_ns(void)
{
	uint64_t ticks;
	asm volatile("rdtime %0" : "=r"(ticks));
	return ticks * 100; /* mtime runs at 10 MHz */
}

void cv_timer_set(uint64_t deadline_ns)
{
	MSG(0) = deadline_ns;
	invocation(CV_CAP_TIMER, CV_INV_TIMER_SET, 1);
}

void cv_child_restart(cv_child child)
{
	if (child <= CV_MAX_CHILD)
		invocation(CV_CAP_BASE_CHILD + child, CV_INV_TCB_RESTART, 0);
}

void cv_child_stop(cv_child child)
{
	if (child <= CV_MAX_CHILD)
		invocation(CV_CAP_BASE_CHILD + child, CV_INV_TCB_SUSPEND, 0);
}

void cv_poweroff(int status)
{
	cv_flush();
	MSG(0) = (uint64_t)(int64_t)status;
	invocation(CV_CAP_POWER, CV_INV_POWER_OFF, 1);
}

/* ---- stdout: line-buffered into the kernel's console ---------------------------- */

static char out_buf[256];
static size_t out_len;

void cv_flush(void)
{
	if (out_len == 0)
		return;
	cv_syscall(CV_SYS_DEBUG_PUTS, (uint64_t)(uintptr_t)out_buf, (cv_msginfo){ out_len }, 0);
	out_len = 0;
}

static int cv_stdio_put(char c, FILE *f)
{
	(void)f;
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == sizeof(out_buf))
		cv_flush();
	return (unsigned char)c;
}

static int cv_stdio_flush(FILE *f)
{
	(void)f;
	cv_flush();
	return 0;
}

static FILE cv_stdio = FDEV_SETUP_STREAM(cv_stdio_put, NULL, cv_stdio_flush, _FDEV_SETUP_WRITE);
FILE *const stdin = &cv_stdio;
FILE *const stdout = &cv_stdio;
FILE *const stderr = &cv_stdio;

/* exit() from a cell: its output is flushed and it waits forever (nothing runs it again). */
void _exit(int code)
{
	(void)code;
	cv_flush();
	for (;;)
		cv_syscall(CV_SYS_WAIT, CV_CAP_NOTIFICATION, (cv_msginfo){ 0 }, 0);
}

/* ---- default entry points and the loop --------------------------------------------- */

__attribute__((weak)) void notified(cv_channel ch)
{
	(void)ch;
}

__attribute__((weak)) cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	(void)ch;
	(void)msginfo;
	return cv_msginfo_new(0, 0);
}

__attribute__((weak)) void fault(cv_child child, uint64_t cause, uint64_t pc, uint64_t addr)
{
	(void)child;
	(void)cause;
	(void)pc;
	(void)addr;
}

void __cv_main(void);

void __cv_main(void)
{
	init();
	bool have_reply = false;
	cv_msginfo reply = { 0 };
	for (;;) {
		if (out_len != 0)
			cv_flush();
		struct cv_result r = have_reply
			? cv_syscall(CV_SYS_REPLY_RECV, CV_CAP_INPUT_ENDPOINT, reply, CV_CAP_REPLY)
			: cv_syscall(CV_SYS_RECV, CV_CAP_INPUT_ENDPOINT, (cv_msginfo){ 0 }, CV_CAP_REPLY);
		have_reply = false;
		if (r.error != CV_NO_ERROR)
			continue;
		if (r.wake == CV_WAKE_NOTIFICATION) {
			uint64_t bits = r.badge;
			for (unsigned ch = 0; bits != 0; ch++, bits >>= 1)
				if (bits & 1)
					notified(ch);
		} else if (r.wake == CV_WAKE_MESSAGE) {
			if (r.badge & CV_BADGE_PPCALL) {
				reply = protected(r.badge & CV_BADGE_ID_MASK, r.info);
				have_reply = true;
			} else if (r.badge & CV_BADGE_FAULT) {
				fault(r.badge & CV_BADGE_ID_MASK, cv_mr_get(0), cv_mr_get(1), cv_mr_get(2));
			}
		}
	}
}
