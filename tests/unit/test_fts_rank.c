#include "testutil.h"

/* test_fts_rank.c: fts_rank_floor, which bounds how many matches a ranked
 * search scores: the rowid of the cap-th latest match, or 0 when fewer match. */

#include <sqlite3.h>

#include "fts.h"

static int setup(void **state)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_register(db), SQLITE_OK);
	/* Rows 1..50; "gia" in every odd row, "vang" in rows 10, 20, 30. */
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trang');"
	                              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
	                              "INSERT INTO t(rowid, body) SELECT i, CASE WHEN i % 2 = 1 THEN 'giá lúa' "
	                              "WHEN i % 10 = 0 THEN 'giá vàng' ELSE 'lúa' END FROM n;",
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

static void test_floor_is_the_cap_th_latest_match(void **state)
{
	sqlite3_int64 from = -1;
	/* "gia" matches the 25 odd rows and rows 10, 20, 30, 40, 50: the 5th latest is 43. */
	assert_int_equal(fts_rank_floor(*state, "t", "\"gia\"", 5, &from), SQLITE_OK);
	assert_int_equal(from, 43);
	assert_int_equal(fts_rank_floor(*state, "t", "\"gia\"", 30, &from), SQLITE_OK);
	assert_int_equal(from, 1); /* exactly 30 match: all are ranked */
}

static void test_fewer_matches_than_the_cap_rank_them_all(void **state)
{
	sqlite3_int64 from = -1;
	assert_int_equal(fts_rank_floor(*state, "t", "\"gia\" \"vang\"", 10, &from), SQLITE_OK);
	assert_int_equal(from, 0);
	assert_int_equal(fts_rank_floor(*state, "t", "\"gia\"", 31, &from), SQLITE_OK);
	assert_int_equal(from, 0);
}

static void test_query_syntax_error_is_returned(void **state)
{
	sqlite3_int64 from = -1;
	assert_int_not_equal(fts_rank_floor(*state, "t", "\"gia", 10, &from), SQLITE_OK);
	assert_int_equal(from, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_floor_is_the_cap_th_latest_match),
	        cmocka_unit_test(test_fewer_matches_than_the_cap_rank_them_all),
	        cmocka_unit_test(test_query_syntax_error_is_returned),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
