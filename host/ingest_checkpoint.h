/* ingest_checkpoint.h: the ingest's checkpointer, a thread with its own
 * connection that copies committed pages from the WAL into the database, so
 * that the writer does not (see ingest_checkpoint.c). */
#ifndef TRANG_INGEST_CHECKPOINT_H
#define TRANG_INGEST_CHECKPOINT_H

#include <pthread.h>
#include <stdbool.h>

#include "store.h"

struct ingest_ckpt {
	sqlite3 *writer; /* the writer's connection, whose own checkpoints pause */
	sqlite3 *db;     /* the checkpointer's connection */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t due_cv, idle_cv;
	bool running, due, busy, quit;
	int wal_frames; /* the WAL's length at the last checkpoint */
	int max_frames; /* past this length, a transaction waits for a full checkpoint */
};

/* Starts the checkpointer for st's database and stops st's automatic
 * checkpoints. Without a connection or a thread for it, nothing changes: the
 * writer checkpoints as usual. */
void ingest_ckpt_start(struct ingest_ckpt *c, struct store *st);
/* After each commit: asks for a checkpoint of what was committed. */
void ingest_ckpt_poke(struct ingest_ckpt *c);
/* Before each transaction: when the WAL has grown long, waits for the
 * checkpoint in progress, so the transaction starts the WAL afresh. */
void ingest_ckpt_before_begin(struct ingest_ckpt *c);
/* Stops the thread and gives the writer its automatic checkpoints back.
 * Safe on a checkpointer that never started, and twice. */
void ingest_ckpt_stop(struct ingest_ckpt *c);

#endif
