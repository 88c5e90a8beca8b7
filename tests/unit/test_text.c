#include "testutil.h"

/* test_text.c: text.c's Vietnamese behaviour, case by case, with the exact
 * values expected. NFD and odd spellings are written as byte escapes so this
 * file itself stays NFC. */

#include "text.h"

/* NFD pieces */
#define GRAVE "\xcc\x80"
#define ACUTE "\xcc\x81"
#define CIRC "\xcc\x82"
#define HOOK "\xcc\x89"
#define HORN "\xcc\x9b"
#define DOT "\xcc\xa3"
#define NBSP "\xc2\xa0"
#define ZWSP "\xe2\x80\x8b"
#define SHY "\xc2\xad"

typedef int (*text_fn)(buf *, const char *, size_t);

/* Runs fn on s and returns the result (valid until the next call). */
static const char *run(text_fn fn, const char *s)
{
	static buf out = BUF_INIT;
	buf_clear(&out);
	assert_int_equal(fn(&out, s, strlen(s)), TEXT_OK);
	return out.data ? out.data : "";
}

static int nfc(buf *o, const char *s, size_t n) { return text_normalize_append(o, TEXT_NFC, s, n); }
static int nfd(buf *o, const char *s, size_t n) { return text_normalize_append(o, TEXT_NFD, s, n); }
static int nfkc(buf *o, const char *s, size_t n) { return text_normalize_append(o, TEXT_NFKC, s, n); }
static int casefold(buf *o, const char *s, size_t n) { return text_case_append(o, TEXT_CASEFOLD, s, n); }
static int lower(buf *o, const char *s, size_t n) { return text_case_append(o, TEXT_LOWER, s, n); }
static int upper(buf *o, const char *s, size_t n) { return text_case_append(o, TEXT_UPPER, s, n); }

static struct text_clean_opts clean_opts;
static int clean(buf *o, const char *s, size_t n) { return text_clean_append(o, &clean_opts, s, n); }

/* ---- validation ---- */

