/* test_sched.c: cron parsing and next-run times against a table of
 * expressions and expected local times (written with their UTC offset, so
 * the expectations do not come from the code under test), in zones with and
 * without daylight saving; every, catch-up, jitter and overlap decisions. */
#include "testutil.h"

#include <time.h>

#include "schedule.h"

/* "2024-03-31 03:00 +0200" -> seconds since the epoch. */
static time_t at(const char *s)
{
	int y, mo, d, h, mi, off;
	char sign;
	if (sscanf(s, "%d-%d-%d %d:%d %c%d", &y, &mo, &d, &h, &mi, &sign, &off) != 7)
		fail_msg("bad time in the table: %s", s);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	time_t t = timegm(&tm);
	long secs = (off / 100) * 3600 + (off % 100) * 60;
	return sign == '-' ? t + secs : t - secs;
}

static void set_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

struct next_case {
	const char *tz, *expr, *after, *expected; /* expected NULL: never */
};

static const struct next_case next_cases[] = {
	/* steps, ranges, lists */
	{"Europe/Berlin", "*/15 * * * *", "2024-01-10 10:07 +0100", "2024-01-10 10:15 +0100"},
	{"Europe/Berlin", "*/15 * * * *", "2024-01-10 10:15 +0100", "2024-01-10 10:30 +0100"},
	{"Europe/Berlin", "5,10,50 1,13 * * *", "2024-01-10 13:10 +0100", "2024-01-10 13:50 +0100"},
	{"Europe/Berlin", "5,10,50 1,13 * * *", "2024-01-10 13:50 +0100", "2024-01-11 01:05 +0100"},
	{"Europe/Berlin", "0 9-17/4 * * 1-5", "2024-01-12 14:00 +0100", "2024-01-12 17:00 +0100"},
	{"Europe/Berlin", "0 9-17/4 * * 1-5", "2024-01-12 17:00 +0100", "2024-01-15 09:00 +0100"},
	{"Europe/Berlin", "10/20 * * * *", "2024-01-10 10:31 +0100", "2024-01-10 10:50 +0100"},
	/* month ends and leap days */
	{"Europe/Berlin", "0 12 31 * *", "2024-04-01 00:00 +0200", "2024-05-31 12:00 +0200"},
	{"Europe/Berlin", "59 23 30 * *", "2024-02-01 00:00 +0100", "2024-03-30 23:59 +0100"},
	{"Europe/Berlin", "0 0 29 2 *", "2023-03-01 00:00 +0100", "2024-02-29 00:00 +0100"},
	{"Europe/Berlin", "0 0 29 2 *", "2024-02-29 00:00 +0100", "2028-02-29 00:00 +0100"},
	{"Europe/Berlin", "0 0 1 1 *", "2024-12-31 23:59 +0100", "2025-01-01 00:00 +0100"},
	{"Europe/Berlin", "0 0 30 2 *", "2024-01-01 00:00 +0100", NULL},
	/* day of month OR day of week when both are restricted */
	{"Europe/Berlin", "0 0 13 * 5", "2024-01-01 00:00 +0100", "2024-01-05 00:00 +0100"},
	{"Europe/Berlin", "0 0 13 * 5", "2024-02-10 00:00 +0100", "2024-02-13 00:00 +0100"},
	{"Europe/Berlin", "0 0 13 * *", "2024-01-01 00:00 +0100", "2024-01-13 00:00 +0100"},
	{"Europe/Berlin", "0 0 * * 0", "2024-01-01 00:00 +0100", "2024-01-07 00:00 +0100"},
	{"Europe/Berlin", "0 0 * * 7", "2024-01-01 00:00 +0100", "2024-01-07 00:00 +0100"},
	/* a day field that starts with '*' does not take part in the OR */
	{"Europe/Berlin", "0 0 */2 * 1", "2024-01-01 00:00 +0100", "2024-01-08 00:00 +0100"},
	/* spring forward (Berlin 2024-03-31 02:00 -> 03:00): a skipped minute fires at the shift */
	{"Europe/Berlin", "30 2 * * *", "2024-03-30 03:00 +0100", "2024-03-31 03:00 +0200"},
	{"Europe/Berlin", "30 2 * * *", "2024-03-31 03:00 +0200", "2024-04-01 02:30 +0200"},
	{"Europe/Berlin", "*/15 * * * *", "2024-03-31 01:50 +0100", "2024-03-31 03:00 +0200"},
	{"Europe/Berlin", "*/15 * * * *", "2024-03-31 03:00 +0200", "2024-03-31 03:15 +0200"},
	/* fall back (Berlin 2024-10-27 03:00 CEST -> 02:00 CET): the first occurrence, once */
	{"Europe/Berlin", "30 2 * * *", "2024-10-26 12:00 +0200", "2024-10-27 02:30 +0200"},
	{"Europe/Berlin", "30 2 * * *", "2024-10-27 02:30 +0200", "2024-10-28 02:30 +0100"},
	{"Europe/Berlin", "0 * * * *", "2024-10-27 02:00 +0200", "2024-10-27 03:00 +0100"},
	{"America/New_York", "0 2 * * *", "2024-03-09 12:00 -0500", "2024-03-10 03:00 -0400"},
	{"America/New_York", "0 1 * * *", "2024-11-03 00:30 -0400", "2024-11-03 01:00 -0400"},
	{"America/New_York", "0 1 * * *", "2024-11-03 01:00 -0400", "2024-11-04 01:00 -0500"},
	/* Vietnam: no daylight saving */
	{"Asia/Ho_Chi_Minh", "0 8 * * *", "2024-06-01 08:00 +0700", "2024-06-02 08:00 +0700"},
	{"Asia/Ho_Chi_Minh", "0 2 * * *", "2024-03-30 12:00 +0700", "2024-03-31 02:00 +0700"},
};

