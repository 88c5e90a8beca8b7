/* extract_dates_resolve.c: turns parsed date expressions (extract_dates.c) into
 * TIMEX3 values against the article date: a day or month without a year takes
 * the year nearest the DCT, unless a past or future cue word says otherwise;
 * relative expressions count from the DCT; lunar dates go through lunar.c. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lunar.h"


enum dir { DIR_NEAREST, DIR_PAST, DIR_FUTURE };

/* Past or future cue around [a, b): before it in the same sentence (at most six
 * tokens back), or right after it. Names the cue in *cue. */
static enum dir cue_dir(const extract_toks *t, size_t a, size_t b, const char **cue, size_t *cuelen)
{
	if (b < t->n && t->v[b].lex && !t->v[b].nl) {
		const extract_lexent *e = t->v[b].lex;
		const char *v;
		if ((v = extract_lexent_value(e, EXTRACT_LEX_PAST_CUE)) && strcmp(v, "before")) {
			*cue = extract_lexent_key(e);
			*cuelen = strlen(*cue);
			return DIR_PAST;
		}
		if ((v = extract_lexent_value(e, EXTRACT_LEX_FUTURE_CUE)) && strcmp(v, "before")) {
			*cue = extract_lexent_key(e);
			*cuelen = strlen(*cue);
			return DIR_FUTURE;
		}
	}
	for (size_t k = a, steps = 0; k > 0 && steps < 6; k--, steps++) {
		const extract_tok *x = &t->v[k - 1];
		if (t->v[k].nl || (x->type == TOK_PUNCT && (x->cp == '.' || x->cp == ';' || x->cp == '!' ||
			x->cp == '?' || x->cp == ':')))
			break;
		const extract_lexent *e = x->lex;
		if (!e)
			continue;
		const char *v;
		bool past = (v = extract_lexent_value(e, EXTRACT_LEX_PAST_CUE)) && strcmp(v, "after");
		bool fut = !past && (v = extract_lexent_value(e, EXTRACT_LEX_FUTURE_CUE)) &&
			strcmp(v, "after");
		if (past || fut) {
			*cue = extract_lexent_key(e);
			*cuelen = strlen(*cue);
			return past ? DIR_PAST : DIR_FUTURE;
		}
	}
	return DIR_NEAREST;
}

static long jd(int y, int m, int d)
{
	return lunar_jd_from_date(y, m, d);
}

static int iso_weekday(long j)
{
	return (int)(j % 7) + 1;
}

/* Picks among candidate day numbers (or month indexes) the one the direction
 * asks for relative to the anchor; ties go to the past. Returns the index. */
static int pick(const long *c, const bool *ok, int n, long anchor, enum dir dir)
{
	int best = -1;
	for (int k = 0; k < n; k++) {
		if (!ok[k])
			continue;
		if (dir == DIR_PAST && c[k] > anchor)
			continue;
		if (dir == DIR_FUTURE && c[k] < anchor)
			continue;
		if (best < 0) {
			best = k;
			continue;
		}
		long dk = labs(c[k] - anchor), db = labs(c[best] - anchor);
		if (dk < db || (dk == db && c[k] < c[best]))
			best = k;
	}
	return best;
}

static void set_rule(extract_date *o, const char *s)
{
	snprintf(o->rule, sizeof o->rule, "%s", s);
}

static void fmt_day(char *out, int y, int m, int d)
{
	snprintf(out, EXTRACT_TIMEX_MAX, "%04d-%02d-%02d", y, m, d);
}

