/* text.c: Unicode utilities for Vietnamese on utf8proc (see text.h): validation,
 * normalisation with a quick-check fast path, case, Vietnamese clean-up, search
 * and collation keys, graphemes and the syllable tokenizer. Relies on utf8proc
 * (Debian's 2.8.0, Unicode 15.0, though pkg-config says 2.6.0) for every
 * Unicode property, and on its own decompose/reencode for the spans that need
 * work, so results equal utf8proc_map's.
 * TODO(lead): at ~1,700 lines this wants splitting (text.c: UTF-8,
 * normalisation, case, graphemes; text_vi.c: clean-up, keys, collation;
 * text_token.c: tokenizer); this change was limited to text.c. */
#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- UTF-8 ---- */

static inline bool is_cont(uint8_t b)
{
	return (b & 0xC0) == 0x80;
}

/* Length of the valid multi-byte sequence at p (p[0] >= 0x80), 0 when invalid. */
static inline size_t utf8_seq_len(const uint8_t *p, size_t avail)
{
	uint8_t b = p[0], lo = 0x80, hi = 0xBF;
	if (b < 0xC2)
		return 0;
	if (b < 0xE0)
		return avail >= 2 && is_cont(p[1]) ? 2 : 0;
	if (b < 0xF0) {
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b == 0xED)
			hi = 0x9F; /* surrogates */
		return avail >= 3 && p[1] >= lo && p[1] <= hi && is_cont(p[2]) ? 3 : 0;
	}
	if (b < 0xF5) {
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
		return avail >= 4 && p[1] >= lo && p[1] <= hi && is_cont(p[2]) && is_cont(p[3])
		               ? 4
		               : 0;
	}
	return 0;
}

/* Decodes the code point at p; *n gets its length. An invalid byte decodes as
 * -1 with length 1, so callers can go on. */
