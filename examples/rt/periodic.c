/* A periodic real-time cell: released every 10 ms by its own timer, it does a little
 * work, and measures its response time (release to done) over 1000 periods. It prints
 * the worst case beside the bound `cellvisor check` computed (the kernel writes it into
 * cv_response_bound_ns), and powers off with status 1 if a period was missed. */
#include <stdio.h>
#include <cellvisor.h>

#define PERIOD_NS 10000000ULL
#define PERIODS 1000

/* Set at boot from the admission test's bound for this cell (0 if there is none). */
volatile uint64_t cv_response_bound_ns;

static uint64_t next_release;
static uint64_t worst;
static unsigned done;
static volatile uint64_t sink;

static void work(void)
{
	/* About 20 µs of computation at the board's 100 MHz. */
	uint64_t x = next_release;
	for (int i = 0; i < 500; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

void init(void)
{
	printf("periodic: budget 1 ms, period 10 ms, %d periods\n", PERIODS);
	next_release = cv_time_ns() + PERIOD_NS;
	cv_timer_set(next_release);
}

void notified(cv_channel ch)
{
	if (ch != CV_TIMER)
		return;
	work();
	uint64_t response = cv_time_ns() - next_release;
	if (response > worst)
		worst = response;
	if (response > PERIOD_NS) {
		printf("deadline missed in period %u: response %lu ns\n", done, (unsigned long)response);
		cv_poweroff(1);
	}
	if (++done == PERIODS) {
		printf("worst response %lu ns over %u periods; bound from check %lu ns: %s\n", (unsigned long)worst, done,
		       (unsigned long)cv_response_bound_ns,
		       cv_response_bound_ns == 0 || worst <= cv_response_bound_ns ? "within the bound" : "OVER THE BOUND");
		cv_poweroff(cv_response_bound_ns != 0 && worst > cv_response_bound_ns ? 1 : 0);
	}
	next_release += PERIOD_NS;
	cv_timer_set(next_release);
}
