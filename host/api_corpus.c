/* api_corpus.c: trang.corpus, the stored articles for Lua: a streaming
 * iterator (one prepared statement stepping; the corpus never sits in
 * memory), lookup by id or path, counts, and articles as lazy userdata.
 *
 * Relies on the schema of host/store.c (articles, paragraphs, sentences,
 * article_aliases, paragraphs_fts) on a read-only connection of its own,
 * opened on first use from the state's db_path, else $TRANG_DB, else
 * ./trang.db. Needs LSTATE_CAP_CORPUS_READ. Spans given to Lua are 1-based
 * and inclusive byte positions into article.raw (the database's [s, e) plus
 * one at the start), so raw:sub(p.s, p.e) == the paragraph's bytes.
 *
 * Every read is work (lstate_await): in a trang serve job it runs on a worker
 * thread while the job is suspended, rows copied out (the iterator takes a
 * batch at a time) and made Lua values when it resumes; elsewhere in place.
 * The connection is used under its sql_conn lock, by one thread at a time. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fts.h"
#include "lua_state.h"
#include "sql_job.h"
#include "store.h"

struct corpus_ctx {
	struct store db;
	struct sql_conn conn;     /* its lock: whoever uses db.db holds it */
	sqlite3_stmt *body;       /* raw, text of one article */
	sqlite3_stmt *paragraphs; /* paragraphs of one article */
	sqlite3_stmt *sentences;  /* sentences of one article, with their paragraph */
};

/* An article: its id; the cheap fields, and text and raw once loaded, live
 * in its user value table. */
struct article {
	sqlite3_int64 id;
};

#define ITER_BATCH 64 /* articles per batch of the iterator */
#define NBINDS 5

/* A read: a statement of its own (sql, prepared by the first run) or one of
 * the context's (shared: bound, stepped to the end and reset in one run),
 * its parameters as C values, and the rows copied out. The iterator of
 * corpus.articles is one too, handing its rows out one by one. */
struct corpus_op {
	struct sql_job job;
	struct corpus_ctx *c;
	char *sql;                 /* own statement's SQL (malloc'd), until prepared */
	sqlite3_stmt *stmt;        /* own statement */
	sqlite3_stmt *shared;      /* or a cached one of c */
	struct {
		int type;              /* 0: not bound, SQLITE_INTEGER, SQLITE_TEXT */
		sqlite3_int64 i;
		char *s;               /* malloc'd */
		size_t len;
	} binds[NBINDS];           /* parameter i + 1 */
	size_t batch;              /* rows per run; 0: all */
	/* set by a run */
	int rc;                    /* SQLITE_ROW: more rows may come; SQLITE_DONE; else an error */
	char errmsg[256];
	struct sql_rows rows;
	size_t next;               /* the iterator: the next row to hand out */
};

static const char ctx_key = 'c';     /* registry: the corpus_ctx userdata */
static const char article_mt = 'a';  /* registry: metatable of articles */
static const char op_mt = 'i';       /* registry: metatable of corpus_op */

#define ARTICLE_COLUMNS "a.id, a.path, a.title, a.date, a.url, a.author, a.source"
static const char *const cheap_fields[] = {"path", "title", "date", "url", "author", "source"};

/* The state is closing: no work is in flight, nothing holds the lock. */
static int ctx_gc(lua_State *L)
{
	struct corpus_ctx *c = lua_touserdata(L, 1);
	sqlite3_finalize(c->body);
	sqlite3_finalize(c->paragraphs);
	sqlite3_finalize(c->sentences);
	c->body = c->paragraphs = c->sentences = NULL;
	sql_conn_destroy(&c->conn);
	store_close(&c->db);
	return 0;
}

/* Cancels only a job's statement (on a worker); nothing in place. */
static int corpus_progress(void *ud)
{
	return sql_conn_progress(&((struct corpus_ctx *)ud)->conn);
}

static const char *db_path_of(lua_State *L)
{
	const char *p = lstate_db_path(lstate_from(L));
	if (!p || !*p)
		p = getenv("TRANG_DB");
	return p && *p ? p : "trang.db";
}