static inline int32_t utf8_decode(const uint8_t *p, size_t avail, size_t *n)
{
	uint8_t b = p[0];
	if (b < 0x80) {
		*n = 1;
		return b;
	}
	switch (utf8_seq_len(p, avail)) {
	case 2:
		*n = 2;
		return (int32_t)(b & 0x1F) << 6 | (p[1] & 0x3F);
	case 3:
		*n = 3;
		return (int32_t)(b & 0x0F) << 12 | (int32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	case 4:
		*n = 4;
		return (int32_t)(b & 0x07) << 18 | (int32_t)(p[1] & 0x3F) << 12 |
		       (int32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	default:
		*n = 1;
		return -1;
	}
}

static int append_cp(buf *out, int32_t cp)
{
	uint8_t tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
	return buf_append(out, tmp, (size_t)n) ? TEXT_ENOMEM : TEXT_OK;
}

/* Skips 8 ASCII bytes at a time; returns the index of the first non-ASCII byte. */
static inline size_t skip_ascii(const uint8_t *p, size_t i, size_t len)
{
	while (i + 8 <= len) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
		i += 8;
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

size_t text_utf8_check(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	while (i < len) {
		i = skip_ascii(p, i, len);
		if (i == len)
			break;
		size_t n = utf8_seq_len(p + i, len - i);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

/* ---- Normalisation ----
 * The fast path keeps, per form, a bitmap of "inert" code points: combining
 * class 0, unchanged by the form on their own, and (for the composed forms)
 * never the second half of a canonical composition (NFC_QC=Maybe). Text
 * between two inert code points is normalised independently of what lies
 * around them, so only the spans [last inert before trouble, next inert after
 * it) go through utf8proc; the rest is copied. The bitmaps are derived from
 * utf8proc's own data once per process (pthread_once), so the result is
 * utf8proc_map's exactly; they are written once and then only read. */

static const utf8proc_option_t form_opts[] = {
	[TEXT_NFC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE,
	[TEXT_NFD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
	[TEXT_NFKC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
	[TEXT_NFKD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
};

#define CP_LIMIT 0x110000
static uint8_t inert_bits[4][CP_LIMIT / 8];
static pthread_once_t inert_once[4] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
                                       PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};

static inline bool cp_inert(const uint8_t *bits, int32_t cp)
{
	return bits[cp >> 3] >> (cp & 7) & 1;
}

static void inert_clear(uint8_t *bits, int32_t cp)
{
	bits[cp >> 3] &= (uint8_t) ~(1u << (cp & 7));
}

static void inert_build(enum text_form form)
{
	uint8_t *bits = inert_bits[form];
	utf8proc_option_t opts = form_opts[form];
	bool compose = opts & UTF8PROC_COMPOSE;
	memset(bits, 0xFF, sizeof inert_bits[form]);
	for (int32_t cp = 0; cp < CP_LIMIT; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			inert_clear(bits, cp);
			continue;
		}
		const utf8proc_property_t *pr = utf8proc_get_property(cp);
		if (pr->combining_class) {
			inert_clear(bits, cp);
			continue;
		}
		bool hangul = cp >= 0xAC00 && cp <= 0xD7A3;
		if (pr->decomp_seqindex == UINT16_MAX && !hangul)
			continue;
		utf8proc_int32_t d[32], c[32];
		int lbc = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 32, opts, &lbc);
		if (n == 1 && d[0] == cp)
			continue; /* a compatibility decomposition, in a canonical form */
		if (!compose || n < 1 || n > 32) {
			inert_clear(bits, cp);
			continue;
		}
		memcpy(c, d, sizeof(c[0]) * (size_t)n);
		utf8proc_ssize_t m = utf8proc_normalize_utf32(c, n, opts);
		if (m != 1 || c[0] != cp)
			inert_clear(bits, cp);
		/* Canonical composites: the last code point of the canonical
		 * decomposition may compose with what precedes it (NFC_QC=Maybe). */
		lbc = 0;
		utf8proc_option_t canon = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
		n = utf8proc_decompose_char(cp, d, 32, canon, &lbc);
		if (n < 2 || n > 32)
			continue;
		memcpy(c, d, sizeof(c[0]) * (size_t)n);
		m = utf8proc_normalize_utf32(c, n, canon | UTF8PROC_COMPOSE);
		if (m == 1 && c[0] == cp)
			inert_clear(bits, d[n - 1]);
	}
}

static void inert_build_nfc(void) { inert_build(TEXT_NFC); }
static void inert_build_nfd(void) { inert_build(TEXT_NFD); }
static void inert_build_nfkc(void) { inert_build(TEXT_NFKC); }
static void inert_build_nfkd(void) { inert_build(TEXT_NFKD); }

static const uint8_t *inert_table(enum text_form form)
{
	static void (*const build[4])(void) = {inert_build_nfc, inert_build_nfd,
	                                       inert_build_nfkc, inert_build_nfkd};
	pthread_once(&inert_once[form], build[form]);
	return inert_bits[form];
}

/* Normalises s[0..n) with utf8proc's own steps (as utf8proc_map does), without
 * a malloc for short spans. */
static int span_normalize(buf *out, utf8proc_option_t opts, const uint8_t *s, size_t n)
{
	utf8proc_int32_t stack[256], *tmp = stack;
	utf8proc_ssize_t cap = 256;
	utf8proc_ssize_t k = utf8proc_decompose(s, (utf8proc_ssize_t)n, tmp, cap, opts);
	if (k > cap) {
		tmp = malloc(sizeof(*tmp) * (size_t)k);
		if (!tmp)
			return TEXT_ENOMEM;
		cap = k;
		k = utf8proc_decompose(s, (utf8proc_ssize_t)n, tmp, cap, opts);
	}
	int rc = TEXT_OK;
	if (k < 0) {
		rc = k == UTF8PROC_ERROR_NOMEM ? TEXT_ENOMEM : TEXT_EINVALID;
		goto cleanup;
	}
	utf8proc_ssize_t m = utf8proc_reencode(tmp, k, opts);
	if (m < 0) {
		rc = TEXT_EINVALID;
		goto cleanup;
	}
	if (buf_append(out, tmp, (size_t)m))
		rc = TEXT_ENOMEM;
cleanup:
	if (tmp != stack)
		free(tmp);
	return rc;
}

/* The fast path. With out, appends the normal form; without, sets *same to
 * whether s is already normalised (scratch holds each span's normal form). */
static int normalize_scan(buf *out, bool *same, enum text_form form, const uint8_t *p,
                          size_t len)
{
	const uint8_t *bits = inert_table(form);
	utf8proc_option_t opts = form_opts[form];
	buf scratch = BUF_INIT;
	size_t i = 0, copied = 0, boundary = 0;
	int rc = TEXT_OK;
	if (same)
		*same = true;
	if (!len)
		return TEXT_OK; /* s may be NULL */
	while (i < len) {
		if (p[i] < 0x80) {
			i = skip_ascii(p, i, len);
			boundary = i - 1;
			continue;
		}
		size_t n, m;
		int32_t cp = utf8_decode(p + i, len - i, &n);
		if (cp < 0) {
			rc = TEXT_EINVALID;
			goto cleanup;
		}
		if (cp_inert(bits, cp)) {
			boundary = i;
			i += n;
			continue;
		}
		size_t j = i + n;
		while (j < len && p[j] >= 0x80) {
			int32_t c2 = utf8_decode(p + j, len - j, &m);
			if (c2 < 0) {
				rc = TEXT_EINVALID;
				goto cleanup;
			}
			if (cp_inert(bits, c2))
				break;
			j += m;
		}
		if (out) {
			if (buf_append(out, p + copied, boundary - copied)) {
				rc = TEXT_ENOMEM;
				goto cleanup;
			}
			rc = span_normalize(out, opts, p + boundary, j - boundary);
		} else {
			buf_clear(&scratch);
			rc = span_normalize(&scratch, opts, p + boundary, j - boundary);
			if (rc == TEXT_OK && (scratch.len != j - boundary ||
			                      memcmp(scratch.data, p + boundary, scratch.len))) {
				*same = false;
				goto cleanup;
			}
		}
		if (rc)
			goto cleanup;
		copied = boundary = i = j;
	}
	if (out && buf_append(out, p + copied, len - copied))
		rc = TEXT_ENOMEM;
cleanup:
	buf_free(&scratch);
	return rc;
}

int text_normalize_append(buf *out, enum text_form form, const char *s, size_t len)
{
	size_t keep = out->len;
	if (buf_reserve(out, len))
		return TEXT_ENOMEM;
	int rc = normalize_scan(out, NULL, form, (const uint8_t *)s, len);
	if (rc) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
	}
	return rc;
}

int text_normalize_append_slow(buf *out, enum text_form form, const char *s, size_t len)
{
	utf8proc_uint8_t *res = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	                                  &res, form_opts[form]);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? TEXT_ENOMEM : TEXT_EINVALID;
	int rc = buf_append(out, res, (size_t)n) ? TEXT_ENOMEM : TEXT_OK;
	free(res);
	return rc;
}

bool text_is_normalized(enum text_form form, const char *s, size_t len)
{
	bool same = false;
	return normalize_scan(NULL, &same, form, (const uint8_t *)s, len) == TEXT_OK && same;
}

/* ---- Case ---- */

int text_case_append(buf *out, enum text_case mode, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	if (mode == TEXT_CASEFOLD) {
		if (skip_ascii(p, 0, len) == len) {
			if (buf_reserve(out, len))
				return TEXT_ENOMEM;
			for (size_t i = 0; i < len; i++)
				out->data[out->len++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
			out->data[out->len] = '\0';
			return TEXT_OK;
		}
		utf8proc_uint8_t *res = NULL;
		utf8proc_ssize_t n =
		        utf8proc_map(p, (utf8proc_ssize_t)len, &res,
		                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
		if (n < 0)
			return n == UTF8PROC_ERROR_NOMEM ? TEXT_ENOMEM : TEXT_EINVALID;
		int rc = buf_append(out, res, (size_t)n) ? TEXT_ENOMEM : TEXT_OK;
		free(res);
		return rc;
	}
	/* Simple mappings code point by code point, then NFC again: a mapping can
	 * leave a base letter that now composes with the next mark. */
	buf tmp = BUF_INIT;
	int rc = TEXT_OK;
	if (buf_reserve(&tmp, len)) {
		rc = TEXT_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0, n; i < len; i += n) {
		int32_t cp = utf8_decode(p + i, len - i, &n);
		if (cp < 0) {
			rc = TEXT_EINVALID;
			goto cleanup;
		}
		cp = mode == TEXT_LOWER ? utf8proc_tolower(cp) : utf8proc_toupper(cp);
		if ((rc = append_cp(&tmp, cp)))
			goto cleanup;
	}
	rc = text_normalize_append(out, TEXT_NFC, tmp.data ? tmp.data : "", tmp.len);
cleanup:
	buf_free(&tmp);
	return rc;
}

/* ---- Vietnamese: letters and marks ---- */

enum {
	MARK_GRAVE = 0x300,     /* huyền */
	MARK_ACUTE = 0x301,     /* sắc */
	MARK_CIRCUMFLEX = 0x302,
	MARK_TILDE = 0x303,     /* ngã */
	MARK_BREVE = 0x306,
	MARK_HOOK = 0x309,      /* hỏi */
	MARK_HORN = 0x31B,
	MARK_DOT_BELOW = 0x323, /* nặng */
};

/* Tone index: 0 ngang (none), 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng; -1 not a tone. */
static int tone_of_mark(int32_t m)
{
	switch (m) {
	case MARK_GRAVE: case 0x340: return 1;
	case MARK_HOOK: return 2;
	case MARK_TILDE: return 3;
	case MARK_ACUTE: case 0x341: return 4;
	case MARK_DOT_BELOW: return 5;
	default: return -1;
	}
}

static bool is_vowel_mark(int32_t m)
{
	return m == MARK_CIRCUMFLEX || m == MARK_BREVE || m == MARK_HORN;
}

static bool is_vowel(int32_t lower)
{
	return lower == 'a' || lower == 'e' || lower == 'i' || lower == 'o' || lower == 'u' ||
	       lower == 'y';
}

static bool is_invisible(int32_t cp)
{
	return cp == 0x00AD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
	       cp == 0xFEFF;
}

/* Unicode spaces other than ' ' that clean-up turns into ' '. */
static bool is_other_space(int32_t cp)
{
	return cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000 || cp == 0x1680;
}

static bool is_letter_or_mark(int32_t cp)
{
	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME);
}

/* One letter of a decomposed word: its starter and where its marks are. */
struct vn_letter {
	int32_t lower;
	size_t at, marks_end; /* index of the starter; end of its marks */
	int tone_at;          /* index of its tone mark, or -1 */
	bool vowel_mark;
};

/* In Vietnamese initial consonants, 'q' only comes as "qu", "gi" acts as a
 * consonant before a vowel. Returns the length of the initial in lower[]. */
static size_t vn_initial_len(const int32_t *lower, size_t n)
{
	static const char *const initials[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph",
	                                       "qu",  "th", "tr", "b",  "c",  "d",  "g",  "h",
	                                       "k",   "l",  "m",  "n",  "p",  "r",  "s",  "t",
	                                       "v",   "x"};
	if (n && lower[0] == 0x111)
		return 1;
	for (size_t k = 0; k < sizeof initials / sizeof initials[0]; k++) {
		size_t l = strlen(initials[k]);
		if (l >= n)
			continue;
		size_t i = 0;
		while (i < l && lower[i] == initials[k][i])
			i++;
		if (i == l && is_vowel(lower[l]))
			return l;
	}
	return 0;
}

/* Moves the tone of an open oa/oe/uy syllable in the decomposed word w[0..n)
 * to the chosen vowel (in place: only a mark moves). */
static void vn_retone(int32_t *w, size_t n, enum text_tone_style style)
{
	struct vn_letter L[8];
	int32_t lower[8];
	size_t nl = 0;
	int tones = 0;
	for (size_t i = 0; i < n;) {
		if (nl == 8)
			return;
		const utf8proc_property_t *pr = utf8proc_get_property(w[i]);
		if (pr->combining_class)
			return; /* a word starting with a mark */
		struct vn_letter *l = &L[nl];
		l->lower = lower[nl] = utf8proc_tolower(w[i]);
		l->at = i++;
		l->tone_at = -1;
		l->vowel_mark = false;
		while (i < n && utf8proc_get_property(w[i])->combining_class) {
			if (tone_of_mark(w[i]) > 0) {
				l->tone_at = (int)i;
				tones++;
			} else if (is_vowel_mark(w[i])) {
				l->vowel_mark = true;
			} else {
				return; /* not a Vietnamese mark: leave the word alone */
			}
			i++;
		}
		l->marks_end = i;
		nl++;
	}
	if (tones != 1)
		return;
	size_t init = vn_initial_len(lower, nl);
	if (nl - init != 2 || L[init].vowel_mark || L[init + 1].vowel_mark)
		return;
	int32_t a = lower[init], b = lower[init + 1];
	if (!((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y')))
		return;
	/* First vowel: its starter, then the tone; second vowel: ditto. With no
	 * other marks on them the four slots are contiguous at the word's end. */
	struct vn_letter *v1 = &L[init], *v2 = &L[init + 1];
	int tone_at = v1->tone_at >= 0 ? v1->tone_at : v2->tone_at;
	if (tone_at < 0)
		return;
	int32_t tone = w[tone_at], s1 = w[v1->at], s2 = w[v2->at];
	size_t k = v1->at;
	if (style == TEXT_TONE_NEW) {
		w[k++] = s1;
		w[k++] = tone;
		w[k++] = s2;
	} else {
		w[k++] = s1;
		w[k++] = s2;
		w[k++] = tone;
	}
}

/* ð at the start of a word that looks Vietnamese: next letter a vowel, all
 * letters in the Vietnamese alphabet, all marks Vietnamese. */
static bool vn_eth_is_d(const int32_t *w, size_t n)
{
	if (n < 2 || w[0] != 0xF0)
		return false;
	int32_t next = utf8proc_tolower(w[1]);
	if (!is_vowel(next))
		return false;
	for (size_t i = 1; i < n; i++) {
		int32_t c = w[i];
		if (tone_of_mark(c) > 0 || is_vowel_mark(c))
			continue;
		int32_t lc = utf8proc_tolower(c);
		if (lc == 0x111)
			continue;
		if (lc < 'a' || lc > 'z' || lc == 'f' || lc == 'j' || lc == 'w' || lc == 'z')
			return false;
	}
	return true;
}

/* End of the word (run of letters and marks) starting at i; i if none. */
static size_t word_end(const int32_t *w, size_t n, size_t i)
{
	while (i < n && is_letter_or_mark(w[i]))
		i++;
	return i;
}

static void vn_retone_words(int32_t *w, size_t n, enum text_tone_style style)
{
	for (size_t i = 0; i < n;) {
		size_t j = word_end(w, n, i);
		if (j > i)
			vn_retone(w + i, j - i, style);
		i = j > i ? j : i + 1;
	}
}

void text_clean_defaults(struct text_clean_opts *o)
{
	o->fix_eth = true;
	o->dedup_marks = true;
	o->spaces = true;
	o->invisibles = true;
	o->tone = TEXT_TONE_NEW;
}

/* Decomposes valid s into a malloc'd code point array (*n of them). */
static int decompose_alloc(const char *s, size_t len, utf8proc_option_t opts, int32_t **out,
                           size_t *n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t k = utf8proc_decompose(p, (utf8proc_ssize_t)len, NULL, 0, opts);
	if (k < 0)
		return k == UTF8PROC_ERROR_NOMEM ? TEXT_ENOMEM : TEXT_EINVALID;
	int32_t *w = malloc(sizeof(*w) * ((size_t)k + 1));
	if (!w)
		return TEXT_ENOMEM;
	k = utf8proc_decompose(p, (utf8proc_ssize_t)len, w, k, opts);
	if (k < 0) {
		free(w);
		return TEXT_EINVALID;
	}
	*out = w;
	*n = (size_t)k;
	return TEXT_OK;
}

/* The clean-up itself, on valid s: decompose, fix, recompose. */
static int clean_span(buf *out, const struct text_clean_opts *o, const char *s, size_t len)
{
	int32_t *w = NULL;
	size_t n = 0, k = 0;
	buf tmp = BUF_INIT;
	int rc = decompose_alloc(s, len, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, &w, &n);
	if (rc)
		goto cleanup;
	/* Code point fixes, in place (k <= i). */
	for (size_t i = 0; i < n; i++) {
		int32_t c = w[i];
		if (o->invisibles && is_invisible(c))
			continue;
		if (o->spaces && is_other_space(c))
			c = ' ';
		if (o->fix_eth && c == 0xD0)
			c = 0x110;
		if (o->dedup_marks && k && c == w[k - 1] &&
		    utf8proc_get_property(c)->combining_class)
			continue;
		w[k++] = c;
	}
	/* Word fixes: ð, tone placement. */
	for (size_t i = 0; o->fix_eth && i < k;) {
		size_t j = word_end(w, k, i);
		if (j > i && vn_eth_is_d(w + i, j - i))
			w[i] = 0x111;
		i = j > i ? j : i + 1;
	}
	if (o->tone != TEXT_TONE_KEEP)
		vn_retone_words(w, k, o->tone);
	if (buf_reserve(&tmp, len)) {
		rc = TEXT_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < k && rc == TEXT_OK; i++)
		rc = append_cp(&tmp, w[i]);
	/* Removing a character can leave marks out of canonical order, so
	 * normalise from UTF-8 again rather than composing w directly. */
	if (rc == TEXT_OK)
		rc = text_normalize_append(out, TEXT_NFC, tmp.data ? tmp.data : "", tmp.len);
cleanup:
	free(w);
	buf_free(&tmp);
	return rc;
}

/* ---- Search keys ---- */

/* Per-letter facts for Latin-1, Latin Extended-A/B and Latin Extended
 * Additional (all of Vietnamese), derived from utf8proc once: the hot paths
 * of the search keys look them up instead of decomposing each letter. */
struct latin_info {
	int32_t casefold; /* full case folding when it is one code point, else 0 */
	char fold;        /* the search key when it is one ASCII byte, else 0 */
	char base;        /* case-folded base letter when ASCII, else 0 */
	bool toned;       /* carries a Vietnamese tone mark */
	bool upper;       /* utf8proc_isupper */
	uint8_t category; /* utf8proc_category */
};

static struct latin_info latin[0x250 + 0x100];
static pthread_once_t latin_once = PTHREAD_ONCE_INIT;

static inline int latin_index(int32_t cp)
{
	if (cp >= 0 && cp < 0x250)
		return cp;
	if (cp >= 0x1E00 && cp < 0x1F00)
		return 0x250 + (cp - 0x1E00);
	return -1;
}

static void latin_build(void)
{
	for (int32_t cp = 0; cp < 0x1F00; cp++) {
		int at = latin_index(cp);
		if (at < 0)
			continue;
		struct latin_info *li = &latin[at];
		li->upper = utf8proc_isupper(cp);
		li->category = (uint8_t)utf8proc_category(cp);
		utf8proc_int32_t d[32];
		int lbc = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 32, UTF8PROC_CASEFOLD, &lbc);
		li->casefold = k == 1 ? d[0] : 0;
		k = utf8proc_decompose_char(
		        cp, d, 32, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, &lbc);
		if (k < 1 || k > 32)
			continue;
		int32_t kept = 0;
		int nkept = 0;
		for (utf8proc_ssize_t x = 0; x < k; x++) {
			int32_t c = d[x];
			if (c >= 0x300 && c <= 0x36F) {
				li->toned |= tone_of_mark(c) > 0;
				continue;
			}
			if (is_invisible(c))
				continue;
			kept = c == 0x111 || c == 0xF0 ? 'd' : is_other_space(c) ? ' ' : c;
			nkept++;
		}
		li->fold = nkept == 1 && kept > 0 && kept < 0x80 ? (char)kept : 0;
		li->base = d[0] >= 'a' && d[0] <= 'z' ? (char)d[0] : 0;
	}
}

/* buf_appendc for hot loops: inline when there is room. */
static inline int put_byte(buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_appendc(b, c);
}

int text_fold_append(buf *out, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	buf tmp = BUF_INIT;
	buf *dst = out;
	size_t keep = out->len;
	int rc = TEXT_OK;
	pthread_once(&latin_once, latin_build);
	if (buf_reserve(out, len))
		return TEXT_ENOMEM;
	for (size_t i = 0, n; i < len; i += n) {
		if (p[i] < 0x80) {
			if (put_byte(dst, (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]))) {
				rc = TEXT_ENOMEM;
				goto cleanup;
			}
			n = 1;
			continue;
		}
		int32_t cp = utf8_decode(p + i, len - i, &n);
		if (cp < 0) {
			rc = TEXT_EINVALID;
			goto cleanup;
		}
		int at = latin_index(cp);
		if (at >= 0 && latin[at].fold) {
			if (put_byte(dst, latin[at].fold)) {
				rc = TEXT_ENOMEM;
				goto cleanup;
			}
			continue;
		}
		utf8proc_int32_t d[32];
		int lbc = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(
		        cp, d, 32, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, &lbc);
		if (k < 0 || k > 32) {
			rc = TEXT_EINVALID;
			goto cleanup;
		}
		for (utf8proc_ssize_t x = 0; x < k; x++) {
			int32_t c = d[x];
			if ((c >= 0x300 && c <= 0x36F) || is_invisible(c))
				continue;
			if (c == 0x111 || c == 0xF0)
				c = 'd';
			else if (is_other_space(c))
				c = ' ';
			if (c >= 0x80 && dst == out) {
				/* Something non-ASCII survives: finish in tmp, then NFC
				 * it (Hangul, other scripts' marks came out decomposed). */
				if (buf_append(&tmp, out->data + keep, out->len - keep)) {
					rc = TEXT_ENOMEM;
					goto cleanup;
				}
				out->len = keep;
				dst = &tmp;
			}
			if ((rc = append_cp(dst, c)))
				goto cleanup;
		}
	}
	if (dst == &tmp)
		rc = text_normalize_append(out, TEXT_NFC, tmp.data, tmp.len);
cleanup:
	if (rc) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
	}
	buf_free(&tmp);
	return rc;
}

/* The exact form of a word that clean-up leaves alone, straight from NFC:
 * every code point NFC-inert, no eth, invisible or odd space, each folding
 * to one NFC-inert code point, and not an open oa/oe/uy syllable with a tone
 * (the only place tone placement moves a mark). Returns false, with out
 * untouched, when the full path is needed. */
static bool exact_fast(buf *out, const uint8_t *p, size_t len)
{
	const uint8_t *bits = inert_table(TEXT_NFC);
	int32_t last[2] = {-1, -1};
	size_t keep = out->len;
	pthread_once(&latin_once, latin_build);
	for (size_t i = 0, n; i < len; i += n) {
		int32_t c = utf8_decode(p + i, len - i, &n);
		if (c < 0 || !cp_inert(bits, c) || c == 0xD0 || c == 0xF0 || is_invisible(c) ||
		    is_other_space(c))
			goto slow;
		last[0] = last[1];
		last[1] = c;
		if (c < 0x80) {
			if (put_byte(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c)))
				goto slow;
			continue;
		}
		int at = latin_index(c);
		utf8proc_int32_t f[4];
		int lbc = 0;
		if (at >= 0 && latin[at].casefold)
			f[0] = latin[at].casefold;
		else if (utf8proc_decompose_char(c, f, 4, UTF8PROC_CASEFOLD, &lbc) != 1)
			goto slow;
		if (!cp_inert(bits, f[0]) || append_cp(out, f[0]))
			goto slow;
	}
	if (last[0] >= 0x80 || last[1] >= 0x80) {
		/* Bases and tone of the last two letters (outside the Latin table
		 * they cannot be o/a/e/u/y). */
		int a = latin_index(last[0]), b = latin_index(last[1]);
		if (a >= 0 && b >= 0 && (latin[a].toned || latin[b].toned)) {
			char b0 = latin[a].base, b1 = latin[b].base;
			if ((b0 == 'o' && (b1 == 'a' || b1 == 'e')) || (b0 == 'u' && b1 == 'y'))
				goto slow;
		}
	}
	return true;
slow:
	out->len = keep;
	if (out->data)
		out->data[keep] = '\0';
	return false;
}

/* Whether clean-up with o leaves valid s unchanged, decided quickly and
 * conservatively: every code point NFC-inert (so no marks to deduplicate and
 * nothing to normalise), none that the options replace, and no word ending
 * in o+a, o+e or u+y with a tone (where tone placement may move it). */
static bool clean_is_noop(const struct text_clean_opts *o, const uint8_t *p, size_t len)
{
	const uint8_t *bits = inert_table(TEXT_NFC);
	int a = -1, b = -1; /* latin[] indexes of the last two letters of the word */
	for (size_t i = 0, n; i <= len; i += n) {
		int32_t c = ' '; /* past the end: close the last word */
		n = 1;
		if (i < len)
			c = p[i] < 0x80 ? p[i] : utf8_decode(p + i, len - i, &n);
		if (c >= 0x80) {
			if (!cp_inert(bits, c) || (o->fix_eth && (c == 0xD0 || c == 0xF0)) ||
			    (o->invisibles && is_invisible(c)) || (o->spaces && is_other_space(c)))
				return false;
		}
		int at = latin_index(c);
		if (at >= 0 && latin[at].base) {
			a = b;
			b = at;
			continue;
		}
		if (a >= 0 && o->tone != TEXT_TONE_KEEP && (latin[a].toned || latin[b].toned)) {
			char b0 = latin[a].base, b1 = latin[b].base;
			if ((b0 == 'o' && (b1 == 'a' || b1 == 'e')) || (b0 == 'u' && b1 == 'y'))
				return false;
		}
		a = b = -1;
	}
	return true;
}

int text_clean_append(buf *out, const struct text_clean_opts *o, const char *s, size_t len)
{
	if (text_utf8_check(s, len) != len)
		return TEXT_EINVALID;
	pthread_once(&latin_once, latin_build);
	const uint8_t *p = (const uint8_t *)s;
	size_t keep = out->len;
	int rc = TEXT_OK;
	/* Clean-up never reaches across an ASCII space or newline (words,
	 * clusters and normalisation spans all stop there): take chunks of 64
	 * bytes or more ending at one, copy those that need nothing. */
	for (size_t i = 0; i < len && rc == TEXT_OK;) {
		size_t j = i + 64 < len ? i + 64 : len;
		while (j < len && p[j] != ' ' && p[j] != '\n')
			j++;
		if (clean_is_noop(o, p + i, j - i))
			rc = buf_append(out, p + i, j - i) ? TEXT_ENOMEM : TEXT_OK;
		else
			rc = clean_span(out, o, s + i, j - i);
		i = j;
	}
	if (rc) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
	}
	return rc;
}

int text_clean_append_slow(buf *out, const struct text_clean_opts *o, const char *s, size_t len)
{
	if (text_utf8_check(s, len) != len)
		return TEXT_EINVALID;
	return clean_span(out, o, s, len);
}

int text_exact_append(buf *out, const char *s, size_t len)
{
	if (exact_fast(out, (const uint8_t *)s, len))
		return TEXT_OK;
	struct text_clean_opts o;
	text_clean_defaults(&o);
	buf tmp = BUF_INIT;
	int rc = text_clean_append(&tmp, &o, s, len);
	if (rc == TEXT_OK)
		rc = text_case_append(out, TEXT_CASEFOLD, tmp.data ? tmp.data : "", tmp.len);
	buf_free(&tmp);
	return rc;
}

/* ---- Collation ----
 * Level 1: 4 bytes per starter (group byte, then rank or code point), level 2:
 * the tone byte and other marks per starter, level 3: one case byte per
 * starter. Levels end with 0x01, below every weight byte, so a prefix sorts
 * first. */

enum { COLL_PUNCT = 2, COLL_DIGIT = 3, COLL_LETTER = 4, COLL_OTHER = 5 };

/* Rank of a lowercase ASCII letter plus Vietnamese vowel mark in the alphabet
 * a ă â b c d đ e ê f ... o ô ơ ... u ư ... z; -1 when the mark is not part
 * of a Vietnamese letter. */
static int coll_rank(int32_t lower, int32_t vmark)
{
	static const char order[] = "a\x01\x02" "bcd\x03" "e\x04" "fghijklmno\x05\x06" "pqrstu\x07" "vwxyz";
	int32_t key = lower;
	if (vmark) {
		if (lower == 'a' && vmark == MARK_BREVE) key = 1;
		else if (lower == 'a' && vmark == MARK_CIRCUMFLEX) key = 2;
		else if (lower == 'e' && vmark == MARK_CIRCUMFLEX) key = 4;
		else if (lower == 'o' && vmark == MARK_CIRCUMFLEX) key = 5;
		else if (lower == 'o' && vmark == MARK_HORN) key = 6;
		else if (lower == 'u' && vmark == MARK_HORN) key = 7;
		else return -1;
	} else if (lower == 0x111 || lower == 0xF0) {
		key = 3;
	}
	const char *at = key < 0x80 ? memchr(order, (int)key, sizeof order - 1) : NULL;
	return at ? (int)(at - order) : -1;
}

int text_collate_key_append(buf *out, const char *s, size_t len)
{
	if (text_utf8_check(s, len) != len)
		return TEXT_EINVALID;
	int32_t *w = NULL;
	size_t n = 0;
	buf l2 = BUF_INIT, l3 = BUF_INIT;
	size_t keep = out->len;
	int rc = decompose_alloc(s, len, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, &w, &n);
	if (rc)
		goto cleanup;
	vn_retone_words(w, n, TEXT_TONE_NEW); /* hoà sorts as hòa */
	for (size_t i = 0; i < n;) {
		int32_t c = w[i], lower = utf8proc_tolower(c);
		size_t j = i + 1;
		while (j < n && utf8proc_get_property(w[j])->combining_class)
			j++;
		/* The first vowel mark that makes a Vietnamese letter is primary. */
		int32_t vmark = 0;
		int rank = -1;
		for (size_t x = i + 1; x < j && rank < 0; x++)
			if (is_vowel_mark(w[x]) && coll_rank(lower, w[x]) >= 0) {
				vmark = w[x];
				rank = coll_rank(lower, vmark);
			}
		if (rank < 0) {
			vmark = 0;
			rank = coll_rank(lower, 0);
		}
		uint8_t wt[4];
		if (rank >= 0) {
			wt[0] = COLL_LETTER, wt[1] = 0, wt[2] = 0, wt[3] = (uint8_t)rank;
		} else {
			utf8proc_category_t cat = utf8proc_category(c);
			uint8_t group = cat == UTF8PROC_CATEGORY_ND ? COLL_DIGIT
			              : (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
			                                cat == UTF8PROC_CATEGORY_NL ||
			                                cat == UTF8PROC_CATEGORY_NO
			                        ? COLL_OTHER
			                        : COLL_PUNCT;
			/* ASCII digits by value; other scripts' digits after them by code point. */
			int32_t v = group == COLL_DIGIT && c >= '0' && c <= '9' ? c - '0'
			          : group == COLL_DIGIT                       ? lower + 10
			                                                      : lower;
			wt[0] = group, wt[1] = (uint8_t)(v >> 16), wt[2] = (uint8_t)(v >> 8),
			wt[3] = (uint8_t)v;
		}
		int tone = 0;
		uint8_t extra[16];
		size_t nextra = 0;
		for (size_t x = i + 1; x < j; x++) {
			int t = tone_of_mark(w[x]);
			if (w[x] == vmark && vmark) {
				vmark = 0; /* consumed by level 1 */
			} else if (t > 0 && tone == 0) {
				tone = t;
			} else if (nextra < sizeof extra) {
				extra[nextra++] = (uint8_t)(w[x] >= 0x300 && w[x] <= 0x36F
				                                    ? 0x08 + (w[x] - 0x300)
				                                    : 0x78);
			}
		}
		uint8_t t2 = (uint8_t)(0x02 + tone), t3 = lower != c ? 0x03 : 0x02;
		if (buf_append(out, wt, 4) || buf_append(&l2, &t2, 1) ||
		    buf_append(&l2, extra, nextra) || buf_append(&l3, &t3, 1)) {
			rc = TEXT_ENOMEM;
			goto cleanup;
		}
		i = j;
	}
	if (buf_appendc(out, 0x01) || buf_append(out, l2.data, l2.len) ||
	    buf_appendc(out, 0x01) || buf_append(out, l3.data, l3.len))
		rc = TEXT_ENOMEM;
cleanup:
	if (rc) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
	}
	free(w);
	buf_free(&l2);
	buf_free(&l3);
	return rc;
}

int text_compare(const char *a, size_t alen, const char *b, size_t blen, int *result)
{
	buf ka = BUF_INIT, kb = BUF_INIT;
	int rc = text_collate_key_append(&ka, a, alen);
	if (rc == TEXT_OK)
		rc = text_collate_key_append(&kb, b, blen);
	if (rc == TEXT_OK) {
		size_t n = ka.len < kb.len ? ka.len : kb.len;
		int c = memcmp(ka.data, kb.data, n);
		*result = c ? c : (ka.len > kb.len) - (ka.len < kb.len);
	}
	buf_free(&ka);
	buf_free(&kb);
	return rc;
}

/* ---- Graphemes ---- */

void text_graphemes_init(struct text_graphemes *it, const char *s, size_t len)
{
	it->s = s;
	it->len = len;
	it->pos = 0;
	it->state = 0;
}

bool text_graphemes_next(struct text_graphemes *it, struct text_span *sp)
{
	const uint8_t *p = (const uint8_t *)it->s;
	if (it->pos >= it->len)
		return false;
	size_t n, i = it->pos;
	sp->start = i;
	int32_t prev = utf8_decode(p + i, it->len - i, &n);
	i += n;
	if (prev < 0) {
		it->state = 0;
	} else {
		while (i < it->len) {
			int32_t c = utf8_decode(p + i, it->len - i, &n);
			if (c < 0)
				break;
			if (utf8proc_grapheme_break_stateful(prev, c, &it->state))
				break;
			prev = c;
			i += n;
		}
	}
	if (i >= it->len || prev < 0)
		it->state = 0;
	it->pos = sp->end = i;
	return true;
}

size_t text_grapheme_count(const char *s, size_t len)
{
	struct text_graphemes it;
	struct text_span sp;
	size_t n = 0;
	text_graphemes_init(&it, s, len);
	while (text_graphemes_next(&it, &sp))
		n++;
	return n;
}

struct text_span text_grapheme_sub(const char *s, size_t len, long long i, long long j)
{
	struct text_span r = {0, 0};
	if (i < 0 || j < 0) {
		long long n = (long long)text_grapheme_count(s, len);
		if (i < 0)
			i = n + i + 1;
		if (j < 0)
			j = n + j + 1;
	}
	if (i < 1)
		i = 1;
	if (j < i)
		return r;
	struct text_graphemes it;
	struct text_span sp;
	long long k = 0;
	bool started = false;
	text_graphemes_init(&it, s, len);
	while (text_graphemes_next(&it, &sp)) {
		k++;
		if (k == i) {
			r.start = sp.start;
			started = true;
		}
		if (started)
			r.end = sp.end;
		if (k == j)
			break;
	}
	if (!started)
		r.start = r.end = len;
	return r;
}

size_t text_width(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	struct text_graphemes it;
	struct text_span sp;
	size_t w = 0;
	text_graphemes_init(&it, s, len);
	while (text_graphemes_next(&it, &sp)) {
		int best = 0;
		for (size_t i = sp.start, n; i < sp.end; i += n) {
			int32_t c = utf8_decode(p + i, sp.end - i, &n);
			int cw = c < 0 ? 1 : utf8proc_charwidth(c);
			if (cw > best)
				best = cw;
		}
		w += (size_t)best;
	}
	return w;
}

/* ---- Syllable tokenizer ---- */

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
	switch (at >= 0 ? (utf8proc_category_t)latin[at].category : utf8proc_category(c)) {
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

/* End of a run of letters and marks from i, invisible characters included
 * when a letter or mark follows them. */
static size_t tk_letters(const struct tk *t, size_t i, bool *upper_only)
{
	size_t n;
	for (;;) {
		if (i < t->len && t->p[i] < 0x80) { /* ASCII: a letter or the end */
			uint8_t b = t->p[i];
			if ((b | 0x20) < 'a' || (b | 0x20) > 'z')
				return i;
			if (upper_only && b >= 'a')
				*upper_only = false;
			i++;
			continue;
		}
		int32_t c = tk_cp(t, i, &n);
		enum cclass k = c == -2 ? CC_BAD : cclass_of(c);
		if (k == CC_LETTER || k == CC_MARK) {
			int at = latin_index(c);
			if (upper_only && k == CC_LETTER &&
			    !(at >= 0 ? latin[at].upper : utf8proc_isupper(c)))
				*upper_only = false;
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
		return i;
	}
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

static inline bool url_char(int b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
	       b == '-' || b == '_';
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
	size_t a = i;
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
	i = tk_letters(t, i, t->caseless ? NULL : &upper);
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
	pthread_once(&latin_once, latin_build); /* also when a caller skipped init */
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
		c = tk_cp(&t, i, &n);
		k = cclass_of(c);
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
