/* The message layout of the cvping example (guests/linux/progs/cvping.c) and the cells
 * that answer it (examples/evoke/pong.c): one request at a time in the shared region.
 * The Linux side writes seq and PING_PAYLOAD bytes of payload and rings; the cell adds
 * the payload's bytes up, writes seq and the sum back, and notifies. Shared by both
 * sides (the cell includes it with -I sdk/linux). */
#ifndef CELLVISOR_PING_H
#define CELLVISOR_PING_H

#include <stdint.h>

#define PING_PAYLOAD 256

struct ping_msg {
	uint64_t seq;          /* request: written by Linux */
	uint64_t reply_seq;    /* reply: seq, written by the cell */
	uint64_t reply_sum;    /* reply: the sum of the payload's bytes */
	uint64_t pad;
	uint8_t payload[PING_PAYLOAD];
};

/* The payload byte i of request seq. */
static inline uint8_t ping_byte(uint64_t seq, unsigned i)
{
	return (uint8_t)(seq * 31 + i * 7 + (seq >> 8));
}

#endif
