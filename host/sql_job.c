/* sql_job.c: SQL off the loop thread (see sql_job.h). Relies on SQLite's
 * rule for NOMUTEX connections (one thread at a time, any thread) and on
 * sqlite3_value_dup copies being independent of their statement. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql_job.h"

int sql_conn_init(struct sql_conn *c, sqlite3 *db)
{
	memset(c, 0, sizeof *c);
	c->db = db;
	if (pthread_mutex_init(&c->lock, NULL) != 0)
		return -1;
	if (pthread_mutex_init(&c->defer_lock, NULL) != 0) {
		pthread_mutex_destroy(&c->lock);
		return -1;
	}
	pthread_condattr_t attr;
	int rc = pthread_condattr_init(&attr);
	if (rc == 0) {
		rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		if (rc == 0)
			rc = pthread_cond_init(&c->tx_ended, &attr);
		pthread_condattr_destroy(&attr);
	}
	if (rc != 0) {
		pthread_mutex_destroy(&c->defer_lock);
		pthread_mutex_destroy(&c->lock);
		return -1;
	}
	c->ready = true;
	return 0;
}

/* Takes the deferred list; the caller holds the lock and finalizes them. */
static void finalize_deferred(struct sql_conn *c)
{
	pthread_mutex_lock(&c->defer_lock);
	sqlite3_stmt **list = c->deferred;
	size_t n = c->ndeferred;
	c->deferred = NULL;
	c->ndeferred = c->cap = 0;
	pthread_mutex_unlock(&c->defer_lock);
	for (size_t i = 0; i < n; i++)
		sqlite3_finalize(list[i]);
	free(list);
}

void sql_conn_destroy(struct sql_conn *c)
{
	if (!c->ready)
		return;
	finalize_deferred(c);
	pthread_cond_destroy(&c->tx_ended);
	pthread_mutex_destroy(&c->defer_lock);
	pthread_mutex_destroy(&c->lock);
	c->ready = false;
}

void sql_conn_begin(struct sql_conn *c, struct sql_job *job)
{
	pthread_mutex_lock(&c->lock);
	c->job = job;
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool sql_conn_begin_as(struct sql_conn *c, struct sql_job *job, const void *owner, double wait_s)
{
	pthread_mutex_lock(&c->lock);
	double until = wait_s > 0 ? mono_now() + wait_s : 0;
	while (c->tx_held && c->tx_owner != owner) {
		double now = mono_now();
		if (now >= until || (job && sql_job_cancelled(job))) {
			pthread_mutex_unlock(&c->lock);
			return false;
		}
		/* in short steps, so a cancel is seen soon */
		double step = until - now < 0.005 ? until : now + 0.005;
		struct timespec ts = {(time_t)step, (long)((step - (double)(time_t)step) * 1e9)};
		pthread_cond_timedwait(&c->tx_ended, &c->lock, &ts);
	}
	c->job = job;
	return true;
}

void sql_conn_tx_hold(struct sql_conn *c, const void *owner)
{
	c->tx_held = true;
	c->tx_owner = owner;
}

void sql_conn_tx_release(struct sql_conn *c)
{
	c->tx_held = false;
	c->tx_owner = NULL;
	pthread_cond_broadcast(&c->tx_ended);
}

void sql_conn_end(struct sql_conn *c)
{
	c->job = NULL;
	finalize_deferred(c);
	pthread_mutex_unlock(&c->lock);
}

void sql_conn_finalize(struct sql_conn *c, sqlite3_stmt *stmt)
{
	if (!stmt)
		return;
	if (!c->ready) { /* the context is gone (a state closing): no one else uses db */
		sqlite3_finalize(stmt);
		return;
	}
	if (pthread_mutex_trylock(&c->lock) == 0) {
		sqlite3_finalize(stmt);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	pthread_mutex_lock(&c->defer_lock);
	if (c->ndeferred == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		sqlite3_stmt **list = realloc(c->deferred, cap * sizeof *list);
		if (!list) {
			/* Cannot wait (a collector) and cannot keep it: leaking one
			 * statement beats using the connection from two threads. */
			pthread_mutex_unlock(&c->defer_lock);
			return;
		}
		c->deferred = list;
		c->cap = cap;
	}
	c->deferred[c->ndeferred++] = stmt;
	pthread_mutex_unlock(&c->defer_lock);
}

int sql_conn_progress(struct sql_conn *c)
{
	struct sql_job *job = c->job;
	if (!job)
		return 0;
	job->ops++;
	return atomic_load(&job->cancel) != 0;
}

void sql_job_cancel(struct sql_job *job)
{
	atomic_store(&job->cancel, 1);
}

bool sql_job_cancelled(struct sql_job *job)
{
	return atomic_load(&job->cancel) != 0;
}

/* Appends the current row of stmt. 0, or -1 out of memory. */
static int rows_add(struct sql_rows *r, sqlite3_stmt *stmt)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		sqlite3_value **cells = realloc(r->cells, cap * (size_t)r->ncol * sizeof *cells);
		if (!cells)
			return -1;
		r->cells = cells;
		r->cap = cap;
	}
	sqlite3_value **row = r->cells + r->n * (size_t)r->ncol;
	for (int i = 0; i < r->ncol; i++) {
		row[i] = sqlite3_value_dup(sqlite3_column_value(stmt, i));
		if (!row[i]) {
			for (int k = 0; k < i; k++)
				sqlite3_value_free(row[k]);
			return -1;
		}
		int t = sqlite3_value_type(row[i]);
		if (t == SQLITE_TEXT || t == SQLITE_BLOB)
			r->bytes += (size_t)sqlite3_value_bytes(row[i]);
	}
	r->n++;
	return 0;
}

int sql_step_rows(sqlite3_stmt *stmt, struct sql_rows *rows, size_t max_rows, size_t max_bytes)
{
	if (rows) {
		int ncol = sqlite3_column_count(stmt);
		if (rows->n == 0 && rows->ncol != ncol) {
			free(rows->cells);
			rows->cells = NULL;
			rows->cap = 0;
			rows->ncol = ncol;
		}
		if (ncol == 0)
			rows = NULL;
	}
	for (;;) {
		int rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW)
			return rc;
		if (!rows)
			continue;
		if (rows_add(rows, stmt))
			return SQLITE_NOMEM;
		if ((max_rows && rows->n >= max_rows) || (max_bytes && rows->bytes >= max_bytes))
			return SQLITE_ROW;
	}
}

void sql_rows_clear(struct sql_rows *r)
{
	for (size_t i = 0; i < r->n * (size_t)r->ncol; i++)
		sqlite3_value_free(r->cells[i]);
	r->n = 0;
	r->bytes = 0;
}

void sql_rows_free(struct sql_rows *r)
{
	sql_rows_clear(r);
	free(r->cells);
	r->cells = NULL;
	r->cap = 0;
}
