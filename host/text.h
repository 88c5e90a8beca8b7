/* text.h: Unicode text utilities for Vietnamese, on utf8proc. No Lua here:
 * host/api_text.c binds these to trang.text.
 *
 * Conventions: text comes in as (pointer, byte length) and need not be
 * NUL-terminated; results are appended to a buf; positions are byte offsets
 * into the input, spans are half-open [start, end). Functions that take text
 * return TEXT_OK or a negative TEXT_E* code; on TEXT_EINVALID the byte offset
 * of the first bad byte is text_utf8_check(s, len), and out is left as it
 * was. Outputs are NFC unless a function says otherwise. Thread-safe: the
 * lookup tables behind the fast paths are built once (pthread_once, ~2 ms
 * per normal form on first use, ~8 ms more the first time a code point past
 * U+FFFF is met) and then only read. The implementation is split by topic:
 * text.c (UTF-8, normalisation, case, graphemes, width), text_vi.c
 * (Vietnamese clean-up, collation), text_keys.c (search keys), text_token.c
 * (tokenizer); text_internal.h is what they share. */
#ifndef TRANG_TEXT_H
#define TRANG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Error returns of the functions below that take text. */
enum {
	TEXT_OK = 0,
	TEXT_ENOMEM = -1,
	TEXT_EINVALID = -2, /* not valid UTF-8 */
};

enum text_form { TEXT_NFC, TEXT_NFD, TEXT_NFKC, TEXT_NFKD };

/* Returns len when s[0..len) is valid UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), else the byte offset of the first bad byte
 * (the lead byte of the first invalid or truncated sequence). */
size_t text_utf8_check(const char *s, size_t len);

/* Appends the normal form of s to out. s must be valid UTF-8 (TEXT_EINVALID
 * otherwise). NFC takes a fast path over text that is already NFC. */
int text_normalize_append(buf *out, enum text_form form, const char *s, size_t len);

/* The same result as text_normalize_append, always through utf8proc_map (the
 * slow path; for tests and benchmarks). */
int text_normalize_append_slow(buf *out, enum text_form form, const char *s, size_t len);

/* True when valid s is already in the given form (the quick check the fast path
 * uses; exact, not "maybe"). */
bool text_is_normalized(enum text_form form, const char *s, size_t len);

/* Case mappings, output NFC. CASEFOLD is Unicode full case folding (ß -> ss);
 * LOWER and UPPER map each code point with utf8proc's simple mappings
 * (utf8proc has no SpecialCasing, so ß stays ß in UPPER). */
enum text_case { TEXT_CASEFOLD, TEXT_LOWER, TEXT_UPPER };
int text_case_append(buf *out, enum text_case mode, const char *s, size_t len);

/* Tone placement in the open syllables where usage differs: oa, oe, uy with
 * no final consonant. Names follow issue 3 (and underthesea): NEW is hòa,
 * khỏe, thủy; OLD is hoà, khoẻ, thuỷ (VnCoreNLP's choice). Beware: Vietnamese
 * grammar books often use these two names the other way round. Syllables with
 * a final consonant (hoàng, toán, quyết) or a marked vowel (thuở, khuấy) are
 * the same in both styles and are never changed. */
enum text_tone_style { TEXT_TONE_KEEP, TEXT_TONE_NEW, TEXT_TONE_OLD };

/* What text_clean_append does; text_clean_defaults turns everything on with
 * TEXT_TONE_NEW. */
struct text_clean_opts {
	/* Ð (U+00D0, Icelandic eth) -> Đ (U+0110) always; ð (U+00F0) -> đ only
	 * as the first letter of a word that looks Vietnamese: followed by a
	 * vowel, and the word's letters are all in the Vietnamese alphabet
	 * (so ðã -> đã, but Guðrún stays). */
	bool fix_eth;
	/* A combining mark repeated right after itself is dropped: tiề̀n -> tiền. */
	bool dedup_marks;
	/* NBSP, narrow NBSP, en/em/thin... spaces, ideographic space -> ' '. */
	bool spaces;
	/* Zero-width space, ZWNJ, ZWJ, word joiner, BOM, soft hyphen removed. */
	bool invisibles;
	enum text_tone_style tone;
};
void text_clean_defaults(struct text_clean_opts *o);

/* Vietnamese clean-up of valid UTF-8 s, appended to out as NFC. Text that
 * needs nothing (most of it) is copied through a quick check. */
int text_clean_append(buf *out, const struct text_clean_opts *o, const char *s, size_t len);

/* The same result without the quick check (for tests and benchmarks). */
int text_clean_append_slow(buf *out, const struct text_clean_opts *o, const char *s, size_t len);

/* Search key: case folded, every mark of U+0300..U+036F removed (tones and
 * vowel marks), đ/Đ/ð/Ð -> d. "Đà Nẵng" -> "da nang". NFD input and either
 * tone placement give the same key. Other characters are kept (casefolded). */
int text_fold_append(buf *out, const char *s, size_t len);

