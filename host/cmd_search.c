/* cmd_search.c: the full-text search views over paragraphs_fts:
 * `trang search` (ranked results with snippets) and `trang kwic` (keyword in
 * context, aligned on the match). Queries go through fts_query_rewrite, so
 * folded search is the default and --strict asks for exact diacritics. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "fts.h"
#include "store.h"
#include "text.h"

struct search_opts {
	bool strict, json;
	long limit;
	int width; /* kwic: display columns of context on each side */
};

static const char *const kwic_sql =
	"SELECT a.path, a.date, p.idx, highlight(paragraphs_fts, 0, '" FTS_MARK_ON "', '" FTS_MARK_OFF "') "
	"FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid "
	"JOIN articles a ON a.id = p.article_id "
	"WHERE paragraphs_fts MATCH ?1 ORDER BY a.date, a.path, p.idx LIMIT ?2";

/* Prepares sql with the rewritten query and a row limit (-1: none) bound;
 * prints the error itself. Returns the statement or NULL. */
static sqlite3_stmt *prepare_query(struct store *st, const char *cmd, const char *sql, const char *query,
                                   const struct search_opts *o, long limit)
{
	buf q = BUF_INIT;
	sqlite3_stmt *stmt = NULL;
	if (fts_query_rewrite(&q, query, strlen(query), o->strict)) {
		fprintf(stderr, "trang: %s: cannot read the query '%s': a quote is not closed\n", cmd, query);
		goto cleanup;
	}
	if (store_prepare(st, &stmt, sql)) {
		fprintf(stderr, "trang: %s: %s\n", cmd, st->err);
		goto cleanup;
	}
	sqlite3_bind_text(stmt, 1, q.data ? q.data : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, limit);
cleanup:
	buf_free(&q);
	return stmt;
}

/* Reports a failed step: a query FTS5 cannot parse gets a plain sentence. */
static int step_error(struct store *st, const char *cmd, const char *query)
{
	const char *msg = sqlite3_errmsg(st->db);
	if (strstr(msg, "fts5") || strstr(msg, "syntax"))
		fprintf(stderr,
		        "trang: %s: cannot read the query '%s' (%s); use words, \"a phrase\", word*, "
		        "AND, OR, NOT, NEAR(a b, 5)\n",
		        cmd, query, msg);
	else
		fprintf(stderr, "trang: %s: %s: %s\n", cmd, st->path, msg);
	return EXIT_WORK_FAILED;
}

/* Writes s with the markers turned into bold (on a terminal) or [ ]. */
static void put_marked(FILE *out, const char *s, bool tty)
{
	for (; *s; s++) {
		if (*s == FTS_MARK_ON[0])
			fputs(tty ? "\033[1;33m" : "[", out);
		else if (*s == FTS_MARK_OFF[0])
			fputs(tty ? "\033[0m" : "]", out);
		else
			fputc(*s, out);
	}
}

static char *strip_marks(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++)
		if (*s != FTS_MARK_ON[0] && *s != FTS_MARK_OFF[0])
			*o++ = *s;
	*o = '\0';
	return out;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);
	return s ? s : "";
}

