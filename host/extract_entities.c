/* extract_entities.c: names of people, organisations and places in Vietnamese
 * news, from capitalised syllables, the title words before them and the
 * lexicon's gazetteer, over the shared token stream (host/extract.c). A
 * heuristic first pass, not a trained recogniser: see the notes on each rule. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <stdlib.h>
#include <string.h>

static bool is_cap_word(const extract_toks *t, size_t i)
{
	return i < t->n && t->v[i].type == TOK_WORD && t->v[i].cap;
}

/* The start of a sentence: a capital there says nothing about a name. */
static bool sentence_start(const extract_toks *t, size_t i)
{
	if (i == 0 || t->v[i].nl)
		return true;
	const extract_tok *p = &t->v[i - 1];
	return p->type == TOK_PUNCT && (p->cp == '.' || p->cp == '!' || p->cp == '?' || p->cp == ':' ||
		p->cp == '"' || p->cp == 0x201C || p->cp == '(' || p->cp == '-' || p->cp == 0x2013 ||
		p->cp == '\'' || p->cp == 0x2018);
}

/* Next token of a name run after token j: a capitalised word after one space,
 * or an initial ("V. Putin"). Returns the index, or 0 when the run ends. */
static size_t run_next(const extract_toks *t, size_t j)
{
	size_t k = j + 1;
	if (k < t->n && t->v[k].type == TOK_PUNCT && t->v[k].cp == '.' && !t->v[k].space &&
		t->v[j].e - t->v[j].s == 1 && t->v[j].upper)
		k++; /* "V." */
	if (k < t->n && t->v[k].space && !t->v[k].nl && is_cap_word(t, k))
		return k;
	return 0;
}

/* The end (exclusive) of the run of capitalised words starting at i. */
static size_t run_end(const extract_toks *t, size_t i)
{
	size_t j = i, k;
	while ((k = run_next(t, j)))
		j = k;
	return j + 1;
}

/* An organisation's name: capitalised syllables, each maybe followed by one
 * lowercase syllable (Bộ Ngoại giao, Ban Chấp hành Trung ương, Đảng Cộng sản). */
static size_t org_end(const extract_toks *t, size_t i)
{
	size_t j = i, last = i;
	while (j + 1 < t->n) {
		const extract_tok *n = &t->v[j + 1];
		if (!n->space || n->nl || n->type != TOK_WORD)
			break;
		if (n->cap) {
			last = ++j;
		} else if (t->v[j].cap && j + 2 < t->n && is_cap_word(t, j + 2) && t->v[j + 2].space &&
			!t->v[j + 2].nl) {
			j++; /* a lowercase syllable only between capitals */
		} else if (t->v[j].cap && j > i) {
			/* a final lowercase syllable: "Bộ Ngoại giao" */
			last = ++j;
			break;
		} else {
			break;
		}
	}
	return last + 1;
}

static int push_entity(extract_entities *out, const extract_entity *e)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		extract_entity *v = realloc(out->v, cap * sizeof *v);
		if (!v)
			return EXTRACT_ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *e;
	return EXTRACT_OK;
}

static enum extract_entity_kind kind_of(const char *v)
{
	return !strcmp(v, "person") ? EXTRACT_ENT_PERSON : !strcmp(v, "org") ? EXTRACT_ENT_ORG :
		!strcmp(v, "place") ? EXTRACT_ENT_PLACE : EXTRACT_ENT_OTHER;
}

static void set_span(const extract_toks *t, extract_entity *e, size_t a, size_t b, size_t na,
	size_t nb)
{
	e->s = t->v[a].s;
	e->e = t->v[b - 1].e;
	e->name_s = t->v[na].s;
	e->name_e = t->v[nb - 1].e;
	if (na > a) {
		e->title_s = t->v[a].s;
		e->title_e = t->v[na - 1].e;
	} else {
		e->title_s = e->title_e = e->s;
	}
}

/* Roman numerals (khóa XIV, Đại hội XIII) are not names. */
static bool roman_numeral(const extract_toks *t, size_t i)
{
	const extract_tok *x = &t->v[i];
	if (!x->upper || (i + 1 < t->n && t->v[i + 1].type == TOK_PUNCT && t->v[i + 1].cp == '.' &&
		!t->v[i + 1].space))
		return false; /* "V. Putin": an initial */
	for (uint32_t c = 0; c < x->klen; c++)
		if (!strchr("ivxlcdm", t->keys.data[x->key + c]))
			return false;
	return true;
}

/* The end of a person's name from i: capitalised words, stopping before a
 * title ("Tô Lâm" in "Tô Lâm Tổng Bí thư ..." stays "Tô Lâm"). */
static size_t name_end(const extract_toks *t, size_t i)
{
	size_t j = i, k;
	while ((k = run_next(t, j)) && !extract_tok_lex(t, k, EXTRACT_LEX_TITLE))
		j = k;
	return j + 1;
}

/* A person after a title: further titles, places and portfolios may stand
 * between ("Tổng thống Nga", "Bộ trưởng Ngoại giao", "Đặc phái viên, Bộ
 * trưởng"); the name starts at a surname, or at the first capitalised word
 * followed by another. Returns the end token, 0 when no name follows. */
