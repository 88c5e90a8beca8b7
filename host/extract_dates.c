/* extract_dates.c: time expressions in Vietnamese news as TIMEX3 values, over
 * the shared token stream (host/extract.c). Each expression is parsed into a
 * partial date (unknown fields left open), then resolved against the article
 * date: nearest to it unless a past or future cue word says otherwise. Lunar
 * dates go through host/lunar.c at UTC+7. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lunar.h"

typedef extract_dparse dparse;


#define is_w(t, i, w) extract_tok_is((t), (i), w)
#define tk extract_tok_at
#define num extract_tok_num
#define year4 extract_tok_year4
#define init extract_dparse_init
#define parse_dmy extract_date_parse_dmy
#define lunar_month_word extract_lunar_month_word
#define lunar_marker extract_lunar_marker
#define parse_lunar extract_date_parse_lunar
#define parse_holiday extract_date_parse_holiday

static bool is_p(const extract_toks *t, size_t i, uint32_t cp)
{
	return i < t->n && t->v[i].type == TOK_PUNCT && t->v[i].cp == cp;
}

static bool glued(const extract_toks *t, size_t i)
{
	return i < t->n && !t->v[i].space;
}

static bool is_dash(const extract_toks *t, size_t i)
{
	return is_p(t, i, '-') || is_p(t, i, 0x2013) || is_p(t, i, 0x2014);
}

/* The value of NUM token i when it has at most maxlen digits, else -1. */
int extract_tok_num(const extract_toks *t, size_t i, unsigned maxlen)
{
	if (i >= t->n || t->v[i].type != TOK_NUM || t->v[i].klen > maxlen)
		return -1;
	const char *p = t->keys.data + t->v[i].key;
	int v = 0;
	for (uint32_t k = 0; k < t->v[i].klen; k++)
		v = v * 10 + (p[k] - '0');
	return v;
}

int extract_tok_year4(const extract_toks *t, size_t i)
{
	if (i >= t->n || t->v[i].klen != 4)
		return -1;
	int y = num(t, i, 4);
	return y >= 1000 && y <= 2999 ? y : -1;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int extract_days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap_year(y) ? 29 : dm[m - 1];
}

static int roman(const extract_toks *t, size_t i)
{
	static const char *r[] = {"i", "ii", "iii", "iv"};
	if (i >= t->n || t->v[i].type != TOK_WORD || !t->v[i].upper)
		return -1;
	for (int k = 0; k < 4; k++)
		if (extract_tok_is_n(t, i, r[k], strlen(r[k])))
			return k + 1;
	return -1;
}

/* "7 năm sau", "ba tháng trước": a count before năm/tháng/tuần makes a
 * duration, not "next year" or "last month". */
static bool counted(const extract_toks *t, size_t i)
{
	if (i >= 2 && extract_tok_is(t, i - 2, "thứ"))
		return false; /* thứ 2 tuần trước: a weekday */
	return i > 0 && (t->v[i - 1].type == TOK_NUM || (t->v[i - 1].gram & EXTRACT_GRAM_NUMERAL) ||
		extract_tok_is(t, i - 1, "mấy") || extract_tok_is(t, i - 1, "vài") ||
		extract_tok_is(t, i - 1, "nhiều") || extract_tok_is(t, i - 1, "những") ||
		extract_tok_is(t, i - 1, "các"));
}

void extract_dparse_init(dparse *p, size_t a)
{
	memset(p, 0, sizeof *p);
	p->a = a;
	p->hh = p->mi = -1;
}

/* "/", "-" or "." glued between two numbers; returns the separator or 0. */
static uint32_t sep_at(const extract_toks *t, size_t i)
{
	if (i + 1 >= t->n || !glued(t, i) || !glued(t, i + 1) || t->v[i + 1].type != TOK_NUM)
		return 0;
	if (is_p(t, i, '/') || is_p(t, i, '.') || is_p(t, i, '-'))
		return t->v[i].cp;
	return 0;
}

