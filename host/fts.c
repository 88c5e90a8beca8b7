/* fts.c: the "trang" FTS5 tokenizer, on text.c's syllable tokenizer and keys.
 *
 * One index, two ways to search. For each token of a document (punctuation
 * and symbols are not indexed) the tokenizer emits:
 *   - the folded search key (text_fold_append: case folded, no tones or vowel
 *     marks, đ -> d): "Đường" -> "duong". Numbers, dates, times stay whole
 *     ("3,63", "25/02/2026"), so they are one token each; an initial's dot
 *     is dropped ("V." -> "v", as "khối B." at a sentence end needs); the
 *     lettered parts of an abbreviation are colocated too, so "covid" finds
 *     "COVID-19" and "hcm" finds "TP.HCM" (folded search only);
 *   - for tokens with letters (words, abbreviations, URLs, e-mail), a second
 *     token at the same position (FTS5_TOKEN_COLOCATED): '=' then the exact
 *     form (text_exact_append: Vietnamese clean-up with new tone style, case
 *     folded, NFC): "Đường" -> "=đường", "hoà" -> "=hòa". It is emitted even
 *     when it equals the folded key ("=nam"), or a strict "nam" would find
 *     "năm". Folded keys never contain '=' (it is punctuation to the
 *     tokenizer), so the two sets of terms never meet.
 * Queries are tokenized the same way, but emit one token per term: the folded
 * key, or the exact one when the quoted query string starts with '='
 * ("=đường"): MATCH '"=đường"' is strict, MATCH 'duong' or 'đường' is folded.
 * Mixing is allowed per term: '"=Đà" nang'. Because each query term maps to
 * exactly one index term at the same position as in the document, phrase
 * queries, NEAR and prefix queries work unchanged in both modes: 'dien*'
 * matches the folded terms, '"=điện"*' the exact ones. fts_query_rewrite
 * turns a user's query into this syntax (and quotes terms such as 3,63).
 * In queries the tokenizer joins dotted abbreviations whatever their case
 * (text_tokens.caseless_abbrev), since users type "tp.hcm" for TP.HCM.
 * NFC and NFD input, both tone placements, Ð/Đ and invisible characters give
 * the same terms, since both keys are computed from normalised forms.
 *
 * Tokenizing is most of the work of indexing, and SQLite's writer is one
 * thread. So the ingest workers tokenize paragraphs ahead (fts_pretokenize)
 * and the writer hands the tokens over (fts_handoff_set) just before it
 * inserts the paragraph; the tokenizer replays them only if it is given the
 * very same bytes they were computed from (compared in full), else it
 * tokenizes as usual. The terms depend on nothing but the text, so the index
 * is exactly what tokenizing on the writer would make. */
#include "fts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* One per connection (the tokenizer's context): the document handed over by
 * fts_handoff_set, if any. */
struct fts_handoff {
	const char *text;
	size_t len;
	const struct fts_pretokens *pt;
	size_t first, count;
};

struct fts_tok {
	struct fts_handoff *handoff;
};

static int fts_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	if (argc > 0)
		return SQLITE_ERROR; /* no arguments are defined: refuse typos */
	struct fts_tok *t = calloc(1, sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	t->handoff = ctx;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	free(t);
}

static bool has_letters(enum text_token_kind kind)
{
	return kind == TEXT_TOK_WORD || kind == TEXT_TOK_ABBREV || kind == TEXT_TOK_URL ||
	       kind == TEXT_TOK_EMAIL;
}

typedef int (*fts_token_fn)(void *ctx, int tflags, const char *token, int ntoken, int start,
                            int end);

/* The lettered parts of a folded abbreviation, colocated: "covid-19" is also
 * found as "covid", "tp.hcm" as "hcm". */
static int emit_parts(void *ctx, fts_token_fn emit, const buf *folded, int start, int end)
{
	const char *s = folded->data;
	size_t n = folded->len;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		bool letter = false;
		while (j < n && s[j] != '-' && s[j] != '.') {
			letter |= (unsigned char)s[j] >= 0x80 || (s[j] >= 'a' && s[j] <= 'z');
			j++;
		}
		if (letter && j - i < n) {
			int rc = emit(ctx, FTS5_TOKEN_COLOCATED, s + i, (int)(j - i), start, end);
			if (rc != SQLITE_OK)
				return rc;
		}
		i = j + 1;
	}
	return SQLITE_OK;
}