/* Strict search form: clean-up with defaults (new tone style), then case
 * folded, NFC. "HOÀ" -> "hòa". Diacritics stay. */
int text_exact_append(buf *out, const char *s, size_t len);

/* ---- Graphemes (UAX #29 extended grapheme clusters, by utf8proc) ----
 * The iterators tolerate invalid UTF-8 (a bad byte is one cluster of its
 * own), so they never read out of bounds; callers should still validate. */
struct text_span {
	size_t start, end;
};

struct text_graphemes {
	const char *s;
	size_t len, pos;
	int32_t state; /* utf8proc_grapheme_break_stateful state */
};
void text_graphemes_init(struct text_graphemes *it, const char *s, size_t len);
/* Stores the next cluster's span and returns true, or returns false at the end. */
bool text_graphemes_next(struct text_graphemes *it, struct text_span *sp);

size_t text_grapheme_count(const char *s, size_t len);

/* Byte span of graphemes i..j (1-based, inclusive, negative counts from the
 * end: the rules of Lua's string.sub). An empty result has start == end. */
struct text_span text_grapheme_sub(const char *s, size_t len, long long i, long long j);

/* Display width in terminal columns: per cluster, the widest code point by
 * utf8proc_charwidth (so e + U+0301 is 1, an East Asian wide char is 2). */
size_t text_width(const char *s, size_t len);

/* ---- Syllable tokenizer ----
 * Tokens are maximal units; spaces and invisible characters between tokens
 * are skipped; invisible characters inside a word or number stay in its span.
 *
 *  WORD     a run of letters and marks (one Vietnamese syllable): "Đà", "Nẵng"
 *  NUMBER   1.000  1.000.000  3,63  34.9  6,490,000  60.000-80.000 (a range)
 *  DATE     8/8  25/02/2026  6/1994  10.2.2017  (day and month checked:
 *           d/m, d/m/y, m/yyyy, d.m.yyyy); with a hyphen, d-m(-yyyy) only
 *           when zero-padded (05-01) or after a day word (ngày, tối, sáng,
 *           trưa, chiều, đêm, hôm, mùng, mồng, rạng, khuya: "Tối 24-1"), since
 *           "1-2 ngày" and the score "2-1" are NUMBER ranges
 *  TIME     16:33  16:33:05  20h30  20h  (hours 0..24, minutes 0..59)
 *  PERCENT  2,3%  50%
 *  URL      https://..., www...., and bare domains ending in a common TLD
 *           (dantri.com.vn)
 *  EMAIL    a@b.vn
 *  ABBREV   TP.HCM, V.Putin (letters joined by dots with no space), V. (one
 *           ASCII capital and its dot: "V. Putin" is "V." + "Putin"; "khối
 *           B." at a sentence end is one too: the dot is ambiguous), COVID-19,
 *           F-16, U23, SARS-CoV-2 (letters and digits mixed)
 *  PUNCT    one punctuation character, or a run of the same one ("...")
 *  SYMBOL   any other character (currency, math, emoji cluster) */
enum text_token_kind {
	TEXT_TOK_WORD,
	TEXT_TOK_NUMBER,
	TEXT_TOK_DATE,
	TEXT_TOK_TIME,
	TEXT_TOK_PERCENT,
	TEXT_TOK_URL,
	TEXT_TOK_EMAIL,
	TEXT_TOK_ABBREV,
	TEXT_TOK_PUNCT,
	TEXT_TOK_SYMBOL,
};
/* "word", "number", ... (for bindings and messages). */
const char *text_token_kind_name(enum text_token_kind kind);

struct text_token {
	size_t start, end; /* byte span in the input */
	enum text_token_kind kind;
};

struct text_tokens {
	const char *s;
	size_t len, pos;
	/* Set after init to join dotted abbreviations and initials in any case
	 * ("tp.hcm" as TP.HCM, "v." as V.): for search queries typed in lower
	 * case. False by default: "xong.Sau" in running text is two words. */
	bool caseless_abbrev;
};
void text_tokens_init(struct text_tokens *it, const char *s, size_t len);
/* Stores the next token and returns true, or returns false at the end.
 * Tolerates invalid UTF-8 (a bad byte becomes a SYMBOL token). */
bool text_tokens_next(struct text_tokens *it, struct text_token *tok);

/* ---- Vietnamese collation ----
 * Key comparable with memcmp: level 1 base letters in the Vietnamese alphabet
 * order (a ă â b c d đ e ê ... o ô ơ ... u ư ... y, digits before letters,
 * spaces and punctuation before digits, other scripts after, by code point),
 * case-insensitive; level 2 tones ngang < huyền < hỏi < ngã < sắc < nặng (then
 * other marks); level 3 case, lower first. Input in any normal form and tone
 * placement (it is NFD'ed first). */
int text_collate_key_append(buf *out, const char *s, size_t len);

/* *result = <0, 0 or >0 as a sorts before, with or after b. */
int text_compare(const char *a, size_t alen, const char *b, size_t blen, int *result);

#endif
