/* text_vi.c: Vietnamese-specific text work (see text.h): the clean-up (Ð/ð,
 * repeated marks, odd spaces, invisibles, tone placement), with a quick check
 * that copies text needing nothing, and the collation key. Works on
 * utf8proc's canonical decompositions; the quick check uses text.c's NFC
 * tables and text_keys.c's Latin letter facts. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text_internal.h"

/* ---- Letters and marks ---- */

int text_tone_of_mark(int32_t m)
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
			if (text_tone_of_mark(w[i]) > 0) {
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
		if (text_tone_of_mark(c) > 0 || is_vowel_mark(c))
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

/* Whether clean-up with o leaves valid s unchanged, decided quickly and
 * conservatively: every code point NFC-inert (so no marks to deduplicate and
 * nothing to normalise), none that the options replace, and no word ending
 * in o+a, o+e or u+y with a tone (where tone placement may move it). */
static bool clean_is_noop(const struct text_clean_opts *o, const uint8_t *p, size_t len)
{
	const uint8_t *bits = text_inert_table(TEXT_NFC);
	int a = -1, b = -1; /* text_latin[] indexes of the last two letters of the word */
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
		if (at >= 0 && text_latin[at].base) {
			a = b;
			b = at;
			continue;
		}
		if (a >= 0 && o->tone != TEXT_TONE_KEEP && (text_latin[a].toned || text_latin[b].toned)) {
			char b0 = text_latin[a].base, b1 = text_latin[b].base;
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
	text_latin_init();
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
			int t = text_tone_of_mark(w[x]);
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

