/* article.c: one article from its bytes (see article.h). The recognisers for
 * plain text (title, date line, captions, agency prefix, byline, source line)
 * look at NFC paragraph text, so an NFD file is read the same way. */
#include "article.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text.h"

static const char *const kind_names[] = {
	[PARA_TITLE] = "title",     [PARA_DATELINE] = "dateline", [PARA_LEAD] = "lead",
	[PARA_BODY] = "body",       [PARA_CAPTION] = "caption",   [PARA_BYLINE] = "byline",
	[PARA_SOURCE] = "source",
};

static const char *const field_names[FIELD_COUNT] = {"title", "date", "url", "author", "source"};

const char *article_para_kind_name(enum para_kind kind)
{
	return kind_names[kind];
}

void article_init(struct article *a)
{
	memset(a, 0, sizeof *a);
}

void article_free(struct article *a)
{
	for (int f = 0; f < FIELD_COUNT; f++)
		free(a->field[f]);
	json_decref(a->extra);
	buf_free(&a->text);
	buf_free(&a->nfc);
	free(a->paras);
	memset(a, 0, sizeof *a);
}

/* ---- small text predicates on NFC UTF-8 ------------------------------------ */

static int32_t first_cp(const char *s, size_t n)
{
	utf8proc_int32_t cp = -1;
	if (n)
		utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
	return cp;
}

static int32_t last_cp(const char *s, size_t n)
{
	if (!n)
		return -1;
	size_t i = n - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return first_cp(s + i, n - i);
}

static bool is_upper_cp(int32_t c)
{
	return c > 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

static bool is_lower_cp(int32_t c)
{
	return c > 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s, p, k) == 0;
}

/* Finds needle in s[0..n); returns its offset or -1. */
static long find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k > n)
		return -1;
	const char *p = memmem(s, n, needle, k);
	return p ? p - s : -1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* ---- dates ----------------------------------------------------------------- */

static bool read_uint(const char **p, const char *end, int min_digits, int max_digits, int *out)
{
	int v = 0, d = 0;
	while (*p < end && d < max_digits && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		d++;
	}
	if (d < min_digits || (*p < end && isdigit((unsigned char)**p)))
		return false;
	*out = v;
	return true;
}

static bool valid_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Skips a Vietnamese weekday prefix such as "Thứ Ba, " or "Chủ nhật, ". */
static void skip_weekday(const char **p, const char *end)
{
	static const char *const days[] = {"Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu",
	                                   "Thứ bảy", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm",
	                                   "Thứ Sáu", "Thứ Bảy", "Chủ nhật", "Chủ Nhật", NULL};
	for (const char *const *d = days; *d; d++) {
		size_t k = strlen(*d);
		if ((size_t)(end - *p) > k && memcmp(*p, *d, k) == 0 && ((*p)[k] == ',' || (*p)[k] == ' ')) {
			*p += k;
			while (*p < end && (**p == ',' || **p == ' '))
				(*p)++;
			return;
		}
	}
}

