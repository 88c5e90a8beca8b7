/* text.c: the Unicode core of the text engine (see text.h): UTF-8 validation,
 * normalisation with a quick-check fast path, case mappings, grapheme
 * clusters and display width. Relies on utf8proc (Debian's 2.8.0, Unicode
 * 15.0, though pkg-config says 2.6.0) for every Unicode property, and on its
 * own decompose/reencode for the spans that need work, so results equal
 * utf8proc_map's. Vietnamese clean-up and collation are in text_vi.c, the
 * search keys in text_keys.c, the tokenizer in text_token.c. */
#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text_internal.h"

/* ---- UTF-8 validation and normalisation ----
 * The fast path keeps, per form, a bitmap of "inert" code points: combining
 * class 0, unchanged by the form on their own, and (for the composed forms)
 * never the second half of a canonical composition (NFC_QC=Maybe). Text
 * between two inert code points is normalised independently of what lies
 * around them, so only the spans [last inert before trouble, next inert after
 * it) go through utf8proc; the rest is copied. The bitmaps are derived from
 * utf8proc's own data once per process (pthread_once), so the result is
 * utf8proc_map's exactly; they are written once and then only read. Below
 * each form's smallest non-inert code point (U+0300 for NFC: all of
 * Latin-1 and Latin Extended-A/B) no lookup is needed at all. The same
 * 16-byte block check serves text_utf8_check. */

static const utf8proc_option_t form_opts[] = {
	[TEXT_NFC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE,
	[TEXT_NFD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
	[TEXT_NFKC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
	[TEXT_NFKD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
};

#define CP_LIMIT 0x110000
static uint8_t inert_bits[4][CP_LIMIT / 8];
/* Per form, what the 16-byte block check may take as inert without a
 * lookup: code points below min (two-byte leads C2..l2_max) and, when e1,
 * all of U+1E00..U+1EFF (E1 B8..BB xx: ạ ả ấ ... ỹ). */
static struct inert_quick {
	int32_t min; /* the smallest code point that is not inert */
	uint8_t l2_max;
	bool e1;
} inert_quick[4];
static struct text_once inert_once[4] = {TEXT_ONCE_INIT, TEXT_ONCE_INIT, TEXT_ONCE_INIT,
                                        TEXT_ONCE_INIT};
static struct text_once inert_supp_once[4] = {TEXT_ONCE_INIT, TEXT_ONCE_INIT, TEXT_ONCE_INIT,
                                             TEXT_ONCE_INIT};

static void inert_clear(uint8_t *bits, int32_t cp)
{
	bits[cp >> 3] &= (uint8_t) ~(1u << (cp & 7));
}

/* Clears the bits of the code points in [lo, hi) that are not inert. The
 * table is built in two parts, the BMP first and the supplementary planes
 * only when a code point there is looked up: walking all 1.1M code points
 * costs ~10 ms, which a one-shot command (a search) should not pay. Neither
 * part clears a bit of the other: no composite's last code point lies
 * outside its own part (test_text_conformance checks this of utf8proc). */
static void inert_build_range(enum text_form form, int32_t lo, int32_t hi)
{
	uint8_t *bits = inert_bits[form];
	utf8proc_option_t opts = form_opts[form];
	bool compose = opts & UTF8PROC_COMPOSE;
	for (int32_t cp = lo; cp < hi; cp++) {
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
		if (m == 1 && c[0] == cp && (d[n - 1] >= 0x10000) == (cp >= 0x10000))
			inert_clear(bits, d[n - 1]);
	}
}

static void inert_build(enum text_form form)
{
	memset(inert_bits[form], 0xFF, sizeof inert_bits[form]);
	inert_build_range(form, 0, 0x10000);
	const uint8_t *bits = inert_bits[form];
	struct inert_quick *q = &inert_quick[form];
	int32_t cp = 0;
	while (cp < 0x10000 && cp_inert(bits, cp))
		cp++;
	q->min = cp;
	/* The last two-byte lead whose 64 code points all lie below min. */
	int32_t lim = cp > 0x800 ? 0x800 : cp;
	q->l2_max = (uint8_t)(0xC0 | ((lim >> 6) - 1));
	q->e1 = true;
	for (cp = 0x1E00; cp < 0x1F00; cp++)
		q->e1 &= cp_inert(bits, cp);
}

static void inert_build_nfc(void) { inert_build(TEXT_NFC); }
static void inert_build_nfd(void) { inert_build(TEXT_NFD); }
static void inert_build_nfkc(void) { inert_build(TEXT_NFKC); }
static void inert_build_nfkd(void) { inert_build(TEXT_NFKD); }

static void inert_supp_nfc(void) { inert_build_range(TEXT_NFC, 0x10000, CP_LIMIT); }
static void inert_supp_nfd(void) { inert_build_range(TEXT_NFD, 0x10000, CP_LIMIT); }
static void inert_supp_nfkc(void) { inert_build_range(TEXT_NFKC, 0x10000, CP_LIMIT); }
static void inert_supp_nfkd(void) { inert_build_range(TEXT_NFKD, 0x10000, CP_LIMIT); }

const uint8_t *text_inert_table(enum text_form form)
{
	static void (*const build[4])(void) = {inert_build_nfc, inert_build_nfd,
	                                       inert_build_nfkc, inert_build_nfkd};
	text_once(&inert_once[form], build[form]);
	return inert_bits[form];
}

void text_inert_supplementary(const uint8_t *bits)
{
	static void (*const build[4])(void) = {inert_supp_nfc, inert_supp_nfd, inert_supp_nfkc,
	                                       inert_supp_nfkd};
	for (int form = 0; form < 4; form++)
		if (bits == inert_bits[form])
			text_once(&inert_supp_once[form], build[form]);
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

#ifdef __SSE2__
/* Checks the 16 bytes at p, which start at a character boundary: returns 16
 * when they are ASCII, two-byte sequences led by C2..l2_max and (with e1)
 * E1 B8..BB xx sequences, all well formed, so all inert; the offset of the
 * last character when only that one runs past the block; 0 when the block
 * needs the byte-by-byte check. Bit k of each mask is byte k. */
static inline size_t block_inert(const uint8_t *p, const struct inert_quick *q)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	unsigned hi = (unsigned)_mm_movemask_epi8(v);
	if (!hi)
		return 16;
	/* Signed bytes: 80..BF are -128..-65, C2.. are -62.., E1 is -31. */
	unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)));
	unsigned l2 = (unsigned)_mm_movemask_epi8(
	        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xC1)),
	                      _mm_cmplt_epi8(v, _mm_set1_epi8((char)(q->l2_max + 1)))));
	unsigned e1 = 0, b8 = 0;
	if (q->e1) {
		e1 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE1)));
		b8 = (unsigned)_mm_movemask_epi8(
		        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xB7)),
		                      _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xBC))));
	}
	unsigned lead = l2 | e1;
	unsigned want = l2 << 1 | e1 << 1 | e1 << 2; /* where continuation bytes belong */
	if ((hi & ~(cont | lead)) || (e1 << 1 & ~b8 & 0xFFFF) || (want & 0xFFFF) != cont)
		return 0;
	if (want >> 16) /* the last character is cut: stop before it */
		return (size_t)(31 - __builtin_clz(lead));
	return 16;
}
#endif

