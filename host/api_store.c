/* api_store.c: trang.store, SQL with bound parameters and a key-value
 * namespace for plugins and scripts, on the database of host/store.c.
 *
 * One connection per Lua state, opened on first use (store_open, so the FTS
 * tokenizer is there) from the state's db_path, else $TRANG_DB, else
 * ./trang.db. An authorizer (host/store_auth.c) confines the state's SQL to
 * objects named with its prefix ("plugin_<name>_" for a plugin, "script_"
 * for a script), the corpus read-only and by capability, and no ATTACH,
 * pragmas that set, extensions or BEGIN/COMMIT by hand (store.tx does that).
 * The host's own statements (transactions, the trang_kv table) run with
 * ctx->auth.internal set. A script's
 * SQL counts toward its CPU budget through SQLite's progress handler.
 *
 * In a trang serve job a statement runs on a worker thread while the job is
 * suspended (lstate_await; the loop goes on), and its rows are copied out in
 * batches and made Lua values when the job resumes; elsewhere it runs in
 * place. The connection (opened NOMUTEX) is used under its sql_conn lock,
 * by one thread at a time. store.tx there runs BEGIN and COMMIT as work too
 * and holds the connection for its run until the end (sql_conn_tx_hold):
 * the plugin's other runs wait for it on workers, never on the loop.
 *
 * Values: SQL NULL comes back as nil (absent from the row table); integers as
 * Lua integers, reals as floats, text and blobs as strings. Parameters: nil and
 * trang.json.null bind NULL, booleans 1/0, strings as TEXT when valid UTF-8
 * and as BLOB otherwise. Expected failures (constraint, busy, locked, disk
 * full, read-only) return nil, message, code ("CONSTRAINT", "BUSY", ...);
 * misuse (SQL errors, refused statements, bad arguments) raises. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lua_state.h"
#include "sql_job.h"
#include "store.h"
#include "store_auth.h"
#include "text.h"

#define KV_TABLE STORE_AUTH_KV_TABLE

struct store_ctx {
	struct store db;  /* db.db is NULL until opened */
	struct sql_conn conn; /* its lock: whoever uses db.db holds it */
	struct store_auth auth; /* what the state's SQL may do (host/store_auth.c) */
	int tx_depth;     /* open store.tx calls of tx_run (loop thread only) */
	const void *tx_run; /* lstate_run_token of the run whose store.tx is open */
	char ns[96];      /* key-value namespace: the prefix without its '_' */
	lua_State *running; /* the thread stepping a script's statement in place, or NULL */
};

#define PROGRESS_OPS SQL_PROGRESS_OPS /* SQLite VM steps between budget checks */

static const char ctx_key = 'c';   /* registry: the state's store_ctx userdata */
static const char json_key = 'j';  /* registry: trang.json's C table */

/* ---- the connection ---- */

static int check_budget_protected(lua_State *L)
{
	lstate_check_budget(L, PROGRESS_OPS);
	return 0;
}

/* SQLite's progress handler. On a worker thread (a job's statement under
 * trang serve) it only counts and reads the cancel flag: Lua is not to be
 * touched there, and the run's budget is charged when it resumes. In place
 * it counts a script's SQL toward its CPU budget; that check must not raise
 * through SQLite, so it runs under lua_pcall and a spent budget interrupts
 * the statement (the caller then raises the kill, which stays set). */
static int store_progress(void *ud)
{
	struct store_ctx *c = ud;
	if (c->conn.job)
		return sql_conn_progress(&c->conn);
	lua_State *L = c->running;
	if (!L || !lua_checkstack(L, 2))
		return 0;
	lua_pushcfunction(L, check_budget_protected);
	int rc = lua_pcall(L, 0, 0, 0);
	if (rc != LUA_OK)
		lua_pop(L, 1);
	return rc != LUA_OK;
}

/* The state is closing: no work is in flight (serve ends runs only after
 * their work returned), so nothing else holds the lock. */
static int ctx_gc(lua_State *L)
{
	struct store_ctx *c = lua_touserdata(L, 1);
	sql_conn_destroy(&c->conn);
	store_close(&c->db);
	return 0;
}

/* "plugin_<name>_" with every character outside [A-Za-z0-9_] as '_', so the
 * prefix is a plain SQL identifier. */
