/* text_token.c: the Vietnamese syllable tokenizer (see text.h): words,
 * numbers, dates, times, percentages, URLs, e-mail addresses, abbreviations,
 * punctuation and symbols, with byte spans. Character classes come from
 * utf8proc, through a table for the letters Vietnamese uses (built once from
 * the same classification, so both ways agree). */
#include "text.h"

#include <pthread.h>
#include <string.h>
#include <utf8proc.h>

#include "text_internal.h"

enum cclass { CC_SPACE, CC_INVIS, CC_LETTER, CC_MARK, CC_DIGIT, CC_PUNCT, CC_SYMBOL, CC_BAD };

static inline enum cclass cclass_of(int32_t c)
{
	if (c < 0x80) {
		if (c < 0)
			return CC_BAD;
		if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return CC_LETTER;
		if (c >= '0' && c <= '9')
			return CC_DIGIT;
		if (c <= ' ' || c == 0x7F)
			return CC_SPACE;
		switch (c) {
		case '$': case '+': case '<': case '=': case '>': case '^': case '`': case '|':
		case '~':
			return CC_SYMBOL;
		default:
			return CC_PUNCT;
		}
	}
	if (is_invisible(c))
		return CC_INVIS;
	int at = latin_index(c);
	switch (at >= 0 ? (utf8proc_category_t)text_latin[at].category : utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
		return CC_LETTER; /* digits of other scripts belong to words */
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return CC_MARK;
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
		return CC_SPACE;
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
		return CC_PUNCT;
	default:
		return CC_SYMBOL;
	}
}

/* Cursor helpers over the tokenizer's input. */

/* cclass_of and utf8proc_isupper of the letters Vietnamese uses, by qidx. */
enum { TOKQ_CLASS = 0x0F, TOKQ_UPPER = 0x10 };
static uint8_t tok_q[QIDX_COUNT];
static struct text_once tok_once = TEXT_ONCE_INIT;

static void tok_build(void)
{
	text_latin_init();
	for (int q = 0; q < QIDX_COUNT; q++) {
		int32_t c = qidx_cp(q);
		tok_q[q] = (uint8_t)(cclass_of(c) | (utf8proc_isupper(c) ? TOKQ_UPPER : 0));
	}
}

struct tk {
	const uint8_t *p;
	size_t len;
	bool caseless; /* text_tokens.caseless_abbrev */
};

static inline int32_t tk_cp(const struct tk *t, size_t i, size_t *n)
{
	if (i >= t->len) {
		*n = 0;
		return -2;
	}
	return utf8_decode(t->p + i, t->len - i, n);
}

static inline int tk_byte(const struct tk *t, size_t i)
{
	return i < t->len ? t->p[i] : -1;
}

static inline bool tk_digit(const struct tk *t, size_t i)
{
	int b = tk_byte(t, i);
	return b >= '0' && b <= '9';
}

/* Class of the character at i < t->len, its code point in *c and length in
 * *n; the table answers for the letters Vietnamese uses. */
static inline enum cclass tk_class(const struct tk *t, size_t i, int32_t *c, size_t *n,
                                   bool *upper)
{
	int q = qidx_at(t->p + i, t->len - i, n);
	if (q >= 0) {
		*c = qidx_cp(q);
		*upper = tok_q[q] & TOKQ_UPPER;
		return (enum cclass)(tok_q[q] & TOKQ_CLASS);
	}
	*c = utf8_decode(t->p + i, t->len - i, n);
	enum cclass k = cclass_of(*c);
	*upper = k == CC_LETTER && utf8proc_isupper(*c);
	return k;
}

/* End of a run of letters and marks from i, invisible characters included
 * when a letter or mark follows them. Clears *upper_only when one of the
 * letters is not upper case. */
static size_t tk_letters(const struct tk *t, size_t i, bool *upper_only)
{
	const uint8_t *p = t->p;
	size_t len = t->len, n;
	bool up = upper_only && *upper_only;
	for (;;) {
		if (i >= len)
			break;
		uint8_t b = p[i];
		if (b < 0x80) { /* ASCII: a letter or the end */
			if ((unsigned)((b | 0x20) - 'a') >= 26u)
				break;
			up &= b < 'a';
			i++;
			continue;
		}
		int32_t c;
		bool cup;
		enum cclass k = tk_class(t, i, &c, &n, &cup);
		if (k == CC_LETTER || k == CC_MARK) {
			up &= k == CC_MARK || cup;
			i += n;
			continue;
		}
		if (k == CC_INVIS) {
			size_t m;
			enum cclass nk = cclass_of(tk_cp(t, i + n, &m));
			if (m && (nk == CC_LETTER || nk == CC_MARK)) {
				i += n;
				continue;
			}
		}
		break;
	}
	if (upper_only)
		*upper_only = up;
	return i;
}

