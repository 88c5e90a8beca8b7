/* extract.h: figures, dates and names in Vietnamese news, with byte spans into
 * the input. No Lua here: host/api_extract.c binds this to trang.extract.
 * Input is NFC UTF-8; spans are 0-based, s inclusive, e exclusive. */
#ifndef TRANG_EXTRACT_H
#define TRANG_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Error returns. */
enum {
	EXTRACT_OK = 0,
	EXTRACT_ENOMEM = -1,
	EXTRACT_EINVAL = -2, /* bad argument: empty phrase, unknown kind, bad value, bad DCT */
};

/* ---- Lexicon ----------------------------------------------------------------
 * Every word list the extractors consult. A phrase is one or more syllables,
 * matched case-insensitively, with old and new tone placement (hoà / hòa)
 * treated alike, the longest phrase winning. The lexicon is read-only while
 * extraction runs; adding to it between calls is safe. */
typedef struct extract_lexicon extract_lexicon;

enum extract_lex_kind {
	EXTRACT_LEX_UNIT,     /* counted noun after a number; value: the unit to report (NULL: the phrase) */
	EXTRACT_LEX_CURRENCY, /* value: ISO 4217 code ("VND", "USD") */
	EXTRACT_LEX_PERCENT,  /* value: "%" or "pp" (điểm phần trăm) */
	EXTRACT_LEX_SCALE,    /* multiplier after a number; value: decimal string ("1e9", "1000") */
	EXTRACT_LEX_APPROX,   /* before a number: khoảng, gần; value ignored */
	EXTRACT_LEX_CMP,      /* before a number; value: ">", "<", ">=", "<=" */
	EXTRACT_LEX_CMP_AFTER,/* after a figure (trở lên); value as for CMP */
	EXTRACT_LEX_CHANGE,   /* before a number; value: "+", "-", or "=" (tăng lên: a level, no change) */
	EXTRACT_LEX_LABEL,    /* a number after it is a label, not a figure (số, thứ, tỷ số) */
	EXTRACT_LEX_WORD,     /* a plain phrase that must not be read as its parts (tỷ lệ, tỷ giá) */
	EXTRACT_LEX_PAST_CUE,   /* value: "before", "after" or "any": where the cue stands */
	EXTRACT_LEX_FUTURE_CUE, /* as PAST_CUE */
	EXTRACT_LEX_TITLE,    /* title before a name; value: kind of the name ("person", "org", "place") */
	EXTRACT_LEX_ENTITY,   /* gazetteer name; value: "person", "org" or "place" */
	EXTRACT_LEX_NKINDS
};

/* A new lexicon with the built-in Vietnamese lists, or an empty one. NULL when
 * memory runs out. */
extract_lexicon *extract_lexicon_new_default(void);
extract_lexicon *extract_lexicon_new_empty(void);
void extract_lexicon_free(extract_lexicon *lex);

/* Adds (or replaces) phrase[0..len) with kind and value (value may be NULL
 * where the kind says so). A phrase may hold several kinds. Returns EXTRACT_OK,
 * EXTRACT_EINVAL (empty phrase, more than EXTRACT_LEX_MAX_SYL syllables, invalid
 * UTF-8, a value the kind does not accept) or EXTRACT_ENOMEM. */
#define EXTRACT_LEX_MAX_SYL 8
int extract_lexicon_add(extract_lexicon *lex, enum extract_lex_kind kind, const char *phrase,
	size_t len, const char *value);

/* The value stored for phrase and kind, or NULL when the phrase lacks that kind.
 * For kinds whose value may be NULL, *found tells presence (found may be NULL). */
const char *extract_lexicon_get(const extract_lexicon *lex, enum extract_lex_kind kind,
	const char *phrase, size_t len, bool *found);

/* Name of a kind as a binding spells it ("unit", "currency", ...), and back:
 * returns -1 for an unknown name. */
