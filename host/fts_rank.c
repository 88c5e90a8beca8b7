/* fts_rank.c: ranking paragraphs_fts by bm25 without a lookup per match.
 *
 * FTS5's bm25() reads each matching row's length from its %_docsize table:
 * one B-tree lookup per match, more than half of the time of a query whose
 * word is in a sixth of the corpus ("gia", "dau"). paragraphs_bm25() gives
 * the same scores (the same formula, k1 = 1.2, b = 0.75, the same IDF and
 * average length) but reads the lengths from paragraphs_fts_norms: each
 * paragraph's token count (the number FTS5 keeps in %_docsize), 4,096
 * paragraphs to a row as little-endian uint16, written by the ingest writer
 * in the transaction that indexes the paragraphs (fts_norms_*). FTS5 visits
 * matches in rowid order, so a query reads each row of lengths once.
 * A length of 0 means "not recorded" (a paragraph with no tokens matches
 * nothing): such a row's length is then asked of FTS5, so scores stay exact
 * whatever the norms hold. */
#include "fts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NORMS_SHIFT 12
#define NORMS_CHUNK (1 << NORMS_SHIFT) /* paragraphs per row of paragraphs_fts_norms */
#define NORMS_MAX 0xFFFF              /* a longer paragraph is asked of FTS5 */

/* ---- Reading the lengths ---- */

/* Recorded lengths by paragraph id, read a row of paragraphs_fts_norms at a
 * time: ids come in ascending order, so each row is read once. */
struct norms_reader {
	sqlite3_stmt *get;   /* NULL when there is no such table (an older database) */
	sqlite3_int64 chunk; /* the row in lens, or -1 */
	uint16_t lens[NORMS_CHUNK];
};

static void norms_reader_open(struct norms_reader *r, sqlite3 *db)
{
	r->chunk = -1;
	if (sqlite3_prepare_v2(db, "SELECT lens FROM paragraphs_fts_norms WHERE chunk = ?", -1, &r->get, NULL) !=
	    SQLITE_OK)
		r->get = NULL;
}

static void norms_reader_close(struct norms_reader *r)
{
	sqlite3_finalize(r->get);
	r->get = NULL;
}

/* Paragraph id's recorded length, 0 when unknown (not recorded, no row, a
 * short row, no table). */
