/* sql_job.h: SQL work that may run on a worker thread while the event loop
 * goes on (trang serve suspends the Lua run meanwhile: lstate_await). A
 * connection opened NOMUTEX may be used by one thread at a time, so struct
 * sql_conn pairs it with a lock every user takes, and holds statements whose
 * finalization waits for that lock (a Lua __gc runs whenever the collector
 * says and must not wait). A statement is stepped in batches into copied
 * rows (sqlite3_value_dup), which Lua values are made of later on the loop
 * thread; a job counts its SQLite work and can be cancelled from another
 * thread through the connection's progress handler. A transaction that
 * spans several uses (store.tx under trang serve, whose statements run on
 * different workers) holds the connection for its owner between them: other
 * owners wait for it, not for the lock, which no thread keeps across uses.
 * No Lua here. */
#ifndef TRANG_SQL_JOB_H
#define TRANG_SQL_JOB_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SQL_PROGRESS_OPS 1000 /* SQLite VM steps between progress handler calls */

/* One piece of work on a connection: its cancel flag and what it cost. */
struct sql_job {
	atomic_int cancel; /* set from any thread: the running statement is interrupted */
	uint64_t ops;      /* SQLite VM steps, in units of SQL_PROGRESS_OPS */
};

struct sql_conn {
	sqlite3 *db;
	pthread_mutex_t lock;      /* held while anything uses db */
	pthread_mutex_t defer_lock; /* guards deferred */
	sqlite3_stmt **deferred;   /* finalized at the next sql_conn_end */
	size_t ndeferred, cap;
	struct sql_job *job;       /* the job holding the lock, if it is one */
	pthread_cond_t tx_ended;   /* with lock: signalled when tx_held clears */
	bool tx_held;              /* under lock: a transaction of tx_owner is open */
	const void *tx_owner;
	bool ready;                /* the mutexes exist */
};

/* Rows copied out of a statement: n rows of ncol values, row-major. */
struct sql_rows {
	int ncol;
	size_t n, cap;
	sqlite3_value **cells;
	size_t bytes; /* text and blob bytes held */
};

/* 0, or -1 (the mutexes could not be made). db may be set later. */
int sql_conn_init(struct sql_conn *c, sqlite3 *db);
/* Finalizes what waits; does not close db. Nothing may hold the lock. */
void sql_conn_destroy(struct sql_conn *c);

/* Takes the lock (waits for it) and makes job (may be NULL) the one the
 * progress handler sees. */
void sql_conn_begin(struct sql_conn *c, struct sql_job *job);
/* Like sql_conn_begin for owner (NULL: none), unless another owner's
 * transaction holds the connection: then waits for it up to wait_s seconds
 * (0: not at all; a cancelled job stops waiting) and returns false without
 * the lock if it still does. */
bool sql_conn_begin_as(struct sql_conn *c, struct sql_job *job, const void *owner, double wait_s);
/* Under the lock: owner's transaction is open (it holds the connection
 * until sql_conn_tx_release), or is over (wakes the waiters). */
void sql_conn_tx_hold(struct sql_conn *c, const void *owner);
void sql_conn_tx_release(struct sql_conn *c);
/* Finalizes the deferred statements and releases the lock. */
void sql_conn_end(struct sql_conn *c);
/* Finalizes stmt now if the lock is free, else at the next sql_conn_end. */
void sql_conn_finalize(struct sql_conn *c, sqlite3_stmt *stmt);

/* For the connection's progress handler (run by the thread holding the
 * lock): counts the job's work; nonzero when the job is cancelled. 0 when
 * no job holds the lock. */
int sql_conn_progress(struct sql_conn *c);

/* Asks the job to end: its statement returns SQLITE_INTERRUPT at the next
 * progress check. Any thread. */
void sql_job_cancel(struct sql_job *job);
bool sql_job_cancelled(struct sql_job *job);

/* Under the lock: steps stmt until it is done, fails, or max_rows rows
 * (0: no bound) or about max_bytes bytes (0: no bound) are in rows. rows
 * NULL: steps to the end, keeping nothing. Returns SQLITE_ROW when stopped
 * at a bound (more may follow), SQLITE_DONE, or the error (SQLITE_NOMEM when
 * a copy failed). */
int sql_step_rows(sqlite3_stmt *stmt, struct sql_rows *rows, size_t max_rows, size_t max_bytes);

/* Cell (row, col) of rows. */
static inline sqlite3_value *sql_rows_at(const struct sql_rows *r, size_t row, int col)
{
	return r->cells[row * (size_t)r->ncol + (size_t)col];
}
/* Frees the values, keeps the buffer (n = 0). */
void sql_rows_clear(struct sql_rows *r);
void sql_rows_free(struct sql_rows *r);

#endif