/* The tokens of one document or query, whatever computed them. */
static int tokenize_text(void *ctx, int flags, const char *text, int ntext, fts_token_fn emit)
{
	bool query = flags & FTS5_TOKENIZE_QUERY;
	bool strict = false;
	size_t off = 0;
	if (query && ntext > 0 && text[0] == FTS_STRICT_MARK) {
		strict = true;
		off = 1;
	}
	buf folded = BUF_INIT, exact = BUF_INIT;
	struct text_tokens it;
	struct text_token t;
	int rc = SQLITE_OK;
	text_tokens_init(&it, text + off, (size_t)ntext - off);
	it.caseless_abbrev = query; /* users type "tp.hcm" for TP.HCM */
	while (rc == SQLITE_OK && text_tokens_next(&it, &t)) {
		if (t.kind == TEXT_TOK_PUNCT || t.kind == TEXT_TOK_SYMBOL)
			continue;
		const char *s = text + off + t.start;
		size_t n = t.end - t.start;
		if (t.kind == TEXT_TOK_ABBREV && s[n - 1] == '.')
			n--; /* the initial "V." is found as "v", whatever the dot meant */
		int start = (int)(off + t.start), end = (int)(off + t.end);
		bool want_exact = has_letters(t.kind) && (!query || strict);
		bool want_folded = !query || !want_exact;
		buf_clear(&folded);
		buf_clear(&exact);
		int trc = TEXT_OK;
		if (want_folded)
			trc = text_fold_append(&folded, s, n);
		if (trc == TEXT_OK && want_exact) {
			trc = buf_appendc(&exact, FTS_STRICT_MARK) ? TEXT_ENOMEM : TEXT_OK;
			if (trc == TEXT_OK)
				trc = text_exact_append(&exact, s, n);
		}
		if (trc == TEXT_ENOMEM) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (trc != TEXT_OK)
			continue; /* invalid UTF-8 in a document: that token is not indexed */
		int tflags = 0; /* COLOCATED only after a first token at this position */
		if (want_folded && folded.len) {
			rc = emit(ctx, 0, folded.data, (int)folded.len, start, end);
			tflags = FTS5_TOKEN_COLOCATED;
		}
		if (rc == SQLITE_OK && want_exact && exact.len > 1) {
			rc = emit(ctx, tflags, exact.data, (int)exact.len, start, end);
			tflags = FTS5_TOKEN_COLOCATED;
		}
		if (rc == SQLITE_OK && !query && t.kind == TEXT_TOK_ABBREV && tflags)
			rc = emit_parts(ctx, emit, &folded, start, end);
	}
	buf_free(&folded);
	buf_free(&exact);
	return rc;
}

/* Replays tokens recorded by fts_pretokenize. */
static int replay(void *ctx, const struct fts_handoff *h, fts_token_fn emit)
{
	const struct fts_pretokens *pt = h->pt;
	for (size_t i = h->first; i < h->first + h->count; i++) {
		const struct fts_pretoken *r = &pt->tok[i];
		int rc = emit(ctx, (int)r->flags, pt->terms.data + r->term_off, (int)r->term_len, (int)r->start,
		              (int)r->end);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static int fts_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int ntext,
                        fts_token_fn emit)
{
	struct fts_handoff *h = ((struct fts_tok *)tok)->handoff;
	if (h && h->pt && flags == FTS5_TOKENIZE_DOCUMENT) {
		/* Only for the very text the tokens were computed from: then they are
		 * what tokenize_text would emit, since it depends on nothing else. */
		struct fts_handoff once = *h;
		h->pt = NULL; /* one document per hand-over */
		if ((size_t)ntext == once.len && memcmp(text, once.text, once.len) == 0)
			return replay(ctx, &once, emit);
	}
	return tokenize_text(ctx, flags, text, ntext, emit);
}

/* ---- Tokens computed ahead ---- */

static int record(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
	struct fts_pretokens *pt = ctx;
	if (pt->n == pt->cap) {
		size_t cap = pt->cap ? pt->cap * 2 : 256;
		struct fts_pretoken *p = realloc(pt->tok, cap * sizeof *p);
		if (!p)
			return SQLITE_NOMEM;
		pt->tok = p;
		pt->cap = cap;
	}
	if (pt->terms.len + (size_t)ntoken > UINT32_MAX)
		return SQLITE_TOOBIG;
	pt->tok[pt->n] = (struct fts_pretoken){.term_off = (uint32_t)pt->terms.len, .term_len = (uint32_t)ntoken,
	                                       .start = (uint32_t)start, .end = (uint32_t)end,
	                                       .flags = (uint32_t)tflags};
	if (buf_append(&pt->terms, token, (size_t)ntoken))
		return SQLITE_NOMEM;
	pt->n++;
	return SQLITE_OK;
}

int fts_pretokenize(struct fts_pretokens *pt, const char *text, size_t len)
{
	if (len > INT32_MAX)
		return -1;
	size_t n = pt->n, terms = pt->terms.len;
	if (tokenize_text(pt, FTS5_TOKENIZE_DOCUMENT, text, (int)len, record) != SQLITE_OK) {
		pt->n = n; /* as it was */
		pt->terms.len = terms;
		return -1;
	}
	return 0;
}

void fts_pretokens_free(struct fts_pretokens *pt)
{
	free(pt->tok);
	buf_free(&pt->terms);
	*pt = (struct fts_pretokens){0};
}

void fts_handoff_set(struct fts_handoff *h, const char *text, size_t len, const struct fts_pretokens *pt,
                     size_t first, size_t count)
{
	if (!h)
		return;
	h->text = text;
	h->len = len;
	h->pt = pt;
	h->first = first;
	h->count = count;
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL) == SQLITE_OK)
		sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int fts_register(sqlite3 *db)
{
	static fts5_tokenizer methods = {fts_create, fts_delete, fts_tokenize};
	fts5_api *api = fts5_api_of(db);
	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	struct fts_handoff *h = calloc(1, sizeof *h);
	if (!h)
		return SQLITE_NOMEM;
	/* FTS5 frees h when the connection closes. */
	int rc = api->xCreateTokenizer(api, "trang", h, &methods, free);
	return rc == SQLITE_OK ? fts_rank_register(db, api) : rc;
}