static unsigned norms_reader_get(struct norms_reader *r, sqlite3_int64 id)
{
	if (!r->get || id < 0)
		return 0;
	sqlite3_int64 chunk = id >> NORMS_SHIFT;
	if (chunk != r->chunk) {
		memset(r->lens, 0, sizeof r->lens);
		sqlite3_bind_int64(r->get, 1, chunk);
		if (sqlite3_step(r->get) == SQLITE_ROW) {
			const unsigned char *b = sqlite3_column_blob(r->get, 0);
			size_t n = (size_t)sqlite3_column_bytes(r->get, 0) / 2;
			for (size_t i = 0; i < n && i < NORMS_CHUNK; i++)
				r->lens[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
		}
		sqlite3_reset(r->get);
		r->chunk = chunk;
	}
	return r->lens[id & (NORMS_CHUNK - 1)];
}

/* ---- The rank function ---- */

/* One per query (FTS5 auxiliary data): the terms' weights and the lengths. */
struct rank_query {
	int nphrase;
	double avgdl;
	double *idf, *freq; /* per phrase */
	struct norms_reader norms;
};

static void rank_query_free(void *p)
{
	struct rank_query *q = p;
	norms_reader_close(&q->norms);
	free(q->idf);
	free(q);
}

static int count_hit(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

/* The weights, as FTS5's bm25 computes them: IDF per phrase from the
 * number of rows that match it, average length from the index's totals. */
static int rank_query_new(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, struct rank_query **out)
{
	struct rank_query *q = calloc(1, sizeof *q);
	if (!q)
		return SQLITE_NOMEM;
	q->nphrase = api->xPhraseCount(fts);
	q->idf = calloc((size_t)q->nphrase * 2 + 1, sizeof *q->idf);
	if (!q->idf) {
		free(q);
		return SQLITE_NOMEM;
	}
	q->freq = q->idf + q->nphrase;
	sqlite3_int64 nrow = 0, ntoken = 0;
	int rc = api->xRowCount(fts, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntoken);
	q->avgdl = nrow ? (double)ntoken / (double)nrow : 0;
	for (int i = 0; rc == SQLITE_OK && i < q->nphrase; i++) {
		sqlite3_int64 nhit = 0;
		rc = api->xQueryPhrase(fts, i, &nhit, count_hit);
		double idf = log(((double)nrow - (double)nhit + 0.5) / ((double)nhit + 0.5));
		q->idf[i] = idf <= 0.0 ? 1e-6 : idf;
	}
	norms_reader_open(&q->norms, db);
	if (rc != SQLITE_OK) {
		rank_query_free(q);
		return rc;
	}
	*out = q;
	return SQLITE_OK;
}

/* The current row's length in tokens: recorded, else asked of FTS5. */
static int row_length(const Fts5ExtensionApi *api, Fts5Context *fts, struct rank_query *q, int *len)
{
	*len = (int)norms_reader_get(&q->norms, api->xRowid(fts));
	return *len ? SQLITE_OK : api->xColumnSize(fts, -1, len);
}

/* paragraphs_bm25(paragraphs_fts): the row's bm25 score, negative (smaller
 * is better), as bm25() without column weights. */
static void paragraphs_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                            sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	struct rank_query *q = api->xGetAuxdata(fts, 0);
	int rc = SQLITE_OK;
	if (!q) {
		rc = rank_query_new(api, fts, api->xUserData(fts), &q);
		if (rc == SQLITE_OK)
			rc = api->xSetAuxdata(fts, q, rank_query_free);
	}
	int ninst = 0, len = 0;
	if (rc == SQLITE_OK) {
		memset(q->freq, 0, (size_t)q->nphrase * sizeof *q->freq);
		rc = api->xInstCount(fts, &ninst);
	}
	if (rc == SQLITE_OK && q->nphrase == 1) /* every instance is of the one phrase */
		q->freq[0] = ninst;
	for (int i = 0; rc == SQLITE_OK && q->nphrase > 1 && i < ninst; i++) {
		int phrase, col, off;
		rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc == SQLITE_OK)
			q->freq[phrase] += 1.0;
	}
	if (rc == SQLITE_OK)
		rc = row_length(api, fts, q, &len);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double score = 0, norm = k1 * (1 - b + b * (double)len / q->avgdl);
	for (int i = 0; i < q->nphrase; i++)
		score += q->idf[i] * ((q->freq[i] * (k1 + 1.0)) / (q->freq[i] + norm));
	sqlite3_result_double(ctx, -1.0 * score);
}

int fts_rank_register(sqlite3 *db, fts5_api *api)
{
	return api->xCreateFunction(api, "paragraphs_bm25", db, paragraphs_bm25, NULL);
}

/* Rank in the FTS table alone, keep the best rows, then make snippets and
 * join the articles for those rows only: a column computed next to the
 * score (a snippet) would be computed for every match before the sort.
 * Equal scores go by rowid (ingest order), so the order is stable. */
const char fts_search_sql[] =
	"WITH best AS (SELECT rowid AS id, paragraphs_bm25(paragraphs_fts) AS score FROM paragraphs_fts "
	"WHERE paragraphs_fts MATCH ?1 ORDER BY score, rowid LIMIT ?2) "
	"SELECT a.path, a.title, a.date, p.idx, p.kind, p.s, p.e, "
	"(SELECT snippet(paragraphs_fts, 0, '" FTS_MARK_ON "', '" FTS_MARK_OFF "', '…', 16) FROM paragraphs_fts "
	"WHERE paragraphs_fts MATCH ?1 AND rowid = best.id), best.score "
	"FROM best JOIN paragraphs p ON p.id = best.id JOIN articles a ON a.id = p.article_id "
	"ORDER BY best.score, best.id";

/* ---- Lengths, written by the ingest ---- */

unsigned fts_doc_size(const struct fts_pretokens *pt, size_t first, size_t count)
{
	/* FTS5's count: a colocated token adds nothing, unless it comes first. */
	unsigned n = 0;
	for (size_t i = first; i < first + count; i++)
		if (!(pt->tok[i].flags & FTS5_TOKEN_COLOCATED) || n == 0)
			n++;
	return n;
}

int fts_norms_note(struct fts_norms *nm, sqlite3_int64 id, unsigned len)
{
	if (id < 0)
		return 0;
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 1024;
		struct fts_norm *p = realloc(nm->v, cap * sizeof *p);
		if (!p)
			return -1;
		nm->v = p;
		nm->cap = cap;
	}
	nm->v[nm->n] = (struct fts_norm){.id = id, .len = len > NORMS_MAX ? 0 : len, .seq = nm->n};
	nm->n++;
	return 0;
}