/* After a date, a glued separator and more letters or digits: a code. */
static bool code_follows(const extract_toks *t, size_t j)
{
	return j + 1 < t->n && glued(t, j) && glued(t, j + 1) &&
		(is_p(t, j, '/') || is_p(t, j, '-') || is_p(t, j, '.')) &&
		(t->v[j + 1].type == TOK_WORD || t->v[j + 1].type == TOK_NUM);
}

/* d SEP m [SEP yyyy] at NUM token i. strong says how sure the words before
 * are that a date comes: 2 (ngày, tối, thứ 2), 1 (từ, đến, hồi, vào), 0.
 * Without a year, "d/m" needs nothing, "d-m" needs 1 and "d.m" 2; at 0 and 1 a
 * unit after it makes it a figure ("từ 3-4 tiếng", "đến 3.5m", "2/3 số"). */
bool extract_date_parse_dmy(const extract_toks *t, size_t i, int strong, dparse *p)
{
	int d = num(t, i, 2), m;
	uint32_t sep = sep_at(t, i + 1);
	if (d < 1 || d > 31 || !sep || (m = num(t, i + 2, 2)) < 1 || m > 12)
		return false;
	size_t j = i + 3;
	int y = 0;
	if (sep_at(t, j) == sep) {
		y = year4(t, j + 1);
		if (y < 0) {
			int yy = num(t, j + 1, 2);
			if (yy < 0 || t->v[j + 1].klen != 2)
				return false;
			y = yy + (yy <= 50 ? 2000 : 1900);
		}
		j += 2;
	} else {
		if ((sep == '.' && strong < 2) || (sep == '-' && strong < 1))
			return false;
		if (j < t->n && !t->v[j].space && t->v[j].type == TOK_WORD)
			return false; /* 3.5m */
		if (strong < 2 && j < t->n && t->v[j].lex && !t->v[j].nl &&
			(extract_lexent_has(t->v[j].lex, EXTRACT_LEX_UNIT) ||
			extract_lexent_has(t->v[j].lex, EXTRACT_LEX_LABEL) ||
			extract_lexent_has(t->v[j].lex, EXTRACT_LEX_PERCENT) ||
			extract_lexent_has(t->v[j].lex, EXTRACT_LEX_CURRENCY) ||
			extract_lexent_has(t->v[j].lex, EXTRACT_LEX_SCALE)))
			return false;
		if (strong < 2 && (is_w(t, j, "dân") || is_w(t, j, "số")))
			return false;
	}
	if (code_follows(t, j))
		return false;
	if (y && d > extract_days_in_month(y, m))
		return false;
	if (!y && d > extract_days_in_month(2000, m))
		return false;
	p->d = d;
	p->m = m;
	p->y = y;
	p->gran = EXTRACT_GRAN_DAY;
	p->b = j;
	return true;
}

/* A day range sharing month and year: "3 - 8/7/2017", "3-8/7", "từ 3 đến 8/7". */
static bool parse_day_range(const extract_toks *t, size_t i, int strong, dparse *p)
{
	int d1 = num(t, i, 2);
	if (d1 < 1 || d1 > 31 || sep_at(t, i + 1) == '/')
		return false;
	size_t j = i + 1;
	if (is_dash(t, j) || is_w(t, j, "đến") || is_w(t, j, "tới"))
		j++;
	else
		return false;
	dparse q;
	init(&q, j);
	if (!parse_dmy(t, j, strong, &q) || d1 >= q.d)
		return false;
	if (strong < 1 && !q.y)
		return false;
	*p = q;
	p->a = i;
	p->range = true;
	p->y2 = q.y;
	p->m2 = q.m;
	p->d2 = q.d;
	p->d = d1;
	return true;
}

static const char *pod_at(const extract_toks *t, size_t i, size_t *len);

