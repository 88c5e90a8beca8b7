/* text_keys.c: the search keys (see text.h): the folded key ("Đà Nẵng" ->
 * "da nang") and the exact, strict-search form ("HOÀ" -> "hòa"), plus the
 * Latin letter facts the fast paths share. Each key has a table-driven fast
 * path for the letters Vietnamese uses (ASCII, the two-byte letters and
 * U+1E00..U+1EFF, looked up straight from their UTF-8 bytes); every table
 * entry is computed once by the general per-code-point path itself, so the
 * fast path cannot disagree with it. */
#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text_internal.h"

struct latin_info text_latin[0x250 + 0x100];

/* Folded key of a code point (by qidx): the ASCII byte, FOLD_DROP when it
 * leaves nothing (a tone or vowel mark), 0 when the general path must run. */
enum { FOLD_DROP = 0x80 };
static uint8_t fold_q[QIDX_COUNT];

/* Exact form of a code point (by qidx): its case folding in UTF-8 (n bytes),
 * n == 0 when exact_fast must give up (see exact_cp). */
struct exact_entry {
	uint8_t n, b[3];
};
static struct exact_entry exact_q[QIDX_COUNT];

struct text_once text_latin_once = TEXT_ONCE_INIT;
static struct text_once exact_once = TEXT_ONCE_INIT;
static const uint8_t *exact_bits; /* text_inert_table(TEXT_NFC) */

static inline uint8_t ascii_lower(uint8_t b)
{
	return (uint8_t)(b + ((unsigned)(b - 'A') < 26u ? 32 : 0));
}

/* The search key of one code point: its canonical decomposition, case folded,
 * without marks U+0300..U+036F and invisibles, with đ/ð -> d and odd spaces
 * -> ' '. Stores the kept code points in d (room for 32) and returns how
 * many, or -1 when utf8proc fails. */
static int fold_cp(int32_t cp, int32_t *d)
{
	int lbc = 0;
	utf8proc_ssize_t k = utf8proc_decompose_char(
	        cp, d, 32, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, &lbc);
	if (k < 0 || k > 32)
		return -1;
	int m = 0;
	for (utf8proc_ssize_t x = 0; x < k; x++) {
		int32_t c = d[x];
		if ((c >= 0x300 && c <= 0x36F) || is_invisible(c))
			continue;
		if (c == 0x111 || c == 0xF0)
			c = 'd';
		else if (is_other_space(c))
			c = ' ';
		d[m++] = c;
	}
	return m;
}