const char *extract_lex_kind_name(enum extract_lex_kind kind);
int extract_lex_kind_from_name(const char *name);

/* ---- One text, several extractions -------------------------------------------
 * A doc splits the text into tokens once and finds its dates once; figures,
 * dates and entities then share that work. text must stay valid and the
 * lexicon unchanged while the doc lives. The *_find functions below are the
 * same calls on a doc of their own. */
typedef struct extract_doc extract_doc;

/* Returns EXTRACT_OK, EXTRACT_ENOMEM or EXTRACT_EINVAL (text over 4 GiB). */
int extract_doc_new(const extract_lexicon *lex, const char *text, size_t len, extract_doc **out);
void extract_doc_free(extract_doc *doc);

/* ---- Figures ------------------------------------------------------------- */
enum extract_figure_kind {
	EXTRACT_FIG_NUMBER,
	EXTRACT_FIG_MONEY,
	EXTRACT_FIG_PERCENT,
	EXTRACT_FIG_QUANTITY,
	EXTRACT_FIG_RATIO,
};

#define EXTRACT_UNIT_MAX 48
#define EXTRACT_BASE_MAX 48

typedef struct extract_figure {
	size_t s, e;                /* the figure with its qualifiers and unit */
	enum extract_figure_kind kind;
	bool range;                 /* lo and hi set; value is NAN */
	double value, lo, hi;       /* base units: 3,63 tỷ USD -> 3630000000 */
	double num, den;            /* ratio only: 460/466 -> 460, 466; value = num/den */
	bool approx;                /* khoảng, gần, chừng, xấp xỉ, ước */
	char cmp[3];                /* "", ">", "<", ">=", "<=" */
	char change;                /* 0, '+' (tăng) or '-' (giảm) */
	char unit[EXTRACT_UNIT_MAX];/* ISO 4217, "%", "pp", a counted noun, or "" */
	char base[EXTRACT_BASE_MAX];/* "so với năm 2022" -> "2022"; "" when absent */
} extract_figure;

typedef struct extract_figures {
	extract_figure *v;
	size_t n, cap;
} extract_figures;

/* Appends the figures of text[0..len) to out in text order. Returns EXTRACT_OK
 * or EXTRACT_ENOMEM (out then holds what was found before). */
int extract_figures_find(const extract_lexicon *lex, const char *text, size_t len,
	extract_figures *out);
int extract_doc_figures(extract_doc *doc, extract_figures *out);
void extract_figures_free(extract_figures *f);
const char *extract_figure_kind_name(enum extract_figure_kind kind);

/* ---- Dates --------------------------------------------------------------- */
enum extract_granularity {
	EXTRACT_GRAN_MINUTE, EXTRACT_GRAN_HOUR, EXTRACT_GRAN_PARTDAY, EXTRACT_GRAN_DAY,
	EXTRACT_GRAN_WEEK, EXTRACT_GRAN_MONTH, EXTRACT_GRAN_QUARTER, EXTRACT_GRAN_YEAR,
	EXTRACT_GRAN_DECADE,
};
enum extract_mod { EXTRACT_MOD_NONE, EXTRACT_MOD_START, EXTRACT_MOD_MID, EXTRACT_MOD_END };

#define EXTRACT_TIMEX_MAX 32
#define EXTRACT_RULE_MAX 48

typedef struct extract_date {
	size_t s, e;
	char value[EXTRACT_TIMEX_MAX]; /* TIMEX3: "2024-08-08", "XXXX-08-08", "2024-W31", "198" */
	enum extract_granularity granularity;
	enum extract_mod mod;
	bool range;                    /* lo and hi hold the ends; value is "lo/hi" */
	char lo[EXTRACT_TIMEX_MAX], hi[EXTRACT_TIMEX_MAX];
	char rule[EXTRACT_RULE_MAX];   /* "absolute", "nearest-to-dct", "cue:hồi=past", "lunar", ... */
	int weekday;                   /* 1 (Monday) .. 7 (Sunday) when the text names one, else 0 */
	int weekday_agrees;            /* 1 agrees with the date, -1 contradicts it, 0 unchecked */
} extract_date;

