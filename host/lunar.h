/* lunar.h: the Vietnamese lunisolar calendar (âm lịch), computed from new moons
 * and solar terms at a given time zone (UTC+7 for Vietnam, UTC+8 for China),
 * after the astronomical method Ho Ngoc Duc published. Good for 1900-2100. */
#ifndef TRANG_LUNAR_H
#define TRANG_LUNAR_H

#include <stdbool.h>

#define LUNAR_TZ_VIETNAM 7.0

/* Julian day number of a Gregorian date, and back. */
long lunar_jd_from_date(int year, int month, int day);
void lunar_jd_to_date(long jd, int *year, int *month, int *day);

/* The solar date of lunar day/month/year (leap: the intercalary month of that
 * number). Returns 0, or -1 when the lunar date does not exist (no such leap
 * month, day 30 of a 29-day month, year outside 1900-2100). */
int lunar_to_solar(int lday, int lmonth, int lyear, bool leap, double tz, int *year, int *month,
	int *day);

/* The lunar date of a solar date. Returns 0, or -1 outside 1900-2100. */
int lunar_from_solar(int year, int month, int day, double tz, int *lday, int *lmonth, int *lyear,
	bool *leap);

#endif