static size_t tk_alnum(const struct tk *t, size_t i, bool *digit)
{
	for (;;) {
		size_t j = tk_letters(t, i, NULL);
		size_t k = j;
		while (tk_digit(t, k))
			k++;
		if (k > j)
			*digit = true;
		if (k == i)
			return i;
		i = k;
	}
}

/* Digits, with invisible characters between digits allowed. Stores the value
 * of the first 9 digits in *val and the number of digits in *nd. */
static size_t tk_digits(const struct tk *t, size_t i, long *val, int *nd)
{
	long v = 0;
	int d = 0;
	for (;;) {
		if (tk_digit(t, i)) {
			if (d < 9)
				v = v * 10 + (t->p[i] - '0');
			d++;
			i++;
			continue;
		}
		size_t n;
		int32_t c = tk_cp(t, i, &n);
		if (d && n && is_invisible(c) && tk_digit(t, i + n)) {
			i += n;
			continue;
		}
		break;
	}
	*val = v;
	*nd = d;
	return i;
}

static bool ascii_ieq(const struct tk *t, size_t i, const char *lit)
{
	size_t n = strlen(lit);
	if (i + n > t->len)
		return false;
	for (size_t k = 0; k < n; k++)
		if ((t->p[i + k] | 0x20) != lit[k])
			return false;
	return true;
}

/* URL from i (after a scheme or "www."): up to a space, minus trailing punctuation. */
static size_t tk_url_end(const struct tk *t, size_t i)
{
	size_t n;
	while (i < t->len) {
		int32_t c = tk_cp(t, i, &n);
		enum cclass k = cclass_of(c);
		if (k == CC_SPACE || k == CC_INVIS || k == CC_BAD || c == '"' || c == '<' ||
		    c == '>' || c == 0x201C || c == 0x201D)
			break;
		i += n;
	}
	while (i > 0 && strchr(".,;:!?)]}'", t->p[i - 1]) && t->p[i - 1] < 0x80)
		i--;
	return i;
}

static bool is_tld(const uint8_t *s, size_t n)
{
	static const char *const tlds[] = {"vn", "com", "net", "org", "gov", "edu", "info",
	                                   "io", "int", "uk", "us", "fr", "de", "jp", "cn"};
	for (size_t k = 0; k < sizeof tlds / sizeof tlds[0]; k++)
		if (strlen(tlds[k]) == n && !memcmp(tlds[k], s, n))
			return true;
	return false;
}

/* [A-Za-z0-9_-], as two 64-bit masks over ASCII (b may be -1, the end). */
static inline bool url_char(int b)
{
	static const uint64_t lo = 0x3FFULL << '0' | 1ULL << '-';
	static const uint64_t hi = 0x3FFFFFFULL << ('A' - 64) | 1ULL << ('_' - 64) |
	                           0x3FFFFFFULL << ('a' - 64);
	if ((unsigned)b >= 128)
		return false;
	return (b < 64 ? lo >> b : hi >> (b - 64)) & 1;
}

/* A bare domain from start (dantri.com.vn, VnExpress.net/path): end, or 0. */
static size_t tk_domain(const struct tk *t, size_t start)
{
	size_t i = start, last = 0, dots = 0;
	while (url_char(tk_byte(t, i)))
		i++;
	while (tk_byte(t, i) == '.' && url_char(tk_byte(t, i + 1))) {
		size_t seg = ++i;
		bool lower = true;
		while (url_char(tk_byte(t, i))) {
			if (!(t->p[i] >= 'a' && t->p[i] <= 'z'))
				lower = false;
			i++;
		}
		dots++;
		if (lower && is_tld(t->p + seg, i - seg))
			last = i;
	}
	if (!dots || last != i)
		return 0;
	if (tk_byte(t, i) == '/')
		return tk_url_end(t, i);
	return i;
}

