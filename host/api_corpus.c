/* api_corpus.c: trang.corpus, the stored articles for Lua: a streaming
 * iterator (one prepared statement stepping; the corpus never sits in
 * memory), lookup by id or path, counts, and articles as lazy userdata.
 *
 * Relies on the schema of host/store.c (articles, paragraphs, sentences,
 * article_aliases, paragraphs_fts) on a read-only connection of its own,
 * opened on first use from the state's db_path, else $TRANG_DB, else
 * ./trang.db. Needs LSTATE_CAP_CORPUS_READ. Spans given to Lua are 1-based
 * and inclusive byte positions into article.raw (the database's [s, e) plus
 * one at the start), so raw:sub(p.s, p.e) == the paragraph's bytes. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fts.h"
#include "lua_state.h"
#include "store.h"

struct corpus_ctx {
	struct store db;
	sqlite3_stmt *body;       /* raw, text of one article */
	sqlite3_stmt *paragraphs; /* paragraphs of one article */
	sqlite3_stmt *sentences;  /* sentences of one article, with their paragraph */
};

/* An article: its id; the cheap fields, and text and raw once loaded, live
 * in its user value table. */
struct article {
	sqlite3_int64 id;
};

/* A running corpus.articles: the statement, and whether a row is waiting
 * (the first step runs in articles() so a bad query fails there). */
struct corpus_iter {
	sqlite3_stmt *stmt;
	bool pending;
};

static const char ctx_key = 'c';     /* registry: the corpus_ctx userdata */
static const char article_mt = 'a';  /* registry: metatable of articles */
static const char iter_mt = 'i';     /* registry: metatable of iterators */

#define ARTICLE_COLUMNS "a.id, a.path, a.title, a.date, a.url, a.author, a.source"
static const char *const cheap_fields[] = {"path", "title", "date", "url", "author", "source"};

static int ctx_gc(lua_State *L)
{
	struct corpus_ctx *c = lua_touserdata(L, 1);
	sqlite3_finalize(c->body);
	sqlite3_finalize(c->paragraphs);
	sqlite3_finalize(c->sentences);
	c->body = c->paragraphs = c->sentences = NULL;
	store_close(&c->db);
	return 0;
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
	if (store_prepare(&c->db, &c->body, "SELECT raw, text FROM articles WHERE id = ?") ||
	    store_prepare(&c->db, &c->paragraphs,
	                  "SELECT idx, kind, s, e, text FROM paragraphs WHERE article_id = ? "
	                  "ORDER BY idx") ||
	    store_prepare(&c->db, &c->sentences,
	                  "SELECT s.idx, p.kind, s.s, s.e, s.text, p.idx FROM sentences s "
	                  "JOIN paragraphs p ON p.id = s.paragraph_id WHERE s.article_id = ? "
	                  "ORDER BY s.idx"))
		luaL_error(L, "trang.corpus: %s", c->db.err);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key);
	return c;
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

/* Loads raw and text into the user value table of the article at idx. */
static void article_load_body(lua_State *L, int idx)
{
	struct article *a = check_article(L, idx);
	struct corpus_ctx *c = ctx_check(L);
	sqlite3_reset(c->body);
	sqlite3_bind_int64(c->body, 1, a->id);
	int rc = sqlite3_step(c->body);
	if (rc != SQLITE_ROW) {
		const char *why = rc == SQLITE_DONE ? "no longer in the database" : sqlite3_errmsg(c->db.db);
		lua_pushstring(L, why);
		sqlite3_reset(c->body);
		article_error(L, idx, "cannot load its text", lua_tostring(L, -1));
	}
	lua_getiuservalue(L, idx, 1); /* stack: [..., fields] */
	const void *raw = sqlite3_column_blob(c->body, 0);
	lua_pushlstring(L, raw ? raw : "", (size_t)sqlite3_column_bytes(c->body, 0));
	lua_setfield(L, -2, "raw");
	const unsigned char *text = sqlite3_column_text(c->body, 1);
	lua_pushlstring(L, text ? (const char *)text : "", (size_t)sqlite3_column_bytes(c->body, 1));
	lua_setfield(L, -2, "text");
	lua_pop(L, 1);
	sqlite3_reset(c->body);
}

/* Pushes {idx=, kind=, s=, e=, text= [, paragraph=]} for each row of stmt
 * (columns: idx, kind, s, e, text [, paragraph idx]) as an array. */
