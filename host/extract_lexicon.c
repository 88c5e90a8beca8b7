/* extract_lexicon.c: the word lists behind the extractors, as one hash table of
 * phrases (keys made by the shared tokenizer, so text and lexicon fold alike),
 * and the built-in Vietnamese lists. Bindings add entries at run time. */
#define EXTRACT_INTERNAL
#include "extract.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct extract_lexent {
	char *key;
	uint32_t klen;
	uint64_t hash;
	uint32_t kinds;   /* bit per enum extract_lex_kind */
	bool prefix;      /* a proper prefix of a longer phrase */
	uint8_t gram;     /* EXTRACT_GRAM_* */
	double scale;     /* EXTRACT_LEX_SCALE */
	char *val[EXTRACT_LEX_NKINDS];
};

struct extract_lexicon {
	extract_lexent **slot;
	size_t nslot, count;
};

static uint64_t fnv_step(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define FNV_BASIS 14695981039346656037ULL

static extract_lexent *lex_find(const extract_lexicon *lex, const char *key, size_t klen,
	uint64_t h)
{
	size_t mask = lex->nslot - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		extract_lexent *e = lex->slot[i];
		if (!e)
			return NULL;
		if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e;
	}
}

static int lex_grow(extract_lexicon *lex)
{
	size_t n = lex->nslot * 2;
	extract_lexent **slot = calloc(n, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t i = 0; i < lex->nslot; i++) {
		extract_lexent *e = lex->slot[i];
		if (!e)
			continue;
		size_t j = (size_t)e->hash & (n - 1);
		while (slot[j])
			j = (j + 1) & (n - 1);
		slot[j] = e;
	}
	free(lex->slot);
	lex->slot = slot;
	lex->nslot = n;
	return 0;
}

/* The entry for key, created empty when missing; NULL when memory runs out. */
static extract_lexent *lex_intern(extract_lexicon *lex, const char *key, size_t klen)
{
	uint64_t h = fnv_step(FNV_BASIS, key, klen);
	extract_lexent *e = lex_find(lex, key, klen, h);
	if (e)
		return e;
	if ((lex->count + 1) * 4 > lex->nslot * 3 && lex_grow(lex))
		return NULL;
	e = calloc(1, sizeof *e);
	if (!e || !(e->key = malloc(klen + 1))) {
		free(e);
		return NULL;
	}
	memcpy(e->key, key, klen);
	e->key[klen] = '\0';
	e->klen = (uint32_t)klen;
	e->hash = h;
	size_t j = (size_t)h & (lex->nslot - 1);
	while (lex->slot[j])
		j = (j + 1) & (lex->nslot - 1);
	lex->slot[j] = e;
	lex->count++;
	return e;
}

/* Words the date and numeral parsers start from. */
static const char *const gram_date[] = {"đầu", "giữa", "cuối", "sáng", "rạng", "trưa", "chiều",
	"tối", "đêm", "khuya", "thứ", "chủ", "ngày", "hôm", "mùng", "mồng", "rằm", "tết", "tháng",
	"năm", "quý", "thập", "những", "tuần", "quốc", "giáng", "trung", "vu"};
static const char *const gram_numeral[] = {"không", "một", "hai", "ba", "bốn", "năm", "sáu",
	"bảy", "bẩy", "tám", "chín", "mười"};

/* Vietnamese family names: a capitalised run starting with one is a person. */
static const char *const gram_surname[] = {"nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh",
	"phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô", "dương", "lý", "tô", "trịnh", "đinh",
	"lâm", "mai", "đoàn", "lương", "trương", "hà", "cao", "tạ", "chu", "thái", "tăng", "lưu",
	"quách", "châu", "vương", "kiều", "vi", "nông", "thân", "khổng", "doãn", "triệu", "văn",
	"phùng", "hứa", "giang", "mạc", "âu", "từ", "la", "đào", "lại", "kim", "tôn", "đàm"};

static int lex_add_grammar(extract_lexicon *lex, const char *const *words, size_t n, uint8_t bit)
{
	for (size_t i = 0; i < n; i++) {
		extract_lexent *e = lex_intern(lex, words[i], strlen(words[i]));
		if (!e)
			return -1;
		e->gram |= bit;
	}
	return 0;
}

extract_lexicon *extract_lexicon_new_empty(void)
{
	extract_lexicon *lex = calloc(1, sizeof *lex);
	if (!lex)
		return NULL;
	lex->nslot = 1024;
	lex->slot = calloc(lex->nslot, sizeof *lex->slot);
	if (!lex->slot) {
		free(lex);
		return NULL;
	}
	if (lex_add_grammar(lex, gram_date, sizeof gram_date / sizeof *gram_date, EXTRACT_GRAM_DATE) ||
		lex_add_grammar(lex, gram_numeral, sizeof gram_numeral / sizeof *gram_numeral,
		EXTRACT_GRAM_NUMERAL) ||
		lex_add_grammar(lex, gram_surname, sizeof gram_surname / sizeof *gram_surname,
		EXTRACT_GRAM_SURNAME)) {
		extract_lexicon_free(lex);
		return NULL;
	}
	return lex;
}

void extract_lexicon_free(extract_lexicon *lex)
{
	if (!lex)
		return;
	for (size_t i = 0; i < lex->nslot; i++) {
		extract_lexent *e = lex->slot[i];
		if (!e)
			continue;
		for (int k = 0; k < EXTRACT_LEX_NKINDS; k++)
			free(e->val[k]);
		free(e->key);
		free(e);
	}
	free(lex->slot);
	free(lex);
}

static const char *kind_names[EXTRACT_LEX_NKINDS] = {"unit", "currency", "percent", "scale",
	"approx", "cmp", "cmp_after", "change", "label", "word", "past_cue", "future_cue", "title",
	"entity"};

