/* store.c: opening the database and its schema (see store.h).
 *
 * Paragraph offsets are bytes into articles.raw: the file's bytes for a .txt
 * article, the decoded body string for a JSON Lines article. Text columns are
 * NFC. Exact duplicates (same NFC text and metadata under another name) are
 * stored once in articles and named again in article_aliases. An article's
 * text, and its paragraphs' and sentences', are most often its raw bytes, so
 * they are read from raw (a generated column, two views) and stored only
 * where they differ (NFD input, CRLF line ends, a BOM...). */
#include "store.h"

#include "fts.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bytes of raw from its body on, and those of span row r of article a:
 * the texts that articles.text and the views read where none is stored. */
#define BODY_BYTES "substr(CAST(raw AS BLOB), body_offset + 1)"
#define SPAN_BYTES(r) "substr(CAST(a.raw AS BLOB), " r ".s + 1, " r ".e - " r ".s)"

/* The articles table's columns, for schema_sql and the upgrade. */
#define ARTICLES_COLUMNS \
	"(\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  file_id INTEGER NOT NULL REFERENCES files(id),\n" \
	"  line INTEGER,                   -- JSON Lines: the line number; NULL for .txt\n" \
	"  path TEXT NOT NULL UNIQUE,      -- files.path, or files.path:line\n" \
	"  hash TEXT NOT NULL UNIQUE,      -- XXH3-128 of the NFC text and metadata\n" \
	"  title TEXT, date TEXT, url TEXT, author TEXT, source TEXT,\n" \
	"  extra TEXT,                     -- JSON object of other header keys\n" \
	"  raw BLOB NOT NULL,\n" \
	"  body_offset INTEGER NOT NULL,   -- where the body starts in raw\n" \
	"  body_nfc TEXT,                  -- the body's text when it differs from raw's bytes from body_offset\n" \
	"  text TEXT NOT NULL              -- the NFC body, LF line ends\n" \
	"    GENERATED ALWAYS AS (coalesce(body_nfc, CAST(" BODY_BYTES " AS TEXT))) VIRTUAL)"

/* Paragraphs and sentences are stored as spans of their article's raw bytes,
 * with a text of their own only where it differs (NFD input, line breaks read
 * as spaces); the views paragraphs and sentences give every row its text. */
#define PARAGRAPH_COLUMNS \
	"(\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  article_id INTEGER NOT NULL REFERENCES articles(id),\n" \
	"  idx INTEGER NOT NULL,           -- 0-based order in the article\n" \
	"  kind TEXT NOT NULL,             -- title dateline lead body caption byline source\n" \
	"  s INTEGER NOT NULL, e INTEGER NOT NULL, -- byte span [s, e) in articles.raw\n" \
	"  text TEXT                       -- NULL: the text is raw's bytes [s, e)\n" \
	")"
#define SENTENCE_COLUMNS \
	"(\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  article_id INTEGER NOT NULL REFERENCES articles(id),\n" \
	"  paragraph_id INTEGER NOT NULL REFERENCES paragraph_spans(id),\n" \
	"  idx INTEGER NOT NULL,           -- 0-based order in the article\n" \
	"  s INTEGER NOT NULL, e INTEGER NOT NULL, -- byte span [s, e) in articles.raw\n" \
	"  text TEXT                       -- NULL: the text is raw's bytes [s, e)\n" \
	")"