/* Time of day: "16:33", "20h30", "20h", "16 giờ 33 (phút)". */
static bool parse_time(const extract_toks *t, size_t i, bool cue, dparse *p)
{
	int h = num(t, i, 2), mi = 0;
	if (h < 0 || h > 24)
		return false;
	size_t j = i + 1;
	if (is_p(t, j, ':') && glued(t, j) && glued(t, j + 1) && (mi = num(t, j + 1, 2)) >= 0 &&
		t->v[j + 1].klen == 2) {
		j += 2;
		if (is_p(t, j, ':') && glued(t, j) && num(t, j + 1, 2) >= 0)
			j += 2; /* seconds */
	} else if (is_w(t, j, "h") && glued(t, j)) {
		j++;
		size_t pl;
		if (glued(t, j) && (mi = num(t, j, 2)) >= 0)
			j++;
		else if (!cue && !pod_at(t, j, &pl))
			return false;
		else
			mi = 0;
		if (is_p(t, j, '\'') && glued(t, j))
			j++;
	} else if (is_w(t, j, "giờ")) {
		j++;
		size_t pl;
		if ((mi = num(t, j, 2)) >= 0) {
			j++;
			if (is_w(t, j, "phút"))
				j++;
		} else if (!cue && !pod_at(t, j, &pl)) {
			return false;
		} else {
			mi = 0;
		}
	} else {
		return false;
	}
	if (mi > 59)
		return false;
	p->hh = h;
	p->mi = mi;
	p->gran = EXTRACT_GRAN_MINUTE;
	p->b = j;
	return true;
}

static const char *pod_at(const extract_toks *t, size_t i, size_t *len)
{
	*len = 1;
	if (is_w(t, i, "rạng") && is_w(t, i + 1, "sáng")) {
		*len = 2;
		return "MO";
	}
	if (is_w(t, i, "sáng"))
		return "MO";
	if (is_w(t, i, "trưa"))
		return "MI";
	if (is_w(t, i, "chiều"))
		return "AF";
	if (is_w(t, i, "tối"))
		return "EV";
	if (is_w(t, i, "đêm") || is_w(t, i, "khuya"))
		return "NI";
	return NULL;
}

/* thứ 2..7, thứ hai..bảy, chủ nhật: ISO weekday, with its length in tokens. */
static int weekday_at(const extract_toks *t, size_t i, size_t *len)
{
	static const char *w[] = {"hai", "ba", "tư", "năm", "sáu", "bảy"};
	*len = 2;
	if (is_w(t, i, "chủ") && is_w(t, i + 1, "nhật"))
		return 7;
	if (!is_w(t, i, "thứ"))
		return 0;
	int n = num(t, i + 1, 1);
	if (n >= 2 && n <= 7)
		return n - 1;
	for (int k = 0; k < 6; k++)
		if (extract_tok_is_n(t, i + 1, w[k], strlen(w[k])))
			return k + 1;
	return 0;
}

/* Words before "thứ N" that make it an ordinal: lần thứ 2, hạng thứ 3. */
static bool ordinal_context(const extract_toks *t, size_t i)
{
	if (i == 0)
		return false;
	return is_w(t, i - 1, "lần") || is_w(t, i - 1, "hạng") || is_w(t, i - 1, "người") ||
		is_w(t, i - 1, "khóa") || is_w(t, i - 1, "đứng") || is_w(t, i - 1, "vị") ||
		is_w(t, i - 1, "trí") || is_w(t, i - 1, "con") || is_w(t, i - 1, "điều") ||
		is_w(t, i - 1, "đợt") || is_w(t, i - 1, "năm") || is_w(t, i - 1, "vòng") ||
		is_w(t, i - 1, "là") || is_w(t, i - 1, "cái");
}

