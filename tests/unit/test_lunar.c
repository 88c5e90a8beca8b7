#include "testutil.h"

/* test_lunar.c: the Vietnamese lunisolar calendar (host/lunar.c) against
 * published dates of Tết, leap months and festivals, and a round trip over
 * every day of 1900-2100. */
#include "lunar.h"

struct solar {
	int y, m, d;
};

static void expect_lunar(int ld, int lm, int ly, bool leap, double tz, int y, int m, int d)
{
	int sy, sm, sd;
	if (lunar_to_solar(ld, lm, ly, leap, tz, &sy, &sm, &sd))
		fail_msg("lunar %d/%d%s/%d does not exist", ld, lm, leap ? "+" : "", ly);
	if (sy != y || sm != m || sd != d)
		fail_msg("lunar %d/%d%s/%d (UTC+%g) is %04d-%02d-%02d, expected %04d-%02d-%02d", ld, lm,
			leap ? "+" : "", ly, tz, sy, sm, sd, y, m, d);
}

static void test_tet_matches_published_dates(void **state)
{
	(void)state;
	/* first day of the year, Vietnam; from the government calendar */
	static const struct solar tet[] = {
		{2000, 2, 5}, {2001, 1, 24}, {2002, 2, 12}, {2003, 2, 1}, {2004, 1, 22},
		{2005, 2, 9}, {2006, 1, 29}, {2007, 2, 17}, {2008, 2, 7}, {2009, 1, 26},
		{2010, 2, 14}, {2011, 2, 3}, {2012, 1, 23}, {2013, 2, 10}, {2014, 1, 31},
		{2015, 2, 19}, {2016, 2, 8}, {2017, 1, 28}, {2018, 2, 16}, {2019, 2, 5},
		{2020, 1, 25}, {2021, 2, 12}, {2022, 2, 1}, {2023, 1, 22}, {2024, 2, 10},
		{2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6}, {2028, 1, 26}, {2029, 2, 13},
	};
	for (size_t i = 0; i < sizeof tet / sizeof tet[0]; i++)
		expect_lunar(1, 1, tet[i].y, false, LUNAR_TZ_VIETNAM, tet[i].y, tet[i].m, tet[i].d);
}

static void test_tet_differs_between_vietnam_and_china_where_history_says(void **state)
{
	(void)state;
	/* 1985: the new moon fell just after midnight in UTC+7's neighbour */
	expect_lunar(1, 1, 1985, false, LUNAR_TZ_VIETNAM, 1985, 1, 21);
	expect_lunar(1, 1, 1985, false, 8.0, 1985, 2, 20);
	/* 1968 (Tết Mậu Thân): North Vietnam had moved to UTC+7 */
	expect_lunar(1, 1, 1968, false, LUNAR_TZ_VIETNAM, 1968, 1, 29);
	expect_lunar(1, 1, 1968, false, 8.0, 1968, 1, 30);
	/* 2007: Vietnam a day before China */
	expect_lunar(1, 1, 2007, false, 8.0, 2007, 2, 18);
}

static void test_leap_months_and_festivals(void **state)
{
	(void)state;
	/* leap months: 4 in 2020, 2 in 2023, 6 in 2025 */
	expect_lunar(1, 4, 2020, true, LUNAR_TZ_VIETNAM, 2020, 5, 23);
	expect_lunar(1, 2, 2023, true, LUNAR_TZ_VIETNAM, 2023, 3, 22);
	expect_lunar(1, 6, 2025, true, LUNAR_TZ_VIETNAM, 2025, 7, 25);
	/* Trung thu 2024, Giỗ Tổ 2024 and 2021, Vu Lan 2024 */
	expect_lunar(15, 8, 2024, false, LUNAR_TZ_VIETNAM, 2024, 9, 17);
	expect_lunar(10, 3, 2024, false, LUNAR_TZ_VIETNAM, 2024, 4, 18);
	expect_lunar(10, 3, 2021, false, LUNAR_TZ_VIETNAM, 2021, 4, 21);
	expect_lunar(15, 7, 2024, false, LUNAR_TZ_VIETNAM, 2024, 8, 18);
	int y, m, d;
	/* no leap month 5 in 2024; no lunar year 1899 */
	assert_int_equal(lunar_to_solar(1, 5, 2024, true, LUNAR_TZ_VIETNAM, &y, &m, &d), -1);
	assert_int_equal(lunar_to_solar(1, 1, 1899, false, LUNAR_TZ_VIETNAM, &y, &m, &d), -1);
	assert_int_equal(lunar_to_solar(31, 1, 2024, false, LUNAR_TZ_VIETNAM, &y, &m, &d), -1);
}

static void test_solar_to_lunar_knows_leap_months(void **state)
{
	(void)state;
	int ld, lm, ly;
	bool leap;
	assert_int_equal(lunar_from_solar(2023, 3, 22, LUNAR_TZ_VIETNAM, &ld, &lm, &ly, &leap), 0);
	assert_true(ld == 1 && lm == 2 && ly == 2023 && leap);
	assert_int_equal(lunar_from_solar(2024, 2, 9, LUNAR_TZ_VIETNAM, &ld, &lm, &ly, &leap), 0);
	assert_true(ld == 30 && lm == 12 && ly == 2023 && !leap);
	assert_int_equal(lunar_from_solar(2025, 1, 29, LUNAR_TZ_VIETNAM, &ld, &lm, &ly, &leap), 0);
	assert_true(ld == 1 && lm == 1 && ly == 2025 && !leap);
}

/* Every day of 1900-2100 goes to the lunar calendar and back to itself; lunar
 * months have 29 or 30 days and years 12 or 13 months. */
static void test_round_trip_every_day_1900_2100(void **state)
{
	(void)state;
	long first = lunar_jd_from_date(1900, 2, 1), last = lunar_jd_from_date(2100, 12, 31);
	int prev_ld = 0, month_len = 0;
	bool whole = false; /* the month being counted started inside the window */
	for (long jd = first; jd <= last; jd++) {
		int y, m, d, ld, lm, ly, sy, sm, sd;
		bool leap;
		lunar_jd_to_date(jd, &y, &m, &d);
		assert_int_equal(lunar_jd_from_date(y, m, d), jd);
		if (lunar_from_solar(y, m, d, LUNAR_TZ_VIETNAM, &ld, &lm, &ly, &leap))
			fail_msg("%04d-%02d-%02d has no lunar date", y, m, d);
		if (lunar_to_solar(ld, lm, ly, leap, LUNAR_TZ_VIETNAM, &sy, &sm, &sd) ||
			sy != y || sm != m || sd != d)
			fail_msg("%04d-%02d-%02d -> lunar %d/%d%s/%d -> %04d-%02d-%02d", y, m, d, ld, lm,
				leap ? "+" : "", ly, sy, sm, sd);
		if (ld == 1) {
			if (whole && (month_len < 29 || month_len > 30))
				fail_msg("lunar month before %04d-%02d-%02d has %d days", y, m, d, month_len);
			month_len = 0;
			whole = true;
		} else if (prev_ld && ld != prev_ld + 1) {
			fail_msg("%04d-%02d-%02d: lunar day %d after %d", y, m, d, ld, prev_ld);
		}
		month_len++;
		prev_ld = ld;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tet_matches_published_dates),
		cmocka_unit_test(test_tet_differs_between_vietnam_and_china_where_history_says),
		cmocka_unit_test(test_leap_months_and_festivals),
		cmocka_unit_test(test_solar_to_lunar_knows_leap_months),
		cmocka_unit_test(test_round_trip_every_day_1900_2100),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
