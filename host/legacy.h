/* legacy.h: detecting and converting Vietnamese text in legacy 8-bit
 * encodings (Windows-1258, TCVN3, VNI, VISCII), which older archives and
 * some crawlers still produce. A file that is not UTF-8 is decoded with each
 * and scored by the share of its words that are Vietnamese syllables. */
#ifndef TRANG_LEGACY_H
#define TRANG_LEGACY_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum legacy_enc {
	LEGACY_AUTO = -1, /* for options: detect, convert when sure */
	LEGACY_NONE = 0,  /* UTF-8 only */
	LEGACY_CP1258,
	LEGACY_TCVN3,
	LEGACY_VNI,
	LEGACY_VISCII,
	LEGACY_COUNT
};

/* "windows-1258", "tcvn3", "vni", "viscii" ("utf-8" for LEGACY_NONE). */
const char *legacy_name(enum legacy_enc e);
/* For messages: "TCVN3 (ABC)". */
const char *legacy_label(enum legacy_enc e);
/* A name as given to --encoding ("auto", "utf-8", "cp1258" and the names
 * above, any case) to its value in *e; false when unknown. */
bool legacy_parse_name(const char *s, int *e);

/* Appends s[0..n) decoded from e to out, as NFC UTF-8. Bytes e does not
 * define become U+FFFD. 0, or -1 (no memory, or iconv lacks e). */
int legacy_decode(enum legacy_enc e, const char *s, size_t n, buf *out);

/* Of the words of UTF-8 s that have a letter beyond ASCII, how many there
 * are and how many are Vietnamese syllables. */
void legacy_score_text(const char *s, size_t n, size_t *words, size_t *good);

/* The legacy encoding under which s reads best, with its score; LEGACY_NONE
 * when no word reads as Vietnamese under any. */
enum legacy_enc legacy_detect(const char *s, size_t n, size_t *words, size_t *good);

/* Whether a score is good enough to convert without being asked: at least
 * three such words, 90% of them syllables. */
bool legacy_confident(size_t words, size_t good);

#endif