/* The text of span row r of article a. */
#define SPAN_TEXT(r) "coalesce(" r ".text, CAST(" SPAN_BYTES(r) " AS TEXT))"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS files(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL UNIQUE,      -- relative to the database's folder when under it\n"
	"  format TEXT NOT NULL,           -- 'txt' or 'jsonl'\n"
	"  size INTEGER NOT NULL,\n"
	"  mtime_ns INTEGER NOT NULL,\n"
	"  raw_hash TEXT NOT NULL,         -- XXH3-128 of the file's bytes\n"
	"  articles INTEGER NOT NULL DEFAULT 0, -- articles and duplicates named by this file\n"
	"  errors INTEGER NOT NULL DEFAULT 0, -- broken JSON lines kept out\n"
	"  ingested_at TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS articles" ARTICLES_COLUMNS ";\n"
	"CREATE INDEX IF NOT EXISTS articles_file ON articles(file_id);\n"
	"CREATE INDEX IF NOT EXISTS articles_date ON articles(date);\n"
	"CREATE TABLE IF NOT EXISTS article_aliases(\n"
	"  path TEXT PRIMARY KEY,\n"
	"  file_id INTEGER NOT NULL REFERENCES files(id),\n"
	"  line INTEGER,\n"
	"  article_id INTEGER NOT NULL REFERENCES articles(id));\n"
	"CREATE INDEX IF NOT EXISTS aliases_article ON article_aliases(article_id);\n"
	"CREATE INDEX IF NOT EXISTS aliases_file ON article_aliases(file_id);\n"
	"CREATE TABLE IF NOT EXISTS paragraph_spans" PARAGRAPH_COLUMNS ";\n"
	"CREATE INDEX IF NOT EXISTS paragraph_spans_article ON paragraph_spans(article_id, idx);\n"
	"CREATE TABLE IF NOT EXISTS sentence_spans" SENTENCE_COLUMNS ";\n"
	"CREATE INDEX IF NOT EXISTS sentence_spans_article ON sentence_spans(article_id, idx);\n"
	"CREATE VIEW IF NOT EXISTS paragraphs(id, article_id, idx, kind, s, e, text) AS\n"
	"  SELECT p.id, p.article_id, p.idx, p.kind, p.s, p.e, " SPAN_TEXT("p") "\n"
	"  FROM paragraph_spans p JOIN articles a ON a.id = p.article_id;\n"
	"CREATE VIEW IF NOT EXISTS sentences(id, article_id, paragraph_id, idx, s, e, text) AS\n"
	"  SELECT x.id, x.article_id, x.paragraph_id, x.idx, x.s, x.e, " SPAN_TEXT("x") "\n"
	"  FROM sentence_spans x JOIN articles a ON a.id = x.article_id;\n"
	"CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(\n"
	"  text, content='paragraphs', content_rowid='id',\n"
	"  tokenize='trang');  -- host/fts.c: folded and strict terms in one index\n"
	"CREATE TABLE IF NOT EXISTS paragraphs_fts_norms(  -- host/fts_rank.c: lengths for ranking\n"
	"  chunk INTEGER PRIMARY KEY,       -- paragraphs chunk*4096 .. chunk*4096+4095\n"
	"  lens BLOB NOT NULL);             -- their token counts, uint16 little-endian, 0 unknown\n"
	/* No triggers keep the index: SQLite 3.40's FTS5 flushes its pending terms
	 * at every savepoint, and a trigger makes each paragraph INSERT open one,
	 * so the index would be written one paragraph at a time. host/ingest.c
	 * writes paragraphs_fts itself, next to each paragraph row. */
	"DROP TRIGGER IF EXISTS paragraphs_ai;\n"
	"DROP TRIGGER IF EXISTS paragraphs_ad;\n"
	"CREATE TABLE IF NOT EXISTS logs(           -- trang.log records of scripts and plugins\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL, level TEXT NOT NULL, origin TEXT NOT NULL, message TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS ingest_runs(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  started_at TEXT NOT NULL, finished_at TEXT,\n"
	"  added INTEGER, updated INTEGER, unchanged INTEGER, duplicates INTEGER,\n"
	"  missing INTEGER, pruned INTEGER, errors INTEGER, bytes INTEGER, seconds REAL,\n"
	"  interrupted INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE IF NOT EXISTS ingest_errors(\n"
	"  run_id INTEGER NOT NULL REFERENCES ingest_runs(id),\n"
	"  path TEXT NOT NULL,\n"
	"  line INTEGER, offset INTEGER,   -- where in the file, when known\n"
	"  kind TEXT NOT NULL,             -- utf8 utf16 nul binary empty unreadable json too-large ...\n"
	"  message TEXT NOT NULL);\n";

