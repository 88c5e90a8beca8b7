/* Fuzz target: the trang FTS5 tokenizer and the query rewrite. The input's
 * first half is a document, the second a user query: indexing and querying
 * must never crash, and a query SQLite refuses must fail cleanly. */
#include <sqlite3.h>
#include <string.h>

#include "fts.h"
#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	if (text_utf8_check(s, size) != size)
		return 0;
	size_t half = size / 2;
	while (half < size && ((unsigned char)s[half] & 0xC0) == 0x80)
		half++;
	sqlite3 *db;
	FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	FUZZ_CHECK(fts_register(db) == SQLITE_OK);
	FUZZ_CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trang')", NULL, NULL, NULL) ==
	           SQLITE_OK);
	sqlite3_stmt *q;
	FUZZ_CHECK(sqlite3_prepare_v2(db, "INSERT INTO t(x) VALUES (?)", -1, &q, NULL) == SQLITE_OK);
	sqlite3_bind_text(q, 1, s, (int)half, SQLITE_STATIC);
	FUZZ_CHECK(sqlite3_step(q) == SQLITE_DONE);
	sqlite3_finalize(q);
	for (int strict = 0; strict < 2; strict++) {
		buf rq = BUF_INIT;
		if (fts_query_rewrite(&rq, s + half, size - half, strict) == 0 && rq.len) {
			if (sqlite3_prepare_v2(db, "SELECT rowid, highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?", -1, &q,
			                       NULL) == SQLITE_OK) {
				sqlite3_bind_text(q, 1, rq.data, (int)rq.len, SQLITE_STATIC);
				while (sqlite3_step(q) == SQLITE_ROW)
					;
				sqlite3_finalize(q);
			}
		}
		buf_free(&rq);
	}
	FUZZ_CHECK(sqlite3_exec(db, "INSERT INTO t(t, rank) VALUES ('integrity-check', 1)", NULL, NULL, NULL) ==
	           SQLITE_OK);
	sqlite3_close(db);
	return 0;
}
