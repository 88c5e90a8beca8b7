/* api_store.c: trang.store, SQL with bound parameters and a key-value
 * namespace for plugins and scripts, on the database of host/store.c.
 *
 * One connection per Lua state, opened on first use (store_open, so the FTS
 * tokenizer is there) from the state's db_path, else $TRANG_DB, else
 * ./trang.db. An authorizer confines the state's SQL: it may create, alter,
 * drop and write only objects named with its prefix ("plugin_<name>_" for a
 * plugin, "script_" for a script), never write the corpus tables, read them
 * only with LSTATE_CAP_CORPUS_READ, write at all only with
 * LSTATE_CAP_STORE_WRITE, and never ATTACH, set pragmas, load extensions or
 * BEGIN/COMMIT by hand (store.tx does that). The host's own statements
 * (transactions, the trang_kv table) run with ctx->internal set. A script's
 * SQL counts toward its CPU budget through SQLite's progress handler.
 *
 * Values: SQL NULL comes back as nil (absent from the row table); integers as
 * Lua integers, reals as floats, text and blobs as strings. Parameters: nil and
 * trang.json.null bind NULL, booleans 1/0, strings as TEXT when valid UTF-8
 * and as BLOB otherwise. Expected failures (constraint, busy, locked, disk
 * full, read-only) return nil, message, code ("CONSTRAINT", "BUSY", ...);
 * misuse (SQL errors, refused statements, bad arguments) raises. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lua_state.h"
#include "store.h"
#include "text.h"

#define KV_TABLE "trang_kv"

struct store_ctx {
	struct store db;  /* db.db is NULL until opened */
	bool internal;    /* the host's own statement: the authorizer allows it */
	bool corpus_read; /* LSTATE_CAP_CORPUS_READ */
	bool may_write;   /* LSTATE_CAP_STORE_WRITE */
	int tx_depth;     /* open store.tx calls */
	char prefix[96];  /* "plugin_<name>_" or "script_" */
	char ns[96];      /* key-value namespace: the prefix without its '_' */
	char denied[256]; /* why the authorizer refused, for the error */
	lua_State *running; /* the thread stepping a script's statement, or NULL */
};

#define PROGRESS_OPS 1000 /* SQLite VM steps between budget checks */

struct stmt_box {
	sqlite3_stmt *stmt;
};

static const char ctx_key = 'c';   /* registry: the state's store_ctx userdata */
static const char stmt_mt = 's';   /* registry: metatable of stmt_box */
static const char json_key = 'j';  /* registry: trang.json's C table */

/* ---- the authorizer ---- */

static const char *const corpus_tables[] = {
	"files", "articles", "article_aliases", "paragraphs", "sentences", "meta", NULL,
};
static const char *const corpus_prefixes[] = {"paragraphs_fts", "ingest_", NULL};

static bool is_corpus_table(const char *name)
{
	if (!name)
		return false;
	for (size_t i = 0; corpus_tables[i]; i++)
		if (strcasecmp(name, corpus_tables[i]) == 0)
			return true;
	for (size_t i = 0; corpus_prefixes[i]; i++)
		if (strncasecmp(name, corpus_prefixes[i], strlen(corpus_prefixes[i])) == 0)
			return true;
	return false;
}

/* SQLite's own bookkeeping, written as a side effect of CREATE/DROP and
 * AUTOINCREMENT; writing it directly needs PRAGMA writable_schema (refused). */
static bool is_schema_table(const char *name)
{
	return name && (strcasecmp(name, "sqlite_master") == 0 ||
	                strcasecmp(name, "sqlite_temp_master") == 0 ||
	                strcasecmp(name, "sqlite_schema") == 0 ||
	                strcasecmp(name, "sqlite_temp_schema") == 0 ||
	                strcasecmp(name, "sqlite_sequence") == 0);
}

static bool has_prefix(const struct store_ctx *c, const char *name)
{
	return name && strncasecmp(name, c->prefix, strlen(c->prefix)) == 0 &&
	       name[strlen(c->prefix)] != '\0';
}

static int deny(struct store_ctx *c, const char *fmt, const char *a, const char *b)
{
	snprintf(c->denied, sizeof c->denied, fmt, a ? a : "?", b ? b : "?");
	return SQLITE_DENY;
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(name, list[i]) == 0)
			return true;
	return false;
}