size_t article_read_date(const char *s, size_t n, char out[17])
{
	trim(&s, &n);
	const char *p = s, *end = s + n;
	skip_weekday(&p, end);
	int y, m, d, hh = -1, mm = -1;
	const char *start = p;
	if (read_uint(&p, end, 4, 4, &y) && p < end && *p == '-') {
		p++;
		if (!read_uint(&p, end, 1, 2, &m) || p >= end || *p != '-')
			return 0;
		p++;
		if (!read_uint(&p, end, 1, 2, &d))
			return 0;
		if (p < end && (*p == 'T' || *p == ' '))
			p++;
	} else {
		p = start;
		if (!read_uint(&p, end, 1, 2, &d) || p >= end || !strchr("/-.", *p))
			return 0;
		char sep = *p++;
		if (!read_uint(&p, end, 1, 2, &m) || p >= end || *p != sep)
			return 0;
		p++;
		if (!read_uint(&p, end, 4, 4, &y))
			return 0;
		while (p < end && (*p == ' ' || *p == ','  || *p == '-'))
			p++;
	}
	if (!valid_ymd(y, m, d))
		return 0;
	/* An optional time, then an optional zone: 16:33, 16:33:05, 16h33, GMT+7, (GMT+7), Z, +07:00. */
	const char *t = p;
	if (read_uint(&p, end, 1, 2, &hh) && p < end && (*p == ':' || *p == 'h') && (p++, read_uint(&p, end, 2, 2, &mm))) {
		int ss;
		if (p < end && *p == ':' && (p++, !read_uint(&p, end, 2, 2, &ss)))
			return 0;
		if (hh > 23 || mm > 59)
			return 0;
	} else {
		p = t;
		hh = mm = -1;
	}
	while (p < end && (*p == ' ' || *p == '(' || *p == ')'))
		p++;
	if (has_prefix(p, (size_t)(end - p), "GMT") || has_prefix(p, (size_t)(end - p), "UTC"))
		p += 3;
	if (p < end && (*p == 'Z'))
		p++;
	if (p < end && (*p == '+' || *p == '-')) {
		p++;
		while (p < end && (isdigit((unsigned char)*p) || *p == ':'))
			p++;
	}
	while (p < end && (*p == ' ' || *p == ')'))
		p++;
	if (p != end)
		return 0;
	/* Ranges were checked above; the wide buffer only quiets -Wformat-truncation. */
	char tmp[64];
	int k = hh >= 0 ? snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d", y, m, d, hh, mm)
	                : snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, (size_t)k + 1);
	return (size_t)k;
}

/* Where a trailing "25/02/2026 16:33" begins in s[0..n), or n if none. */
static size_t trailing_date_start(const char *s, size_t n)
{
	char iso[17];
	size_t best = n;
	/* Try each space-separated suffix of at most 40 bytes. */
	for (size_t i = n; i > 0 && n - i < 40; i--) {
		if (s[i - 1] == ' ' && article_read_date(s + i, n - i, iso))
			best = i - 1;
	}
	return best;
}

/* ---- metadata -------------------------------------------------------------- */

