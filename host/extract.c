/* extract.c: the tokenizer every extractor shares. One pass over the text splits
 * it into words, digit runs and punctuation, with lowercased, tone-folded keys
 * for lexicon look-ups. Relies on utf8proc for letter categories and case. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Decodes one code point at s[0..n); returns its length (1 for a bad byte,
 * decoded as U+FFFD so that a stray byte becomes punctuation, never a crash). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
	if (len == 0 || len > n)
		goto bad;
	uint32_t v = c & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
		cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
		cp == 0x3000 || cp == 0x2028 || cp == 0x2029 || cp == 0x85;
}

/* Invisible characters that real articles leave inside numbers and words. */
static bool is_transparent(uint32_t cp)
{
	return cp == 0xAD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
		cp == 0xFEFF;
}

/* Case of the Latin letters Vietnamese uses, without a library call: 1 lower,
 * 2 upper, 0 not one of them (ask utf8proc). */
static int latin_case(uint32_t cp)
{
	if (cp >= 0xC0 && cp <= 0xFF)
		return cp == 0xD7 || cp == 0xF7 ? 0 : cp < 0xDF ? 2 : 1;
	if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x14A && cp <= 0x177) ||
		(cp >= 0x1EA0 && cp <= 0x1EF9))
		return cp & 1 ? 1 : 2;
	if (cp == 0x1A0 || cp == 0x1AF)
		return 2;
	if (cp == 0x1A1 || cp == 0x1B0)
		return 1;
	return 0;
}

static bool is_letter(uint32_t cp, bool *upper)
{
	*upper = false;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z') {
			*upper = true;
			return true;
		}
		return cp >= 'a' && cp <= 'z';
	}
	int lc = latin_case(cp);
	if (lc) {
		*upper = lc == 2;
		return true;
	}
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	*upper = c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME;
}

enum { CLS_SPACE, CLS_INVIS, CLS_WORD, CLS_NUM, CLS_PUNCT };

static int classify(uint32_t cp, bool *upper)
{
	*upper = false;
	if (cp == ' ')
		return CLS_SPACE;
	if (cp >= '0' && cp <= '9')
		return CLS_NUM;
	if (is_letter(cp, upper))
		return CLS_WORD;
	if (is_space(cp))
		return CLS_SPACE;
	if (is_transparent(cp))
		return CLS_INVIS;
	return CLS_PUNCT;
}

/* classify() for ASCII, without decoding. */
static inline int ascii_class(unsigned c, bool *upper)
{
	*upper = c - 'A' < 26u;
	if (c - '0' < 10u)
		return CLS_NUM;
	if ((c | 32u) - 'a' < 26u)
		return CLS_WORD;
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return CLS_SPACE;
	return CLS_PUNCT;
}

/* One code point at s[i]: its length, value and class. */
static inline size_t next_char(const unsigned char *s, size_t left, uint32_t *cp, int *cls,
	bool *upper)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		*cls = ascii_class(s[0], upper);
		return 1;
	}
	size_t n = utf8_decode(s, left, cp);
	*cls = classify(*cp, upper);
	return n;
}

/* Tone folding: "hoà"/"hòa", "khoẻ"/"khỏe", "thuỷ"/"thủy" get one key, the
 * form with the mark on the first vowel (the one dantri.com.vn uses). */
static const uint32_t tone_a[5] = {0xE0, 0xE1, 0x1EA3, 0xE3, 0x1EA1};
static const uint32_t tone_e[5] = {0xE8, 0xE9, 0x1EBB, 0x1EBD, 0x1EB9};
static const uint32_t tone_y[5] = {0x1EF3, 0xFD, 0x1EF7, 0x1EF9, 0x1EF5};
static const uint32_t tone_o[5] = {0xF2, 0xF3, 0x1ECF, 0xF5, 0x1ECD};
static const uint32_t tone_u[5] = {0xF9, 0xFA, 0x1EE7, 0x169, 0x1EE5};

static int tone_of(uint32_t cp, const uint32_t *set)
{
	for (int i = 0; i < 5; i++)
		if (set[i] == cp)
			return i;
	return -1;
}