static void make_prefix(struct store_ctx *c, const char *plugin)
{
	if (!plugin) {
		snprintf(c->auth.prefix, sizeof c->auth.prefix, "script_");
	} else {
		size_t o = (size_t)snprintf(c->auth.prefix, sizeof c->auth.prefix, "plugin_");
		for (const char *p = plugin; *p && o + 2 < sizeof c->auth.prefix; p++)
			c->auth.prefix[o++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
		c->auth.prefix[o++] = '_';
		c->auth.prefix[o] = '\0';
	}
	snprintf(c->ns, sizeof c->ns, "%.*s", (int)strlen(c->auth.prefix) - 1, c->auth.prefix);
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
	if (sql_conn_init(&c->conn, c->db.db)) {
		store_close(&c->db);
		lua_pop(L, 1);
		lua_pushliteral(L, "trang.store: cannot make a lock for the connection");
		return NULL;
	}
	c->auth.corpus_read = (lstate_caps(st) & LSTATE_CAP_CORPUS_READ) != 0;
	c->auth.may_write = (lstate_caps(st) & LSTATE_CAP_STORE_WRITE) != 0;
	make_prefix(c, lstate_plugin_name(st));
	sqlite3_set_authorizer(c->db.db, store_auth_check, &c->auth);
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

/* After a failed statement (denied and errmsg read while it held the lock):
 * returns nil, message, code for an expected failure; raises for anything
 * else (a refusal names its reason). */
static int fail_results(lua_State *L, int rc, const char *denied, const char *errmsg,
                        const char *what)
{
	const char *code = code_name(rc);
	if (denied[0]) /* SQLITE_AUTH, or SQLITE_ERROR for a refused function */
		return luaL_error(L, "%s: %s", what, denied);
	if (!code)
		return luaL_error(L, "%s: %s", what, errmsg);
	luaL_pushfail(L);
	lua_pushfstring(L, "%s: %s", what, errmsg);
	lua_pushstring(L, code);
	return 3;
}

/* ---- transactions (store.tx) ---- */

/* A worker waits this long for another run's transaction, then gives its
 * thread back to the pool (which that run's statements need) and queues again. */
#define TX_WAIT_SECONDS 0.02
#define TX_BUSY_MSG "another run of this plugin is in a transaction"

/* One store.tx call: a to-be-closed userdata at the bottom of its stack, so
 * an error, a kill or a timeout rolls the transaction back and frees the
 * connection for the plugin's other runs. */
struct store_tx {
	struct store_ctx *c;
	const void *owner; /* lstate_run_token of its run (NULL outside serve) */
	int depth;         /* 0: BEGIN .. COMMIT, holding the connection; else a savepoint */
	bool open;         /* begun, not yet committed or rolled back (set under the lock) */
	char begin[64], commit[64], rollback[96];
};

enum tx_step { TX_NONE, TX_BEGIN, TX_END };

/* Under the lock: the host's own transaction statement sql for tx (undo
 * after it if it fails), outside the authorizer and never interrupted (a
 * cancelled run must still roll back). A BEGIN holds the connection for
 * tx's run, an END (commit or rollback) frees it. Message to msg. */
static int tx_exec(struct store_tx *tx, const char *sql, const char *undo, enum tx_step step,
                   char *msg, size_t msglen)
{
	struct store_ctx *c = tx->c;
	struct sql_job *job = c->conn.job;
	lua_State *running = c->running;
	c->conn.job = NULL; /* the progress handler leaves it alone */
	c->running = NULL;
	c->auth.internal = true;
	int rc = sqlite3_exec(c->db.db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK && msg)
		snprintf(msg, msglen, "%s", sqlite3_errmsg(c->db.db));
	if (rc != SQLITE_OK && undo)
		sqlite3_exec(c->db.db, undo, NULL, NULL, NULL);
	c->auth.internal = false;
	c->conn.job = job;
	c->running = running;
	if (step == TX_BEGIN && rc == SQLITE_OK) {
		tx->open = true;
		if (tx->depth == 0)
			sql_conn_tx_hold(&c->conn, tx->owner);
	} else if (step == TX_END) {
		tx->open = false;
		if (tx->depth == 0)
			sql_conn_tx_release(&c->conn);
	}
	return rc;
}

/* tx_exec in place; SQLITE_BUSY at once if another run's transaction holds
 * the connection (waiting here would hold up the loop that run needs). */
static int tx_exec_in_place(struct store_tx *tx, const char *sql, const char *undo,
                            enum tx_step step, char *msg, size_t msglen)
{
	if (!sql_conn_begin_as(&tx->c->conn, NULL, tx->owner, 0)) {
		if (msg)
			snprintf(msg, msglen, TX_BUSY_MSG);
		return SQLITE_BUSY;
	}
	int rc = tx_exec(tx, sql, undo, step, msg, msglen);
	sql_conn_end(&tx->c->conn);
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

/* ---- statements as work (lstate_await) ----
 * Each call prepares, binds and steps its statement in op_run: on a worker
 * thread when the run can be suspended (trang serve), in place otherwise.
 * op_run touches no Lua: parameters are read into C first (strings stay on
 * the caller's stack) and rows come back as copies, which the continuation
 * turns into Lua values on the loop thread, batch by batch. */

#define BATCH_ROWS 1000          /* rows per batch, so copies stay small */
#define BATCH_BYTES ((size_t)4 << 20)

struct store_param {
	int type; /* SQLITE_NULL, _INTEGER, _FLOAT, _TEXT, _BLOB */
	sqlite3_int64 i;
	double d;
	const char *s; /* a Lua string on the caller's stack */
	size_t len;
};

enum op_fail {
	OP_FAIL_NONE,
	OP_FAIL_SQL,      /* rc, denied, errmsg */
	OP_FAIL_NO_SQL,   /* nothing but spaces and comments */
	OP_FAIL_SEVERAL,  /* more than one statement */
	OP_FAIL_NPARAMS,  /* more parameters given than the statement has */
	OP_FAIL_BIND,     /* rc from binding parameter bad_param */
	OP_FAIL_NOMEM,
};

/* A userdata on the caller's stack, to-be-closed: if the run is cancelled
 * while it waits, closing it finalizes the statement. */
struct store_op {
	struct sql_job job;
	struct store_ctx *c;
	const char *sql;           /* on the caller's stack */
	size_t len;
	bool internal;             /* the host's own statement: no authorizer limits */
	bool keep_rows;            /* a query: copy rows; else step to the end */
	bool kv_ensure;            /* create trang_kv first */
	bool kv_purge;             /* store.set: then drop the namespace's expired keys */
	double now;                /* store.set: for the purge */
	struct store_param *params;
	int nparams;
	lua_State *budget_L;       /* in place: the progress handler checks the run's budget */
	const void *owner;         /* lstate_run_token: its run's own transaction does not block it */
	struct store_tx *tx;       /* a transaction statement (sql) of this store.tx, else NULL */
	const char *tx_undo;
	enum tx_step tx_step;
	lua_KFunction k;           /* the continuation op_k goes on to, with kc */
	lua_KContext kc;
	bool blocked;              /* another run's transaction kept the connection: try again */
	/* set by op_run */
	sqlite3_stmt *stmt;
	bool prepared;
	int rc;                    /* SQLITE_ROW: a batch is ready, more may come; SQLITE_DONE */
	enum op_fail fail;
	int fail_arg;              /* OP_FAIL_NPARAMS: the statement's count; OP_FAIL_BIND: index */
	char denied[256], errmsg[256];
	sqlite3_int64 total_before, changes;
	char **colnames;           /* ncol names, copied after prepare */
	int ncol;
	struct sql_rows rows;
};

static const char op_mt = 'o'; /* registry: metatable of store_op */

static void op_release(struct store_op *op)
{
	if (op->stmt) {
		sql_conn_finalize(&op->c->conn, op->stmt);
		op->stmt = NULL;
	}
	sql_rows_free(&op->rows);
	if (op->colnames) {
		for (int i = 0; i < op->ncol; i++)
			free(op->colnames[i]);
		free(op->colnames);
		op->colnames = NULL;
	}
	free(op->params);
	op->params = NULL;
}

static int op_gc(lua_State *L)
{
	op_release(lua_touserdata(L, 1));
	return 0;
}

/* Pushes a new op on ctx c (to-be-closed in the caller's frame); sql is the
 * string at index sql_idx (or a host statement's literal when sql_idx is 0). */
static struct store_op *push_op(lua_State *L, struct store_ctx *c, const char *sql, size_t len)
{
	struct store_op *op = lua_newuserdatauv(L, sizeof *op, 0);
	memset(op, 0, sizeof *op);
	atomic_init(&op->job.cancel, 0);
	op->c = c;
	op->sql = sql;
	op->len = len;
	op->owner = lstate_run_token(L);
	lstate_set_handle_mt(L, &op_mt, op_gc, op_gc, NULL);
	lua_toclose(L, -1);
	return op;
}

/* Reads argument idx into param p; raises (argument arg) for values SQL has
 * no type for. */
static void read_param(lua_State *L, struct store_param *p, int idx, int arg)
{
	memset(p, 0, sizeof *p);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		p->type = SQLITE_NULL;
		break;
	case LUA_TBOOLEAN:
		p->type = SQLITE_INTEGER;
		p->i = lua_toboolean(L, idx);
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			p->type = SQLITE_INTEGER;
			p->i = (sqlite3_int64)lua_tointeger(L, idx);
		} else {
			p->type = SQLITE_FLOAT;
			p->d = lua_tonumber(L, idx);
		}
		break;
	case LUA_TSTRING:
		p->s = lua_tolstring(L, idx, &p->len);
		p->type = text_utf8_check(p->s, p->len) == p->len ? SQLITE_TEXT : SQLITE_BLOB;
		break;
	default:
		if (is_json_null(L, idx)) {
			p->type = SQLITE_NULL;
			break;
		}
		lua_pushfstring(L, "cannot bind a %s as an SQL parameter", luaL_typename(L, idx));
		luaL_argerror(L, arg, lua_tostring(L, -1));
	}
}

/* Room for n parameters (raises when out of memory). */
static void op_params(lua_State *L, struct store_op *op, int n)
{
	if (n <= 0)
		return;
	op->params = calloc((size_t)n, sizeof *op->params);
	if (!op->params)
		luaL_error(L, "not enough memory");
	op->nparams = n;
}

static void op_param_text(struct store_op *op, int i, const char *s, size_t len)
{
	op->params[i] = (struct store_param){.type = SQLITE_TEXT, .s = s, .len = len};
}

static int op_bind(sqlite3_stmt *stmt, int i, const struct store_param *p)
{
	switch (p->type) {
	case SQLITE_INTEGER: return sqlite3_bind_int64(stmt, i, p->i);
	case SQLITE_FLOAT: return sqlite3_bind_double(stmt, i, p->d);
	case SQLITE_TEXT: return sqlite3_bind_text64(stmt, i, p->s, p->len, SQLITE_TRANSIENT, SQLITE_UTF8);
	case SQLITE_BLOB: return sqlite3_bind_blob64(stmt, i, p->s, p->len, SQLITE_TRANSIENT);
	default: return sqlite3_bind_null(stmt, i);
	}
}

/* Records the connection's error (under the lock). */
static void op_sql_failed(struct store_op *op, int rc)
{
	op->rc = rc;
	op->fail = OP_FAIL_SQL;
	snprintf(op->denied, sizeof op->denied, "%s", op->c->auth.denied);
	snprintf(op->errmsg, sizeof op->errmsg, "%s", sqlite3_errmsg(op->c->db.db));
}

/* Under the lock: prepares and binds. false with op->fail set. */
static bool op_prepare(struct store_op *op)
{
	struct store_ctx *c = op->c;
	op->prepared = true;
	if (op->kv_ensure) {
		c->auth.internal = true;
		int rc = sqlite3_exec(c->db.db,
		                      "CREATE TABLE IF NOT EXISTS " KV_TABLE "(\n"
		                      "  ns TEXT NOT NULL, key TEXT NOT NULL,\n"
		                      "  kind TEXT NOT NULL,  -- s string, i integer, f float, b boolean, j JSON\n"
		                      "  value, expires REAL,  -- epoch seconds; NULL: never\n"
		                      "  PRIMARY KEY (ns, key)) WITHOUT ROWID",
		                      NULL, NULL, NULL);
		c->auth.internal = false;
		if (rc != SQLITE_OK) {
			op_sql_failed(op, rc);
			return false;
		}
	}
	const char *tail = NULL;
	c->auth.internal = op->internal;
	int rc = sqlite3_prepare_v3(c->db.db, op->sql, (int)op->len, 0, &op->stmt, &tail);
	c->auth.internal = false;
	if (rc != SQLITE_OK) {
		op_sql_failed(op, rc);
		return false;
	}
	if (!op->stmt) {
		op->fail = OP_FAIL_NO_SQL;
		return false;
	}
	for (; tail && tail < op->sql + op->len; tail++)
		if (!isspace((unsigned char)*tail) && *tail != ';') {
			op->fail = OP_FAIL_SEVERAL;
			return false;
		}
	int nparams = sqlite3_bind_parameter_count(op->stmt);
	if (op->nparams > nparams) {
		op->fail = OP_FAIL_NPARAMS;
		op->fail_arg = nparams;
		return false;
	}
	for (int i = 0; i < op->nparams; i++) { /* the rest stay NULL */
		rc = op_bind(op->stmt, i + 1, &op->params[i]);
		if (rc != SQLITE_OK) {
			op->fail = OP_FAIL_BIND;
			op->fail_arg = i + 1;
			op->rc = rc;
			return false;
		}
	}
	if (op->keep_rows) {
		op->ncol = sqlite3_column_count(op->stmt);
		op->colnames = calloc((size_t)op->ncol + 1, sizeof *op->colnames);
		for (int i = 0; op->colnames && i < op->ncol; i++) {
			const char *name = sqlite3_column_name(op->stmt, i);
			op->colnames[i] = strdup(name ? name : "?");
			if (!op->colnames[i]) {
				op->fail = OP_FAIL_NOMEM;
				return false;
			}
		}
		if (!op->colnames) {
			op->fail = OP_FAIL_NOMEM;
			return false;
		}
	}
	op->total_before = sqlite3_total_changes64(c->db.db);
	return true;
}

/* store.set's purge of expired keys (best effort, under the lock). */
static void op_purge(struct store_op *op)
{
	struct store_ctx *c = op->c;
	sqlite3_stmt *purge = NULL;
	c->auth.internal = true;
	if (sqlite3_prepare_v2(c->db.db, "DELETE FROM " KV_TABLE " WHERE ns = ?1 AND expires <= ?2", -1,
	                       &purge, NULL) == SQLITE_OK) {
		sqlite3_bind_text(purge, 1, c->ns, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(purge, 2, op->now);
		sqlite3_step(purge);
	}
	sqlite3_finalize(purge);
	c->auth.internal = false;
}

/* The work: prepares (first time), then steps one batch. No Lua here
 * unless in place (budget_L), where the progress handler checks the budget. */
static void op_run(void *ud)
{
	struct store_op *op = ud;
	struct store_ctx *c = op->c;
	bool in_place = op->budget_L != NULL;
	if (!sql_conn_begin_as(&c->conn, in_place ? NULL : &op->job, op->owner,
	                       in_place ? 0 : TX_WAIT_SECONDS)) {
		if (in_place) { /* waiting would hold up the loop the other run needs */
			op->rc = SQLITE_BUSY;
			op->fail = OP_FAIL_SQL;
			snprintf(op->errmsg, sizeof op->errmsg, TX_BUSY_MSG);
		} else if (sql_job_cancelled(&op->job)) {
			op->rc = SQLITE_INTERRUPT;
			op->fail = OP_FAIL_SQL;
			snprintf(op->errmsg, sizeof op->errmsg, "interrupted");
		} else {
			op->blocked = true;
		}
		return;
	}
	c->running = op->budget_L;
	c->auth.denied[0] = '\0';
	if (sql_job_cancelled(&op->job)) {
		op->rc = SQLITE_INTERRUPT;
		op->fail = OP_FAIL_SQL;
		snprintf(op->errmsg, sizeof op->errmsg, "interrupted");
		goto done;
	}
	if (op->tx) {
		int rc = tx_exec(op->tx, op->sql, op->tx_undo, op->tx_step, op->errmsg, sizeof op->errmsg);
		if (rc != SQLITE_OK) {
			op->rc = rc;
			op->fail = OP_FAIL_SQL;
		}
		goto done;
	}
	if (!op->prepared && !op_prepare(op))
		goto done;
	c->auth.internal = op->internal;
	int rc = sql_step_rows(op->stmt, op->keep_rows ? &op->rows : NULL, BATCH_ROWS, BATCH_BYTES);
	c->auth.internal = false;
	op->rc = rc;
	if (rc == SQLITE_NOMEM) {
		op->fail = OP_FAIL_NOMEM;
	} else if (rc == SQLITE_DONE) {
		/* sqlite3_changes keeps the last INSERT/UPDATE/DELETE's count through DDL */
		bool changed = sqlite3_total_changes64(c->db.db) != op->total_before;
		op->changes = changed ? sqlite3_changes64(c->db.db) : 0;
		/* Finalize now: a statement left stepping holds a read transaction. */
		sqlite3_finalize(op->stmt);
		op->stmt = NULL;
		if (op->kv_purge)
			op_purge(op);
	} else if (rc != SQLITE_ROW) {
		op_sql_failed(op, rc);
	}
done:
	c->running = NULL;
	sql_conn_end(&c->conn);
}

static void op_cancel(void *ud)
{
	sql_job_cancel(&((struct store_op *)ud)->job);
}

static int op_k(lua_State *L, int status, lua_KContext ctx);

static int op_submit(lua_State *L, struct store_op *op)
{
	op->budget_L = lstate_can_await(L) ? NULL : L;
	struct lstate_work w = {op_run, op_cancel, op};
	return lstate_await(L, &w, (lua_KContext)op, op_k);
}

/* After the work: a statement that found another run's transaction holding
 * the connection is queued again (the worker was only lent for a while, so
 * that run's own statements find one); else op->k goes on. */
static int op_k(lua_State *L, int status, lua_KContext ctx)
{
	struct store_op *op = (struct store_op *)ctx;
	if (op->blocked) {
		op->blocked = false;
		if (lstate_can_await(L))
			return op_submit(L, op);
		op->rc = SQLITE_BUSY;
		op->fail = OP_FAIL_SQL;
		snprintf(op->errmsg, sizeof op->errmsg, TX_BUSY_MSG);
	}
	return op->k(L, status, op->kc);
}

/* Runs op's next batch: suspends the run (k continues it), or runs it in place
 * and calls k. */
static int op_await(lua_State *L, struct store_op *op, lua_KContext kc, lua_KFunction k)
{
	op->k = k;
	op->kc = kc;
	return op_submit(L, op);
}

/* After a batch, on the loop thread: charges the SQL to the run's budget;
 * on failure pushes nil, message, code and returns 3, or raises. 0: go on. */
static int op_check(lua_State *L, struct store_op *op, const char *what)
{
	uint64_t cost = op->job.ops * PROGRESS_OPS; /* counted on the worker */
	op->job.ops = 0;
	if (cost)
		lstate_check_budget(L, cost > UINT_MAX ? UINT_MAX : (unsigned)cost);
	switch (op->fail) {
	case OP_FAIL_NONE:
		return 0;
	case OP_FAIL_SQL:
		if ((op->rc & 0xFF) == SQLITE_INTERRUPT) /* the budget was spent in place */
			lstate_check_budget(L, 0);
		return fail_results(L, op->rc, op->denied, op->errmsg, what);
	case OP_FAIL_NO_SQL:
		return luaL_argerror(L, 1, "no SQL statement");
	case OP_FAIL_SEVERAL:
		return luaL_argerror(L, 1, "one statement only (use bound parameters, not several statements)");
	case OP_FAIL_NPARAMS:
		return luaL_error(L, "%s: %d parameters given, the statement has %d", what, op->nparams,
		                  op->fail_arg);
	case OP_FAIL_BIND:
		return luaL_error(L, "binding parameter %d: %s", op->fail_arg, sqlite3_errstr(op->rc));
	case OP_FAIL_NOMEM:
		break;
	}
	return luaL_error(L, "%s: not enough memory for the rows", what);
}

/* Pushes a copied value (nil for NULL). */
static void push_value(lua_State *L, sqlite3_value *v)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		lua_pushnumber(L, sqlite3_value_double(v));
		break;
	case SQLITE_TEXT:
		lua_pushlstring(L, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
		break;
	case SQLITE_BLOB: {
		const void *p = sqlite3_value_blob(v);
		lua_pushlstring(L, p ? p : "", (size_t)sqlite3_value_bytes(v));
		break;
	}
	default:
		lua_pushnil(L);
	}
}

/* A user statement from arguments 1..top: sql, then its parameters. Stack:
 * [sql, args...] -> [sql, args..., op]. Raises on bad arguments. */
static struct store_op *user_op(lua_State *L, struct store_ctx *c)
{
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len);
	int top = lua_gettop(L);
	struct store_op *op = push_op(L, c, sql, len);
	op_params(L, op, top - 1);
	for (int i = 2; i <= top; i++)
		read_param(L, &op->params[i - 2], i, i);
	return op;
}