static char *nfc_dup(const char *v, size_t n)
{
	buf b = BUF_INIT;
	if (text_normalize_append(&b, TEXT_NFC, v, n) != TEXT_OK || (!b.data && buf_reserve(&b, 0))) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

int article_set_field(struct article *a, enum article_field f, const char *v, size_t n)
{
	trim(&v, &n);
	if (n == 0)
		return 0;
	char iso[17];
	if (f == FIELD_DATE) {
		size_t k = article_read_date(v, n, iso);
		if (!k) {
			snprintf(a->warning, sizeof a->warning, "date '%.*s' is not a date trang can read; stored as NULL",
			         (int)(n > 60 ? 60 : n), v);
			return 0;
		}
		v = iso;
		n = k;
	}
	char *s = nfc_dup(v, n);
	if (!s)
		return -1;
	free(a->field[f]);
	a->field[f] = s;
	return 0;
}

static void set_field_if_absent(struct article *a, enum article_field f, const char *v, size_t n)
{
	if (!a->field[f])
		(void)article_set_field(a, f, v, n);
}

/* ---- header block ---------------------------------------------------------- */

static int add_para(struct article *a, const char *raw, size_t s, size_t e);

/* Length of a header key at the start of line (ASCII word then ':'), or 0. */
static size_t header_key_len(const char *line, size_t n)
{
	size_t k = 0;
	while (k < n && k < 32 && (isalnum((unsigned char)line[k]) || line[k] == '_' || line[k] == '-'))
		k++;
	if (k == 0 || k >= n || line[k] != ':' || !isalpha((unsigned char)line[0]))
		return 0;
	return k;
}

static size_t line_end(const char *s, size_t len, size_t i)
{
	const char *nl = memchr(s + i, '\n', len - i);
	return nl ? (size_t)(nl - s) : len;
}

/* Without the '\r' of a CRLF line end. */
static size_t content_end(const char *s, size_t from, size_t to)
{
	return to > from && s[to - 1] == '\r' ? to - 1 : to;
}

/* A header block: lines "key: value" from the start, at least one key known,
 * ended by a blank line (or the end of the file). Returns the body offset, or
 * `start` when there is no header block. */
static size_t parse_header(struct article *a, const char *s, size_t len, size_t start)
{
	size_t i = start;
	bool known = false;
	/* First pass: is it a header block at all? */
	while (i < len) {
		size_t le = line_end(s, len, i), ce = content_end(s, i, le);
		if (ce == i)
			break; /* the blank line */
		size_t k = header_key_len(s + i, ce - i);
		if (!k)
			return start;
		for (int f = 0; f < FIELD_COUNT; f++)
			if (strlen(field_names[f]) == k && strncasecmp(s + i, field_names[f], k) == 0)
				known = true;
		i = le + 1;
	}
	if (!known)
		return start;
	for (i = start; i < len;) {
		size_t le = line_end(s, len, i), ce = content_end(s, i, le);
		if (ce == i)
			return le + 1 <= len ? le + 1 : len;
		size_t k = header_key_len(s + i, ce - i);
		const char *v = s + i + k + 1;
		size_t vn = ce - (i + k + 1);
		int f = 0;
		while (f < FIELD_COUNT && !(strlen(field_names[f]) == k && strncasecmp(s + i, field_names[f], k) == 0))
			f++;
		if (f < FIELD_COUNT) {
			(void)article_set_field(a, (enum article_field)f, v, vn);
			if (f == FIELD_TITLE && a->field[FIELD_TITLE] && !a->n_paras) {
				/* The header's title is the article's first paragraph, so it is
				 * searched like the rest; its span is the value's bytes. */
				const char *t = v;
				size_t tn = vn;
				trim(&t, &tn);
				if (add_para(a, s, (size_t)(t - s), (size_t)(t - s) + tn) == 0)
					a->paras[0].kind = PARA_TITLE;
			}
		} else {
			trim(&v, &vn);
			char *key = strndup(s + i, k), *val = nfc_dup(v, vn);
			if (key && val) {
				if (!a->extra)
					a->extra = json_object();
				json_object_set_new(a->extra, key, json_stringn(val, strlen(val)));
			}
			free(key);
			free(val);
		}
		i = le + 1;
	}
	return len;
}

/* ---- paragraphs ------------------------------------------------------------ */

int article_nfc_span(buf *out, const char *raw, size_t s, size_t e)
{
	/* Line breaks inside a wrapped paragraph become spaces. */
	size_t from = s;
	while (from < e) {
		const char *nl = memchr(raw + from, '\n', e - from);
		size_t to = nl ? (size_t)(nl - raw) : e;
		size_t ce = content_end(raw, from, to);
		if (from > s && buf_appendc(out, ' '))
			return -1;
		if (text_normalize_append(out, TEXT_NFC, raw + from, ce - from) != TEXT_OK)
			return -1;
		from = to + 1;
	}
	return 0;
}

static int add_para_one(struct article *a, const char *raw, size_t s, size_t e)
{
	if (a->n_paras == a->cap_paras) {
		size_t cap = a->cap_paras ? a->cap_paras * 2 : 16;
		struct article_para *p = realloc(a->paras, cap * sizeof *p);
		if (!p)
			return -1;
		a->paras = p;
		a->cap_paras = cap;
	}
	struct article_para *p = &a->paras[a->n_paras++];
	p->s = s;
	p->e = e;
	p->kind = PARA_BODY;
	p->text_off = a->nfc.len;
	if (article_nfc_span(&a->nfc, raw, s, e))
		return -1;
	p->text_len = a->nfc.len - p->text_off;
	return 0;
}

/* Where to end a piece of an overlong paragraph that starts at s: after the
 * last sentence end ('.', '!', '?' then a space) in the window, else at its
 * last space, else at its last character boundary. */
static size_t para_cut(const char *raw, size_t s, size_t e)
{
	size_t lim = s + ARTICLE_MAX_PARA, space = 0;
	for (size_t i = lim; i > s + ARTICLE_MAX_PARA / 2; i--) {
		if (raw[i] != ' ')
			continue;
		if (raw[i - 1] == '.' || raw[i - 1] == '!' || raw[i - 1] == '?')
			return i;
		if (!space)
			space = i;
	}
	if (space)
		return space;
	while (lim > s && ((unsigned char)raw[lim] & 0xC0) == 0x80)
		lim--;
	return lim > s ? lim : e;
}

/* Adds the paragraph raw[s, e), split into pieces of at most
 * ARTICLE_MAX_PARA bytes: one 20 MB line would otherwise be one FTS row
 * whose snippets and sentence splits cost minutes. */
static int add_para(struct article *a, const char *raw, size_t s, size_t e)
{
	while (e - s > ARTICLE_MAX_PARA) {
		size_t cut = para_cut(raw, s, e);
		if (cut >= e)
			break;
		if (add_para_one(a, raw, s, cut))
			return -1;
		s = cut;
		while (s < e && raw[s] == ' ')
			s++;
	}
	return add_para_one(a, raw, s, e);
}

/* A line break inside a block of lines is a paragraph break, except before a
 * line that begins with a small letter: that is a hard-wrapped sentence. */
static int split_paragraphs(struct article *a, const char *raw, size_t start, size_t len)
{
	size_t i = start, para_s = 0, para_e = 0;
	bool open = false;
	while (i < len) {
		size_t le = line_end(raw, len, i), ce = content_end(raw, i, le);
		size_t s = i, e = ce;
		while (s < e && (raw[s] == ' ' || raw[s] == '\t'))
			s++;
		while (e > s && (raw[e - 1] == ' ' || raw[e - 1] == '\t'))
			e--;
		if (s == e) { /* blank line */
			if (open && add_para(a, raw, para_s, para_e))
				return -1;
			open = false;
		} else if (open && is_lower_cp(first_cp(raw + s, e - s))) {
			para_e = e; /* continuation of a wrapped paragraph */
		} else {
			if (open && add_para(a, raw, para_s, para_e))
				return -1;
			open = true;
			para_s = s;
			para_e = e;
		}
		i = le + 1;
	}
	if (open && add_para(a, raw, para_s, para_e))
		return -1;
	return 0;
}

/* ---- recognisers ------------------------------------------------------------ */

static const char *para_text(const struct article *a, size_t i, size_t *n)
{
	*n = a->paras[i].text_len;
	return a->nfc.data + a->paras[i].text_off;
}

/* "... Ảnh: TTXVN", "... (Ảnh: Bảo Kỳ).", "(Ảnh minh họa)": the credit closes the paragraph. */
static bool is_caption(const char *s, size_t n)
{
	static const char *const markers[] = {"Ảnh:", "Ảnh :", "Ảnh minh họa", "Ảnh minh hoạ",
	                                      "Nguồn ảnh:", "Ảnh chụp màn hình", "Video:", NULL};
	if (n > 700)
		return false;
	for (const char *const *m = markers; *m; m++) {
		size_t mn = strlen(*m);
		/* The last occurrence, in the paragraph's last 60 bytes and the
		 * marker: one further back leaves too long a tail to be a credit. */
		long at = -1, from = n > 60 + mn ? (long)(n - 60 - mn) : 0;
		for (long k; (k = find(s + from, n - (size_t)from, *m)) >= 0; from += k + 1)
			at = from + k;
		if (at < 0)
			continue;
		size_t tail = n - (size_t)at - mn;
		const char *t = s + at + mn;
		if (tail <= 60 && !memchr(t, '.', tail > 0 && t[tail - 1] == '.' ? tail - 1 : tail))
			return true;
		if (tail <= 60 && at > 0 && s[at - 1] == '(')
			return true;
	}
	return false;
}

/* "Nguồn Hà Nội TV: https://..." sets source and url. */
static bool read_source_line(struct article *a, const char *s, size_t n)
{
	if (!has_prefix(s, n, "Nguồn"))
		return false;
	const char *p = s + strlen("Nguồn");
	const char *end = s + n;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon - p > 80)
		return false;
	const char *name = p;
	size_t name_n = (size_t)(colon - p);
	trim(&name, &name_n);
	const char *v = colon + 1;
	size_t vn = (size_t)(end - v);
	trim(&v, &vn);
	long http = find(v, vn, "http");
	if (name_n)
		set_field_if_absent(a, FIELD_SOURCE, name, name_n);
	else if (http != 0 && vn)
		set_field_if_absent(a, FIELD_SOURCE, v, vn);
	if (http >= 0) {
		const char *u = v + http;
		size_t un = 0;
		while (u + un < v + vn && !isspace((unsigned char)u[un]))
			un++;
		set_field_if_absent(a, FIELD_URL, u, un);
	}
	return true;
}

