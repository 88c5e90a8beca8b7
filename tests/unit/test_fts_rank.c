#include "testutil.h"

/* test_fts_rank.c: paragraphs_bm25 gives bm25()'s scores, to the bit, with
 * the lengths read from paragraphs_fts_norms, and still when the lengths
 * are missing or unknown; fts_doc_size counts tokens as FTS5 does; lengths
 * of a database indexed before the norms existed are filled in. */

#include <sqlite3.h>
#include <unistd.h>

#include "fts.h"
#include "store.h"

static const char *const texts[] = {
	"Giá vàng hôm nay tăng mạnh, giá vàng SJC lên 80 triệu đồng.",
	"Tổng Bí thư Tô Lâm điện đàm với Tổng thống V. Putin.",
	"Đà Nẵng đón 3,63 triệu lượt khách; TP.HCM đón 1.000 đoàn.",
	"giá",
	"Thị trường chứng khoán giảm, giá dầu tăng 2,3%, giá gạo xuất khẩu giữ nguyên.",
	"COVID-19 lan ra Hà Nội và TP.HCM, giá khẩu trang tăng gấp đôi, giá giá giá.",
	"…",
	"Xuất khẩu gạo năm 2024 đạt kỷ lục; giá lúa tăng theo.",
};
#define NTEXTS (sizeof texts / sizeof texts[0])

static const char *const queries[] = {
	"\"gia\"", "\"gia\" \"vang\"", "\"gia vang\"", "\"=giá\"", "\"gia\" OR \"dau\"", "\"xuat\"*",
	"NEAR(\"gia\" \"tang\", 3)", "\"tp\" \"hcm\"", "\"3,63\"", "\"gia\" NOT \"vang\"", "\"covid\"", NULL,
};

struct fixture {
	char dir[64];
	struct store st;
};

/* The real schema, one paragraph per text (rowids 1.., and 4100.. so that
 * two rows of lengths are used), lengths noted as the ingest notes them. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/trang-rank-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char path[128];
	snprintf(path, sizeof path, "%s/t.db", f->dir);
	assert_int_equal(store_open(&f->st, path, STORE_WRITE), 0);
	sqlite3 *db = f->st.db;
	sqlite3_stmt *ins;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO paragraphs_fts(rowid, text) VALUES (?, ?)", -1, &ins, NULL),
	                 SQLITE_OK);
	struct fts_norms nm = {0};
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (int copy = 0; copy < 2; copy++) {
		for (size_t i = 0; i < NTEXTS; i++) {
			sqlite3_int64 id = (sqlite3_int64)(copy ? 4100 : 1) + (sqlite3_int64)i;
			sqlite3_bind_int64(ins, 1, id);
			sqlite3_bind_text(ins, 2, texts[i], -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
			sqlite3_reset(ins);
			struct fts_pretokens pt = {0};
			assert_int_equal(fts_pretokenize(&pt, texts[i], strlen(texts[i])), 0);
			assert_int_equal(fts_norms_note(&nm, id, fts_doc_size(&pt, 0, pt.n)), 0);
			fts_pretokens_free(&pt);
		}
	}
	assert_int_equal(fts_norms_write(db, &nm), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_finalize(ins);
	fts_norms_free(&nm);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(&f->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Every row of every query: paragraphs_bm25 == bm25, as doubles. Returns
 * how many rows were compared. */