/* An e-mail address from start, or 0. */
static size_t tk_email(const struct tk *t, size_t start)
{
	size_t i = start;
	int b;
	while ((b = tk_byte(t, i)) >= 0 && (url_char(b) || b == '.' || b == '+' || b == '%'))
		i++;
	if (i == start || tk_byte(t, i) != '@')
		return 0;
	/* The domain ends after its last known top-level domain, if it has one:
	 * "giaoduc@dantri.com.vn.Trong" lost a space, not a label. */
	size_t d = ++i, dots = 0, last_tld = 0;
	while ((b = tk_byte(t, i)) >= 0 && (url_char(b) || (b == '.' && url_char(tk_byte(t, i + 1))))) {
		i++;
		if (b == '.') {
			size_t seg = i;
			dots++;
			while (url_char(tk_byte(t, i)))
				i++;
			if (is_tld(t->p + seg, i - seg))
				last_tld = i;
		}
	}
	if (last_tld)
		i = last_tld;
	return dots && i > d ? i : 0;
}

static size_t tk_word(const struct tk *t, size_t i, enum text_token_kind *kind)
{
	size_t start = i;
	bool upper = true, digit = false;
	*kind = TEXT_TOK_WORD;
	/* One pass over the leading ASCII letters serves both the address
	 * check and the word (tk_letters goes on from where it stopped). */
	size_t a = i;
	bool up = true;
	while (a < t->len && (unsigned)((t->p[a] | 0x20) - 'a') < 26u)
		up &= t->p[a++] < 'a';
	size_t letters = a;
	while (url_char(tk_byte(t, a)))
		a++;
	int after = tk_byte(t, a);
	if (after == '.' || after == '@' || after == '+' || after == '%') {
		/* Only then can it be an address (an ASCII run, then one of these). */
		size_t e = tk_email(t, i);
		if (e) {
			*kind = TEXT_TOK_EMAIL;
			return e;
		}
		e = tk_domain(t, i);
		if (e) {
			*kind = TEXT_TOK_URL;
			return e;
		}
	}
	if (t->caseless) {
		i = tk_letters(t, letters, NULL);
	} else {
		upper = up;
		i = tk_letters(t, letters, &upper);
	}
	if (tk_digit(t, i)) { /* U23, A320, H5N1 */
		i = tk_alnum(t, i, &digit);
		*kind = TEXT_TOK_ABBREV;
	}
	/* Hyphen chains with a digit somewhere: COVID-19, F-16, SARS-CoV-2. */
	if (tk_byte(t, i) == '-') {
		size_t j = i, end = i;
		bool d = digit;
		while (tk_byte(t, j) == '-') {
			size_t k = tk_alnum(t, j + 1, &d);
			if (k == j + 1)
				break;
			end = j = k;
		}
		if (d && end > i) {
			i = end;
			*kind = TEXT_TOK_ABBREV;
		}
	}
	/* Capitals then a dot then a letter, no space: TP.HCM, V.Putin. */
	while (upper && *kind != TEXT_TOK_URL && tk_byte(t, i) == '.') {
		size_t n;
		int32_t c = tk_cp(t, i + 1, &n);
		if (!n || cclass_of(c) != CC_LETTER || !(t->caseless || utf8proc_isupper(c)))
			break;
		bool up2 = true;
		i = tk_letters(t, i + 1, t->caseless ? NULL : &up2);
		upper = up2;
		*kind = TEXT_TOK_ABBREV;
	}
	/* One ASCII capital and its dot: the initial in "V. Putin" (also "khối
	 * B." at a sentence end; "châu Á." is a word: Vietnamese syllables are
	 * not initials). */
	if (*kind == TEXT_TOK_WORD && tk_byte(t, i) == '.' && upper) {
		size_t n;
		int32_t c = tk_cp(t, start, &n);
		if (start + n == i && c < 0x80 && (t->caseless || utf8proc_isupper(c))) {
			i++;
			*kind = TEXT_TOK_ABBREV;
		}
	}
	return i;
}

/* Whether the word before start names a day or a time of day ("Tối 24-1",
 * "ngày 05-01"): d-m with a hyphen is a date only then or when zero-padded,
 * since "1-2 ngày", "3-4 người" and the score "2-1" are far more common. */