static void test_utf8_check_reports_offset_of_first_bad_sequence(void **state)
{
	const struct {
		const char *s;
		size_t len, want;
	} cases[] = {
	        {"Việt Nam", 10, 10},
	        {"ab\xe1\xbb", 4, 2},                      /* truncated 3-byte sequence */
	        {"Vi\xe1\xbb" "t", 5, 2},                  /* continuation missing */
	        {"x\xc0\xaf", 3, 1},                       /* overlong '/' */
	        {"x\xe0\x80\xaf", 4, 1},                   /* overlong, 3 bytes */
	        {"xy\xed\xa0\x80", 5, 2},                  /* surrogate U+D800 */
	        {"\xf4\x90\x80\x80", 4, 0},                /* U+110000 */
	        {"\xf5\x80\x80\x80", 4, 0},                /* lead byte past F4 */
	        {"abc\x80", 4, 3},                         /* lone continuation */
	        {"0123456789abcdefgh\xff", 19, 18},        /* after the 8-byte ASCII loop */
	        {"\xf0\x9f\x91\x8d ok", 7, 7},             /* 4-byte emoji is fine */
	        {"\xf4\x8f\xbf\xbf", 4, 4},                /* U+10FFFF is fine */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(text_utf8_check(cases[i].s, cases[i].len), cases[i].want);
}

static void test_invalid_utf8_is_refused_and_leaves_output_unchanged(void **state)
{
	buf out = BUF_INIT;
	assert_int_equal(buf_append(&out, "keep", 4), 0);
	assert_int_equal(text_normalize_append(&out, TEXT_NFC, "ab\xe1\xbb", 4), TEXT_EINVALID);
	assert_int_equal(text_fold_append(&out, "ab\xe1\xbb", 4), TEXT_EINVALID);
	assert_int_equal(text_clean_append(&out, &clean_opts, "\xc0\xaf", 2), TEXT_EINVALID);
	assert_string_equal(out.data, "keep");
	buf_free(&out);
}

/* ---- normalisation and case ---- */

static void test_normal_forms_of_vietnamese(void **state)
{
	assert_string_equal(run(nfc, "Vie" DOT CIRC "t Nam"), "Việt Nam");
	assert_string_equal(run(nfc, "Vie" CIRC DOT "t"), "Việt"); /* marks out of order */
	assert_string_equal(run(nfd, "Việt"), "Vie" DOT CIRC "t");
	assert_string_equal(run(nfc, "Việt Nam"), "Việt Nam");
	assert_string_equal(run(nfkc, "\xef\xac\x81le \xe2\x91\xa0"), "file 1"); /* ﬁ, ① */
	assert_true(text_is_normalized(TEXT_NFC, "Việt Nam", strlen("Việt Nam")));
	assert_false(text_is_normalized(TEXT_NFC, "Vie" DOT CIRC "t", 7));
	assert_true(text_is_normalized(TEXT_NFC, "x" ACUTE, 3)); /* a mark with no composite */
	assert_true(text_is_normalized(TEXT_NFD, "Vie" DOT CIRC "t", 7));
}

static void test_case_mappings(void **state)
{
	assert_string_equal(run(casefold, "ĐƯỜNG Phố Straße"), "đường phố strasse");
	assert_string_equal(run(lower, "ĐÀ NẴNG"), "đà nẵng");
	assert_string_equal(run(upper, "đà nẵng"), "ĐÀ NẴNG");
	assert_string_equal(run(upper, "Hoa" GRAVE), "HOÀ"); /* NFD in, NFC out */
	assert_string_equal(run(casefold, "ABC"), "abc");
}

/* ---- Vietnamese clean-up ---- */

static void test_clean_fixes_eth_lookalike(void **state)
{
	text_clean_defaults(&clean_opts);
	assert_string_equal(run(clean, "ÐẠI HỌC Ðà Nẵng"), "ĐẠI HỌC Đà Nẵng");
	assert_string_equal(run(clean, "ðã ðiện ðường"), "đã điện đường");
	assert_string_equal(run(clean, "Guðrún Þórður"), "Guðrún Þórður");
	assert_string_equal(run(clean, "ðf"), "ðf");
	clean_opts.fix_eth = false;
	assert_string_equal(run(clean, "Ðà"), "Ðà");
}

static void test_clean_drops_repeated_combining_marks(void **state)
{
	text_clean_defaults(&clean_opts);
	assert_string_equal(run(clean, "tiề" GRAVE "n"), "tiền");
	assert_string_equal(run(clean, "ti" "e" CIRC GRAVE GRAVE "n"), "tiền");
	assert_string_equal(run(clean, "a" ACUTE ACUTE ACUTE), "á");
	clean_opts.dedup_marks = false;
	assert_string_equal(run(clean, "tiề" GRAVE "n"), "tiề" GRAVE "n");
}

static void test_clean_spaces_and_invisibles(void **state)
{
	text_clean_defaults(&clean_opts);
	assert_string_equal(run(clean, "1" NBSP "000 đồng"), "1 000 đồng");
	assert_string_equal(run(clean, "Việt" ZWSP "Nam ngh" SHY "ìn"), "ViệtNam nghìn");
	assert_string_equal(run(clean, "a\xe2\x80\xaf" "b\xe3\x80\x80" "c"), "a b c"); /* NNBSP, ideographic */
	clean_opts.spaces = false;
	clean_opts.invisibles = false;
	assert_string_equal(run(clean, "1" NBSP "000" ZWSP), "1" NBSP "000" ZWSP);
}

static void test_clean_unifies_tone_placement(void **state)
{
	text_clean_defaults(&clean_opts);
	assert_string_equal(run(clean, "hoà thuỷ khoẻ Hoà HOẠ Thuý"), "hòa thủy khỏe Hòa HỌA Thúy");
	/* Unchanged: final consonant, qu-, marked vowel, other words. */
	assert_string_equal(run(clean, "hoàng toán quý quỳ thuở khuấy Huawei"),
	                    "hoàng toán quý quỳ thuở khuấy Huawei");
	clean_opts.tone = TEXT_TONE_OLD;
	assert_string_equal(run(clean, "hòa thủy khỏe Hòa hoàng quý"), "hoà thuỷ khoẻ Hoà hoàng quý");
	clean_opts.tone = TEXT_TONE_KEEP;
	assert_string_equal(run(clean, "hoà hòa"), "hoà hòa");
	/* NFD in, NFC out, tone moved */
	text_clean_defaults(&clean_opts);
	assert_string_equal(run(clean, "ho" "a" GRAVE " thu" "y" HOOK), "hòa thủy");
}

/* ---- search keys ---- */

static void test_fold_makes_search_keys(void **state)
{
	assert_string_equal(run(text_fold_append, "Đà Nẵng"), "da nang");
	assert_string_equal(run(text_fold_append, "điện đàm"), "dien dam");
	assert_string_equal(run(text_fold_append, "ĐƯỜNG dương Đương"), "duong duong duong");
	assert_string_equal(run(text_fold_append, "D" "\xc6\xb0" "o" HORN GRAVE "ng"), "duong"); /* NFD */
	assert_string_equal(run(text_fold_append, "hoà hòa"), "hoa hoa");
	assert_string_equal(run(text_fold_append, "ÐẠI ðã"), "dai da");
	assert_string_equal(run(text_fold_append, "Straße 3,63%"), "strasse 3,63%");
	assert_string_equal(run(text_fold_append, "a" NBSP "b" ZWSP "c"), "a bc");
	assert_string_equal(run(text_fold_append, "한국 Ngô"), "한국 ngo"); /* Hangul stays NFC */
}

static void test_exact_form_for_strict_search(void **state)
{
	assert_string_equal(run(text_exact_append, "HOÀ"), "hòa");
	assert_string_equal(run(text_exact_append, "Ð" "\xc6\xb0" "o" HORN GRAVE "ng"), "đường");
	assert_string_equal(run(text_exact_append, "dương"), "dương");
}

/* ---- graphemes ---- */

static void test_graphemes_count_iterate_and_width(void **state)
{
	const char *nfd_viet = "Vie" DOT CIRC "t";
	assert_int_equal(text_grapheme_count(nfd_viet, strlen(nfd_viet)), 4);
	assert_int_equal(text_grapheme_count("Việt", strlen("Việt")), 4);
	struct text_graphemes it;
	struct text_span sp;
	size_t ends[8], n = 0;
	text_graphemes_init(&it, nfd_viet, strlen(nfd_viet));
	while (text_graphemes_next(&it, &sp))
		ends[n++] = sp.end;
	assert_int_equal(n, 4);
	assert_int_equal(ends[0], 1);
	assert_int_equal(ends[1], 2);
	assert_int_equal(ends[2], 7); /* e + dot below + circumflex */
	assert_int_equal(ends[3], 8);
	/* flag (2 regional indicators) + family emoji (ZWJ sequence) */
	const char *emoji = "\xf0\x9f\x87\xbb\xf0\x9f\x87\xb3"
	                    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";
	assert_int_equal(text_grapheme_count(emoji, strlen(emoji)), 2);
	assert_int_equal(text_width("Đà Nẵng", strlen("Đà Nẵng")), 7);
	assert_int_equal(text_width(nfd_viet, strlen(nfd_viet)), 4);
	assert_int_equal(text_width("Hà 中文", strlen("Hà 中文")), 7);
	assert_int_equal(text_grapheme_count("ab\xff" "c", 4), 4); /* a bad byte is one cluster */
}

static const char *sub(const char *s, long long i, long long j)
{
	static char out[64];
	struct text_span sp = text_grapheme_sub(s, strlen(s), i, j);
	assert_true(sp.start <= sp.end && sp.end <= strlen(s));
	snprintf(out, sizeof out, "%.*s", (int)(sp.end - sp.start), s + sp.start);
	return out;
}

static void test_grapheme_sub_follows_string_sub_rules(void **state)
{
	const char *s = "Đà Nẵng";
	assert_string_equal(sub(s, 1, 2), "Đà");
	assert_string_equal(sub(s, 4, -1), "Nẵng");
	assert_string_equal(sub(s, -4, -1), "Nẵng");
	assert_string_equal(sub(s, -100, 2), "Đà");
	assert_string_equal(sub(s, 0, 1), "Đ");
	assert_string_equal(sub(s, 3, 100), " Nẵng");
	assert_string_equal(sub(s, 5, 4), "");
	assert_string_equal(sub(s, 8, 9), "");
	assert_string_equal(sub("Vie" DOT CIRC "t", 3, 3), "e" DOT CIRC);
}

/* ---- tokenizer ---- */

struct want_tok {
	const char *text;
	enum text_token_kind kind;
};

static void check_tokens(const char *s, const struct want_tok *want, size_t n)
{
	struct text_tokens it;
	struct text_token t;
	size_t k = 0;
	text_tokens_init(&it, s, strlen(s));
	while (text_tokens_next(&it, &t)) {
		char got[128];
		snprintf(got, sizeof got, "%.*s", (int)(t.end - t.start), s + t.start);
		assert_true(k < n);
		assert_string_equal(got, want[k].text);
		assert_string_equal(text_token_kind_name(t.kind), text_token_kind_name(want[k].kind));
		k++;
	}
	assert_int_equal(k, n);
}

#define CHECK_TOKENS(s, ...)                                                       \
	do {                                                                          \
		const struct want_tok w_[] = {__VA_ARGS__};                               \
		check_tokens(s, w_, sizeof w_ / sizeof w_[0]);                            \
	} while (0)

static void test_tokens_keep_numbers_whole(void **state)
{
	CHECK_TOKENS("3,63 1.000 1.000.000 60.000-80.000 34.9 6,490,000 2,3% 50% 2020.",
	             {"3,63", TEXT_TOK_NUMBER}, {"1.000", TEXT_TOK_NUMBER},
	             {"1.000.000", TEXT_TOK_NUMBER}, {"60.000-80.000", TEXT_TOK_NUMBER},
	             {"34.9", TEXT_TOK_NUMBER}, {"6,490,000", TEXT_TOK_NUMBER},
	             {"2,3%", TEXT_TOK_PERCENT}, {"50%", TEXT_TOK_PERCENT},
	             {"2020", TEXT_TOK_NUMBER}, {".", TEXT_TOK_PUNCT});
}

static void test_tokens_keep_dates_and_times_whole(void **state)
{
	CHECK_TOKENS("8/8 25/02/2026 10.2.2017 Tối 24-1 tháng 6/1994 lúc 16:33, 20h30 và 20h.",
	             {"8/8", TEXT_TOK_DATE}, {"25/02/2026", TEXT_TOK_DATE},
	             {"10.2.2017", TEXT_TOK_DATE}, {"Tối", TEXT_TOK_WORD}, {"24-1", TEXT_TOK_DATE},
	             {"tháng", TEXT_TOK_WORD}, {"6/1994", TEXT_TOK_DATE}, {"lúc", TEXT_TOK_WORD},
	             {"16:33", TEXT_TOK_TIME}, {",", TEXT_TOK_PUNCT}, {"20h30", TEXT_TOK_TIME},
	             {"và", TEXT_TOK_WORD}, {"20h", TEXT_TOK_TIME}, {".", TEXT_TOK_PUNCT});
	/* not dates: 45/13 is a fraction, 3ha is not a time, hyphens without a
	 * day word or zero padding are ranges and scores */
	CHECK_TOKENS("45/13 3ha", {"45/13", TEXT_TOK_NUMBER}, {"3", TEXT_TOK_NUMBER},
	             {"ha", TEXT_TOK_WORD});
	CHECK_TOKENS("1-2 ngày, tỷ số 2-1, ngày 05-01, đêm 3-4-2021",
	             {"1-2", TEXT_TOK_NUMBER}, {"ngày", TEXT_TOK_WORD}, {",", TEXT_TOK_PUNCT},
	             {"tỷ", TEXT_TOK_WORD}, {"số", TEXT_TOK_WORD}, {"2-1", TEXT_TOK_NUMBER},
	             {",", TEXT_TOK_PUNCT}, {"ngày", TEXT_TOK_WORD}, {"05-01", TEXT_TOK_DATE},
	             {",", TEXT_TOK_PUNCT}, {"đêm", TEXT_TOK_WORD}, {"3-4-2021", TEXT_TOK_DATE});
}

static void test_tokens_urls_emails_abbreviations(void **state)
{
	CHECK_TOKENS("Xem https://dantri.com.vn/a-b.htm, www.vnexpress.net và dantri.com.vn; "
	             "gửi a.b@gmail.com.",
	             {"Xem", TEXT_TOK_WORD}, {"https://dantri.com.vn/a-b.htm", TEXT_TOK_URL},
	             {",", TEXT_TOK_PUNCT}, {"www.vnexpress.net", TEXT_TOK_URL},
	             {"và", TEXT_TOK_WORD}, {"dantri.com.vn", TEXT_TOK_URL}, {";", TEXT_TOK_PUNCT},
	             {"gửi", TEXT_TOK_WORD}, {"a.b@gmail.com", TEXT_TOK_EMAIL},
	             {".", TEXT_TOK_PUNCT});
	CHECK_TOKENS("TP.HCM, V. Putin, V.Putin, COVID-19, F-16, U23, SARS-CoV-2, Hà-Nội",
	             {"TP.HCM", TEXT_TOK_ABBREV}, {",", TEXT_TOK_PUNCT}, {"V.", TEXT_TOK_ABBREV},
	             {"Putin", TEXT_TOK_WORD}, {",", TEXT_TOK_PUNCT}, {"V.Putin", TEXT_TOK_ABBREV},
	             {",", TEXT_TOK_PUNCT}, {"COVID-19", TEXT_TOK_ABBREV}, {",", TEXT_TOK_PUNCT},
	             {"F-16", TEXT_TOK_ABBREV}, {",", TEXT_TOK_PUNCT}, {"U23", TEXT_TOK_ABBREV},
	             {",", TEXT_TOK_PUNCT}, {"SARS-CoV-2", TEXT_TOK_ABBREV}, {",", TEXT_TOK_PUNCT},
	             {"Hà", TEXT_TOK_WORD}, {"-", TEXT_TOK_PUNCT}, {"Nội", TEXT_TOK_WORD});
	/* a lost space after an e-mail; a Vietnamese capital is not an initial */
	CHECK_TOKENS("giaoduc@dantri.com.vn.Trong châu Á. Theo",
	             {"giaoduc@dantri.com.vn", TEXT_TOK_EMAIL}, {".", TEXT_TOK_PUNCT},
	             {"Trong", TEXT_TOK_WORD}, {"châu", TEXT_TOK_WORD}, {"Á", TEXT_TOK_WORD},
	             {".", TEXT_TOK_PUNCT}, {"Theo", TEXT_TOK_WORD});
	/* running text: "xong.Sau" is two words; queries may opt in */
	CHECK_TOKENS("xong.Sau", {"xong", TEXT_TOK_WORD}, {".", TEXT_TOK_PUNCT},
	             {"Sau", TEXT_TOK_WORD});
}

static void test_tokens_report_byte_spans_and_skip_invisibles(void **state)
{
	/* "Giá" is 4 bytes; NBSP is a space; ZWSP inside a word stays in its span;
	 * "..." is one token; an emoji with skin tone is one symbol. */
	const char *s = "Giá" NBSP "vàng" ZWSP "x ... \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd $";
	struct text_tokens it;
	struct text_token t;
	const struct {
		size_t start, end;
		enum text_token_kind kind;
	} want[] = {
	        {0, 4, TEXT_TOK_WORD},    {6, 15, TEXT_TOK_WORD},   {16, 19, TEXT_TOK_PUNCT},
	        {20, 28, TEXT_TOK_SYMBOL}, {29, 30, TEXT_TOK_SYMBOL},
	};
	size_t k = 0;
	text_tokens_init(&it, s, strlen(s));
	while (text_tokens_next(&it, &t)) {
		assert_true(k < sizeof want / sizeof want[0]);
		assert_int_equal(t.start, want[k].start);
		assert_int_equal(t.end, want[k].end);
		assert_int_equal(t.kind, want[k].kind);
		k++;
	}
	assert_int_equal(k, 5);
	/* caseless_abbrev: for lower-case search queries */
	text_tokens_init(&it, "tp.hcm", 6);
	it.caseless_abbrev = true;
	assert_true(text_tokens_next(&it, &t));
	assert_int_equal(t.end, 6);
	assert_int_equal(t.kind, TEXT_TOK_ABBREV);
	/* bad bytes never stall the iterator */
	text_tokens_init(&it, "a\xff" "b", 3);
	for (k = 0; text_tokens_next(&it, &t); k++)
		assert_true(k < 3);
	assert_int_equal(k, 3);
}

/* ---- collation ---- */

static int compare_strings(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int r = 0;
	assert_int_equal(text_compare(x, strlen(x), y, strlen(y), &r), TEXT_OK);
	return r;
}

static void sort_and_check(const char **words, size_t n, const char *want)
{
	qsort(words, n, sizeof words[0], compare_strings);
	char got[512] = "";
	for (size_t i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, words[i]);
	}
	assert_string_equal(got, want);
}

