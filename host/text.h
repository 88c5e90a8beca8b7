/* text.h: Unicode text utilities for Vietnamese, on utf8proc. No Lua here:
 * host/api_text.c binds these to trang.text. */
#ifndef TRANG_TEXT_H
#define TRANG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Error returns of the functions below that take text. */
enum {
	TEXT_OK = 0,
	TEXT_ENOMEM = -1,
	TEXT_EINVALID = -2, /* not valid UTF-8 */
};

enum text_form { TEXT_NFC, TEXT_NFD, TEXT_NFKC, TEXT_NFKD };

/* Returns len when s[0..len) is valid UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), else the byte offset of the first bad byte. */
size_t text_utf8_check(const char *s, size_t len);

/* Appends the normal form of s to out. s must be valid UTF-8 (TEXT_EINVALID
 * otherwise). NFC takes a fast path over text that is already NFC. */
int text_normalize_append(buf *out, enum text_form form, const char *s, size_t len);

#endif