/* Continuation of store.query. Stack: [sql, args..., op, rows]; kc: the op's index. */
static int query_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	int opi = (int)kc;
	struct store_op *op = lua_touserdata(L, opi);
	for (;;) {
		int nret = op_check(L, op, "store.query");
		if (nret)
			return nret;
		lua_Integer n = (lua_Integer)lua_rawlen(L, opi + 1);
		for (size_t r = 0; r < op->rows.n; r++) {
			lua_createtable(L, 0, op->rows.ncol);
			for (int i = 0; i < op->rows.ncol; i++) {
				push_value(L, sql_rows_at(&op->rows, r, i));
				lua_setfield(L, -2, op->colnames[i]);
			}
			lua_rawseti(L, opi + 1, ++n);
		}
		size_t got = op->rows.n;
		sql_rows_clear(&op->rows);
		lstate_check_budget(L, (unsigned)(got * 10));
		if (op->rc != SQLITE_ROW)
			break;
		if (lstate_can_await(L))
			return op_await(L, op, kc, query_k);
		op->budget_L = L;
		op_run(op);
	}
	lua_settop(L, opi + 1);
	return 1;
}

/* store.query(sql, ...) -> array of rows (column name -> value, NULL absent)
 * | nil, message, code */
static int store_query(lua_State *L)
{
	struct store_ctx *c = ctx_get(L);
	if (!c)
		return open_failure(L);
	struct store_op *op = user_op(L, c);
	op->keep_rows = true;
	int opi = lua_gettop(L);
	lua_newtable(L); /* stack: [sql, args..., op, rows] */
	return op_await(L, op, (lua_KContext)opi, query_k);
}

