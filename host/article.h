/* article.h: reading one news article from its bytes: the optional `key: value`
 * header block, paragraphs with their kinds and byte spans, and what the text
 * itself says about title, date, byline, captions and source. No I/O, no SQL. */
#ifndef TRANG_ARTICLE_H
#define TRANG_ARTICLE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

enum para_kind {
	PARA_TITLE,    /* the headline, when the text carries it */
	PARA_DATELINE, /* a line holding only the publication date */
	PARA_LEAD,     /* the first paragraph of the story (the sapo) */
	PARA_BODY,
	PARA_CAPTION,  /* a photo caption: "... Ảnh: TTXVN" */
	PARA_BYLINE,   /* the author's name on its own line */
	PARA_SOURCE,   /* "Nguồn Hà Nội TV: https://...", "Theo Reuters", "TTXVN" */
};

const char *article_para_kind_name(enum para_kind kind);

/* A longer paragraph is stored as several, cut at sentence ends or spaces. */
#define ARTICLE_MAX_PARA 65536

struct article_para {
	size_t s, e;        /* byte span [s, e) in the raw input */
	size_t text_off;    /* NFC text of the paragraph: article.nfc.data + text_off */
	size_t text_len;
	enum para_kind kind;
};

/* Metadata fields, in the order of enum article_field. */
enum article_field { FIELD_TITLE, FIELD_DATE, FIELD_URL, FIELD_AUTHOR, FIELD_SOURCE, FIELD_COUNT };

struct article {
	char *field[FIELD_COUNT]; /* NFC, malloc'd; NULL when the article does not say */
	json_t *extra;            /* unknown header keys or JSON fields, or NULL */
	size_t body_start;        /* where the body begins in the raw input */
	buf text;                 /* NFC body text, line ends as LF */
	buf nfc;                  /* NFC paragraph texts, back to back */
	struct article_para *paras;
	size_t n_paras, cap_paras;
	char warning[200];        /* a non-fatal remark about the input, or "" */
};

void article_init(struct article *a);
void article_free(struct article *a);

/* Parses a .txt article. raw must be valid UTF-8 without NUL bytes; a UTF-8
 * BOM and CRLF line ends are accepted. Returns 0, or -1 when memory runs out. */
int article_parse_txt(struct article *a, const char *raw, size_t len);

/* Parses the body raw[start..len) of an article whose metadata is already set
 * (the JSON Lines reader sets fields first). Returns 0 or -1 (no memory). */
int article_parse_body(struct article *a, const char *raw, size_t start, size_t len);

/* Sets a metadata field from a value (trimmed; empty means absent). A date is
 * stored in ISO 8601 form; one that cannot be read is dropped with a warning. */
int article_set_field(struct article *a, enum article_field f, const char *v, size_t n);

/* Appends the NFC text of raw[s..e) to out, a line break (LF or CRLF) read as
 * one space: the text stored for a paragraph or sentence span. 0 or -1. */
int article_nfc_span(buf *out, const char *raw, size_t s, size_t e);

/* Reads a date such as 2024-08-09, 2020-10-01T16:35, 25/02/2026 16:33,
 * 10.2.2017 or "Thứ Ba, 25/02/2026 16:33 (GMT+7)" into out as YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM. Returns the length written (10 or 16), or 0 if s is not
 * exactly a date. */
size_t article_read_date(const char *s, size_t n, char out[17]);

#endif