static void tone_fold(uint32_t *w, size_t n)
{
	if (n < 3)
		return;
	uint32_t v1 = w[n - 2], v2 = w[n - 1];
	int t;
	if (v1 == 'o' && ((t = tone_of(v2, tone_a)) >= 0)) {
		w[n - 2] = tone_o[t];
		w[n - 1] = 'a';
	} else if (v1 == 'o' && ((t = tone_of(v2, tone_e)) >= 0)) {
		w[n - 2] = tone_o[t];
		w[n - 1] = 'e';
	} else if (v1 == 'u' && w[n - 3] != 'q' && ((t = tone_of(v2, tone_y)) >= 0)) {
		w[n - 2] = tone_u[t];
		w[n - 1] = 'y';
	}
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static uint32_t to_lower(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	int lc = latin_case(cp);
	if (lc == 1)
		return cp;
	if (lc == 2)
		return cp < 0x100 ? cp + 0x20 : cp + 1;
	return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

/* Appends the key of a word (lowercased code points w[0..n), at most WORD_MAX:
 * longer words are keyed by their first WORD_MAX letters) to keys. */
static int key_append_word(buf *keys, uint32_t *w, size_t n)
{
	tone_fold(w, n);
	if (buf_reserve(keys, n * 4))
		return -1;
	for (size_t i = 0; i < n; i++)
		keys->len += utf8_encode(w[i], keys->data + keys->len);
	keys->data[keys->len] = '\0';
	return 0;
}

static int toks_push(extract_toks *t, const extract_tok *k)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		extract_tok *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *k;
	return 0;
}

int extract_lex_annotate(const extract_lexicon *lex, extract_toks *t);

#define WORD_MAX 64

int extract_tokenize(const extract_lexicon *lex, const char *text, size_t len, extract_toks *t)
{
	const unsigned char *s = (const unsigned char *)text;
	t->n = 0;
	t->text = text;
	buf_clear(&t->keys);
	if (len > UINT32_MAX)
		return EXTRACT_EINVAL;
	if (buf_reserve(&t->keys, len + 16))
		return EXTRACT_ENOMEM;
	if (t->cap < len / 4 + 16) {
		extract_tok *v = realloc(t->v, (len / 4 + 16) * sizeof *v);
		if (!v)
			return EXTRACT_ENOMEM;
		t->v = v;
		t->cap = len / 4 + 16;
	}
	bool space = true, nl = true;
	size_t i = 0;
	uint32_t w[WORD_MAX];
	while (i < len) {
		uint32_t cp;
		bool up;
		int cls;
		size_t n = next_char(s + i, len - i, &cp, &cls, &up);
		if (cls == CLS_SPACE) {
			space = true;
			if (cp == '\n' || cp == 0x2028 || cp == 0x2029)
				nl = true;
			i += n;
			continue;
		}
		if (cls == CLS_INVIS) {
			i += n;
			continue;
		}
		extract_tok k = {0};
		k.s = (uint32_t)i;
		k.space = space;
		k.nl = nl;
		k.type = cls == CLS_WORD ? TOK_WORD : cls == CLS_NUM ? TOK_NUM : TOK_PUNCT;
		k.key = (uint32_t)t->keys.len;
		space = nl = false;
		if (cls == CLS_PUNCT) {
			k.cp = cp;
			i += n;
			if (buf_append(&t->keys, s + k.s, n))
				return EXTRACT_ENOMEM;
		} else {
			/* A run of one class; invisible characters inside it are skipped. */
			size_t nw = 0;
			bool all_up = true, any_up = false, first = true;
			size_t end = i;
			while (i < len) {
				int c;
				n = next_char(s + i, len - i, &cp, &c, &up);
				if (c == CLS_INVIS) {
					i += n;
					continue;
				}
				if (c != cls)
					break;
				if (cls == CLS_WORD) {
					if (first)
						k.cap = up;
					first = false;
					all_up = all_up && up;
					any_up = any_up || up;
					if (nw < WORD_MAX)
						w[nw++] = to_lower(cp);
				} else if (buf_appendc(&t->keys, (char)cp)) {
					return EXTRACT_ENOMEM;
				}
				i += n;
				end = i;
			}
			i = end; /* trailing invisible characters belong to the space after */
			if (cls == CLS_WORD) {
				k.upper = all_up;
				k.anyup = any_up;
				if (key_append_word(&t->keys, w, nw))
					return EXTRACT_ENOMEM;
			}
		}
		k.e = (uint32_t)i;
		k.klen = (uint32_t)(t->keys.len - k.key);
		if (toks_push(t, &k))
			return EXTRACT_ENOMEM;
	}
	if (lex && extract_lex_annotate(lex, t))
		return EXTRACT_ENOMEM;
	return EXTRACT_OK;
}

void extract_toks_free(extract_toks *t)
{
	free(t->v);
	buf_free(&t->keys);
	memset(t, 0, sizeof *t);
}

const extract_lexent *extract_tok_lex(const extract_toks *t, size_t i, enum extract_lex_kind kind)
{
	if (i >= t->n || !t->v[i].lex || !extract_lexent_has(t->v[i].lex, kind))
		return NULL;
	return t->v[i].lex;
}

const char *extract_figure_kind_name(enum extract_figure_kind kind)
{
	static const char *names[] = {"number", "money", "percent", "quantity", "ratio"};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

const char *extract_granularity_name(enum extract_granularity g)
{
	static const char *names[] = {"minute", "hour", "partofday", "day", "week", "month",
		"quarter", "year", "decade"};
	return (unsigned)g < sizeof names / sizeof names[0] ? names[g] : "?";
}

const char *extract_mod_name(enum extract_mod m)
{
	static const char *names[] = {NULL, "START", "MID", "END"};
	return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : NULL;
}

const char *extract_entity_kind_name(enum extract_entity_kind kind)
{
	static const char *names[] = {"person", "org", "place", "other"};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

int extract_doc_new(const extract_lexicon *lex, const char *text, size_t len, extract_doc **out)
{
	int rc = EXTRACT_ENOMEM;
	*out = NULL;
	extract_doc *doc = calloc(1, sizeof *doc);
	if (!doc)
		return EXTRACT_ENOMEM;
	if ((rc = extract_tokenize(lex, text, len, &doc->toks)))
		goto cleanup;
	rc = EXTRACT_ENOMEM;
	if (!(doc->covered = calloc(doc->toks.n + 1, 1)))
		goto cleanup;
	if ((rc = extract_dates_parse(&doc->toks, &doc->dates, doc->covered)))
		goto cleanup;
	*out = doc;
	return EXTRACT_OK;
cleanup:
	extract_doc_free(doc);
	return rc;
}

void extract_doc_free(extract_doc *doc)
{
	if (!doc)
		return;
	extract_toks_free(&doc->toks);
	free(doc->dates.v);
	free(doc->covered);
	free(doc);
}
