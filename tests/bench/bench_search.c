/* bench_search: latency of `trang search` queries on an ingested database:
 * the same rewrite (fts_query_rewrite) and SQL (fts_search_sql: top 10 by
 * bm25 over all matches, with snippets), each query of a fixed list run
 * several times. Prints median and 99th percentile in milliseconds, for
 * single words and for phrases; BENCH_VERBOSE=1 also prints each query's
 * time on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fts.h"
#include "store.h"

static const char *const words[] = {
	"kinh", "te", "doanh nghiệp", "ngân hàng", "xuất khẩu", "dien", "da nang", "ha noi", "covid",
	"giá", "vàng", "đường", "dương", "tăng", "giảm", "thị trường", "chứng khoán", "bất động sản",
	"du lịch", "trung quốc", "mỹ", "việt nam", "tỷ", "usd", "3,63", "tp.hcm", "xang", "dầu", "lãi suất",
	"nông dân", NULL,
};
static const char *const phrases[] = {
	"\"thị trường chứng khoán\"", "\"ngân hàng nhà nước\"", "\"da nang\"", "\"kinh te\"",
	"\"bất động sản\"", "\"lãi suất cho vay\"", "\"giá vàng\"", "\"xuất khẩu gạo\"", "\"tỷ đồng\"",
	"\"thủ tướng chính phủ\"", "NEAR(gia vang, 5)", "\"ha noi\"", "\"doanh nghiệp nhỏ\"", "\"covid 19\"",
	"\"dịch covid\"", NULL,
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void measure(struct store *st, const char *label, const char *const *list, int rounds)
{
	size_t n = 0;
	while (list[n])
		n++;
	double *ms = calloc(n * (size_t)rounds, sizeof *ms);
	size_t k = 0, rows = 0;
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			double t0 = now();
			buf q = BUF_INIT;
			sqlite3_stmt *stmt;
			fts_query_rewrite(&q, list[i], strlen(list[i]), false);
			if (store_prepare(st, &stmt, fts_search_sql)) {
				fprintf(stderr, "%s\n", st->err);
				exit(1);
			}
			sqlite3_bind_text(stmt, 1, q.data, -1, SQLITE_STATIC);
			sqlite3_bind_int(stmt, 2, 10);
			int rc;
			while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
				rows++;
			if (rc != SQLITE_DONE) {
				fprintf(stderr, "%s: %s\n", list[i], sqlite3_errmsg(st->db));
				exit(1);
			}
			sqlite3_finalize(stmt);
			buf_free(&q);
			ms[k++] = (now() - t0) * 1e3;
			if (getenv("BENCH_VERBOSE") && r == rounds - 1)
				fprintf(stderr, "%8.2f ms  %s\n", ms[k - 1], list[i]);
		}
	}
	qsort(ms, k, sizeof *ms, cmp_double);
	printf("search_%s_ms %.2f %.2f %zu\n", label, ms[k / 2], ms[(size_t)((double)k * 0.99)], rows);
	free(ms);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_search DB [ROUNDS]\n");
		return 2;
	}
	struct store st;
	if (store_open(&st, argv[1], STORE_READ)) {
		fprintf(stderr, "%s\n", st.err);
		return 1;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	measure(&st, "words", words, rounds);
	measure(&st, "phrases", phrases, rounds);
	store_close(&st);
	return 0;
}
