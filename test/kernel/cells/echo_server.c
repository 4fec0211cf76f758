/* Answers each protected call with label + 1 and every register r as 3r + channel;
 * takes whatever capability comes with a call into slot 300 and deletes it again. */
#include <cellvisor.h>

#define RECEIVED 300

void init(void)
{
	cv_set_receive_slot(RECEIVED);
}

cv_msginfo protected(cv_channel ch, cv_msginfo msginfo)
{
	unsigned count = cv_msginfo_get_count(msginfo);
	if (count > CV_MSG_MAX_LENGTH)
		count = CV_MSG_MAX_LENGTH;
	uint64_t mrs[CV_MSG_MAX_LENGTH];
	for (unsigned i = 0; i < count; i++)
		mrs[i] = cv_mr_get(i);
	/* An invocation's arguments are message registers too: before the answer's. */
	cv_cnode_delete(RECEIVED);
	cv_set_receive_slot(RECEIVED);
	for (unsigned i = 0; i < count; i++)
		cv_mr_set(i, mrs[i] * 3 + ch);
	return cv_msginfo_new(cv_msginfo_get_label(msginfo) + 1, count);
}
