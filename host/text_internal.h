/* text_internal.h: what the parts of the text engine share (text.c,
 * text_vi.c, text_keys.c, text_token.c): inline UTF-8 decoding, the
 * normalisation quick-check tables, Vietnamese mark helpers and the Latin
 * letter tables behind the fast paths. Not a public header: use text.h. */
#ifndef TRANG_TEXT_INTERNAL_H
#define TRANG_TEXT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <utf8proc.h>

#include "text.h"

/* pthread_once with the "done" test inline, for tables that the per-token
 * paths check on every call. */
struct text_once {
	atomic_bool done;
	pthread_once_t once;
};
#define TEXT_ONCE_INIT {false, PTHREAD_ONCE_INIT}

static inline void text_once(struct text_once *o, void (*build)(void))
{
	if (!atomic_load_explicit(&o->done, memory_order_acquire)) {
		pthread_once(&o->once, build);
		atomic_store_explicit(&o->done, true, memory_order_release);
	}
}

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

/* Index of the first non-ASCII byte at or after i (len if none), reading 8
 * bytes at a time. */
static inline size_t skip_ascii(const uint8_t *p, size_t i, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (i + 8 <= len) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		w &= 0x8080808080808080ULL;
		if (w) /* little-endian: the lowest set bit is the first such byte */
			return i + (size_t)(__builtin_ctzll(w) >> 3);
		i += 8;
	}
#endif
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

/* The fast paths' index of the letters Vietnamese uses: code points below
 * U+0800 (two-byte UTF-8: Latin-1, Latin Extended-A/B, the combining marks)
 * and U+1E00..U+1EFF (Latin Extended Additional: ạ ả ấ ... ỹ). */
enum { QIDX_COUNT = 0x900 };

/* qidx of the valid two-byte or E1 B8..BB sequence at p[0] >= 0x80, with its
 * length in *n; -1 for anything else (other sequences, invalid bytes). */
static inline int qidx_at(const uint8_t *p, size_t avail, size_t *n)
{
	uint8_t b = p[0];
	if (b >= 0xC2 && b < 0xE0) {
		if (avail >= 2 && is_cont(p[1])) {
			*n = 2;
			return (b & 0x1F) << 6 | (p[1] & 0x3F);
		}
	} else if (b == 0xE1 && avail >= 3 && (p[1] & 0xFC) == 0xB8 && is_cont(p[2])) {
		*n = 3;
		return 0x800 + ((p[1] & 0x03) << 6 | (p[2] & 0x3F));
	}
	return -1;
}

static inline int32_t qidx_cp(int q)
{
	return q < 0x800 ? q : 0x1E00 + (q - 0x800);
}

static inline int append_cp(buf *out, int32_t cp)
{
	uint8_t tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
	return buf_append(out, tmp, (size_t)n) ? TEXT_ENOMEM : TEXT_OK;
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

/* Puts out back to keep bytes (on an error). */
static inline void buf_truncate(buf *out, size_t keep)
{
	out->len = keep;
	if (out->data)
		out->data[keep] = '\0';
}

/* ---- Normalisation tables (text.c) ---- */

/* Per form, a bitmap over all code points of the "inert" ones: combining
 * class 0, unchanged by the form, never the second half of a composition.
 * Built on first use (pthread_once), then only read; the supplementary
 * planes only when cp_inert first meets one of their code points. */
const uint8_t *text_inert_table(enum text_form form);
void text_inert_supplementary(const uint8_t *bits);

static inline bool cp_inert(const uint8_t *bits, int32_t cp)
{
	if (cp >= 0x10000)
		text_inert_supplementary(bits);
	return bits[cp >> 3] >> (cp & 7) & 1;
}

/* ---- Vietnamese marks and special characters (text_vi.c) ---- */

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
int text_tone_of_mark(int32_t m);

static inline bool is_invisible(int32_t cp)
{
	return cp == 0x00AD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
	       cp == 0xFEFF;
}

/* Unicode spaces other than ' ' that clean-up turns into ' '. */
static inline bool is_other_space(int32_t cp)
{
	return cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000 || cp == 0x1680;
}

/* ---- Latin letter facts (text_keys.c) ----
 * Per-letter facts for Latin-1, Latin Extended-A/B and Latin Extended
 * Additional (all of Vietnamese), derived from utf8proc once. */
struct latin_info {
	int32_t casefold; /* full case folding when it is one code point, else 0 */
	char fold;        /* the search key when it is one ASCII byte, else 0 */
	char base;        /* case-folded base letter when ASCII, else 0 */
	bool toned;       /* carries a Vietnamese tone mark */
	bool upper;       /* utf8proc_isupper */
	uint8_t category; /* utf8proc_category */
};

extern struct latin_info text_latin[0x250 + 0x100];

/* Builds text_latin and the keys' tables once; cheap after the first call. */
extern struct text_once text_latin_once;
void text_latin_build(void);
static inline void text_latin_init(void)
{
	text_once(&text_latin_once, text_latin_build);
}

static inline int latin_index(int32_t cp)
{
	if (cp >= 0 && cp < 0x250)
		return cp;
	if (cp >= 0x1E00 && cp < 0x1F00)
		return 0x250 + (cp - 0x1E00);
	return -1;
}

#endif
