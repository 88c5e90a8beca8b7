/* sched_cron.h: five-field cron expressions ("0 2-4 1,15 * 1-5", with steps
 * like every 15th minute) and the next time one fires in the local time zone
 * (TZ), daylight-saving shifts handled as documented at sched_cron_next.
 * Pure C: no Lua, no loop. */
#ifndef TRANG_SCHED_CRON_H
#define TRANG_SCHED_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sched_cron {
	uint64_t minutes; /* bit m: minute m (0-59) */
	uint32_t hours;   /* bit h (0-23) */
	uint32_t mdays;   /* bit d (1-31) */
	uint16_t months;  /* bit m (1-12) */
	uint8_t wdays;    /* bit w (0-6, Sunday 0; 7 is read as 0) */
	/* A day field starting with '*' is unrestricted. When both day fields are
	 * restricted a day matches if EITHER does (the classic cron OR rule). */
	bool mday_star, wday_star;
};

/* Parses minute hour day-of-month month day-of-week. Each field is a list of
 * `*`, `N`, `A-B`, each optionally `/STEP`. 0, or -1 with a message naming
 * the field in err. */
int sched_cron_parse(const char *expr, struct sched_cron *c, char *err, size_t errlen);

/* True if the local calendar minute (tm fields) matches. */
bool sched_cron_matches(const struct sched_cron *c, const struct tm *tm);

/* The first firing strictly after `after` (seconds since the epoch), or -1
 * when none exists within nine years (e.g. "0 0 30 2 *").
 * Daylight saving: each local wall-clock minute fires at most once. A minute
 * the clock skips (spring forward, 02:30 in Europe/Berlin) fires at the
 * first instant after the shift (03:00); several skipped minutes fire once.
 * A minute the clock repeats (fall back) fires at its first occurrence. */
time_t sched_cron_next(const struct sched_cron *c, time_t after);

#endif