const char *extract_lex_kind_name(enum extract_lex_kind kind)
{
	return (unsigned)kind < EXTRACT_LEX_NKINDS ? kind_names[kind] : NULL;
}

int extract_lex_kind_from_name(const char *name)
{
	for (int k = 0; k < EXTRACT_LEX_NKINDS; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

static bool value_ok(enum extract_lex_kind kind, const char *v, double *scale)
{
	switch (kind) {
	case EXTRACT_LEX_CURRENCY:
		return v && *v && strlen(v) < EXTRACT_UNIT_MAX;
	case EXTRACT_LEX_UNIT:
		return !v || (*v && strlen(v) < EXTRACT_UNIT_MAX);
	case EXTRACT_LEX_PERCENT:
		return v && (strcmp(v, "%") == 0 || strcmp(v, "pp") == 0);
	case EXTRACT_LEX_SCALE: {
		if (!v)
			return false;
		char *end;
		*scale = strtod(v, &end);
		return *end == '\0' && end != v && *scale > 0 && isfinite(*scale);
	}
	case EXTRACT_LEX_CMP:
	case EXTRACT_LEX_CMP_AFTER:
		return v && (!strcmp(v, ">") || !strcmp(v, "<") || !strcmp(v, ">=") || !strcmp(v, "<="));
	case EXTRACT_LEX_CHANGE:
		return v && (!strcmp(v, "+") || !strcmp(v, "-") || !strcmp(v, "="));
	case EXTRACT_LEX_PAST_CUE:
	case EXTRACT_LEX_FUTURE_CUE:
		return !v || !strcmp(v, "before") || !strcmp(v, "after") || !strcmp(v, "any");
	case EXTRACT_LEX_TITLE:
	case EXTRACT_LEX_ENTITY:
		return v && (!strcmp(v, "person") || !strcmp(v, "org") || !strcmp(v, "place"));
	case EXTRACT_LEX_APPROX:
	case EXTRACT_LEX_LABEL:
	case EXTRACT_LEX_WORD:
		return true;
	default:
		return false;
	}
}

/* Builds the key of a phrase in keys: token keys joined by one space where the
 * phrase has space, as extract_lex_annotate joins text tokens. Returns the
 * syllable count, 0 for an empty phrase, or -1 when memory runs out. */
static int phrase_key(const char *phrase, size_t len, extract_toks *t, buf *key,
	size_t *prefix_ends, size_t max)
{
	if (extract_tokenize(NULL, phrase, len, t))
		return -1;
	if (t->n == 0 || t->n > max)
		return 0;
	buf_clear(key);
	for (size_t i = 0; i < t->n; i++) {
		if (i > 0 && t->v[i].space && buf_appendc(key, ' '))
			return -1;
		if (buf_append(key, t->keys.data + t->v[i].key, t->v[i].klen))
			return -1;
		prefix_ends[i] = key->len;
	}
	return (int)t->n;
}

int extract_lexicon_add(extract_lexicon *lex, enum extract_lex_kind kind, const char *phrase,
	size_t len, const char *value)
{
	int rc = EXTRACT_EINVAL;
	extract_toks t = {0};
	buf key = BUF_INIT;
	size_t ends[EXTRACT_LEX_MAX_SYL];
	double scale = 0;
	char *copy = NULL;
	if (!lex || (unsigned)kind >= EXTRACT_LEX_NKINDS || !value_ok(kind, value, &scale) ||
		!phrase || text_utf8_check(phrase, len) != len ||
		(value && text_utf8_check(value, strlen(value)) != strlen(value)))
		goto cleanup;
	int n = phrase_key(phrase, len, &t, &key, ends, EXTRACT_LEX_MAX_SYL);
	if (n < 0) {
		rc = EXTRACT_ENOMEM;
		goto cleanup;
	}
	if (n == 0)
		goto cleanup;
	rc = EXTRACT_ENOMEM;
	if (kind == EXTRACT_LEX_UNIT && !value) {
		/* the unit reads as the analyst wrote it ("GB", "du học sinh") */
		size_t a = 0, b = len;
		while (a < b && (phrase[a] == ' ' || phrase[a] == '\t'))
			a++;
		while (b > a && (phrase[b - 1] == ' ' || phrase[b - 1] == '\t'))
			b--;
		if (b - a >= EXTRACT_UNIT_MAX) {
			rc = EXTRACT_EINVAL;
			goto cleanup;
		}
		if (!(copy = strndup(phrase + a, b - a)))
			goto cleanup;
	} else if (value && !(copy = strdup(value))) {
		goto cleanup;
	}
	for (int i = 0; i < n - 1; i++) {
		extract_lexent *p = lex_intern(lex, key.data, ends[i]);
		if (!p)
			goto cleanup;
		p->prefix = true;
	}
	extract_lexent *e = lex_intern(lex, key.data, key.len);
	if (!e)
		goto cleanup;
	free(e->val[kind]);
	e->val[kind] = copy;
	copy = NULL;
	e->kinds |= 1u << kind;
	if (kind == EXTRACT_LEX_SCALE)
		e->scale = scale;
	rc = EXTRACT_OK;
cleanup:
	free(copy);
	extract_toks_free(&t);
	buf_free(&key);
	return rc;
}

const char *extract_lexicon_get(const extract_lexicon *lex, enum extract_lex_kind kind,
	const char *phrase, size_t len, bool *found)
{
	extract_toks t = {0};
	buf key = BUF_INIT;
	size_t ends[EXTRACT_LEX_MAX_SYL];
	const char *v = NULL;
	bool has = false;
	if (lex && (unsigned)kind < EXTRACT_LEX_NKINDS &&
		phrase_key(phrase, len, &t, &key, ends, EXTRACT_LEX_MAX_SYL) > 0) {
		extract_lexent *e = lex_find(lex, key.data, key.len, fnv_step(FNV_BASIS, key.data, key.len));
		if (e && (e->kinds & (1u << kind))) {
			has = true;
			v = e->val[kind];
		}
	}
	extract_toks_free(&t);
	buf_free(&key);
	if (found)
		*found = has;
	return v;
}

bool extract_lexent_has(const extract_lexent *e, enum extract_lex_kind kind)
{
	return e && (e->kinds & (1u << kind));
}

const char *extract_lexent_value(const extract_lexent *e, enum extract_lex_kind kind)
{
	if (!extract_lexent_has(e, kind))
		return NULL;
	return e->val[kind];
}

const char *extract_lexent_key(const extract_lexent *e)
{
	return e->key;
}

double extract_lexent_scale(const extract_lexent *e)
{
	return extract_lexent_has(e, EXTRACT_LEX_SCALE) ? e->scale : 0;
}

/* Longest phrase at each token: one look-up per token, and more only while the
 * key so far is the prefix of a longer phrase. Phrases do not cross line breaks. */
int extract_lex_annotate(const extract_lexicon *lex, extract_toks *t)
{
	char key[512];
	for (size_t i = 0; i < t->n; i++) {
		size_t klen = 0;
		uint64_t h = FNV_BASIS;
		t->v[i].lex = NULL;
		t->v[i].lexlen = 0;
		t->v[i].gram = 0;
		for (size_t j = i; j < t->n && j - i < EXTRACT_LEX_MAX_SYL; j++) {
			const extract_tok *k = &t->v[j];
			if (j > i && k->nl)
				break;
			if (klen + k->klen + 1 > sizeof key)
				break;
			if (j > i && k->space) {
				key[klen++] = ' ';
				h = fnv_step(h, " ", 1);
			}
			memcpy(key + klen, t->keys.data + k->key, k->klen);
			h = fnv_step(h, key + klen, k->klen);
			klen += k->klen;
			extract_lexent *e = lex_find(lex, key, klen, h);
			if (!e)
				break;
			if (j == i)
				t->v[i].gram = e->gram;
			if (e->kinds) {
				t->v[i].lex = e;
				t->v[i].lexlen = (uint8_t)(j - i + 1);
			}
			if (!e->prefix)
				break;
		}
	}
	return 0;
}

/* ---- Built-in lists ------------------------------------------------------- */
struct lex_default {
	unsigned char kind;
	const char *phrase, *value;
};

static const struct lex_default defaults[] = {
	/* Scales. "tỷ lệ", "tỷ số", "tỷ giá" are words of their own (below). */
	{EXTRACT_LEX_SCALE, "nghìn", "1e3"}, {EXTRACT_LEX_SCALE, "ngàn", "1e3"},
	{EXTRACT_LEX_SCALE, "vạn", "1e4"}, {EXTRACT_LEX_SCALE, "triệu", "1e6"},
	{EXTRACT_LEX_SCALE, "tỷ", "1e9"}, {EXTRACT_LEX_SCALE, "tỉ", "1e9"},
	{EXTRACT_LEX_SCALE, "trăm", "100"}, {EXTRACT_LEX_SCALE, "chục", "10"},
	{EXTRACT_LEX_WORD, "tỷ lệ", NULL}, {EXTRACT_LEX_WORD, "tỉ lệ", NULL},
	{EXTRACT_LEX_WORD, "tỷ giá", NULL}, {EXTRACT_LEX_WORD, "tỉ giá", NULL},
	{EXTRACT_LEX_WORD, "tỷ trọng", NULL}, {EXTRACT_LEX_WORD, "tỉ trọng", NULL},
	{EXTRACT_LEX_WORD, "triệu chứng", NULL}, {EXTRACT_LEX_WORD, "triệu tập", NULL},
	{EXTRACT_LEX_WORD, "tăng cường", NULL}, {EXTRACT_LEX_WORD, "giảm nghèo", NULL},
	{EXTRACT_LEX_WORD, "giảm thiểu", NULL}, {EXTRACT_LEX_WORD, "giảm giá", NULL},
	{EXTRACT_LEX_WORD, "trên cơ sở", NULL}, {EXTRACT_LEX_WORD, "số lượng", NULL},
	{EXTRACT_LEX_WORD, "con số", NULL}, {EXTRACT_LEX_WORD, "dân số", NULL},
	{EXTRACT_LEX_WORD, "một số", NULL}, {EXTRACT_LEX_WORD, "số liệu", NULL},
	/* Currencies. */
	{EXTRACT_LEX_CURRENCY, "đồng", "VND"}, {EXTRACT_LEX_CURRENCY, "VNĐ", "VND"},
	{EXTRACT_LEX_CURRENCY, "VND", "VND"}, {EXTRACT_LEX_CURRENCY, "đ", "VND"},
	{EXTRACT_LEX_CURRENCY, "₫", "VND"}, {EXTRACT_LEX_CURRENCY, "USD", "USD"},
	{EXTRACT_LEX_CURRENCY, "$", "USD"}, {EXTRACT_LEX_CURRENCY, "US$", "USD"},
	{EXTRACT_LEX_CURRENCY, "đô la", "USD"}, {EXTRACT_LEX_CURRENCY, "đô la Mỹ", "USD"},
	{EXTRACT_LEX_CURRENCY, "đô-la", "USD"}, {EXTRACT_LEX_CURRENCY, "đôla", "USD"},
	{EXTRACT_LEX_CURRENCY, "đô", "USD"}, {EXTRACT_LEX_CURRENCY, "EUR", "EUR"},
	{EXTRACT_LEX_CURRENCY, "euro", "EUR"}, {EXTRACT_LEX_CURRENCY, "€", "EUR"},
	{EXTRACT_LEX_CURRENCY, "bảng", "GBP"}, {EXTRACT_LEX_CURRENCY, "bảng Anh", "GBP"},
	{EXTRACT_LEX_CURRENCY, "GBP", "GBP"}, {EXTRACT_LEX_CURRENCY, "£", "GBP"},
	{EXTRACT_LEX_CURRENCY, "yen", "JPY"}, {EXTRACT_LEX_CURRENCY, "yên", "JPY"},
	{EXTRACT_LEX_CURRENCY, "JPY", "JPY"}, {EXTRACT_LEX_CURRENCY, "¥", "JPY"},
	{EXTRACT_LEX_CURRENCY, "nhân dân tệ", "CNY"}, {EXTRACT_LEX_CURRENCY, "NDT", "CNY"},
	{EXTRACT_LEX_CURRENCY, "CNY", "CNY"}, {EXTRACT_LEX_CURRENCY, "tệ", "CNY"},
	{EXTRACT_LEX_CURRENCY, "rúp", "RUB"}, {EXTRACT_LEX_CURRENCY, "RUB", "RUB"},
	{EXTRACT_LEX_CURRENCY, "won", "KRW"}, {EXTRACT_LEX_CURRENCY, "KRW", "KRW"},
	{EXTRACT_LEX_CURRENCY, "baht", "THB"}, {EXTRACT_LEX_CURRENCY, "bạt", "THB"},
	{EXTRACT_LEX_CURRENCY, "SGD", "SGD"}, {EXTRACT_LEX_CURRENCY, "đô la Singapore", "SGD"},
	{EXTRACT_LEX_CURRENCY, "AUD", "AUD"}, {EXTRACT_LEX_CURRENCY, "đô la Úc", "AUD"},
	{EXTRACT_LEX_CURRENCY, "CHF", "CHF"}, {EXTRACT_LEX_CURRENCY, "franc Thụy Sĩ", "CHF"},
	{EXTRACT_LEX_CURRENCY, "kíp", "LAK"}, {EXTRACT_LEX_CURRENCY, "riel", "KHR"},
	{EXTRACT_LEX_CURRENCY, "rupee", "INR"}, {EXTRACT_LEX_CURRENCY, "ringgit", "MYR"},
	/* Percent. */
	{EXTRACT_LEX_PERCENT, "%", "%"}, {EXTRACT_LEX_PERCENT, "phần trăm", "%"},
	{EXTRACT_LEX_PERCENT, "điểm phần trăm", "pp"}, {EXTRACT_LEX_PERCENT, "điểm %", "pp"},
	/* Counted nouns and measures. */
	{EXTRACT_LEX_UNIT, "người", NULL}, {EXTRACT_LEX_UNIT, "người dân", NULL},
	{EXTRACT_LEX_UNIT, "suất", NULL}, {EXTRACT_LEX_UNIT, "du học sinh", NULL},
	{EXTRACT_LEX_UNIT, "học sinh", NULL}, {EXTRACT_LEX_UNIT, "sinh viên", NULL},
	{EXTRACT_LEX_UNIT, "học viên", NULL}, {EXTRACT_LEX_UNIT, "giáo viên", NULL},
	{EXTRACT_LEX_UNIT, "đại biểu", NULL}, {EXTRACT_LEX_UNIT, "đồng chí", NULL},
	{EXTRACT_LEX_UNIT, "đồng bào", NULL}, {EXTRACT_LEX_UNIT, "lao động", NULL},
	{EXTRACT_LEX_UNIT, "công nhân", NULL}, {EXTRACT_LEX_UNIT, "bệnh nhân", NULL},
	{EXTRACT_LEX_UNIT, "ca", NULL}, {EXTRACT_LEX_UNIT, "ca mắc", NULL},
	{EXTRACT_LEX_UNIT, "ca bệnh", NULL}, {EXTRACT_LEX_UNIT, "ca tử vong", NULL},
	{EXTRACT_LEX_UNIT, "trường hợp", NULL}, {EXTRACT_LEX_UNIT, "doanh nghiệp", NULL},
	{EXTRACT_LEX_UNIT, "công ty", NULL}, {EXTRACT_LEX_UNIT, "dự án", NULL},
	{EXTRACT_LEX_UNIT, "hộ", NULL}, {EXTRACT_LEX_UNIT, "hộ dân", NULL},
	{EXTRACT_LEX_UNIT, "gia đình", NULL}, {EXTRACT_LEX_UNIT, "căn hộ", NULL},
	{EXTRACT_LEX_UNIT, "căn", NULL}, {EXTRACT_LEX_UNIT, "ngôi nhà", NULL},
	{EXTRACT_LEX_UNIT, "chiếc", NULL}, {EXTRACT_LEX_UNIT, "xe", NULL},
	{EXTRACT_LEX_UNIT, "ô tô", NULL}, {EXTRACT_LEX_UNIT, "xe máy", NULL},
	{EXTRACT_LEX_UNIT, "máy bay", NULL}, {EXTRACT_LEX_UNIT, "tàu", NULL},
	{EXTRACT_LEX_UNIT, "quốc gia", NULL}, {EXTRACT_LEX_UNIT, "nước", NULL},
	{EXTRACT_LEX_UNIT, "tỉnh", NULL}, {EXTRACT_LEX_UNIT, "tỉnh thành", NULL},
	{EXTRACT_LEX_UNIT, "thành phố", NULL}, {EXTRACT_LEX_UNIT, "xã", NULL},
	{EXTRACT_LEX_UNIT, "huyện", NULL}, {EXTRACT_LEX_UNIT, "sản phẩm", NULL},
	{EXTRACT_LEX_UNIT, "thương hiệu", NULL}, {EXTRACT_LEX_UNIT, "cửa hàng", NULL},
	{EXTRACT_LEX_UNIT, "tỷ phú", NULL}, {EXTRACT_LEX_UNIT, "triệu phú", NULL},
	{EXTRACT_LEX_UNIT, "cổ phiếu", NULL}, {EXTRACT_LEX_UNIT, "lần", NULL},
	{EXTRACT_LEX_UNIT, "bàn", NULL}, {EXTRACT_LEX_UNIT, "điểm", NULL},
	{EXTRACT_LEX_UNIT, "tuổi", NULL}, {EXTRACT_LEX_UNIT, "năm", NULL},
	{EXTRACT_LEX_UNIT, "tháng", NULL}, {EXTRACT_LEX_UNIT, "tuần", NULL},
	{EXTRACT_LEX_UNIT, "ngày", NULL}, {EXTRACT_LEX_UNIT, "giờ", NULL},
	{EXTRACT_LEX_UNIT, "phút", NULL}, {EXTRACT_LEX_UNIT, "giây", NULL},
	{EXTRACT_LEX_UNIT, "tiếng", NULL},
	{EXTRACT_LEX_UNIT, "tấn", NULL}, {EXTRACT_LEX_UNIT, "tạ", NULL},
	{EXTRACT_LEX_UNIT, "kg", NULL}, {EXTRACT_LEX_UNIT, "ki-lô-gam", "kg"},
	{EXTRACT_LEX_UNIT, "g", NULL}, {EXTRACT_LEX_UNIT, "gram", "g"},
	{EXTRACT_LEX_UNIT, "km", NULL}, {EXTRACT_LEX_UNIT, "cây số", "km"},
	{EXTRACT_LEX_UNIT, "m", NULL}, {EXTRACT_LEX_UNIT, "mét", "m"},
	{EXTRACT_LEX_UNIT, "cm", NULL}, {EXTRACT_LEX_UNIT, "mm", NULL},
	{EXTRACT_LEX_UNIT, "m2", NULL}, {EXTRACT_LEX_UNIT, "m²", "m2"},
	{EXTRACT_LEX_UNIT, "km2", NULL}, {EXTRACT_LEX_UNIT, "m3", NULL},
	{EXTRACT_LEX_UNIT, "ha", NULL}, {EXTRACT_LEX_UNIT, "héc-ta", "ha"},
	{EXTRACT_LEX_UNIT, "hecta", "ha"}, {EXTRACT_LEX_UNIT, "lít", NULL},
	{EXTRACT_LEX_UNIT, "thùng", NULL}, {EXTRACT_LEX_UNIT, "thùng dầu", NULL},
	{EXTRACT_LEX_UNIT, "MW", NULL}, {EXTRACT_LEX_UNIT, "kW", NULL},
	{EXTRACT_LEX_UNIT, "kWh", NULL}, {EXTRACT_LEX_UNIT, "độ C", "°C"},
	{EXTRACT_LEX_UNIT, "°C", NULL},
	{EXTRACT_LEX_UNIT, "học bổng", NULL}, {EXTRACT_LEX_UNIT, "vụ", NULL},
	{EXTRACT_LEX_UNIT, "vụ việc", NULL}, {EXTRACT_LEX_UNIT, "bài", NULL},
	{EXTRACT_LEX_UNIT, "thí sinh", NULL}, {EXTRACT_LEX_UNIT, "nhân viên", NULL},
	{EXTRACT_LEX_UNIT, "cán bộ", NULL}, {EXTRACT_LEX_UNIT, "thành viên", NULL},
	{EXTRACT_LEX_UNIT, "khách", NULL}, {EXTRACT_LEX_UNIT, "lượt khách", NULL},
	{EXTRACT_LEX_UNIT, "lượt", NULL}, {EXTRACT_LEX_UNIT, "trận", NULL},
	{EXTRACT_LEX_UNIT, "tập đoàn", NULL}, {EXTRACT_LEX_UNIT, "ngân hàng", NULL},
	{EXTRACT_LEX_UNIT, "trường", NULL}, {EXTRACT_LEX_UNIT, "bệnh viện", NULL},
	{EXTRACT_LEX_UNIT, "container", NULL}, {EXTRACT_LEX_UNIT, "con", NULL},
	{EXTRACT_LEX_UNIT, "GB", NULL}, {EXTRACT_LEX_UNIT, "MB", NULL},
	{EXTRACT_LEX_UNIT, "TB", NULL}, {EXTRACT_LEX_UNIT, "GW", NULL},
	{EXTRACT_LEX_UNIT, "inch", NULL}, {EXTRACT_LEX_UNIT, "hải lý", NULL},
	{EXTRACT_LEX_UNIT, "km/h", NULL}, {EXTRACT_LEX_UNIT, "độ", NULL},
	{EXTRACT_LEX_UNIT, "nhà ngoại giao", NULL}, {EXTRACT_LEX_UNIT, "thủy thủ", NULL},
	{EXTRACT_LEX_UNIT, "cơ sở", NULL}, {EXTRACT_LEX_UNIT, "chốt", NULL},
	/* Qualifiers. */
	{EXTRACT_LEX_APPROX, "khoảng", NULL}, {EXTRACT_LEX_APPROX, "gần", NULL},
	{EXTRACT_LEX_APPROX, "chừng", NULL}, {EXTRACT_LEX_APPROX, "khoảng chừng", NULL},
	{EXTRACT_LEX_APPROX, "xấp xỉ", NULL}, {EXTRACT_LEX_APPROX, "ước", NULL},
	{EXTRACT_LEX_APPROX, "ước tính", NULL}, {EXTRACT_LEX_APPROX, "ước khoảng", NULL},
	{EXTRACT_LEX_APPROX, "ước đạt", NULL}, {EXTRACT_LEX_APPROX, "dự kiến", NULL},
	{EXTRACT_LEX_APPROX, "tầm", NULL}, {EXTRACT_LEX_APPROX, "cỡ", NULL},
	{EXTRACT_LEX_APPROX, "trên dưới", NULL},
	{EXTRACT_LEX_CMP, "hơn", ">"}, {EXTRACT_LEX_CMP, "trên", ">"},
	{EXTRACT_LEX_CMP, "vượt", ">"}, {EXTRACT_LEX_CMP, "vượt quá", ">"},
	{EXTRACT_LEX_CMP, "dưới", "<"}, {EXTRACT_LEX_CMP, "chưa đến", "<"},
	{EXTRACT_LEX_CMP, "chưa tới", "<"}, {EXTRACT_LEX_CMP, "chưa đầy", "<"},
	{EXTRACT_LEX_CMP, "không đến", "<"}, {EXTRACT_LEX_CMP, "không tới", "<"},
	{EXTRACT_LEX_CMP, "ít hơn", "<"}, {EXTRACT_LEX_CMP, "nhiều hơn", ">"},
	{EXTRACT_LEX_CMP, "ít nhất", ">="}, {EXTRACT_LEX_CMP, "tối thiểu", ">="},
	{EXTRACT_LEX_CMP, "tối đa", "<="}, {EXTRACT_LEX_CMP, "nhiều nhất", "<="},
	{EXTRACT_LEX_CMP, "không quá", "<="}, {EXTRACT_LEX_CMP, "không vượt quá", "<="},
	{EXTRACT_LEX_CMP, "lên tới", ">="}, {EXTRACT_LEX_CMP, "lên đến", ">="},
	{EXTRACT_LEX_CMP_AFTER, "trở lên", ">="}, {EXTRACT_LEX_CMP_AFTER, "trở xuống", "<="},
	{EXTRACT_LEX_CHANGE, "tăng", "+"}, {EXTRACT_LEX_CHANGE, "giảm", "-"},
	{EXTRACT_LEX_CHANGE, "tăng thêm", "+"}, {EXTRACT_LEX_CHANGE, "tăng trưởng", "+"},
	{EXTRACT_LEX_CHANGE, "sụt giảm", "-"}, {EXTRACT_LEX_CHANGE, "giảm bớt", "-"},
	{EXTRACT_LEX_CHANGE, "tăng lên", "="}, {EXTRACT_LEX_CHANGE, "giảm xuống", "="},
	{EXTRACT_LEX_CHANGE, "giảm còn", "="}, {EXTRACT_LEX_CHANGE, "tăng lên mức", "="},
	{EXTRACT_LEX_CHANGE, "giảm xuống còn", "="},
	/* A number after these is a label, a rank or a score. */
	{EXTRACT_LEX_LABEL, "số", NULL}, {EXTRACT_LEX_LABEL, "thứ", NULL},
	{EXTRACT_LEX_LABEL, "tỷ số", NULL}, {EXTRACT_LEX_LABEL, "tỉ số", NULL},
	{EXTRACT_LEX_LABEL, "điều", NULL}, {EXTRACT_LEX_LABEL, "khoản", NULL},
	{EXTRACT_LEX_LABEL, "chương", NULL}, {EXTRACT_LEX_LABEL, "mục", NULL},
	{EXTRACT_LEX_LABEL, "quận", NULL}, {EXTRACT_LEX_LABEL, "phường", NULL},
	{EXTRACT_LEX_LABEL, "phòng", NULL}, {EXTRACT_LEX_LABEL, "lô", NULL},
	{EXTRACT_LEX_LABEL, "khu", NULL}, {EXTRACT_LEX_LABEL, "tầng", NULL},
	{EXTRACT_LEX_LABEL, "lớp", NULL}, {EXTRACT_LEX_LABEL, "hạng", NULL},
	{EXTRACT_LEX_LABEL, "khóa", NULL}, {EXTRACT_LEX_LABEL, "đường", NULL},
	{EXTRACT_LEX_LABEL, "phố", NULL}, {EXTRACT_LEX_LABEL, "quốc lộ", NULL},
	{EXTRACT_LEX_LABEL, "tuyến", NULL}, {EXTRACT_LEX_LABEL, "hotline", NULL},
	{EXTRACT_LEX_LABEL, "điện thoại", NULL}, {EXTRACT_LEX_LABEL, "ĐT", NULL},
	{EXTRACT_LEX_LABEL, "SĐT", NULL}, {EXTRACT_LEX_LABEL, "tel", NULL},
	{EXTRACT_LEX_LABEL, "fax", NULL}, {EXTRACT_LEX_LABEL, "mã", NULL},
	{EXTRACT_LEX_LABEL, "Top", NULL}, {EXTRACT_LEX_LABEL, "nhóm", NULL},
	{EXTRACT_LEX_LABEL, "bảng", NULL}, {EXTRACT_LEX_LABEL, "vòng", NULL},
	{EXTRACT_LEX_LABEL, "Nghị định", NULL}, {EXTRACT_LEX_LABEL, "Quyết định", NULL},
	{EXTRACT_LEX_LABEL, "Thông tư", NULL}, {EXTRACT_LEX_LABEL, "Chỉ thị", NULL},
	{EXTRACT_LEX_LABEL, "Nghị quyết", NULL}, {EXTRACT_LEX_LABEL, "Luật", NULL},
	{EXTRACT_LEX_LABEL, "Công văn", NULL},
	/* Date cues. */
	{EXTRACT_LEX_PAST_CUE, "hồi", "before"}, {EXTRACT_LEX_PAST_CUE, "vừa", "before"},
	{EXTRACT_LEX_PAST_CUE, "đã", "before"}, {EXTRACT_LEX_PAST_CUE, "từng", "before"},
	{EXTRACT_LEX_PAST_CUE, "vừa qua", "after"}, {EXTRACT_LEX_PAST_CUE, "qua", "after"},
	{EXTRACT_LEX_PAST_CUE, "trước đó", "after"},
	{EXTRACT_LEX_FUTURE_CUE, "tới", "after"}, {EXTRACT_LEX_FUTURE_CUE, "sắp tới", "after"},
	{EXTRACT_LEX_FUTURE_CUE, "sắp", "before"}, {EXTRACT_LEX_FUTURE_CUE, "sẽ", "before"},
	{EXTRACT_LEX_FUTURE_CUE, "dự kiến", "before"}, {EXTRACT_LEX_FUTURE_CUE, "tiếp theo", "after"},
	/* Titles. */
	{EXTRACT_LEX_TITLE, "Tổng Bí thư", "person"}, {EXTRACT_LEX_TITLE, "Tổng thống", "person"},
	{EXTRACT_LEX_TITLE, "Chủ tịch nước", "person"}, {EXTRACT_LEX_TITLE, "Chủ tịch", "person"},
	{EXTRACT_LEX_TITLE, "Thủ tướng", "person"}, {EXTRACT_LEX_TITLE, "Phó Thủ tướng", "person"},
	{EXTRACT_LEX_TITLE, "Bộ trưởng", "person"}, {EXTRACT_LEX_TITLE, "Thứ trưởng", "person"},
	{EXTRACT_LEX_TITLE, "Chủ tịch Quốc hội", "person"}, {EXTRACT_LEX_TITLE, "Phó Chủ tịch", "person"},
	{EXTRACT_LEX_TITLE, "Đại sứ", "person"}, {EXTRACT_LEX_TITLE, "Đặc phái viên", "person"},
	{EXTRACT_LEX_TITLE, "Ủy viên Bộ Chính trị", "person"}, {EXTRACT_LEX_TITLE, "Bí thư", "person"},
	{EXTRACT_LEX_TITLE, "Giám đốc", "person"}, {EXTRACT_LEX_TITLE, "Tổng Giám đốc", "person"},
	{EXTRACT_LEX_TITLE, "Phó Giám đốc", "person"}, {EXTRACT_LEX_TITLE, "Trưởng ban", "person"},
	{EXTRACT_LEX_TITLE, "Thượng tướng", "person"}, {EXTRACT_LEX_TITLE, "Đại tướng", "person"},
	{EXTRACT_LEX_TITLE, "Trung tướng", "person"}, {EXTRACT_LEX_TITLE, "Thiếu tướng", "person"},
	{EXTRACT_LEX_TITLE, "Đại tá", "person"}, {EXTRACT_LEX_TITLE, "Giáo sư", "person"},
	{EXTRACT_LEX_TITLE, "GS", "person"}, {EXTRACT_LEX_TITLE, "PGS", "person"},
	{EXTRACT_LEX_TITLE, "TS", "person"}, {EXTRACT_LEX_TITLE, "Tiến sĩ", "person"},
	{EXTRACT_LEX_TITLE, "Bác sĩ", "person"}, {EXTRACT_LEX_TITLE, "Luật sư", "person"},
	{EXTRACT_LEX_TITLE, "Ngoại trưởng", "person"}, {EXTRACT_LEX_TITLE, "Tổng thư ký", "person"},
	{EXTRACT_LEX_TITLE, "Hoàng tử", "person"}, {EXTRACT_LEX_TITLE, "Nữ hoàng", "person"},
	{EXTRACT_LEX_TITLE, "ông", "person"}, {EXTRACT_LEX_TITLE, "bà", "person"},
	{EXTRACT_LEX_TITLE, "anh", "person"}, {EXTRACT_LEX_TITLE, "chị", "person"},
	{EXTRACT_LEX_TITLE, "đồng chí", "person"}, {EXTRACT_LEX_TITLE, "cố Tổng Bí thư", "person"},
	{EXTRACT_LEX_TITLE, "tỉnh", "place"}, {EXTRACT_LEX_TITLE, "thành phố", "place"},
	{EXTRACT_LEX_TITLE, "TP", "place"}, {EXTRACT_LEX_TITLE, "huyện", "place"},
	{EXTRACT_LEX_TITLE, "quận", "place"}, {EXTRACT_LEX_TITLE, "thị xã", "place"},
	{EXTRACT_LEX_TITLE, "xã", "place"}, {EXTRACT_LEX_TITLE, "phường", "place"},
	{EXTRACT_LEX_TITLE, "sông", "place"}, {EXTRACT_LEX_TITLE, "núi", "place"},
	{EXTRACT_LEX_TITLE, "biển", "place"}, {EXTRACT_LEX_TITLE, "đảo", "place"},
	{EXTRACT_LEX_TITLE, "Công ty", "org"}, {EXTRACT_LEX_TITLE, "Tập đoàn", "org"},
	{EXTRACT_LEX_TITLE, "Ngân hàng", "org"}, {EXTRACT_LEX_TITLE, "Bộ", "org"},
	{EXTRACT_LEX_TITLE, "Ban", "org"}, {EXTRACT_LEX_TITLE, "Sở", "org"},
	{EXTRACT_LEX_TITLE, "Cục", "org"}, {EXTRACT_LEX_TITLE, "Tổng cục", "org"},
	{EXTRACT_LEX_TITLE, "Viện", "org"}, {EXTRACT_LEX_TITLE, "Trường", "org"},
	{EXTRACT_LEX_TITLE, "Đại học", "org"}, {EXTRACT_LEX_TITLE, "Bệnh viện", "org"},
	{EXTRACT_LEX_TITLE, "Ủy ban", "org"}, {EXTRACT_LEX_TITLE, "Hội", "org"},
	{EXTRACT_LEX_TITLE, "Hiệp hội", "org"}, {EXTRACT_LEX_TITLE, "Đảng", "org"},
	{EXTRACT_LEX_TITLE, "Quỹ", "org"}, {EXTRACT_LEX_TITLE, "Báo", "org"},
	{EXTRACT_LEX_TITLE, "Đài", "org"}, {EXTRACT_LEX_TITLE, "Văn phòng", "org"},
	{EXTRACT_LEX_TITLE, "Tòa án", "org"}, {EXTRACT_LEX_TITLE, "Viện Kiểm sát", "org"},
	{EXTRACT_LEX_TITLE, "Công an", "org"}, {EXTRACT_LEX_TITLE, "Câu lạc bộ", "org"},
	{EXTRACT_LEX_TITLE, "CLB", "org"}, {EXTRACT_LEX_TITLE, "Điện", "place"},
	/* Gazetteer. */
	{EXTRACT_LEX_ENTITY, "Việt Nam", "place"}, {EXTRACT_LEX_ENTITY, "Nga", "place"},
	{EXTRACT_LEX_ENTITY, "Liên bang Nga", "place"}, {EXTRACT_LEX_ENTITY, "Trung Quốc", "place"},
	{EXTRACT_LEX_ENTITY, "Mỹ", "place"}, {EXTRACT_LEX_ENTITY, "Hoa Kỳ", "place"},
	{EXTRACT_LEX_ENTITY, "Nhật Bản", "place"}, {EXTRACT_LEX_ENTITY, "Hàn Quốc", "place"},
	{EXTRACT_LEX_ENTITY, "Pháp", "place"}, {EXTRACT_LEX_ENTITY, "Đức", "place"},
	{EXTRACT_LEX_ENTITY, "Anh", "place"}, {EXTRACT_LEX_ENTITY, "Lào", "place"},
	{EXTRACT_LEX_ENTITY, "Campuchia", "place"}, {EXTRACT_LEX_ENTITY, "Thái Lan", "place"},
	{EXTRACT_LEX_ENTITY, "Ấn Độ", "place"}, {EXTRACT_LEX_ENTITY, "Ukraine", "place"},
	{EXTRACT_LEX_ENTITY, "Hà Nội", "place"}, {EXTRACT_LEX_ENTITY, "TPHCM", "place"},
	{EXTRACT_LEX_ENTITY, "TP.HCM", "place"}, {EXTRACT_LEX_ENTITY, "TP HCM", "place"},
	{EXTRACT_LEX_ENTITY, "Đà Nẵng", "place"}, {EXTRACT_LEX_ENTITY, "Hải Phòng", "place"},
	{EXTRACT_LEX_ENTITY, "Cần Thơ", "place"}, {EXTRACT_LEX_ENTITY, "Moscow", "place"},
	{EXTRACT_LEX_ENTITY, "Thanh Hóa", "place"}, {EXTRACT_LEX_ENTITY, "Khánh Hòa", "place"},
	{EXTRACT_LEX_ENTITY, "Điện Kremlin", "place"}, {EXTRACT_LEX_ENTITY, "TTXVN", "org"},
	{EXTRACT_LEX_ENTITY, "Bộ Chính trị", "org"}, {EXTRACT_LEX_ENTITY, "Quốc hội", "org"},
	{EXTRACT_LEX_ENTITY, "Chính phủ", "org"}, {EXTRACT_LEX_ENTITY, "Ban Bí thư", "org"},
	{EXTRACT_LEX_ENTITY, "Đảng Cộng sản Việt Nam", "org"},
	{EXTRACT_LEX_ENTITY, "Ban Chấp hành Trung ương", "org"},
	{EXTRACT_LEX_ENTITY, "Ban Đối ngoại Trung ương", "org"},
	{EXTRACT_LEX_ENTITY, "Liên Hợp Quốc", "org"}, {EXTRACT_LEX_ENTITY, "ASEAN", "org"},
	{EXTRACT_LEX_ENTITY, "Ngân hàng Nhà nước", "org"}, {EXTRACT_LEX_ENTITY, "EU", "org"},
	{EXTRACT_LEX_ENTITY, "WHO", "org"}, {EXTRACT_LEX_ENTITY, "Vinamilk", "org"},
	{EXTRACT_LEX_ENTITY, "Liên Xô", "place"}, {EXTRACT_LEX_ENTITY, "Belarus", "place"},
	{EXTRACT_LEX_ENTITY, "Nicaragua", "place"}, {EXTRACT_LEX_ENTITY, "Mông Cổ", "place"},
	{EXTRACT_LEX_ENTITY, "Cuba", "place"}, {EXTRACT_LEX_ENTITY, "Singapore", "place"},
	{EXTRACT_LEX_ENTITY, "Indonesia", "place"}, {EXTRACT_LEX_ENTITY, "Malaysia", "place"},
	{EXTRACT_LEX_ENTITY, "Philippines", "place"}, {EXTRACT_LEX_ENTITY, "Australia", "place"},
	{EXTRACT_LEX_ENTITY, "Úc", "place"}, {EXTRACT_LEX_ENTITY, "Canada", "place"},
	{EXTRACT_LEX_ENTITY, "Italy", "place"}, {EXTRACT_LEX_ENTITY, "Tây Ban Nha", "place"},
	{EXTRACT_LEX_ENTITY, "Triều Tiên", "place"}, {EXTRACT_LEX_ENTITY, "Đài Loan", "place"},
	{EXTRACT_LEX_ENTITY, "Thái Bình Dương", "place"}, {EXTRACT_LEX_ENTITY, "Biển Đông", "place"},
	{EXTRACT_LEX_ENTITY, "Đông Nam Á", "place"}, {EXTRACT_LEX_ENTITY, "châu Á", "place"},
	{EXTRACT_LEX_ENTITY, "châu Âu", "place"}, {EXTRACT_LEX_ENTITY, "Cộng hòa", "place"},
};

extract_lexicon *extract_lexicon_new_default(void)
{
	extract_lexicon *lex = extract_lexicon_new_empty();
	if (!lex)
		return NULL;
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		const struct lex_default *d = &defaults[i];
		if (extract_lexicon_add(lex, d->kind, d->phrase, strlen(d->phrase), d->value)) {
			extract_lexicon_free(lex);
			return NULL;
		}
	}
	return lex;
}
