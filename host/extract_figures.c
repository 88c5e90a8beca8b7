/* extract_figures.c: numbers, money, percentages, counted quantities and ratios
 * in Vietnamese news, over the shared token stream (host/extract.c). One left to
 * right pass; each figure looks at most a few tokens back (qualifiers) and ahead
 * (range, scale, unit, "so với" base). Dates are found first and skipped. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An amount: digits or spelled-out numerals with their scale words. */
typedef struct amount {
	size_t a, b;      /* tokens [a, b) */
	double value;
	double mant;      /* digits: the digits as an integer; value = mant / 10^dec */
	int dec;
	double scale;     /* product of the scale words of the first group, 1 if none */
	bool plain_int;   /* digits only, no separator, no scale */
	bool integer;     /* no decimal part */
	bool spelled;
	size_t words;     /* spelled: number of numeral words */
	int groups;       /* digits: thousands groups after the first ("280.000": 1) */
} amount;

static const extract_tok *tok(const extract_toks *t, size_t i)
{
	return &t->v[i];
}

static bool is_punct(const extract_toks *t, size_t i, uint32_t cp)
{
	return i < t->n && t->v[i].type == TOK_PUNCT && t->v[i].cp == cp;
}

static bool glued(const extract_toks *t, size_t i)
{
	return i < t->n && !t->v[i].space;
}

static bool is_dash(const extract_toks *t, size_t i)
{
	return is_punct(t, i, '-') || is_punct(t, i, 0x2013) || is_punct(t, i, 0x2014);
}

static const char *key(const extract_toks *t, size_t i)
{
	return t->keys.data + t->v[i].key;
}

