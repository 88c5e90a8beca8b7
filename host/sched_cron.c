/* sched_cron.c: five-field cron expressions. The next firing is found by
 * walking the local calendar (month, day, hour, minute) with plain integers
 * and converting only the matching wall-clock minute to an instant, so a
 * search skips whole months and days and DST is dealt with in one place. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_cron.h"

#define SEARCH_YEARS 9 /* Feb 29 recurs within 8 years (2096 -> 2104) */

struct cron_field {
	const char *name;
	int lo, hi;
};

static const struct cron_field fields[5] = {
	{"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12},
	{"day of week", 0, 7},
};

/* Reads a decimal number in [lo, hi] at *p. */
static bool read_number(const char **p, int lo, int hi, int *out)
{
	const char *s = *p;
	long v = 0;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX / 10)
			return false;
		s++;
	}
	if (v < lo || v > hi)
		return false;
	*p = s;
	*out = (int)v;
	return true;
}

/* Parses one field text [s, e) into a bit set. Returns 0 or -1 (err set). */
static int parse_field(const char *s, const char *e, int f, uint64_t *bits, bool *star, char *err,
                       size_t errlen)
{
	const struct cron_field *cf = &fields[f];
	char text[64];
	snprintf(text, sizeof text, "%.*s", (int)(e - s), s);
	*bits = 0;
	*star = *s == '*';
	const char *p = text;
	for (;;) {
		int a, b, step = 1;
		bool elem_star = *p == '*';
		if (elem_star) {
			a = cf->lo;
			b = f == 4 ? 6 : cf->hi;
			p++;
		} else {
			if (!read_number(&p, cf->lo, cf->hi, &a))
				goto bad;
			b = a;
			if (*p == '-') {
				p++;
				if (!read_number(&p, cf->lo, cf->hi, &b) || b < a)
					goto bad;
			}
		}
		if (*p == '/') {
			p++;
			if (!read_number(&p, 1, cf->hi + 1, &step))
				goto bad;
			if (a == b && !elem_star)
				b = f == 4 ? 6 : cf->hi; /* "5/15": from 5 to the end */
		}
		for (int v = a; v <= b; v += step)
			*bits |= (uint64_t)1 << (f == 4 && v == 7 ? 0 : v);
		if (*p == '\0')
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	return 0;
bad:
	snprintf(err, errlen, "cron field %d (%s) '%s': expected *, N, A-B, each optionally /STEP, "
	         "in %d-%d, joined by commas", f + 1, cf->name, text, cf->lo, cf->hi);
	return -1;
}

int sched_cron_parse(const char *expr, struct sched_cron *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	const char *p = expr;
	int n = 0;
	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		const char *e = p + strcspn(p, " \t");
		if (n == 5 || e - p > 60) {
			snprintf(err, errlen, "cron '%s': five fields wanted (minute hour day month weekday)",
			         expr);
			return -1;
		}
		uint64_t bits;
		bool star;
		if (parse_field(p, e, n, &bits, &star, err, errlen))
			return -1;
		switch (n) {
		case 0: c->minutes = bits; break;
		case 1: c->hours = (uint32_t)bits; break;
		case 2: c->mdays = (uint32_t)bits; c->mday_star = star; break;
		case 3: c->months = (uint16_t)bits; break;
		case 4: c->wdays = (uint8_t)bits; c->wday_star = star; break;
		}
		n++;
		p = e;
	}
	if (n != 5) {
		snprintf(err, errlen, "cron '%s': five fields wanted (minute hour day month weekday)", expr);
		return -1;
	}
	return 0;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) /* m 1-12 */
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* 0 = Sunday (Sakamoto). */
static int weekday(int y, int m, int d)
{
	static const int t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static bool day_matches(const struct sched_cron *c, int y, int m, int d)
{
	bool md = c->mdays >> d & 1, wd = c->wdays >> weekday(y, m, d) & 1;
	if (c->mday_star && c->wday_star)
		return true;
	if (c->mday_star)
		return wd;
	if (c->wday_star)
		return md;
	return md || wd;
}

bool sched_cron_matches(const struct sched_cron *c, const struct tm *tm)
{
	return (c->minutes >> tm->tm_min & 1) && (c->hours >> tm->tm_hour & 1) &&
	       (c->months >> (tm->tm_mon + 1) & 1) &&
	       day_matches(c, tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday);
}

/* Compares local wall-clock minutes. */
static long civil_key(int y, int mo, int d, int h, int mi)
{
	return (((long)y * 13 + mo) * 32 + d) * 1440 + h * 60 + mi;
}

static long tm_key(const struct tm *tm)
{
	return civil_key(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min);
}

static time_t make_local(int y, int mo, int d, int h, int mi, int isdst)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	                .tm_min = mi, .tm_isdst = isdst};
	return mktime(&tm);
}

/* The instant of a local wall-clock minute > after: its first occurrence, or
 * for a minute the clock skipped, the first instant whose wall clock is past
 * it. -1 if every occurrence is <= after. */
static time_t civil_to_instant(int y, int mo, int d, int h, int mi, time_t after)
{
	long want = civil_key(y, mo, d, h, mi);
	time_t cand[2] = {make_local(y, mo, d, h, mi, 0), make_local(y, mo, d, h, mi, 1)};
	time_t best = -1;
	for (int i = 0; i < 2; i++) {
		struct tm tm;
		if (cand[i] == (time_t)-1 || !localtime_r(&cand[i], &tm) || tm_key(&tm) != want)
			continue;
		if (cand[i] > after && (best == -1 || cand[i] < best))
			best = cand[i];
	}
	if (best != -1)
		return best;
	/* Skipped by a shift: the change happened between the two readings. */
	time_t lo = cand[0] < cand[1] ? cand[0] : cand[1], hi = cand[0] < cand[1] ? cand[1] : cand[0];
	if (lo == (time_t)-1)
		return -1;
	lo -= lo % 60;
	for (time_t t = lo; t <= hi + 60; t += 60) {
		struct tm tm;
		if (localtime_r(&t, &tm) && tm_key(&tm) > want)
			return t > after ? t : -1;
	}
	return -1;
}

time_t sched_cron_next(const struct sched_cron *c, time_t after)
{
	struct tm tm;
	if (!localtime_r(&after, &tm))
		return -1;
	int y = tm.tm_year + 1900, mo = tm.tm_mon + 1, d = tm.tm_mday, h = tm.tm_hour;
	int mi = tm.tm_min + 1; /* strictly after: the next wall-clock minute */
	int last_year = y + SEARCH_YEARS;
	while (y <= last_year) {
		if (mi > 59) { mi = 0; h++; }
		if (h > 23) { h = 0; d++; }
		if (mo > 12) { mo = 1; d = 1; y++; continue; }
		if (d > days_in_month(y, mo)) { d = 1; mo++; continue; }
		if (!(c->months >> mo & 1)) {
			mo++; d = 1; h = 0; mi = 0;
			continue;
		}
		if (!day_matches(c, y, mo, d)) {
			d++; h = 0; mi = 0;
			continue;
		}
		if (!(c->hours >> h & 1)) {
			h++; mi = 0;
			continue;
		}
		if (!(c->minutes >> mi & 1)) {
			mi++;
			continue;
		}
		time_t t = civil_to_instant(y, mo, d, h, mi, after);
		if (t != -1)
			return t;
		mi++;
	}
	return -1;
}
