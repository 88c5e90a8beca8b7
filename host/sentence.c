/* sentence.c: Vietnamese sentence splitter (see sentence.h). Works on bytes
 * and decodes UTF-8 only around candidate boundaries, with utf8proc for the
 * letter classes. Quotations are matched in a first pass so that an unclosed
 * quote does not swallow the rest of the text. */
#include "sentence.h"

#include <stdbool.h>
#include <string.h>
#include <utf8proc.h>

/* Words that end with a dot without ending the sentence. Compared exactly
 * (case matters: "Tp." is an abbreviation, "tp." is not written). */
static const char *const abbreviations[] = {
	"TP", "Tp", "TS", "Ts", "ThS", "Th.S", "PGS", "PGS.TS", "GS", "GS.TS", "BS", "Bs", "KS",
	"CN", "NXB", "TT", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Co", "Inc", "Ltd",
	"No", "Q", "P", "H", "TX", "Tx", "tr", "vs", "Nxb", NULL,
};

static int32_t decode_at(const char *s, size_t len, size_t i, size_t *n)
{
	utf8proc_int32_t cp = -1;
	utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
	*n = r > 0 ? (size_t)r : 1;
	return r > 0 ? cp : -1;
}

/* Start of the UTF-8 character ending just before byte i. */
static size_t prev_start(const char *s, size_t i)
{
	size_t j = i - 1;
	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	return j;
}

static bool is_space(int32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F ||
	       (c >= 0x2000 && c <= 0x200B) || c == 0x3000;
}

static bool is_opening(int32_t c)
{
	return c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == 0xAB || c == '(' ||
	       c == '[' || c == 0x2039;
}

static bool is_closing(int32_t c)
{
	return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' ||
	       c == ']' || c == 0x203A;
}