/* The state's corpus connection, opened on first use; raises when the state
 * lacks the capability or the database cannot be opened. */
static struct corpus_ctx *ctx_check(lua_State *L)
{
	if (!(lstate_caps(lstate_from(L)) & LSTATE_CAP_CORPUS_READ))
		luaL_error(L, "trang.corpus needs the corpus.read capability");
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ctx_key) == LUA_TUSERDATA) {
		struct corpus_ctx *c = lua_touserdata(L, -1);
		lua_pop(L, 1);
		return c;
	}
	lua_pop(L, 1);
	struct corpus_ctx *c = lua_newuserdatauv(L, sizeof *c, 0);
	memset(c, 0, sizeof *c);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, ctx_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2); /* stack: [ctx] */
	if (store_open(&c->db, db_path_of(L), STORE_READ))
		luaL_error(L, "trang.corpus: %s", c->db.err);
	if (sql_conn_init(&c->conn, c->db.db))
		luaL_error(L, "trang.corpus: cannot make a lock for the connection");
	if (store_prepare(&c->db, &c->body, "SELECT raw, text FROM articles WHERE id = ?") ||
	    store_prepare(&c->db, &c->paragraphs,
	                  "SELECT idx, kind, s, e, text FROM paragraphs WHERE article_id = ? "
	                  "ORDER BY idx") ||
	    store_prepare(&c->db, &c->sentences,
	                  "SELECT s.idx, p.kind, s.s, s.e, s.text, p.idx FROM sentences s "
	                  "JOIN paragraphs p ON p.id = s.paragraph_id WHERE s.article_id = ? "
	                  "ORDER BY s.idx"))
		luaL_error(L, "trang.corpus: %s", c->db.err);
	sqlite3_progress_handler(c->db.db, SQL_PROGRESS_OPS, corpus_progress, c);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key);
	return c;
}

/* ---- reads as work ---- */

static int op_close(lua_State *L)
{
	struct corpus_op *op = lua_touserdata(L, 1);
	if (op->stmt) {
		sql_conn_finalize(&op->c->conn, op->stmt);
		op->stmt = NULL;
	}
	sql_rows_free(&op->rows);
	free(op->sql);
	op->sql = NULL;
	for (int i = 0; i < NBINDS; i++) {
		free(op->binds[i].s);
		op->binds[i].s = NULL;
	}
	return 0;
}

/* Pushes a new op on c. */
static struct corpus_op *push_op(lua_State *L, struct corpus_ctx *c)
{
	struct corpus_op *op = lua_newuserdatauv(L, sizeof *op, 0);
	memset(op, 0, sizeof *op);
	atomic_init(&op->job.cancel, 0);
	op->c = c;
	lstate_set_handle_mt(L, &op_mt, op_close, op_close, "trang.corpus.iterator");
	return op;
}

/* Sets parameter i (1-based) to a copy of s; raises when out of memory. */
static void op_bind_text(lua_State *L, struct corpus_op *op, int i, const char *s, size_t len)
{
	op->binds[i - 1].s = malloc(len + 1);
	if (!op->binds[i - 1].s)
		luaL_error(L, "not enough memory");
	memcpy(op->binds[i - 1].s, s, len);
	op->binds[i - 1].s[len] = '\0';
	op->binds[i - 1].len = len;
	op->binds[i - 1].type = SQLITE_TEXT;
}

static void op_bind_int(struct corpus_op *op, int i, sqlite3_int64 v)
{
	op->binds[i - 1].type = SQLITE_INTEGER;
	op->binds[i - 1].i = v;
}

static void op_apply_binds(struct corpus_op *op, sqlite3_stmt *stmt)
{
	for (int i = 0; i < NBINDS; i++) {
		if (op->binds[i].type == SQLITE_INTEGER)
			sqlite3_bind_int64(stmt, i + 1, op->binds[i].i);
		else if (op->binds[i].type == SQLITE_TEXT)
			sqlite3_bind_text64(stmt, i + 1, op->binds[i].s, op->binds[i].len, SQLITE_TRANSIENT,
			                    SQLITE_UTF8);
	}
}