static void test_collation_sorts_vietnamese(void **state)
{
	const char *issue[] = {"đường", "da", "Dung", "đa", "dạ", "dương", "dà", "đương"};
	sort_and_check(issue, 8, "da dà dạ Dung dương đa đương đường");
	const char *tones[] = {"mạ", "má", "mã", "mả", "mà", "ma"};
	sort_and_check(tones, 6, "ma mà mả mã má mạ");
	const char *letters[] = {"ư", "u", "ơ", "ô", "o", "ê", "e", "đ", "d", "â", "ă", "a", "b"};
	sort_and_check(letters, 13, "a ă â b d đ e ê o ô ơ u ư");
	const char *cases[] = {"An", "an", "ăn", "An Giang", "1", "an2", "?"};
	sort_and_check(cases, 7, "? 1 an An An Giang an2 ăn");
	/* NFD and old tone placement sort as their NFC new-style twins */
	int r = 1;
	assert_int_equal(text_compare("hoà", strlen("hoà"), "ho" "a" GRAVE, 5, &r), TEXT_OK);
	assert_int_equal(r, 0);
	assert_int_equal(text_compare("hoà", strlen("hoà"), "hòa", strlen("hòa"), &r), TEXT_OK);
	assert_int_equal(r, 0);
}

static void test_collation_key_compares_with_memcmp(void **state)
{
	buf a = BUF_INIT, b = BUF_INIT;
	assert_int_equal(text_collate_key_append(&a, "Dung", 4), TEXT_OK);
	assert_int_equal(text_collate_key_append(&b, "dương", strlen("dương")), TEXT_OK);
	size_t n = a.len < b.len ? a.len : b.len;
	assert_true(memcmp(a.data, b.data, n) < 0);
	assert_int_equal(text_collate_key_append(&b, "\xff", 1), TEXT_EINVALID);
	buf_free(&a);
	buf_free(&b);
}