/* "tháng" M [/-yyyy | năm yyyy] | tháng Giêng | tháng trước/này/tới/sau. */
static bool parse_month(const extract_toks *t, size_t i, dparse *p)
{
	if (!is_w(t, i, "tháng"))
		return false;
	size_t j = i + 1;
	int m = num(t, j, 2);
	if (m >= 1 && m <= 12) {
		j++;
		uint32_t s = sep_at(t, j);
		if ((s == '/' || s == '-' || s == '.') && year4(t, j + 1) > 0) {
			p->y = year4(t, j + 1);
			j += 2;
		} else if (s == '-' || s == '/') {
			/* tháng 3-5/2024 */
			int m2 = num(t, j + 1, 2);
			if (m2 > m && m2 <= 12) {
				size_t k = j + 2;
				int y = 0;
				if (sep_at(t, k) == '/' && year4(t, k + 1) > 0) {
					y = year4(t, k + 1);
					k += 2;
				}
				p->range = true;
				p->m2 = m2;
				p->y2 = y;
				p->y = y;
				j = k;
			}
		} else if (is_w(t, j, "năm") && year4(t, j + 1) > 0) {
			p->y = year4(t, j + 1);
			j += 2;
		}
		if (code_follows(t, j))
			return false;
		p->m = m;
		p->gran = EXTRACT_GRAN_MONTH;
		p->b = j;
		size_t ll;
		if (!p->range && lunar_marker(t, j, &ll)) {
			p->lunar = true;
			p->b = j + ll;
		}
		return true;
	}
	if ((m = lunar_month_word(t, j))) {
		p->m = m;
		p->lunar = true;
		p->gran = EXTRACT_GRAN_MONTH;
		p->b = j + 1;
		return true;
	}
	if ((is_w(t, j, "trước") || is_w(t, j, "này") || is_w(t, j, "tới") || is_w(t, j, "sau") ||
		is_w(t, j, "qua")) && !counted(t, i)) {
		p->rel = EXTRACT_REL_MONTH;
		p->n = is_w(t, j, "trước") || is_w(t, j, "qua") ? -1 : is_w(t, j, "này") ? 0 : 1;
		p->gran = EXTRACT_GRAN_MONTH;
		p->b = j + 1;
		return true;
	}
	return false;
}

/* "năm" yyyy | năm nay/ngoái/trước/sau/tới | năm 2020-2023. */
static bool parse_year(const extract_toks *t, size_t i, dparse *p)
{
	if (!is_w(t, i, "năm"))
		return false;
	size_t j = i + 1;
	int y = year4(t, j);
	if (y > 0 && is_dash(t, j + 1) && year4(t, j + 2) > y && !code_follows(t, j + 3)) {
		p->y = y;
		p->range = true;
		p->y2 = year4(t, j + 2);
		p->gran = EXTRACT_GRAN_YEAR;
		p->b = j + 3;
		return true;
	}
	if (y > 0 && !code_follows(t, j + 1)) {
		p->y = y;
		p->gran = EXTRACT_GRAN_YEAR;
		p->b = j + 1;
		return true;
	}
	int n = is_w(t, j, "nay") ? 0 : is_w(t, j, "ngoái") || is_w(t, j, "trước") ? -1 :
		is_w(t, j, "sau") || is_w(t, j, "tới") ? 1 : 99;
	if (n == 99 || counted(t, i))
		return false;
	p->rel = EXTRACT_REL_YEAR;
	p->n = n;
	p->gran = EXTRACT_GRAN_YEAR;
	p->b = j + 1;
	return true;
}

/* "quý" I..IV or 1..4 [/-yyyy | năm yyyy | này/trước/tới]. */
static bool parse_quarter(const extract_toks *t, size_t i, dparse *p)
{
	if (!is_w(t, i, "quý"))
		return false;
	size_t j = i + 1;
	int q = roman(t, j);
	if (q < 0)
		q = num(t, j, 1);
	if (q < 1 || q > 4) {
		if (is_w(t, j, "trước") || is_w(t, j, "này") || is_w(t, j, "tới") || is_w(t, j, "sau")) {
			p->rel = EXTRACT_REL_MONTH;
			p->n = is_w(t, j, "trước") ? -3 : is_w(t, j, "này") ? 0 : 3;
			p->gran = EXTRACT_GRAN_QUARTER;
			p->b = j + 1;
			return true;
		}
		return false;
	}
	j++;
	if (glued(t, j) && (is_p(t, j, '/') || is_p(t, j, '-')) && glued(t, j + 1) &&
		year4(t, j + 1) > 0) {
		p->y = year4(t, j + 1);
		j += 2;
	} else if (is_w(t, j, "năm") && year4(t, j + 1) > 0) {
		p->y = year4(t, j + 1);
		j += 2;
	}
	p->q = q;
	p->gran = EXTRACT_GRAN_QUARTER;
	p->b = j;
	return true;
}