int store_fail(struct store *st, const char *context)
{
	int code = st->db ? sqlite3_extended_errcode(st->db) : SQLITE_CANTOPEN;
	const char *msg = st->db ? sqlite3_errmsg(st->db) : "cannot open";
	const char *hint = "";
	switch (code & 0xFF) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		hint = " (another trang is writing to it; try again when it has finished)";
		break;
	case SQLITE_READONLY:
		hint = " (the database or its folder is read-only; use --db to choose a writable file)";
		break;
	case SQLITE_FULL:
		hint = " (the disk is full; free space and run again: nothing stored was lost)";
		break;
	case SQLITE_IOERR:
		hint = " (a read or write failed: the disk may be full or failing, or the file too large; "
		       "nothing stored was lost)";
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		hint = " (this file is not a trang database, or it is damaged)";
		break;
	}
	snprintf(st->err, sizeof st->err, "%s: %s: %s%s", st->path, context, msg, hint);
	return -1;
}

int store_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, "SQL failed");
	return 0;
}

int store_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
		return store_fail(st, "cannot prepare a statement");
	return 0;
}

/* Makes path absolute and removes ".", ".." and repeated slashes, without
 * resolving symbolic links (a file keeps the name it was given). */
static int absolute_path(const char *path, char *out, size_t outlen)
{
	char tmp[PATH_MAX * 2];
	if (path[0] == '/') {
		snprintf(tmp, sizeof tmp, "%s", path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return -1;
		snprintf(tmp, sizeof tmp, "%s/%s", cwd, path);
	}
	size_t o = 0;
	for (const char *p = tmp; *p;) {
		while (*p == '/')
			p++;
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t n = (size_t)(q - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[--o] != '/')
				;
		} else {
			if (o + 1 + n + 1 > outlen)
				return -1;
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = q;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

int store_path_key(const struct store *st, const char *fs_path, char *out, size_t outlen)
{
	char abs[PATH_MAX];
	if (absolute_path(fs_path, abs, sizeof abs))
		return -1;
	size_t d = strlen(st->dir);
	const char *rel = abs;
	if (strcmp(st->dir, "/") != 0 && strncmp(abs, st->dir, d) == 0 && abs[d] == '/')
		rel = abs + d + 1;
	if (strlen(rel) + 1 > outlen)
		return -1;
	strcpy(out, rel);
	return 0;
}

static int check_schema(struct store *st)
{
	sqlite3_stmt *q = NULL;
	int version = 0, rc = -1;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, "cannot read the schema version");
	if (sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(st->err, sizeof st->err,
		         "%s: made by a newer trang (schema %d, this one knows %d); upgrade trang", st->path,
		         version, STORE_SCHEMA_VERSION);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(q);
	return rc;
}

/* What an older database needs: schema 1 stored every article's text next
 * to its raw bytes (UPGRADE_ARTICLES), schemas 1 and 2 every paragraph's and
 * sentence's text in tables named paragraphs and sentences (UPGRADE_SPANS). */
enum { UPGRADE_ARTICLES = 1, UPGRADE_SPANS = 2 };

/* The upgrades st's database needs (0 for a new or current one), or -1. */
static int upgrades_needed(struct store *st)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT (SELECT count(*) FROM pragma_table_xinfo('articles') WHERE name = 'text') > 0 "
	                       "   AND (SELECT count(*) FROM pragma_table_xinfo('articles') WHERE name = 'body_nfc') = 0, "
	                       "  EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'paragraphs')",
	                       -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, "cannot read the schema");
	int need = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		need = (sqlite3_column_int(q, 0) ? UPGRADE_ARTICLES : 0) | (sqlite3_column_int(q, 1) ? UPGRADE_SPANS : 0);
	sqlite3_finalize(q);
	return need;
}

/* The statements of each upgrade. Each table is rebuilt in the layout of
 * schema_sql, with its ids, keeping a text only where it is not raw's. */
static const char upgrade_articles_sql[] =
	"CREATE TABLE articles_v2" ARTICLES_COLUMNS ";\n"
	"INSERT INTO articles_v2(id, file_id, line, path, hash, title, date, url, author, source, extra, raw,\n"
	"                        body_offset, body_nfc)\n"
	"  SELECT id, file_id, line, path, hash, title, date, url, author, source, extra, raw, body_offset,\n"
	"         CASE WHEN CAST(text AS BLOB) = " BODY_BYTES " THEN NULL ELSE text END\n"
	"  FROM articles;\n"
	"DROP TABLE articles;\n"
	"ALTER TABLE articles_v2 RENAME TO articles;\n";
#define SPAN_OWN_TEXT(r) "CASE WHEN CAST(" r ".text AS BLOB) = " SPAN_BYTES(r) " THEN NULL ELSE " r ".text END"
static const char upgrade_spans_sql[] =
	"CREATE TABLE paragraph_spans" PARAGRAPH_COLUMNS ";\n"
	"INSERT INTO paragraph_spans(id, article_id, idx, kind, s, e, text)\n"
	"  SELECT p.id, p.article_id, p.idx, p.kind, p.s, p.e, " SPAN_OWN_TEXT("p") "\n"
	"  FROM paragraphs p JOIN articles a ON a.id = p.article_id;\n"
	"CREATE TABLE sentence_spans" SENTENCE_COLUMNS ";\n"
	"INSERT INTO sentence_spans(id, article_id, paragraph_id, idx, s, e, text)\n"
	"  SELECT x.id, x.article_id, x.paragraph_id, x.idx, x.s, x.e, " SPAN_OWN_TEXT("x") "\n"
	"  FROM sentences x JOIN articles a ON a.id = x.article_id;\n"
	"DROP TABLE sentences;\n"
	"DROP TABLE paragraphs;\n"; /* paragraphs_fts reads the view of that name from now on */

/* Brings an older database to this schema in one transaction, so that an
 * interrupted upgrade leaves it as it was. Foreign keys are off meanwhile
 * (tables are dropped and renamed, ids kept), then checked. 0, or -1 with
 * st->err. */
static int upgrade(struct store *st)
{
	int need = upgrades_needed(st);
	if (need <= 0)
		return need;
	/* foreign_keys cannot change inside a transaction */
	if (store_exec(st, "PRAGMA foreign_keys=OFF") || store_exec(st, "BEGIN IMMEDIATE"))
		goto fail;
	need = upgrades_needed(st); /* again: another trang may have upgraded it meanwhile */
	if (need < 0)
		goto fail;
	if (need) {
		fprintf(stderr, "trang: %s: upgrading the database to schema %d (once; the corpus tables are rewritten)\n",
		        st->path, STORE_SCHEMA_VERSION);
		if (((need & UPGRADE_ARTICLES) && store_exec(st, upgrade_articles_sql)) ||
		    ((need & UPGRADE_SPANS) && store_exec(st, upgrade_spans_sql)))
			goto fail;
		/* the indexes went with the old tables; the views are new */
		if (store_exec(st, schema_sql))
			goto fail;
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &q, NULL) != SQLITE_OK) {
			store_fail(st, "cannot check the upgrade");
			goto fail;
		}
		int broken = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_finalize(q);
		if (broken) {
			snprintf(st->err, sizeof st->err,
			         "%s: the upgrade would break a reference between tables; nothing was changed. "
			         "Run `trang doctor` and report it",
			         st->path);
			goto fail;
		}
	}
	if (store_exec(st, "COMMIT"))
		goto fail;
	return store_exec(st, "PRAGMA foreign_keys=ON");
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return -1;
}

