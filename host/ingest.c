/* ingest.c: the ingest run (see ingest.h). One SQLite connection, batched
 * transactions; a file is checked and parsed before anything is written, and
 * a database failure rolls the whole batch back.
 * Relies on walk.c (finding files), input.c (is it text?), article.c
 * (parsing) and sentence.c (sentence spans). */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "article.h"
#include "input.h"
#include "progress.h"
#include "sentence.h"
#include "walk.h"

#define BATCH_FILES 500
#define BATCH_BYTES (32u << 20)

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
	              "raw, body_offset, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_ALIAS_PUT] = "INSERT INTO article_aliases(path, file_id, line, article_id) VALUES (?, ?, ?, ?)",
	[Q_PARA_PUT] = "INSERT INTO paragraphs(article_id, idx, kind, s, e, text) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_SENT_PUT] = "INSERT INTO sentences(article_id, paragraph_id, idx, s, e, text) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_ARTS_OF_FILE] = "SELECT id FROM articles WHERE file_id = ?",
	[Q_ALIAS_FIRST] = "SELECT path, file_id, line FROM article_aliases WHERE article_id = ? AND file_id != ? "
	                  "ORDER BY path LIMIT 1",
	[Q_PROMOTE] = "UPDATE articles SET path = ?, file_id = ?, line = ? WHERE id = ?",
	[Q_ALIAS_DEL] = "DELETE FROM article_aliases WHERE path = ?",
	[Q_SENT_DEL] = "DELETE FROM sentences WHERE article_id = ?",
	[Q_PARA_DEL] = "DELETE FROM paragraphs WHERE article_id = ?",
	[Q_ART_DEL] = "DELETE FROM articles WHERE id = ?",
	[Q_ALIASES_OF_FILE_DEL] = "DELETE FROM article_aliases WHERE file_id = ?",
	[Q_FILE_DEL] = "DELETE FROM files WHERE id = ?",
	[Q_ERR_PUT] = "INSERT INTO ingest_errors(run_id, path, line, offset, kind, message) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_FTS_PUT] = "INSERT INTO paragraphs_fts(rowid, text) VALUES (?, ?)",
	[Q_FTS_DEL] = "INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) "
	              "SELECT 'delete', id, text FROM paragraphs WHERE article_id = ?",
};