/* Continuation of store.exec. Stack: [sql, args..., op]. */
static int exec_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	struct store_op *op = lua_touserdata(L, (int)kc);
	int nret = op_check(L, op, "store.exec");
	if (nret)
		return nret;
	lua_pushinteger(L, (lua_Integer)op->changes);
	return 1;
}

/* store.exec(sql, ...) -> number of rows changed | nil, message, code */
static int store_exec_fn(lua_State *L)
{
	struct store_ctx *c = ctx_get(L);
	if (!c)
		return open_failure(L);
	struct store_op *op = user_op(L, c);
	return op_await(L, op, (lua_KContext)lua_gettop(L), exec_k);
}

static const char tx_mt = 't'; /* registry: metatable of store_tx */

/* The mirror on the loop thread of which run's store.tx is open, how deep. */
static void tx_enter(struct store_tx *tx)
{
	tx->c->tx_run = tx->owner;
	tx->c->tx_depth = tx->depth + 1;
}

static void tx_leave(struct store_tx *tx)
{
	struct store_ctx *c = tx->c;
	if (c->tx_run == tx->owner && c->tx_depth > tx->depth) {
		c->tx_depth = tx->depth;
		if (tx->depth == 0)
			c->tx_run = NULL;
	}
}

/* __close of a store_tx: an error, a kill or a timeout left it open. The
 * rollback runs in place (cheap: SQLite drops the pages), no one else can
 * be using the connection: the run holds it and its own work has returned. */