void text_latin_build(void)
{
	for (int32_t cp = 0; cp < 0x1F00; cp++) {
		int at = latin_index(cp);
		if (at < 0)
			continue;
		struct latin_info *li = &text_latin[at];
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
				li->toned |= text_tone_of_mark(c) > 0;
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
	for (int q = 0x80; q < QIDX_COUNT; q++) {
		int32_t d[32];
		int m = fold_cp(qidx_cp(q), d);
		if (m == 0)
			fold_q[q] = FOLD_DROP;
		else if (m == 1 && d[0] > 0 && d[0] < 0x80)
			fold_q[q] = (uint8_t)d[0];
	}
}

int text_fold_append(buf *out, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	buf tmp = BUF_INIT;
	buf *dst = out;
	size_t keep = out->len, i = 0, n;
	int rc = TEXT_OK;
	text_latin_init();
	if (out->cap - out->len <= len && buf_reserve(out, len))
		return TEXT_ENOMEM;
	/* Fast: ASCII and table letters give at most one byte per code point,
	 * so the reserved room is enough. */
	char *o = out->data + out->len;
	while (i < len) {
		uint8_t b = p[i];
		if (b < 0x80) {
			*o++ = (char)ascii_lower(b);
			i++;
			continue;
		}
		int q = qidx_at(p + i, len - i, &n);
		if (q < 0 || !fold_q[q])
			break;
		if (fold_q[q] != FOLD_DROP)
			*o++ = (char)fold_q[q];
		i += n;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	/* General: the same per code point, through utf8proc where needed. */
	for (; i < len; i += n) {
		if (p[i] < 0x80) {
			if (put_byte(dst, (char)ascii_lower(p[i]))) {
				rc = TEXT_ENOMEM;
				goto cleanup;
			}
			n = 1;
			continue;
		}
		int q = qidx_at(p + i, len - i, &n);
		if (q >= 0 && fold_q[q]) {
			if (fold_q[q] != FOLD_DROP && put_byte(dst, (char)fold_q[q])) {
				rc = TEXT_ENOMEM;
				goto cleanup;
			}
			continue;
		}
		int32_t cp = utf8_decode(p + i, len - i, &n);
		int32_t d[32];
		int k = cp < 0 ? -1 : fold_cp(cp, d);
		if (k < 0) {
			rc = TEXT_EINVALID;
			goto cleanup;
		}
		for (int x = 0; x < k; x++) {
			if (d[x] >= 0x80 && dst == out) {
				/* Something non-ASCII survives: finish in tmp, then NFC
				 * it (Hangul, other scripts' marks came out decomposed). */
				if (buf_append(&tmp, out->data + keep, out->len - keep)) {
					rc = TEXT_ENOMEM;
					goto cleanup;
				}
				out->len = keep;
				dst = &tmp;
			}
			if ((rc = append_cp(dst, d[x])))
				goto cleanup;
		}
	}
	if (dst == &tmp)
		rc = text_normalize_append(out, TEXT_NFC, tmp.data, tmp.len);
cleanup:
	if (rc)
		buf_truncate(out, keep);
	if (tmp.data)
		buf_free(&tmp);
	return rc;
}

/* The exact form of one code point c >= 0x80 when clean-up leaves it alone
 * and case folding gives one NFC-inert code point: stores that in *f and
 * returns true. False for anything clean-up or NFC could change (a
 * non-inert code point, eth, invisibles, odd spaces). */
static bool exact_cp(const uint8_t *bits, int32_t c, int32_t *f)
{
	if (!cp_inert(bits, c) || c == 0xD0 || c == 0xF0 || is_invisible(c) || is_other_space(c))
		return false;
	int at = latin_index(c);
	utf8proc_int32_t d[4];
	int lbc = 0;
	if (at >= 0 && text_latin[at].casefold)
		d[0] = text_latin[at].casefold;
	else if (utf8proc_decompose_char(c, d, 4, UTF8PROC_CASEFOLD, &lbc) != 1)
		return false;
	*f = d[0];
	return cp_inert(bits, d[0]);
}

static void exact_build(void)
{
	const uint8_t *bits = text_inert_table(TEXT_NFC);
	text_latin_init();
	exact_bits = bits;
	for (int q = 0x80; q < QIDX_COUNT; q++) {
		int32_t f;
		uint8_t u[4];
		if (!exact_cp(bits, qidx_cp(q), &f))
			continue;
		utf8proc_ssize_t n = utf8proc_encode_char(f, u);
		if (n < 1 || n > 3)
			continue;
		exact_q[q].n = (uint8_t)n;
		memcpy(exact_q[q].b, u, (size_t)n);
	}
}

/* The exact form of a word that clean-up leaves alone, straight from NFC:
 * every code point NFC-inert, no eth, invisible or odd space, each folding
 * to one NFC-inert code point, and not an open oa/oe/uy syllable with a tone
 * (the only place tone placement moves a mark). Returns false, with out
 * untouched, when the full path is needed. */
static bool exact_fast(buf *out, const uint8_t *p, size_t len)
{
	text_once(&exact_once, exact_build);
	const uint8_t *bits = exact_bits;
	int32_t last[2] = {-1, -1};
	/* A code point grows by at most half in UTF-8 when case folded (two
	 * bytes to three), so this room is enough. */
	if (out->cap - out->len <= 2 * len + 4 && buf_reserve(out, 2 * len + 4))
		return false;
	uint8_t *o = (uint8_t *)out->data + out->len;
	for (size_t i = 0, n; i < len; i += n) {
		uint8_t b = p[i];
		int32_t c;
		if (b < 0x80) {
			*o++ = ascii_lower(b);
			c = b;
			n = 1;
		} else {
			int q = qidx_at(p + i, len - i, &n);
			if (q >= 0) {
				const struct exact_entry *e = &exact_q[q];
				if (!e->n)
					return false;
				memcpy(o, e->b, 3);
				o += e->n;
				c = qidx_cp(q);
			} else {
				int32_t f;
				c = utf8_decode(p + i, len - i, &n);
				if (c < 0 || !exact_cp(bits, c, &f))
					return false;
				o += utf8proc_encode_char(f, o);
			}
		}
		last[0] = last[1];
		last[1] = c;
	}
	if (last[0] >= 0x80 || last[1] >= 0x80) {
		/* Bases and tone of the last two letters (outside the Latin table
		 * they cannot be o/a/e/u/y). */
		int a = latin_index(last[0]), b = latin_index(last[1]);
		if (a >= 0 && b >= 0 && (text_latin[a].toned || text_latin[b].toned)) {
			char b0 = text_latin[a].base, b1 = text_latin[b].base;
			if ((b0 == 'o' && (b1 == 'a' || b1 == 'e')) || (b0 == 'u' && b1 == 'y'))
				return false;
		}
	}
	out->len = (size_t)((char *)o - out->data);
	out->data[out->len] = '\0';
	return true;
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