struct ingest {
	struct store *st;
	const struct ingest_opts *o;
	struct ingest_counts *c;
	sqlite3_stmt *q[Q_COUNT];
	int64_t run_id;
	bool in_tx;
	bool failed; /* the database failed: stop the run */
	long batch_files;
	uint64_t batch_bytes;
	int64_t *seen; /* ids of files met in this run */
	size_t n_seen, cap_seen;
	struct progress bar;
	buf raw; /* the current file's bytes */
	buf sent; /* scratch for sentence text */
	/* for the sentence callback */
	int64_t article_id, paragraph_id;
	long sentence_idx;
	const char *sent_raw;
	size_t sent_base;
	int sent_rc;
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

static void walk_error(void *ud, const char *path, const char *message)
{
	report(ud, path, "unreadable", 0, -1, "%s", message);
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
	if (store_exec(ig->st, "BEGIN IMMEDIATE")) {
		ig->failed = true;
		return -1;
	}
	ig->in_tx = true;
	ig->batch_files = 0;
	ig->batch_bytes = 0;
	return 0;
}

static int tx_commit(struct ingest *ig)
{
	if (!ig->in_tx)
		return 0;
	ig->in_tx = false;
	if (store_exec(ig->st, "COMMIT")) {
		ig->failed = true;
		sqlite3_exec(ig->st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* ---- hashing --------------------------------------------------------------- */

static void hex128(XXH128_hash_t h, char out[33])
{
	snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
}

/* The identity of an article's content: its metadata and NFC text. Two names
 * with the same hash are exact duplicates. */
static void content_hash(const struct article *a, char out[33])
{
	XXH3_state_t *s = XXH3_createState();
	XXH3_128bits_reset(s);
	for (int f = 0; f < FIELD_COUNT; f++) {
		const char *v = a->field[f] ? a->field[f] : "\x01";
		XXH3_128bits_update(s, v, strlen(v) + 1);
	}
	if (a->extra) {
		char *j = json_dumps(a->extra, JSON_SORT_KEYS | JSON_COMPACT);
		if (j)
			XXH3_128bits_update(s, j, strlen(j));
		free(j);
	}
	XXH3_128bits_update(s, "\x02", 1);
	XXH3_128bits_update(s, a->text.data, a->text.len);
	hex128(XXH3_128bits_digest(s), out);
	XXH3_freeState(s);
}

/* ---- storing --------------------------------------------------------------- */

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *v)
{
	v ? sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(q, i);
}

static void on_sentence(void *ud, size_t s, size_t e)
{
	struct ingest *ig = ud;
	if (ig->sent_rc)
		return;
	buf_clear(&ig->sent);
	if (article_nfc_span(&ig->sent, ig->sent_raw, ig->sent_base + s, ig->sent_base + e)) {
		ig->sent_rc = -1;
		return;
	}
	sqlite3_stmt *q = ig->q[Q_SENT_PUT];
	sqlite3_bind_int64(q, 1, ig->article_id);
	sqlite3_bind_int64(q, 2, ig->paragraph_id);
	sqlite3_bind_int64(q, 3, ig->sentence_idx++);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)(ig->sent_base + s));
	sqlite3_bind_int64(q, 5, (sqlite3_int64)(ig->sent_base + e));
	sqlite3_bind_text(q, 6, ig->sent.data ? ig->sent.data : "", (int)ig->sent.len, SQLITE_STATIC);
	ig->sent_rc = step_done(ig, q, "cannot store a sentence");
}

/* Stores one parsed article under path. Returns 0 (stored), 1 (an exact
 * duplicate of a stored article, linked to it) or -1 (database failure). */
static int put_article(struct ingest *ig, int64_t file_id, long line, const char *path, const char *raw,
                       size_t rawlen, const struct article *a)
{
	char hash[33];
	content_hash(a, hash);
	sqlite3_stmt *q = ig->q[Q_ART_BY_HASH];
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
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
	sqlite3_bind_text(q, 4, hash, -1, SQLITE_TRANSIENT);
	for (int f = 0; f < FIELD_COUNT; f++)
		bind_text_or_null(q, 5 + f, a->field[f]);
	char *extra = a->extra ? json_dumps(a->extra, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	bind_text_or_null(q, 10, extra);
	free(extra);
	sqlite3_bind_blob64(q, 11, raw, rawlen, SQLITE_STATIC);
	sqlite3_bind_int64(q, 12, (sqlite3_int64)a->body_start);
	sqlite3_bind_text64(q, 13, a->text.data, a->text.len, SQLITE_STATIC, SQLITE_UTF8);
	if (step_done(ig, q, "cannot store an article"))
		return -1;
	ig->article_id = sqlite3_last_insert_rowid(ig->st->db);
	ig->sentence_idx = 0;
	for (size_t i = 0; i < a->n_paras; i++) {
		const struct article_para *p = &a->paras[i];
		q = ig->q[Q_PARA_PUT];
		sqlite3_bind_int64(q, 1, ig->article_id);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
		sqlite3_bind_text(q, 3, article_para_kind_name(p->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, (sqlite3_int64)p->s);
		sqlite3_bind_int64(q, 5, (sqlite3_int64)p->e);
		sqlite3_bind_text(q, 6, a->nfc.data + p->text_off, (int)p->text_len, SQLITE_STATIC);
		if (step_done(ig, q, "cannot store a paragraph"))
			return -1;
		ig->paragraph_id = sqlite3_last_insert_rowid(ig->st->db);
		q = ig->q[Q_FTS_PUT];
		sqlite3_bind_int64(q, 1, ig->paragraph_id);
		sqlite3_bind_text(q, 2, a->nfc.data + p->text_off, (int)p->text_len, SQLITE_STATIC);
		if (step_done(ig, q, "cannot index a paragraph"))
			return -1;
		ig->sent_raw = raw;
		ig->sent_base = p->s;
		ig->sent_rc = 0;
		sentence_split(raw + p->s, p->e - p->s, on_sentence, ig);
		if (ig->sent_rc)
			return ig->failed ? -1 : db_fail(ig, "out of memory splitting sentences");
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

/* ---- reading files ---------------------------------------------------------- */

/* Reads the whole file into ig->raw. Returns 0, or -1 after reporting. */
static int read_file(struct ingest *ig, const char *path)
{
	buf_clear(&ig->raw);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report(ig, path, "unreadable", 0, -1, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) != 0) {
		report(ig, path, "unreadable", 0, -1, "cannot stat: %s", strerror(errno));
		goto cleanup;
	}
	if ((uint64_t)st.st_size > ig->o->max_size) {
		report(ig, path, "too-large", 0, -1, "%lld bytes, over the size limit of %llu bytes; raise it with --max-size",
		       (long long)st.st_size, (unsigned long long)ig->o->max_size);
		goto cleanup;
	}
	if (buf_reserve(&ig->raw, (size_t)st.st_size)) {
		report(ig, path, "unreadable", 0, -1, "out of memory reading %lld bytes", (long long)st.st_size);
		goto cleanup;
	}
	for (;;) {
		/* Read to the end even if the file grew since fstat, up to the limit. */
		if (ig->raw.cap - ig->raw.len < 2 && buf_reserve(&ig->raw, 65536))
			goto cleanup;
		ssize_t n = read(fd, ig->raw.data + ig->raw.len, ig->raw.cap - ig->raw.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			report(ig, path, "unreadable", 0, (long long)ig->raw.len, "read failed at byte %zu: %s", ig->raw.len,
			       strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		ig->raw.len += (size_t)n;
		if (ig->raw.len > ig->o->max_size) {
			report(ig, path, "too-large", 0, -1, "grew over the size limit of %llu bytes while being read",
			       (unsigned long long)ig->o->max_size);
			goto cleanup;
		}
	}
	ig->raw.data[ig->raw.len] = '\0';
	rc = 0;
cleanup:
	close(fd);
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

/* Parses one JSON Lines record into a, its body copied into body (the
 * article's raw text: offsets point into it). Returns 0, or -1 with why. */
static int parse_json_record(struct article *a, buf *body, const char *line, size_t n, long long *err_off,
                             char *why, size_t whylen)
{
	static const char *const body_keys[] = {"body", "text", "content"};
	static const char *const field_keys[FIELD_COUNT] = {"title", "date", "url", "author", "source"};
	json_error_t jerr;
	json_t *obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	*err_off = -1;
	if (!obj) {
		*err_off = jerr.position;
		snprintf(why, whylen, "broken JSON at column %d: %s; fix or remove the line", jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(obj)) {
		snprintf(why, whylen, "a JSON %s, not an object; each line must be one article object",
		         json_is_array(obj) ? "array" : "value");
		goto cleanup;
	}
	json_t *b = NULL;
	for (int k = 0; k < 3 && !b; k++) {
		json_t *v = json_object_get(obj, body_keys[k]);
		if (json_is_string(v) && json_string_length(v) > 0)
			b = v;
	}
	if (!b) {
		snprintf(why, whylen, "no article text: expected a non-empty string in \"body\", \"text\" or \"content\"");
		goto cleanup;
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (v == b)
			continue;
		int f = 0;
		while (f < FIELD_COUNT && strcmp(key, field_keys[f]) != 0)
			f++;
		if (f < FIELD_COUNT && json_is_string(v)) {
			if (article_set_field(a, (enum article_field)f, json_string_value(v), json_string_length(v)))
				goto nomem;
		} else if (!(f < FIELD_COUNT && json_is_null(v))) {
			if (!a->extra && !(a->extra = json_object()))
				goto nomem;
			json_object_set(a->extra, key, v);
		}
	}
	buf_clear(body);
	if (buf_append(body, json_string_value(b), json_string_length(b)))
		goto nomem;
	if (memchr(body->data, '\0', body->len)) {
		snprintf(why, whylen, "the body holds a NUL character (\\u0000); remove it");
		goto cleanup;
	}
	if (article_parse_body(a, body->data, 0, body->len))
		goto nomem;
	rc = 0;
	goto cleanup;
nomem:
	snprintf(why, whylen, "out of memory");
cleanup:
	json_decref(obj);
	return rc;
}

/* Article counts of one file, for the summary and files.articles. */
struct file_counts {
	long stored, duplicates, broken;
};

/* Stores every record of the JSON Lines file in ig->raw; a broken line is
 * reported and the others still load. */
static int put_jsonl(struct ingest *ig, const char *path, const char *key, int64_t file_id, struct file_counts *fc)
{
	const char *s = ig->raw.data;
	size_t len = ig->raw.len, i = 0;
	long line = 0;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	buf body = BUF_INIT, name = BUF_INIT;
	int rc = 0;
	while (i < len && rc == 0) {
		line++;
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) : len;
		size_t ce = e > i && s[e - 1] == '\r' ? e - 1 : e;
		size_t k = i;
		while (k < ce && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k < ce) {
			struct article a;
			article_init(&a);
			char why[300];
			long long off;
			if (parse_json_record(&a, &body, s + i, ce - i, &off, why, sizeof why) == 0) {
				buf_clear(&name);
				if (buf_printf(&name, "%s:%ld", key, line)) {
					rc = db_fail(ig, "out of memory");
				} else {
					int r = put_article(ig, file_id, line, name.data, body.data, body.len, &a);
					if (r < 0)
						rc = -1;
					else if (r == 1)
						fc->duplicates++;
					else
						fc->stored++;
				}
			} else {
				long long at = off >= 0 ? (long long)i + off : (long long)i;
				report(ig, path, "json", line, at, "line %ld (byte %lld): %s", line, at, why);
				fc->broken++;
			}
			article_free(&a);
		}
		i = e + 1;
	}
	buf_free(&body);
	buf_free(&name);
	return rc;
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

/* Loads one changed or new file. Returns 0, or -1 when the database failed
 * (the caller stops and the batch is rolled back). */
static int load_file(struct ingest *ig, const struct walk_file *f, const char *key, const struct stored_file *sf,
                     const char *raw_hash)
{
	struct input_problem prob;
	if (input_check_text(ig->raw.data, ig->raw.len, &prob)) {
		if (strcmp(prob.kind, "empty") == 0 || strcmp(prob.kind, "utf16") == 0 ||
		    strcmp(prob.kind, "binary") == 0 || f->format == WALK_TXT) {
			report(ig, f->path, prob.kind, (long)prob.line, (long long)prob.offset, "%s", prob.message);
			if (sf->id)
				report(ig, f->path, "kept", 0, -1, "the version stored earlier is kept");
			return 0;
		}
		/* JSON Lines: bad bytes are reported line by line by the JSON reader. */
	}
	struct article a;
	article_init(&a);
	int rc = -1;
	if (f->format == WALK_TXT && article_parse_txt(&a, ig->raw.data, ig->raw.len)) {
		report(ig, f->path, "memory", 0, -1, "out of memory while parsing");
		article_free(&a);
		return 0;
	}
	if (a.warning[0])
		fprintf(stderr, "trang: ingest: %s: warning: %s\n", f->path, a.warning);
	/* No savepoint per file: FTS5 would flush its index at each one. Parse
	 * errors are all found above, before anything is written; a database
	 * failure below ends the run and rolls back the whole batch. */
	int64_t id = sf->id;
	struct file_counts fc = {0};
	if ((id && remove_file_articles(ig, id)) || put_file_row(ig, key, f, raw_hash, 0, 0, &id))
		goto cleanup;
	if (f->format == WALK_TXT) {
		int r = put_article(ig, id, 0, key, ig->raw.data, ig->raw.len, &a);
		if (r < 0)
			goto cleanup;
		r == 1 ? fc.duplicates++ : fc.stored++;
	} else if (put_jsonl(ig, f->path, key, id, &fc)) {
		goto cleanup;
	}
	if (put_file_row(ig, key, f, raw_hash, fc.stored + fc.duplicates, fc.broken, &id))
		goto cleanup;
	if (mark_seen(ig, id)) {
		db_fail(ig, "out of memory");
		goto cleanup;
	}
	if (sf->id)
		ig->c->updated += fc.stored;
	else
		ig->c->added += fc.stored;
	ig->c->duplicates += fc.duplicates;
	rc = 0;
cleanup:
	article_free(&a);
	return rc;
}

static int on_file(void *ud, const struct walk_file *f)
{
	struct ingest *ig = ud;
	if (ig->o->stop && *ig->o->stop)
		return 1;
	char key[PATH_MAX];
	if (store_path_key(ig->st, f->path, key, sizeof key)) {
		report(ig, f->path, "unreadable", 0, -1, "path too long");
		return 0;
	}
	ig->c->files++;
	if (tx_begin(ig))
		return 1;
	struct stored_file sf;
	if (get_file(ig, key, &sf))
		return 1;
	int rc = 0;
	if (sf.id && sf.size == (int64_t)f->size && sf.mtime_ns == f->mtime_ns) {
		/* Same size and time: unchanged without reading it. */
		ig->c->unchanged += sf.articles;
		if (sf.errors)
			report(ig, f->path, "json", 0, -1, "%ld broken line(s), unchanged since reported", sf.errors);
		rc = mark_seen(ig, sf.id);
		goto done;
	}
	if ((uint64_t)f->size > ig->o->max_size) {
		report(ig, f->path, "too-large", 0, -1, "%lld bytes, over the size limit of %llu bytes; raise it with --max-size",
		       (long long)f->size, (unsigned long long)ig->o->max_size);
		goto done;
	}
	if (read_file(ig, f->path))
		goto done;
	ig->c->bytes += ig->raw.len;
	ig->batch_bytes += ig->raw.len;
	char raw_hash[33];
	hex128(XXH3_128bits(ig->raw.data, ig->raw.len), raw_hash);
	if (sf.id && strcmp(sf.raw_hash, raw_hash) == 0) {
		/* Touched but not changed. */
		sqlite3_stmt *q = ig->q[Q_FILE_TOUCH];
		sqlite3_bind_int64(q, 1, (sqlite3_int64)f->size);
		sqlite3_bind_int64(q, 2, f->mtime_ns);
		sqlite3_bind_int64(q, 3, sf.id);
		if (step_done(ig, q, "cannot update a file"))
			return 1;
		ig->c->unchanged += sf.articles;
		rc = mark_seen(ig, sf.id);
		goto done;
	}
	if (load_file(ig, f, key, &sf, raw_hash))
		return 1;
done:
	if (rc)
		return db_fail(ig, "out of memory"), 1;
	progress_update(&ig->bar, (uint64_t)ig->c->files, ig->c->bytes);
	if (++ig->batch_files >= BATCH_FILES || ig->batch_bytes >= BATCH_BYTES)
		if (tx_commit(ig))
			return 1;
	return 0;
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
	struct ingest ig = {.st = st, .o = o, .c = c};
	memset(c, 0, sizeof *c);
	double t0 = progress_now();
	int rc = -1;
	for (int i = 0; i < Q_COUNT; i++)
		if (store_prepare(st, &ig.q[i], sql[i]))
			goto cleanup;
	if (run_record(&ig, false))
		goto cleanup;
	struct tally t = {0};
	if (o->progress && isatty(STDERR_FILENO))
		for (int i = 0; i < npaths; i++)
			walk_path(paths[i], count_file, ignore_error, &t);
	progress_start(&ig.bar, o->progress, t.files, t.bytes);
	for (int i = 0; i < npaths && !ig.failed; i++) {
		if ((o->stop && *o->stop) || tx_begin(&ig))
			break;
		walk_path(paths[i], on_file, walk_error, &ig);
	}
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
	progress_clear(&ig.bar);
	c->seconds = progress_now() - t0;
	if (run_record(&ig, true))
		goto cleanup;
	rc = 0;
cleanup:
	progress_clear(&ig.bar);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(ig.q[i]);
	free(ig.seen);
	buf_free(&ig.raw);
	buf_free(&ig.sent);
	return rc;
}