/* A name: 1 to 6 words, each starting with a capital letter, no digits, no
 * sentence punctuation ("Nhật Minh", "Minh Anh - Hoàng Nam"). */
static bool looks_like_name(const char *s, size_t n)
{
	if (n == 0 || count_chars(s, n) > 48)
		return false;
	size_t words = 0;
	bool word_start = true;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			return false;
		if (c == ' ' || c == '-' || c == 0x2013 || c == ',') {
			word_start = true;
		} else {
			utf8proc_category_t cat = utf8proc_category(c);
			if (cat != UTF8PROC_CATEGORY_LU && cat != UTF8PROC_CATEGORY_LL && c != '.')
				return false;
			if (word_start) {
				if (cat != UTF8PROC_CATEGORY_LU)
					return false;
				words++;
			}
			word_start = false;
		}
		i += (size_t)k;
	}
	return words >= 1 && words <= 6;
}

static bool is_agency(const char *s, size_t n)
{
	if (n < 2 || n > 16)
		return false;
	size_t upper = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0 || is_lower_cp(c))
			return false;
		upper += is_upper_cp(c);
		i += (size_t)k;
	}
	return upper >= 2;
}

/* "Minh PhươngTheo SCMP": a name, then "Theo" and an agency with no space
 * between; sets author and source. */
