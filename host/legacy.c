/* legacy.c: Vietnamese text in the 8-bit encodings of the 1990s and 2000s
 * (see legacy.h). Windows-1258, TCVN3 and VISCII are decoded by iconv
 * (glibc knows them as WINDOWS-1258, TCVN5712-1 and VISCII); VNI, which no
 * iconv knows, by the table below. A guess is scored by how many of the
 * decoded words are well-formed Vietnamese syllables. */
#include "legacy.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text.h"

static const struct {
	const char *name, *label, *iconv;
} encodings[] = {
	[LEGACY_CP1258] = {"windows-1258", "Windows-1258", "WINDOWS-1258"},
	[LEGACY_TCVN3] = {"tcvn3", "TCVN3 (ABC)", "TCVN5712-1"},
	[LEGACY_VNI] = {"vni", "VNI", NULL},
	[LEGACY_VISCII] = {"viscii", "VISCII", "VISCII"},
};

const char *legacy_name(enum legacy_enc e)
{
	return e > LEGACY_NONE && e < LEGACY_COUNT ? encodings[e].name : "utf-8";
}

const char *legacy_label(enum legacy_enc e)
{
	return e > LEGACY_NONE && e < LEGACY_COUNT ? encodings[e].label : "UTF-8";
}

bool legacy_parse_name(const char *s, int *e)
{
	if (!strcasecmp(s, "auto"))
		*e = LEGACY_AUTO;
	else if (!strcasecmp(s, "utf-8") || !strcasecmp(s, "utf8"))
		*e = LEGACY_NONE;
	else if (!strcasecmp(s, "cp1258"))
		*e = LEGACY_CP1258;
	else
		for (*e = LEGACY_NONE + 1; *e < LEGACY_COUNT && strcasecmp(s, encodings[*e].name); ++*e)
			;
	return *e != LEGACY_COUNT;
}

/* ---- VNI ----------------------------------------------------------------------
 * VNI writes a letter as its base then one byte for its marks: "Vieät" is
 * e + ä (circumflex and dot below). Bytes read as Windows-1252. Some letters
 * (đ ơ ư and i, y with some tones) are one byte of their own. */
static const struct vni_mark {
	unsigned char byte;
	int32_t marks[2];
} vni_marks[] = {
	{0xE2, {0x302}},        {0xC2, {0x302}},        {0xEA, {0x306}},        {0xCA, {0x306}},
	{0xF9, {0x301}},        {0xD9, {0x301}},        {0xF8, {0x300}},        {0xD8, {0x300}},
	{0xFB, {0x309}},        {0xDB, {0x309}},        {0xF5, {0x303}},        {0xD5, {0x303}},
	{0xEF, {0x323}},        {0xCF, {0x323}},        {0xE1, {0x302, 0x301}}, {0xC1, {0x302, 0x301}},
	{0xE0, {0x302, 0x300}}, {0xC0, {0x302, 0x300}}, {0xE5, {0x302, 0x309}}, {0xC5, {0x302, 0x309}},
	{0xE3, {0x302, 0x303}}, {0xC3, {0x302, 0x303}}, {0xE4, {0x302, 0x323}}, {0xC4, {0x302, 0x323}},
	{0xE9, {0x306, 0x301}}, {0xC9, {0x306, 0x301}}, {0xE8, {0x306, 0x300}}, {0xC8, {0x306, 0x300}},
	{0xFA, {0x306, 0x309}}, {0xDA, {0x306, 0x309}}, {0xFC, {0x306, 0x303}}, {0xDC, {0x306, 0x303}},
	{0xEB, {0x306, 0x323}}, {0xCB, {0x306, 0x323}},
};

static const struct vni_letter {
	unsigned char byte;
	int32_t cp;
} vni_letters[] = {
	{0xF1, 0x111},  {0xD1, 0x110},  {0xF4, 0x1A1},  {0xD4, 0x1A0},  {0xF6, 0x1B0},  {0xD6, 0x1AF},
	{0xED, 0xED},   {0xCD, 0xCD},   {0xEC, 0xEC},   {0xCC, 0xCC},   {0xE6, 0x1EC9}, {0xC6, 0x1EC8},
	{0xF3, 0x129},  {0xD3, 0x128},  {0xF2, 0x1ECB}, {0xD2, 0x1ECA}, {0xEE, 0x1EF5}, {0xCE, 0x1EF4},
};

