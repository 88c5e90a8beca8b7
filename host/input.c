/* input.c: is this file UTF-8 text? (see input.h) */
#include "input.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static size_t line_of(const char *s, size_t off)
{
	size_t line = 1;
	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + off - p))) != NULL; p++)
		line++;
	return line;
}

static int problem(struct input_problem *p, const char *kind, const char *s, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int problem(struct input_problem *p, const char *kind, const char *s, size_t off, const char *fmt, ...)
{
	p->kind = kind;
	p->offset = off;
	p->line = line_of(s, off);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof p->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* Signatures of common binary formats found in crawled folders. */
static int is_binary_magic(const unsigned char *s, size_t len)
{
	static const struct {
		const char *magic;
		size_t n;
	} magics[] = {
		{"\x89PNG", 4}, {"\xFF\xD8\xFF", 3}, {"GIF8", 4}, {"%PDF", 4}, {"PK\x03\x04", 4},
		{"\x1F\x8B", 2}, {"\x7F" "ELF", 4}, {"BZh", 3}, {"\xFD" "7zXZ", 5}, {"RIFF", 4},
		{"SQLite format 3", 15},
	};
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (len >= magics[i].n && memcmp(s, magics[i].magic, magics[i].n) == 0)
			return 1;
	return 0;
}

/* What is wrong with the UTF-8 sequence at p (known to be invalid). */
static const char *utf8_error_kind(const unsigned char *p, size_t n)
{
	unsigned char b = p[0];
	if (b >= 0x80 && b < 0xC0)
		return "a continuation byte with no lead byte";
	if (n > 1 && b >= 0xC2 && b < 0xF5 && (p[1] & 0xC0) != 0x80)
		return "sequence cut short";
	if (b == 0xC0 || b == 0xC1 || (b == 0xE0 && n > 1 && p[1] < 0xA0) || (b == 0xF0 && n > 1 && p[1] < 0x90))
		return "overlong encoding";
	if (b == 0xED && n > 1 && p[1] >= 0xA0 && p[1] < 0xC0)
		return "UTF-16 surrogate";
	if (b >= 0xF5 || (b == 0xF4 && n > 1 && p[1] >= 0x90))
		return "beyond U+10FFFF";
	size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
	for (size_t i = 1; i < need; i++)
		if (i >= n)
			return "sequence cut short by the end of the file";
		else if ((p[i] & 0xC0) != 0x80)
			return "sequence cut short";
	return "not UTF-8";
}

int input_check_text(const char *s, size_t len, struct input_problem *p)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len == 0)
		return problem(p, "empty", s, 0, "empty file; nothing to load");
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return problem(p, "utf16", s, 0,
		               "UTF-16 text (byte order mark at offset 0); convert it: iconv -f UTF-16 -t UTF-8");
	if (is_binary_magic(u, len))
		return problem(p, "binary", s, 0, "binary file (not text); remove it from the folder or skip it");
	const char *nul = memchr(s, '\0', len);
	if (nul) {
		size_t off = (size_t)(nul - s);
		/* Text with every other byte NUL is UTF-16 without a byte order mark. */
		size_t zeros = 0, n = len < 4096 ? len : 4096;
		for (size_t i = 0; i < n; i++)
			zeros += u[i] == 0;
		if (zeros * 3 >= n && zeros * 2 <= n + 1)
			return problem(p, "utf16", s, off,
			               "UTF-16 text without a byte order mark; convert it: iconv -f UTF-16LE -t UTF-8");
		if (zeros * 10 > n)
			return problem(p, "binary", s, off, "binary file (NUL bytes from offset %zu); not text", off);
		return problem(p, "nul", s, off, "NUL byte at offset %zu; remove it (tr -d '\\000') and ingest again", off);
	}
	size_t bad = text_utf8_check(s, len);
	if (bad < len) {
		const char *why = utf8_error_kind(u + bad, len - bad);
		char bytes[16] = "";
		for (size_t i = 0; i < 3 && bad + i < len; i++)
			snprintf(bytes + strlen(bytes), sizeof bytes - strlen(bytes), "%s%02X", i ? " " : "", u[bad + i]);
		return problem(p, "utf8", s, bad,
		               "invalid UTF-8 at byte %zu (line %zu, bytes %s: %s); if it is in another encoding, "
		               "convert it first (e.g. iconv -f LATIN1 -t UTF-8)",
		               bad, line_of(s, bad), bytes, why);
	}
	return 0;
}