static int push_spans(lua_State *L, int idx, sqlite3_stmt *stmt, bool with_paragraph)
{
	struct article *a = check_article(L, idx);
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, a->id);
	lua_newtable(L); /* stack: [..., items] */
	lua_Integer n = 0;
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		lua_createtable(L, 0, 6);
		lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(stmt, 0) + 1);
		lua_setfield(L, -2, "idx");
		lua_pushstring(L, (const char *)sqlite3_column_text(stmt, 1));
		lua_setfield(L, -2, "kind");
		lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(stmt, 2) + 1);
		lua_setfield(L, -2, "s");
		lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(stmt, 3));
		lua_setfield(L, -2, "e");
		lua_pushlstring(L, (const char *)sqlite3_column_text(stmt, 4),
		                (size_t)sqlite3_column_bytes(stmt, 4));
		lua_setfield(L, -2, "text");
		if (with_paragraph) {
			lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(stmt, 5) + 1);
			lua_setfield(L, -2, "paragraph");
		}
		lua_rawseti(L, -2, ++n);
	}
	if (rc != SQLITE_DONE) {
		lua_pushstring(L, sqlite3_errmsg(sqlite3_db_handle(stmt)));
		sqlite3_reset(stmt);
		return article_error(L, idx, "cannot read its spans", lua_tostring(L, -1));
	}
	sqlite3_reset(stmt);
	lstate_check_budget(L, (unsigned)n);
	return 1;
}

/* article:paragraphs() -> array of {idx=, kind=, s=, e=, text=} in order;
 * kind: title dateline lead body caption byline source */
static int article_paragraphs(lua_State *L)
{
	check_article(L, 1);
	return push_spans(L, 1, ctx_check(L)->paragraphs, false);
}

/* article:sentences() -> array of {idx=, kind=, s=, e=, text=, paragraph=};
 * kind is its paragraph's kind, paragraph its paragraph's idx */
static int article_sentences(lua_State *L)
{
	check_article(L, 1);
	return push_spans(L, 1, ctx_check(L)->sentences, true);
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
		article_load_body(L, 1);
		article_field(L, 1, key);
		return 1;
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

/* Pushes an article from the current row of stmt (ARTICLE_COLUMNS). */
static void push_article(lua_State *L, sqlite3_stmt *stmt)
{
	struct article *a = lua_newuserdatauv(L, sizeof *a, 1);
	a->id = sqlite3_column_int64(stmt, 0);
	lua_createtable(L, 0, 8); /* stack: [article, fields] */
	for (int i = 0; i < 6; i++) {
		if (sqlite3_column_type(stmt, i + 1) == SQLITE_NULL)
			continue;
		lua_pushlstring(L, (const char *)sqlite3_column_text(stmt, i + 1),
		                (size_t)sqlite3_column_bytes(stmt, i + 1));
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

static void bind_filter(sqlite3_stmt *stmt, const struct filter *f)
{
	if (f->since)
		sqlite3_bind_text(stmt, 1, f->since, -1, SQLITE_TRANSIENT);
	if (f->until)
		sqlite3_bind_text(stmt, 2, f->until, -1, SQLITE_TRANSIENT);
	if (f->source)
		sqlite3_bind_text(stmt, 3, f->source, -1, SQLITE_TRANSIENT);
	if (f->match.len)
		sqlite3_bind_text(stmt, 4, f->match.data, (int)f->match.len, SQLITE_TRANSIENT);
	if (f->limit)
		sqlite3_bind_int64(stmt, 5, f->limit);
}

static int iter_close(lua_State *L)
{
	struct corpus_iter *it = lua_touserdata(L, 1);
	if (it->stmt) {
		sqlite3_finalize(it->stmt);
		it->stmt = NULL;
	}
	return 0;
}

/* Pushes a new iterator userdata (finalizes its statement on __gc and
 * __close: a loop left by break or error frees it at once). */
static struct corpus_iter *push_iter(lua_State *L)
{
	struct corpus_iter *it = lua_newuserdatauv(L, sizeof *it, 0);
	it->stmt = NULL;
	it->pending = false;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &iter_mt) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 3);
		lua_pushcfunction(L, iter_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, iter_close);
		lua_setfield(L, -2, "__close");
		lua_pushliteral(L, "trang.corpus.iterator");
		lua_setfield(L, -2, "__name");
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &iter_mt);
	}
	lua_setmetatable(L, -2);
	return it;
}

/* Prepares the selection of options table at arg into a new iterator
 * (pushed) and runs its first step. Raises on a bad query. */
static struct corpus_iter *select_articles(lua_State *L, int arg, const char *what, bool order)
{
	struct corpus_ctx *c = ctx_check(L);
	struct filter f;
	bool strict;
	read_filter(L, arg, &f, &strict);
	struct corpus_iter *it = push_iter(L);
	buf sql = BUF_INIT;
	int bad_match = rewrite_match(L, arg, &f.match, strict);
	int rc = bad_match ? SQLITE_OK : build_sql(&sql, what, &f, order);
	if (!bad_match && rc == 0)
		rc = sqlite3_prepare_v2(c->db.db, sql.data, -1, &it->stmt, NULL);
	buf_free(&sql);
	if (bad_match) {
		buf_free(&f.match);
		luaL_argerror(L, arg, "bad 'match' query (a quote is not closed?)");
	}
	if (rc != SQLITE_OK) {
		buf_free(&f.match);
		luaL_error(L, "trang.corpus: cannot select articles: %s", sqlite3_errmsg(c->db.db));
	}
	bind_filter(it->stmt, &f);
	buf_free(&f.match);
	rc = sqlite3_step(it->stmt);
	if (rc == SQLITE_ROW) {
		it->pending = true;
	} else if (rc != SQLITE_DONE) {
		lua_pushstring(L, sqlite3_errmsg(c->db.db));
		sqlite3_finalize(it->stmt);
		it->stmt = NULL;
		luaL_error(L, "trang.corpus: %s", lua_tostring(L, -1));
	}
	return it;
}

