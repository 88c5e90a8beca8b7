/* Reading one article: header blocks, dates, paragraph splitting and what
 * plain text says about title, captions, byline and source. */
#include "testutil.h"

#include "article.h"

static struct article parse(const char *text)
{
	struct article a;
	article_init(&a);
	assert_int_equal(article_parse_txt(&a, text, strlen(text)), 0);
	return a;
}

static const char *kinds(const struct article *a)
{
	static char out[512];
	out[0] = '\0';
	for (size_t i = 0; i < a->n_paras; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "",
		         article_para_kind_name(a->paras[i].kind));
	return out;
}

static void test_header_block_sets_fields_and_keeps_unknown_keys(void **state)
{
	struct article a = parse("title: Tiêu đề\ndate: 2020-10-01T16:35\nurl: https://x.vn/a\nauthor:\nsection: kinh-doanh\n\n"
	                         "Đoạn mở đầu.\n\nĐoạn hai.\n");
	assert_string_equal(a.field[FIELD_TITLE], "Tiêu đề");
	assert_string_equal(a.field[FIELD_DATE], "2020-10-01T16:35");
	assert_string_equal(a.field[FIELD_URL], "https://x.vn/a");
	assert_null(a.field[FIELD_AUTHOR]); /* empty stays NULL */
	assert_string_equal(json_string_value(json_object_get(a.extra, "section")), "kinh-doanh");
	assert_string_equal(kinds(&a), "title lead body");
	/* The header's title is a paragraph too, spanning the value's bytes. */
	assert_int_equal(a.paras[0].s, 7);
	assert_int_equal(a.paras[0].e, 7 + strlen("Tiêu đề"));
	assert_int_equal(a.paras[1].s, a.body_start);
	article_free(&a);
}

static void test_text_that_only_looks_like_a_header_is_body(void **state)
{
	struct article a = parse("Hà Nội: trời mưa to.\n\nNote: không phải tiêu đề.\n");
	assert_null(a.field[FIELD_TITLE]);
	assert_int_equal(a.body_start, 0);
	assert_int_equal(a.n_paras, 2);
	article_free(&a);
}

static void test_dates_in_the_forms_news_uses(void **state)
{
	char iso[17];
	assert_int_equal(article_read_date("25/02/2026 16:33", 16, iso), 16);
	assert_string_equal(iso, "2026-02-25T16:33");
	assert_int_equal(article_read_date("10.2.2017", 9, iso), 10);
	assert_string_equal(iso, "2017-02-10");
	const char *s = "Thứ Ba, 25/02/2026 16:33 (GMT+7)";
	assert_int_equal(article_read_date(s, strlen(s), iso), 16);
	assert_string_equal(iso, "2026-02-25T16:33");
	assert_int_equal(article_read_date("2024-02-29", 10, iso), 10);
	assert_int_equal(article_read_date("2023-02-29", 10, iso), 0); /* not a leap year */
	assert_int_equal(article_read_date("31/04/2024", 10, iso), 0);
	assert_int_equal(article_read_date("8/8", 3, iso), 0);          /* no year: not a publication date */
	assert_int_equal(article_read_date("25/02/2026 hôm qua", 18, iso), 0);
}

static void test_unreadable_header_date_is_null_with_a_warning(void **state)
{
	struct article a = parse("title: X\ndate: hôm qua\n\nThân bài.\n");
	assert_null(a.field[FIELD_DATE]);
	assert_non_null(strstr(a.warning, "hôm qua"));
	article_free(&a);
}