static int run_search(struct store *st, const char *query, const struct search_opts *o)
{
	sqlite3_stmt *q = prepare_query(st, "search", fts_search_sql, query, o, o->limit);
	if (!q)
		return EXIT_WORK_FAILED;
	bool tty = isatty(STDOUT_FILENO);
	json_t *arr = o->json ? json_array() : NULL;
	int rc, n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		n++;
		const char *snippet = col_text(q, 7);
		if (arr) {
			char *plain = strip_marks(snippet);
			json_t *row = json_pack("{s:s, s:s?, s:s?, s:i, s:s, s:I, s:I, s:s, s:s, s:f}", "path", col_text(q, 0),
			                        "title", (const char *)sqlite3_column_text(q, 1), "date",
			                        (const char *)sqlite3_column_text(q, 2), "paragraph", sqlite3_column_int(q, 3),
			                        "kind", col_text(q, 4), "s", (json_int_t)sqlite3_column_int64(q, 5), "e",
			                        (json_int_t)sqlite3_column_int64(q, 6), "snippet", plain ? plain : "",
			                        "snippet_marked", snippet, "score", -sqlite3_column_double(q, 8));
			free(plain);
			json_array_append_new(arr, row);
			continue;
		}
		const char *title = (const char *)sqlite3_column_text(q, 1);
		const char *date = (const char *)sqlite3_column_text(q, 2);
		printf("%s%s%s  %s\n", tty ? "\033[1m" : "", title ? title : "(no title)", tty ? "\033[0m" : "",
		       date ? date : "(no date)");
		printf("  ");
		put_marked(stdout, snippet, tty);
		printf("\n  %s  paragraph %d (%s), bytes %lld-%lld\n\n", col_text(q, 0), sqlite3_column_int(q, 3),
		       col_text(q, 4), sqlite3_column_int64(q, 5), sqlite3_column_int64(q, 6));
	}
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		sqlite3_finalize(q);
		return step_error(st, "search", query);
	}
	if (arr) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	} else if (n == 0) {
		fprintf(stderr, "trang: search: no paragraph matches '%s'%s\n", query,
		        o->strict ? " (strict: try without --strict)" : "");
	}
	sqlite3_finalize(q);
	return EXIT_WORK_OK;
}

/* The last `cols` display columns of s[0..n), as a byte offset into s. */
static size_t tail_start(const char *s, size_t n, int cols)
{
	struct text_graphemes it;
	struct text_span sp;
	size_t starts[4096], k = 0;
	text_graphemes_init(&it, s, n);
	while (text_graphemes_next(&it, &sp) && k < 4096)
		starts[k++] = sp.start;
	size_t i = k;
	int w = 0;
	while (i > 0) {
		size_t gs = starts[i - 1];
		int gw = (int)text_width(s + gs, (i < k ? starts[i] : n) - gs);
		if (w + gw > cols)
			break;
		w += gw;
		i--;
	}
	return i < k ? starts[i] : n;
}

/* The first `cols` display columns of s[0..n), as a byte length. */
static size_t head_len(const char *s, size_t n, int cols)
{
	struct text_graphemes it;
	struct text_span sp;
	int w = 0;
	text_graphemes_init(&it, s, n);
	while (text_graphemes_next(&it, &sp)) {
		int gw = (int)text_width(s + sp.start, sp.end - sp.start);
		if (w + gw > cols)
			return sp.start;
		w += gw;
	}
	return n;
}

/* Prints one KWIC line per match in a highlighted paragraph text, until
 * *left lines have been printed. */
static void kwic_lines(const char *path, const char *marked, const struct search_opts *o, bool tty, json_t *arr,
                       long *left)
{
	char *plain = strip_marks(marked);
	if (!plain)
		return;
	size_t offset_plain = 0; /* bytes of plain text before the current position */
	for (const char *p = marked; *left > 0 && (p = strchr(p, FTS_MARK_ON[0])) != NULL; (*left)--) {
		const char *end = strchr(p, FTS_MARK_OFF[0]);
		if (!end)
			break;
		/* Position of the match in the plain text: count unmarked bytes before p. */
		offset_plain = 0;
		for (const char *c = marked; c < p; c++)
			offset_plain += *c != FTS_MARK_ON[0] && *c != FTS_MARK_OFF[0];
		size_t mlen = (size_t)(end - p - 1);
		size_t ms = offset_plain, me = ms + mlen;
		size_t ls = tail_start(plain, ms, o->width);
		size_t rlen = head_len(plain + me, strlen(plain) - me, o->width);
		if (arr) {
			json_array_append_new(arr, json_pack("{s:s, s:s%, s:s%, s:s%}", "path", path, "left", plain + ls, ms - ls,
			                                     "match", plain + ms, mlen, "right", plain + me, rlen));
		} else {
			int lw = (int)text_width(plain + ls, ms - ls);
			printf("%*s%.*s%s%.*s%s%.*s\n", o->width - lw, "", (int)(ms - ls), plain + ls,
			       tty ? "\033[1;33m" : "[", (int)mlen, plain + ms, tty ? "\033[0m" : "]", (int)rlen, plain + me);
		}
		p = end + 1;
	}
	free(plain);
}

