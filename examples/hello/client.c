/* The client of the hello example: one protected call to the server, then it waits
 * for the server's notification and powers the system off. */
#include <stdio.h>
#include <cellvisor.h>

#define SERVER 0 /* this cell's channel id for the server (system.yaml) */

void init(void)
{
	printf("hello from the client\n");
	cv_mr_set(0, 20);
	cv_mr_set(1, 22);
	cv_msginfo answer = cv_ppcall(SERVER, cv_msginfo_new(1, 2));
	printf("the server says 20 + 22 = %lu (%u message register)\n", (unsigned long)cv_mr_get(0),
	       cv_msginfo_get_count(answer));
}

void notified(cv_channel ch)
{
	printf("notified on channel %u; powering off\n", ch);
	cv_poweroff(0);
}