static void test_plain_text_title_dateline_caption_byline_source(void **state)
{
	struct article a = parse("Hai nhà lãnh đạo điện đàm\n\nThứ Năm, 08/08/2024 20:15\n\n"
	                         "(TTXVN) - Tối 8/8, hai nhà lãnh đạo điện đàm.\n\n"
	                         "Quang cảnh cuộc điện đàm (Ảnh: TTXVN).\n\nHai bên nhất trí tăng cường hợp tác.\n\n"
	                         "Minh Anh - Hoàng Nam\n\nTheo VOV\n");
	assert_string_equal(kinds(&a), "title dateline lead caption body byline source");
	assert_string_equal(a.field[FIELD_TITLE], "Hai nhà lãnh đạo điện đàm");
	assert_string_equal(a.field[FIELD_DATE], "2024-08-08T20:15");
	assert_string_equal(a.field[FIELD_AUTHOR], "Minh Anh - Hoàng Nam");
	assert_string_equal(a.field[FIELD_SOURCE], "VOV"); /* the closing source line is read before the (TTXVN) prefix */
	article_free(&a);
}

static void test_glued_byline_and_source(void **state)
{
	struct article a = parse("title: T\n\nMở đầu bài viết.\n\nThân bài.\n\nMinh PhươngTheo SCMP\n");
	assert_string_equal(kinds(&a), "title lead body byline");
	assert_string_equal(a.field[FIELD_AUTHOR], "Minh Phương");
	assert_string_equal(a.field[FIELD_SOURCE], "SCMP");
	article_free(&a);
}

static void test_wrapped_lines_join_one_paragraph(void **state)
{
	const char *t = "title: T\n\nMột câu dài được ngắt\ndòng giữa chừng.\nĐoạn mới.\n";
	struct article a = parse(t);
	assert_int_equal(a.n_paras, 3);
	assert_string_equal(kinds(&a), "title lead body");
	assert_memory_equal(a.nfc.data + a.paras[1].text_off, "Một câu dài được ngắt dòng giữa chừng.",
	                    a.paras[1].text_len);
	assert_int_equal(a.paras[1].s, 10);
	assert_int_equal(a.paras[1].e, strstr(t, "\nĐoạn") - t);
	article_free(&a);
}

static void test_nfd_text_reads_like_nfc(void **state)
{
	/* "Ảnh" and "Nguồn" written with combining marks. */
	struct article a = parse("title: T\n\nMở đầu.\n\nQuang cảnh (A\xcc\x89nh: TTXVN).\n\nNguo\xcc\x82\xcc\x80n VTV: https://vtv.vn/x\n");
	assert_string_equal(kinds(&a), "title lead caption source");
	assert_string_equal(a.field[FIELD_SOURCE], "VTV");
	assert_string_equal(a.field[FIELD_URL], "https://vtv.vn/x");
	assert_int_equal(a.paras[2].text_len, strlen("Quang cảnh (Ảnh: TTXVN)."));
	assert_memory_equal(a.nfc.data + a.paras[2].text_off, "Quang cảnh (Ảnh: TTXVN).", a.paras[2].text_len);
	article_free(&a);
}

static void test_sample_article_003(void **state)
{
	size_t n;
	char *raw = test_read_file("data/003_4a1d6724c2426e03.txt", &n);
	struct article a;
	article_init(&a);
	assert_int_equal(article_parse_txt(&a, raw, n), 0);
	assert_string_equal(kinds(&a), "title lead body caption body body body body body body caption body body body body");
	assert_string_equal(a.field[FIELD_DATE], "2026-02-25T16:33");
	assert_string_equal(a.field[FIELD_SOURCE], "PLO");
	assert_int_equal(a.paras[3].s, 673);
	assert_int_equal(a.paras[3].e, 760);
	article_free(&a);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_block_sets_fields_and_keeps_unknown_keys),
		cmocka_unit_test(test_text_that_only_looks_like_a_header_is_body),
		cmocka_unit_test(test_dates_in_the_forms_news_uses),
		cmocka_unit_test(test_unreadable_header_date_is_null_with_a_warning),
		cmocka_unit_test(test_plain_text_title_dateline_caption_byline_source),
		cmocka_unit_test(test_glued_byline_and_source),
		cmocka_unit_test(test_wrapped_lines_join_one_paragraph),
		cmocka_unit_test(test_nfd_text_reads_like_nfc),
		cmocka_unit_test(test_sample_article_003),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
