/* ingest.c: the ingest run (see ingest.h), a pipeline of three stages:
 *   - the walker thread finds files (walk.c) and skips those whose size and
 *     mtime match the database (its own read-only connection);
 *   - worker threads read, check, parse and split them (ingest_prepare.c);
 *   - the writer, on the calling thread, owns the write connection and stores
 *     the results in walk order, so any number of workers stores the same
 *     rows, in batched transactions; the workers have already computed the
 *     full-text index terms (fts_pretokenize), and a checkpointer thread
 *     (ingest_checkpoint.c) copies committed pages from the WAL, so the
 *     writer does neither.
 * Queues are bounded and a semaphore caps the files in flight, so memory
 * stays flat however large the corpus. A file is checked and parsed before
 * anything is written; a database failure rolls the whole batch back. */
#include "ingest.h"

#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "fts.h"
#include "ingest_checkpoint.h"
#include "ingest_prepare.h"
#include "plugin.h"
#include "progress.h"
#include "queue.h"
#include "walk.h"

/* Large transactions: each commit writes FTS5's new terms out as a segment
 * that merges rewrite later. 2,000 files with the 32 MB hashsize below take
 * 12% less CPU than 500 files and an 8 MB hashsize on the 100 MB corpus. */
#define BATCH_FILES 2000
#define BATCH_BYTES (32u << 20)
#define IN_FLIGHT 64 /* files between the walker and the writer */
/* FTS5 keeps new terms in memory until they reach its hashsize (1 MB by
 * default), then writes them out as a new segment. At 8 MB the writer ran
 * 12% fewer instructions than at 1 MB; at 32 MB (with the batches above) a
 * batch is one segment, for at most 32 MB more memory (README, Performance).
 * The setting is stored with the index; setting it here serves older
 * databases too. */
#define FTS_HASHSIZE_SQL "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('hashsize', 33554432)"
/* Merge 8 segments of a level at a time instead of 4: each term's data is
 * rewritten on fewer levels. 1 GB fresh ingest 135 -> 126 s, 100 MB about
 * 4% less; search p99 unchanged (1 GB words 145 -> 143 ms, phrases 74 -> 73
 * ms: a common term's time is in its matches, not in the segments). Stored
 * with the index, like hashsize. */
#define FTS_AUTOMERGE_SQL "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('automerge', 8)"

enum {
	Q_FILE_GET, Q_FILE_TOUCH, Q_FILE_PUT, Q_FILE_UPDATE, Q_ART_BY_HASH, Q_ART_PUT, Q_ALIAS_PUT, Q_PARA_PUT,
	Q_SENT_PUT, Q_ARTS_OF_FILE, Q_ALIAS_FIRST, Q_PROMOTE, Q_ALIAS_DEL, Q_SENT_DEL, Q_PARA_DEL,
	Q_ART_DEL, Q_ALIASES_OF_FILE_DEL, Q_FILE_DEL, Q_ERR_PUT, Q_FTS_PUT, Q_FTS_DEL, Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_FILE_GET] = "SELECT id, size, mtime_ns, raw_hash, articles, errors FROM files WHERE path = ?",
	[Q_FILE_TOUCH] = "UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?",
	/* Plain INSERT and UPDATE, not an upsert: an upsert opens a statement
	 * savepoint, and FTS5 flushes its index at every savepoint. */
	[Q_FILE_PUT] = "INSERT INTO files(path, format, size, mtime_ns, raw_hash, articles, errors, ingested_at) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ'))",
	[Q_FILE_UPDATE] = "UPDATE files SET path = ?, format = ?, size = ?, mtime_ns = ?, raw_hash = ?, articles = ?, "
	                  "errors = ?, ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ') WHERE id = ?",
	[Q_ART_BY_HASH] = "SELECT id FROM articles WHERE hash = ?",
	[Q_ART_PUT] = "INSERT INTO articles(file_id, line, path, hash, title, date, url, author, source, extra, "
	              "raw, body_offset, body_nfc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_ALIAS_PUT] = "INSERT INTO article_aliases(path, file_id, line, article_id) VALUES (?, ?, ?, ?)",
	[Q_PARA_PUT] = "INSERT INTO paragraph_spans(article_id, idx, kind, s, e, text) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_SENT_PUT] = "INSERT INTO sentence_spans(article_id, paragraph_id, idx, s, e, text) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_ARTS_OF_FILE] = "SELECT id FROM articles WHERE file_id = ?",
	[Q_ALIAS_FIRST] = "SELECT path, file_id, line FROM article_aliases WHERE article_id = ? AND file_id != ? "
	                  "ORDER BY path LIMIT 1",
	[Q_PROMOTE] = "UPDATE articles SET path = ?, file_id = ?, line = ? WHERE id = ?",
	[Q_ALIAS_DEL] = "DELETE FROM article_aliases WHERE path = ?",
	[Q_SENT_DEL] = "DELETE FROM sentence_spans WHERE article_id = ?",
	[Q_PARA_DEL] = "DELETE FROM paragraph_spans WHERE article_id = ?",
	[Q_ART_DEL] = "DELETE FROM articles WHERE id = ?",
	[Q_ALIASES_OF_FILE_DEL] = "DELETE FROM article_aliases WHERE file_id = ?",
	[Q_FILE_DEL] = "DELETE FROM files WHERE id = ?",
	[Q_ERR_PUT] = "INSERT INTO ingest_errors(run_id, path, line, offset, kind, message) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_FTS_PUT] = "INSERT INTO paragraphs_fts(rowid, text) VALUES (?, ?)",
	[Q_FTS_DEL] = "INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) "
	              "SELECT 'delete', id, text FROM paragraphs WHERE article_id = ?",
};