static void test_cron_next_matches_the_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof next_cases / sizeof next_cases[0]; i++) {
		const struct next_case *c = &next_cases[i];
		set_zone(c->tz);
		struct sched_cron cron;
		char err[256];
		if (sched_cron_parse(c->expr, &cron, err, sizeof err))
			fail_msg("case %zu '%s': %s", i, c->expr, err);
		time_t got = sched_cron_next(&cron, at(c->after));
		time_t want = c->expected ? at(c->expected) : (time_t)-1;
		if (got != want) {
			char g[64] = "never";
			struct tm tm;
			if (got != (time_t)-1 && localtime_r(&got, &tm))
				strftime(g, sizeof g, "%Y-%m-%d %H:%M %z", &tm);
			fail_msg("case %zu (%s) '%s' after %s: want %s, got %s", i, c->tz, c->expr, c->after,
			         c->expected ? c->expected : "never", g);
		}
	}
	set_zone("UTC");
}

static void test_cron_parse_refuses_bad_fields_naming_them(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{"60 * * * *", "field 1 (minute)"},  {"* 24 * * *", "field 2 (hour)"},
		{"* * 0 * *", "field 3 (day of month)"}, {"* * * 13 *", "field 4 (month)"},
		{"* * * * 8", "field 5 (day of week)"}, {"5-1 * * * *", "field 1"},
		{"*/0 * * * *", "field 1"},             {"1,,2 * * * *", "field 1"},
		{"* * * *", "five fields"},             {"* * * * * *", "five fields"},
		{"", "five fields"},                    {"a * * * *", "field 1"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sched_cron c;
		char err[256] = "";
		if (sched_cron_parse(bad[i][0], &c, err, sizeof err) != -1)
			fail_msg("'%s' was accepted", bad[i][0]);
		if (!strstr(err, bad[i][1]))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i][0], err, bad[i][1]);
	}
}

static void test_cron_fields_become_bit_sets(void **state)
{
	(void)state;
	struct sched_cron c;
	char err[256];
	assert_int_equal(sched_cron_parse("*/20 1-3,23 1,31 2 0,7", &c, err, sizeof err), 0);
	assert_true(c.minutes == ((1ull << 0) | (1ull << 20) | (1ull << 40)));
	assert_int_equal(c.hours, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 23));
	assert_int_equal(c.mdays, (1u << 1) | (1u << 31));
	assert_int_equal(c.months, 1u << 2);
	assert_int_equal(c.wdays, 1u << 0);
	assert_false(c.mday_star);
	assert_false(c.wday_star);
}

