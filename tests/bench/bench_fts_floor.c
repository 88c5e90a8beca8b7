/* bench_fts_floor: the storage floor for `make bench`. A bare C program that
 * reads the corpus, splits each article into the paragraphs trang stores (the
 * header's title, then each non-empty body line) and inserts them into an
 * FTS5 table with `unicode61 remove_diacritics 2`, with no other work: no
 * normalisation, no sentences, no raw copy. Same journal settings and batch
 * size as trang's ingest (WAL, synchronous=NORMAL, 500 files a transaction).
 *
 * usage: bench_fts_floor CORPUS DB
 * Environment, for measuring FTS5 settings: FLOOR_TOKENIZE (default
 * "unicode61 remove_diacritics 2"; "trang" uses host/fts.c), FLOOR_OPTIONS
 * (more CREATE options, e.g. "detail=column"), FLOOR_SQL (run after CREATE,
 * e.g. an automerge setting), FLOOR_OPTIMIZE=1 (optimize at the end).
 * Prints "floor_bytes N paragraphs M" on stdout. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fts.h"

#define BATCH_FILES 500

struct floor {
	sqlite3 *db;
	sqlite3_stmt *put;
	long files_in_batch;
	unsigned long long bytes, paragraphs;
};

static struct floor fl; /* nftw gives no user pointer */

static void die(const char *what)
{
	fprintf(stderr, "bench_fts_floor: %s: %s\n", what, fl.db ? sqlite3_errmsg(fl.db) : "?");
	exit(1);
}

static void exec(const char *sql)
{
	if (sqlite3_exec(fl.db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static void put(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!n)
		return;
	sqlite3_bind_text(fl.put, 1, s, (int)n, SQLITE_STATIC);
	if (sqlite3_step(fl.put) != SQLITE_DONE)
		die("insert");
	sqlite3_reset(fl.put);
	fl.paragraphs++;
}

static void load(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	bool header = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (header) {
			if (e == p || (e == p + 1 && *p == '\r'))
				header = false;
			else if ((size_t)(e - p) > 6 && memcmp(p, "title:", 6) == 0)
				put(p + 6, (size_t)(e - p - 6));
		} else {
			put(p, (size_t)(e - p));
		}
		p = e + 1;
	}
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	size_t n = strlen(path);
	if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".txt") != 0)
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char *data = malloc((size_t)sb->st_size + 1);
	size_t got = data ? fread(data, 1, (size_t)sb->st_size, f) : 0;
	fclose(f);
	if (!data)
		die("out of memory");
	if (fl.files_in_batch == 0)
		exec("BEGIN");
	load(data, got);
	fl.bytes += got;
	free(data);
	if (++fl.files_in_batch == BATCH_FILES) {
		exec("COMMIT");
		fl.files_in_batch = 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_fts_floor CORPUS DB\n");
		return 2;
	}
	if (sqlite3_open(argv[2], &fl.db) != SQLITE_OK)
		die("open");
	const char *tok = getenv("FLOOR_TOKENIZE") ? getenv("FLOOR_TOKENIZE") : "unicode61 remove_diacritics 2";
	if (strcmp(tok, "trang") == 0 && fts_register(fl.db) != SQLITE_OK)
		die("register the trang tokenizer");
	const char *opts = getenv("FLOOR_OPTIONS") ? getenv("FLOOR_OPTIONS") : "";
	char *create = sqlite3_mprintf("CREATE VIRTUAL TABLE paragraphs USING fts5(text, tokenize='%q'%s%s)", tok,
	                               opts[0] ? ", " : "", opts);
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
	exec(create);
	sqlite3_free(create);
	if (getenv("FLOOR_SQL"))
		exec(getenv("FLOOR_SQL"));
	if (sqlite3_prepare_v2(fl.db, "INSERT INTO paragraphs(text) VALUES (?)", -1, &fl.put, NULL) != SQLITE_OK)
		die("prepare");
	if (nftw(argv[1], visit, 32, FTW_PHYS) != 0)
		die("walk");
	if (fl.files_in_batch)
		exec("COMMIT");
	if (getenv("FLOOR_OPTIMIZE") && atoi(getenv("FLOOR_OPTIMIZE")))
		exec("INSERT INTO paragraphs(paragraphs) VALUES ('optimize')");
	sqlite3_finalize(fl.put);
	if (sqlite3_close(fl.db) != SQLITE_OK)
		die("close");
	printf("floor_bytes %llu paragraphs %llu\n", fl.bytes, fl.paragraphs);
	return 0;
}
