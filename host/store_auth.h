/* store_auth.h: what a plugin's or a script's SQL may do to the database:
 * the SQLite authorizer behind trang.store (host/api_store.c). Rules in
 * store_auth.c; nothing here knows Lua. */
#ifndef TRANG_STORE_AUTH_H
#define TRANG_STORE_AUTH_H

#include <stdbool.h>

/* The host's key-value table: no state reads or writes it with SQL. */
#define STORE_AUTH_KV_TABLE "trang_kv"

struct store_auth {
	bool internal;    /* the host's own statement: allowed, whatever it is */
	bool corpus_read; /* may read the corpus tables (capability corpus.read) */
	bool may_write;   /* may write at all (capability store.write) */
	char prefix[96];  /* what its own objects are named: "plugin_<name>_" or "script_" */
	char denied[256]; /* why the last refusal refused, for the error */
};

/* The authorizer (sqlite3_set_authorizer) with a struct store_auth as its
 * user data: SQLITE_OK, or SQLITE_DENY with auth->denied saying why. A state
 * may create, alter, drop and write only objects named with its prefix,
 * never write the corpus tables, read them only with corpus_read, write at
 * all only with may_write, and never ATTACH, set pragmas, load extensions or
 * BEGIN/COMMIT by hand. */
int store_auth_check(void *auth, int action, const char *a1, const char *a2, const char *db, const char *trigger);

#endif
