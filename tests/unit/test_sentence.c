/* Sentence splitting: where Vietnamese news text ends a sentence and where it must not. */
#include "testutil.h"

#include "sentence.h"

struct spans {
	char out[2048];
};

static void collect(void *ud, size_t s, size_t e)
{
	struct spans *sp = ud;
	size_t n = strlen(sp->out);
	snprintf(sp->out + n, sizeof sp->out - n, "%s[%zu,%zu)", n ? " " : "", s, e);
}

/* Splits text and returns the sentences joined by " | ". */
static const char *split(const char *text)
{
	static char joined[4096];
	struct spans sp = {{0}};
	sentence_split(text, strlen(text), collect, &sp);
	joined[0] = '\0';
	const char *p = sp.out;
	size_t s, e;
	int k;
	while (sscanf(p, " [%zu,%zu)%n", &s, &e, &k) == 2) {
		size_t n = strlen(joined);
		snprintf(joined + n, sizeof joined - n, "%s%.*s", n ? " | " : "", (int)(e - s), text + s);
		p += k;
	}
	return joined;
}

static void test_splits_at_full_stops_before_capitals(void **state)
{
	assert_string_equal(split("Hai bên nhất trí. Tổng thống Putin cảm ơn! Có không? Có."),
	                    "Hai bên nhất trí. | Tổng thống Putin cảm ơn! | Có không? | Có.");
}

static void test_numbers_do_not_end_sentences(void **state)
{
	assert_string_equal(split("Thương mại đạt 3,63 tỷ USD, tăng 2,3%. Nga dành 1.000 suất và 1.000.000 USD."),
	                    "Thương mại đạt 3,63 tỷ USD, tăng 2,3%. | Nga dành 1.000 suất và 1.000.000 USD.");
	assert_string_equal(split("Ký ngày 10.2.2017 tại Hà Nội. Sau đó về."), "Ký ngày 10.2.2017 tại Hà Nội. | Sau đó về.");
}

static void test_abbreviations_and_initials_do_not_end_sentences(void **state)
{
	assert_string_equal(split("Ông về TP. HCM hôm qua. Tổng thống V. Putin nói. TS. Lê Văn A phát biểu."),
	                    "Ông về TP. HCM hôm qua. | Tổng thống V. Putin nói. | TS. Lê Văn A phát biểu.");
	assert_string_equal(split("Tổng thống Nga V.Putin tại TP.HCM. Ảnh: TTXVN."),
	                    "Tổng thống Nga V.Putin tại TP.HCM. | Ảnh: TTXVN.");
}

static void test_quotations_are_not_split(void **state)
{
	assert_string_equal(split("Ông nói: “Chúng tôi sẵn sàng. Hợp tác sẽ tăng.” Sau đó ông rời đi."),
	                    "Ông nói: “Chúng tôi sẵn sàng. Hợp tác sẽ tăng.” | Sau đó ông rời đi.");
	assert_string_equal(split("Bà hỏi \"Thật sao? Vậy à.\" rồi cười. Mọi người im lặng."),
	                    "Bà hỏi \"Thật sao? Vậy à.\" rồi cười. | Mọi người im lặng.");
}

static void test_an_unclosed_quote_does_not_swallow_the_text(void **state)
{
	assert_string_equal(split("Ông nói “chúng tôi sẵn sàng. Hai bên ký kết. Xong."),
	                    "Ông nói “chúng tôi sẵn sàng. | Hai bên ký kết. | Xong.");
}

static void test_lowercase_after_a_dot_continues(void **state)
{
	assert_string_equal(split("Các ngành dầu khí, thương mại... và năng lượng. Hết."),
	                    "Các ngành dầu khí, thương mại... và năng lượng. | Hết.");
	assert_string_equal(split("khoa học - công nghệ... Tổng thống"), "khoa học - công nghệ... | Tổng thống");
}

static void test_spans_are_trimmed_and_exact(void **state)
{
	struct spans sp = {{0}};
	const char *t = "  Câu một.   Câu hai.  ";
	assert_int_equal(sentence_split(t, strlen(t), collect, &sp), 2);
	assert_string_equal(sp.out, "[2,13) [16,25)"); /* â and ộ take 2 and 3 bytes */
}

static void test_closing_quote_stays_with_its_sentence(void **state)
{
	assert_string_equal(split("Ông gọi đó là 'người bạn thân thiết.' Bà đồng ý."),
	                    "Ông gọi đó là 'người bạn thân thiết.' | Bà đồng ý.");
}

/* A straight single quote opens a quotation only after a space or an opener,
 * whatever the character before it is made of: a no-break space (two bytes)
 * counts as a space, a Vietnamese letter (two or three bytes) does not. */
static void test_a_single_quote_opens_only_after_a_space(void **state)
{
	assert_string_equal(split("Anh gọi\u00A0'ông Nam. Bình' là bạn. Họ cười."),
	                    "Anh gọi\u00A0'ông Nam. Bình' là bạn. | Họ cười.");
	assert_string_equal(split("Anh gọi'ông Nam. Bình' là bạn."),
	                    "Anh gọi'ông Nam. | Bình' là bạn.");
	assert_string_equal(split("Chữ Đ'ông Nam. Bình' ở đây."), "Chữ Đ'ông Nam. | Bình' ở đây.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splits_at_full_stops_before_capitals),
		cmocka_unit_test(test_numbers_do_not_end_sentences),
		cmocka_unit_test(test_abbreviations_and_initials_do_not_end_sentences),
		cmocka_unit_test(test_quotations_are_not_split),
		cmocka_unit_test(test_an_unclosed_quote_does_not_swallow_the_text),
		cmocka_unit_test(test_lowercase_after_a_dot_continues),
		cmocka_unit_test(test_spans_are_trimmed_and_exact),
		cmocka_unit_test(test_closing_quote_stays_with_its_sentence),
		cmocka_unit_test(test_a_single_quote_opens_only_after_a_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