typedef struct extract_dates {
	extract_date *v;
	size_t n, cap;
} extract_dates;

/* Document creation time: the article's date, the anchor for dates without a
 * year and for relative ones. */
typedef struct extract_dct {
	int year, month, day; /* year 0: no DCT, dates stay partial ("XXXX-08-08") */
} extract_dct;

/* Parses "YYYY-MM-DD" (anything after the day, such as "T16:35", is ignored).
 * Returns EXTRACT_OK or EXTRACT_EINVAL. */
int extract_dct_parse(const char *s, size_t len, extract_dct *out);

int extract_dates_find(const extract_lexicon *lex, const char *text, size_t len,
	const extract_dct *dct, extract_dates *out);
int extract_doc_dates(extract_doc *doc, const extract_dct *dct, extract_dates *out);
void extract_dates_free(extract_dates *d);
const char *extract_granularity_name(enum extract_granularity g);
const char *extract_mod_name(enum extract_mod m); /* NULL for EXTRACT_MOD_NONE */

/* ---- Entities ------------------------------------------------------------ */
enum extract_entity_kind {
	EXTRACT_ENT_PERSON, EXTRACT_ENT_ORG, EXTRACT_ENT_PLACE, EXTRACT_ENT_OTHER,
};

typedef struct extract_entity {
	size_t s, e;                 /* title and name */
	enum extract_entity_kind kind;
	size_t name_s, name_e;       /* the name alone */
	size_t title_s, title_e;     /* the title; title_s == title_e when none */
} extract_entity;

typedef struct extract_entities {
	extract_entity *v;
	size_t n, cap;
} extract_entities;

int extract_entities_find(const extract_lexicon *lex, const char *text, size_t len,
	extract_entities *out);
int extract_doc_entities(extract_doc *doc, extract_entities *out);
void extract_entities_free(extract_entities *e);
const char *extract_entity_kind_name(enum extract_entity_kind kind);

/* ---- Internal: shared by host/extract*.c, not for bindings ------------------ */
#ifdef EXTRACT_INTERNAL

#include <string.h>

#include "buf.h"

enum { TOK_WORD, TOK_NUM, TOK_PUNCT };

typedef struct extract_lexent extract_lexent;

typedef struct extract_tok {
	uint32_t s, e;       /* bytes of the token in the text */
	uint32_t key, klen;  /* lowercased, tone-folded text (invisible characters removed) in keys */
	uint32_t cp;         /* TOK_PUNCT: the code point */
	uint8_t type;
	uint8_t space;       /* whitespace (or the start of text) before it */
	uint8_t nl;          /* a line break before it */
	uint8_t cap;         /* TOK_WORD: first letter uppercase */
	uint8_t upper;       /* TOK_WORD: every letter uppercase */
	uint8_t anyup;       /* TOK_WORD: some letter uppercase (iPhone) */
	uint8_t lexlen;      /* tokens covered by the longest lexicon phrase starting here, or 0 */
	uint8_t gram;        /* EXTRACT_GRAM_* bits of this one word */
	const extract_lexent *lex;
} extract_tok;

typedef struct extract_toks {
	extract_tok *v;
	size_t n, cap;
	buf keys;
	const char *text;
} extract_toks;

/* Splits text into tokens and looks up the longest lexicon phrase at each. */
int extract_tokenize(const extract_lexicon *lex, const char *text, size_t len, extract_toks *t);
void extract_toks_free(extract_toks *t);

/* Grammar words every lexicon knows, flagged on tokens by extract_tokenize so
 * the parsers skip most tokens with one test. */
enum { EXTRACT_GRAM_DATE = 1, EXTRACT_GRAM_NUMERAL = 2, EXTRACT_GRAM_SURNAME = 4 };