/* ---- robustness ---- */

/* Random bytes (half of them from UTF-8 pieces of Vietnamese, digits and
 * punctuation the tokenizer looks at): iterators cover the input with
 * ordered, in-bounds spans and every function returns OK or EINVALID. */
static void test_random_bytes_never_break_iterators_or_keys(void **state)
{
	static const char *const pieces[] = {
	        "a", "o", "u", "y", "h", "T", "P", ".", ",", "-", "/", ":", "%", "@", "0", "9",
	        " ", "ww", "http://", "ệ", "Đ", "ð", GRAVE, HOOK, NBSP, ZWSP, "\xff", "\xe1\xbb",
	        "hoà", "thuỷ", "Ðà", " ", " ", "\n", "ò", "ỏ", "e",
	        "\xf0\x9f\x91\x8d", "\xcc", "\n",
	};
	uint64_t x = 88172645463325252ULL;
	buf s = BUF_INIT, out = BUF_INIT;
	text_clean_defaults(&clean_opts);
	for (int round = 0; round < 20000; round++) {
		buf_clear(&s);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int n = (int)(x % 48);
		for (int k = 0; k < n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			const char *p = pieces[x % (sizeof pieces / sizeof pieces[0])];
			assert_int_equal(buf_append(&s, p, strlen(p)), 0);
		}
		const char *str = s.data ? s.data : "";
		struct text_tokens it;
		struct text_token t;
		size_t prev = 0;
		text_tokens_init(&it, str, s.len);
		while (text_tokens_next(&it, &t)) {
			assert_true(t.start >= prev && t.start < t.end && t.end <= s.len);
			prev = t.end;
		}
		struct text_graphemes g;
		struct text_span sp;
		prev = 0;
		text_graphemes_init(&g, str, s.len);
		while (text_graphemes_next(&g, &sp)) {
			assert_true(sp.start == prev && sp.end > sp.start && sp.end <= s.len);
			prev = sp.end;
		}
		assert_int_equal(prev, s.len);
		bool valid = text_utf8_check(str, s.len) == s.len;
		int want = valid ? TEXT_OK : TEXT_EINVALID;
		buf_clear(&out);
		assert_int_equal(text_fold_append(&out, str, s.len), want);
		assert_int_equal(text_exact_append(&out, str, s.len), want);
		assert_int_equal(text_clean_append(&out, &clean_opts, str, s.len), want);
		if (valid) { /* the quick check changes nothing */
			buf slow = BUF_INIT;
			buf_clear(&out);
			assert_int_equal(text_clean_append(&out, &clean_opts, str, s.len), TEXT_OK);
			assert_int_equal(text_clean_append_slow(&slow, &clean_opts, str, s.len), TEXT_OK);
			assert_int_equal(out.len, slow.len);
			assert_memory_equal(out.data ? out.data : "", slow.data ? slow.data : "", out.len);
			buf_free(&slow);
		}
		assert_int_equal(text_collate_key_append(&out, str, s.len), want);
		assert_int_equal(text_normalize_append(&out, TEXT_NFC, str, s.len), want);
		assert_int_equal(text_case_append(&out, TEXT_UPPER, str, s.len), want);
		struct text_span sub = text_grapheme_sub(str, s.len, -3, 1000);
		assert_true(sub.start <= sub.end && sub.end <= s.len);
	}
	buf_free(&s);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_utf8_check_reports_offset_of_first_bad_sequence),
	        cmocka_unit_test(test_invalid_utf8_is_refused_and_leaves_output_unchanged),
	        cmocka_unit_test(test_normal_forms_of_vietnamese),
	        cmocka_unit_test(test_case_mappings),
	        cmocka_unit_test(test_clean_fixes_eth_lookalike),
	        cmocka_unit_test(test_clean_drops_repeated_combining_marks),
	        cmocka_unit_test(test_clean_spaces_and_invisibles),
	        cmocka_unit_test(test_clean_unifies_tone_placement),
	        cmocka_unit_test(test_fold_makes_search_keys),
	        cmocka_unit_test(test_exact_form_for_strict_search),
	        cmocka_unit_test(test_graphemes_count_iterate_and_width),
	        cmocka_unit_test(test_grapheme_sub_follows_string_sub_rules),
	        cmocka_unit_test(test_tokens_keep_numbers_whole),
	        cmocka_unit_test(test_tokens_keep_dates_and_times_whole),
	        cmocka_unit_test(test_tokens_urls_emails_abbreviations),
	        cmocka_unit_test(test_tokens_report_byte_spans_and_skip_invisibles),
	        cmocka_unit_test(test_collation_sorts_vietnamese),
	        cmocka_unit_test(test_collation_key_compares_with_memcmp),
	        cmocka_unit_test(test_random_bytes_never_break_iterators_or_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