/* How long to wait for another writer: $TRANG_WAIT seconds, else 10. */
static int busy_timeout_ms(void)
{
	const char *w = getenv("TRANG_WAIT");
	char *end;
	double s = w && *w ? strtod(w, &end) : 10;
	if (w && *w && (*end || s < 0 || s > 86400))
		s = 10;
	return (int)(s * 1000);
}

/* A database in a file or folder we cannot write can still be read: SQLite
 * cannot set up its WAL index there, so it is opened as immutable (nobody
 * may write it meanwhile; we could not know). abs is the absolute path. */
static int open_immutable(struct store *st, const char *abs)
{
	char uri[PATH_MAX * 3 + 32] = "file:";
	size_t n = strlen(uri);
	for (const unsigned char *p = (const unsigned char *)abs; *p && n + 4 < sizeof uri - 16; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p))
			uri[n++] = (char)*p;
		else
			n += (size_t)snprintf(uri + n, 4, "%%%02X", *p);
	}
	snprintf(uri + n, sizeof uri - n, "?immutable=1");
	sqlite3_close(st->db);
	st->db = NULL;
	if (sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) !=
	            SQLITE_OK ||
	    fts_register(st->db) != SQLITE_OK)
		return -1;
	sqlite3_extended_result_codes(st->db, 1);
	return 0;
}