/* Windows-1252 0x80..0x9F (undefined bytes map to themselves as C1 controls). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021, 0x2C6,  0x2030, 0x160,
	0x2039, 0x152,  0x8D,   0x17D,  0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178,
};

static bool is_ascii_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int put_cp(buf *out, int32_t cp)
{
	uint8_t tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
	return buf_append(out, tmp, (size_t)n);
}

static int vni_decode(const unsigned char *s, size_t n, buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		int rc = 0;
		if (c < 0x80) {
			rc = buf_append(out, &c, 1);
		} else {
			const struct vni_mark *m = NULL;
			bool after_letter = i > 0 && (is_ascii_letter(s[i - 1]) || s[i - 1] >= 0xC0);
			for (size_t k = 0; after_letter && k < sizeof vni_marks / sizeof vni_marks[0]; k++)
				if (vni_marks[k].byte == c)
					m = &vni_marks[k];
			int32_t cp = c < 0xA0 ? cp1252_high[c - 0x80] : c;
			for (size_t k = 0; k < sizeof vni_letters / sizeof vni_letters[0]; k++)
				if (vni_letters[k].byte == c)
					cp = vni_letters[k].cp, m = NULL;
			if (m) {
				rc = put_cp(out, m->marks[0]);
				if (!rc && m->marks[1])
					rc = put_cp(out, m->marks[1]);
			} else {
				rc = put_cp(out, cp);
			}
		}
		if (rc)
			return -1;
	}
	return 0;
}

static int iconv_decode(const char *from, const char *s, size_t n, buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return -1;
	int rc = -1;
	char *in = (char *)s;
	size_t left = n;
	while (left) {
		if (buf_reserve(out, left * 3 + 16))
			goto cleanup;
		char *o = out->data + out->len;
		size_t room = out->cap - out->len - 1;
		size_t r = iconv(cd, &in, &left, &o, &room);
		out->len = (size_t)(o - out->data);
		if (r == (size_t)-1 && errno != E2BIG) {
			/* A byte the encoding does not define: keep going past it. */
			if (put_cp(out, 0xFFFD))
				goto cleanup;
			in++, left--;
		}
	}
	rc = 0;
cleanup:
	iconv_close(cd);
	if (out->data)
		out->data[out->len] = '\0';
	return rc;
}

int legacy_decode(enum legacy_enc e, const char *s, size_t n, buf *out)
{
	if (e <= LEGACY_NONE || e >= LEGACY_COUNT)
		return -1;
	buf tmp = BUF_INIT;
	int rc = encodings[e].iconv ? iconv_decode(encodings[e].iconv, s, n, &tmp)
	                            : vni_decode((const unsigned char *)s, n, &tmp);
	if (!rc && text_normalize_append(out, TEXT_NFC, tmp.data ? tmp.data : "", tmp.len) != TEXT_OK)
		rc = -1;
	buf_free(&tmp);
	return rc;
}

/* ---- scoring ------------------------------------------------------------------
 * A word is Vietnamese when, with its tone mark taken off, it is an onset,
 * a vowel group and a coda of the language. Letters are reduced to one byte
 * each: ă A, â B, ê E, ô O, ơ P, ư U, đ D. */
static const char *const onsets[] = {"",  "b",  "c",  "ch", "d",  "D",  "g",  "gh",  "gi", "h",
                                     "k", "kh", "l",  "m",  "n",  "ng", "ngh", "nh", "p",  "ph",
                                     "qu", "r", "s",  "t",  "th", "tr", "v",  "x"};
static const char *const codas[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};

static bool is_vowel_code(char c)
{
	return strchr("aABeEioOPuUy", c) != NULL;
}