static int run_kwic(struct store *st, const char *query, const struct search_opts *o)
{
	sqlite3_stmt *q = prepare_query(st, "kwic", kwic_sql, query, o, -1);
	if (!q)
		return EXIT_WORK_FAILED;
	bool tty = isatty(STDOUT_FILENO);
	json_t *arr = o->json ? json_array() : NULL;
	int rc = SQLITE_DONE;
	long left = o->limit; /* --limit counts lines, not paragraphs */
	while (left > 0 && (rc = sqlite3_step(q)) == SQLITE_ROW)
		kwic_lines(col_text(q, 0), col_text(q, 3), o, tty, arr, &left);
	if (left == 0)
		rc = SQLITE_DONE;
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		sqlite3_finalize(q);
		return step_error(st, "kwic", query);
	}
	if (arr) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	}
	sqlite3_finalize(q);
	return EXIT_WORK_OK;
}

static int search_main(struct cli *cli, int argc, char **argv, bool kwic)
{
	const char *cmd = kwic ? "kwic" : "search";
	struct search_opts o = {.limit = kwic ? 100 : 10, .width = 40};
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'D'},   {"strict", no_argument, NULL, 's'},
		{"limit", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'},
		{"width", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': cli->db_path = optarg; break;
		case 's': o.strict = true; break;
		case 'j': o.json = true; break;
		case 'n':
			o.limit = strtol(optarg, &end, 10);
			if (*end || o.limit <= 0)
				return cli_usage_error(cmd, "--limit wants a positive number, not '%s'", optarg);
			break;
		case 'w':
			o.width = (int)strtol(optarg, &end, 10);
			if (*end || o.width < 5 || o.width > 200)
				return cli_usage_error(cmd, "--width wants a number from 5 to 200, not '%s'", optarg);
			break;
		case 'h':
			printf("usage: trang %s [--strict] [--limit N] [--json]%s QUERY\n\n", cmd, kwic ? " [--width N]" : "");
			printf("%s\n\n",
			       kwic ? "Prints every match as a keyword-in-context line, aligned on the match."
			            : "Prints the best-matching paragraphs (bm25) with title, date, a snippet and the path.");
			printf("Search is folded by default: 'da nang' finds 'Đà Nẵng', 'duong' finds 'đường' and\n"
			       "'dương'. --strict keeps diacritics exact (case still ignored): 'đường' only.\n"
			       "QUERY: words (all must match), \"a phrase\", prefix*, OR, NOT, NEAR(a b, 5).\n");
			return EXIT_WORK_OK;
		default: return cli_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "a query is needed");
	buf query = BUF_INIT;
	for (int i = optind; i < argc; i++)
		if ((i > optind && buf_appendc(&query, ' ')) || buf_append(&query, argv[i], strlen(argv[i])))
			return EXIT_WORK_FAILED;
	if (text_utf8_check(query.data, query.len) != query.len) {
		buf_free(&query);
		return cli_usage_error(cmd, "the query is not valid UTF-8");
	}
	struct store st;
	if (store_open(&st, cli->db_path, STORE_READ)) {
		fprintf(stderr, "trang: %s: %s\n", cmd, st.err);
		buf_free(&query);
		return EXIT_WORK_FAILED;
	}
	int rc = kwic ? run_kwic(&st, query.data, &o) : run_search(&st, query.data, &o);
	store_close(&st);
	buf_free(&query);
	return rc;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	return search_main(cli, argc, argv, false);
}

int cmd_kwic(struct cli *cli, int argc, char **argv)
{
	return search_main(cli, argc, argv, true);
}