static bool after_day_word(const struct tk *t, size_t start)
{
	static const char *const words[] = {"ngày", "tối", "sáng", "trưa", "chiều", "đêm",
	                                    "hôm",  "mùng", "mồng", "rạng", "khuya"};
	size_t e = start;
	while (e > 0 && t->p[e - 1] == ' ')
		e--;
	size_t b = e;
	while (b > 0 && (t->p[b - 1] >= 0x80 || ((t->p[b - 1] | 0x20) >= 'a' &&
	                                         (t->p[b - 1] | 0x20) <= 'z')))
		b--;
	if (b == e || e - b > 8)
		return false;
	uint8_t w[8];
	memcpy(w, t->p + b, e - b);
	if (w[0] < 0x80)
		w[0] |= 0x20; /* Tối, Sáng */
	else if (e - b >= 2 && w[0] == 0xC4 && w[1] == 0x90)
		w[1] = 0x91; /* Đêm */
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
		if (strlen(words[k]) == e - b && !memcmp(words[k], w, e - b))
			return true;
	return false;
}

static size_t tk_number(const struct tk *t, size_t i, enum text_token_kind *kind)
{
	size_t start = i;
	long v[3];
	int nd[3], groups = 0;
	char sep = 0;
	bool mixed = false;
	i = tk_digits(t, i, &v[0], &nd[0]);
	*kind = TEXT_TOK_NUMBER;
	/* Groups: 1.000.000, 3,63, 34.9, 10.2.2017 */
	while ((tk_byte(t, i) == '.' || tk_byte(t, i) == ',') && tk_digit(t, i + 1)) {
		if (sep && sep != t->p[i])
			mixed = true;
		sep = (char)t->p[i];
		long gv;
		int gd;
		i = tk_digits(t, i + 1, &gv, &gd);
		if (groups < 2) {
			v[groups + 1] = gv;
			nd[groups + 1] = gd;
		}
		groups++;
	}
	int b = tk_byte(t, i);
	if (b == '%') {
		*kind = TEXT_TOK_PERCENT;
		return i + 1;
	}
	if (groups == 2 && sep == '.' && !mixed && nd[0] <= 2 && nd[1] <= 2 && nd[2] == 4 &&
	    v[0] >= 1 && v[0] <= 31 && v[1] >= 1 && v[1] <= 12) {
		*kind = TEXT_TOK_DATE;
		return i;
	}
	if (groups)
		goto range;
	if (b == ':' && tk_digit(t, i + 1) && tk_digit(t, i + 2) && !tk_digit(t, i + 3) &&
	    nd[0] <= 2 && v[0] <= 24 && (t->p[i + 1] - '0') <= 5) {
		i += 3;
		if (tk_byte(t, i) == ':' && tk_digit(t, i + 1) && tk_digit(t, i + 2) &&
		    !tk_digit(t, i + 3) && (t->p[i + 1] - '0') <= 5)
			i += 3;
		*kind = TEXT_TOK_TIME;
		return i;
	}
	if ((b == 'h' || b == 'H') && nd[0] <= 2 && v[0] <= 24) {
		size_t j = i + 1;
		if (tk_digit(t, j) && tk_digit(t, j + 1) && !tk_digit(t, j + 2) &&
		    (t->p[j] - '0') <= 5)
			j += 2;
		size_t n;
		int32_t c = tk_cp(t, j, &n);
		enum cclass k = n ? cclass_of(c) : CC_SPACE;
		if (k != CC_LETTER && k != CC_MARK && k != CC_DIGIT) {
			*kind = TEXT_TOK_TIME;
			return j;
		}
		return i;
	}
	if (b == '/' && tk_digit(t, i + 1)) {
		size_t j = tk_digits(t, i + 1, &v[1], &nd[1]);
		int parts = 2;
		if (tk_byte(t, j) == '/' && tk_digit(t, j + 1)) {
			j = tk_digits(t, j + 1, &v[2], &nd[2]);
			parts = 3;
		}
		bool dm = nd[0] <= 2 && nd[1] <= 2 && v[0] >= 1 && v[0] <= 31 && v[1] >= 1 &&
		          v[1] <= 12;
		bool my = parts == 2 && nd[0] <= 2 && v[0] >= 1 && v[0] <= 12 && nd[1] == 4;
		if ((parts == 2 && (dm || my)) || (parts == 3 && dm && (nd[2] == 2 || nd[2] == 4)))
			*kind = TEXT_TOK_DATE;
		return j; /* otherwise a fraction, kept whole as a number */
	}
	if (b == '-' && tk_digit(t, i + 1)) {
		long v2, v3;
		int d2, d3;
		size_t j = tk_digits(t, i + 1, &v2, &d2);
		bool padded = t->p[start] == '0' || t->p[i + 1] == '0';
		if (!(tk_byte(t, j) == '.' || tk_byte(t, j) == ',') || !tk_digit(t, j + 1)) {
			if (nd[0] <= 2 && d2 <= 2 && v[0] >= 1 && v[0] <= 31 && v2 >= 1 && v2 <= 12 &&
			    (padded || after_day_word(t, start))) {
				*kind = TEXT_TOK_DATE; /* 24-1, 24-1-2021 */
				if (tk_byte(t, j) == '-' && tk_digit(t, j + 1)) {
					size_t k = tk_digits(t, j + 1, &v3, &d3);
					if (d3 == 4)
						j = k;
				}
				return j;
			}
		}
	}
range:
	/* A range: 60.000-80.000 */
	if (tk_byte(t, i) == '-' && tk_digit(t, i + 1)) {
		enum text_token_kind k2;
		size_t j = tk_number(t, i + 1, &k2);
		if (k2 == TEXT_TOK_NUMBER || k2 == TEXT_TOK_PERCENT) {
			*kind = k2;
			return j;
		}
	}
	return i;
}

