/* log_db.h: trang.log records in the database (table `logs`), for scripts and
 * plugins: the sink a Lua state's config points at. The database is opened on
 * the first record, and only if it already exists: logging never creates one. */
#ifndef TRANG_LOG_DB_H
#define TRANG_LOG_DB_H

#include "lua_state.h"

struct log_db;

/* db_path NULL: $TRANG_DB, else ./trang.db. NULL only when memory runs out. */
struct log_db *log_db_new(const char *db_path);
void log_db_free(struct log_db *l);

/* An lstate_log_sink_fn: ud is the struct log_db. Records info and above; a
 * database that is busy for more than a moment or fails is left alone (the
 * record is on stderr already) and one note says so. */
void log_db_sink(void *ud, enum lstate_log_level level, const char *origin, const char *message);

#endif
