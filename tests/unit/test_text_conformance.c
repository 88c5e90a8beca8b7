#include "testutil.h"

/* test_text_conformance.c: text.c against Unicode's own test files (Debian's
 * unicode-data, Unicode 15.0) and the NFC fast path against utf8proc_map on
 * every code point and on the whole development corpus.
 *
 * When utf8proc's Unicode version differs from the file's (line 1 names it),
 * lines with a code point unassigned in utf8proc's tables (category Cn)
 * cannot agree: those are skipped, counted and printed; every other line must
 * pass. (Debian's libutf8proc 2.8.0 calls itself 2.6.0 in pkg-config and the
 * soname; utf8proc_unicode_version() says 15.0.0, as unicode-data does, so
 * nothing is skipped there, and the files' unassigned-code-point lines, e.g.
 * U+0378 as "Other" in GraphemeBreakTest, are tested too.) */

#include <ctype.h>
#include <dirent.h>
#include <utf8proc.h>

#include "text.h"

#define NORM_TEST "bzcat /usr/share/unicode/NormalizationTest.txt.bz2"
#define GRAPHEME_TEST "/usr/share/unicode/auxiliary/GraphemeBreakTest.txt"
#define CORPUS_DIR test_corpus_dir()

static const char *const form_names[] = {"NFC", "NFD", "NFKC", "NFKD"};

/* True when a test file's first line ("# NormalizationTest-15.0.0.txt")
 * names the Unicode version utf8proc implements. */
static bool same_unicode_version(const char *first_line)
{
	const char *dash = strchr(first_line, '-');
	const char *v = utf8proc_unicode_version();
	return dash && !strncmp(dash + 1, v, strlen(v)) && dash[1 + strlen(v)] == '.';
}

/* Parses space-separated hex code points from s up to the first ';' into
 * UTF-8 in out. Returns false when one is unassigned in utf8proc. */
static bool parse_hex_field(const char **s, buf *out)
{
	bool assigned = true;
	buf_clear(out);
	for (;;) {
		while (**s == ' ')
			(*s)++;
		if (**s == ';' || !**s)
			break;
		char *end;
		long cp = strtol(*s, &end, 16);
		assert_true(end > *s);
		*s = end;
		if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_CN)
			assigned = false;
		uint8_t tmp[4];
		utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
		assert_int_equal(buf_append(out, tmp, (size_t)n), 0);
	}
	if (**s == ';')
		(*s)++;
	return assigned;
}

/* Checks form(src) == want through the fast and the slow path; returns the
 * number of disagreements (printing the first few). */
static int check_form(enum text_form form, const buf *src, const buf *want, const char *line,
                      int *printed)
{
	int bad = 0;
	for (int slow = 0; slow < 2; slow++) {
		buf got = BUF_INIT;
		int rc = slow ? text_normalize_append_slow(&got, form, src->data, src->len)
		              : text_normalize_append(&got, form, src->data, src->len);
		if (rc != TEXT_OK || got.len != want->len || memcmp(got.data, want->data, got.len)) {
			if ((*printed)++ < 10)
				print_message("%s %s mismatch: %s", form_names[form],
				              slow ? "slow" : "fast", line);
			bad++;
		}
		buf_free(&got);
	}
	bool is = text_is_normalized(form, src->data, src->len);
	bool should = src->len == want->len && !memcmp(src->data, want->data, src->len);
	if (is != should) {
		if ((*printed)++ < 10)
			print_message("%s is_normalized says %d: %s", form_names[form], is, line);
		bad++;
	}
	return bad;
}