/* Powers of ten exact in a double. */
static double pow10i(int e)
{
	static const double p[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	return e >= 0 && e <= 22 ? p[e] : pow(10, e);
}

/* Reads digits with '.' and ',' separators starting at NUM token i. Returns the
 * end token, or 0 when the digits are not a figure (a phone number, a code, a
 * version). Dot thousands and comma decimals first; "34.9" (one dot, not three
 * digits after it) and "6,490,000" (comma thousands) are read too. */
static size_t read_digits(const extract_toks *t, size_t i, amount *am)
{
	size_t g[16], ng = 0, j = i;
	uint32_t sep[16];
	g[ng++] = i;
	while (ng < 16 && (is_punct(t, j + 1, '.') || is_punct(t, j + 1, ',')) && glued(t, j + 1) &&
		j + 2 < t->n && tok(t, j + 2)->type == TOK_NUM && glued(t, j + 2)) {
		sep[ng - 1] = tok(t, j + 1)->cp;
		g[ng++] = j + 2;
		j += 2;
	}
	size_t end = j + 1;
	int ndot = 0, ncomma = 0;
	for (size_t k = 0; k + 1 < ng; k++)
		if (sep[k] == '.')
			ndot++;
		else
			ncomma++;
	int dec = -1; /* index of the group after the decimal separator */
	if (ng == 1) {
		/* nothing to decide */
	} else if (ndot && ncomma) {
		uint32_t last = sep[ng - 2];
		if ((last == '.' ? ndot : ncomma) != 1)
			return 0;
		dec = (int)ng - 1;
	} else if (ndot) {
		bool all3 = true;
		for (size_t k = 1; k < ng; k++)
			all3 = all3 && tok(t, g[k])->klen == 3;
		if (ng == 2 && !all3)
			dec = 1;
		else if (!all3)
			return 0;
	} else {
		bool all3 = true;
		for (size_t k = 1; k < ng; k++)
			all3 = all3 && tok(t, g[k])->klen == 3;
		if (ng == 2)
			dec = 1;
		else if (!all3)
			return 0;
	}
	/* Thousands groups: three digits each, the first one to three. */
	size_t nthou = dec >= 0 ? (size_t)dec : ng;
	if (nthou > 1 && tok(t, g[0])->klen > 3)
		return 0;
	for (size_t k = 1; k < nthou; k++)
		if (tok(t, g[k])->klen != 3)
			return 0;
	const extract_tok *first = tok(t, g[0]);
	if (first->klen > 1 && key(t, g[0])[0] == '0')
		return 0; /* 0912..., 024...: a phone number or a code */
	if (ng == 1 && first->klen >= 9)
		return 0; /* a long digit string without separators: an id or a phone */
	double v = 0;
	size_t digits = 0;
	for (size_t k = 0; k < nthou; k++) {
		const char *p = key(t, g[k]);
		for (uint32_t c = 0; c < tok(t, g[k])->klen; c++, digits++)
			v = v * 10 + (p[c] - '0');
	}
	if (dec >= 0) {
		const char *p = key(t, g[dec]);
		uint32_t n = tok(t, g[dec])->klen;
		for (uint32_t c = 0; c < n; c++)
			v = v * 10 + (p[c] - '0');
		digits += n;
	}
	if (digits > 18)
		return 0;
	am->a = i;
	am->b = end;
	am->mant = v;
	am->dec = dec >= 0 ? (int)tok(t, g[dec])->klen : 0;
	am->value = v / pow10i(am->dec);
	am->scale = 1;
	am->integer = dec < 0;
	am->plain_int = ng == 1;
	am->groups = (int)nthou - 1;
	am->spelled = false;
	am->words = 0;
	return end;
}

/* Spelled-out numerals: ba mươi lăm nghìn, một trăm lẻ năm, hai tỷ rưỡi. */
static int digit_word(const extract_toks *t, size_t i, bool after_tens)
{
	static const char *w[] = {"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám",
		"chín"};
	for (int d = 0; d < 10; d++)
		if (extract_tok_is_n(t, i, w[d], strlen(w[d])))
			return d;
	if (extract_tok_is(t, i, "bẩy"))
		return 7;
	if (after_tens) {
		if (extract_tok_is(t, i, "mốt"))
			return 1;
		if (extract_tok_is(t, i, "tư"))
			return 4;
		if (extract_tok_is(t, i, "lăm") || extract_tok_is(t, i, "nhăm"))
			return 5;
	}
	return -1;
}

static bool scale_at(const extract_toks *t, size_t i, double *s, size_t *len)
{
	const extract_lexent *e = extract_tok_lex(t, i, EXTRACT_LEX_SCALE);
	if (!e)
		return false;
	const extract_tok *k = tok(t, i);
	/* "Bà Triệu", "5 Triệu Việt Vương": a capitalised scale before a name. */
	if (k->cap && !k->upper && i + 1 < t->n && tok(t, i + 1)->type == TOK_WORD && tok(t, i + 1)->cap)
		return false;
	*s = extract_lexent_scale(e);
	*len = t->v[i].lexlen;
	return true;
}

static size_t read_spelled(const extract_toks *t, size_t i, amount *am)
{
	double total = 0, group = 0, last_scale = 1;
	int pending = -1;
	bool tens = false, hundreds = false, any = false;
	size_t j = i, words = 0, end = i;
	while (j < t->n && tok(t, j)->type == TOK_WORD &&
		(j == i || (tok(t, j)->space && !tok(t, j)->nl))) {
		int d = digit_word(t, j, tens || hundreds);
		double s;
		size_t sl;
		if (d >= 0 && !(d == 5 && j + 1 < t->n && tok(t, j + 1)->type == TOK_NUM)) {
			if (pending >= 0)
				break;
			if (d == 0 && !hundreds && any)
				break;
			pending = d;
			j++;
		} else if (extract_tok_is(t, j, "mười")) {
			if (pending >= 0 || tens)
				break;
			group += 10;
			tens = true;
			j++;
		} else if (extract_tok_is(t, j, "mươi") || (extract_tok_is(t, j, "chục") && pending > 0)) {
			if (pending < 1 || tens)
				break;
			group += pending * 10;
			pending = -1;
			tens = true;
			j++;
		} else if (extract_tok_is(t, j, "trăm")) {
			if (pending < 1)
				break;
			group += pending * 100;
			pending = -1;
			hundreds = true;
			tens = false;
			j++;
		} else if ((extract_tok_is(t, j, "lẻ") || extract_tok_is(t, j, "linh")) && hundreds &&
			!tens && pending < 0) {
			tens = true; /* the tens are zero; a digit follows */
			j++;
			if (digit_word(t, j, true) < 0)
				break;
			continue;
		} else if (any && scale_at(t, j, &s, &sl) && s >= 1000) {
			if (pending >= 0)
				group += pending;
			pending = -1;
			if (group == 0)
				break;
			total += group * s;
			last_scale = s;
			group = 0;
			tens = hundreds = false;
			j += sl;
			while (scale_at(t, j, &s, &sl) && s >= 1000) { /* nghìn tỷ */
				total *= s;
				last_scale *= s;
				j += sl;
			}
			words++;
			end = j;
			if (extract_tok_is(t, j, "rưỡi")) {
				total += last_scale / 2;
				j++;
				end = j;
				words++;
				break;
			}
			continue;
		} else if (extract_tok_is(t, j, "rưỡi") && hundreds && pending < 0 && !tens) {
			group += 50;
			j++;
			words++;
			end = j;
			break;
		} else {
			break;
		}
		any = true;
		words++;
		end = j;
	}
	if (!any || words == 0)
		return 0;
	if (pending >= 0)
		group += pending;
	/* A trailing "lẻ"/"linh" without its digit is not part of the numeral. */
	total += group;
	am->a = i;
	am->b = end;
	am->value = total;
	am->scale = 1;
	am->integer = true;
	am->plain_int = false;
	am->spelled = true;
	am->words = words;
	am->groups = 0;
	am->mant = total;
	am->dec = 0;
	return end;
}

/* Scale words after digits ("3,63 tỷ", "5 trăm nghìn", "1 triệu rưỡi"), and a
 * compound amount ("3 tỷ 500 triệu"). */
static void read_scales(const extract_toks *t, amount *am)
{
	double s, mult = 1;
	size_t sl, j = am->b;
	bool first = true;
	while (j < t->n) {
		double group_scale = 1;
		while (scale_at(t, j, &s, &sl)) {
			group_scale *= s;
			j += sl;
		}
		if (group_scale == 1)
			break;
		if (first) {
			/* one division, last: 4,15 tỷ is 415e9 / 100, exactly 4150000000 */
			am->value = am->mant * group_scale / pow10i(am->dec);
			am->scale = group_scale;
			mult = group_scale;
			first = false;
		} else {
			mult = group_scale;
		}
		am->b = j;
		am->plain_int = false;
		if (extract_tok_is(t, j, "rưỡi")) {
			am->value += mult / 2;
			am->b = ++j;
			break;
		}
		/* "3 tỷ 500 triệu": a smaller group follows. */
		amount next;
		double ns;
		size_t nsl;
		if (j < t->n && tok(t, j)->type == TOK_NUM && tok(t, j)->space &&
			read_digits(t, j, &next) && scale_at(t, next.b, &ns, &nsl) && ns < mult &&
			next.value * ns < mult) {
			double g = next.value * ns;
			size_t k = next.b + nsl;
			while (scale_at(t, k, &ns, &nsl) && g * ns < mult) {
				g *= ns;
				k += nsl;
			}
			am->value += g;
			am->b = k;
			j = k;
			mult = g;
			if (extract_tok_is(t, j, "rưỡi")) {
				am->value += ns / 2;
				am->b = ++j;
			}
			break;
		}
		break;
	}
}

/* An amount at token i: digits or a spelled numeral, with scales. */
static bool read_amount(const extract_toks *t, size_t i, amount *am)
{
	if (i >= t->n)
		return false;
	if (tok(t, i)->type == TOK_NUM) {
		if (!read_digits(t, i, am))
			return false;
		read_scales(t, am);
		return true;
	}
	if ((tok(t, i)->gram & EXTRACT_GRAM_NUMERAL) && read_spelled(t, i, am))
		return true;
	return false;
}

/* The lexicon phrase that ends at token j (inclusive), for looking back. */
static const extract_lexent *phrase_ending(const extract_toks *t, size_t j, size_t *start)
{
	for (size_t len = EXTRACT_LEX_MAX_SYL; len >= 1; len--) {
		if (len > j + 1)
			continue;
		size_t s = j + 1 - len;
		if (t->v[s].lex && t->v[s].lexlen == len) {
			*start = s;
			return t->v[s].lex;
		}
	}
	return NULL;
}

/* A glued chain of tokens holding a number is a code when letters sit in it
 * other than a unit after the number: U23, F-16, COVID-19, 30/2020/NĐ-CP, 4G. */
static bool chain_is_code(const extract_toks *t, size_t i, size_t *chain_end)
{
	size_t a = i, b = i + 1;
	while (a > 0 && !t->v[a].space)
		a--;
	while (b < t->n && !t->v[b].space)
		b++;
	*chain_end = b;
	int slashes = 0, colons = 0;
	bool after_num = false;
	for (size_t k = a; k < b; k++) {
		const extract_tok *x = tok(t, k);
		if (x->type == TOK_NUM) {
			after_num = true;
			continue;
		}
		if (x->type == TOK_WORD) {
			const extract_lexent *e = x->lex;
			bool unit = e && (extract_lexent_has(e, EXTRACT_LEX_UNIT) ||
				extract_lexent_has(e, EXTRACT_LEX_CURRENCY) ||
				extract_lexent_has(e, EXTRACT_LEX_PERCENT) ||
				extract_lexent_has(e, EXTRACT_LEX_SCALE));
			if (k < i && !(e && extract_lexent_has(e, EXTRACT_LEX_CURRENCY) &&
				k + x->lexlen >= i))
				return true; /* letters before the number: U23, F-16 */
			if (k > i && !(after_num && unit))
				return true;
			if (k > i && x->upper && x->e - x->s == 1 && x->klen == 1)
				return true; /* 4G, 3D: one capital letter is a code, not g or m */
			if (k > i) {
				/* a unit; "%/năm", "đồng/tháng" after it are a rate, not a code */
				k += x->lexlen - 1;
				if (is_punct(t, k + 1, '/'))
					break;
			}
			after_num = false;
			continue;
		}
		if (x->cp == '/')
			slashes++;
		else if (x->cp == ':')
			colons++;
		else if (x->cp == '%' && k > i)
			if (is_punct(t, k + 1, '/'))
				break;
		after_num = false;
	}
	return slashes > 1 || colons > 0;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--; /* cut at a character boundary */
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool time_unit(const char *u)
{
	return !strcmp(u, "năm") || !strcmp(u, "tháng") || !strcmp(u, "ngày") ||
		!strcmp(u, "tuần") || !strcmp(u, "giờ") || !strcmp(u, "phút") || !strcmp(u, "giây");
}

/* The unit after an amount ending at token j: sets kind and unit, returns the
 * end token (j when there is none). */
static size_t read_unit(const extract_toks *t, size_t j, extract_figure *f)
{
	if (j >= t->n || !t->v[j].lex || t->v[j].nl)
		return j;
	const extract_lexent *e = t->v[j].lex;
	const extract_tok *k = tok(t, j);
	/* "5 Đồng Nai": a capitalised word before another is a name. */
	if (k->type == TOK_WORD && k->cap && !k->upper && j + 1 < t->n &&
		tok(t, j + 1)->type == TOK_WORD && tok(t, j + 1)->cap)
		return j;
	const char *v;
	if ((v = extract_lexent_value(e, EXTRACT_LEX_PERCENT))) {
		f->kind = EXTRACT_FIG_PERCENT;
		copy_str(f->unit, sizeof f->unit, v, strlen(v));
	} else if ((v = extract_lexent_value(e, EXTRACT_LEX_CURRENCY))) {
		f->kind = EXTRACT_FIG_MONEY;
		copy_str(f->unit, sizeof f->unit, v, strlen(v));
	} else if ((v = extract_lexent_value(e, EXTRACT_LEX_UNIT))) {
		f->kind = EXTRACT_FIG_QUANTITY;
		copy_str(f->unit, sizeof f->unit, v, strlen(v));
	} else {
		return j;
	}
	return j + t->v[j].lexlen;
}

/* "so với năm 2022" after a figure: the year, or the words up to the clause end. */
static void read_base(const extract_toks *t, size_t j, extract_figure *f)
{
	size_t k = j;
	/* allow a comma or a word or two between ("tăng 5%, so với", "tăng 5% khi so với") */
	for (int skip = 0; skip < 3 && k < t->n && !extract_tok_is(t, k, "so"); skip++)
		k++;
	if (!extract_tok_is(t, k, "so") || !extract_tok_is(t, k + 1, "với"))
		return;
	k += 2;
	size_t a = k, b = k;
	while (b < t->n && b - a < 8 && !t->v[b].nl) {
		const extract_tok *x = tok(t, b);
		if (x->type == TOK_PUNCT && !(x->cp == '/' || x->cp == '-') )
			break;
		if (x->type == TOK_PUNCT && (x->space || (b + 1 < t->n && t->v[b + 1].space)))
			break;
		if (x->type == TOK_NUM && x->klen == 4) {
			const char *p = key(t, b);
			int y = atoi(p);
			if (y >= 1900 && y <= 2100) {
				copy_str(f->base, sizeof f->base, p, 4);
				return;
			}
		}
		b++;
	}
	if (b > a)
		copy_str(f->base, sizeof f->base, t->text + t->v[a].s, t->v[b - 1].e - t->v[a].s);
}

static bool prev_is_date_word(const extract_toks *t, size_t i)
{
	if (i == 0)
		return false;
	return extract_tok_is(t, i - 1, "ngày") || extract_tok_is(t, i - 1, "tháng") ||
		extract_tok_is(t, i - 1, "năm") || extract_tok_is(t, i - 1, "quý") ||
		extract_tok_is(t, i - 1, "mùng") || extract_tok_is(t, i - 1, "mồng") ||
		extract_tok_is(t, i - 1, "thập") || extract_tok_is(t, i - 1, "niên");
}

static int push_figure(extract_figures *out, const extract_figure *f)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		extract_figure *v = realloc(out->v, cap * sizeof *v);
		if (!v)
			return EXTRACT_ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *f;
	return EXTRACT_OK;
}

/* Tries a figure at token i. Returns the token to go on from (> i), with
 * *found set when f holds a figure. */
static size_t figure_at(const extract_toks *t, size_t i, const uint8_t *covered,
	extract_figure *f, bool *found)
{
	*found = false;
	const extract_tok *k0 = tok(t, i);
	size_t chain_end = i + 1;
	if (k0->type == TOK_NUM && chain_is_code(t, i, &chain_end))
		return chain_end;
	amount lo, hi;
	if (!read_amount(t, i, &lo)) {
		if (k0->type != TOK_NUM)
			return i + 1;
		/* digits that are not a figure; a phone number may go on in spaced groups */
		size_t j = i + 1;
		while (j < t->n && (tok(t, j)->type == TOK_NUM || is_punct(t, j, '.')) && !t->v[j].nl &&
			!covered[j])
			j++;
		return j;
	}
	/* Labels, ranks, dates: "số 5", "thứ 2", "tỷ số 2-1", "năm 2023". */
	size_t ps = 0;
	const extract_lexent *pe = i > 0 ? phrase_ending(t, i - 1, &ps) : NULL;
	bool labelled = pe && extract_lexent_has(pe, EXTRACT_LEX_LABEL) && !t->v[i - 1].nl &&
		!(tok(t, i - 1)->type == TOK_PUNCT);
	if (labelled || prev_is_date_word(t, i)) {
		size_t j = lo.b;
		/* skip a score or a label's range: "2-1" */
		if (is_dash(t, j) && j + 1 < t->n && tok(t, j + 1)->type == TOK_NUM)
			j += 2;
		return j;
	}
	if (lo.spelled) {
		/* "Hai Bà Trưng", "Ba Đình": a capitalised numeral before a name */
		if (k0->cap && lo.b < t->n && tok(t, lo.b)->type == TOK_WORD && tok(t, lo.b)->cap)
			return lo.b;
	}
	memset(f, 0, sizeof *f);
	f->kind = EXTRACT_FIG_NUMBER;
	f->value = lo.value;
	size_t start = i, j = lo.b;
	bool from = false;

	/* Range: "60.000-80.000", "từ 15 đến 20 triệu", "3 - 5%". */
	size_t rj = j;
	bool has_range = false;
	if ((is_dash(t, rj) || extract_tok_is(t, rj, "đến") || extract_tok_is(t, rj, "tới")) &&
		!t->v[rj].nl)
		rj++;
	if (rj != j && rj < t->n && !covered[rj] && read_amount(t, rj, &hi) && hi.spelled == lo.spelled) {
		size_t ce;
		if (hi.a < t->n && tok(t, hi.a)->type == TOK_NUM && chain_is_code(t, hi.a, &ce))
			return ce;
		double l = lo.value, h = hi.value;
		if (lo.scale == 1 && hi.scale != 1 && l * hi.scale <= h)
			l = lo.mant * hi.scale / pow10i(lo.dec);
		/* "250-280.000 đồng": the thousands of the upper end apply to the lower */
		if (lo.plain_int && !hi.spelled && hi.groups > 0 && l < 1000) {
			double m = pow10i(3 * hi.groups) * hi.scale;
			if (l * m <= h && l * m * 10 > h)
				l *= m;
		}
		if (lo.plain_int && hi.plain_int && l >= h && is_dash(t, j))
			return hi.b; /* a score: 2-1, 1-1 */
		if (l < h) {
			has_range = true;
			f->range = true;
			f->lo = l;
			f->hi = h;
			f->value = NAN;
			j = hi.b;
		}
	}
	if (!has_range && lo.plain_int && j < t->n && tok(t, j)->type == TOK_NUM && t->v[j].space &&
		!covered[j]) {
		/* "1900 1234", "0912 345 678": spaced digit groups are a phone number */
		while (j < t->n && tok(t, j)->type == TOK_NUM && !t->v[j].nl && !covered[j])
			j++;
		return j;
	}

	/* Ratio: "460/466 đại biểu", "2/3 số". */
	if (!has_range && lo.plain_int && is_punct(t, j, '/') && glued(t, j) && j + 1 < t->n &&
		tok(t, j + 1)->type == TOK_NUM && glued(t, j + 1) && !covered[j + 1]) {
		amount d;
		if (!read_digits(t, j + 1, &d) || !d.plain_int || d.value == 0)
			return j + 2;
		read_scales(t, &d); /* "tỷ lệ 1/5 triệu": one in five million */
		f->kind = EXTRACT_FIG_RATIO;
		f->num = lo.value;
		f->den = d.value;
		f->value = lo.value / d.value;
		j = d.b;
		size_t u = j;
		if (extract_tok_is(t, u, "số") && t->v[u].lexlen <= 1)
			u++;
		extract_figure tmp = *f;
		size_t ue = read_unit(t, u, &tmp);
		if (ue > u && tmp.kind == EXTRACT_FIG_QUANTITY) {
			memcpy(f->unit, tmp.unit, sizeof f->unit);
			j = ue;
		} else if (u > j) {
			j = u; /* "2/3 số": keep "số" */
		}
	} else {
		size_t ue = read_unit(t, j, f);
		if (ue == j && !has_range && lo.spelled && lo.words == 1) {
			/* A lone numeral word counts only before a unit:
			 * "một số", "năm nay", "hai nước" are not figures. */
			return lo.b;
		}
		/* "không đồng ý", "một người": không and một alone are words, not figures;
		 * "năm tháng" is "years" */
		if (ue > j && lo.spelled && lo.words == 1 && (lo.value < 2 || (lo.value == 5 &&
			f->kind == EXTRACT_FIG_QUANTITY && time_unit(f->unit))))
			return lo.b;
		/* "iPhone 12", "Quân đoàn 2", "Oscar 2021", "32 Đại Từ": a bare number
		 * next to a name is part of it */
		if (ue == j && !has_range && !lo.spelled && lo.scale == 1 && ((i > 0 &&
			tok(t, i - 1)->type == TOK_WORD && tok(t, i - 1)->anyup && !tok(t, i - 1)->upper &&
			!t->v[i].nl && !t->v[i - 1].lex) || (j < t->n && tok(t, j)->type == TOK_WORD &&
			tok(t, j)->cap && !tok(t, j)->upper && !t->v[j].nl)))
			return j;
		j = ue;
		/* a unit on both ends: "1m đến 1,83m", "10 triệu đồng - 20 triệu đồng" */
		size_t r = j;
		if (!has_range && ue > lo.b && r < t->n && !t->v[r].nl && (is_dash(t, r) ||
			extract_tok_is(t, r, "đến") || extract_tok_is(t, r, "tới")) &&
			read_amount(t, r + 1, &hi) && !covered[r + 1] && hi.spelled == lo.spelled) {
			extract_figure g = *f;
			size_t he = read_unit(t, hi.b, &g);
			if (he > hi.b && g.kind == f->kind && !strcmp(g.unit, f->unit) && lo.value < hi.value) {
				f->range = true;
				f->lo = lo.value;
				f->hi = hi.value;
				f->value = NAN;
				has_range = true;
				j = he;
			}
		}
	}

	/* Qualifiers before: khoảng, gần, hơn, từ; a currency sign; tăng/giảm. */
	if (start > 0 && tok(t, start - 1)->type == TOK_PUNCT && glued(t, start) &&
		extract_lexent_has(phrase_ending(t, start - 1, &ps), EXTRACT_LEX_CURRENCY)) {
		const char *v = extract_lexent_value(t->v[ps].lex, EXTRACT_LEX_CURRENCY);
		if (v && f->kind == EXTRACT_FIG_NUMBER) {
			f->kind = EXTRACT_FIG_MONEY;
			copy_str(f->unit, sizeof f->unit, v, strlen(v));
			start = ps;
		}
	}
	size_t from_tok = 0;
	for (int q = 0; q < 3 && start > 0 && !t->v[start].nl; q++) {
		const extract_lexent *e = phrase_ending(t, start - 1, &ps);
		if (extract_lexent_has(e, EXTRACT_LEX_APPROX) && !f->approx) {
			f->approx = true;
		} else if (extract_lexent_has(e, EXTRACT_LEX_CMP) && !f->cmp[0]) {
			const char *v = extract_lexent_value(e, EXTRACT_LEX_CMP);
			copy_str(f->cmp, sizeof f->cmp, v, strlen(v));
		} else if (extract_tok_is(t, start - 1, "từ") && !from) {
			from = true;
			ps = from_tok = start - 1;
		} else {
			break;
		}
		start = ps;
	}
	const extract_lexent *ca = extract_tok_lex(t, j, EXTRACT_LEX_CMP_AFTER);
	bool cmp_after = ca && !t->v[j].nl;
	if (cmp_after) {
		const char *v = extract_lexent_value(ca, EXTRACT_LEX_CMP_AFTER);
		copy_str(f->cmp, sizeof f->cmp, v, strlen(v));
		j += t->v[j].lexlen;
	}
	/* "từ" belongs to the figure only with a range or "trở lên": "giảm từ 5%
	 * xuống 3%" is two figures. */
	if (from && !has_range && !cmp_after)
		start = from_tok + 1;
	/* change: "tăng 2,3%", "giảm mạnh 5%", "tăng lên 5%" (a level, no change) */
	size_t c = start;
	if (c > 0 && (extract_tok_is(t, c - 1, "mạnh") || extract_tok_is(t, c - 1, "nhẹ") ||
		extract_tok_is(t, c - 1, "thêm") || extract_tok_is(t, c - 1, "tương ứng") ||
		extract_tok_is(t, c - 1, "lần lượt")))
		c--;
	if (c > 0 && !t->v[c].nl) {
		const extract_lexent *e = phrase_ending(t, c - 1, &ps);
		const char *v = extract_lexent_value(e, EXTRACT_LEX_CHANGE);
		if (v && (v[0] == '+' || v[0] == '-'))
			f->change = v[0];
	}
	read_base(t, j, f);
	f->s = t->v[start].s;
	f->e = t->v[j - 1].e;
	*found = true;
	return j;
}

int extract_doc_figures(extract_doc *doc, extract_figures *out)
{
	const extract_toks *t = &doc->toks;
	const uint8_t *covered = doc->covered;
	for (size_t i = 0; i < t->n;) {
		const extract_tok *k = &t->v[i];
		if (covered[i] || (k->type != TOK_NUM && !(k->gram & EXTRACT_GRAM_NUMERAL))) {
			i++;
			continue;
		}
		extract_figure f;
		bool found;
		size_t next = figure_at(t, i, covered, &f, &found);
		if (found) {
			/* never let a figure reach into a date */
			bool clash = false;
			for (size_t x = i; x < next && x < t->n; x++)
				clash = clash || covered[x];
			if (!clash && push_figure(out, &f))
				return EXTRACT_ENOMEM;
		}
		i = next > i ? next : i + 1;
	}
	return EXTRACT_OK;
}

int extract_figures_find(const extract_lexicon *lex, const char *text, size_t len,
	extract_figures *out)
{
	extract_doc *doc;
	int rc = extract_doc_new(lex, text, len, &doc);
	if (rc)
		return rc;
	rc = extract_doc_figures(doc, out);
	extract_doc_free(doc);
	return rc;
}

void extract_figures_free(extract_figures *f)
{
	free(f->v);
	memset(f, 0, sizeof *f);
}