static int tx_close(lua_State *L)
{
	struct store_tx *tx = lua_touserdata(L, 1);
	if (tx->open)
		tx_exec_in_place(tx, tx->rollback, NULL, TX_END, NULL, 0);
	tx_leave(tx);
	return 0;
}

/* Pushes the store_tx of a new store.tx call at index 1, to-be-closed.
 * Stack: [fn, args...] -> [tx, fn, args...] */
static struct store_tx *push_tx(lua_State *L, struct store_ctx *c)
{
	luaL_checkstack(L, 3, NULL);
	const void *owner = lstate_run_token(L);
	struct store_tx *tx = lua_newuserdatauv(L, sizeof *tx, 0);
	memset(tx, 0, sizeof *tx);
	tx->c = c;
	tx->owner = owner;
	tx->depth = c->tx_depth > 0 && c->tx_run == owner ? c->tx_depth : 0;
	if (tx->depth == 0) {
		snprintf(tx->begin, sizeof tx->begin, "BEGIN IMMEDIATE");
		snprintf(tx->commit, sizeof tx->commit, "COMMIT");
		snprintf(tx->rollback, sizeof tx->rollback, "ROLLBACK");
	} else {
		snprintf(tx->begin, sizeof tx->begin, "SAVEPOINT trang_tx_%d", tx->depth);
		snprintf(tx->commit, sizeof tx->commit, "RELEASE trang_tx_%d", tx->depth);
		snprintf(tx->rollback, sizeof tx->rollback, "ROLLBACK TO trang_tx_%d; RELEASE trang_tx_%d",
		         tx->depth, tx->depth);
	}
	lstate_set_handle_mt(L, &tx_mt, NULL, tx_close, NULL);
	lua_insert(L, 1);
	lua_toclose(L, 1);
	return tx;
}