/* Lexicon entry access. */
bool extract_lexent_has(const extract_lexent *e, enum extract_lex_kind kind);
const char *extract_lexent_value(const extract_lexent *e, enum extract_lex_kind kind);
double extract_lexent_scale(const extract_lexent *e);
const char *extract_lexent_key(const extract_lexent *e); /* the phrase, folded */

/* The key of token i; true when it equals w[0..n) (lowercase, tone-folded).
 * extract_tok_is takes a string literal, so the length is a constant. */
static inline __attribute__((always_inline)) bool extract_tok_is_n(const extract_toks *t, size_t i, const char *w, size_t n)
{
	return i < t->n && t->v[i].klen == n && memcmp(t->keys.data + t->v[i].key, w, n) == 0;
}
#define extract_tok_is(t, i, w) extract_tok_is_n((t), (i), (w), sizeof(w) - 1)

/* The lexicon entry with kind whose phrase starts at i, else NULL. */
const extract_lexent *extract_tok_lex(const extract_toks *t, size_t i, enum extract_lex_kind kind);

/* A date expression as parsed, before resolution against the DCT; 0 (-1 for
 * hh, mi) is "not said". */
enum extract_rel { EXTRACT_REL_NONE, EXTRACT_REL_DAY, EXTRACT_REL_WEEK, EXTRACT_REL_MONTH,
	EXTRACT_REL_YEAR };

typedef struct extract_dparse {
	size_t a, b;          /* tokens [a, b) */
	int y, m, d;
	int hh, mi;
	const char *pod;      /* "MO", "MI", "AF", "EV", "NI" */
	int q, decade;
	enum extract_granularity gran;
	enum extract_mod mod;
	bool lunar, leap;     /* y, m, d are lunar */
	int tet_before;       /* "30 Tết": lunar 12/d of the year before Tết */
	enum extract_rel rel; /* relative to the DCT by n units */
	int n;
	int weekday;
	const char *rule;     /* a fixed rule name ("holiday"), or NULL */
	bool range;           /* y2, m2, d2: the other end */
	int y2, m2, d2;
} extract_dparse;

typedef struct extract_dparses {
	extract_dparse *v;
	size_t n, cap;
} extract_dparses;

/* Finds the date expressions of t; marks in covered[] (t->n bytes) every
 * token inside one. */
int extract_dates_parse(const extract_toks *t, extract_dparses *out, uint8_t *covered);
/* Resolves one expression against the DCT (NULL or year 0: none) into o. */
void extract_date_resolve(const extract_toks *t, const extract_dparse *p, const extract_dct *dct,
	extract_date *o);
int extract_days_in_month(int y, int m);

/* Shared by the date parsers (extract_dates.c, extract_dates_lunar.c). */
static inline const extract_tok *extract_tok_at(const extract_toks *t, size_t i)
{
	/* past the end: a blank punctuation token, so parsers may look ahead freely */
	static const extract_tok none = {.type = TOK_PUNCT, .space = 1, .nl = 1};
	return i < t->n ? &t->v[i] : &none;
}
int extract_tok_num(const extract_toks *t, size_t i, unsigned maxlen); /* -1: not digits */
int extract_tok_year4(const extract_toks *t, size_t i);                 /* -1: not a year */
void extract_dparse_init(extract_dparse *p, size_t a);
bool extract_date_parse_dmy(const extract_toks *t, size_t i, int strong, extract_dparse *p);
int extract_lunar_month_word(const extract_toks *t, size_t i);
bool extract_lunar_marker(const extract_toks *t, size_t i, size_t *len);
bool extract_date_parse_lunar(const extract_toks *t, size_t i, extract_dparse *p);
bool extract_date_parse_holiday(const extract_toks *t, size_t i, extract_dparse *p);

struct extract_doc {
	extract_toks toks;
	extract_dparses dates;
	uint8_t *covered;     /* per token: inside a date */
};

#endif /* EXTRACT_INTERNAL */

#endif