static void test_normalization_test_file_all_forms_fast_and_slow(void **state)
{
	FILE *f = popen(NORM_TEST, "r");
	assert_non_null(f);
	char line[4096];
	buf c[5] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	int total = 0, skipped = 0, bad = 0, printed = 0;
	assert_non_null(fgets(line, sizeof line, f));
	bool skip_unassigned = !same_unicode_version(line);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '@' || line[0] == '\n')
			continue;
		const char *s = line;
		bool assigned = true;
		for (int k = 0; k < 5; k++)
			assigned &= parse_hex_field(&s, &c[k]);
		total++;
		if (!assigned && skip_unassigned) {
			skipped++;
			continue;
		}
		/* c2 == NFC(c1) == NFC(c2) == NFC(c3), c4 == NFC(c4) == NFC(c5) */
		for (int k = 0; k < 3; k++)
			bad += check_form(TEXT_NFC, &c[k], &c[1], line, &printed);
		for (int k = 3; k < 5; k++)
			bad += check_form(TEXT_NFC, &c[k], &c[3], line, &printed);
		/* c3 == NFD(c1..c3), c5 == NFD(c4..c5) */
		for (int k = 0; k < 3; k++)
			bad += check_form(TEXT_NFD, &c[k], &c[2], line, &printed);
		for (int k = 3; k < 5; k++)
			bad += check_form(TEXT_NFD, &c[k], &c[4], line, &printed);
		/* c4 == NFKC(c1..c5), c5 == NFKD(c1..c5) */
		for (int k = 0; k < 5; k++) {
			bad += check_form(TEXT_NFKC, &c[k], &c[3], line, &printed);
			bad += check_form(TEXT_NFKD, &c[k], &c[4], line, &printed);
		}
	}
	assert_int_equal(pclose(f), 0);
	for (int k = 0; k < 5; k++)
		buf_free(&c[k]);
	print_message("NormalizationTest.txt: %d lines, %d skipped (unassigned in utf8proc's "
	              "Unicode %s)\n",
	              total, skipped, utf8proc_unicode_version());
	assert_true(total > 19000);
	assert_true(skipped * 20 < total);
	assert_int_equal(bad, 0);
}

/* Every code point alone and in the contexts that exercise span edges: after
 * a base letter, before a combining mark, between Hangul jamo. */
static void test_fast_path_equals_utf8proc_map_on_every_code_point(void **state)
{
	/* The last context puts the code point inside a 16-byte block, where the
	 * SSE2 block check (not the byte loop) decides whether it is inert. */
	static const char *const ctx[][2] = {
	        {"", ""}, {"a", "\xcc\x81" "b"}, {"\xe1\x84\x80", "\xe1\x85\xa1"}, {"e\xcc\xa3", "x"},
	        {"ab", "cdefghijklmnopqrstuvwxyz"},
	};
	buf src = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT;
	int bad = 0;
	for (int32_t cp = 0; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		for (size_t x = 0; x < sizeof ctx / sizeof ctx[0]; x++) {
			uint8_t tmp[4];
			utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
			buf_clear(&src);
			assert_int_equal(buf_append(&src, ctx[x][0], strlen(ctx[x][0])), 0);
			assert_int_equal(buf_append(&src, tmp, (size_t)n), 0);
			assert_int_equal(buf_append(&src, ctx[x][1], strlen(ctx[x][1])), 0);
			for (int form = 0; form < 4; form++) {
				buf_clear(&fast);
				buf_clear(&slow);
				assert_int_equal(text_normalize_append(&fast, form, src.data, src.len), 0);
				assert_int_equal(text_normalize_append_slow(&slow, form, src.data, src.len), 0);
				if (fast.len != slow.len || memcmp(fast.data, slow.data, fast.len)) {
					if (bad++ < 10)
						print_message("U+%04X context %zu %s differs\n", (unsigned)cp, x,
						              form_names[form]);
				}
			}
		}
	}
	buf_free(&src);
	buf_free(&fast);
	buf_free(&slow);
	assert_int_equal(bad, 0);
}

/* Random strings over the code points where normalisation is subtle
 * (Vietnamese letters and marks in every order, Hangul jamo and syllables,
 * Indic and Grantha vowel signs that compose as second halves, composition
 * exclusions, singletons): fast path == utf8proc_map for all forms. */