/* [tx, results...] -> returns true, results... */
static int tx_results(lua_State *L)
{
	lua_pushboolean(L, 1);
	lua_insert(L, 2);
	return lua_gettop(L) - 1;
}

/* A transaction statement of tx as an op (pushed, to-be-closed). */
static struct store_op *tx_op(lua_State *L, struct store_tx *tx, const char *sql, const char *undo,
                              enum tx_step step)
{
	luaL_checkstack(L, 3, NULL);
	struct store_op *op = push_op(L, tx->c, sql, strlen(sql));
	op->internal = true;
	op->tx = tx;
	op->tx_undo = undo;
	op->tx_step = step;
	return op;
}

/* Closes and pops the op on top. */
static void pop_op(lua_State *L)
{
	lua_closeslot(L, -1);
	lua_pop(L, 1);
}

/* Continuation after COMMIT. Stack: [tx, results..., op] */
static int tx_committed_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	int nret = op_check(L, lua_touserdata(L, -1), "store.tx: cannot commit");
	if (nret)
		return nret;
	pop_op(L);
	return tx_results(L);
}

/* Continuation after fn. Stack: [tx, results...] */
static int tx_called_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct store_tx *tx = lua_touserdata(L, 1);
	tx_leave(tx);
	struct store_op *op = tx_op(L, tx, tx->commit, tx->rollback, TX_END);
	return op_await(L, op, 0, tx_committed_k);
}