/* Fills o->value (and lo/hi) from p, the DCT and the cue. */
void extract_date_resolve(const extract_toks *t, const extract_dparse *p, const extract_dct *dct, extract_date *o)
{
	const char *cue = NULL;
	size_t cuelen = 0;
	enum dir dir = cue_dir(t, p->a, p->b, &cue, &cuelen);
	bool have = dct && dct->year > 0;
	long anchor = have ? jd(dct->year, dct->month, dct->day) : 0;
	char how[EXTRACT_RULE_MAX];
	if (dir == DIR_NEAREST)
		snprintf(how, sizeof how, "nearest-to-dct");
	else
		snprintf(how, sizeof how, "cue:%.*s=%s", (int)cuelen, cue, dir == DIR_PAST ? "past" : "future");
	int y = p->y, m = p->m, d = p->d;
	o->granularity = p->gran;
	o->mod = p->mod;
	o->weekday = p->weekday;
	set_rule(o, p->rule ? p->rule : "absolute");

	if (p->rel != EXTRACT_REL_NONE) {
		if (!have) {
			set_rule(o, "relative:no-dct");
			snprintf(o->value, sizeof o->value, p->gran == EXTRACT_GRAN_YEAR ? "XXXX" :
				p->gran == EXTRACT_GRAN_MONTH ? "XXXX-XX" : p->gran == EXTRACT_GRAN_WEEK ?
				"XXXX-WXX" : p->gran == EXTRACT_GRAN_QUARTER ? "XXXX-QX" : "XXXX-XX-XX");
			goto suffix;
		}
		set_rule(o, "relative");
		if (p->rel == EXTRACT_REL_DAY) {
			lunar_jd_to_date(anchor + p->n, &y, &m, &d);
			fmt_day(o->value, y, m, d);
		} else if (p->rel == EXTRACT_REL_WEEK) {
			long monday = anchor - (iso_weekday(anchor) - 1) + 7L * p->n;
			if (p->weekday) {
				lunar_jd_to_date(monday + p->weekday - 1, &y, &m, &d);
				fmt_day(o->value, y, m, d);
			} else {
				/* ISO week of that Monday: the week of its Thursday */
				int ty, tm, td;
				lunar_jd_to_date(monday + 3, &ty, &tm, &td);
				long w = (monday + 3 - jd(ty, 1, 1)) / 7 + 1;
				snprintf(o->value, sizeof o->value, "%04d-W%02ld", ty, w);
			}
		} else if (p->rel == EXTRACT_REL_MONTH) {
			long idx = dct->year * 12L + (dct->month - 1) + p->n;
			y = (int)(idx / 12);
			m = (int)(idx % 12) + 1;
			if (p->gran == EXTRACT_GRAN_QUARTER)
				snprintf(o->value, sizeof o->value, "%04d-Q%d", y, (m - 1) / 3 + 1);
			else
				snprintf(o->value, sizeof o->value, "%04d-%02d", y, m);
		} else {
			snprintf(o->value, sizeof o->value, "%04d", dct->year + p->n);
		}
		goto suffix;
	}
	if ((p->hh >= 0 || p->pod) && !y && !m && !d && !p->weekday && !p->q && !p->lunar &&
		!p->decade) {
		/* a time of day alone: its day is not said */
		snprintf(o->value, sizeof o->value, "XXXX-XX-XX");
		set_rule(o, "time-only");
		goto suffix;
	}
	if (p->decade) {
		snprintf(o->value, sizeof o->value, "%d", p->decade);
		return;
	}
	if (p->q) {
		if (!y && have) {
			long c[3];
			bool ok[3] = {true, true, true};
			long now = dct->year * 4L + (dct->month - 1) / 3;
			for (int k = 0; k < 3; k++)
				c[k] = (dct->year - 1 + k) * 4L + p->q - 1;
			int b = pick(c, ok, 3, now, dir);
			y = dct->year - 1 + (b < 0 ? 1 : b);
			set_rule(o, how);
		}
		if (y)
			snprintf(o->value, sizeof o->value, "%04d-Q%d", y, p->q);
		else
			snprintf(o->value, sizeof o->value, "XXXX-Q%d", p->q), set_rule(o, "partial");
		return;
	}
	if (p->lunar) {
		if (p->gran == EXTRACT_GRAN_MONTH) {
			/* a lunar month: reported by the solar month it starts in */
			d = 1;
		}
		int sy, sm, sd;
		int ly = y;
		if (!ly) {
			if (!have) {
				set_rule(o, "lunar:no-dct");
				snprintf(o->value, sizeof o->value, "XXXX-XX-XX");
				if (p->gran == EXTRACT_GRAN_MONTH)
					snprintf(o->value, sizeof o->value, "XXXX-XX");
				return;
			}
			long c[3];
			bool ok[3];
			for (int k = 0; k < 3; k++) {
				int cy = dct->year - 1 + k - (p->tet_before ? 1 : 0);
				ok[k] = lunar_to_solar(d, m, cy, false, LUNAR_TZ_VIETNAM, &sy, &sm, &sd) == 0;
				c[k] = ok[k] ? jd(sy, sm, sd) : 0;
			}
			int b = pick(c, ok, 3, anchor, dir);
			if (b < 0) {
				set_rule(o, "lunar:invalid");
				snprintf(o->value, sizeof o->value, "XXXX-XX-XX");
				return;
			}
			ly = dct->year - 1 + b - (p->tet_before ? 1 : 0);
			snprintf(o->rule, sizeof o->rule, "lunar:%.40s", how);
		} else {
			if (p->tet_before)
				ly--;
			set_rule(o, "lunar");
		}
		if (lunar_to_solar(d, m, ly, false, LUNAR_TZ_VIETNAM, &sy, &sm, &sd)) {
			set_rule(o, "lunar:invalid");
			snprintf(o->value, sizeof o->value, "XXXX-XX-XX");
			return;
		}
		if (p->gran == EXTRACT_GRAN_MONTH)
			snprintf(o->value, sizeof o->value, "%04d-%02d", sy, sm);
		else
			fmt_day(o->value, sy, sm, sd);
		y = sy, m = sm, d = sd;
		goto weekday;
	}
	if (p->gran == EXTRACT_GRAN_YEAR) {
		snprintf(o->value, sizeof o->value, "%04d", y);
		if (p->range) {
			snprintf(o->lo, sizeof o->lo, "%04d", y);
			snprintf(o->hi, sizeof o->hi, "%04d", p->y2);
			o->range = true;
			snprintf(o->value, sizeof o->value, "%04d/%04d", y, p->y2);
		}
		return;
	}
	if (!m && d && !p->weekday) {
		/* "ngày 8": the month nearest the DCT */
		if (!have) {
			snprintf(o->value, sizeof o->value, "XXXX-XX-%02d", d);
			set_rule(o, "partial");
			goto suffix;
		}
		long c[3];
		bool ok[3];
		for (int k = 0; k < 3; k++) {
			long idx = dct->year * 12L + dct->month - 1 + (k - 1);
			int cy = (int)(idx / 12), cm = (int)(idx % 12) + 1;
			ok[k] = d <= extract_days_in_month(cy, cm);
			c[k] = ok[k] ? jd(cy, cm, d) : 0;
		}
		int b = pick(c, ok, 3, anchor, dir);
		if (b < 0)
			b = 1;
		long idx = dct->year * 12L + dct->month - 1 + (b - 1);
		y = (int)(idx / 12), m = (int)(idx % 12) + 1;
		set_rule(o, how);
		fmt_day(o->value, y, m, d);
		goto weekday;
	}
	if (!m && p->weekday) {
		/* a weekday alone: the nearest such day */
		if (!have) {
			snprintf(o->value, sizeof o->value, "XXXX-XX-XX");
			set_rule(o, "weekday:no-dct");
			goto suffix;
		}
		long c[3];
		bool ok[3] = {true, true, true};
		int delta = p->weekday - iso_weekday(anchor);
		for (int k = 0; k < 3; k++)
			c[k] = anchor + delta + 7L * (k - 1);
		int b = pick(c, ok, 3, anchor, dir);
		lunar_jd_to_date(c[b < 0 ? 1 : b], &y, &m, &d);
		fmt_day(o->value, y, m, d);
		snprintf(o->rule, sizeof o->rule, "weekday:%.38s", how);
		goto suffix;
	}
	if (!y && m) {
		if (!have) {
			if (p->gran == EXTRACT_GRAN_MONTH)
				snprintf(o->value, sizeof o->value, "XXXX-%02d", m);
			else
				snprintf(o->value, sizeof o->value, "XXXX-%02d-%02d", m, d);
			set_rule(o, "partial");
			if (p->range) {
				o->range = true;
				if (p->gran == EXTRACT_GRAN_MONTH) {
					snprintf(o->lo, sizeof o->lo, "XXXX-%02d", m);
					snprintf(o->hi, sizeof o->hi, "XXXX-%02d", p->m2);
				} else {
					snprintf(o->lo, sizeof o->lo, "XXXX-%02d-%02d", m, d);
					snprintf(o->hi, sizeof o->hi, "XXXX-%02d-%02d", p->m2, p->d2);
				}
				snprintf(o->value, sizeof o->value, "%.15s/%.15s", o->lo, o->hi);
			}
			goto suffix;
		}
		long c[3];
		bool ok[3];
		for (int k = 0; k < 3; k++) {
			int cy = dct->year - 1 + k;
			if (p->gran == EXTRACT_GRAN_MONTH) {
				ok[k] = true;
				c[k] = cy * 12L + m - 1;
			} else {
				ok[k] = d <= extract_days_in_month(cy, m);
				c[k] = ok[k] ? jd(cy, m, d) : 0;
			}
		}
		long anc = p->gran == EXTRACT_GRAN_MONTH ? dct->year * 12L + dct->month - 1 : anchor;
		int b = pick(c, ok, 3, anc, dir);
		if (b < 0)
			b = 1;
		y = dct->year - 1 + b;
		if (p->rule)
			snprintf(o->rule, sizeof o->rule, "%.8s:%.38s", p->rule, how);
		else
			set_rule(o, how);
	}
	if (p->gran == EXTRACT_GRAN_MONTH) {
		snprintf(o->value, sizeof o->value, "%04d-%02d", y, m);
		if (p->range) {
			int y2 = p->y2 ? p->y2 : y;
			o->range = true;
			snprintf(o->lo, sizeof o->lo, "%04d-%02d", y, m);
			snprintf(o->hi, sizeof o->hi, "%04d-%02d", y2, p->m2);
			snprintf(o->value, sizeof o->value, "%.15s/%.15s", o->lo, o->hi);
		}
		return;
	}
	fmt_day(o->value, y, m, d);
	if (p->range) {
		o->range = true;
		fmt_day(o->lo, y, m, d);
		fmt_day(o->hi, p->y2 ? p->y2 : y, p->m2, p->d2);
		snprintf(o->value, sizeof o->value, "%.15s/%.15s", o->lo, o->hi);
	}
weekday:
	if (p->weekday && y && m && d)
		o->weekday_agrees = iso_weekday(jd(y, m, d)) == p->weekday ? 1 : -1;
suffix:
	if (o->range)
		return;
	if (p->hh >= 0) {
		int h = p->hh;
		if (p->pod && h < 12 && (!strcmp(p->pod, "AF") || !strcmp(p->pod, "EV") ||
			(!strcmp(p->pod, "NI") && h >= 6)))
			h += 12;
		size_t n = strlen(o->value);
		snprintf(o->value + n, sizeof o->value - n, "T%02d:%02d", h % 24, p->mi);
	} else if (p->pod) {
		size_t n = strlen(o->value);
		snprintf(o->value + n, sizeof o->value - n, "T%s", p->pod);
	}
}


int extract_doc_dates(extract_doc *doc, const extract_dct *dct, extract_dates *out)
{
	for (size_t i = 0; i < doc->dates.n; i++) {
		const extract_dparse *p = &doc->dates.v[i];
		extract_date o;
		memset(&o, 0, sizeof o);
		o.s = doc->toks.v[p->a].s;
		o.e = doc->toks.v[p->b - 1].e;
		extract_date_resolve(&doc->toks, p, dct, &o);
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			extract_date *v = realloc(out->v, cap * sizeof *v);
			if (!v)
				return EXTRACT_ENOMEM;
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = o;
	}
	return EXTRACT_OK;
}

int extract_dates_find(const extract_lexicon *lex, const char *text, size_t len,
	const extract_dct *dct, extract_dates *out)
{
	extract_doc *doc;
	int rc = extract_doc_new(lex, text, len, &doc);
	if (rc)
		return rc;
	rc = extract_doc_dates(doc, dct, out);
	extract_doc_free(doc);
	return rc;
}