/* Pragmas whose argument names what to read, not a value to set. */
static bool is_schema_pragma(const char *name)
{
	static const char *const ok[] = {"table_info", "table_xinfo", "index_list", "index_info",
	                                 "index_xinfo", "foreign_key_list", NULL};
	return in_list(name, ok);
}

/* Pragmas that act even without an argument. */
static bool is_acting_pragma(const char *name)
{
	static const char *const acting[] = {"optimize", "wal_checkpoint", "shrink_memory",
	                                     "incremental_vacuum", NULL};
	return in_list(name, acting);
}

static int store_authorize(void *ud, int action, const char *a1, const char *a2, const char *db,
                           const char *trigger)
{
	struct store_ctx *c = ud;
	(void)trigger;
	if (c->internal)
		return SQLITE_OK;
	if (db && strcmp(db, "main") != 0 && strcmp(db, "temp") != 0)
		return deny(c, "database %s is not this store's (%s)", db, a1);
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_ALTER_TABLE:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_VTABLE:
		if (!c->may_write)
			return deny(c, "writing (%s%s) needs the store.write capability", a1, "");
		break;
	}
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		if (a1 && strcasecmp(a1, KV_TABLE) == 0)
			return deny(c, "table %s is the host's; use store.get/set (%s)", a1, a2);
		if (is_corpus_table(a1) && !c->corpus_read)
			return deny(c, "reading the corpus table %s needs the corpus.read capability (%s)",
			            a1, a2);
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (a2 && strcasecmp(a2, "load_extension") == 0)
			return deny(c, "%s is refused in the trang store%s", a2, "");
		return SQLITE_OK;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		if (is_schema_table(a1) || has_prefix(c, a1))
			return SQLITE_OK;
		if (is_corpus_table(a1))
			return deny(c, "the corpus table %s is read-only%s", a1, "");
		return deny(c, "writing %s refused: this store may write only tables named %s*", a1,
		            c->prefix);
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_VTABLE:
		if (has_prefix(c, a1))
			return SQLITE_OK;
		return deny(c, "%s refused: tables and views here must be named %s*", a1, c->prefix);
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
		/* a1: the index or trigger, a2: its table; both must be ours
		 * (SQLite names the indexes of UNIQUE and PRIMARY KEY itself) */
		if (has_prefix(c, a2) &&
		    (has_prefix(c, a1) || (a1 && strncmp(a1, "sqlite_autoindex_", 17) == 0)))
			return SQLITE_OK;
		return deny(c, "%s on %s refused: both must be named with this store's prefix", a1, a2);
	case SQLITE_REINDEX: /* a1: the index (CREATE INDEX builds it) */
		if (has_prefix(c, a1))
			return SQLITE_OK;
		return deny(c, "REINDEX %s refused%s", a1, "");
	case SQLITE_ALTER_TABLE: /* a1: database, a2: table */
		if (has_prefix(c, a2))
			return SQLITE_OK;
		return deny(c, "ALTER TABLE %s refused%s", a2, "");
	case SQLITE_PRAGMA: /* a1: the pragma, a2: its argument or NULL */
		if (a1 && ((a2 == NULL && !is_acting_pragma(a1)) || is_schema_pragma(a1)))
			return SQLITE_OK;
		return deny(c, "PRAGMA %s(%s) refused: only reading pragmas run in the trang store", a1,
		            a2 ? a2 : "");
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return deny(c, "%s%s by hand is refused: wrap the work in store.tx(function() ... end)",
		            action == SQLITE_TRANSACTION ? a1 : "SAVEPOINT", "");
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		return deny(c, "ATTACH and DETACH are refused in the trang store%s%s", "", "");
	default: {
		char code[16];
		snprintf(code, sizeof code, "%d", action);
		return deny(c, "this statement (authorizer action %s on %s) is refused in the trang store",
		            code, a1);
	}
	}
}

/* ---- the connection ---- */

static int check_budget_protected(lua_State *L)
{
	lstate_check_budget(L, PROGRESS_OPS);
	return 0;
}

/* SQLite's progress handler: counts a script's SQL toward its CPU budget.
 * It must not raise through SQLite, so the check runs under lua_pcall and a
 * spent budget interrupts the statement; run_user_step then raises the kill
 * (which stays set for the rest of the run). */
