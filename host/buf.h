/* buf.h: a growable byte buffer, the one way trang builds strings in C.
 * The data is always NUL-terminated so it can be handed to C string APIs. */
#ifndef TRANG_BUF_H
#define TRANG_BUF_H

#include <stddef.h>

typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

/* Each returns 0, or -1 when memory runs out (the buffer is left unchanged). */
int buf_reserve(buf *b, size_t extra);
int buf_append(buf *b, const void *p, size_t n);
int buf_appendc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_clear(buf *b);
void buf_free(buf *b);

#endif