/* Index of the first code point at or after i that is not inert (or of an
 * invalid byte), len when there is none. The hot loop of the fast path:
 * 16 bytes at a time where they are plain (SSE2), else ASCII 8 bytes at a
 * time, two- and three-byte sequences decoded inline, no lookup below the
 * form's first non-inert code point. */
static inline size_t scan_inert(const uint8_t *p, size_t i, size_t len, const uint8_t *bits,
                                const struct inert_quick *q)
{
	int32_t min = q->min;
	while (i < len) {
		size_t stop = len;
#ifdef __SSE2__
		if (i + 16 <= len) {
			size_t adv = block_inert(p + i, q);
			if (adv) {
				i += adv;
				continue;
			}
			stop = i + 16;
		}
#endif
		while (i < stop) {
			uint8_t b = p[i];
			if (b < 0x80) {
				i = skip_ascii(p, i + 1, len);
				continue;
			}
			int32_t cp;
			size_t n;
			if (b < 0xE0) {
				if (b < 0xC2 || i + 1 >= len || !is_cont(p[i + 1]))
					return i;
				cp = (int32_t)(b & 0x1F) << 6 | (p[i + 1] & 0x3F);
				n = 2;
			} else if (b < 0xF0 && b != 0xE0 && b != 0xED) {
				if (i + 2 >= len || !is_cont(p[i + 1]) || !is_cont(p[i + 2]))
					return i;
				cp = (int32_t)(b & 0x0F) << 12 | (int32_t)(p[i + 1] & 0x3F) << 6 |
				     (p[i + 2] & 0x3F);
				n = 3;
			} else {
				cp = utf8_decode(p + i, len - i, &n);
				if (cp < 0)
					return i;
			}
			if (cp >= min && !cp_inert(bits, cp))
				return i;
			i += n;
		}
	}
	return len;
}

size_t text_utf8_check(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
#ifdef __SSE2__
	/* Plain Vietnamese blocks at once: any two-byte sequence, E1 B8..BB xx. */
	static const struct inert_quick plain = {0, 0xDF, true};
	while (i + 16 <= len) {
		size_t adv = block_inert(p + i, &plain);
		if (adv) {
			i += adv;
			continue;
		}
		size_t stop = i + 16;
		while (i < stop) {
			if (p[i] < 0x80) {
				i++;
				continue;
			}
			size_t n = utf8_seq_len(p + i, len - i);
			if (!n)
				return i;
			i += n;
		}
	}
#endif
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

/* The fast path. With out, appends the normal form; without, sets *same to
 * whether s is already normalised (scratch holds each span's normal form). */
static int normalize_scan(buf *out, bool *same, enum text_form form, const uint8_t *p,
                          size_t len)
{
	const uint8_t *bits = text_inert_table(form);
	const struct inert_quick *q = &inert_quick[form];
	int32_t min = q->min;
	utf8proc_option_t opts = form_opts[form];
	buf scratch = BUF_INIT;
	size_t i = 0, copied = 0;
	int rc = TEXT_OK;
	if (same)
		*same = true;
	if (!len)
		return TEXT_OK; /* s may be NULL */
	for (;;) {
		i = scan_inert(p, i, len, bits, q);
		if (i == len)
			break;
		size_t n, m;
		if (utf8_decode(p + i, len - i, &n) < 0) {
			rc = TEXT_EINVALID;
			goto cleanup;
		}
		/* The span starts at the inert code point before i (everything
		 * from copied to i is valid and inert), or at i itself. */
		size_t boundary = i;
		if (boundary > copied)
			while (is_cont(p[--boundary]))
				;
		size_t j = i + n;
		while (j < len && p[j] >= 0x80) {
			int32_t c2 = utf8_decode(p + j, len - j, &m);
			if (c2 < 0) {
				rc = TEXT_EINVALID;
				goto cleanup;
			}
			if (c2 < min || cp_inert(bits, c2))
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
		copied = i = j;
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
	if (rc)
		buf_truncate(out, keep);
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

