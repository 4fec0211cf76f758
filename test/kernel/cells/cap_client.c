/* Capabilities: copy and mint into free slots, send one over a channel without and
 * with the Grant right, revoke the original so the derived ones (the receiver's too)
 * disappear, and the CNode's error cases. */
#include <stdio.h>
#include <cellvisor.h>

#define GRANT 0    /* channel to the server with grant: true */
#define NO_GRANT 1 /* the same server, no grant */

static void report(const char *what, uint64_t error)
{
	printf("%s: %lu\n", what, (unsigned long)error);
}

static void call_with_cap(cv_channel ch, uint64_t label, cv_cptr cap)
{
	cv_set_cap(cap);
	cv_msginfo info = cv_msginfo_new(label, 0);
	info.raw |= 1 << CV_MSG_EXTRA_CAPS_SHIFT;
	cv_ppcall(ch, info);
	report("call", cv_last_error());
}

void init(void)
{
	report("copy 300 <- notification (write)", cv_cnode_copy(300, CV_CAP_NOTIFICATION, CV_RIGHT_WRITE));
	report("mint 301 <- 300 badge 0x400", cv_cnode_mint(301, 300, CV_RIGHTS_ALL, 0x400));
	cv_signal(301);
	report("signal 301", cv_last_error());
	printf("poll: 0x%lx\n", (unsigned long)cv_poll(CV_CAP_NOTIFICATION));

	call_with_cap(NO_GRANT, 1, 301);
	call_with_cap(GRANT, 2, 301);
	printf("poll after the server signalled: 0x%lx\n", (unsigned long)cv_poll(CV_CAP_NOTIFICATION));

	report("revoke 300", cv_cnode_revoke(300));
	cv_signal(301);
	report("signal 301 after revoke", cv_last_error());
	cv_signal(300);
	report("signal 300 after revoke", cv_last_error());
	cv_ppcall(GRANT, cv_msginfo_new(3, 0));
	report("call", cv_last_error());
	report("delete 300", cv_cnode_delete(300));
	cv_signal(300);
	report("signal 300 after delete", cv_last_error());

	report("copy 303 <- timer", cv_cnode_copy(303, CV_CAP_TIMER, CV_RIGHTS_ALL));
	report("move 304 <- 303", cv_cnode_move(304, 303));
	report("copy 305 <- 303 (empty)", cv_cnode_copy(305, 303, CV_RIGHTS_ALL));
	report("copy 304 <- tcb (full)", cv_cnode_copy(304, CV_CAP_TCB, CV_RIGHTS_ALL));
	report("mint 306 <- tcb badge 5", cv_cnode_mint(306, CV_CAP_TCB, CV_RIGHTS_ALL, 5));
	report("copy 307 <- reply", cv_cnode_copy(307, CV_CAP_REPLY, CV_RIGHTS_ALL));
	report("copy 600 <- tcb", cv_cnode_copy(600, CV_CAP_TCB, CV_RIGHTS_ALL));
	report("copy 308 <- 1 << 40", cv_cnode_copy(308, 1ull << 40, CV_RIGHTS_ALL));
	report("revoke 9999", cv_cnode_revoke(9999));
	cv_poweroff(0);
}
