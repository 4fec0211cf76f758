/* cvping [-t] NAME [COUNT]: exchanges COUNT messages (default 10000) with the cell at
 * the other end of the channel whose uio map is region NAME, and checks every reply
 * (cellvisor_ping.h has the layout). Prints one line and exits 0 when every reply was
 * right, 1 at the first wrong one. With -t it also times the exchange on the guest's
 * CLOCK_MONOTONIC: a line before the first message and the time per round trip after
 * the last (npm run bench's vm-ping row reads both). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../../sdk/linux/cellvisor_uio.h"
#include "../../../sdk/linux/cellvisor_ping.h"

int main(int argc, char **argv)
{
	int timed = argc > 1 && strcmp(argv[1], "-t") == 0;
	argv += timed;
	argc -= timed;
	if (argc < 2) {
		fprintf(stderr, "usage: cvping [-t] NAME [COUNT]\n");
		return 2;
	}
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 0) : 10000;
	struct cv_uio ch;
	if (cv_uio_open(&ch, argv[1]) != 0) {
		perror("cvping: cv_uio_open");
		return 2;
	}
	volatile struct ping_msg *m = ch.shared;
	struct timespec t0 = { 0 }, t1 = { 0 };
	if (timed) {
		printf("cvping: timing %lu round trips\n", count);
		fflush(stdout);
		clock_gettime(CLOCK_MONOTONIC, &t0);
	}
	for (unsigned long seq = 1; seq <= count; seq++) {
		uint64_t sum = 0;
		for (unsigned i = 0; i < PING_PAYLOAD; i++) {
			m->payload[i] = ping_byte(seq, i);
			sum += ping_byte(seq, i);
		}
		m->seq = seq;
		cv_uio_notify(&ch);
		while (m->reply_seq != seq) {
			if (cv_uio_wait(&ch) < 0) {
				perror("cvping: cv_uio_wait");
				return 2;
			}
		}
		if (m->reply_sum != sum) {
			printf("cvping: message %lu: sum %lu, expected %lu\n", seq, (unsigned long)m->reply_sum, (unsigned long)sum);
			return 1;
		}
	}
	if (timed)
		clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("cvping: %lu messages, every reply verified\n", count);
	if (timed && count > 0) {
		uint64_t ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		printf("cvping: %lu round trips in %lu ns of guest time, %lu ns each\n", count, (unsigned long)ns,
		       (unsigned long)(ns / count));
	}
	cv_uio_close(&ch);
	return 0;
}