/* thập niên 80, thập kỷ 1990, những năm 1980. */
static bool parse_decade(const extract_toks *t, size_t i, dparse *p)
{
	size_t j;
	if ((is_w(t, i, "thập") && (is_w(t, i + 1, "niên") || is_w(t, i + 1, "kỷ") ||
		is_w(t, i + 1, "kỉ"))) || (is_w(t, i, "những") && is_w(t, i + 1, "năm")))
		j = i + 2;
	else
		return false;
	int v = num(t, j, 4);
	if (v < 0)
		return false;
	if (t->v[j].klen == 2 && v % 10 == 0)
		p->decade = 190 + v / 10;
	else if (t->v[j].klen == 4 && v % 10 == 0 && v >= 1000)
		p->decade = v / 10;
	else
		return false;
	p->gran = EXTRACT_GRAN_DECADE;
	p->b = j + 1;
	return true;
}

/* "ngày" d/m[/y] | ngày d tháng m [năm y] | ngày d | ngày 3 - 8/7 | ngày mai/kia. */
static bool parse_day(const extract_toks *t, size_t i, dparse *p)
{
	if (!is_w(t, i, "ngày") && !is_w(t, i, "hôm"))
		return false;
	bool ngay = is_w(t, i, "ngày");
	size_t j = i + 1;
	if (ngay && (is_w(t, j, "mai") || is_w(t, j, "kia"))) {
		p->rel = EXTRACT_REL_DAY;
		p->n = is_w(t, j, "mai") ? 1 : 2;
		p->gran = EXTRACT_GRAN_DAY;
		p->b = j + 1;
		return true;
	}
	if (!ngay && (is_w(t, j, "nay") || is_w(t, j, "qua") || is_w(t, j, "kia"))) {
		p->rel = EXTRACT_REL_DAY;
		p->n = is_w(t, j, "nay") ? 0 : is_w(t, j, "qua") ? -1 : -2;
		p->gran = EXTRACT_GRAN_DAY;
		p->b = j + 1;
		return true;
	}
	if (tk(t, j)->type != TOK_NUM)
		return false;
	dparse q;
	init(&q, j);
	if (parse_day_range(t, j, 2, &q) || parse_dmy(t, j, 2, &q)) {
		q.a = i;
		*p = q;
	} else {
		int d = num(t, j, 2);
		if (d < 1 || d > 31 || code_follows(t, j + 1))
			return false;
		p->d = d;
		p->gran = EXTRACT_GRAN_DAY;
		p->b = j + 1;
		if (is_w(t, j + 1, "tháng")) {
			int m = num(t, j + 2, 2);
			if (m < 1)
				m = lunar_month_word(t, j + 2);
			if (m >= 1 && m <= 12) {
				p->m = m;
				p->b = j + 3;
				if (is_w(t, j + 3, "năm") && year4(t, j + 4) > 0) {
					p->y = year4(t, j + 4);
					p->b = j + 5;
				}
			}
		} else if (!ngay) {
			return false;
		}
	}
	size_t ll;
	if (lunar_marker(t, p->b, &ll)) {
		p->lunar = true;
		p->b += ll;
	}
	return true;
}