static int store_progress(void *ud)
{
	struct store_ctx *c = ud;
	lua_State *L = c->running;
	if (!L || !lua_checkstack(L, 2))
		return 0;
	lua_pushcfunction(L, check_budget_protected);
	int rc = lua_pcall(L, 0, 0, 0);
	if (rc != LUA_OK)
		lua_pop(L, 1);
	return rc != LUA_OK;
}

static int ctx_gc(lua_State *L)
{
	struct store_ctx *c = lua_touserdata(L, 1);
	store_close(&c->db);
	return 0;
}

/* "plugin_<name>_" with every character outside [A-Za-z0-9_] as '_', so the
 * prefix is a plain SQL identifier. */
static void make_prefix(struct store_ctx *c, const char *plugin)
{
	if (!plugin) {
		snprintf(c->prefix, sizeof c->prefix, "script_");
	} else {
		size_t o = (size_t)snprintf(c->prefix, sizeof c->prefix, "plugin_");
		for (const char *p = plugin; *p && o + 2 < sizeof c->prefix; p++)
			c->prefix[o++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
		c->prefix[o++] = '_';
		c->prefix[o] = '\0';
	}
	snprintf(c->ns, sizeof c->ns, "%.*s", (int)strlen(c->prefix) - 1, c->prefix);
}

/* The database path for this state: its config, else $TRANG_DB, else
 * ./trang.db (the CLI's rule). */
static const char *db_path_of(lua_State *L)
{
	const char *p = lstate_db_path(lstate_from(L));
	if (!p || !*p)
		p = getenv("TRANG_DB");
	return p && *p ? p : "trang.db";
}

/* The state's context, opening the database on first use. Returns NULL with
 * the reason pushed when it cannot be opened. */
static struct store_ctx *ctx_get(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ctx_key) == LUA_TUSERDATA) {
		struct store_ctx *c = lua_touserdata(L, -1);
		lua_pop(L, 1);
		return c;
	}
	lua_pop(L, 1);
	struct lstate *st = lstate_from(L);
	struct store_ctx *c = lua_newuserdatauv(L, sizeof *c, 0);
	memset(c, 0, sizeof *c);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, ctx_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2); /* stack: [ctx] */
	if (store_open(&c->db, db_path_of(L), STORE_WRITE)) {
		lua_pop(L, 1);
		lua_pushstring(L, c->db.err);
		return NULL;
	}
	c->corpus_read = (lstate_caps(st) & LSTATE_CAP_CORPUS_READ) != 0;
	c->may_write = (lstate_caps(st) & LSTATE_CAP_STORE_WRITE) != 0;
	make_prefix(c, lstate_plugin_name(st));
	sqlite3_set_authorizer(c->db.db, store_authorize, c);
	sqlite3_progress_handler(c->db.db, PROGRESS_OPS, store_progress, c);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key);
	return c;
}

/* After ctx_get failed: [reason] -> [nil, reason, "CANTOPEN"]; returns 3. */
static int open_failure(lua_State *L)
{
	luaL_pushfail(L);
	lua_insert(L, -2);
	lua_pushliteral(L, "CANTOPEN");
	return 3;
}

/* The context or a raised error (for functions that have no failure return). */
static struct store_ctx *ctx_check(lua_State *L)
{
	struct store_ctx *c = ctx_get(L);
	if (!c)
		lua_error(L);
	return c;
}

static const char *code_name(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_CONSTRAINT: return "CONSTRAINT";
	case SQLITE_BUSY: return "BUSY";
	case SQLITE_LOCKED: return "LOCKED";
	case SQLITE_FULL: return "FULL";
	case SQLITE_READONLY: return "READONLY";
	case SQLITE_IOERR: return "IOERR";
	case SQLITE_TOOBIG: return "TOOBIG";
	case SQLITE_MISMATCH: return "MISMATCH";
	default: return NULL;
	}
}

/* After a failed sqlite3 call: returns nil, message, code for an expected
 * failure; raises for anything else (a refusal names its reason). */
