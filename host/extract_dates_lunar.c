/* extract_dates_lunar.c: the date forms of the lunar calendar (Tết, mùng 3
 * Tết, rằm tháng Giêng, ngày 15 tháng 8 âm lịch) and named holidays (Quốc
 * khánh, Giáng sinh, Trung thu), parsed for extract_dates.c; lunar.c converts
 * them at resolution. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <string.h>

#define is_w(t, i, w) extract_tok_is((t), (i), w)
#define tk extract_tok_at
#define num extract_tok_num
#define year4 extract_tok_year4
#define init extract_dparse_init
#define parse_dmy extract_date_parse_dmy
#define lunar_marker extract_lunar_marker

static bool is_p(const extract_toks *t, size_t i, uint32_t cp)
{
	return i < t->n && t->v[i].type == TOK_PUNCT && t->v[i].cp == cp;
}

/* Month names of the lunar calendar: Giêng and Chạp are lunar wherever they
 * stand; the others ("rằm tháng Ba") only after rằm, mùng or before âm lịch. */
int extract_lunar_month_word(const extract_toks *t, size_t i)
{
	if (is_w(t, i, "giêng"))
		return 1;
	if (is_w(t, i, "chạp"))
		return 12;
	return 0;
}

static int lunar_month_name(const extract_toks *t, size_t i)
{
	static const char *w[] = {"giêng", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín",
		"mười", "một", "chạp"};
	int m = num(t, i, 2);
	if (m >= 1 && m <= 12)
		return m;
	for (int k = 0; k < 12; k++)
		if (extract_tok_is_n(t, i, w[k], strlen(w[k])))
			return k + 1;
	return 0;
}

bool extract_lunar_marker(const extract_toks *t, size_t i, size_t *len)
{
	*len = 2;
	if ((is_w(t, i, "âm") && is_w(t, i + 1, "lịch")))
		return true;
	if (is_p(t, i, '(') && is_w(t, i + 1, "âm") && is_w(t, i + 2, "lịch") && is_p(t, i + 3, ')')) {
		*len = 4;
		return true;
	}
	*len = 2;
	return is_w(t, i, "al") && t->v[i].upper;
}

/* Lunar forms: mùng/mồng 3 Tết, 30 Tết, rằm tháng Giêng, Tết (Nguyên đán) [yyyy],
 * ngày 15 tháng 8 âm lịch (through parse_day). */
bool extract_date_parse_lunar(const extract_toks *t, size_t i, extract_dparse *p)
{
	size_t j = i;
	int d = 0;
	if (is_w(t, j, "mùng") || is_w(t, j, "mồng")) {
		d = num(t, j + 1, 2);
		if (d < 1 || d > 10)
			return false;
		j += 2;
		if (is_w(t, j, "tết")) {
			p->m = 1;
			j++;
		} else if (is_w(t, j, "tháng")) {
			int m = lunar_month_name(t, j + 1);
			if (m < 1)
				return false;
			p->m = m;
			j += 2;
			size_t ll;
			if (lunar_marker(t, j, &ll))
				j += ll;
		} else {
			return false;
		}
	} else if (is_w(t, j, "rằm")) {
		d = 15;
		j++;
		if (is_w(t, j, "tháng")) {
			int m = lunar_month_name(t, j + 1);
			if (m < 1)
				return false;
			p->m = m;
			j += 2;
		} else {
			return false;
		}
	} else if (tk(t, j)->type == TOK_NUM && is_w(t, j + 1, "tết") && tk(t, j + 1)->cap) {
		d = num(t, j, 2);
		if (d >= 1 && d <= 10) {
			p->m = 1;
		} else if (d >= 20 && d <= 30) {
			p->m = 12;
			p->tet_before = 1;
		} else {
			return false;
		}
		j += 2;
	} else if (is_w(t, j, "tết") && tk(t, j)->cap) {
		j++;
		if (is_w(t, j, "nguyên") && is_w(t, j + 1, "đán"))
			j += 2;
		else if (is_w(t, j, "âm") && is_w(t, j + 1, "lịch"))
			j += 2;
		else if (is_w(t, j, "trung") && is_w(t, j + 1, "thu")) {
			p->m = 8;
			d = 15;
			j += 2;
		} else if (is_w(t, j, "đoan") && (is_w(t, j + 1, "ngọ") || is_w(t, j + 1, "ngũ"))) {
			p->m = 5;
			d = 5;
			j += 2;
		} else if (is_w(t, j, "dương") && is_w(t, j + 1, "lịch")) {
			/* New Year's Day, a solar date */
			p->m = 1;
			p->d = 1;
			p->gran = EXTRACT_GRAN_DAY;
			p->rule = "holiday";
			j += 2;
			if (year4(t, j) > 0)
				p->y = year4(t, j++);
			p->b = j;
			return true;
		} else if (is_w(t, j, "tây") || is_w(t, j, "ta") || is_w(t, j, "nhất")) {
			return false;
		}
		if (!p->m) {
			p->m = 1;
			d = 1;
		}
		if (year4(t, j) > 0)
			p->y = year4(t, j++);
	} else {
		return false;
	}
	p->d = d;
	p->lunar = true;
	p->gran = EXTRACT_GRAN_DAY;
	p->b = j;
	if (is_w(t, j, "năm") && year4(t, j + 1) > 0) {
		p->y = year4(t, j + 1);
		p->b = j + 2;
	}
	return true;
}

/* Named solar holidays: Quốc khánh (2/9), Giáng sinh (25/12); with a date after
 * them, the date wins. */
bool extract_date_parse_holiday(const extract_toks *t, size_t i, extract_dparse *p)
{
	size_t j = i;
	int m, d;
	if (is_w(t, j, "quốc") && is_w(t, j + 1, "khánh") && tk(t, j)->cap) {
		m = 9;
		d = 2;
	} else if (is_w(t, j, "giáng") && is_w(t, j + 1, "sinh")) {
		m = 12;
		d = 25;
	} else if (is_w(t, j, "trung") && is_w(t, j + 1, "thu") && tk(t, j)->cap) {
		p->lunar = true;
		m = 8;
		d = 15;
	} else if (is_w(t, j, "vu") && is_w(t, j + 1, "lan") && tk(t, j)->cap) {
		p->lunar = true;
		m = 7;
		d = 15;
	} else {
		return false;
	}
	j += 2;
	extract_dparse q;
	init(&q, j);
	if (tk(t, j)->type == TOK_NUM && parse_dmy(t, j, 2, &q)) {
		*p = q;
		p->a = i;
		return true;
	}
	p->m = m;
	p->d = d;
	p->gran = EXTRACT_GRAN_DAY;
	p->rule = "holiday";
	p->b = j;
	if (year4(t, j) > 0)
		p->y = year4(t, j), p->b = j + 1;
	return true;
}