/* The work: prepares (own statement, first time) and steps a batch, or runs
 * a shared statement to its end. Touches no Lua. */
static void op_run(void *ud)
{
	struct corpus_op *op = ud;
	struct corpus_ctx *c = op->c;
	sql_conn_begin(&c->conn, &op->job);
	op->rc = SQLITE_OK;
	if (sql_job_cancelled(&op->job)) {
		op->rc = SQLITE_INTERRUPT;
		snprintf(op->errmsg, sizeof op->errmsg, "interrupted");
		goto done;
	}
	sqlite3_stmt *stmt = op->shared;
	if (stmt) {
		sqlite3_reset(stmt);
		op_apply_binds(op, stmt);
	} else {
		if (!op->stmt) {
			int rc = sqlite3_prepare_v2(c->db.db, op->sql, -1, &op->stmt, NULL);
			if (rc != SQLITE_OK) {
				op->rc = rc;
				snprintf(op->errmsg, sizeof op->errmsg, "%s", sqlite3_errmsg(c->db.db));
				goto done;
			}
			op_apply_binds(op, op->stmt);
		}
		stmt = op->stmt;
	}
	op->rc = sql_step_rows(stmt, &op->rows, op->shared ? 0 : op->batch, 0);
	if (op->rc != SQLITE_ROW && op->rc != SQLITE_DONE)
		snprintf(op->errmsg, sizeof op->errmsg, "%s",
		         op->rc == SQLITE_NOMEM ? "not enough memory" : sqlite3_errmsg(c->db.db));
	if (op->shared) {
		sqlite3_reset(stmt);
	} else if (op->rc != SQLITE_ROW) {
		/* done or failed: a statement left stepping holds a read transaction */
		sqlite3_finalize(op->stmt);
		op->stmt = NULL;
	}
done:
	sql_conn_end(&c->conn);
}

static void op_cancel(void *ud)
{
	sql_job_cancel(&((struct corpus_op *)ud)->job);
}

/* Runs op (suspending the run: k continues it; or in place, then k). */
static int op_await(lua_State *L, struct corpus_op *op, lua_KContext kc, lua_KFunction k)
{
	struct lstate_work w = {op_run, op_cancel, op};
	return lstate_await(L, &w, kc, k);
}

static bool op_failed(const struct corpus_op *op)
{
	return op->rc != SQLITE_ROW && op->rc != SQLITE_DONE;
}

/* ---- articles ---- */

static struct article *check_article(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, "trang.article");
}

/* Pushes the field `name` of the article at idx from its user value. */
static int article_field(lua_State *L, int idx, const char *name)
{
	lua_getiuservalue(L, idx, 1);
	int t = lua_getfield(L, -1, name);
	lua_remove(L, -2);
	return t;
}

/* Raises an error about the article at idx, naming its path. */
static int article_error(lua_State *L, int idx, const char *what, const char *detail)
{
	article_field(L, idx, "path");
	const char *path = lua_tostring(L, -1);
	return luaL_error(L, "article %s: %s: %s", path ? path : "?", what, detail);
}

/* Pushes a copied text or blob value as a string ("" for NULL). */
static void push_bytes(lua_State *L, sqlite3_value *v)
{
	const void *p = sqlite3_value_type(v) == SQLITE_BLOB ? sqlite3_value_blob(v)
	                                                      : (const void *)sqlite3_value_text(v);
	lua_pushlstring(L, p ? p : "", p ? (size_t)sqlite3_value_bytes(v) : 0);
}

/* Continuation of the article's __index for text and raw. Stack:
 * [article, key, op]. Stores raw and text in the user value, pushes key's. */