struct ingest {
	struct store *st;            /* the writer's connection */
	const struct ingest_opts *o;
	struct ingest_counts *c;
	sqlite3_stmt *q[Q_COUNT];
	struct fts_handoff *handoff; /* the writer's tokenizer, for terms made by the workers */
	struct fts_norms norms;      /* lengths of the batch's paragraphs, for ranking */
	int64_t run_id;
	bool in_tx;
	bool failed; /* the database failed: stop the run */
	long batch_files;
	uint64_t batch_bytes;
	int64_t *seen; /* ids of files met in this run */
	size_t n_seen, cap_seen;
	struct progress bar;
	/* the pipeline */
	struct store rd;             /* the walker's read-only connection */
	sqlite3_stmt *rd_get;
	char *const *roots;
	int nroots;
	struct queue todo, done;
	sem_t slots;                 /* files in flight, at most IN_FLIGHT */
	atomic_bool stopping;        /* the writer gave up: walker and workers stop */
	uint64_t next_seq;           /* the walker's counter */
	pthread_mutex_t mu;
	int workers_left;            /* the last worker out closes `done` */
	struct prep_file *ring[IN_FLIGHT];
	struct ingest_ckpt ckpt;     /* copies committed pages into the database */
	/* articles stored in the open batch, for the plugins' on_article */
	struct plugin_article *batch_arts;
	size_t n_batch_arts, cap_batch_arts;
};

/* ---- reporting ------------------------------------------------------------- */

