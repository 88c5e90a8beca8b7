#include "testutil.h"

/* test_fts_pretokens.c: tokens computed ahead (fts_pretokenize) and handed to
 * the "trang" tokenizer (fts_handoff_set), as the ingest workers and writer
 * do. Two FTS5 tables in one in-memory database, one filled by tokenizing,
 * one through the hand-over; the fts5vocab "instance" tables list every
 * (term, row, offset) and must be equal. A hand-over whose text differs is
 * not used. */

#include <sqlite3.h>
#include <string.h>

#include "fts.h"

static const char *const docs[] = {
        "Đà Nẵng đón khách",
        "Giá 3,63 triệu đồng, tăng 1.000 đồng lúc 16:33 ngày 25/02/2026",
        "ca COVID-19 tại TP.HCM; Tổng thống V. Putin và khối B.",
        "Ho" "a\xcc\x80" " bình ở Hà Nội", /* NFD: not what the ingest stores, but any text works */
        "email a@b.vn, https://dantri.com.vn/x.htm 50% năm Nam",
        "",
};

static int setup(void **state)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE VIRTUAL TABLE plain USING fts5(body, tokenize='trang');"
	                              "CREATE VIRTUAL TABLE handed USING fts5(body, tokenize='trang');"
	                              "CREATE VIRTUAL TABLE temp.vp USING fts5vocab(main, plain, instance);"
	                              "CREATE VIRTUAL TABLE temp.vh USING fts5vocab(main, handed, instance);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

static void insert(sqlite3 *db, const char *table, int rowid, const char *text)
{
	char *sql = sqlite3_mprintf("INSERT INTO %s(rowid, body) VALUES (?, ?)", table);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_bind_int(st, 1, rowid);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Every (term, row, offset) of a vocabulary table, one line each. */
static char *instances(sqlite3 *db, const char *vocab)
{
	char *sql = sqlite3_mprintf("SELECT group_concat(term || ' ' || doc || ' ' || offset, char(10)) "
	                            "FROM (SELECT * FROM %s ORDER BY term, doc, offset)",
	                            vocab);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_free(sql);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *v = (const char *)sqlite3_column_text(st, 0);
	char *out = strdup(v ? v : "");
	sqlite3_finalize(st);
	return out;
}

static size_t count_instances(sqlite3 *db, const char *vocab)
{
	char *all = instances(db, vocab);
	size_t n = all[0] ? 1 : 0;
	for (const char *p = all; *p; p++)
		n += *p == '\n';
	free(all);
	return n;
}

static void test_handed_tokens_make_the_same_index_as_tokenizing(void **state)
{
	sqlite3 *db = *state;
	struct fts_handoff *h = fts_handoff_of(db);
	assert_non_null(h);
	struct fts_pretokens pt = {0};
	size_t first[sizeof docs / sizeof docs[0] + 1];
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		first[i] = pt.n;
		assert_int_equal(fts_pretokenize(&pt, docs[i], strlen(docs[i])), 0);
	}
	first[sizeof docs / sizeof docs[0]] = pt.n;
	assert_true(pt.n > 60); /* folded and exact terms of every word */
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		insert(db, "plain", (int)i + 1, docs[i]);
		fts_handoff_set(h, docs[i], strlen(docs[i]), &pt, first[i], first[i + 1] - first[i]);
		insert(db, "handed", (int)i + 1, docs[i]);
	}
	char *a = instances(db, "vp"), *b = instances(db, "vh");
	assert_true(strlen(a) > 100);
	assert_string_equal(a, b);
	free(a);
	free(b);
	fts_pretokens_free(&pt);
}

static void test_hand_over_of_another_text_is_not_used(void **state)
{
	sqlite3 *db = *state;
	struct fts_handoff *h = fts_handoff_of(db);
	struct fts_pretokens pt = {0};
	/* Same length, other bytes: the tokenizer must tokenize what it is given. */
	const char *computed = "đường phố", *stored = "đường phổ";
	assert_int_equal(strlen(computed), strlen(stored));
	assert_int_equal(fts_pretokenize(&pt, computed, strlen(computed)), 0);
	fts_handoff_set(h, computed, strlen(computed), &pt, 0, pt.n);
	insert(db, "plain", 1, stored);
	char *a = instances(db, "vp");
	assert_non_null(strstr(a, "=phổ 1 1"));
	assert_null(strstr(a, "=phố"));
	free(a);
	fts_pretokens_free(&pt);
}

static void test_hand_over_serves_one_document(void **state)
{
	sqlite3 *db = *state;
	struct fts_handoff *h = fts_handoff_of(db);
	struct fts_pretokens pt = {0};
	const char *text = "năm nay";
	assert_int_equal(fts_pretokenize(&pt, text, strlen(text)), 0);
	/* Tokens deliberately cut short: only the first document may use them. */
	fts_handoff_set(h, text, strlen(text), &pt, 0, 1);
	insert(db, "handed", 1, text);
	insert(db, "plain", 1, text);
	insert(db, "handed", 2, text);
	insert(db, "plain", 2, text);
	assert_int_equal(count_instances(db, "vh"), 1 + 4); /* row 1: the one token handed */
	assert_int_equal(count_instances(db, "vp"), 4 + 4);
	fts_pretokens_free(&pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_handed_tokens_make_the_same_index_as_tokenizing, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hand_over_of_another_text_is_not_used, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hand_over_serves_one_document, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