static int body_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct corpus_op *op = lua_touserdata(L, 3);
	if (op_failed(op) || op->rows.n == 0)
		return article_error(L, 1, "cannot load its text",
		                     op->rows.n == 0 && !op_failed(op) ? "no longer in the database"
		                                                        : op->errmsg);
	lua_getiuservalue(L, 1, 1); /* stack: [article, key, op, fields] */
	push_bytes(L, sql_rows_at(&op->rows, 0, 0));
	lua_setfield(L, -2, "raw");
	push_bytes(L, sql_rows_at(&op->rows, 0, 1));
	lua_setfield(L, -2, "text");
	lua_pop(L, 1);
	sql_rows_clear(&op->rows);
	article_field(L, 1, lua_tostring(L, 2));
	return 1;
}

/* Continuation of paragraphs() and sentences(). Stack: [article, op];
 * kc: with the paragraph column. Pushes the array of spans. */
static int spans_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	bool with_paragraph = kc != 0;
	struct corpus_op *op = lua_touserdata(L, 2);
	if (op_failed(op))
		return article_error(L, 1, "cannot read its spans", op->errmsg);
	const struct sql_rows *r = &op->rows;
	lua_createtable(L, (int)r->n, 0); /* stack: [article, op, items] */
	for (size_t i = 0; i < r->n; i++) {
		lua_createtable(L, 0, 6);
		lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(sql_rows_at(r, i, 0)) + 1);
		lua_setfield(L, -2, "idx");
		push_bytes(L, sql_rows_at(r, i, 1));
		lua_setfield(L, -2, "kind");
		lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(sql_rows_at(r, i, 2)) + 1);
		lua_setfield(L, -2, "s");
		lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(sql_rows_at(r, i, 3)));
		lua_setfield(L, -2, "e");
		push_bytes(L, sql_rows_at(r, i, 4));
		lua_setfield(L, -2, "text");
		if (with_paragraph) {
			lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(sql_rows_at(r, i, 5)) + 1);
			lua_setfield(L, -2, "paragraph");
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	size_t n = r->n;
	sql_rows_clear(&op->rows);
	lstate_check_budget(L, (unsigned)n);
	return 1;
}

/* paragraphs() or sentences() of the article at 1 through shared. */
static int article_spans(lua_State *L, bool sentences)
{
	struct article *a = check_article(L, 1);
	struct corpus_ctx *c = ctx_check(L);
	lua_settop(L, 1);
	struct corpus_op *op = push_op(L, c); /* stack: [article, op] */
	lua_toclose(L, 2);
	op->shared = sentences ? c->sentences : c->paragraphs;
	op_bind_int(op, 1, a->id);
	return op_await(L, op, sentences, spans_k);
}

/* article:paragraphs() -> array of {idx=, kind=, s=, e=, text=} in order;
 * kind: title dateline lead body caption byline source */
static int article_paragraphs(lua_State *L)
{
	return article_spans(L, false);
}

/* article:sentences() -> array of {idx=, kind=, s=, e=, text=, paragraph=};
 * kind is its paragraph's kind, paragraph its paragraph's idx */
static int article_sentences(lua_State *L)
{
	return article_spans(L, true);
}

/* __index: the cheap fields from the user value; text and raw loaded on
 * first access and cached; the methods. Upvalue 1: the methods table. */
static int article_index(lua_State *L)
{
	struct article *a = check_article(L, 1);
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	const char *key = lua_tostring(L, 2);
	if (strcmp(key, "id") == 0) {
		lua_pushinteger(L, (lua_Integer)a->id);
		return 1;
	}
	if (article_field(L, 1, key) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	if (strcmp(key, "text") == 0 || strcmp(key, "raw") == 0) {
		struct corpus_ctx *c = ctx_check(L);
		lua_settop(L, 2);
		struct corpus_op *op = push_op(L, c); /* stack: [article, key, op] */
		lua_toclose(L, 3);
		op->shared = c->body;
		op_bind_int(op, 1, a->id);
		return op_await(L, op, 0, body_k);
	}
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(1));
	return 1;
}

static int article_newindex(lua_State *L)
{
	return luaL_error(L, "articles are read-only (cannot set '%s')", luaL_tolstring(L, 2, NULL));
}