/* Continuation after BEGIN. Stack: [tx, fn, args..., op] */
static int tx_begun_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct store_tx *tx = lua_touserdata(L, 1);
	int nret = op_check(L, lua_touserdata(L, -1), "store.tx: cannot begin");
	if (nret)
		return nret;
	pop_op(L); /* stack: [tx, fn, args...] */
	tx_enter(tx);
	lua_callk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, tx_called_k);
	return tx_called_k(L, LUA_OK, 0);
}

/* store.tx where the run cannot be suspended (a script; a coroutine of a
 * job): all in place, fn under lua_pcall. Stack: [tx, fn, args...] */
static int tx_in_place(lua_State *L, struct store_tx *tx)
{
	char msg[256];
	int rc = tx_exec_in_place(tx, tx->begin, NULL, TX_BEGIN, msg, sizeof msg);
	if (rc != SQLITE_OK)
		return fail_results(L, rc, "", msg, "store.tx: cannot begin");
	tx_enter(tx);
	int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
	tx_leave(tx);
	if (status != LUA_OK) {
		tx_exec_in_place(tx, tx->rollback, NULL, TX_END, NULL, 0);
		return lua_error(L);
	}
	rc = tx_exec_in_place(tx, tx->commit, tx->rollback, TX_END, msg, sizeof msg);
	if (rc != SQLITE_OK)
		return fail_results(L, rc, "", msg, "store.tx: cannot commit");
	return tx_results(L);
}

/* store.tx(fn, ...) -> true, fn's results | nil, message, code (could not
 * begin or commit: busy). Runs fn(...) in a transaction (a savepoint when
 * nested); an error in fn rolls it back and is raised again as it was.
 * In a trang serve run, BEGIN and COMMIT run as work and fn may be
 * suspended; the transaction holds the connection for this run until it
 * ends, so the plugin's other runs wait for it (on workers). */
static int store_tx(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	struct store_ctx *c = ctx_check(L);
	struct store_tx *tx = push_tx(L, c); /* stack: [tx, fn, args...] */
	if (!lstate_can_await(L))
		return tx_in_place(L, tx);
	struct store_op *op = tx_op(L, tx, tx->begin, NULL, TX_BEGIN);
	return op_await(L, op, 0, tx_begun_k);
}

/* ---- the key-value namespace ---- */

static double now_epoch(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A host statement on the kv table with ns and key as parameters 1 and 2
 * (nparams in all); pushes the op, or returns NULL with nil, message, code
 * pushed (3 values). Raises for a write without the store.write capability. */
static struct store_op *kv_op(lua_State *L, bool write, const char *sql, const char *key,
                              size_t keylen, int nparams)
{
	if (write && !(lstate_caps(lstate_from(L)) & LSTATE_CAP_STORE_WRITE))
		luaL_error(L, "trang.store: writing needs the store.write capability");
	struct store_ctx *c = ctx_get(L);
	if (!c) {
		open_failure(L);
		return NULL;
	}
	struct store_op *op = push_op(L, c, sql, strlen(sql));
	op->internal = true;
	op->kv_ensure = true;
	op->keep_rows = true;
	op_params(L, op, nparams);
	op_param_text(op, 0, c->ns, strlen(c->ns));
	op_param_text(op, 1, key, keylen);
	return op;
}

/* Continuation of store.get. Stack: [key, op]. */
static int get_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	struct store_op *op = lua_touserdata(L, (int)kc);
	int nret = op_check(L, op, "store.get");
	if (nret)
		return nret;
	if (op->rows.n == 0) {
		lua_pushnil(L);
		return 1;
	}
	sqlite3_value *kind = sql_rows_at(&op->rows, 0, 0), *value = sql_rows_at(&op->rows, 0, 1);
	const unsigned char *kt = sqlite3_value_text(kind);
	char k = kt ? (char)kt[0] : '?';
	if (k == 'b')
		lua_pushboolean(L, sqlite3_value_int(value));
	else
		push_value(L, value); /* stack: [key, op, value] */
	if (k == 'j') { /* stack: [key, op, text] -> [key, op, value] */
		push_json(L);
		lua_getfield(L, -1, "decode");
		lua_remove(L, -2);
		lua_insert(L, -2);
		lua_call(L, 1, 1);
	}
	return 1;
}

/* store.get(key) -> value | nil (absent or expired) | nil, message, code */
static int store_get(lua_State *L)
{
	size_t klen;
	const char *key = luaL_checklstring(L, 1, &klen);
	lua_settop(L, 1);
	struct store_op *op = kv_op(L, false,
	                            "SELECT kind, value FROM " KV_TABLE " WHERE ns = ?1 AND key = ?2 "
	                            "AND (expires IS NULL OR expires > ?3)",
	                            key, klen, 3);
	if (!op)
		return 3;
	op->params[2] = (struct store_param){.type = SQLITE_FLOAT, .d = now_epoch()};
	return op_await(L, op, (lua_KContext)lua_gettop(L), get_k);
}

