/* fts.h: the "trang" FTS5 tokenizer: one index that serves folded search
 * ("da nang" finds "Đà Nẵng") and strict search ("đường" is not "dương").
 * Design notes at the top of fts.c. */
#ifndef TRANG_FTS_H
#define TRANG_FTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"

/* Marks a strict (diacritics-exact) term: the first byte of a quoted query
 * string ("=đường"), and of every exact token stored in the index. */
#define FTS_STRICT_MARK '='

/* Registers the tokenizer "trang" (no arguments) with db's FTS5:
 *   CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'trang');
 * Returns SQLITE_OK or an SQLite error code (SQLITE_ERROR when db has no FTS5). */
int fts_register(sqlite3 *db);

/* Tokens of documents computed ahead of time, on any thread, by the same
 * code as the tokenizer: fts_pretokenize appends one document's tokens. */
struct fts_pretoken {
	uint32_t term_off, term_len; /* the term, in terms */
	uint32_t start, end;         /* byte span in the document */
	uint32_t flags;              /* 0 or FTS5_TOKEN_COLOCATED */
};
struct fts_pretokens {
	buf terms;
	struct fts_pretoken *tok;
	size_t n, cap;
};

/* Appends the tokens of the document text[0, len) to pt. Returns 0, or -1
 * (no memory; pt is left as it was). */
int fts_pretokenize(struct fts_pretokens *pt, const char *text, size_t len);
void fts_pretokens_free(struct fts_pretokens *pt);

/* The connection's hand-over point (NULL if "trang" is not registered). */
struct fts_handoff *fts_handoff_of(sqlite3 *db);

/* Hands tokens pt->tok[first, first + count), computed from text[0, len),
 * to the next document the connection's tokenizer is given: it replays them
 * if that document is byte for byte the same text, else tokenizes it. The
 * hand-over serves one document; the caller keeps text and pt alive until
 * the statement that indexes it has run. NULL pt cancels it. */
void fts_handoff_set(struct fts_handoff *h, const char *text, size_t len, const struct fts_pretokens *pt,
                     size_t first, size_t count);

/* Ranking by bm25 costs about a microsecond for each matching paragraph, and
 * a common folded syllable ("gia", "dau") matches a sixth of a news corpus:
 * ranking them all would take most of a second on a gigabyte. A query that
 * matches more than FTS_RANK_CANDIDATES paragraphs is therefore ranked among
 * the latest FTS_RANK_CANDIDATES of them (highest rowid: last ingested). */
#define FTS_RANK_CANDIDATES 2000

/* For the rewritten query fts_query (see fts_query_rewrite) on the FTS5 table
 * `table`: *from is set to the smallest rowid among the latest `cap` matches
 * when there are at least cap, else to 0 (rank them all); a ranked query
 * then adds "AND rowid >= from". Walks those matches' rowids only (under a
 * few milliseconds for 2,000). Returns SQLITE_OK or SQLite's error code (a query
 * syntax error, for one). */
int fts_rank_floor(sqlite3 *db, const char *table, const char *fts_query, int cap, sqlite3_int64 *from);

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