/* The iterator function. Upvalue 1: the corpus_iter. Returns the next
 * article, or nil at the end (the statement is finalized then). */
static int articles_next(lua_State *L)
{
	struct corpus_iter *it = lua_touserdata(L, lua_upvalueindex(1));
	if (!it->stmt)
		return 0;
	if (!it->pending) {
		int rc = sqlite3_step(it->stmt);
		if (rc == SQLITE_DONE) {
			sqlite3_finalize(it->stmt);
			it->stmt = NULL;
			return 0;
		}
		if (rc != SQLITE_ROW) {
			lua_pushstring(L, sqlite3_errmsg(sqlite3_db_handle(it->stmt)));
			sqlite3_finalize(it->stmt);
			it->stmt = NULL;
			return luaL_error(L, "trang.corpus: reading articles: %s", lua_tostring(L, -1));
		}
	}
	it->pending = false;
	lstate_check_budget(L, 10);
	push_article(L, it->stmt);
	return 1;
}

/* for article in corpus.articles{since=, ["until"]=, source=, match=,
 * strict=, limit=} do ... end
 * -> iterator, nil, nil, closing value. Articles come in id order; since and
 * until compare ISO dates (until inclusive at its precision; undated articles
 * are left out when either is given); match is a full-text query as for
 * `trang search` (folded unless strict). Raises on a bad option or query. */
static int corpus_articles(lua_State *L)
{
	lua_settop(L, 1);
	select_articles(L, 1, ARTICLE_COLUMNS, true); /* stack: [opts, iter] */
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, articles_next, 1); /* stack: [opts, iter, next] */
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2); /* stack: [opts, next, nil, nil, iter] */
	return 4;
}

/* corpus.count{...} -> number of articles the same options select */
static int corpus_count(lua_State *L)
{
	lua_settop(L, 1);
	struct corpus_iter *it = select_articles(L, 1, "count(*)", false);
	lua_Integer n = it->pending ? (lua_Integer)sqlite3_column_int64(it->stmt, 0) : 0;
	sqlite3_finalize(it->stmt);
	it->stmt = NULL;
	if (lua_istable(L, 1) && lua_getfield(L, 1, "limit") == LUA_TNUMBER &&
	    lua_tointeger(L, -1) < n)
		n = lua_tointeger(L, -1); /* count ignores LIMIT: apply it here */
	lua_pushinteger(L, n);
	return 1;
}

/* corpus.get(id_or_path) -> article | nil, message, "ENOENT". A path may
 * also be another name of an exact duplicate (article_aliases). */
static int corpus_get(lua_State *L)
{
	struct corpus_ctx *c = ctx_check(L);
	bool by_id = lua_isinteger(L, 1);
	if (!by_id)
		luaL_checkstring(L, 1);
	struct corpus_iter *it = push_iter(L); /* stack: [key, iter] */
	const char *sql = by_id ? "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.id = ?"
	                        : "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.path = ?1 "
	                          "UNION ALL SELECT " ARTICLE_COLUMNS " FROM article_aliases l "
	                          "JOIN articles a ON a.id = l.article_id WHERE l.path = ?1 LIMIT 1";
	if (sqlite3_prepare_v2(c->db.db, sql, -1, &it->stmt, NULL) != SQLITE_OK)
		return luaL_error(L, "trang.corpus: %s", sqlite3_errmsg(c->db.db));
	if (by_id)
		sqlite3_bind_int64(it->stmt, 1, (sqlite3_int64)lua_tointeger(L, 1));
	else
		sqlite3_bind_text(it->stmt, 1, lua_tostring(L, 1), -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(it->stmt);
	if (rc == SQLITE_ROW) {
		push_article(L, it->stmt);
		sqlite3_finalize(it->stmt);
		it->stmt = NULL;
		return 1;
	}
	if (rc != SQLITE_DONE)
		return luaL_error(L, "trang.corpus: %s", sqlite3_errmsg(c->db.db));
	sqlite3_finalize(it->stmt);
	it->stmt = NULL;
	luaL_pushfail(L);
	lua_pushfstring(L, "no article %s %s", by_id ? "with id" : "named", luaL_tolstring(L, 1, NULL));
	lua_remove(L, -2);
	lua_pushliteral(L, "ENOENT");
	return 3;
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
