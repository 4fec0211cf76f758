/* A single-producer, single-consumer byte ring in a shared memory region (one page).
 * The producer writes buf[head % size] then advances head; the consumer reads at tail. */
#ifndef RING_H
#define RING_H

#include <stdint.h>
#include <stdbool.h>

#define RING_SIZE 4088u

struct ring {
	volatile uint32_t head;
	volatile uint32_t tail;
	volatile uint8_t buf[RING_SIZE];
};

static inline bool ring_put(struct ring *r, uint8_t c)
{
	uint32_t h = r->head;
	if (h - r->tail == RING_SIZE)
		return false;
	r->buf[h % RING_SIZE] = c;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->head = h + 1;
	return true;
}

static inline bool ring_get(struct ring *r, uint8_t *c)
{
	uint32_t t = r->tail;
	if (t == r->head)
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*c = r->buf[t % RING_SIZE];
	r->tail = t + 1;
	return true;
}

#endif