static bool glued_byline(struct article *a, const char *s, size_t n)
{
	long at = find(s, n, "Theo ");
	const char *src = s + at + 5;
	size_t src_n = n - (size_t)at - 5;
	if (at <= 0 || !is_lower_cp(last_cp(s, (size_t)at)) || !looks_like_name(s, (size_t)at) ||
	    !(is_agency(src, src_n) || looks_like_name(src, src_n)))
		return false;
	set_field_if_absent(a, FIELD_AUTHOR, s, (size_t)at);
	set_field_if_absent(a, FIELD_SOURCE, s + at + 5, n - (size_t)at - 5);
	return true;
}

/* Trailing lines: source lines, agency names, bylines (last few paragraphs only). */
static void classify_tail(struct article *a, size_t first_body)
{
	size_t seen_byline = 0;
	for (size_t i = a->n_paras; i-- > first_body && a->n_paras - i <= 3;) {
		size_t n;
		const char *s = para_text(a, i, &n);
		const char *inner = s;
		size_t inner_n = n;
		if (inner_n >= 2 && inner[0] == '(' && inner[inner_n - 1] == ')')
			inner++, inner_n -= 2;
		if (read_source_line(a, s, n)) {
			a->paras[i].kind = PARA_SOURCE;
		} else if (has_prefix(inner, inner_n, "Theo ") && count_chars(inner, inner_n) <= 60 &&
		           !memchr(inner, ',', inner_n) && is_upper_cp(first_cp(inner + 5, inner_n - 5))) {
			a->paras[i].kind = PARA_SOURCE;
			const char *v = inner + 5;
			size_t vn = inner_n - 5;
			if (vn && v[vn - 1] == '.')
				vn--;
			set_field_if_absent(a, FIELD_SOURCE, v, vn);
		} else if (is_agency(inner, inner_n)) {
			a->paras[i].kind = PARA_SOURCE;
			set_field_if_absent(a, FIELD_SOURCE, inner, inner_n);
		} else if (!seen_byline && i > first_body && glued_byline(a, s, n)) {
			/* "Minh PhươngTheo SCMP": a byline glued to its source by the crawler. */
			a->paras[i].kind = PARA_BYLINE;
			seen_byline = 1;
		} else if (!seen_byline && i > first_body && looks_like_name(s, n)) {
			a->paras[i].kind = PARA_BYLINE;
			set_field_if_absent(a, FIELD_AUTHOR, s, n);
			seen_byline = 1;
		} else {
			break;
		}
	}
}