static int sql_fail(lua_State *L, struct store_ctx *c, int rc, const char *what)
{
	const char *code = code_name(rc);
	if (c->denied[0]) /* SQLITE_AUTH, or SQLITE_ERROR for a refused function */
		return luaL_error(L, "%s: %s", what, c->denied);
	if (!code)
		return luaL_error(L, "%s: %s", what, sqlite3_errmsg(c->db.db));
	luaL_pushfail(L);
	lua_pushfstring(L, "%s: %s", what, sqlite3_errmsg(c->db.db));
	lua_pushstring(L, code);
	return 3;
}

static int stmt_gc(lua_State *L)
{
	struct stmt_box *b = lua_touserdata(L, 1);
	if (b->stmt) {
		sqlite3_finalize(b->stmt);
		b->stmt = NULL;
	}
	return 0;
}

/* Pushes a box that finalizes its statement when collected, so a raise
 * (memory cap, timeout) between prepare and finalize leaks nothing. */
static struct stmt_box *push_stmt_box(lua_State *L)
{
	struct stmt_box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->stmt = NULL;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &stmt_mt) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 2);
		lua_pushcfunction(L, stmt_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, stmt_gc);
		lua_setfield(L, -2, "__close");
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &stmt_mt);
	}
	lua_setmetatable(L, -2);
	return b;
}

/* The host's own statements, outside the authorizer: prepare and step with
 * ctx->internal set, and no Lua call in between that could raise and leave it
 * set. */
static int host_prepare(struct store_ctx *c, const char *sql, sqlite3_stmt **stmt)
{
	c->internal = true;
	int rc = sqlite3_prepare_v2(c->db.db, sql, -1, stmt, NULL);
	c->internal = false;
	return rc;
}

static int host_step(struct store_ctx *c, sqlite3_stmt *stmt)
{
	c->internal = true;
	int rc = sqlite3_step(stmt);
	c->internal = false;
	return rc;
}

static int host_exec(struct store_ctx *c, const char *sql)
{
	c->internal = true;
	int rc = sqlite3_exec(c->db.db, sql, NULL, NULL, NULL);
	c->internal = false;
	return rc;
}

/* trang.json's C table, for JSON values in the key-value store and json.null.
 * Stack: [] -> [json] */
static void push_json(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &json_key) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	luaL_requiref(L, "trang.json", luaopen_trang_json, 0);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &json_key);
}

static bool is_json_null(lua_State *L, int idx)
{
	if (lua_type(L, idx) != LUA_TLIGHTUSERDATA)
		return false;
	push_json(L);
	lua_getfield(L, -1, "null");
	bool same = lua_rawequal(L, idx, -1);
	lua_pop(L, 2);
	return same;
}

/* Binds the Lua value at idx to parameter i; raises for values SQL has no
 * type for. */
static void bind_value(lua_State *L, sqlite3_stmt *stmt, int i, int idx, int arg)
{
	int rc = SQLITE_OK;
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		rc = sqlite3_bind_null(stmt, i);
		break;
	case LUA_TBOOLEAN:
		rc = sqlite3_bind_int(stmt, i, lua_toboolean(L, idx));
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			rc = sqlite3_bind_int64(stmt, i, (sqlite3_int64)lua_tointeger(L, idx));
		else
			rc = sqlite3_bind_double(stmt, i, lua_tonumber(L, idx));
		break;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		if (text_utf8_check(s, len) == len)
			rc = sqlite3_bind_text64(stmt, i, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
		else
			rc = sqlite3_bind_blob64(stmt, i, s, len, SQLITE_TRANSIENT);
		break;
	}
	default:
		if (is_json_null(L, idx)) {
			rc = sqlite3_bind_null(stmt, i);
			break;
		}
		lua_pushfstring(L, "cannot bind a %s as an SQL parameter", luaL_typename(L, idx));
		luaL_argerror(L, arg, lua_tostring(L, -1));
	}
	if (rc != SQLITE_OK)
		luaL_error(L, "binding parameter %d: %s", i, sqlite3_errstr(rc));
}