int store_open(struct store *st, const char *path, enum store_mode mode)
{
	st->db = NULL;
	st->err[0] = '\0';
	snprintf(st->path, sizeof st->path, "%s", path);
	char abs[PATH_MAX];
	if (absolute_path(path, abs, sizeof abs)) {
		snprintf(st->err, sizeof st->err, "%s: path too long", path);
		return -1;
	}
	char *slash = strrchr(abs, '/');
	*slash = '\0';
	snprintf(st->dir, sizeof st->dir, "%s", abs[0] ? abs : "/");
	*slash = '/';

	int flags = mode == STORE_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	if (mode == STORE_READ && access(path, F_OK) != 0) {
		snprintf(st->err, sizeof st->err, "%s: no such database; run `trang ingest` first", path);
		return -1;
	}
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(st->db, 1);
	/* Every connection needs the tokenizer, readers included. */
	if (fts_register(st->db) != SQLITE_OK)
		goto fail;
	/* Wait for another writer ($TRANG_WAIT s, default 10), then fail with a clear message. */
	sqlite3_busy_timeout(st->db, busy_timeout_ms());
	if (mode == STORE_WRITE) {
		/* page_size: for a new database only (an existing one keeps its own).
		 * Measured when an article row held its raw bytes and its text (8 KB
		 * for a typical story, half a 16 KB page, the rest left empty): 64 KB
		 * pages made a 100 MB ingest about 6% faster than 16 KB by hand, with
		 * the same search latency (README, Performance); 16 KB had taken 15%
		 * less CPU than 4 KB. */
		if (store_exec(st, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"))
			goto fail_keep;
		if (store_exec(st, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)") ||
		    check_schema(st) || upgrade(st))
			goto fail_keep;
		if (store_exec(st, "BEGIN IMMEDIATE") || store_exec(st, schema_sql))
			goto fail_keep;
		if (fts_norms_backfill(st->db) != SQLITE_OK) {
			store_fail(st, "cannot record the paragraphs' lengths");
			goto fail_keep;
		}
		char sql[128];
		snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES ('schema_version', '%d')",
		         STORE_SCHEMA_VERSION);
		if (store_exec(st, sql) || store_exec(st, "COMMIT"))
			goto fail_keep;
	} else if (check_schema(st)) {
		int code = sqlite3_extended_errcode(st->db) & 0xFF;
		bool unwritable = access(path, W_OK) != 0 || access(st->dir, W_OK) != 0;
		if (!((code == SQLITE_READONLY || code == SQLITE_CANTOPEN) && unwritable))
			goto fail_keep;
		if (open_immutable(st, abs))
			goto fail;
		st->err[0] = '\0';
		if (check_schema(st))
			goto fail_keep;
	}
	return 0;
fail:
	store_fail(st, "cannot open the database");
fail_keep:
	sqlite3_close(st->db);
	st->db = NULL;
	return -1;
}

void store_close(struct store *st)
{
	if (st->db) {
		sqlite3_close_v2(st->db);
		st->db = NULL;
	}
}
