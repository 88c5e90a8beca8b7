/* Legacy Vietnamese encodings: each is recognised from its bytes alone and
 * converted back to the original text; text in no such encoding is not
 * mistaken for one. The encoded samples are made with iconv from the seed
 * articles (VNI, which iconv does not know, is written out by hand). */
#include "testutil.h"

#include <dirent.h>
#include <iconv.h>

#include "legacy.h"
#include "text.h"

/* s encoded from UTF-8 to enc (characters enc lacks are transliterated). */
static char *encode(const char *enc, const char *s, size_t *n)
{
	char to[64];
	snprintf(to, sizeof to, "%s//TRANSLIT", enc);
	iconv_t cd = iconv_open(to, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t left = strlen(s), room = left * 2 + 16;
	char *out = malloc(room), *o = out, *in = (char *)s;
	assert_non_null(out);
	while (left) {
		if (iconv(cd, &in, &left, &o, &room) == (size_t)-1) {
			in++, left--; /* not even transliterable: drop it */
		}
	}
	iconv_close(cd);
	*n = (size_t)(o - out);
	return out;
}

static const char sentence[] =
        "Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Putin về quan hệ Đối tác chiến lược toàn diện.";

static void test_iconv_encodings_are_detected_and_round_trip(void **state)
{
	static const struct {
		const char *iconv;
		enum legacy_enc e;
	} cases[] = {{"WINDOWS-1258", LEGACY_CP1258}, {"TCVN5712-1", LEGACY_TCVN3}, {"VISCII", LEGACY_VISCII}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n, words, good;
		char *raw = encode(cases[i].iconv, sentence, &n);
		assert_true(text_utf8_check(raw, n) < n); /* not UTF-8 */
		enum legacy_enc got = legacy_detect(raw, n, &words, &good);
		if (got != cases[i].e)
			fail_msg("%s detected as %s", cases[i].iconv, legacy_name(got));
		assert_true(legacy_confident(words, good));
		buf out = BUF_INIT;
		assert_int_equal(legacy_decode(got, raw, n, &out), 0);
		assert_string_equal(out.data, sentence);
		buf_free(&out);
		free(raw);
	}
}

static void test_vni_is_detected_and_decoded(void **state)
{
	static const char vni[] = "To\xe5ng B\xed th\xf6 To\xe2 La\xe2m \xf1ie\xe4n \xf1" "a\xf8m v\xf4\xf9i To\xe5ng "
	                          "tho\xe1ng Nga Putin. VIE\xc4T NAM, Ha\xf8 No\xe4i, ng\xf6\xf4\xf8i, "
	                          "kho\xe2ng \xf1\xf6\xf4\xef" "c";
	size_t words, good;
	assert_int_equal(legacy_detect(vni, strlen(vni), &words, &good), LEGACY_VNI);
	assert_true(legacy_confident(words, good));
	buf out = BUF_INIT;
	assert_int_equal(legacy_decode(LEGACY_VNI, vni, strlen(vni), &out), 0);
	assert_string_equal(out.data, "Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Putin. VIỆT NAM, Hà Nội, "
	                              "người, không được");
	buf_free(&out);
}

/* Every seed article, in each iconv encoding, is recognised as that one. */
static void test_seed_articles_in_each_encoding(void **state)
{
	static const char *const encs[] = {"WINDOWS-1258", "TCVN5712-1", "VISCII"};
	static const enum legacy_enc want[] = {LEGACY_CP1258, LEGACY_TCVN3, LEGACY_VISCII};
	DIR *d = opendir("data");
	assert_non_null(d);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		if (!strstr(de->d_name, ".txt"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "data/%s", de->d_name);
		char *text = test_read_file(path, NULL);
		for (size_t i = 0; i < 3; i++) {
			size_t n, words, good;
			char *raw = encode(encs[i], text, &n);
			enum legacy_enc got = legacy_detect(raw, n, &words, &good);
			if (got != want[i] || !legacy_confident(words, good))
				fail_msg("%s in %s: detected %s, %zu of %zu words", path, encs[i], legacy_name(got), good,
				         words);
			free(raw);
		}
		free(text);
		files++;
	}
	closedir(d);
	assert_int_equal(files, 5);
}

static void test_other_text_is_not_taken_for_vietnamese(void **state)
{
	static const char *const samples[] = {
	        "Le caf\xe9 \xe9tait tr\xe8s bon, na\xefve fa\xe7on de parler \xe0 l'\xe9t\xe9.", /* Latin-1 French */
	        "\xff\xfe\x00\x01\x80\x81\x82\x90\xa0\xb0\xc0\xd0\xe0\xf0 \xfe\xfd\xfc\xfb",  /* noise */
	        "Gr\xfc\xdf" "e aus K\xf6ln und M\xfcnchen, sch\xf6ne Stra\xdf" "en.",          /* German */
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		size_t words, good;
		legacy_detect(samples[i], strlen(samples[i]), &words, &good);
		if (legacy_confident(words, good))
			fail_msg("sample %zu taken for Vietnamese (%zu of %zu words)", i, good, words);
	}
}

static void test_names(void **state)
{
	int e;
	assert_true(legacy_parse_name("auto", &e));
	assert_int_equal(e, LEGACY_AUTO);
	assert_true(legacy_parse_name("UTF-8", &e));
	assert_int_equal(e, LEGACY_NONE);
	assert_true(legacy_parse_name("cp1258", &e));
	assert_int_equal(e, LEGACY_CP1258);
	assert_true(legacy_parse_name("Windows-1258", &e));
	assert_int_equal(e, LEGACY_CP1258);
	assert_true(legacy_parse_name("tcvn3", &e));
	assert_int_equal(e, LEGACY_TCVN3);
	assert_true(legacy_parse_name("vni", &e));
	assert_int_equal(e, LEGACY_VNI);
	assert_true(legacy_parse_name("viscii", &e));
	assert_int_equal(e, LEGACY_VISCII);
	assert_false(legacy_parse_name("latin1", &e));
	assert_string_equal(legacy_label(LEGACY_TCVN3), "TCVN3 (ABC)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_iconv_encodings_are_detected_and_round_trip),
	        cmocka_unit_test(test_vni_is_detected_and_decoded),
	        cmocka_unit_test(test_seed_articles_in_each_encoding),
	        cmocka_unit_test(test_other_text_is_not_taken_for_vietnamese),
	        cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