const char *text_token_kind_name(enum text_token_kind kind)
{
	static const char *const names[] = {
	        [TEXT_TOK_WORD] = "word",     [TEXT_TOK_NUMBER] = "number",
	        [TEXT_TOK_DATE] = "date",     [TEXT_TOK_TIME] = "time",
	        [TEXT_TOK_PERCENT] = "percent", [TEXT_TOK_URL] = "url",
	        [TEXT_TOK_EMAIL] = "email",   [TEXT_TOK_ABBREV] = "abbrev",
	        [TEXT_TOK_PUNCT] = "punct",   [TEXT_TOK_SYMBOL] = "symbol",
	};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

void text_tokens_init(struct text_tokens *it, const char *s, size_t len)
{
	it->s = s;
	it->len = len;
	it->pos = 0;
	it->caseless_abbrev = false;
}

bool text_tokens_next(struct text_tokens *it, struct text_token *tok)
{
	struct tk t = {(const uint8_t *)it->s, it->len, it->caseless_abbrev};
	text_once(&tok_once, tok_build); /* also when a caller skipped init */
	size_t i = it->pos, n;
	int32_t c;
	enum cclass k;
	for (;;) {
		if (i >= t.len) {
			it->pos = t.len;
			return false;
		}
		if (t.p[i] == ' ') {
			i++;
			continue;
		}
		if (t.p[i] < 0x80) {
			c = t.p[i];
			n = 1;
			k = cclass_of(c);
		} else {
			bool up;
			k = tk_class(&t, i, &c, &n, &up);
		}
		if (k != CC_SPACE && k != CC_INVIS)
			break;
		i += n;
	}
	tok->start = i;
	if (k == CC_LETTER || k == CC_DIGIT) {
		if ((c == 'h' || c == 'H') && (ascii_ieq(&t, i, "http://") || ascii_ieq(&t, i, "https://"))) {
			tok->kind = TEXT_TOK_URL;
			i = tk_url_end(&t, i);
		} else if ((c == 'w' || c == 'W') && ascii_ieq(&t, i, "www.") &&
		           url_char(tk_byte(&t, i + 4))) {
			tok->kind = TEXT_TOK_URL;
			i = tk_url_end(&t, i);
		} else if (k == CC_DIGIT) {
			size_t e = tk_email(&t, i);
			if (e) {
				tok->kind = TEXT_TOK_EMAIL;
				i = e;
			} else {
				i = tk_number(&t, i, &tok->kind);
			}
		} else {
			i = tk_word(&t, i, &tok->kind);
		}
	} else if (k == CC_MARK) {
		i = tk_letters(&t, i, NULL); /* stray marks: a word of their own */
		tok->kind = TEXT_TOK_WORD;
	} else if (k == CC_PUNCT) {
		size_t m;
		i += n;
		while (tk_cp(&t, i, &m) == c)
			i += m; /* "...", "--" */
		tok->kind = TEXT_TOK_PUNCT;
	} else {
		/* A symbol: its whole grapheme cluster (emoji sequences). */
		struct text_graphemes g;
		struct text_span sp;
		text_graphemes_init(&g, it->s + i, t.len - i);
		text_graphemes_next(&g, &sp);
		i += sp.end;
		tok->kind = TEXT_TOK_SYMBOL;
	}
	tok->end = it->pos = i;
	return true;
}