static void test_fast_path_equals_utf8proc_map_on_random_tricky_strings(void **state)
{
	static const int32_t pool[] = {
	        'a', 'e', 'o', 'u', 'y', 'D', ' ', '.', 0xE0, 0xE2, 0xEA, 0xF4, 0x103, 0x1A1, 0x1B0,
	        0x110, 0xD0, 0x1EA0, 0x1EA1, 0x1EC7, 0x1EDD, 0x1EF9, 0x300, 0x301, 0x302, 0x303,
	        0x306, 0x309, 0x31B, 0x323, 0x340, 0x344, 0x345, 0x1100, 0x1161, 0x11A8, 0xAC00,
	        0xAC01, 0x0B47, 0x0B3E, 0x0B57, 0x0BC6, 0x0BBE, 0x0D46, 0x0D3E, 0x1133E, 0x11347,
	        0x212B, 0x2126, 0xF900, 0x0958, 0x093C, 0x0F73, 0x0FB2, 0x0F80, 0xFB1D, 0x05B4,
	        0x1D15E, 0x1D165, 0x1D16E, 0xFB01, 0x2460, 0x200B, 0x00A0, 0x0CCA, 0x0CC6, 0x0CC2,
	        0x0CD5, 0x3099, 0x304B, 0xFF76, 0xFF9E,
	};
	uint64_t x = 0x9E3779B97F4A7C15ULL; /* xorshift64, fixed seed */
	buf src = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT;
	int bad = 0;
	for (int round = 0; round < 200000; round++) {
		buf_clear(&src);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int n = 1 + (int)(x % 8);
		for (int k = 0; k < n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint8_t tmp[4];
			utf8proc_ssize_t m =
			        utf8proc_encode_char(pool[x % (sizeof pool / sizeof pool[0])], tmp);
			assert_int_equal(buf_append(&src, tmp, (size_t)m), 0);
		}
		for (int form = 0; form < 4; form++) {
			buf_clear(&fast);
			buf_clear(&slow);
			assert_int_equal(text_normalize_append(&fast, form, src.data, src.len), 0);
			assert_int_equal(text_normalize_append_slow(&slow, form, src.data, src.len), 0);
			bool same = fast.len == slow.len && !memcmp(fast.data, slow.data, fast.len);
			bool is = text_is_normalized(form, src.data, src.len);
			bool should = slow.len == src.len && !memcmp(slow.data, src.data, src.len);
			if ((!same || is != should) && bad++ < 10)
				print_message("round %d %s differs\n", round, form_names[form]);
		}
	}
	buf_free(&src);
	buf_free(&fast);
	buf_free(&slow);
	assert_int_equal(bad, 0);
}

/* Longer random strings, mostly plain Vietnamese with tricky code points and
 * bad bytes mixed in: the 16-byte block check of the fast path meets every
 * alignment of two- and three-byte letters at a block's edge. Fast == slow
 * for all forms, invalid input refused by both. */
static void test_fast_path_equals_utf8proc_map_on_long_random_strings(void **state)
{
	static const int32_t pool[] = {
	        'a', 'n', 'g', 'h', ' ', 'T', '.', 0xE0, 0xE2, 0xEA, 0xF4, 0x103, 0x1A1, 0x1B0,
	        0x110, 0x111, 0xC0, 0x2C7, 0x2FF, 0x1E00, 0x1E9B, 0x1EA0, 0x1EA1, 0x1EC7, 0x1EDD,
	        0x1EF9, 0x1EFF, 0x1F00, 0x300, 0x301, 0x303, 0x309, 0x323, 0x340, 0x344, 0x345,
	        0x7FF, 0x800, 0x2000, 0x2002, 0x201C, 0x2026, 0x212B, 0xAC00, 0x1100, 0x1161,
	        0x0958, 0x1D15E, 0x1F600, 0xFB01, 0x00A0,
	};
	uint64_t x = 0x2545F4914F6CDD1DULL; /* xorshift64, fixed seed */
	buf src = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT;
	int bad = 0;
	for (int round = 0; round < 100000; round++) {
		buf_clear(&src);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int n = 1 + (int)(x % 80);
		for (int k = 0; k < n; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint8_t tmp[4];
			utf8proc_ssize_t m;
			if (x % 4) { /* mostly the letters Vietnamese uses */
				m = utf8proc_encode_char(pool[x % 29], tmp);
			} else if (x % 397 == 0) {
				tmp[0] = (uint8_t)(0x80 + (x >> 32) % 0x80); /* a bad byte */
				m = 1;
			} else {
				m = utf8proc_encode_char(pool[(x >> 8) % (sizeof pool / sizeof pool[0])], tmp);
			}
			assert_int_equal(buf_append(&src, tmp, (size_t)m), 0);
		}
		bool valid = text_utf8_check(src.data, src.len) == src.len;
		for (int form = 0; form < 4; form++) {
			buf_clear(&fast);
			buf_clear(&slow);
			int rf = text_normalize_append(&fast, form, src.data, src.len);
			int rs = text_normalize_append_slow(&slow, form, src.data, src.len);
			bool same = rf == rs && (valid ? rf == TEXT_OK : rf == TEXT_EINVALID) &&
			            fast.len == slow.len && !memcmp(fast.data, slow.data, fast.len);
			if (valid) {
				bool is = text_is_normalized(form, src.data, src.len);
				same &= is == (slow.len == src.len && !memcmp(slow.data, src.data, src.len));
			}
			if (!same && bad++ < 10)
				print_message("round %d %s differs\n", round, form_names[form]);
		}
	}
	buf_free(&src);
	buf_free(&fast);
	buf_free(&slow);
	assert_int_equal(bad, 0);
}