struct fts_handoff *fts_handoff_of(sqlite3 *db)
{
	fts5_api *api = fts5_api_of(db);
	void *ctx = NULL;
	fts5_tokenizer methods;
	if (!api || api->xFindTokenizer(api, "trang", &ctx, &methods) != SQLITE_OK)
		return NULL;
	return ctx;
}

/* ---- Query rewriting ---- */

static bool q_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool q_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether q[i] ends a term that started at start. ':' and ',' between digits
 * belong to the term (16:33, 3,63); '-' does inside a term (COVID-19). */
static bool q_term_end(const char *q, size_t len, size_t start, size_t i)
{
	char c = q[i];
	if (q_space(c) || strchr("\"()*^{}+", c))
		return true;
	if (c == ':' || c == ',')
		return !(i > start && q_digit(q[i - 1]) && i + 1 < len && q_digit(q[i + 1]));
	return false;
}

static int q_emit_term(buf *out, const char *s, size_t n, bool strict)
{
	if (buf_appendc(out, '"') || (strict && buf_appendc(out, FTS_STRICT_MARK)))
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((s[i] == '"' && buf_appendc(out, '"')) || buf_appendc(out, s[i]))
			return -1;
	return buf_appendc(out, '"');
}

int fts_query_rewrite(buf *out, const char *q, size_t len, bool strict)
{
	char prev = 0;      /* last non-space character copied or emitted */
	bool braces = false; /* inside a column set: {title body} */
	for (size_t i = 0; i < len;) {
		char c = q[i];
		if (q_space(c) || strchr("()*^{}+,-", c)) {
			if (c == '{' || c == '}')
				braces = c == '{';
			if (buf_appendc(out, c))
				return -1;
			if (!q_space(c))
				prev = c;
			i++;
			continue;
		}
		if (c == '"') {
			buf phrase = BUF_INIT;
			size_t j = i + 1;
			for (;; j++) {
				if (j >= len) {
					buf_free(&phrase);
					return -1;
				}
				if (q[j] == '"') {
					if (j + 1 < len && q[j + 1] == '"') {
						j++;
					} else {
						break;
					}
				}
				if (buf_appendc(&phrase, q[j])) {
					buf_free(&phrase);
					return -1;
				}
			}
			int rc = q_emit_term(out, phrase.data ? phrase.data : "", phrase.len, strict);
			buf_free(&phrase);
			if (rc)
				return -1;
			prev = '"';
			i = j + 1;
			continue;
		}
		size_t j = i;
		while (j < len && !q_term_end(q, len, i, j))
			j++;
		if (j == i) { /* a lone ':' or ',' */
			if (buf_appendc(out, c))
				return -1;
			prev = c;
			i++;
			continue;
		}
		const char *w = q + i;
		size_t n = j - i;
		bool keyword = (n == 3 && (!memcmp(w, "AND", 3) || !memcmp(w, "NOT", 3))) ||
		               (n == 2 && !memcmp(w, "OR", 2)) || (n == 4 && !memcmp(w, "NEAR", 4));
		bool column = j < len && q[j] == ':';
		bool distance = prev == ',';
		for (size_t k = 0; distance && k < n; k++)
			distance = q_digit(w[k]);
		if (keyword || column || distance || braces) {
			if (buf_append(out, w, n))
				return -1;
		} else if (q_emit_term(out, w, n, strict)) {
			return -1;
		}
		prev = w[n - 1];
		i = j;
	}
	return 0;
}
