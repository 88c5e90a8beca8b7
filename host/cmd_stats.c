/* cmd_stats.c: `trang stats`: what the database holds, as text or --json.
 * Builds one JSON object from a few queries and prints it either way. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fts.h"
#include "store.h"

/* Runs a query and returns its rows as an array of objects keyed by column
 * name (NULL on a database error, with st->err set). */
static json_t *rows(struct store *st, const char *sql)
{
	sqlite3_stmt *q;
	if (store_prepare(st, &q, sql))
		return NULL;
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		json_t *row = json_object();
		for (int i = 0; i < sqlite3_column_count(q); i++) {
			json_t *v;
			switch (sqlite3_column_type(q, i)) {
			case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(q, i)); break;
			case SQLITE_FLOAT: v = json_real(sqlite3_column_double(q, i)); break;
			case SQLITE_NULL: v = json_null(); break;
			default: v = json_string((const char *)sqlite3_column_text(q, i)); break;
			}
			json_object_set_new(row, sqlite3_column_name(q, i), v ? v : json_null());
		}
		json_array_append_new(arr, row);
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, "cannot read statistics");
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(q);
	return arr;
}

static json_t *collect(struct store *st)
{
	static const struct {
		const char *key;
		const char *sql;
		int single; /* one row: store the object, not the array */
	} parts[] = {
		{"totals",
		 "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM article_aliases) AS duplicates, "
		 "(SELECT count(*) FROM paragraphs) AS paragraphs, (SELECT count(*) FROM sentences) AS sentences, "
		 "(SELECT count(*) FROM files) AS files, (SELECT min(date) FROM articles) AS first_date, "
		 "(SELECT max(date) FROM articles) AS last_date, "
		 "(SELECT count(*) FROM articles WHERE date IS NULL) AS undated",
		 1},
		{"paragraph_kinds", "SELECT kind, count(*) AS n FROM paragraphs GROUP BY kind ORDER BY n DESC", 0},
		{"sources",
		 "SELECT source, count(*) AS n FROM articles WHERE source IS NOT NULL GROUP BY source "
		 "ORDER BY n DESC, source LIMIT 20",
		 0},
		{"last_ingest",
		 "SELECT id, started_at, finished_at, added, updated, unchanged, duplicates, missing, pruned, errors, "
		 "bytes, seconds, interrupted FROM ingest_runs ORDER BY id DESC LIMIT 1",
		 1},
		{"errors",
		 "SELECT path, line, offset, kind, message FROM ingest_errors "
		 "WHERE run_id = (SELECT max(id) FROM ingest_runs) ORDER BY rowid",
		 0},
	};
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *r = rows(st, parts[i].sql);
		if (!r) {
			json_decref(out);
			return NULL;
		}
		if (parts[i].single) {
			json_t *one = json_array_get(r, 0);
			json_object_set(out, parts[i].key, one ? one : json_null());
			json_decref(r);
		} else {
			json_object_set_new(out, parts[i].key, r);
		}
	}
	return out;
}

static long long num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : dflt;
}

static void print_text(const char *db, json_t *s)
{
	json_t *t = json_object_get(s, "totals");
	printf("database    %s\n", db);
	printf("articles    %lld (%lld more names for exact duplicates)\n", num(t, "articles"), num(t, "duplicates"));
	printf("paragraphs  %lld:", num(t, "paragraphs"));
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(s, "paragraph_kinds"), i, row)
		printf("%s %s %lld", i ? "," : "", str(row, "kind", "?"), num(row, "n"));
	printf("\nsentences   %lld\n", num(t, "sentences"));
	printf("dates       %s .. %s (%lld undated)\n", str(t, "first_date", "-"), str(t, "last_date", "-"),
	       num(t, "undated"));
	printf("sources    ");
	json_array_foreach(json_object_get(s, "sources"), i, row)
		printf("%s %s %lld", i ? "," : "", str(row, "source", "?"), num(row, "n"));
	printf("%s\n", json_array_size(json_object_get(s, "sources")) ? "" : " none recorded");
	json_t *r = json_object_get(s, "last_ingest");
	if (json_is_object(r)) {
		printf("last ingest %s: %lld added, %lld updated, %lld unchanged, %lld duplicates, %lld errors%s\n",
		       str(r, "started_at", "?"), num(r, "added"), num(r, "updated"), num(r, "unchanged"),
		       num(r, "duplicates"), num(r, "errors"), num(r, "interrupted") ? " (interrupted)" : "");
		json_array_foreach(json_object_get(s, "errors"), i, row)
			printf("  error  %s: %s\n", str(row, "path", "?"), str(row, "message", "?"));
	} else {
		printf("last ingest none\n");
	}
}