/* tostring(article) -> "article 3 (data/003.txt)" */
static int article_tostring(lua_State *L)
{
	struct article *a = check_article(L, 1);
	article_field(L, 1, "path");
	lua_pushfstring(L, "article %I (%s)", (lua_Integer)a->id, lua_tostring(L, -1));
	return 1;
}

static void push_article_mt(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &article_mt) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	luaL_newmetatable(L, "trang.article"); /* stack: [mt] */
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, article_paragraphs);
	lua_setfield(L, -2, "paragraphs");
	lua_pushcfunction(L, article_sentences);
	lua_setfield(L, -2, "sentences");
	lua_pushcclosure(L, article_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, article_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, article_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &article_mt);
}

/* Pushes an article from copied row `row` of r (ARTICLE_COLUMNS). */
static void push_article(lua_State *L, const struct sql_rows *r, size_t row)
{
	struct article *a = lua_newuserdatauv(L, sizeof *a, 1);
	a->id = sqlite3_value_int64(sql_rows_at(r, row, 0));
	lua_createtable(L, 0, 8); /* stack: [article, fields] */
	for (int i = 0; i < 6; i++) {
		sqlite3_value *v = sql_rows_at(r, row, i + 1);
		if (sqlite3_value_type(v) == SQLITE_NULL)
			continue;
		lua_pushlstring(L, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
		lua_setfield(L, -2, cheap_fields[i]);
	}
	lua_setiuservalue(L, -2, 1);
	push_article_mt(L);
	lua_setmetatable(L, -2);
}

/* ---- selection ---- */

struct filter {
	const char *since, *until, *source;
	buf match; /* the FTS5 query after fts_query_rewrite; empty: none */
	lua_Integer limit; /* 0: none */
};

static const char *opt_string_field(lua_State *L, int arg, const char *name)
{
	lua_getfield(L, arg, name);
	const char *s = NULL;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pushfstring(L, "'%s' must be a string", name);
			luaL_argerror(L, arg, lua_tostring(L, -1));
		}
		s = lua_tostring(L, -1);
	}
	lua_pop(L, 1); /* the string stays alive in the options table */
	return s;
}

/* Reads the options table at arg into f. f->match must be freed. */
static void read_filter(lua_State *L, int arg, struct filter *f, bool *strict)
{
	memset(f, 0, sizeof *f);
	*strict = false;
	if (lua_isnoneornil(L, arg))
		return;
	luaL_checktype(L, arg, LUA_TTABLE);
	f->since = opt_string_field(L, arg, "since");
	f->until = opt_string_field(L, arg, "until");
	f->source = opt_string_field(L, arg, "source");
	lua_getfield(L, arg, "strict");
	*strict = lua_toboolean(L, -1);
	lua_getfield(L, arg, "limit");
	if (!lua_isnil(L, -1)) {
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
			luaL_argerror(L, arg, "'limit' must be a non-negative integer");
		f->limit = lua_tointeger(L, -1);
	}
	lua_pop(L, 2);
}

/* Rewrites opts.match for FTS5 into f->match (a buf, freed by the caller);
 * raises on a bad query. Done apart from read_filter so no raise can leak it. */
static int rewrite_match(lua_State *L, int arg, buf *out, bool strict)
{
	if (lua_isnoneornil(L, arg))
		return 0;
	const char *q = opt_string_field(L, arg, "match");
	if (!q)
		return 0;
	return fts_query_rewrite(out, q, strlen(q), strict);
}