static bool is_terminal(int32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

static bool starts_sentence(int32_t c)
{
	if (c < 0)
		return false;
	if (c >= '0' && c <= '9')
		return true;
	if (is_opening(c) || c == '-' || c == 0x2013 || c == 0x2014)
		return true;
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/* Matched quotation and bracket regions, found before splitting. */
#define MAX_REGIONS 256
struct regions {
	size_t s[MAX_REGIONS], e[MAX_REGIONS];
	size_t n;
};

/* The closer that matches an opener, or -1 for a straight quote that closes itself. */
static int32_t closer_of(int32_t c)
{
	switch (c) {
	case 0x201C: return 0x201D;
	case 0x2018: return 0x2019;
	case 0xAB: return 0xBB;
	case 0x2039: return 0x203A;
	case '(': return ')';
	case '[': return ']';
	default: return c; /* " and ' */
	}
}

/* Bytes that can start a quote or bracket: ASCII ones, and the lead bytes C2
 * (« ») and E2 (‘ ’ “ ” ‹ ›). Never a continuation byte, so a scan can stop
 * at them byte by byte without decoding what it skips. */
static const bool quote_lead[256] = {
	['"'] = true, ['\''] = true, ['('] = true, [')'] = true,
	['['] = true, [']'] = true, [0xC2] = true, [0xE2] = true,
};

/* Bytes that can start a sentence end: . ! ? and E2 (… is E2 80 A6). */
static const bool terminal_lead[256] = {['.'] = true, ['!'] = true, ['?'] = true, [0xE2] = true};

/* The character before byte i, as find_regions asks of it: only whether it is
 * a space or an opener matters, so characters that cannot be either and are
 * not ASCII read as 'x'. */
static int32_t char_before(const char *s, size_t i)
{
	if (i == 0)
		return ' ';
	size_t j = prev_start(s, i), n;
	unsigned char b = (unsigned char)s[j];
	if (b < 0x80)
		return b;
	return quote_lead[b] ? decode_at(s, i, j, &n) : 'x';
}

static void find_regions(const char *s, size_t len, struct regions *r)
{
	struct {
		int32_t closer;
		size_t at;
	} stack[32];
	size_t depth = 0;
	r->n = 0;
	for (size_t i = 0, n; i < len; i += n) {
		if (!quote_lead[(unsigned char)s[i]]) {
			n = 1;
			continue;
		}
		int32_t prev = char_before(s, i);
		int32_t c = decode_at(s, len, i, &n);
		size_t next_n;
		int32_t next = i + n < len ? decode_at(s, len, i + n, &next_n) : ' ';
		bool closed = false;
		/* Close the innermost matching opener (straight quotes close themselves). */
		for (size_t k = depth; k-- > 0;) {
			if (stack[k].closer != c)
				continue;
			if (c == '\'' && !(is_space(next) || utf8proc_category(next) >= UTF8PROC_CATEGORY_PC))
				break; /* an apostrophe inside a word */
			if (r->n < MAX_REGIONS) {
				r->s[r->n] = stack[k].at;
				r->e[r->n] = i + n;
				r->n++;
			}
			depth = k;
			closed = true;
			break;
		}
		if (!closed && is_opening(c) && depth < 32) {
			/* A straight single quote opens only after a space or opener. */
			if (c != '\'' || is_space(prev) || is_opening(prev) || i == 0) {
				stack[depth].closer = closer_of(c);
				stack[depth].at = i;
				depth++;
			}
		}
	}
}

/* Whether a boundary at byte i would fall inside a quotation or brackets. */
static bool inside_region(const struct regions *r, size_t i)
{
	for (size_t k = 0; k < r->n; k++)
		if (r->s[k] < i && i < r->e[k])
			return true;
	return false;
}

/* Whether the word ending at the dot at byte i is an abbreviation or initial. */
static bool dot_after_abbreviation(const char *s, size_t i)
{
	size_t w = i;
	while (w > 0) {
		size_t p = prev_start(s, w), n;
		int32_t c = decode_at(s, i, p, &n);
		if (c != '.' && !(c > 0 && utf8proc_category(c) <= UTF8PROC_CATEGORY_LO))
			break;
		w = p;
	}
	size_t wlen = i - w;
	if (wlen == 0)
		return false;
	for (const char *const *a = abbreviations; *a; a++)
		if (strlen(*a) == wlen && memcmp(*a, s + w, wlen) == 0)
			return true;
	/* An initial: one capital letter (V. Putin, A. Lukashenko). */
	size_t n;
	int32_t c = decode_at(s, i, w, &n);
	return n == wlen && c > 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	while (i < len) {
		size_t n;
		if (!is_space(decode_at(s, len, i, &n)))
			break;
		i += n;
	}
	return i;
}

static size_t trim_end(const char *s, size_t start, size_t e)
{
	while (e > start) {
		size_t p = prev_start(s, e), n;
		if (!is_space(decode_at(s, e, p, &n)))
			break;
		e = p;
	}
	return e;
}

size_t sentence_split(const char *s, size_t len, sentence_fn emit, void *ud)
{
	struct regions regions;
	find_regions(s, len, &regions);

	size_t count = 0;
	size_t start = skip_space(s, len, 0);
	size_t i = start;
	while (i < len) {
		/* Only . ! ? and … (E2 80 A6) can end a sentence: skip other bytes undecoded. */
		if (!terminal_lead[(unsigned char)s[i]]) {
			i++;
			continue;
		}
		size_t n;
		int32_t c = decode_at(s, len, i, &n);
		if (!is_terminal(c)) {
			i += n;
			continue;
		}
		size_t dot = i;
		/* Take the whole run of terminals and closing marks: `?!`, `..."`, `.)`. */
		size_t end = i + n;
		while (end < len) {
			size_t m;
			int32_t d = decode_at(s, len, end, &m);
			if (!is_terminal(d) && !is_closing(d))
				break;
			end += m;
		}
		i = end;
		if (inside_region(&regions, end))
			continue;
		size_t next = skip_space(s, len, end);
		if (next == end && end < len)
			continue; /* no space after: 3.5, TP.HCM, V.Putin */
		if (next < len) {
			size_t m;
			if (!starts_sentence(decode_at(s, len, next, &m)))
				continue;
			if (c == '.' && end == dot + 1 && dot_after_abbreviation(s, dot))
				continue;
		}
		emit(ud, start, trim_end(s, start, end));
		count++;
		start = i = next;
	}
	size_t e = trim_end(s, start, len);
	if (e > start) {
		emit(ud, start, e);
		count++;
	}
	return count;
}
