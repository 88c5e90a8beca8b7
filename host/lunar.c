/* lunar.c: Vietnamese lunisolar calendar (see lunar.h). Month starts are the
 * days (at the time zone) of astronomical new moons; month 11 holds the winter
 * solstice; in a 13-month year the first month without a major solar term is
 * the leap month. New moons and the sun's longitude follow Meeus's formulas. */
#include "lunar.h"

#include <math.h>

static const double PI = 3.14159265358979323846;

long lunar_jd_from_date(int y, int m, int d)
{
	long a = (14 - m) / 12;
	long yy = y + 4800 - a;
	long mm = m + 12 * a - 3;
	return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

void lunar_jd_to_date(long jd, int *year, int *month, int *day)
{
	long a = jd + 32044;
	long b = (4 * a + 3) / 146097;
	long c = a - b * 146097 / 4;
	long d = (4 * c + 3) / 1461;
	long e = c - 1461 * d / 4;
	long m = (5 * e + 2) / 153;
	*day = (int)(e - (153 * m + 2) / 5 + 1);
	*month = (int)(m + 3 - 12 * (m / 10));
	*year = (int)(b * 100 + d - 4800 + m / 10);
}

/* Julian date (with fraction, UT) of the k-th new moon after 1900-01-01. */
static double new_moon(long k)
{
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T, dr = PI / 180;
	double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
	jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
	double M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
	double Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
	double F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
	double C1 = (0.1734 - 0.000393 * T) * sin(M * dr) + 0.0021 * sin(2 * dr * M);
	C1 = C1 - 0.4068 * sin(Mpr * dr) + 0.0161 * sin(dr * 2 * Mpr);
	C1 = C1 - 0.0004 * sin(dr * 3 * Mpr);
	C1 = C1 + 0.0104 * sin(dr * 2 * F) - 0.0051 * sin(dr * (M + Mpr));
	C1 = C1 - 0.0074 * sin(dr * (M - Mpr)) + 0.0004 * sin(dr * (2 * F + M));
	C1 = C1 - 0.0004 * sin(dr * (2 * F - M)) - 0.0006 * sin(dr * (2 * F + Mpr));
	C1 = C1 + 0.0010 * sin(dr * (2 * F - Mpr)) + 0.0005 * sin(dr * (2 * Mpr + M));
	double deltat;
	if (T < -11)
		deltat = 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3;
	else
		deltat = -0.000278 + 0.000265 * T + 0.000262 * T2;
	return jd1 + C1 - deltat;
}

/* Day number (at tz) of the k-th new moon. */
static long new_moon_day(long k, double tz)
{
	return (long)floor(new_moon(k) + 0.5 + tz / 24);
}

/* The sun's longitude at the start of day jdn (at tz), as the index 0..11 of
 * the 30-degree sector it is in. */
static int sun_sector(long jdn, double tz)
{
	double T = (jdn - 0.5 - tz / 24 - 2451545.0) / 36525, T2 = T * T, dr = PI / 180;
	double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
	double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
	double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * sin(dr * M);
	DL += (0.019993 - 0.000101 * T) * sin(dr * 2 * M) + 0.000290 * sin(dr * 3 * M);
	double L = (L0 + DL) * dr;
	L -= PI * 2 * floor(L / (PI * 2));
	return (int)floor(L / PI * 6);
}

/* Start day of lunar month 11 (the one holding the winter solstice) of year y. */
static long month11(int y, double tz)
{
	long off = lunar_jd_from_date(y, 12, 31) - 2415021;
	long k = (long)floor(off / 29.530588853);
	long nm = new_moon_day(k, tz);
	if (sun_sector(nm, tz) >= 9)
		nm = new_moon_day(k - 1, tz);
	return nm;
}

/* In the 13-month year starting at a11, the offset of the leap month. */
static int leap_offset(long a11, double tz)
{
	long k = (long)floor((a11 - 2415021.076998695) / 29.530588853 + 0.5);
	int i = 1, last;
	int arc = sun_sector(new_moon_day(k + i, tz), tz);
	do {
		last = arc;
		i++;
		arc = sun_sector(new_moon_day(k + i, tz), tz);
	} while (arc != last && i < 14);
	return i - 1;
}

int lunar_from_solar(int year, int month, int day, double tz, int *lday, int *lmonth, int *lyear,
	bool *leap)
{
	if (year < 1900 || year > 2100)
		return -1;
	long jd = lunar_jd_from_date(year, month, day);
	long k = (long)floor((jd - 2415021.076998695) / 29.530588853);
	/* k is an estimate: step back until the new moon is on or before the day */
	long start = new_moon_day(k + 1, tz);
	for (long back = k; start > jd && back > k - 3; back--)
		start = new_moon_day(back, tz);
	long a11 = month11(year, tz), b11 = a11;
	int ly;
	if (a11 >= start) {
		ly = year;
		a11 = month11(year - 1, tz);
	} else {
		ly = year + 1;
		b11 = month11(year + 1, tz);
	}
	*lday = (int)(jd - start + 1);
	int diff = (int)floor((start - a11) / 29.0);
	*leap = false;
	int m = diff + 11;
	if (b11 - a11 > 365) {
		int lo = leap_offset(a11, tz);
		if (diff >= lo) {
			m = diff + 10;
			if (diff == lo)
				*leap = true;
		}
	}
	if (m > 12)
		m -= 12;
	if (m >= 11 && diff < 4)
		ly -= 1;
	*lmonth = m;
	*lyear = ly;
	return 0;
}

int lunar_to_solar(int lday, int lmonth, int lyear, bool leap, double tz, int *year, int *month,
	int *day)
{
	if (lyear < 1900 || lyear > 2100 || lmonth < 1 || lmonth > 12 || lday < 1 || lday > 30)
		return -1;
	long a11, b11;
	if (lmonth < 11) {
		a11 = month11(lyear - 1, tz);
		b11 = month11(lyear, tz);
	} else {
		a11 = month11(lyear, tz);
		b11 = month11(lyear + 1, tz);
	}
	long k = (long)floor(0.5 + (a11 - 2415021.076998695) / 29.530588853);
	int off = lmonth - 11;
	if (off < 0)
		off += 12;
	if (b11 - a11 > 365) {
		int lo = leap_offset(a11, tz);
		int leap_month = lo - 2;
		if (leap_month < 0)
			leap_month += 12;
		if (leap && lmonth != leap_month)
			return -1;
		if (leap || off >= lo)
			off += 1;
	} else if (leap) {
		return -1;
	}
	long start = new_moon_day(k + off, tz);
	long next = new_moon_day(k + off + 1, tz);
	if (start + lday - 1 >= next)
		return -1; /* day 30 of a 29-day month */
	lunar_jd_to_date(start + lday - 1, year, month, day);
	return 0;
}