static void report(struct ingest *ig, const char *path, const char *kind, long line, long long offset,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report(struct ingest *ig, const char *path, const char *kind, long line, long long offset,
                   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	progress_clear(&ig->bar);
	fprintf(stderr, "trang: ingest: %s: %s\n", path, msg);
	ig->c->errors++;
	sqlite3_stmt *q = ig->q[Q_ERR_PUT];
	if (!q || !ig->in_tx)
		return;
	sqlite3_bind_int64(q, 1, ig->run_id);
	sqlite3_bind_text(q, 2, path, -1, SQLITE_TRANSIENT);
	line > 0 ? sqlite3_bind_int64(q, 3, line) : sqlite3_bind_null(q, 3);
	offset >= 0 ? sqlite3_bind_int64(q, 4, offset) : sqlite3_bind_null(q, 4);
	sqlite3_bind_text(q, 5, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, msg, -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	sqlite3_reset(q);
}

/* ---- transactions ---------------------------------------------------------- */

static int db_fail(struct ingest *ig, const char *context)
{
	store_fail(ig->st, context);
	ig->failed = true;
	return -1;
}

static int step_done(struct ingest *ig, sqlite3_stmt *q, const char *context)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(ig, context);
	return 0;
}

static int tx_begin(struct ingest *ig)
{
	if (ig->in_tx)
		return 0;
	ingest_ckpt_before_begin(&ig->ckpt);
	if (store_exec(ig->st, "BEGIN IMMEDIATE")) {
		ig->failed = true;
		return -1;
	}
	ig->in_tx = true;
	ig->batch_files = 0;
	ig->batch_bytes = 0;
	return 0;
}

static void forget_batch_articles(struct ingest *ig)
{
	for (size_t i = 0; i < ig->n_batch_arts; i++)
		free((char *)ig->batch_arts[i].path);
	ig->n_batch_arts = 0;
}

/* Commits the batch, then gives its articles to the plugins: after the
 * commit, so they see them from any connection and can write themselves. */
static int tx_commit(struct ingest *ig)
{
	if (!ig->in_tx)
		return 0;
	ig->in_tx = false;
	if (fts_norms_write(ig->st->db, &ig->norms) != SQLITE_OK) {
		db_fail(ig, "cannot record the paragraphs' lengths");
		goto fail;
	}
	if (store_exec(ig->st, "COMMIT"))
		goto fail;
	ingest_ckpt_poke(&ig->ckpt);
	for (size_t i = 0; i < ig->n_batch_arts && ig->o->plugins; i++) {
		progress_clear(&ig->bar);
		ig->c->plugin_failures +=
			plugin_host_on_article(ig->o->plugins, ig->batch_arts[i].id, ig->batch_arts[i].path);
	}
	forget_batch_articles(ig);
	return 0;
fail:
	ig->failed = true;
	sqlite3_exec(ig->st->db, "ROLLBACK", NULL, NULL, NULL);
	ig->norms.n = 0;
	forget_batch_articles(ig);
	return -1;
}

/* Remembers a stored article for the plugins' on_article. 0, or -1 (no memory). */
static int note_article(struct ingest *ig, int64_t id, const char *path)
{
	if (!ig->o->plugins)
		return 0;
	if (ig->n_batch_arts == ig->cap_batch_arts) {
		size_t cap = ig->cap_batch_arts ? ig->cap_batch_arts * 2 : 256;
		struct plugin_article *p = realloc(ig->batch_arts, cap * sizeof *p);
		if (!p)
			return -1;
		ig->batch_arts = p;
		ig->cap_batch_arts = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return -1;
	ig->batch_arts[ig->n_batch_arts++] = (struct plugin_article){.id = id, .path = copy};
	return 0;
}

/* ---- storing --------------------------------------------------------------- */

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *v)
{
	v ? sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(q, i);
}

/* Binds text, or NULL where it is raw's bytes [s, e): articles.text and the
 * views paragraphs and sentences read those (host/store.c). */
static void bind_own_text(sqlite3_stmt *q, int i, const char *raw, size_t s, size_t e, const char *text,
                          size_t len)
{
	if (len == e - s && memcmp(text, raw + s, len) == 0)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text64(q, i, text, len, SQLITE_STATIC, SQLITE_UTF8);
}

/* Stores one prepared article under path. Returns 0 (stored), 1 (an exact
 * duplicate of a stored article, linked to it) or -1 (database failure). */
static int put_article(struct ingest *ig, int64_t file_id, const char *path, const char *raw, size_t rawlen,
                       const struct prep_article *pa)
{
	const struct article *a = &pa->a;
	long line = pa->line;
	sqlite3_stmt *q = ig->q[Q_ART_BY_HASH];
	sqlite3_bind_text(q, 1, pa->hash, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int64_t existing = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(ig, "cannot look up an article");
	if (existing) {
		q = ig->q[Q_ALIAS_PUT];
		sqlite3_bind_text(q, 1, path, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 2, file_id);
		line > 0 ? sqlite3_bind_int64(q, 3, line) : sqlite3_bind_null(q, 3);
		sqlite3_bind_int64(q, 4, existing);
		return step_done(ig, q, "cannot link a duplicate") ? -1 : 1;
	}
	q = ig->q[Q_ART_PUT];
	sqlite3_bind_int64(q, 1, file_id);
	line > 0 ? sqlite3_bind_int64(q, 2, line) : sqlite3_bind_null(q, 2);
	sqlite3_bind_text(q, 3, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, pa->hash, -1, SQLITE_STATIC);
	for (int f = 0; f < FIELD_COUNT; f++)
		bind_text_or_null(q, 5 + f, a->field[f]);
	char *extra = a->extra ? json_dumps(a->extra, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	bind_text_or_null(q, 10, extra);
	free(extra);
	sqlite3_bind_blob64(q, 11, raw, rawlen, SQLITE_STATIC);
	sqlite3_bind_int64(q, 12, (sqlite3_int64)a->body_start);
	bind_own_text(q, 13, raw, a->body_start, rawlen, a->text.data, a->text.len);
	if (step_done(ig, q, "cannot store an article"))
		return -1;
	int64_t article_id = sqlite3_last_insert_rowid(ig->st->db);
	if (note_article(ig, article_id, path))
		return db_fail(ig, "out of memory");
	for (size_t i = 0; i < a->n_paras; i++) {
		const struct article_para *p = &a->paras[i];
		const char *text = a->nfc.data + p->text_off;
		q = ig->q[Q_PARA_PUT];
		sqlite3_bind_int64(q, 1, article_id);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
		sqlite3_bind_text(q, 3, article_para_kind_name(p->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, (sqlite3_int64)p->s);
		sqlite3_bind_int64(q, 5, (sqlite3_int64)p->e);
		bind_own_text(q, 6, raw, p->s, p->e, text, p->text_len);
		if (step_done(ig, q, "cannot store a paragraph"))
			return -1;
		int64_t paragraph_id = sqlite3_last_insert_rowid(ig->st->db);
		q = ig->q[Q_FTS_PUT];
		sqlite3_bind_int64(q, 1, paragraph_id);
		sqlite3_bind_text(q, 2, text, (int)p->text_len, SQLITE_STATIC);
		if (pa->para_tok)
			fts_handoff_set(ig->handoff, text, p->text_len, &pa->toks, pa->para_tok[i],
			                pa->para_tok[i + 1] - pa->para_tok[i]);
		int irc = step_done(ig, q, "cannot index a paragraph");
		fts_handoff_set(ig->handoff, NULL, 0, NULL, 0, 0);
		if (irc)
			return -1;
		/* Without the workers' tokens the length stays unknown (0): ranking asks FTS5. */
		if (fts_norms_note(&ig->norms, paragraph_id, pa->para_tok ? pa->para_len[i] : 0))
			return db_fail(ig, "out of memory");
		for (size_t k = pa->para_sent[i]; k < pa->para_sent[i + 1]; k++) {
			const struct prep_sentence *ps = &pa->sents[k];
			q = ig->q[Q_SENT_PUT];
			sqlite3_bind_int64(q, 1, article_id);
			sqlite3_bind_int64(q, 2, paragraph_id);
			sqlite3_bind_int64(q, 3, (sqlite3_int64)k);
			sqlite3_bind_int64(q, 4, (sqlite3_int64)ps->s);
			sqlite3_bind_int64(q, 5, (sqlite3_int64)ps->e);
			bind_own_text(q, 6, raw, ps->s, ps->e, pa->sent_text.data ? pa->sent_text.data + ps->off : "",
			              ps->len);
			if (step_done(ig, q, "cannot store a sentence"))
				return -1;
		}
	}
	return 0;
}

/* Takes a file's articles out of the store. An article that another file
 * also names (an exact duplicate) moves to that name instead of going. */
static int remove_file_articles(struct ingest *ig, int64_t file_id)
{
	sqlite3_stmt *arts = ig->q[Q_ARTS_OF_FILE];
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	sqlite3_bind_int64(arts, 1, file_id);
	while (sqlite3_step(arts) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *p = realloc(ids, cap * sizeof *ids);
			if (!p)
				goto cleanup;
			ids = p;
		}
		ids[n++] = sqlite3_column_int64(arts, 0);
	}
	sqlite3_reset(arts);
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *q = ig->q[Q_ALIAS_FIRST];
		sqlite3_bind_int64(q, 1, ids[i]);
		sqlite3_bind_int64(q, 2, file_id);
		if (sqlite3_step(q) == SQLITE_ROW) {
			char *alias = strdup((const char *)sqlite3_column_text(q, 0));
			int64_t alias_file = sqlite3_column_int64(q, 1);
			int64_t alias_line = sqlite3_column_type(q, 2) == SQLITE_NULL ? 0 : sqlite3_column_int64(q, 2);
			sqlite3_reset(q);
			if (!alias)
				goto cleanup;
			sqlite3_stmt *del = ig->q[Q_ALIAS_DEL];
			sqlite3_bind_text(del, 1, alias, -1, SQLITE_TRANSIENT);
			int bad = step_done(ig, del, "cannot move a duplicate");
			sqlite3_stmt *up = ig->q[Q_PROMOTE];
			sqlite3_bind_text(up, 1, alias, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(up, 2, alias_file);
			alias_line ? sqlite3_bind_int64(up, 3, alias_line) : sqlite3_bind_null(up, 3);
			sqlite3_bind_int64(up, 4, ids[i]);
			bad = bad || step_done(ig, up, "cannot move a duplicate");
			free(alias);
			if (bad)
				goto cleanup;
			continue;
		}
		sqlite3_reset(q);
		sqlite3_bind_int64(ig->q[Q_FTS_DEL], 1, ids[i]);
		if (step_done(ig, ig->q[Q_FTS_DEL], "cannot remove an old version from the index"))
			goto cleanup;
		for (int k = Q_SENT_DEL; k <= Q_ART_DEL; k++) {
			sqlite3_bind_int64(ig->q[k], 1, ids[i]);
			if (step_done(ig, ig->q[k], "cannot remove an old version"))
				goto cleanup;
		}
	}
	sqlite3_bind_int64(ig->q[Q_ALIASES_OF_FILE_DEL], 1, file_id);
	if (step_done(ig, ig->q[Q_ALIASES_OF_FILE_DEL], "cannot remove old duplicates"))
		goto cleanup;
	rc = 0;
cleanup:
	free(ids);
	return rc;
}

static int mark_seen(struct ingest *ig, int64_t id)
{
	if (ig->n_seen == ig->cap_seen) {
		size_t cap = ig->cap_seen ? ig->cap_seen * 2 : 1024;
		int64_t *p = realloc(ig->seen, cap * sizeof *p);
		if (!p)
			return -1;
		ig->seen = p;
		ig->cap_seen = cap;
	}
	ig->seen[ig->n_seen++] = id;
	return 0;
}

struct stored_file {
	int64_t id;
	int64_t size, mtime_ns;
	char raw_hash[33];
	long articles, errors;
};

static int get_file(struct ingest *ig, const char *key, struct stored_file *sf)
{
	sqlite3_stmt *q = ig->q[Q_FILE_GET];
	sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		sf->id = sqlite3_column_int64(q, 0);
		sf->size = sqlite3_column_int64(q, 1);
		sf->mtime_ns = sqlite3_column_int64(q, 2);
		snprintf(sf->raw_hash, sizeof sf->raw_hash, "%s", (const char *)sqlite3_column_text(q, 3));
		sf->articles = sqlite3_column_int(q, 4);
		sf->errors = sqlite3_column_int(q, 5);
	} else {
		sf->id = 0;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(ig, "cannot look up a file");
	return 0;
}

/* Writes the files row: a new one when *id is 0 (then *id is set), else an update. */
static int put_file_row(struct ingest *ig, const char *key, const struct walk_file *f, const char *raw_hash,
                        long articles, long errors, int64_t *id)
{
	sqlite3_stmt *q = ig->q[*id ? Q_FILE_UPDATE : Q_FILE_PUT];
	sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, f->format == WALK_JSONL ? "jsonl" : "txt", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)f->size);
	sqlite3_bind_int64(q, 4, f->mtime_ns);
	sqlite3_bind_text(q, 5, raw_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 6, articles);
	sqlite3_bind_int64(q, 7, errors);
	if (*id)
		sqlite3_bind_int64(q, 8, *id);
	if (step_done(ig, q, "cannot store a file"))
		return -1;
	if (!*id)
		*id = sqlite3_last_insert_rowid(ig->st->db);
	return 0;
}

/* ---- the writer: applying prepared files in walk order ----------------------- */

static void report_problems(struct ingest *ig, const struct prep_file *pf)
{
	for (size_t i = 0; i < pf->n_problems; i++) {
		const struct prep_problem *p = &pf->problems[i];
		report(ig, pf->path, p->kind, p->line, p->offset, "%s", p->message);
	}
}

static void count_unchanged(struct ingest *ig, const struct prep_file *pf, const struct stored_file *sf)
{
	ig->c->unchanged += sf->articles;
	if (sf->errors)
		report(ig, pf->path, "json", 0, -1, "%ld broken line(s), unchanged since reported", sf->errors);
}

/* Stores a parsed file: its old version out, the new one in. 0, or -1 when
 * the database failed. */
static int load_file(struct ingest *ig, const struct prep_file *pf, const struct stored_file *sf)
{
	int64_t id = sf->id;
	long stored = 0, dups = 0;
	for (size_t i = 0; i < pf->n_arts; i++)
		if (pf->arts[i].a.warning[0])
			fprintf(stderr, "trang: ingest: %s: warning: %s\n", pf->path, pf->arts[i].a.warning);
	report_problems(ig, pf); /* broken JSON lines: the others still load */
	if ((id && remove_file_articles(ig, id)) || put_file_row(ig, pf->key, &pf->f, pf->raw_hash, 0, 0, &id))
		return -1;
	buf name = BUF_INIT;
	int rc = -1;
	for (size_t i = 0; i < pf->n_arts; i++) {
		const struct prep_article *pa = &pf->arts[i];
		const char *raw = pa->line ? pa->body.data : pf->raw.data;
		size_t rawlen = pa->line ? pa->body.len : pf->raw.len;
		const char *path = pf->key;
		if (pa->line) {
			buf_clear(&name);
			if (buf_printf(&name, "%s:%ld", pf->key, pa->line)) {
				db_fail(ig, "out of memory");
				goto cleanup;
			}
			path = name.data;
		}
		int r = put_article(ig, id, path, raw ? raw : "", rawlen, pa);
		if (r < 0)
			goto cleanup;
		r == 1 ? dups++ : stored++;
	}
	if (put_file_row(ig, pf->key, &pf->f, pf->raw_hash, stored + dups, (long)pf->n_problems, &id))
		goto cleanup;
	if (mark_seen(ig, id)) {
		db_fail(ig, "out of memory");
		goto cleanup;
	}
	if (sf->id)
		ig->c->updated += stored;
	else
		ig->c->added += stored;
	ig->c->duplicates += dups;
	rc = 0;
cleanup:
	buf_free(&name);
	return rc;
}

/* Prepares a job on the writer's thread, from scratch: for the rare job the
 * walker judged on a snapshot that this run has since changed. */
static void prepare_here(struct prep_file *pf)
{
	buf_clear(&pf->raw);
	pf->stored_hash[0] = '\0';
	ingest_prepare(pf);
}

/* Applies one job. Returns 0, or -1 when the database failed. */
static int apply(struct ingest *ig, struct prep_file *pf)
{
	if (tx_begin(ig))
		return -1;
	if (pf->status == PREP_WALK_ERROR) {
		report_problems(ig, pf);
		return 0;
	}
	ig->c->files++;
	/* The writer's own look-up is the authority: the walker's snapshot may
	 * predate this run's batch (a path named twice, say). */
	struct stored_file sf;
	if (get_file(ig, pf->key, &sf))
		return -1;
	if (sf.id && sf.size == (int64_t)pf->f.size && sf.mtime_ns == pf->f.mtime_ns) {
		count_unchanged(ig, pf, &sf);
		return mark_seen(ig, sf.id) ? db_fail(ig, "out of memory") : 0;
	}
	if (pf->status == PREP_SAME_BYTES && (!pf->raw_hash[0] || !sf.id || strcmp(sf.raw_hash, pf->raw_hash) != 0))
		prepare_here(pf); /* the walker's snapshot was older than the writer's */
	ig->c->bytes += pf->raw.len;
	ig->batch_bytes += pf->raw.len;
	if (sf.id && pf->raw_hash[0] && strcmp(sf.raw_hash, pf->raw_hash) == 0) {
		/* Touched but not changed. */
		sqlite3_stmt *q = ig->q[Q_FILE_TOUCH];
		sqlite3_bind_int64(q, 1, (sqlite3_int64)pf->f.size);
		sqlite3_bind_int64(q, 2, pf->f.mtime_ns);
		sqlite3_bind_int64(q, 3, sf.id);
		if (step_done(ig, q, "cannot update a file"))
			return -1;
		count_unchanged(ig, pf, &sf);
		return mark_seen(ig, sf.id) ? db_fail(ig, "out of memory") : 0;
	}
	if (pf->status == PREP_PROBLEM) {
		if (pf->n_problems)
			report_problems(ig, pf);
		else
			report(ig, pf->path, "memory", 0, -1, "could not be prepared");
		if (sf.id)
			report(ig, pf->path, "kept", 0, -1, "the version stored earlier is kept");
		return 0;
	}
	return load_file(ig, pf, &sf);
}

/* ---- the walker ------------------------------------------------------------- */

static bool push_job(struct ingest *ig, struct prep_file *pf)
{
	sem_wait(&ig->slots);
	if (atomic_load(&ig->stopping) || (ig->o->stop && *ig->o->stop)) {
		prep_file_free(pf);
		return false;
	}
	pf->seq = ig->next_seq++;
	/* A job with nothing to prepare goes straight to the writer: on an
	 * unchanged corpus, handing every file through a worker was most of the
	 * run (thread wake-ups). The workers close `done` only after `todo`, which
	 * the walker closes after its last push, so this push comes first. */
	struct queue *to = pf->status == PREP_LOAD ? &ig->todo : &ig->done;
	if (!queue_push(to, pf)) {
		prep_file_free(pf);
		return false;
	}
	return true;
}

static void walker_error(void *ud, const char *path, const char *message)
{
	struct ingest *ig = ud;
	struct prep_file *pf = prep_walk_error(path, message);
	if (pf)
		push_job(ig, pf);
}

static int walker_file(void *ud, const struct walk_file *f)
{
	struct ingest *ig = ud;
	char key[PATH_MAX];
	if (store_path_key(ig->st, f->path, key, sizeof key)) {
		walker_error(ig, f->path, "unreadable: path too long");
		return 0;
	}
	/* Unchanged by size and time: the job carries no work, only its turn. */
	char stored_hash[33] = "";
	bool unchanged = false;
	sqlite3_bind_text(ig->rd_get, 1, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(ig->rd_get) == SQLITE_ROW) {
		unchanged = sqlite3_column_int64(ig->rd_get, 1) == (sqlite3_int64)f->size &&
		            sqlite3_column_int64(ig->rd_get, 2) == f->mtime_ns;
		snprintf(stored_hash, sizeof stored_hash, "%s", (const char *)sqlite3_column_text(ig->rd_get, 3));
	}
	sqlite3_reset(ig->rd_get);
	struct prep_file *pf = prep_file_new(f, key, stored_hash, ig->o->max_size);
	if (!pf)
		return 1;
	pf->encoding = ig->o->encoding;
	pf->status = unchanged ? PREP_SAME_BYTES : PREP_LOAD; /* PREP_LOAD: to be prepared */
	if (unchanged)
		pf->raw_hash[0] = '\0';
	return push_job(ig, pf) ? 0 : 1;
}

static void *walker_main(void *arg)
{
	struct ingest *ig = arg;
	for (int i = 0; i < ig->nroots && !atomic_load(&ig->stopping); i++)
		if (walk_path(ig->roots[i], walker_file, walker_error, ig))
			break;
	queue_close(&ig->todo);
	return NULL;
}

/* ---- the workers ------------------------------------------------------------ */

static void *worker_main(void *arg)
{
	struct ingest *ig = arg;
	struct prep_file *pf;
	while ((pf = queue_pop(&ig->todo)) != NULL) {
		if (pf->status == PREP_LOAD && !atomic_load(&ig->stopping))
			ingest_prepare(pf);
		if (!queue_push(&ig->done, pf))
			prep_file_free(pf);
	}
	pthread_mutex_lock(&ig->mu);
	if (--ig->workers_left == 0)
		queue_close(&ig->done);
	pthread_mutex_unlock(&ig->mu);
	return NULL;
}

/* Runs the pipeline over the roots; the writer loop is here. */
static void run_pipeline(struct ingest *ig, int nworkers)
{
	pthread_t walker, workers[16];
	int started = 0;
	ig->workers_left = nworkers;
	pthread_create(&walker, NULL, walker_main, ig);
	for (; started < nworkers; started++)
		if (pthread_create(&workers[started], NULL, worker_main, ig) != 0)
			break;
	if (started < nworkers) {
		/* Fewer threads than asked: the ones running do the work. */
		pthread_mutex_lock(&ig->mu);
		ig->workers_left -= nworkers - started;
		pthread_mutex_unlock(&ig->mu);
		if (started == 0)
			worker_main(ig);
	}
	uint64_t next = 0;
	struct prep_file *pf;
	while ((pf = queue_pop(&ig->done)) != NULL) {
		if (atomic_load(&ig->stopping)) {
			prep_file_free(pf);
			sem_post(&ig->slots);
			continue;
		}
		ig->ring[pf->seq % IN_FLIGHT] = pf;
		while ((pf = ig->ring[next % IN_FLIGHT]) != NULL && pf->seq == next) {
			ig->ring[next % IN_FLIGHT] = NULL;
			next++;
			int rc = apply(ig, pf);
			prep_file_free(pf);
			sem_post(&ig->slots);
			if (rc == 0) {
				progress_update(&ig->bar, (uint64_t)ig->c->files, ig->c->bytes);
				if (ig->batch_files++ >= BATCH_FILES || ig->batch_bytes >= BATCH_BYTES)
					rc = tx_commit(ig);
			}
			if (rc || (ig->o->stop && *ig->o->stop)) {
				/* Stop: no new work; drain what is in flight unapplied. */
				atomic_store(&ig->stopping, true);
				queue_close(&ig->todo);
				for (int k = 0; k < IN_FLIGHT; k++)
					sem_post(&ig->slots);
				break;
			}
		}
	}
	for (int k = 0; k < IN_FLIGHT; k++) {
		prep_file_free(ig->ring[k]);
		ig->ring[k] = NULL;
	}
	pthread_join(walker, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
}

/* ---- files that are gone ---------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool under_root(const char *key, const char *root)
{
	size_t n = strlen(root);
	if (n == 0)
		return key[0] != '/';
	return strncmp(key, root, n) == 0 && (key[n] == '\0' || key[n] == '/');
}

/* Files stored under the roots that this run did not meet: reported, and
 * removed with --prune. */
static int find_missing(struct ingest *ig, char *const *roots, int nroots)
{
	if (ig->n_seen > 1) /* nothing seen: no array, and qsort(NULL, 0) is undefined */
		qsort(ig->seen, ig->n_seen, sizeof *ig->seen, cmp_id);
	char (*keys)[PATH_MAX] = calloc((size_t)nroots, PATH_MAX);
	sqlite3_stmt *q = NULL;
	int rc = -1;
	if (!keys)
		return db_fail(ig, "out of memory");
	for (int r = 0; r < nroots; r++)
		if (store_path_key(ig->st, roots[r], keys[r], PATH_MAX))
			keys[r][0] = '\x01'; /* matches nothing */
	if (store_prepare(ig->st, &q, "SELECT id, path, articles FROM files ORDER BY path")) {
		ig->failed = true;
		goto cleanup;
	}
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		const char *key = (const char *)sqlite3_column_text(q, 1);
		if (bsearch(&id, ig->seen, ig->n_seen, sizeof *ig->seen, cmp_id))
			continue;
		bool under = false;
		for (int r = 0; r < nroots && !under; r++)
			under = under_root(key, keys[r]);
		if (!under)
			continue;
		progress_clear(&ig->bar);
		if (ig->o->prune) {
			if (tx_begin(ig) || remove_file_articles(ig, id))
				goto cleanup;
			sqlite3_bind_int64(ig->q[Q_FILE_DEL], 1, id);
			if (step_done(ig, ig->q[Q_FILE_DEL], "cannot remove a file"))
				goto cleanup;
			fprintf(stderr, "trang: ingest: %s: gone from disk; removed (--prune)\n", key);
			ig->c->pruned += sqlite3_column_int(q, 2);
		} else {
			fprintf(stderr, "trang: ingest: %s: gone from disk; still stored (use --prune to remove it)\n", key);
			ig->c->missing += sqlite3_column_int(q, 2);
		}
	}
	if (step != SQLITE_DONE) {
		db_fail(ig, "cannot list files");
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(q);
	free(keys);
	return rc;
}

/* ---- the run ---------------------------------------------------------------- */

struct tally {
	uint64_t files, bytes;
};

static int count_file(void *ud, const struct walk_file *f)
{
	struct tally *t = ud;
	t->files++;
	t->bytes += (uint64_t)f->size;
	return 0;
}

static void ignore_error(void *ud, const char *path, const char *message)
{
}

static int run_record(struct ingest *ig, bool finish)
{
	const struct ingest_counts *c = ig->c;
	sqlite3_stmt *q = NULL;
	const char *sql_start = "INSERT INTO ingest_runs(started_at) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ'))";
	const char *sql_end =
		"UPDATE ingest_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ'), added = ?, updated = ?, "
		"unchanged = ?, duplicates = ?, missing = ?, pruned = ?, errors = ?, bytes = ?, seconds = ?, "
		"interrupted = ? WHERE id = ?";
	if (store_prepare(ig->st, &q, finish ? sql_end : sql_start))
		return -1;
	if (finish) {
		long v[] = {c->added, c->updated, c->unchanged, c->duplicates, c->missing, c->pruned, c->errors};
		for (int i = 0; i < 7; i++)
			sqlite3_bind_int64(q, i + 1, v[i]);
		sqlite3_bind_int64(q, 8, (sqlite3_int64)c->bytes);
		sqlite3_bind_double(q, 9, c->seconds);
		sqlite3_bind_int(q, 10, c->interrupted);
		sqlite3_bind_int64(q, 11, ig->run_id);
	}
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(ig->st, "cannot record the run");
	if (!finish)
		ig->run_id = sqlite3_last_insert_rowid(ig->st->db);
	return 0;
}

int ingest_run(struct store *st, char *const *paths, int npaths, const struct ingest_opts *o,
               struct ingest_counts *c)
{
	struct ingest ig = {.st = st, .o = o, .c = c, .roots = paths, .nroots = npaths};
	memset(c, 0, sizeof *c);
	double t0 = progress_now();
	int rc = -1;
	bool queues = false;
	for (int i = 0; i < Q_COUNT; i++)
		if (store_prepare(st, &ig.q[i], sql[i]))
			goto cleanup;
	ig.handoff = fts_handoff_of(st->db);
	/* an FTS5 that refuses them keeps its defaults */
	sqlite3_exec(st->db, FTS_HASHSIZE_SQL, NULL, NULL, NULL);
	sqlite3_exec(st->db, FTS_AUTOMERGE_SQL, NULL, NULL, NULL);
	if (store_open(&ig.rd, st->path, STORE_READ)) {
		snprintf(st->err, sizeof st->err, "%s", ig.rd.err);
		goto cleanup;
	}
	if (store_prepare(&ig.rd, &ig.rd_get, "SELECT id, size, mtime_ns, raw_hash FROM files WHERE path = ?")) {
		snprintf(st->err, sizeof st->err, "%s", ig.rd.err);
		goto cleanup;
	}
	if (run_record(&ig, false))
		goto cleanup;
	struct tally t = {0};
	if (o->progress && isatty(STDERR_FILENO))
		for (int i = 0; i < npaths; i++)
			walk_path(paths[i], count_file, ignore_error, &t);
	progress_start(&ig.bar, o->progress, t.files, t.bytes);
	if (queue_init(&ig.todo, IN_FLIGHT) || queue_init(&ig.done, IN_FLIGHT)) {
		snprintf(st->err, sizeof st->err, "out of memory");
		goto cleanup;
	}
	queues = true;
	ingest_ckpt_start(&ig.ckpt, st);
	sem_init(&ig.slots, 0, IN_FLIGHT);
	pthread_mutex_init(&ig.mu, NULL);
	int workers = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	run_pipeline(&ig, workers < 1 ? 1 : workers > 16 ? 16 : workers);
	c->interrupted = o->stop && *o->stop;
	if (!ig.failed && !c->interrupted)
		find_missing(&ig, paths, npaths);
	if (ig.failed) {
		if (ig.in_tx)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		ig.in_tx = false;
		goto cleanup;
	}
	if (tx_commit(&ig))
		goto cleanup;
	ingest_ckpt_stop(&ig.ckpt);
	progress_clear(&ig.bar);
	c->seconds = progress_now() - t0;
	if (run_record(&ig, true))
		goto cleanup;
	if (o->plugins) {
		struct plugin_summary sum = {.added = c->added, .updated = c->updated, .unchanged = c->unchanged,
		                             .duplicates = c->duplicates, .errors = c->errors, .files = c->files,
		                             .seconds = c->seconds};
		c->plugin_failures += plugin_host_on_ingest_done(o->plugins, &sum);
	}
	rc = 0;
cleanup:
	ingest_ckpt_stop(&ig.ckpt);
	progress_clear(&ig.bar);
	if (queues) {
		queue_destroy(&ig.todo);
		queue_destroy(&ig.done);
		sem_destroy(&ig.slots);
		pthread_mutex_destroy(&ig.mu);
	}
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(ig.q[i]);
	sqlite3_finalize(ig.rd_get);
	store_close(&ig.rd);
	free(ig.seen);
	fts_norms_free(&ig.norms);
	forget_batch_articles(&ig);
	free(ig.batch_arts);
	return rc;
}