/* PRAGMA integrity_check, then FTS5's own check of the index against the
 * paragraphs. Prints "integrity ok" or the problems; returns 0 when ok. */
static int check_integrity(struct store *st)
{
	sqlite3_stmt *q;
	int bad = 0;
	if (store_prepare(st, &q, "PRAGMA integrity_check"))
		return fprintf(stderr, "trang: stats: %s\n", st->err), -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(q, 0);
		if (strcmp(r, "ok") != 0) {
			printf("integrity   %s\n", r);
			bad = 1;
		}
	}
	sqlite3_finalize(q);
	/* The FTS5 check is spelled as an INSERT but writes nothing. */
	if (sqlite3_exec(st->db, "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('integrity-check', 1)", NULL,
	                 NULL, NULL) != SQLITE_OK) {
		printf("integrity   full-text index: %s\n", sqlite3_errmsg(st->db));
		bad = 1;
	}
	/* The lengths ranking reads instead of the index's own (host/fts_rank.c). */
	sqlite3_int64 differ = 0, first = 0;
	int rc = fts_norms_check(st->db, &differ, &first);
	if (rc != SQLITE_OK) {
		printf("integrity   paragraph lengths: %s\n", sqlite3_errmsg(st->db));
		bad = 1;
	} else if (differ) {
		printf("integrity   paragraph lengths: %lld differ from the full-text index (the first: paragraph %lld); "
		       "search would rank them wrongly. Delete them (DELETE FROM paragraphs_fts_norms) and the next "
		       "`trang ingest` records them again from the index\n",
		       (long long)differ, (long long)first);
		bad = 1;
	}
	if (!bad)
		printf("integrity   ok\n");
	return bad ? -1 : 0;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'D'},
		{"json", no_argument, NULL, 'j'},
		{"check", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, as_json = 0, check = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': cli->db_path = optarg; break;
		case 'j': as_json = 1; break;
		case 'c': check = 1; break;
		case 'h':
			printf("usage: trang stats [--db FILE] [--json | --check]\n\n"
			       "Prints what the database holds: articles, paragraphs by kind, sentences,\n"
			       "date range, sources, duplicates, and the last ingest with its errors.\n"
			       "--check verifies the database and its full-text index instead (exit 1 if damaged).\n");
			return EXIT_WORK_OK;
		default: return cli_usage_error("stats", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
	struct store st;
	/* The FTS5 check needs a writable connection. */
	if (store_open(&st, cli->db_path, check ? STORE_WRITE : STORE_READ)) {
		fprintf(stderr, "trang: stats: %s\n", st.err);
		return EXIT_WORK_FAILED;
	}
	if (check) {
		int rc = check_integrity(&st);
		store_close(&st);
		return rc ? EXIT_WORK_FAILED : EXIT_WORK_OK;
	}
	json_t *s = collect(&st);
	if (!s) {
		fprintf(stderr, "trang: stats: %s\n", st.err);
		store_close(&st);
		return EXIT_WORK_FAILED;
	}
	if (as_json) {
		json_dumpf(s, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		print_text(cli->db_path, s);
	}
	json_decref(s);
	store_close(&st);
	return EXIT_WORK_OK;
}