static size_t person_after_title(const extract_toks *t, size_t j, size_t *name_a)
{
	size_t k = j;
	for (int steps = 0; k < t->n && steps < 6; steps++) {
		const extract_tok *x = &t->v[k];
		if (x->type != TOK_WORD || !x->space || x->nl || !x->cap || roman_numeral(t, k))
			return 0;
		if (x->gram & EXTRACT_GRAM_SURNAME && run_next(t, k)) {
			*name_a = k;
			return name_end(t, k);
		}
		const extract_lexent *g = t->v[k].lex;
		if (g && (extract_lexent_has(g, EXTRACT_LEX_TITLE) ||
			extract_lexent_has(g, EXTRACT_LEX_ENTITY))) {
			k += t->v[k].lexlen; /* Tổng thống Nga, Ủy viên Bộ Chính trị */
			continue;
		}
		if (k + 1 < t->n && t->v[k + 1].type == TOK_WORD && !t->v[k + 1].cap &&
			t->v[k + 1].space && !t->v[k + 1].nl) {
			k += 2; /* a portfolio: Ngoại giao */
			continue;
		}
		*name_a = k;
		return name_end(t, k);
	}
	return 0;
}

int extract_doc_entities(extract_doc *doc, extract_entities *out)
{
	const extract_toks *t = &doc->toks;
	for (size_t i = 0; i < t->n;) {
		const extract_tok *k = &t->v[i];
		if (k->type != TOK_WORD) {
			i++;
			continue;
		}
		extract_entity e;
		memset(&e, 0, sizeof e);
		const extract_lexent *title = extract_tok_lex(t, i, EXTRACT_LEX_TITLE);
		const extract_lexent *gaz = extract_tok_lex(t, i, EXTRACT_LEX_ENTITY);
		size_t tl = k->lexlen;
		if (gaz && (k->cap || k->upper)) {
			/* the gazetteer first: "Liên bang Nga", "Điện Kremlin", "TTXVN" */
			e.kind = kind_of(extract_lexent_value(gaz, EXTRACT_LEX_ENTITY));
			size_t b = i + tl;
			if (e.kind == EXTRACT_ENT_ORG)
				b = org_end(t, i) > b ? org_end(t, i) : b;
			set_span(t, &e, i, b, i, b);
			if (push_entity(out, &e))
				return EXTRACT_ENOMEM;
			i = b;
			continue;
		}
		if (title) {
			const char *v = extract_lexent_value(title, EXTRACT_LEX_TITLE);
			size_t j = i + tl, na = j, b = 0;
			if (!strcmp(v, "person")) {
				b = person_after_title(t, j, &na);
				e.kind = EXTRACT_ENT_PERSON;
			} else if (j < t->n && is_cap_word(t, j) && t->v[j].space && !t->v[j].nl) {
				if (!strcmp(v, "org") && k->cap) {
					/* the prefix is part of the name: Bộ Ngoại giao */
					b = org_end(t, i);
					na = i;
					e.kind = EXTRACT_ENT_ORG;
				} else if (!strcmp(v, "place")) {
					b = run_end(t, j);
					e.kind = EXTRACT_ENT_PLACE;
				}
			}
			if (b > i && na < b) {
				set_span(t, &e, i, b, na, b);
				if (push_entity(out, &e))
					return EXTRACT_ENOMEM;
				i = b;
				continue;
			}
			i += tl;
			continue;
		}
		if (!k->cap || (k->upper && k->e - k->s < 2)) {
			i++;
			continue;
		}
		/* a run of capitals: a person when it starts with a surname */
		size_t b = run_end(t, i);
		/* One capitalised syllable alone is mostly a capitalised common word
		 * ("Đối tác Chiến lược", "Nhà nước") or a sentence start; names in the
		 * gazetteer were taken above. Acronyms of three letters or more stay. */
		if (b - i < 2 && !(k->upper && k->klen >= 3 && !sentence_start(t, i) &&
			!extract_tok_lex(t, i, EXTRACT_LEX_CURRENCY) && !extract_tok_lex(t, i, EXTRACT_LEX_UNIT))) {
			i = b;
			continue;
		}
		e.kind = (k->gram & EXTRACT_GRAM_SURNAME) && b - i >= 2 && b - i <= 4 ?
			EXTRACT_ENT_PERSON : EXTRACT_ENT_OTHER;
		set_span(t, &e, i, b, i, b);
		if (push_entity(out, &e))
			return EXTRACT_ENOMEM;
		i = b;
	}
	return EXTRACT_OK;
}

int extract_entities_find(const extract_lexicon *lex, const char *text, size_t len,
	extract_entities *out)
{
	extract_doc *doc;
	int rc = extract_doc_new(lex, text, len, &doc);
	if (rc)
		return rc;
	rc = extract_doc_entities(doc, out);
	extract_doc_free(doc);
	return rc;
}

void extract_entities_free(extract_entities *e)
{
	free(e->v);
	memset(e, 0, sizeof *e);
}