/* Pushes column i of the current row (nil for NULL). */
static void push_column(lua_State *L, sqlite3_stmt *stmt, int i)
{
	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_INTEGER:
		lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(stmt, i));
		break;
	case SQLITE_FLOAT:
		lua_pushnumber(L, sqlite3_column_double(stmt, i));
		break;
	case SQLITE_TEXT:
		lua_pushlstring(L, (const char *)sqlite3_column_text(stmt, i),
		                (size_t)sqlite3_column_bytes(stmt, i));
		break;
	case SQLITE_BLOB: {
		const void *p = sqlite3_column_blob(stmt, i);
		lua_pushlstring(L, p ? p : "", (size_t)sqlite3_column_bytes(stmt, i));
		break;
	}
	default:
		lua_pushnil(L);
	}
}

/* Steps a script's statement with the budget checked as it runs. Raises the
 * kill when the budget was spent. */
static int user_step(lua_State *L, struct store_ctx *c, sqlite3_stmt *stmt)
{
	c->running = L;
	int rc = sqlite3_step(stmt);
	c->running = NULL;
	if (rc == SQLITE_INTERRUPT)
		lstate_check_budget(L, 0);
	return rc;
}

/* Prepares the one statement in argument 1 and binds arguments 2..top
 * (missing ones bind NULL). Pushes its box and returns it, or NULL with the
 * failure results pushed (*nret of them). */
static struct stmt_box *prepare_user(lua_State *L, struct store_ctx *c, const char *fname, int *nret)
{
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len);
	int top = lua_gettop(L);
	struct stmt_box *b = push_stmt_box(L);
	const char *tail = NULL;
	c->denied[0] = '\0';
	int rc = sqlite3_prepare_v3(c->db.db, sql, (int)len, 0, &b->stmt, &tail);
	if (rc != SQLITE_OK) {
		*nret = sql_fail(L, c, rc, fname);
		return NULL;
	}
	if (!b->stmt)
		luaL_argerror(L, 1, "no SQL statement");
	for (; tail && tail < sql + len; tail++)
		if (!isspace((unsigned char)*tail) && *tail != ';')
			luaL_argerror(L, 1, "one statement only (use bound parameters, not several statements)");
	int nparams = sqlite3_bind_parameter_count(b->stmt);
	if (top - 1 > nparams)
		luaL_error(L, "%s: %d parameters given, the statement has %d", fname, top - 1, nparams);
	for (int i = 1; i <= nparams; i++) {
		if (i + 1 <= top)
			bind_value(L, b->stmt, i, i + 1, i + 1);
		else
			sqlite3_bind_null(b->stmt, i);
	}
	return b;
}

/* store.query(sql, ...) -> array of rows (column name -> value, NULL absent)
 * | nil, message, code */
static int store_query(lua_State *L)
{
	struct store_ctx *c = ctx_get(L);
	if (!c)
		return open_failure(L);
	int nret = 0;
	struct stmt_box *b = prepare_user(L, c, "store.query", &nret);
	if (!b)
		return nret;
	sqlite3_stmt *stmt = b->stmt;
	lua_newtable(L); /* stack: [args..., box, rows] */
	int ncol = sqlite3_column_count(stmt);
	lua_Integer n = 0;
	int rc;
	c->denied[0] = '\0';
	while ((rc = user_step(L, c, stmt)) == SQLITE_ROW) {
		lua_createtable(L, 0, ncol);
		for (int i = 0; i < ncol; i++) {
			push_column(L, stmt, i);
			lua_setfield(L, -2, sqlite3_column_name(stmt, i));
		}
		lua_rawseti(L, -2, ++n);
		lstate_check_budget(L, 10);
	}
	if (rc != SQLITE_DONE)
		return sql_fail(L, c, rc, "store.query");
	sqlite3_finalize(b->stmt);
	b->stmt = NULL;
	return 1;
}

/* store.exec(sql, ...) -> number of rows changed | nil, message, code */
static int store_exec_fn(lua_State *L)
{
	struct store_ctx *c = ctx_get(L);
	if (!c)
		return open_failure(L);
	int nret = 0;
	struct stmt_box *b = prepare_user(L, c, "store.exec", &nret);
	if (!b)
		return nret;
	int rc;
	c->denied[0] = '\0';
	sqlite3_int64 before = sqlite3_total_changes64(c->db.db);
	while ((rc = user_step(L, c, b->stmt)) == SQLITE_ROW)
		lstate_check_budget(L, 10);
	if (rc != SQLITE_DONE)
		return sql_fail(L, c, rc, "store.exec");
	sqlite3_finalize(b->stmt);
	b->stmt = NULL;
	/* sqlite3_changes keeps the last INSERT/UPDATE/DELETE's count through DDL */
	bool changed = sqlite3_total_changes64(c->db.db) != before;
	lua_pushinteger(L, changed ? sqlite3_changes64(c->db.db) : 0);
	return 1;
}

