/* input.h: deciding whether a file's bytes are text trang can read (UTF-8,
 * no NUL, not binary, not UTF-16) and saying precisely why not. */
#ifndef TRANG_INPUT_H
#define TRANG_INPUT_H

#include <stddef.h>

struct input_problem {
	const char *kind; /* "empty" "utf16" "binary" "nul" "utf8" */
	size_t offset;    /* byte offset of the first bad byte */
	size_t line;      /* 1-based line of that byte */
	char message[256];
};

/* Returns 0 when s[0..len) is acceptable UTF-8 text (a BOM and CRLF are
 * fine), else -1 with *p describing the first problem and what to do. */
int input_check_text(const char *s, size_t len, struct input_problem *p);

#endif