static int compare_scores(sqlite3 *db)
{
	sqlite3_stmt *q;
	int rows = 0;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT rowid, bm25(paragraphs_fts), paragraphs_bm25(paragraphs_fts) "
	                                    "FROM paragraphs_fts WHERE paragraphs_fts MATCH ?",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	for (size_t i = 0; queries[i]; i++) {
		sqlite3_bind_text(q, 1, queries[i], -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			double want = sqlite3_column_double(q, 1), got = sqlite3_column_double(q, 2);
			if (want != got)
				fail_msg("%s, row %lld: bm25 %.17g, paragraphs_bm25 %.17g", queries[i],
				         sqlite3_column_int64(q, 0), want, got);
			rows++;
		}
		assert_int_equal(rc, SQLITE_DONE);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return rows;
}

static int count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* Rewrites row `chunk` of paragraphs_fts_norms: n bytes of patch at byte
 * offset at, the whole cut to len bytes. */
static void patch_chunk(sqlite3 *db, int chunk, size_t len, size_t at, const void *patch, size_t n)
{
	sqlite3_stmt *q;
	unsigned char b[8192] = {0};
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT lens FROM paragraphs_fts_norms WHERE chunk = ?", -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int(q, 1, chunk);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	memcpy(b, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0));
	sqlite3_finalize(q);
	memcpy(b + at, patch, n);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE paragraphs_fts_norms SET lens = ? WHERE chunk = ?", -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(q, 1, b, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, chunk);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

static void test_scores_equal_bm25_to_the_bit(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(count(f->st.db, "SELECT count(*) FROM paragraphs_fts_norms"), 2);
	/* "gia" alone is in 6 of the 8 texts, twice over. */
	assert_true(compare_scores(f->st.db) > 40);
}

static void test_lengths_are_what_fts5_records(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(f->st.db, "SELECT id, sz FROM paragraphs_fts_docsize ORDER BY id", -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *n;
	assert_int_equal(sqlite3_prepare_v2(f->st.db, "SELECT lens FROM paragraphs_fts_norms WHERE chunk = ?", -1, &n, NULL),
	                 SQLITE_OK);
	int rows = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(q, 0);
		const unsigned char *sz = sqlite3_column_blob(q, 1);
		sqlite3_bind_int64(n, 1, id >> 12);
		assert_int_equal(sqlite3_step(n), SQLITE_ROW);
		const unsigned char *lens = sqlite3_column_blob(n, 0);
		unsigned len = lens[2 * (id & 4095)] | lens[2 * (id & 4095) + 1] << 8;
		assert_true(sz[0] < 0x80); /* one-byte varints: every text is short */
		assert_int_equal(len, sz[0]);
		sqlite3_reset(n);
		rows++;
	}
	assert_int_equal(rows, 2 * NTEXTS);
	sqlite3_finalize(q);
	sqlite3_finalize(n);
	/* "…" has no token, "giá" one; TP.HCM's colocated parts add nothing. */
	struct fts_pretokens pt = {0};
	assert_int_equal(fts_pretokenize(&pt, "…", strlen("…")), 0);
	assert_int_equal(fts_doc_size(&pt, 0, pt.n), 0);
	fts_pretokens_free(&pt);
	assert_int_equal(fts_pretokenize(&pt, "TP.HCM giá", strlen("TP.HCM giá")), 0);
	assert_true(pt.n > 2);
	assert_int_equal(fts_doc_size(&pt, 0, pt.n), 2);
	fts_pretokens_free(&pt);
}

static void test_missing_or_unknown_lengths_are_asked_of_fts5(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db = f->st.db;
	/* Unknown (0) for rows 1..3, rows 6.. past the end of a short blob,
	 * the second row of lengths gone: every score is still bm25's. */
	static const unsigned char zero[8] = {0};
	patch_chunk(db, 0, 12, 0, zero, sizeof zero);
	assert_int_equal(count(db, "SELECT length(lens) FROM paragraphs_fts_norms WHERE chunk = 0"), 12);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM paragraphs_fts_norms WHERE chunk = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_true(compare_scores(db) > 40);
	sqlite3_int64 differ = -1, first = -1;
	assert_int_equal(fts_norms_check(db, &differ, &first), SQLITE_OK);
	assert_int_equal(differ, 0); /* unknown is not wrong */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE paragraphs_fts_norms", NULL, NULL, NULL), SQLITE_OK);
	assert_true(compare_scores(db) > 40);
}

static void test_an_older_database_gets_its_lengths_filled_in(void **state)
{
	struct fixture *f = *state;
	char path[128];
	snprintf(path, sizeof path, "%s", f->st.path);
	assert_int_equal(sqlite3_exec(f->st.db, "DELETE FROM paragraphs_fts_norms", NULL, NULL, NULL), SQLITE_OK);
	store_close(&f->st);
	assert_int_equal(store_open(&f->st, path, STORE_WRITE), 0); /* opening to write fills them */
	assert_int_equal(count(f->st.db, "SELECT count(*) FROM paragraphs_fts_norms"), 2);
	test_lengths_are_what_fts5_records(state);
	assert_true(compare_scores(f->st.db) > 40);
}

static void test_the_check_finds_a_wrong_length(void **state)
{
	struct fixture *f = *state;
	sqlite3_int64 differ = -1, first = -1;
	assert_int_equal(fts_norms_check(f->st.db, &differ, &first), SQLITE_OK);
	assert_int_equal(differ, 0);
	/* paragraph 4101 (texts[1], 12 tokens) recorded as 3, paragraph 4102 as 200 */
	static const unsigned char wrong[4] = {3, 0, 200, 0};
	patch_chunk(f->st.db, 1, 8192, 2 * (4101 & 4095), wrong, sizeof wrong);
	assert_int_equal(fts_norms_check(f->st.db, &differ, &first), SQLITE_OK);
	assert_int_equal(differ, 2);
	assert_int_equal(first, 4101);
}

static void test_a_later_length_of_the_same_paragraph_wins(void **state)
{
	struct fixture *f = *state;
	struct fts_norms nm = {0};
	assert_int_equal(fts_norms_note(&nm, 4, 7), 0);
	assert_int_equal(fts_norms_note(&nm, 3, 5), 0);
	assert_int_equal(fts_norms_note(&nm, 4, 9), 0);
	assert_int_equal(fts_norms_note(&nm, 70000, 1), 0); /* paragraph longer than uint16: unknown */
	assert_int_equal(fts_norms_note(&nm, 5, 70000), 0);
	assert_int_equal(fts_norms_write(f->st.db, &nm), SQLITE_OK);
	assert_int_equal(nm.n, 0);
	fts_norms_free(&nm);
	assert_int_equal(count(f->st.db, "SELECT hex(substr(lens, 9, 2)) = '0900' FROM paragraphs_fts_norms WHERE chunk = 0"), 1);
	assert_int_equal(count(f->st.db, "SELECT hex(substr(lens, 7, 2)) = '0500' FROM paragraphs_fts_norms WHERE chunk = 0"), 1);
	assert_int_equal(count(f->st.db, "SELECT hex(substr(lens, 11, 2)) = '0000' FROM paragraphs_fts_norms WHERE chunk = 0"), 1);
	assert_int_equal(count(f->st.db, "SELECT length(lens) FROM paragraphs_fts_norms WHERE chunk = 17"), 8192);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_scores_equal_bm25_to_the_bit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_lengths_are_what_fts5_records, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_missing_or_unknown_lengths_are_asked_of_fts5, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_an_older_database_gets_its_lengths_filled_in, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_the_check_finds_a_wrong_length, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_a_later_length_of_the_same_paragraph_wins, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