/* store.tx(fn, ...) -> true, fn's results | nil, message, code (could not
 * begin or commit: busy). Runs fn(...) in a transaction (a savepoint when
 * nested); an error in fn rolls it back and is raised again as it was. */
static int store_tx(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	struct store_ctx *c = ctx_check(L);
	int depth = c->tx_depth;
	char begin[64], commit[64], rollback[96];
	if (depth == 0) {
		snprintf(begin, sizeof begin, "BEGIN IMMEDIATE");
		snprintf(commit, sizeof commit, "COMMIT");
		snprintf(rollback, sizeof rollback, "ROLLBACK");
	} else {
		snprintf(begin, sizeof begin, "SAVEPOINT trang_tx_%d", depth);
		snprintf(commit, sizeof commit, "RELEASE trang_tx_%d", depth);
		snprintf(rollback, sizeof rollback, "ROLLBACK TO trang_tx_%d; RELEASE trang_tx_%d", depth,
		         depth);
	}
	int rc = host_exec(c, begin);
	if (rc != SQLITE_OK)
		return sql_fail(L, c, rc, "store.tx: cannot begin");
	int base = 1; /* stack: [fn, args...] */
	c->tx_depth++;
	int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	c->tx_depth--;
	if (status != LUA_OK) {
		host_exec(c, rollback);
		return lua_error(L);
	}
	rc = host_exec(c, commit);
	if (rc != SQLITE_OK) {
		int n = sql_fail(L, c, rc, "store.tx: cannot commit");
		host_exec(c, rollback);
		return n;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, base);
	return lua_gettop(L) - base + 1;
}

/* ---- the key-value namespace ---- */

