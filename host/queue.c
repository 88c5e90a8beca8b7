/* queue.c: bounded blocking queue (see queue.h), on pthreads. */
#include "queue.h"

#include <stdlib.h>

int queue_init(struct queue *q, size_t cap)
{
	q->items = calloc(cap, sizeof *q->items);
	if (!q->items)
		return -1;
	q->cap = cap;
	q->head = q->n = 0;
	q->closed = false;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void queue_destroy(struct queue *q)
{
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	free(q->items);
	q->items = NULL;
}

bool queue_push(struct queue *q, void *item)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->mu);
	bool ok = !q->closed;
	if (ok) {
		q->items[(q->head + q->n) % q->cap] = item;
		q->n++;
		pthread_cond_signal(&q->not_empty);
	}
	pthread_mutex_unlock(&q->mu);
	return ok;
}

void *queue_pop(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->n == 0 && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->mu);
	void *item = NULL;
	if (q->n) {
		item = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->n--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return item;
}

void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}