static int cmp_norm(const void *a, const void *b)
{
	const struct fts_norm *x = a, *y = b;
	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Patches one row of lengths with nm->v[from, to), all in that row. */
static int write_chunk(sqlite3_stmt *get, sqlite3_stmt *put, const struct fts_norms *nm, size_t from,
                       size_t to)
{
	unsigned char b[2 * NORMS_CHUNK] = {0};
	sqlite3_int64 chunk = nm->v[from].id >> NORMS_SHIFT;
	sqlite3_bind_int64(get, 1, chunk);
	int rc = sqlite3_step(get);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(get, 0);
		memcpy(b, sqlite3_column_blob(get, 0), n < sizeof b ? n : sizeof b);
	}
	sqlite3_reset(get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	for (size_t i = from; i < to; i++) {
		size_t at = 2 * (size_t)(nm->v[i].id & (NORMS_CHUNK - 1));
		b[at] = (unsigned char)(nm->v[i].len & 0xFF);
		b[at + 1] = (unsigned char)(nm->v[i].len >> 8);
	}
	sqlite3_bind_int64(put, 1, chunk);
	sqlite3_bind_blob(put, 2, b, sizeof b, SQLITE_STATIC);
	rc = sqlite3_step(put);
	sqlite3_reset(put);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int fts_norms_write(sqlite3 *db, struct fts_norms *nm)
{
	if (nm->n == 0)
		return SQLITE_OK;
	sqlite3_stmt *get = NULL, *put = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT lens FROM paragraphs_fts_norms WHERE chunk = ?", -1, &get, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO paragraphs_fts_norms(chunk, lens) VALUES (?, ?)", -1,
		                        &put, NULL);
	if (rc != SQLITE_OK)
		goto cleanup;
	/* By id, then in the order noted: a later note of the same id wins. */
	qsort(nm->v, nm->n, sizeof *nm->v, cmp_norm);
	for (size_t i = 0; rc == SQLITE_OK && i < nm->n;) {
		size_t j = i + 1;
		while (j < nm->n && nm->v[j].id >> NORMS_SHIFT == nm->v[i].id >> NORMS_SHIFT)
			j++;
		rc = write_chunk(get, put, nm, i, j);
		i = j;
	}
	nm->n = 0;
cleanup:
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return rc;
}

void fts_norms_free(struct fts_norms *nm)
{
	free(nm->v);
	*nm = (struct fts_norms){0};
}

/* A %_docsize record's length: one SQLite varint per column (here, one). */
static unsigned docsize_len(sqlite3_stmt *st, int col)
{
	const unsigned char *p = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	uint64_t len = 0;
	for (int i = 0; i < n && i < 9; i++) {
		len = len << 7 | (p[i] & 0x7F);
		if (!(p[i] & 0x80))
			break;
	}
	return len > NORMS_MAX ? 0 : (unsigned)len;
}

/* The lengths of a database indexed before paragraphs_fts_norms existed,
 * from FTS5's own %_docsize. */
int fts_norms_backfill(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	struct fts_norms nm = {0};
	int rc = sqlite3_prepare_v2(db,
	                            "SELECT id, sz FROM paragraphs_fts_docsize "
	                            "WHERE NOT EXISTS (SELECT 1 FROM paragraphs_fts_norms)",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fts_norms_note(&nm, sqlite3_column_int64(st, 0), docsize_len(st, 1))) {
			rc = SQLITE_NOMEM;
			goto cleanup;
		}
	}
	if (rc == SQLITE_DONE)
		rc = fts_norms_write(db, &nm);
cleanup:
	sqlite3_finalize(st);
	fts_norms_free(&nm);
	return rc;
}

int fts_norms_check(sqlite3 *db, sqlite3_int64 *differ, sqlite3_int64 *first)
{
	struct norms_reader norms;
	sqlite3_stmt *st = NULL;
	*differ = 0;
	*first = 0;
	int rc = sqlite3_prepare_v2(db, "SELECT id, sz FROM paragraphs_fts_docsize ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	norms_reader_open(&norms, db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		unsigned len = norms_reader_get(&norms, id); /* 0: not recorded, not wrong */
		if (len && len != docsize_len(st, 1) && (*differ)++ == 0)
			*first = id;
	}
	norms_reader_close(&norms);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
