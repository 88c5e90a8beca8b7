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

/* ---- Ranking (fts_rank.c) ---- */

/* Registers the FTS5 function paragraphs_bm25(paragraphs_fts): bm25() of
 * paragraphs_fts, the same scores, with each row's length read from
 * paragraphs_fts_norms instead of one %_docsize lookup per match. fts_register
 * calls it. */
int fts_rank_register(sqlite3 *db, fts5_api *api);

/* The length FTS5 records for a document whose tokens are
 * pt->tok[first, first + count): colocated tokens do not count. */
unsigned fts_doc_size(const struct fts_pretokens *pt, size_t first, size_t count);

/* Lengths noted by the ingest writer for the paragraphs it indexes, written
 * to paragraphs_fts_norms in the same transaction (fts_norms_write, just
 * before COMMIT: writing them as they come would flush FTS5's pending terms). */
struct fts_norm {
	sqlite3_int64 id;
	unsigned len, seq;
};
struct fts_norms {
	struct fts_norm *v;
	size_t n, cap;
};
/* Notes paragraph id's length. 0, or -1 (no memory). */
int fts_norms_note(struct fts_norms *nm, sqlite3_int64 id, unsigned len);
/* Writes the noted lengths and forgets them. SQLITE_OK or SQLite's error. */
int fts_norms_write(sqlite3 *db, struct fts_norms *nm);
void fts_norms_free(struct fts_norms *nm);
/* Fills an empty paragraphs_fts_norms from FTS5's own lengths (a database
 * indexed before it existed). SQLITE_OK or SQLite's error. */
int fts_norms_backfill(sqlite3 *db);
/* Compares every recorded length with FTS5's: *differ is how many differ
 * (unknown ones, 0, do not), *first the first such paragraph's id.
 * SQLITE_OK or SQLite's error. */
int fts_norms_check(sqlite3 *db, sqlite3_int64 *differ, sqlite3_int64 *first);

/* Match markers that snippet() and highlight() put in the searches' text. */
#define FTS_MARK_ON "\x02"
#define FTS_MARK_OFF "\x03"

/* The ranked search of `trang search` (and of make bench): ?1 the query
 * (fts_query_rewrite), ?2 how many rows. Columns: article path, title, date,
 * paragraph idx, kind, s, e, snippet (matches between FTS_MARK_ON and
 * FTS_MARK_OFF), score (bm25, negative: smaller is better); best first. */
extern const char fts_search_sql[];

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
