/* api_time.c: trang.time, the current time and ISO 8601 dates and times.
 * Calendar arithmetic is done here (proleptic Gregorian, no time zone
 * database): results never depend on TZ or the locale. Offsets are minutes
 * east of UTC; an ISO string without a zone is taken at the caller's default
 * offset, else UTC. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lua_state.h"

#define MAX_EPOCH 253402300799.0 /* 9999-12-31T23:59:59Z */

struct civil {
	int year, month, day, hour, min, sec;
	double frac;   /* fraction of a second, 0 <= frac < 1 */
	int offset;    /* minutes east of UTC */
	bool has_time, has_offset;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Parses "Z", "+07:00", "+0700" or "+07" at *p into minutes. */
static bool parse_offset(const char **p, int *minutes)
{
	const char *s = *p;
	if (*s == 'Z' || *s == 'z') {
		*minutes = 0;
		*p = s + 1;
		return true;
	}
	if (*s != '+' && *s != '-')
		return false;
	int sign = *s == '-' ? -1 : 1, hh, mm = 0;
	s++;
	if (!digits(&s, 2, &hh))
		return false;
	if (*s == ':') {
		s++;
		if (!digits(&s, 2, &mm))
			return false;
	} else if (s[0] >= '0' && s[0] <= '9') {
		if (!digits(&s, 2, &mm))
			return false;
	}
	if (hh > 23 || mm > 59)
		return false;
	*minutes = sign * (hh * 60 + mm);
	*p = s;
	return true;
}

/* Parses an ISO 8601 date or date-time; on failure writes why. */
static bool parse_iso(const char *s, struct civil *c, const char **why)
{
	const char *p = s;
	memset(c, 0, sizeof *c);
	*why = "not an ISO 8601 date (expected YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM])";
	if (!digits(&p, 4, &c->year))
		return false;
	if (*p == '-') {
		p++;
		if (!digits(&p, 2, &c->month) || *p++ != '-' || !digits(&p, 2, &c->day))
			return false;
	} else if (!digits(&p, 2, &c->month) || !digits(&p, 2, &c->day)) {
		return false;
	}
	if (*p == 'T' || *p == 't' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) {
		p++;
		c->has_time = true;
		if (!digits(&p, 2, &c->hour) || *p++ != ':' || !digits(&p, 2, &c->min))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &c->sec))
				return false;
			if (*p == '.' || *p == ',') {
				double scale = 0.1;
				p++;
				if (*p < '0' || *p > '9')
					return false;
				for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
					c->frac += (*p - '0') * scale;
			}
		}
		if (*p) {
			if (!parse_offset(&p, &c->offset))
				return false;
			c->has_offset = true;
		}
	}
	if (*p != '\0')
		return false;
	*why = "date or time out of range";
	if (c->month < 1 || c->month > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->month) || c->hour > 23 || c->min > 59 ||
	    c->sec > 60)
		return false;
	return true;
}

static double civil_epoch(const struct civil *c)
{
	long long days = days_from_civil(c->year, c->month, c->day);
	return (double)(days * 86400 + c->hour * 3600 + c->min * 60 + c->sec - c->offset * 60) +
	       c->frac;
}

/* Pushes the offset argument at idx (minutes, or "Z"/"+07:00"); dflt if absent. */
static int check_offset(lua_State *L, int idx, int dflt)
{
	if (lua_isnoneornil(L, idx))
		return dflt;
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		int m;
		if (!parse_offset(&s, &m) || *s)
			luaL_argerror(L, idx, "offset must be minutes or like 'Z', '+07:00'");
		return m;
	}
	lua_Integer m = luaL_checkinteger(L, idx);
	luaL_argcheck(L, m > -24 * 60 && m < 24 * 60, idx, "offset out of range");
	return (int)m;
}

static void push_fail(lua_State *L, const char *message, const char *code)
{
	luaL_pushfail(L);
	lua_pushstring(L, message);
	lua_pushstring(L, code);
}

/* time.now() -> seconds since the epoch (UTC), with a fraction */
static int time_now(lua_State *L)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
	return 1;
}

/* time.parse(s [, default_offset]) -> {year, month, day, hour, min, sec, frac,
 * offset, has_time, epoch} | nil, message, code. offset is nil when s names no
 * zone; epoch then uses default_offset (else UTC). */
static int time_parse(lua_State *L)
{
	const char *s = luaL_checkstring(L, 1);
	int dflt = check_offset(L, 2, 0);
	struct civil c;
	const char *why;
	if (!parse_iso(s, &c, &why)) {
		push_fail(L, why, strstr(why, "range") ? "ERANGE" : "EFORMAT");
		return 3;
	}
	if (!c.has_offset)
		c.offset = dflt;
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, c.year);
	lua_setfield(L, -2, "year");
	lua_pushinteger(L, c.month);
	lua_setfield(L, -2, "month");
	lua_pushinteger(L, c.day);
	lua_setfield(L, -2, "day");
	lua_pushinteger(L, c.hour);
	lua_setfield(L, -2, "hour");
	lua_pushinteger(L, c.min);
	lua_setfield(L, -2, "min");
	lua_pushinteger(L, c.sec);
	lua_setfield(L, -2, "sec");
	lua_pushnumber(L, c.frac);
	lua_setfield(L, -2, "frac");
	if (c.has_offset) {
		lua_pushinteger(L, c.offset);
		lua_setfield(L, -2, "offset");
	}
	lua_pushboolean(L, c.has_time);
	lua_setfield(L, -2, "has_time");
	double e = civil_epoch(&c);
	if (c.frac == 0)
		lua_pushinteger(L, (lua_Integer)e);
	else
		lua_pushnumber(L, e);
	lua_setfield(L, -2, "epoch");
	return 1;
}

