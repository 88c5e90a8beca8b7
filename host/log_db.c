/* log_db.c: trang.log records into the `logs` table (see log_db.h). */
#include "log_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

struct log_db {
	char path[PATH_MAX];
	struct store st;
	sqlite3_stmt *insert;
	bool opened, failed;
};

struct log_db *log_db_new(const char *db_path)
{
	struct log_db *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	if (!db_path || !*db_path)
		db_path = getenv("TRANG_DB");
	snprintf(l->path, sizeof l->path, "%s", db_path && *db_path ? db_path : "trang.db");
	return l;
}

void log_db_free(struct log_db *l)
{
	if (!l)
		return;
	sqlite3_finalize(l->insert);
	store_close(&l->st);
	free(l);
}

static bool log_db_open(struct log_db *l)
{
	if (l->opened || l->failed)
		return l->opened;
	if (access(l->path, F_OK) != 0 || store_open(&l->st, l->path, STORE_WRITE) ||
	    store_prepare(&l->st, &l->insert,
	                  "INSERT INTO logs(at, level, origin, message) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ'), ?, ?, ?)")) {
		l->failed = true;
		return false;
	}
	/* A log line must not hold up the run: wait briefly for a writer, then drop it. */
	sqlite3_busy_timeout(l->st.db, 250);
	l->opened = true;
	return true;
}

void log_db_sink(void *ud, enum lstate_log_level level, const char *origin, const char *message)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	struct log_db *l = ud;
	if (level < LSTATE_LOG_INFO || !log_db_open(l))
		return;
	sqlite3_bind_text(l->insert, 1, names[level], -1, SQLITE_STATIC);
	sqlite3_bind_text(l->insert, 2, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(l->insert, 3, message, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(l->insert);
	sqlite3_reset(l->insert);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "trang: log records from %s are not stored in %s: %s\n", origin, l->path,
		        sqlite3_errmsg(l->st.db));
		l->failed = true;
		l->opened = false;
	}
}