/* The search key by its definition, straight from utf8proc: canonical
 * decomposition with case folding, marks U+0300..U+036F and invisible
 * characters dropped, đ/ð -> d, other spaces -> ' ', then NFC. */
static void fold_reference(buf *out, const char *s, size_t len)
{
	utf8proc_int32_t *cps = NULL;
	utf8proc_ssize_t n = utf8proc_decompose(
	        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, NULL, 0,
	        UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	assert_true(n >= 0);
	cps = malloc(sizeof *cps * ((size_t)n + 1));
	assert_non_null(cps);
	n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cps, n,
	                       UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	buf tmp = BUF_INIT;
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		int32_t c = cps[i];
		if ((c >= 0x300 && c <= 0x36F) || c == 0xAD || c == 0x200B || c == 0x200C ||
		    c == 0x200D || c == 0x2060 || c == 0xFEFF)
			continue;
		if (c == 0x111 || c == 0xF0)
			c = 'd';
		else if (c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
		         c == 0x3000 || c == 0x1680)
			c = ' ';
		uint8_t u[4];
		utf8proc_ssize_t m = utf8proc_encode_char(c, u);
		assert_int_equal(buf_append(&tmp, u, (size_t)m), 0);
	}
	assert_int_equal(text_normalize_append_slow(out, TEXT_NFC, tmp.data ? tmp.data : "", tmp.len),
	                 TEXT_OK);
	buf_free(&tmp);
	free(cps);
}

/* Every code point alone and between letters: the table-driven search keys
 * equal their definitions (fold: fold_reference; exact: the default clean-up
 * then case folding, the slow path with no shortcut). The contexts put each
 * code point after "ho" and before "a", where tone placement may move. */
static void test_search_keys_equal_their_definitions_on_every_code_point(void **state)
{
	static const char *const ctx[][2] = {
	        {"", ""}, {"Ho", ""}, {"", "a"}, {"Đ", "y"}, {"qu", ""},
	};
	buf src = BUF_INIT, got = BUF_INIT, want = BUF_INIT, tmp = BUF_INIT;
	struct text_clean_opts o;
	text_clean_defaults(&o);
	int bad = 0;
	for (int32_t cp = 1; cp < 0x110000; cp++) {
		if ((cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x3400 && cp < 0x1E000 && cp % 61))
			continue; /* big ideographic and unassigned ranges: a sample */
		for (size_t k = 0; k < sizeof ctx / sizeof ctx[0]; k++) {
			uint8_t u[4];
			utf8proc_ssize_t n = utf8proc_encode_char(cp, u);
			buf_clear(&src);
			assert_int_equal(buf_append(&src, ctx[k][0], strlen(ctx[k][0])), 0);
			assert_int_equal(buf_append(&src, u, (size_t)n), 0);
			assert_int_equal(buf_append(&src, ctx[k][1], strlen(ctx[k][1])), 0);
			buf_clear(&got);
			buf_clear(&want);
			assert_int_equal(text_fold_append(&got, src.data, src.len), TEXT_OK);
			fold_reference(&want, src.data, src.len);
			bool ok = got.len == want.len && !memcmp(got.data, want.data, got.len);
			buf_clear(&got);
			buf_clear(&want);
			buf_clear(&tmp);
			assert_int_equal(text_exact_append(&got, src.data, src.len), TEXT_OK);
			assert_int_equal(text_clean_append_slow(&tmp, &o, src.data, src.len), TEXT_OK);
			assert_int_equal(text_normalize_append_slow(&want, TEXT_NFC, "", 0), TEXT_OK);
			assert_int_equal(text_case_append(&want, TEXT_CASEFOLD, tmp.data, tmp.len),
			                 TEXT_OK);
			ok = ok && got.len == want.len && !memcmp(got.data, want.data, got.len);
			if (!ok && bad++ < 10)
				print_message("U+%04X context %zu: keys differ\n", (unsigned)cp, k);
		}
	}
	buf_free(&src);
	buf_free(&got);
	buf_free(&want);
	buf_free(&tmp);
	assert_int_equal(bad, 0);
}

/* text.c builds its quick-check tables for the BMP first and for the other
 * planes only when needed; that is exact only while no canonical composite
 * has its last code point on the other side of U+10000 (true of Unicode
 * 15.0: the BMP's CJK compatibility ideographs that map to plane 2 are
 * singletons). A utf8proc upgrade that breaks this fails here. */