static double now_epoch(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Creates trang_kv on first use. Returns SQLITE_OK or the error code. */
static int kv_ensure(struct store_ctx *c)
{
	return host_exec(c, "CREATE TABLE IF NOT EXISTS " KV_TABLE "(\n"
	                    "  ns TEXT NOT NULL, key TEXT NOT NULL,\n"
	                    "  kind TEXT NOT NULL,  -- s string, i integer, f float, b boolean, j JSON\n"
	                    "  value, expires REAL,  -- epoch seconds; NULL: never\n"
	                    "  PRIMARY KEY (ns, key)) WITHOUT ROWID");
}

/* The kv context, or NULL with nil, message, code pushed (3 values). Raises
 * for a write without the store.write capability. */
static struct store_ctx *kv_ctx(lua_State *L, bool write)
{
	if (write && !(lstate_caps(lstate_from(L)) & LSTATE_CAP_STORE_WRITE))
		luaL_error(L, "trang.store: writing needs the store.write capability");
	struct store_ctx *c = ctx_get(L);
	if (!c) {
		open_failure(L);
		return NULL;
	}
	int rc = kv_ensure(c);
	if (rc != SQLITE_OK) {
		sql_fail(L, c, rc, "store: cannot create the key-value table");
		return NULL;
	}
	return c;
}

/* Prepares one of the host's kv statements into a new box (pushed) and binds
 * ns and key as parameters 1 and 2. NULL with failure results pushed. */
static struct stmt_box *kv_prepare(lua_State *L, struct store_ctx *c, const char *sql,
                                   const char *key, size_t keylen, int *nret)
{
	struct stmt_box *b = push_stmt_box(L);
	int rc = host_prepare(c, sql, &b->stmt);
	if (rc != SQLITE_OK) {
		*nret = sql_fail(L, c, rc, "store");
		return NULL;
	}
	sqlite3_bind_text(b->stmt, 1, c->ns, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(b->stmt, 2, key, (int)keylen, SQLITE_TRANSIENT);
	return b;
}

/* store.get(key) -> value | nil (absent or expired) | nil, message, code */
static int store_get(lua_State *L)
{
	size_t klen;
	const char *key = luaL_checklstring(L, 1, &klen);
	struct store_ctx *c = kv_ctx(L, false);
	if (!c)
		return 3;
	int nret;
	struct stmt_box *b = kv_prepare(L, c,
	                                "SELECT kind, value FROM " KV_TABLE " WHERE ns = ?1 AND key = ?2 "
	                                "AND (expires IS NULL OR expires > ?3)",
	                                key, klen, &nret);
	if (!b)
		return nret;
	sqlite3_bind_double(b->stmt, 3, now_epoch());
	int rc = host_step(c, b->stmt);
	if (rc == SQLITE_DONE) {
		lua_pushnil(L);
		return 1;
	}
	if (rc != SQLITE_ROW)
		return sql_fail(L, c, rc, "store.get");
	const char *kind = (const char *)sqlite3_column_text(b->stmt, 0);
	char k = kind ? kind[0] : '?';
	if (k == 'b')
		lua_pushboolean(L, sqlite3_column_int(b->stmt, 1));
	else
		push_column(L, b->stmt, 1); /* stack: [key, box, value] */
	/* Finalize now: a statement left stepping holds a read transaction. */
	sqlite3_finalize(b->stmt);
	b->stmt = NULL;
	if (k == 'j') { /* stack: [key, box, text] -> [key, box, value] */
		push_json(L);
		lua_getfield(L, -1, "decode");
		lua_remove(L, -2);
		lua_insert(L, -2);
		lua_call(L, 1, 1);
	}
	return 1;
}

/* store.delete(key) -> true if it was there (and not expired), else false
 * | nil, message, code */
static int store_delete(lua_State *L)
{
	size_t klen;
	const char *key = luaL_checklstring(L, 1, &klen);
	struct store_ctx *c = kv_ctx(L, true);
	if (!c)
		return 3;
	int nret;
	struct stmt_box *b = kv_prepare(L, c,
	                             "DELETE FROM " KV_TABLE " WHERE ns = ?1 AND key = ?2 "
	                             "RETURNING coalesce(expires > ?3, 1)",
	                             key, klen, &nret);
	if (!b)
		return nret;
	sqlite3_bind_double(b->stmt, 3, now_epoch());
	int rc = host_step(c, b->stmt);
	bool live = rc == SQLITE_ROW && sqlite3_column_int(b->stmt, 0);
	if (rc == SQLITE_ROW)
		rc = host_step(c, b->stmt);
	if (rc != SQLITE_DONE)
		return sql_fail(L, c, rc, "store.delete");
	sqlite3_finalize(b->stmt);
	b->stmt = NULL;
	lua_pushboolean(L, live);
	return 1;
}

/* Reads the optional ttl argument: seconds > 0, or nil for none. */
static double opt_ttl(lua_State *L, int arg)
{
	if (lua_isnoneornil(L, arg))
		return 0;
	lua_Number ttl = luaL_checknumber(L, arg);
	luaL_argcheck(L, ttl > 0 && isfinite(ttl), arg, "ttl must be a positive number of seconds");
	return ttl;
}

/* store.set(key, value [, ttl_seconds]) -> true | nil, message, code.
 * value: string, number, boolean, or a table (stored as JSON); nil deletes. */
static int store_set(lua_State *L)
{
	size_t klen;
	const char *key = luaL_checklstring(L, 1, &klen);
	luaL_checkany(L, 2);
	double ttl = opt_ttl(L, 3);
	if (lua_isnil(L, 2)) {
		lua_settop(L, 1);
		if (store_delete(L) != 1)
			return 3; /* nil, message, code */
		lua_pushboolean(L, 1);
		return 1;
	}
	char kind[2] = "s";
	switch (lua_type(L, 2)) {
	case LUA_TSTRING: break;
	case LUA_TNUMBER: kind[0] = lua_isinteger(L, 2) ? 'i' : 'f'; break;
	case LUA_TBOOLEAN: kind[0] = 'b'; break;
	case LUA_TTABLE: /* stack: [key, t, ttl?] -> [..., json text] */
		kind[0] = 'j';
		push_json(L);
		lua_getfield(L, -1, "encode");
		lua_remove(L, -2);
		lua_pushvalue(L, 2);
		lua_call(L, 1, 2);
		if (lua_isnil(L, -2))
			return luaL_argerror(L, 2, lua_tostring(L, -1));
		lua_pop(L, 1);
		lua_replace(L, 2);
		break;
	default:
		return luaL_argerror(L, 2, "string, number, boolean or table expected");
	}
	struct store_ctx *c = kv_ctx(L, true);
	if (!c)
		return 3;
	int nret;
	struct stmt_box *b = kv_prepare(L, c,
	                             "INSERT OR REPLACE INTO " KV_TABLE
	                             "(ns, key, kind, value, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
	                             key, klen, &nret);
	if (!b)
		return nret;
	double now = now_epoch();
	sqlite3_bind_text(b->stmt, 3, kind, 1, SQLITE_STATIC);
	bind_value(L, b->stmt, 4, 2, 2);
	if (ttl > 0)
		sqlite3_bind_double(b->stmt, 5, now + ttl);
	int rc = host_step(c, b->stmt);
	if (rc != SQLITE_DONE)
		return sql_fail(L, c, rc, "store.set");
	sqlite3_finalize(b->stmt);
	b->stmt = NULL;
	/* Expired keys of this namespace go now and then; get ignores them anyway. */
	sqlite3_stmt *purge = NULL;
	if (host_prepare(c, "DELETE FROM " KV_TABLE " WHERE ns = ?1 AND expires <= ?2", &purge) ==
	    SQLITE_OK) {
		sqlite3_bind_text(purge, 1, c->ns, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(purge, 2, now);
		host_step(c, purge);
	}
	sqlite3_finalize(purge);
	lua_pushboolean(L, 1);
	return 1;
}

/* store.incr(key [, by]) -> the new integer value | nil, message, code
 * ("TYPE" when the key holds something other than an integer). A missing or
 * expired key counts from 0; a live key keeps its expiry. */
static int store_incr(lua_State *L)
{
	size_t klen;
	const char *key = luaL_checklstring(L, 1, &klen);
	lua_Integer by = luaL_optinteger(L, 2, 1);
	struct store_ctx *c = kv_ctx(L, true);
	if (!c)
		return 3;
	int nret;
	struct stmt_box *b = kv_prepare(
		L, c,
		"INSERT INTO " KV_TABLE "(ns, key, kind, value, expires) VALUES (?1, ?2, 'i', ?3, NULL)\n"
		"ON CONFLICT (ns, key) DO UPDATE SET\n"
		"  value = CASE WHEN expires <= ?4 THEN excluded.value ELSE value + excluded.value END,\n"
		"  kind = 'i',\n"
		"  expires = CASE WHEN expires <= ?4 THEN NULL ELSE expires END\n"
		"WHERE kind = 'i' OR expires <= ?4\n"
		"RETURNING value",
		key, klen, &nret);
	if (!b)
		return nret;
	sqlite3_bind_int64(b->stmt, 3, (sqlite3_int64)by);
	sqlite3_bind_double(b->stmt, 4, now_epoch());
	int rc = host_step(c, b->stmt);
	if (rc == SQLITE_DONE) {
		luaL_pushfail(L);
		lua_pushfstring(L, "store.incr: the value of '%s' is not an integer", key);
		lua_pushliteral(L, "TYPE");
		return 3;
	}
	if (rc != SQLITE_ROW)
		return sql_fail(L, c, rc, "store.incr");
	lua_Integer v = (lua_Integer)sqlite3_column_int64(b->stmt, 0);
	rc = host_step(c, b->stmt);
	if (rc != SQLITE_DONE)
		return sql_fail(L, c, rc, "store.incr");
	sqlite3_finalize(b->stmt);
	b->stmt = NULL;
	lua_pushinteger(L, v);
	return 1;
}

/* store.prefix() -> "plugin_<name>_" or "script_": the prefix this state's
 * tables must carry. */
static int store_prefix(lua_State *L)
{
	struct store_ctx *c = ctx_check(L);
	lua_pushstring(L, c->prefix);
	return 1;
}

int luaopen_trang_store(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"query", store_query}, {"exec", store_exec_fn}, {"tx", store_tx},
		{"get", store_get},     {"set", store_set},      {"incr", store_incr},
		{"delete", store_delete}, {"prefix", store_prefix}, {NULL, NULL},
	};
	luaL_newlib(L, funcs);
	return 1;
}
