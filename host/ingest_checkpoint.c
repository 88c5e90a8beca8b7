/* ingest_checkpoint.c: the ingest's checkpointer (see ingest_checkpoint.h).
 *
 * In WAL mode every page is written twice: to the WAL at commit, then into
 * the database by a checkpoint, which SQLite runs on the committing thread
 * (wal_autocheckpoint). During an ingest the writer is the bottleneck, so
 * its connection stops checkpointing and this thread does it after each
 * commit, on its own connection. A PASSIVE checkpoint never blocks the
 * writer; one that fails (busy, disk full) only leaves the pages for the
 * next one, and the writer's own checkpoints resume when the run ends. */
#include "ingest_checkpoint.h"

#include <stddef.h>

/* The WAL starts again from its beginning only when a transaction begins
 * after a checkpoint has copied all of it. The checkpointer mostly runs
 * while the writer is inside its next batch, so now and then the writer
 * waits for it: the WAL stays under about WAL_MAX_BYTES plus two batches
 * (about 220 MB on the benchmark corpus, where a batch is 53 MB of pages). */
#define WAL_MAX_BYTES (64 << 20)

static void *ckpt_main(void *arg)
{
	struct ingest_ckpt *c = arg;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->due && !c->quit)
			pthread_cond_wait(&c->due_cv, &c->mu);
		if (c->quit)
			break;
		c->due = false;
		c->busy = true;
		pthread_mutex_unlock(&c->mu);
		int frames = 0, copied = 0;
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
		pthread_mutex_lock(&c->mu);
		c->wal_frames = frames;
		c->busy = false;
		pthread_cond_broadcast(&c->idle_cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

void ingest_ckpt_start(struct ingest_ckpt *c, struct store *st)
{
	*c = (struct ingest_ckpt){.writer = st->db};
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, 1000);
	/* A connection checkpoints nothing until it has read the database. */
	if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(c->db, "PRAGMA page_size", -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		goto fail;
	}
	int page = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	c->max_frames = WAL_MAX_BYTES / (page > 0 ? page : 4096);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->due_cv, NULL);
	pthread_cond_init(&c->idle_cv, NULL);
	if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->due_cv);
		pthread_cond_destroy(&c->idle_cv);
		goto fail;
	}
	c->running = true;
	sqlite3_wal_autocheckpoint(c->writer, 0);
	return;
fail:
	sqlite3_close(c->db);
	c->db = NULL;
}

void ingest_ckpt_poke(struct ingest_ckpt *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->mu);
	c->due = true;
	pthread_cond_signal(&c->due_cv);
	pthread_mutex_unlock(&c->mu);
}

void ingest_ckpt_before_begin(struct ingest_ckpt *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->wal_frames > c->max_frames) {
		while (c->due || c->busy)
			pthread_cond_wait(&c->idle_cv, &c->mu);
		c->wal_frames = 0;
	}
	pthread_mutex_unlock(&c->mu);
}

void ingest_ckpt_stop(struct ingest_ckpt *c)
{
	if (c->running) {
		pthread_mutex_lock(&c->mu);
		c->quit = true;
		pthread_cond_signal(&c->due_cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->due_cv);
		pthread_cond_destroy(&c->idle_cv);
		c->running = false;
		/* SQLite's default (1000 pages), for a connection that lives on (trang serve). */
		sqlite3_wal_autocheckpoint(c->writer, 1000);
	}
	sqlite3_close(c->db);
	c->db = NULL;
}