static void test_no_composite_ends_across_the_bmp_edge(void **state)
{
	int composites = 0;
	for (int32_t cp = 0; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		utf8proc_int32_t d[32], c[32];
		int lbc = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(
		        cp, d, 32, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE, &lbc);
		if (n < 2 || n > 32)
			continue;
		memcpy(c, d, sizeof c[0] * (size_t)n);
		utf8proc_ssize_t m = utf8proc_normalize_utf32(
		        c, n, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPOSE);
		if (m != 1 || c[0] != cp)
			continue;
		composites++;
		if ((d[n - 1] >= 0x10000) != (cp >= 0x10000))
			print_message("U+%04X ends in U+%04X\n", (unsigned)cp, (unsigned)d[n - 1]);
		assert_true((d[n - 1] >= 0x10000) == (cp >= 0x10000));
	}
	assert_true(composites > 900);
}

static void test_grapheme_break_test_file(void **state)
{
	FILE *f = fopen(GRAPHEME_TEST, "r");
	assert_non_null(f);
	char line[4096];
	int total = 0, skipped = 0, bad = 0;
	buf s = BUF_INIT;
	assert_non_null(fgets(line, sizeof line, f));
	bool skip_unassigned = !same_unicode_version(line);
	while (fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		size_t want[64], nwant = 0;
		bool assigned = true, any = false;
		buf_clear(&s);
		for (char *p = line; *p;) {
			if (!strncmp(p, "\xc3\xb7", 2)) { /* ÷ a break */
				if (any)
					want[nwant++] = s.len;
				p += 2;
			} else if (!strncmp(p, "\xc3\x97", 2)) { /* × no break */
				p += 2;
			} else if (isxdigit((unsigned char)*p)) {
				char *end;
				long cp = strtol(p, &end, 16);
				p = end;
				if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_CN)
					assigned = false;
				uint8_t tmp[4];
				utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
				assert_int_equal(buf_append(&s, tmp, (size_t)n), 0);
				any = true;
			} else {
				p++;
			}
		}
		if (!any)
			continue;
		total++;
		if (!assigned && skip_unassigned) {
			skipped++;
			continue;
		}
		struct text_graphemes it;
		struct text_span sp;
		size_t k = 0;
		bool ok = true;
		text_graphemes_init(&it, s.data, s.len);
		while (text_graphemes_next(&it, &sp))
			ok &= k < nwant && want[k++] == sp.end;
		ok &= k == nwant;
		ok &= text_grapheme_count(s.data, s.len) == nwant;
		if (!ok && bad++ < 10)
			print_message("grapheme mismatch: %s\n", line);
	}
	fclose(f);
	buf_free(&s);
	print_message("GraphemeBreakTest.txt: %d lines, %d skipped (unassigned in utf8proc's "
	              "Unicode %s)\n",
	              total, skipped, utf8proc_unicode_version());
	assert_true(total > 500);
	assert_true(skipped * 20 < total);
	assert_int_equal(bad, 0);
}

/* The 2,653 real articles: NFC and NFD fast == slow; 49 are not NFC; the
 * clean-up's quick check changes nothing either (both tone styles). */
static void test_fast_path_equals_slow_path_on_dev_corpus(void **state)
{
	DIR *d = opendir(CORPUS_DIR);
	if (!d)
		fail_msg("development corpus missing");
	struct dirent *e;
	int files = 0, not_nfc = 0, bad = 0;
	buf path = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		buf_clear(&path);
		assert_int_equal(buf_printf(&path, "%s/%s", CORPUS_DIR, e->d_name), 0);
		size_t len;
		char *text = test_read_file(path.data, &len);
		assert_int_equal(text_utf8_check(text, len), len);
		files++;
		not_nfc += !text_is_normalized(TEXT_NFC, text, len);
		for (int form = TEXT_NFC; form <= TEXT_NFD; form++) {
			buf_clear(&fast);
			buf_clear(&slow);
			assert_int_equal(text_normalize_append(&fast, form, text, len), 0);
			assert_int_equal(text_normalize_append_slow(&slow, form, text, len), 0);
			if (fast.len != slow.len || memcmp(fast.data, slow.data, fast.len)) {
				if (bad++ < 10)
					print_message("%s: %s fast != slow\n", path.data, form_names[form]);
			}
		}
		for (int style = TEXT_TONE_NEW; style <= TEXT_TONE_OLD; style++) {
			struct text_clean_opts o;
			text_clean_defaults(&o);
			o.tone = style;
			buf_clear(&fast);
			buf_clear(&slow);
			assert_int_equal(text_clean_append(&fast, &o, text, len), 0);
			assert_int_equal(text_clean_append_slow(&slow, &o, text, len), 0);
			if (fast.len != slow.len || memcmp(fast.data, slow.data, fast.len)) {
				if (bad++ < 10)
					print_message("%s: clean fast != slow\n", path.data);
			}
		}
		free(text);
	}
	closedir(d);
	buf_free(&path);
	buf_free(&fast);
	buf_free(&slow);
	assert_int_equal(files, 2653);
	assert_int_equal(not_nfc, 49);
	assert_int_equal(bad, 0);
}

