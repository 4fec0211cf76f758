/*
 * cellvisor SDK: what a native cell is written against.
 *
 * A cell implements init() (its first activation; it may block or never return) and,
 * as it needs them, notified() (a channel was notified, or CV_TIMER fired), protected()
 * (a protected call arrived on a channel) and fault() (a child cell faulted, for fault
 * handlers). The SDK's loop waits on the cell's endpoint and calls them; it replies to
 * a protected call with what protected() returns.
 *
 * docs/sdk.md describes every function; docs/kernel.md the syscalls underneath.
 */
#ifndef CELLVISOR_H
#define CELLVISOR_H

#include <stdint.h>
#include <stdbool.h>
#include <cellvisor/abi.h>

typedef unsigned int cv_channel;          /* the channel ids of the description */
typedef unsigned int cv_child;
typedef struct { uint64_t raw; } cv_msginfo;

/* Implemented by the cell. */
void init(void);
void notified(cv_channel ch);
cv_msginfo protected(cv_channel ch, cv_msginfo msginfo);
void fault(cv_child child, uint64_t cause, uint64_t pc, uint64_t addr);

/* Channels (cv_notify and cv_ppcall are inline, below). */
static inline void cv_notify(cv_channel ch);
static inline cv_msginfo cv_ppcall(cv_channel ch, cv_msginfo msginfo);
void cv_irq_ack(cv_channel ch);

/* Messages (inline, below). */
static inline cv_msginfo cv_msginfo_new(uint64_t label, uint16_t count);
static inline uint64_t cv_msginfo_get_label(cv_msginfo msginfo);
static inline uint16_t cv_msginfo_get_count(cv_msginfo msginfo);
static inline void cv_mr_set(unsigned int mr, uint64_t value);
static inline uint64_t cv_mr_get(unsigned int mr);

/* Console, time and timer. */
void cv_dbg_puts(const char *s);                     /* the string as is, no newline added */
uint64_t cv_time_ns(void);                           /* virtual time since boot */
#define CV_TIMER 63                                  /* notified(CV_TIMER): the cell's timer fired */
void cv_timer_set(uint64_t deadline_ns);             /* one-shot, virtual time; replaces the earlier one */

/* Fault handlers and power. */
void cv_child_restart(cv_child child);
void cv_child_stop(cv_child child);
void cv_poweroff(int status);                        /* cells with poweroff: true */

/*
 * Beyond the cell API: the kernel's syscalls and object invocations, for programs that
 * use capabilities directly. Each returns the kernel's error code (CV_NO_ERROR = 0)
 * through cv_last_error(); message registers are read and written with cv_mr_get/set.
 */
typedef uint64_t cv_cptr;                            /* a slot of the cell's CSpace */

struct cv_result {
	uint64_t badge;                              /* a0 after the syscall */
	cv_msginfo info;                             /* a1 */
	uint64_t wake;                               /* a6: CV_WAKE_MESSAGE, _NOTIFICATION or _NONE */
	uint64_t error;                              /* a7 */
};

static inline struct cv_result cv_syscall(uint64_t number, cv_cptr cap, cv_msginfo info, cv_cptr reply);
uint64_t cv_last_error(void);
static inline cv_msginfo cv_call(cv_cptr cap, cv_msginfo info);
void cv_send(cv_cptr cap, cv_msginfo info);
void cv_nbsend(cv_cptr cap, cv_msginfo info);
cv_msginfo cv_recv(cv_cptr cap, uint64_t *badge);
void cv_signal(cv_cptr cap);
uint64_t cv_wait(cv_cptr cap);
uint64_t cv_poll(cv_cptr cap);
void cv_yield(void);
/* CNode invocations on the cell's own CSpace (slot numbers). */
uint64_t cv_cnode_copy(cv_cptr dest, cv_cptr src, uint64_t rights);
uint64_t cv_cnode_mint(cv_cptr dest, cv_cptr src, uint64_t rights, uint64_t badge);
uint64_t cv_cnode_move(cv_cptr dest, cv_cptr src);
uint64_t cv_cnode_delete(cv_cptr slot);
uint64_t cv_cnode_revoke(cv_cptr slot);
/* The capability sent with the next message (extra caps = 1) and where one is received. */
void cv_set_cap(cv_cptr cap);
void cv_set_receive_slot(cv_cptr slot);
/* Flushes the cell's buffered stdout (printf) to the kernel's console. */
void cv_flush(void);

/*
 * The hot paths, inline: a protected call or a notification is the syscall itself and
 * a few instructions around it. Message registers 0..3 travel in a2..a5; the IPC
 * buffer's msg[] is the one place a cell reads and writes them (the kernel writes 4..63
 * there directly).
 */
#define CV__MSG ((uint64_t *)(CV_IPC_BUFFER + CV_IPC_MSG))
extern uint64_t cv__last_error;

static inline struct cv_result cv_syscall(uint64_t number, cv_cptr cap, cv_msginfo info, cv_cptr reply)
{
	register uint64_t a0 asm("a0") = cap;
	register uint64_t a1 asm("a1") = info.raw;
	register uint64_t a2 asm("a2") = CV__MSG[0];
	register uint64_t a3 asm("a3") = CV__MSG[1];
	register uint64_t a4 asm("a4") = CV__MSG[2];
	register uint64_t a5 asm("a5") = CV__MSG[3];
	register uint64_t a6 asm("a6") = reply;
	register uint64_t a7 asm("a7") = number;
	asm volatile("ecall"
		     : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6), "+r"(a7)
		     :
		     : "memory");
	CV__MSG[0] = a2;
	CV__MSG[1] = a3;
	CV__MSG[2] = a4;
	CV__MSG[3] = a5;
	cv__last_error = a7;
	return (struct cv_result){ .badge = a0, .info = { a1 }, .wake = a6, .error = a7 };
}

static inline cv_msginfo cv_msginfo_new(uint64_t label, uint16_t count)
{
	if (count > CV_MSG_MAX_LENGTH)
		count = CV_MSG_MAX_LENGTH;
	return (cv_msginfo){ (label << CV_MSG_LABEL_SHIFT) | count };
}

static inline uint64_t cv_msginfo_get_label(cv_msginfo msginfo)
{
	return msginfo.raw >> CV_MSG_LABEL_SHIFT;
}

static inline uint16_t cv_msginfo_get_count(cv_msginfo msginfo)
{
	return msginfo.raw & CV_MSG_LENGTH_MASK;
}

static inline void cv_mr_set(unsigned int mr, uint64_t value)
{
	if (mr < CV_MSG_MAX_LENGTH)
		CV__MSG[mr] = value;
}

static inline uint64_t cv_mr_get(unsigned int mr)
{
	return mr < CV_MSG_MAX_LENGTH ? CV__MSG[mr] : 0;
}

static inline cv_msginfo cv_call(cv_cptr cap, cv_msginfo info)
{
	return cv_syscall(CV_SYS_CALL, cap, info, 0).info;
}

static inline void cv_notify(cv_channel ch)
{
	if (ch <= CV_MAX_CHANNEL)
		cv_syscall(CV_SYS_SIGNAL, CV_CAP_BASE_NOTIFY + ch, (cv_msginfo){ 0 }, 0);
}

static inline cv_msginfo cv_ppcall(cv_channel ch, cv_msginfo msginfo)
{
	if (ch > CV_MAX_CHANNEL) {
		cv__last_error = CV_RANGE_ERROR;
		return cv_msginfo_new(0, 0);
	}
	return cv_call(CV_CAP_BASE_PPCALL + ch, msginfo);
}

#endif /* CELLVISOR_H */
