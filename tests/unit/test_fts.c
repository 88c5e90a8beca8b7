#include "testutil.h"

/* test_fts.c: the "trang" FTS5 tokenizer on a real (in-memory) SQLite
 * database: folded and strict search in one index, NFC/NFD, tone placement,
 * phrases, prefixes, NEAR, numbers, highlight offsets, query rewriting. */

#include <sqlite3.h>

#include "fts.h"

/* NFD spellings, written out so the source file itself stays NFC. */
#define NFD_HOA_OLD "Ho" "a\xcc\x80"              /* Hoà: a + grave */
#define NFD_DUONG "\xc4\x91u\xcc\x9bo\xcc\x9b\xcc\x80ng" /* đường */

static const char *const docs[] = {
        /* 1 */ "Đà Nẵng đón khách",
        /* 2 */ "điện đàm trực tuyến",
        /* 3 */ "con đường mới",
        /* 4 */ "dương liễu",
        /* 5 */ "đương nhiên",
        /* 6 */ NFD_HOA_OLD " bình ở Hà Nội",
        /* 7 */ "hòa giải",
        /* 8 */ "Giá 3,63 triệu đồng",
        /* 9 */ "năm nay",
        /* 10 */ "Nam Định",
        /* 11 */ "phố " NFD_DUONG " Láng",
        /* 12 */ "ca COVID-19 tại TP.HCM",
        /* 13 */ "Tổng thống V. Putin và khối B.",
};

static int setup(void **state)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trang')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?, ?)", -1, &st,
	                                    NULL),
	                 SQLITE_OK);
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		sqlite3_bind_int(st, 1, (int)i + 1);
		sqlite3_bind_text(st, 2, docs[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* The matching rowids, ascending, as "1,3,5" ("" for none; "error" when the
 * query fails). */
static char *matches(sqlite3 *db, const char *query)
{
	static char out[256];
	sqlite3_stmt *st;
	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, "%s%d", n ? "," : "", sqlite3_column_int(st, 0));
	}
	if (rc != SQLITE_DONE)
		snprintf(out, sizeof out, "error");
	sqlite3_finalize(st);
	return out;
}

static void test_folded_search_ignores_tones_marks_and_d_stroke(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(matches(db, "da nang"), "1");
	assert_string_equal(matches(db, "dien dam"), "2");
	assert_string_equal(matches(db, "duong"), "3,4,5,11");
	assert_string_equal(matches(db, "đường"), "3,4,5,11");
	assert_string_equal(matches(db, "NAM"), "9,10");
}

static void test_strict_search_keeps_diacritics_ignores_case(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(matches(db, "\"=đường\""), "3,11");
	assert_string_equal(matches(db, "\"=ĐƯỜNG\""), "3,11");
	assert_string_equal(matches(db, "\"=dương\""), "4");
	assert_string_equal(matches(db, "\"=đương\""), "5");
	assert_string_equal(matches(db, "\"=năm\""), "9");
	assert_string_equal(matches(db, "\"=nam\""), "10");
	assert_string_equal(matches(db, "\"=Đà Nẵng\""), "1");
	assert_string_equal(matches(db, "\"=da nang\""), "");
}

static void test_nfd_and_nfc_find_each_other(void **state)
{
	sqlite3 *db = *state;
	/* NFC query, NFD article (doc 11 has NFD đường, doc 6 NFD Hoà) */
	assert_string_equal(matches(db, "\"=đường\" láng"), "11");
	assert_string_equal(matches(db, "\"=hòa\" bình"), "6");
	/* NFD query, NFC article */
	assert_string_equal(matches(db, "\"=" NFD_DUONG "\" mới"), "3");
	assert_string_equal(matches(db, NFD_DUONG " mới"), "3");
}

static void test_old_and_new_tone_placement_match(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(matches(db, "\"=hoà\""), "6,7");
	assert_string_equal(matches(db, "\"=hòa\""), "6,7");
	assert_string_equal(matches(db, "hoa"), "6,7");
}

