/* sentence.h: Vietnamese sentence splitting over UTF-8 text, the one splitter
 * that ingest stores and trang.text.sentences exposes. No Lua here. */
#ifndef TRANG_SENTENCE_H
#define TRANG_SENTENCE_H

#include <stddef.h>

/* Called once per sentence with its byte span [s, e) in the input, trimmed of
 * surrounding white space. */
typedef void (*sentence_fn)(void *ud, size_t s, size_t e);

/* Splits s[0..len) into sentences, in order; returns how many were found.
 * A sentence ends at . ! ? … (and runs of them, with closing quotes and
 * brackets) followed by white space and a capital letter, digit or opening
 * quote. It does not end inside a quotation or bracket closed later in the
 * text, after an abbreviation (TP., TS., ThS. ...) or an initial (V. Putin),
 * or inside numbers (3,63  1.000.000  10.2) since those have no space. */
size_t sentence_split(const char *s, size_t len, sentence_fn emit, void *ud);

#endif
