/* queue.h: a bounded, blocking queue of pointers between threads, the hand-
 * over between the stages of the ingest pipeline. Closing it wakes everyone. */
#ifndef TRANG_QUEUE_H
#define TRANG_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void **items;
	size_t cap, head, n;
	bool closed;
};

/* Returns 0, or -1 when memory runs out. */
int queue_init(struct queue *q, size_t cap);
void queue_destroy(struct queue *q);
/* Waits for room; returns false (item not queued) once the queue is closed. */
bool queue_push(struct queue *q, void *item);
/* Waits for an item; returns NULL once the queue is closed and empty. */
void *queue_pop(struct queue *q);
/* No more pushes; pops drain what is left, then get NULL. */
void queue_close(struct queue *q);

#endif