/* One expression starting at token i, without time of day around it. */
static bool parse_core(const extract_toks *t, size_t i, int strong, dparse *p)
{
	init(p, i);
	if (i >= t->n)
		return false;
	if (parse_day(t, i, p) || parse_lunar(t, i, p) || parse_month(t, i, p) ||
		parse_quarter(t, i, p) || parse_decade(t, i, p) || parse_holiday(t, i, p))
		return true;
	init(p, i);
	if (parse_year(t, i, p))
		return true;
	init(p, i);
	if (is_w(t, i, "tuần") && !counted(t, i) && (is_w(t, i + 1, "trước") || is_w(t, i + 1, "này") ||
		is_w(t, i + 1, "tới") || is_w(t, i + 1, "sau") || is_w(t, i + 1, "qua"))) {
		p->rel = EXTRACT_REL_WEEK;
		p->n = is_w(t, i + 1, "trước") || is_w(t, i + 1, "qua") ? -1 : is_w(t, i + 1, "này") ? 0 : 1;
		p->gran = EXTRACT_GRAN_WEEK;
		p->b = i + 2;
		return true;
	}
	if (tk(t, i)->type != TOK_NUM)
		return false;
	if (parse_day_range(t, i, strong, p) || parse_dmy(t, i, strong, p))
		return true;
	init(p, i);
	/* N năm/tháng/tuần/ngày trước|tới|sau|nữa */
	int n = num(t, i, 3);
	if (n > 0 && tk(t, i + 1)->type == TOK_WORD) {
		enum extract_rel r = is_w(t, i + 1, "năm") ? EXTRACT_REL_YEAR : is_w(t, i + 1, "tháng") ? EXTRACT_REL_MONTH :
			is_w(t, i + 1, "tuần") ? EXTRACT_REL_WEEK : is_w(t, i + 1, "ngày") ? EXTRACT_REL_DAY : EXTRACT_REL_NONE;
		/* "7 năm sau" counts from the story, not from the article: left alone */
		int dir = is_w(t, i + 2, "trước") ? -1 : is_w(t, i + 2, "tới") || is_w(t, i + 2, "nữa") ?
			1 : 0;
		if (r != EXTRACT_REL_NONE && dir && !(i > 0 && is_w(t, i - 1, "sau"))) {
			p->rel = r;
			p->n = dir * n;
			p->gran = r == EXTRACT_REL_YEAR ? EXTRACT_GRAN_YEAR : r == EXTRACT_REL_MONTH ? EXTRACT_GRAN_MONTH :
				r == EXTRACT_REL_WEEK ? EXTRACT_GRAN_WEEK : EXTRACT_GRAN_DAY;
			p->b = i + 3;
			return true;
		}
	}
	/* giai đoạn 2021-2025: two years joined by a dash, nothing counted after */
	int y1 = year4(t, i);
	if (y1 >= 1800 && y1 <= 2100 && is_dash(t, i + 1) && year4(t, i + 2) > y1 &&
		year4(t, i + 2) <= 2100 && !(i + 3 < t->n && t->v[i + 3].lex &&
		!t->v[i + 3].nl && (extract_lexent_has(t->v[i + 3].lex, EXTRACT_LEX_UNIT) ||
		extract_lexent_has(t->v[i + 3].lex, EXTRACT_LEX_CURRENCY) ||
		extract_lexent_has(t->v[i + 3].lex, EXTRACT_LEX_SCALE))) &&
		!code_follows(t, i + 3)) {
		p->y = y1;
		p->range = true;
		p->y2 = year4(t, i + 2);
		p->gran = EXTRACT_GRAN_YEAR;
		p->b = i + 3;
		return true;
	}
	return false;
}

/* A whole expression at i: [đầu|giữa|cuối] [time] [part of day] [weekday]
 * core [time] [weekday (date)]. */
