/* Receives capabilities into slot RECEIVED and uses them: each protected call reports
 * how many capabilities came with it and what signalling (Write) and waiting (Read) on
 * the received slot return. */
#include <stdio.h>
#include <cellvisor.h>

#define RECEIVED 400

void init(void)
{
	cv_set_receive_slot(RECEIVED);
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	uint64_t caps = (msginfo.raw >> CV_MSG_EXTRA_CAPS_SHIFT) & CV_MSG_EXTRA_CAPS_MASK;
	cv_signal(RECEIVED);
	uint64_t signal_error = cv_last_error();
	cv_syscall(CV_SYS_POLL, RECEIVED, (cv_msginfo){ 0 }, 0);
	uint64_t poll_error = cv_last_error();
	printf("call on %u label %lu: caps=%lu signal=%lu poll=%lu\n", ch, (unsigned long)cv_msginfo_get_label(msginfo),
	       (unsigned long)caps, (unsigned long)signal_error, (unsigned long)poll_error);
	return cv_msginfo_new(0, 0);
}