static bool skeleton_is_syllable(const char *w, size_t n)
{
	for (size_t a = 0; a < sizeof onsets / sizeof onsets[0]; a++) {
		size_t on = strlen(onsets[a]);
		if (on > n || memcmp(w, onsets[a], on))
			continue;
		size_t v = on;
		while (v < n && is_vowel_code(w[v]))
			v++;
		if (v == on || v - on > 3)
			continue;
		for (size_t c = 0; c < sizeof codas / sizeof codas[0]; c++)
			if (strlen(codas[c]) == n - v && !memcmp(w + v, codas[c], n - v))
				return true;
	}
	return false;
}

/* Whether the NFD, case-folded code points w[0..n) spell a Vietnamese
 * syllable with at most one tone mark. */
static bool is_syllable(const int32_t *w, size_t n)
{
	char sk[16];
	size_t k = 0;
	int tones = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t c = w[i];
		if (c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323) {
			tones++;
			continue;
		}
		if (k == sizeof sk)
			return false;
		if (c == 0x302 || c == 0x306 || c == 0x31B) {
			char *p = k ? &sk[k - 1] : NULL;
			if (!p)
				return false;
			if (c == 0x306 && *p == 'a')
				*p = 'A';
			else if (c == 0x302 && (*p == 'a' || *p == 'e' || *p == 'o'))
				*p = *p == 'a' ? 'B' : *p == 'e' ? 'E' : 'O';
			else if (c == 0x31B && (*p == 'o' || *p == 'u'))
				*p = *p == 'o' ? 'P' : 'U';
			else
				return false;
			continue;
		}
		if (c == 0x111)
			sk[k++] = 'D';
		else if (c >= 'a' && c <= 'z')
			sk[k++] = (char)c;
		else
			return false;
	}
	return tones <= 1 && k > 0 && skeleton_is_syllable(sk, k);
}

void legacy_score_text(const char *s, size_t n, size_t *words, size_t *good)
{
	*words = *good = 0;
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	int32_t w[24];
	while (i < n) {
		/* A token: a run of bytes that are not ASCII spaces or punctuation. */
		while (i < n && p[i] < 0x80 && !is_ascii_letter(p[i]))
			i++;
		size_t start = i;
		bool wide = false;
		while (i < n && (p[i] >= 0x80 || is_ascii_letter(p[i])))
			wide |= p[i++] >= 0x80;
		if (!wide)
			continue;
		(*words)++;
		size_t k = 0;
		bool ok = true;
		for (size_t j = start; j < i && ok;) {
			int32_t cp;
			utf8proc_ssize_t m = utf8proc_iterate(p + j, (utf8proc_ssize_t)(i - j), &cp);
			if (m <= 0)
				break;
			j += (size_t)m;
			int32_t d[4];
			int lbc = 0;
			utf8proc_ssize_t dn = utf8proc_decompose_char(
			        cp, d, 4, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, &lbc);
			if (dn < 1 || dn > 4 || k + (size_t)dn > sizeof w / sizeof w[0]) {
				ok = false;
				break;
			}
			memcpy(w + k, d, sizeof d[0] * (size_t)dn);
			k += (size_t)dn;
		}
		if (ok && is_syllable(w, k))
			(*good)++;
	}
}

enum legacy_enc legacy_detect(const char *s, size_t n, size_t *words, size_t *good)
{
	enum legacy_enc best = LEGACY_NONE;
	size_t best_w = 0, best_g = 0;
	for (int e = LEGACY_NONE + 1; e < LEGACY_COUNT; e++) {
		buf out = BUF_INIT;
		size_t w = 0, g = 0;
		if (legacy_decode((enum legacy_enc)e, s, n, &out) == 0)
			legacy_score_text(out.data ? out.data : "", out.len, &w, &g);
		buf_free(&out);
		/* The better share of good words; ties go to the earlier encoding. */
		if (g && (best == LEGACY_NONE || g * best_w > best_g * w)) {
			best = (enum legacy_enc)e;
			best_w = w, best_g = g;
		}
	}
	*words = best_w;
	*good = best_g;
	return best;
}

bool legacy_confident(size_t words, size_t good)
{
	return words >= 3 && good * 10 >= words * 9;
}
