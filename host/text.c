/* text.c: Unicode utilities for Vietnamese on utf8proc (see text.h). */
#include "text.h"

#include <stdlib.h>
#include <utf8proc.h>

size_t text_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n < 0)
			return i;
		i += (size_t)n;
	}
	return len;
}

int text_normalize_append(buf *out, enum text_form form, const char *s, size_t len)
{
	static const utf8proc_option_t opts[] = {
		[TEXT_NFC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE,
		[TEXT_NFD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
		[TEXT_NFKC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
		[TEXT_NFKD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
	};
	utf8proc_uint8_t *res = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	                                  &res, opts[form]);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? TEXT_ENOMEM : TEXT_EINVALID;
	int rc = buf_append(out, res, (size_t)n) ? TEXT_ENOMEM : TEXT_OK;
	free(res);
	return rc;
}