/* Builds "SELECT <what> FROM articles a WHERE ..." for f into sql. */
static int build_sql(buf *sql, const char *what, const struct filter *f, bool with_order)
{
	int rc = buf_printf(sql, "SELECT %s FROM articles a WHERE 1", what);
	if (f->since)
		rc |= buf_printf(sql, " AND a.date >= ?1");
	if (f->until) /* inclusive at the precision given: until "2024-08" takes all of August */
		rc |= buf_printf(sql, " AND substr(a.date, 1, length(?2)) <= ?2");
	if (f->source)
		rc |= buf_printf(sql, " AND a.source = ?3");
	if (f->match.len)
		rc |= buf_printf(sql, " AND a.id IN (SELECT p.article_id FROM paragraphs_fts "
		                      "JOIN paragraphs p ON p.id = paragraphs_fts.rowid "
		                      "WHERE paragraphs_fts MATCH ?4)");
	if (with_order)
		rc |= buf_printf(sql, " ORDER BY a.id");
	if (f->limit)
		rc |= buf_printf(sql, " LIMIT ?5");
	return rc ? -1 : 0;
}

/* Copies f's parameters but match (select_op's) into op; raises when out
 * of memory. */
static void bind_filter(lua_State *L, struct corpus_op *op, const struct filter *f)
{
	if (f->since)
		op_bind_text(L, op, 1, f->since, strlen(f->since));
	if (f->until)
		op_bind_text(L, op, 2, f->until, strlen(f->until));
	if (f->source)
		op_bind_text(L, op, 3, f->source, strlen(f->source));
	if (f->limit)
		op_bind_int(op, 5, f->limit);
}

/* Pushes an op selecting with the options table at arg, ready for its first
 * run (which prepares it). Raises on a bad option or query. */
static struct corpus_op *select_op(lua_State *L, int arg, const char *what, bool order)
{
	struct corpus_ctx *c = ctx_check(L);
	struct filter f;
	bool strict;
	read_filter(L, arg, &f, &strict);
	struct corpus_op *op = push_op(L, c);
	buf sql = BUF_INIT;
	int bad_match = rewrite_match(L, arg, &f.match, strict);
	int rc = bad_match ? 0 : build_sql(&sql, what, &f, order);
	if (bad_match) {
		buf_free(&f.match);
		buf_free(&sql);
		luaL_argerror(L, arg, "bad 'match' query (a quote is not closed?)");
	}
	if (rc != 0 || !(op->sql = strdup(sql.data))) {
		buf_free(&f.match);
		buf_free(&sql);
		luaL_error(L, "trang.corpus: not enough memory");
	}
	buf_free(&sql);
	if (f.match.len && !(op->binds[3].s = malloc(f.match.len + 1))) {
		buf_free(&f.match);
		luaL_error(L, "trang.corpus: not enough memory");
	}
	if (f.match.len) { /* copied here: op_bind_text could raise and leak the buf */
		memcpy(op->binds[3].s, f.match.data, f.match.len);
		op->binds[3].s[f.match.len] = '\0';
		op->binds[3].len = f.match.len;
		op->binds[3].type = SQLITE_TEXT;
	}
	buf_free(&f.match);
	bind_filter(L, op, &f);
	return op;
}

/* Raises the error of a failed selection. */
static int select_error(lua_State *L, struct corpus_op *op, const char *what)
{
	return luaL_error(L, "trang.corpus: %s%s", what, op->errmsg);
}

/* Continuation of the iterator function. Upvalue 1: the op. */
static int articles_next_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct corpus_op *op = lua_touserdata(L, lua_upvalueindex(1));
	if (op_failed(op))
		return select_error(L, op, "reading articles: ");
	if (op->next >= op->rows.n)
		return 0; /* done: op_run finalized the statement */
	lstate_check_budget(L, 10);
	push_article(L, &op->rows, op->next++);
	return 1;
}

/* The iterator function. Upvalue 1: the op. Returns the next article, or
 * nil at the end (the statement is finalized then). A batch is read when
 * the last one is used up. */
static int articles_next(lua_State *L)
{
	struct corpus_op *op = lua_touserdata(L, lua_upvalueindex(1));
	if (op->next >= op->rows.n && op->rc == SQLITE_ROW) {
		sql_rows_clear(&op->rows);
		op->next = 0;
		return op_await(L, op, 0, articles_next_k);
	}
	return articles_next_k(L, LUA_OK, 0);
}

