/* store.h: the SQLite database behind trang: opening it in WAL mode, the
 * schema and its version, and the error text users see. No Lua here. */
#ifndef TRANG_STORE_H
#define TRANG_STORE_H

#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* 2: articles.text is generated from raw unless body_nfc holds it.
 * 3: paragraphs and sentences are views over paragraph_spans and
 *    sentence_spans, whose text is NULL where it is raw's bytes. */
#define STORE_SCHEMA_VERSION 3

enum store_mode {
	STORE_READ,  /* the database must exist; nothing is written */
	STORE_WRITE, /* created when missing, schema made or checked */
};

struct store {
	sqlite3 *db;
	char path[PATH_MAX];
	char dir[PATH_MAX]; /* the database's folder, where relative paths are rooted */
	char err[512];      /* the last error, for the user */
};

/* Opens (and with STORE_WRITE creates) the database. Returns 0, or -1 with
 * st->err saying what went wrong and what to do. st->db is NULL on failure. */
int store_open(struct store *st, const char *path, enum store_mode mode);
void store_close(struct store *st);

/* Runs SQL without results. Returns 0, or -1 with st->err set. */
int store_exec(struct store *st, const char *sql);

/* Prepares a statement; -1 with st->err set on failure. */
int store_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql);

/* Records the current SQLite error of st->db with a context phrase in st->err
 * and returns -1. */
int store_fail(struct store *st, const char *context);

/* The path to record for a file: relative to the database's folder when the
 * file is under it, absolute otherwise. Returns 0, or -1 if it cannot be resolved. */
int store_path_key(const struct store *st, const char *fs_path, char *out, size_t outlen);

#endif