/* Continuation of store.delete (and store.set of nil). Stack: [key, op]. */
static int delete_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	struct store_op *op = lua_touserdata(L, (int)kc);
	int nret = op_check(L, op, "store.delete");
	if (nret)
		return nret;
	bool live = op->rows.n > 0 && sqlite3_value_int(sql_rows_at(&op->rows, 0, 0));
	lua_pushboolean(L, live);
	return 1;
}

/* store.delete(key) -> true if it was there (and not expired), else false
 * | nil, message, code */
static int store_delete(lua_State *L)
{
	size_t klen;
	const char *key = luaL_checklstring(L, 1, &klen);
	lua_settop(L, 1);
	struct store_op *op = kv_op(L, true,
	                            "DELETE FROM " KV_TABLE " WHERE ns = ?1 AND key = ?2 "
	                            "RETURNING coalesce(expires > ?3, 1)",
	                            key, klen, 3);
	if (!op)
		return 3;
	op->params[2] = (struct store_param){.type = SQLITE_FLOAT, .d = now_epoch()};
	return op_await(L, op, (lua_KContext)lua_gettop(L), delete_k);
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

/* Continuation of store.set. */
static int set_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	struct store_op *op = lua_touserdata(L, (int)kc);
	int nret = op_check(L, op, "store.set");
	if (nret)
		return nret;
	lua_pushboolean(L, 1);
	return 1;
}

/* Continuation of store.set(key, nil): a delete, whose result is true. */
static int set_nil_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	struct store_op *op = lua_touserdata(L, (int)kc);
	int nret = op_check(L, op, "store.delete");
	if (nret)
		return nret;
	lua_pushboolean(L, 1);
	return 1;
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
		struct store_op *op = kv_op(L, true, "DELETE FROM " KV_TABLE " WHERE ns = ?1 AND key = ?2",
		                            key, klen, 2);
		if (!op)
			return 3;
		return op_await(L, op, (lua_KContext)lua_gettop(L), set_nil_k);
	}
	char kind = 's';
	switch (lua_type(L, 2)) {
	case LUA_TSTRING: break;
	case LUA_TNUMBER: kind = lua_isinteger(L, 2) ? 'i' : 'f'; break;
	case LUA_TBOOLEAN: kind = 'b'; break;
	case LUA_TTABLE: /* stack: [key, t, ttl?] -> [..., json text] */
		kind = 'j';
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
	lua_settop(L, 2); /* stack: [key, value] */
	const char *kind_text = strchr("sifbj", kind); /* one letter that outlives the wait */
	struct store_op *op = kv_op(L, true,
	                            "INSERT OR REPLACE INTO " KV_TABLE
	                            "(ns, key, kind, value, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
	                            key, klen, 5);
	if (!op)
		return 3;
	op->now = now_epoch();
	op->kv_purge = true;
	op_param_text(op, 2, kind_text, 1);
	read_param(L, &op->params[3], 2, 2);
	if (ttl > 0)
		op->params[4] = (struct store_param){.type = SQLITE_FLOAT, .d = op->now + ttl};
	else
		op->params[4].type = SQLITE_NULL;
	return op_await(L, op, (lua_KContext)lua_gettop(L), set_k);
}

/* Continuation of store.incr. Stack: [key, op]. */
static int incr_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	struct store_op *op = lua_touserdata(L, (int)kc);
	int nret = op_check(L, op, "store.incr");
	if (nret)
		return nret;
	if (op->rows.n == 0) {
		luaL_pushfail(L);
		lua_pushfstring(L, "store.incr: the value of '%s' is not an integer", lua_tostring(L, 1));
		lua_pushliteral(L, "TYPE");
		return 3;
	}
	lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(sql_rows_at(&op->rows, 0, 0)));
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
	lua_settop(L, 1);
	struct store_op *op = kv_op(
		L, true,
		"INSERT INTO " KV_TABLE "(ns, key, kind, value, expires) VALUES (?1, ?2, 'i', ?3, NULL)\n"
		"ON CONFLICT (ns, key) DO UPDATE SET\n"
		"  value = CASE WHEN expires <= ?4 THEN excluded.value ELSE value + excluded.value END,\n"
		"  kind = 'i',\n"
		"  expires = CASE WHEN expires <= ?4 THEN NULL ELSE expires END\n"
		"WHERE kind = 'i' OR expires <= ?4\n"
		"RETURNING value",
		key, klen, 4);
	if (!op)
		return 3;
	op->params[2] = (struct store_param){.type = SQLITE_INTEGER, .i = (sqlite3_int64)by};
	op->params[3] = (struct store_param){.type = SQLITE_FLOAT, .d = now_epoch()};
	return op_await(L, op, (lua_KContext)lua_gettop(L), incr_k);
}

/* store.prefix() -> "plugin_<name>_" or "script_": the prefix this state's
 * tables must carry. */
static int store_prefix(lua_State *L)
{
	struct store_ctx *c = ctx_check(L);
	lua_pushstring(L, c->auth.prefix);
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