static bool parse_at(const extract_toks *t, size_t i, dparse *p)
{
	size_t j = i, len;
	enum extract_mod mod = EXTRACT_MOD_NONE;
	int hh = -1, mi = -1;
	const char *pod = NULL;
	int wd = 0;
	int strong = 0;
	if (is_w(t, j, "đầu") || is_w(t, j, "giữa") || is_w(t, j, "cuối")) {
		mod = is_w(t, j, "đầu") ? EXTRACT_MOD_START : is_w(t, j, "giữa") ? EXTRACT_MOD_MID :
			EXTRACT_MOD_END;
		dparse q;
		if (!parse_core(t, j + 1, 0, &q) || q.gran < EXTRACT_GRAN_WEEK)
			return false;
		*p = q;
		p->a = i;
		p->mod = mod;
		return true;
	}
	/* a time first: "20h30 ngày 24/1", "16:33 25/02/2026", "8 giờ sáng" */
	dparse tm;
	init(&tm, j);
	bool time_cue = j > 0 && (is_w(t, j - 1, "lúc") || is_w(t, j - 1, "vào") ||
		is_w(t, j - 1, "từ") || is_w(t, j - 1, "đến") || is_w(t, j - 1, "tới") ||
		is_w(t, j - 1, "khoảng"));
	if (tk(t, j)->type == TOK_NUM && parse_time(t, j, time_cue, &tm)) {
		hh = tm.hh;
		mi = tm.mi;
		j = tm.b;
		strong = 2;
	}
	if ((pod = pod_at(t, j, &len))) {
		/* "sáng nay", "tối qua", "chiều mai" */
		if (is_w(t, j + len, "nay") || is_w(t, j + len, "qua") || is_w(t, j + len, "mai")) {
			init(p, i);
			p->rel = EXTRACT_REL_DAY;
			p->n = is_w(t, j + len, "nay") ? 0 : is_w(t, j + len, "qua") ? -1 : 1;
			p->gran = EXTRACT_GRAN_PARTDAY;
			p->pod = pod;
			p->hh = hh;
			p->mi = mi;
			if (hh >= 0)
				p->gran = EXTRACT_GRAN_MINUTE;
			p->b = j + len + 1;
			goto time_pod;
		}
		size_t k = j + len;
		if (is_p(t, k, ','))
			k++;
		if (weekday_at(t, k, &len) || is_w(t, k, "ngày") || is_w(t, k, "hôm") ||
			tk(t, k)->type == TOK_NUM || hh >= 0) {
			j = k;
			strong = 2;
		} else {
			pod = NULL;
		}
	}
	if ((wd = weekday_at(t, j, &len)) && !ordinal_context(t, j)) {
		size_t k = j + len;
		bool open = false;
		if (is_w(t, k, "tuần")) {
			/* thứ 2 tuần trước / này / tới */
			dparse w;
			if (parse_core(t, k, 0, &w) && w.rel == EXTRACT_REL_WEEK) {
				*p = w;
				p->a = i;
				p->weekday = wd;
				p->gran = EXTRACT_GRAN_DAY;
				goto time_pod;
			}
		}
		if (is_p(t, k, ',') || is_p(t, k, '('))
			open = is_p(t, k, '('), k++;
		dparse q;
		if (parse_core(t, k, 2, &q) && q.gran == EXTRACT_GRAN_DAY && !q.rel) {
			*p = q;
			p->a = i;
			if (open && is_p(t, p->b, ')'))
				p->b++;
			p->weekday = wd;
			goto time_pod;
		}
		/* a weekday alone: only where nothing else can mean "second" */
		/* "thứ 5" alone is mostly "fifth" (ngày thứ 5 liên tiếp): a weekday needs
		 * a capital (thứ Năm), a time, or vào/hôm before or tới/vừa/này after */
		bool ok = pod || hh >= 0 || (i > 0 && (is_w(t, i - 1, "vào") || is_w(t, i - 1, "hôm"))) ||
			is_w(t, j + len, "tới") || is_w(t, j + len, "vừa") || is_w(t, j + len, "này") ||
			wd == 7 || tk(t, j + 1)->cap;
		if (!ok)
			return false;
		init(p, i);
		p->weekday = wd;
		p->gran = EXTRACT_GRAN_DAY;
		p->rel = EXTRACT_REL_NONE;
		p->b = j + len;
		goto time_pod;
	}
	if (!strong && i > 0 && (is_w(t, i - 1, "từ") || is_w(t, i - 1, "đến") ||
		is_w(t, i - 1, "hồi") || is_w(t, i - 1, "vào")))
		strong = 1;
	if (!parse_core(t, j, strong, p)) {
		if (hh >= 0 && !pod) {
			*p = tm;
			p->a = i;
			return true;
		}
		if (hh >= 0) {
			init(p, i);
			p->hh = hh;
			p->mi = mi;
			p->pod = pod;
			p->gran = EXTRACT_GRAN_MINUTE;
			p->b = j;
			goto time_pod;
		}
		return false;
	}
	p->a = i;
	if (hh < 0 && p->gran == EXTRACT_GRAN_DAY) {
		/* a time after the date: "25/02/2026 16:33" */
		dparse t2;
		init(&t2, p->b);
		if (p->b < t->n && tk(t, p->b)->type == TOK_NUM && !tk(t, p->b)->nl &&
			parse_time(t, p->b, false, &t2)) {
			hh = t2.hh;
			mi = t2.mi;
			p->b = t2.b;
		}
	}
	/* "ngày 26/6 (thứ 2)" */
	if (p->gran == EXTRACT_GRAN_DAY && is_p(t, p->b, '(') && (wd = weekday_at(t, p->b + 1, &len)) &&
		is_p(t, p->b + 1 + len, ')')) {
		p->weekday = wd;
		p->b += len + 2;
	}
	p->hh = hh;
	p->mi = mi;
	p->pod = pod;
	if (hh >= 0 && p->gran == EXTRACT_GRAN_DAY)
		p->gran = EXTRACT_GRAN_MINUTE;
	else if (pod && p->gran == EXTRACT_GRAN_DAY)
		p->gran = EXTRACT_GRAN_PARTDAY;
	return true;
time_pod:
	if (hh >= 0) {
		p->hh = hh;
		p->mi = mi;
		p->gran = EXTRACT_GRAN_MINUTE;
	}
	if (pod)
		p->pod = pod;
	if (p->hh < 0 && p->pod && p->gran == EXTRACT_GRAN_DAY)
		p->gran = EXTRACT_GRAN_PARTDAY;
	return true;
}