static struct plugin_job job_of(const char *every, const char *cron, const char *overlap, long maxp,
                                bool catch_up)
{
	struct plugin_job j = {.name = "j", .every = (char *)every, .cron = (char *)cron,
	                       .overlap = (char *)overlap, .max_parallel = maxp, .catch_up = catch_up};
	return j;
}

static void test_every_adds_its_interval(void **state)
{
	(void)state;
	struct plugin_job j = job_of("10m", NULL, NULL, 0, false);
	struct sched_spec s;
	char err[256];
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	assert_int_equal(s.kind, SCHED_EVERY);
	assert_true(sched_next(&s, 1000.0) == 1600.0);
	assert_int_equal(s.overlap, SCHED_OVERLAP_SKIP);
}

static void test_catch_up_owes_one_run_for_all_missed(void **state)
{
	(void)state;
	set_zone("Europe/Berlin");
	struct sched_spec s;
	char err[256];
	struct plugin_job j = job_of("1h", NULL, NULL, 0, true);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	/* last at 0, now 5.5 h later: the latest missed is at 5 h */
	assert_true(sched_missed(&s, 3600.0, 3600.0 + 5.5 * 3600) == 3600.0 + 5 * 3600);
	assert_true(sched_missed(&s, 3600.0, 3600.0 + 1800) == -1);
	assert_true(sched_missed(&s, 0, 99999.0) == -1); /* never ran: nothing owed */

	j = job_of(NULL, "0 2 * * *", NULL, 0, true);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	double last = (double)at("2024-05-01 02:00 +0200"), now = (double)at("2024-05-04 09:00 +0200");
	assert_true(sched_missed(&s, last, now) == (double)at("2024-05-04 02:00 +0200"));
	/* a yearly run missed long ago is still found */
	j = job_of(NULL, "0 0 1 1 *", NULL, 0, true);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	last = (double)at("2023-01-01 00:00 +0100");
	now = (double)at("2024-06-01 00:00 +0200");
	assert_true(sched_missed(&s, last, now) == (double)at("2024-01-01 00:00 +0100"));

	j = job_of(NULL, "0 2 * * *", NULL, 0, false);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	assert_true(sched_missed(&s, (double)at("2024-05-01 02:00 +0200"),
	                         (double)at("2024-05-04 09:00 +0200")) == -1);
	set_zone("UTC");
}

static void test_overlap_policies_decide(void **state)
{
	(void)state;
	struct sched_spec s;
	char err[256];
	struct plugin_job j = job_of("1s", NULL, "skip", 0, false);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	assert_int_equal(sched_overlap_decide(&s, 0), SCHED_RUN);
	assert_int_equal(sched_overlap_decide(&s, 1), SCHED_SKIP);
	j = job_of("1s", NULL, "queue", 0, false);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	assert_int_equal(sched_overlap_decide(&s, 1), SCHED_ENQUEUE);
	j = job_of("1s", NULL, "parallel", 3, false);
	assert_int_equal(sched_spec_from_job(&j, &s, err, sizeof err), 0);
	assert_int_equal(sched_overlap_decide(&s, 2), SCHED_RUN);
	assert_int_equal(sched_overlap_decide(&s, 3), SCHED_SKIP);
}

static void test_jitter_stays_in_range_and_varies(void **state)
{
	(void)state;
	struct sched_spec s = {.kind = SCHED_EVERY, .every = 60, .jitter = 30};
	uint64_t rng = 42;
	double lo = 1e9, hi = -1;
	for (int i = 0; i < 1000; i++) {
		double d = sched_jitter(&s, &rng);
		assert_true(d >= 0 && d < 30);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(lo < 3 && hi > 27);
	s.jitter = 0;
	assert_true(sched_jitter(&s, &rng) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cron_next_matches_the_table),
		cmocka_unit_test(test_cron_parse_refuses_bad_fields_naming_them),
		cmocka_unit_test(test_cron_fields_become_bit_sets),
		cmocka_unit_test(test_every_adds_its_interval),
		cmocka_unit_test(test_catch_up_owes_one_run_for_all_missed),
		cmocka_unit_test(test_overlap_policies_decide),
		cmocka_unit_test(test_jitter_stays_in_range_and_varies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