/* Continuation of corpus.articles. Stack: [opts, op]. */
static int articles_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct corpus_op *op = lua_touserdata(L, 2);
	if (op_failed(op))
		return select_error(L, op, "cannot select articles: ");
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, articles_next, 1); /* stack: [opts, op, next] */
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2); /* stack: [opts, next, nil, nil, op] */
	return 4;
}

/* for article in corpus.articles{since=, ["until"]=, source=, match=,
 * strict=, limit=} do ... end
 * -> iterator, nil, nil, closing value. Articles come in id order; since and
 * until compare ISO dates (until inclusive at its precision; undated articles
 * are left out when either is given); match is a full-text query as for
 * `trang search` (folded unless strict). Raises on a bad option or query.
 * The first batch is read here, so a bad query fails here. */
static int corpus_articles(lua_State *L)
{
	lua_settop(L, 1);
	struct corpus_op *op = select_op(L, 1, ARTICLE_COLUMNS, true); /* stack: [opts, op] */
	op->batch = ITER_BATCH;
	return op_await(L, op, 0, articles_k);
}

/* Continuation of corpus.count. Stack: [opts, op]. */
static int count_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct corpus_op *op = lua_touserdata(L, 2);
	if (op_failed(op))
		return select_error(L, op, "");
	lua_Integer n = op->rows.n ? (lua_Integer)sqlite3_value_int64(sql_rows_at(&op->rows, 0, 0)) : 0;
	if (lua_istable(L, 1) && lua_getfield(L, 1, "limit") == LUA_TNUMBER &&
	    lua_tointeger(L, -1) < n)
		n = lua_tointeger(L, -1); /* count ignores LIMIT: apply it here */
	lua_pushinteger(L, n);
	return 1;
}

/* corpus.count{...} -> number of articles the same options select */
static int corpus_count(lua_State *L)
{
	lua_settop(L, 1);
	select_op(L, 1, "count(*)", false); /* stack: [opts, op] */
	lua_toclose(L, 2);
	return op_await(L, lua_touserdata(L, 2), 0, count_k);
}

/* Continuation of corpus.get. Stack: [key, op]. */
static int get_k(lua_State *L, int status, lua_KContext kc)
{
	(void)status;
	(void)kc;
	struct corpus_op *op = lua_touserdata(L, 2);
	if (op_failed(op))
		return select_error(L, op, "");
	if (op->rows.n) {
		push_article(L, &op->rows, 0);
		return 1;
	}
	luaL_pushfail(L);
	lua_pushfstring(L, "no article %s %s", lua_isinteger(L, 1) ? "with id" : "named",
	                luaL_tolstring(L, 1, NULL));
	lua_remove(L, -2);
	lua_pushliteral(L, "ENOENT");
	return 3;
}

/* corpus.get(id_or_path) -> article | nil, message, "ENOENT". A path may
 * also be another name of an exact duplicate (article_aliases). */
static int corpus_get(lua_State *L)
{
	struct corpus_ctx *c = ctx_check(L);
	bool by_id = lua_isinteger(L, 1);
	size_t len = 0;
	const char *path = by_id ? NULL : luaL_checklstring(L, 1, &len);
	lua_settop(L, 1);
	struct corpus_op *op = push_op(L, c); /* stack: [key, op] */
	lua_toclose(L, 2);
	const char *sql = by_id ? "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.id = ?"
	                        : "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.path = ?1 "
	                          "UNION ALL SELECT " ARTICLE_COLUMNS " FROM article_aliases l "
	                          "JOIN articles a ON a.id = l.article_id WHERE l.path = ?1 LIMIT 1";
	if (!(op->sql = strdup(sql)))
		return luaL_error(L, "trang.corpus: not enough memory");
	op->batch = 1;
	if (by_id)
		op_bind_int(op, 1, (sqlite3_int64)lua_tointeger(L, 1));
	else
		op_bind_text(L, op, 1, path, len);
	return op_await(L, op, 0, get_k);
}

int luaopen_trang_corpus(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"articles", corpus_articles},
		{"get", corpus_get},
		{"count", corpus_count},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	return 1;
}