static void test_phrase_prefix_and_near_work_in_both_modes(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(matches(db, "\"da nang don\""), "1");
	assert_string_equal(matches(db, "\"nang da\""), "");
	assert_string_equal(matches(db, "\"=điện đàm\""), "2");
	assert_string_equal(matches(db, "dien*"), "2");
	assert_string_equal(matches(db, "\"=điệ\"*"), "2");
	assert_string_equal(matches(db, "\"=đi\"* \"=đàm\""), "2");
	assert_string_equal(matches(db, "NEAR(dien tuyen, 2)"), "2");
	assert_string_equal(matches(db, "NEAR(dien tuyen, 1)"), "");
	assert_string_equal(matches(db, "NEAR(\"=điện\" \"=trực\", 1)"), "2");
}

static void test_numbers_and_abbreviations_are_one_token(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(matches(db, "\"3,63\""), "8");
	assert_string_equal(matches(db, "\"63\""), "");
	assert_string_equal(matches(db, "\"covid-19\""), "12");
	assert_string_equal(matches(db, "\"tp.hcm\""), "12");
	assert_string_equal(matches(db, "\"v putin\""), "13");
	assert_string_equal(matches(db, "\"V. Putin\""), "13");
	assert_string_equal(matches(db, "\"khoi b\""), "13");
	assert_string_equal(matches(db, "covid"), "12");
	assert_string_equal(matches(db, "hcm"), "12");
	assert_string_equal(matches(db, "\"19\""), "");
}

static void test_highlight_uses_original_byte_offsets(void **state)
{
	sqlite3 *db = *state;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, "da nang", -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "[Đà] [Nẵng] đón khách");
	sqlite3_finalize(st);
}

static void test_unknown_tokenizer_argument_is_refused(void **state)
{
	sqlite3 *db = *state;
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(b, tokenize='trang x')",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
}

static char *rewrite(const char *q, bool strict)
{
	static buf out = BUF_INIT;
	buf_clear(&out);
	assert_int_equal(fts_query_rewrite(&out, q, strlen(q), strict), 0);
	return out.data ? out.data : "";
}

static void test_query_rewrite_quotes_terms_and_keeps_operators(void **state)
{
	assert_string_equal(rewrite("đường phố", true), "\"=đường\" \"=phố\"");
	assert_string_equal(rewrite("\"Đà Nẵng\"", true), "\"=Đà Nẵng\"");
	assert_string_equal(rewrite("dien* NEAR(a b, 3)", false), "\"dien\"* NEAR(\"a\" \"b\", 3)");
	assert_string_equal(rewrite("3,63 OR 16:33 AND COVID-19", false),
	                    "\"3,63\" OR \"16:33\" AND \"COVID-19\"");
	assert_string_equal(rewrite("body:hòa NOT TP.HCM", true), "body:\"=hòa\" NOT \"=TP.HCM\"");
	assert_string_equal(rewrite("say \"\"hi\"\"", false), "\"say\" \"\"\"hi\"\"\"");
	assert_string_equal(rewrite("{body}: ^hòa", true), "{body}: ^\"=hòa\"");
	buf out = BUF_INIT;
	assert_int_equal(fts_query_rewrite(&out, "\"open", 5, false), -1);
	buf_free(&out);
}

static void test_rewritten_strict_query_runs(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(matches(db, rewrite("Đường", true)), "3,11");
	assert_string_equal(matches(db, rewrite("3,63", false)), "8");
	assert_string_equal(matches(db, rewrite("dien* NEAR(dien tuyen, 2)", false)), "2");
	assert_string_equal(matches(db, rewrite("{body}: ^hòa", true)), "6,7");
	assert_string_equal(matches(db, rewrite("^giải", true)), "");
	assert_string_equal(matches(db, rewrite("body:hoa NOT giai", false)), "6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_folded_search_ignores_tones_marks_and_d_stroke),
	        cmocka_unit_test(test_strict_search_keeps_diacritics_ignores_case),
	        cmocka_unit_test(test_nfd_and_nfc_find_each_other),
	        cmocka_unit_test(test_old_and_new_tone_placement_match),
	        cmocka_unit_test(test_phrase_prefix_and_near_work_in_both_modes),
	        cmocka_unit_test(test_numbers_and_abbreviations_are_one_token),
	        cmocka_unit_test(test_highlight_uses_original_byte_offsets),
	        cmocka_unit_test(test_unknown_tokenizer_argument_is_refused),
	        cmocka_unit_test(test_query_rewrite_quotes_terms_and_keeps_operators),
	        cmocka_unit_test(test_rewritten_strict_query_runs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