static int push_parse(extract_dparses *out, const dparse *p)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		dparse *v = realloc(out->v, cap * sizeof *v);
		if (!v)
			return EXTRACT_ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *p;
	return EXTRACT_OK;
}

int extract_dates_parse(const extract_toks *t, extract_dparses *out, uint8_t *covered)
{
	for (size_t i = 0; i < t->n;) {
		dparse p;
		init(&p, i);
		const extract_tok *k = &t->v[i];
		if ((k->type != TOK_NUM && !(k->gram & EXTRACT_GRAM_DATE)) ||
			!parse_at(t, i, &p) || p.b <= i) {
			i++;
			continue;
		}
		/* two dates joined: "30/4 - 1/5", "từ tháng 3 đến tháng 5/2024" */
		size_t nx = p.b;
		dparse q;
		if (!p.range && !p.rel && !p.lunar && p.m && p.hh < 0 && !p.pod && !p.q &&
			(p.gran == EXTRACT_GRAN_DAY || p.gran == EXTRACT_GRAN_MONTH) && nx + 1 < t->n &&
			!t->v[nx].nl && (is_dash(t, nx) || is_w(t, nx, "đến") || is_w(t, nx, "tới")) &&
			parse_at(t, nx + 1, &q) && q.gran == p.gran && !q.range && !q.rel && !q.lunar &&
			q.m && q.hh < 0 && !q.pod) {
			int ly = p.y ? p.y : q.y ? (p.m <= q.m ? q.y : q.y - 1) : 0;
			int hy = q.y ? q.y : ly;
			if ((hy * 12L + q.m) * 32 + q.d > (ly * 12L + p.m) * 32 + p.d) {
				p.range = true;
				p.y = ly;
				p.y2 = q.y;
				p.m2 = q.m;
				p.d2 = q.d;
				p.b = q.b;
			}
		}
		if (push_parse(out, &p))
			return EXTRACT_ENOMEM;
		memset(covered + p.a, 1, p.b - p.a);
		i = p.b;
	}
	return EXTRACT_OK;
}

int extract_dct_parse(const char *s, size_t len, extract_dct *out)
{
	int y, m, d;
	char tail;
	if (!s || len < 10 || len > 64)
		return EXTRACT_EINVAL;
	char tmp[65];
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (sscanf(tmp, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3 || tmp[4] != '-' || tmp[7] != '-')
		return EXTRACT_EINVAL;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > extract_days_in_month(y, m))
		return EXTRACT_EINVAL;
	out->year = y;
	out->month = m;
	out->day = d;
	return EXTRACT_OK;
}

void extract_dates_free(extract_dates *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}