static int field_int(lua_State *L, int t, const char *k, int dflt, int lo, int hi)
{
	lua_getfield(L, t, k);
	int isnum;
	lua_Integer v = lua_tointegerx(L, -1, &isnum);
	bool absent = lua_isnil(L, -1);
	lua_pop(L, 1);
	if (absent && dflt != INT_MIN)
		return dflt;
	if (!isnum || v < lo || v > hi)
		luaL_error(L, "bad argument #1 to 'epoch' (field '%s' must be an integer in %d..%d)", k,
		           lo, hi);
	return (int)v;
}

/* time.epoch(s_or_table [, default_offset]) -> seconds | nil, message, code */
static int time_epoch(lua_State *L)
{
	int dflt = check_offset(L, 2, 0);
	struct civil c = {0};
	if (lua_type(L, 1) == LUA_TTABLE) {
		c.year = field_int(L, 1, "year", INT_MIN, 0, 9999);
		c.month = field_int(L, 1, "month", 1, 1, 12);
		c.day = field_int(L, 1, "day", 1, 1, 31);
		c.hour = field_int(L, 1, "hour", 0, 0, 23);
		c.min = field_int(L, 1, "min", 0, 0, 59);
		c.sec = field_int(L, 1, "sec", 0, 0, 60);
		c.offset = field_int(L, 1, "offset", dflt, -24 * 60 + 1, 24 * 60 - 1);
		if (c.day > days_in_month(c.year, c.month)) {
			push_fail(L, "date or time out of range", "ERANGE");
			return 3;
		}
	} else {
		const char *why;
		if (!parse_iso(luaL_checkstring(L, 1), &c, &why)) {
			push_fail(L, why, strstr(why, "range") ? "ERANGE" : "EFORMAT");
			return 3;
		}
		if (!c.has_offset)
			c.offset = dflt;
	}
	double e = civil_epoch(&c);
	if (c.frac == 0)
		lua_pushinteger(L, (lua_Integer)e);
	else
		lua_pushnumber(L, e);
	return 1;
}

/* time.format(epoch [, fmt [, offset]]) -> string. fmt understands %Y %m %d %H
 * %M %S %f (milliseconds) %j %F %T %z ("Z" or "+07:00") %s %%; the default is
 * "%Y-%m-%dT%H:%M:%S%z". */
static int time_format(lua_State *L)
{
	double epoch = luaL_checknumber(L, 1);
	const char *fmt = luaL_optstring(L, 2, "%Y-%m-%dT%H:%M:%S%z");
	int offset = check_offset(L, 3, 0);
	luaL_argcheck(L, isfinite(epoch) && fabs(epoch) <= MAX_EPOCH, 1, "epoch out of range");
	double local = epoch + offset * 60.0;
	double whole = floor(local);
	long long secs = (long long)whole;
	int ms = (int)((local - whole) * 1000.0);
	long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	long long rem = secs - days * 86400;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	int hh = (int)(rem / 3600), mi = (int)(rem / 60 % 60), ss = (int)(rem % 60);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	char tmp[64];
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			luaL_addchar(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'Y': snprintf(tmp, sizeof tmp, "%04d", y); break;
		case 'm': snprintf(tmp, sizeof tmp, "%02d", m); break;
		case 'd': snprintf(tmp, sizeof tmp, "%02d", d); break;
		case 'H': snprintf(tmp, sizeof tmp, "%02d", hh); break;
		case 'M': snprintf(tmp, sizeof tmp, "%02d", mi); break;
		case 'S': snprintf(tmp, sizeof tmp, "%02d", ss); break;
		case 'f': snprintf(tmp, sizeof tmp, "%03d", ms); break;
		case 'F': snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d); break;
		case 'T': snprintf(tmp, sizeof tmp, "%02d:%02d:%02d", hh, mi, ss); break;
		case 'j':
			snprintf(tmp, sizeof tmp, "%03lld", days - days_from_civil(y, 1, 1) + 1);
			break;
		case 's': snprintf(tmp, sizeof tmp, "%lld", (long long)floor(epoch)); break;
		case 'z':
			if (offset == 0)
				snprintf(tmp, sizeof tmp, "Z");
			else
				snprintf(tmp, sizeof tmp, "%c%02d:%02d", offset < 0 ? '-' : '+',
				         abs(offset) / 60, abs(offset) % 60);
			break;
		case '%': snprintf(tmp, sizeof tmp, "%%"); break;
		default:
			return luaL_argerror(L, 2, lua_pushfstring(L, "invalid conversion '%%%c' in format",
			                                           *p ? *p : ' '));
		}
		luaL_addstring(&b, tmp);
	}
	luaL_pushresult(&b);
	return 1;
}

int luaopen_trang_time(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"now", time_now},     {"parse", time_parse}, {"epoch", time_epoch},
		{"format", time_format}, {NULL, NULL},
	};
	luaL_newlib(L, funcs);
	return 1;
}
