/* fts.h: the "trang" FTS5 tokenizer: one index that serves folded search
 * ("da nang" finds "Đà Nẵng") and strict search ("đường" is not "dương").
 * Design notes at the top of fts.c. */
#ifndef TRANG_FTS_H
#define TRANG_FTS_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"

/* Marks a strict (diacritics-exact) term: the first byte of a quoted query
 * string ("=đường"), and of every exact token stored in the index. */
#define FTS_STRICT_MARK '='

/* Registers the tokenizer "trang" (no arguments) with db's FTS5:
 *   CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'trang');
 * Returns SQLITE_OK or an SQLite error code (SQLITE_ERROR when db has no FTS5). */
int fts_register(sqlite3 *db);

/* Rewrites a user query into FTS5 syntax for the trang tokenizer: each term
 * (bareword or quoted phrase) is quoted, so terms such as 3,63, TP.HCM,
 * COVID-19 and 16:33 need no quoting by the user; with strict, each gets the
 * FTS_STRICT_MARK. Operators (AND OR NOT NEAR, parentheses, *, ^, +, column
 * filters "col:", NEAR's ", N") are kept as they are.
 *   đường phố       -> "=đường" "=phố"         (strict)
 *   dien* NEAR(a b, 3) -> "dien"* NEAR("a" "b", 3)
 * Returns 0, or -1 when memory runs out or a quote is not closed. */
int fts_query_rewrite(buf *out, const char *q, size_t len, bool strict);

#endif