/* Every word of the corpus: the exact (strict search) form from its fast path
 * equals clean-up + case folding, and NFD or old tone placement give the same
 * exact form and search key as the original. */
static void test_search_keys_agree_on_every_corpus_word(void **state)
{
	DIR *d = opendir(CORPUS_DIR);
	if (!d)
		fail_msg("development corpus missing");
	struct dirent *e;
	struct text_clean_opts old_style;
	text_clean_defaults(&old_style);
	old_style.tone = TEXT_TONE_OLD;
	struct text_clean_opts defaults;
	text_clean_defaults(&defaults);
	buf path = BUF_INIT, a = BUF_INIT, b = BUF_INIT, tmp = BUF_INIT, v = BUF_INIT;
	long words = 0, bad = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		buf_clear(&path);
		assert_int_equal(buf_printf(&path, "%s/%s", CORPUS_DIR, e->d_name), 0);
		size_t len;
		char *text = test_read_file(path.data, &len);
		struct text_tokens it;
		struct text_token t;
		text_tokens_init(&it, text, len);
		while (text_tokens_next(&it, &t)) {
			if (t.kind != TEXT_TOK_WORD && t.kind != TEXT_TOK_ABBREV)
				continue;
			const char *w = text + t.start;
			size_t n = t.end - t.start;
			words++;
			buf_clear(&a);
			buf_clear(&b);
			buf_clear(&tmp);
			assert_int_equal(text_exact_append(&a, w, n), 0);
			assert_int_equal(text_clean_append(&tmp, &defaults, w, n), 0);
			assert_int_equal(text_case_append(&b, TEXT_CASEFOLD, tmp.data, tmp.len), 0);
			bool ok = a.len == b.len && !memcmp(a.data, b.data, a.len);
			/* variants: NFD, old tone style */
			for (int k = 0; k < 2 && ok; k++) {
				buf_clear(&v);
				if (k == 0)
					assert_int_equal(text_normalize_append(&v, TEXT_NFD, w, n), 0);
				else
					assert_int_equal(text_clean_append(&v, &old_style, w, n), 0);
				buf_clear(&b);
				assert_int_equal(text_exact_append(&b, v.data, v.len), 0);
				ok = a.len == b.len && !memcmp(a.data, b.data, a.len);
				buf_clear(&tmp);
				buf_clear(&b);
				assert_int_equal(text_fold_append(&tmp, w, n), 0);
				assert_int_equal(text_fold_append(&b, v.data, v.len), 0);
				ok = ok && tmp.len == b.len && !memcmp(tmp.data, b.data, b.len);
			}
			if (!ok && bad++ < 10)
				print_message("%s: keys differ for \"%.*s\"\n", e->d_name, (int)n, w);
		}
		free(text);
	}
	closedir(d);
	buf_free(&path);
	buf_free(&a);
	buf_free(&b);
	buf_free(&tmp);
	buf_free(&v);
	print_message("%ld corpus words checked\n", words);
	assert_true(words > 1700000);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_normalization_test_file_all_forms_fast_and_slow),
	        cmocka_unit_test(test_fast_path_equals_utf8proc_map_on_every_code_point),
	        cmocka_unit_test(test_fast_path_equals_utf8proc_map_on_random_tricky_strings),
	        cmocka_unit_test(test_fast_path_equals_utf8proc_map_on_long_random_strings),
	        cmocka_unit_test(test_search_keys_equal_their_definitions_on_every_code_point),
	        cmocka_unit_test(test_no_composite_ends_across_the_bmp_edge),
	        cmocka_unit_test(test_grapheme_break_test_file),
	        cmocka_unit_test(test_fast_path_equals_slow_path_on_dev_corpus),
	        cmocka_unit_test(test_search_keys_agree_on_every_corpus_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