/* "(PLO)- ...", "(Dân trí) - ...": an agency prefix on the lead names the source. */
static void read_agency_prefix(struct article *a, const char *s, size_t n)
{
	if (n < 4 || s[0] != '(')
		return;
	const char *close = memchr(s, ')', n < 40 ? n : 40);
	if (!close || close - s < 2)
		return;
	const char *after = close + 1;
	size_t rest = n - (size_t)(after - s);
	while (rest && *after == ' ')
		after++, rest--;
	if (!(has_prefix(after, rest, "-") || has_prefix(after, rest, "–") || has_prefix(after, rest, "—")))
		return;
	set_field_if_absent(a, FIELD_SOURCE, s + 1, (size_t)(close - s - 1));
}

/* Gives a kind to each paragraph from `first` on (those before are the
 * header's title paragraph). */
static void classify(struct article *a, size_t first)
{
	size_t i = first;
	char iso[17];
	/* Title: the first paragraph, short, not ending like a sentence, when no header gave one. */
	if (!a->field[FIELD_TITLE] && a->n_paras > first + 1) {
		size_t n;
		const char *s = para_text(a, first, &n);
		size_t title_n = trailing_date_start(s, n);
		int32_t last = last_cp(s, title_n);
		if (title_n > 0 && count_chars(s, title_n) <= 250 && last != '.' && last != ',' && last != ';' &&
		    last != ':' && !is_caption(s, n) && !article_read_date(s, n, iso)) {
			a->paras[first].kind = PARA_TITLE;
			set_field_if_absent(a, FIELD_TITLE, s, title_n);
			if (title_n < n) {
				size_t k = article_read_date(s + title_n, n - title_n, iso);
				set_field_if_absent(a, FIELD_DATE, iso, k);
			}
			i = first + 1;
		}
	}
	/* A date line right after the title (or first). */
	if (i < a->n_paras) {
		size_t n;
		const char *s = para_text(a, i, &n);
		size_t k = article_read_date(s, n, iso);
		if (k) {
			a->paras[i].kind = PARA_DATELINE;
			set_field_if_absent(a, FIELD_DATE, iso, k);
			i++;
		}
	}
	size_t first_body = i;
	for (size_t j = i; j < a->n_paras; j++) {
		size_t n;
		const char *s = para_text(a, j, &n);
		if (is_caption(s, n))
			a->paras[j].kind = PARA_CAPTION;
	}
	classify_tail(a, first_body);
	for (size_t j = first_body; j < a->n_paras; j++) {
		if (a->paras[j].kind == PARA_BODY) {
			size_t n;
			const char *s = para_text(a, j, &n);
			a->paras[j].kind = PARA_LEAD;
			read_agency_prefix(a, s, n);
			break;
		}
	}
}

int article_parse_body(struct article *a, const char *raw, size_t start, size_t len)
{
	a->body_start = start;
	/* The NFC body text, CRLF read as LF. */
	for (size_t i = start; i < len;) {
		size_t le = line_end(raw, len, i), ce = content_end(raw, i, le);
		if (text_normalize_append(&a->text, TEXT_NFC, raw + i, ce - i) != TEXT_OK)
			return -1;
		if (le < len && buf_appendc(&a->text, '\n'))
			return -1;
		i = le + 1;
	}
	if (!a->text.data && buf_reserve(&a->text, 0))
		return -1;
	size_t first = a->n_paras;
	if (split_paragraphs(a, raw, start, len))
		return -1;
	classify(a, first);
	return 0;
}

int article_parse_txt(struct article *a, const char *raw, size_t len)
{
	size_t start = 0;
	if (len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	start = parse_header(a, raw, len, start);
	return article_parse_body(a, raw, start, len);
}
