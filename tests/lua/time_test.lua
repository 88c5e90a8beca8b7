-- Tests of trang.time, run by tests/unit/test_lua_api.c.
local time = require "trang.time"

local function eq(got, want, what)
	if got ~= want then
		error(string.format("%s: got %q, want %q", what, tostring(got), tostring(want)), 2)
	end
end

local t = time.parse("2024-02-29")
eq(t.year, 2024, "year") eq(t.month, 2, "month") eq(t.day, 29, "leap day")
eq(t.has_time, false, "a bare date has no time")
eq(t.offset, nil, "and no zone")
eq(t.epoch, 1709164800, "a bare date is midnight UTC")

t = time.parse("2024-01-05T10:20:30+07:00")
eq(t.hour, 10, "hour") eq(t.min, 20, "min") eq(t.sec, 30, "sec")
eq(t.offset, 420, "offset in minutes")
eq(t.epoch, 1704424830, "epoch honours the offset")
eq(time.parse("2024-01-05 10:20:30Z").epoch, 1704450030, "space separator and Z")
eq(time.parse("20240105T102030+0700") == nil, true, "basic time format is not accepted")
eq(time.parse("20240105").day, 5, "basic date YYYYMMDD")
eq(time.parse("2024-01-05T10:20:30.25-03:30").frac, 0.25, "fraction")
eq(time.parse("2024-01-05T10:20:30,5Z").epoch, 1704450030.5, "comma fraction, float epoch")
eq(time.parse("2024-01-05T10:20").sec, 0, "seconds optional")
eq(time.parse("2024-01-05T10:20", 420).epoch, 1704424800, "default offset for a time without zone")
eq(time.parse("2024-01-05T10:20", "+07:00").epoch, 1704424800, "default offset as a string")
eq(time.epoch("2024-01-05T10:20:30+07:00"), 1704424830, "time.epoch of a string")
eq(time.epoch({year = 2024, month = 1, day = 5, hour = 10, min = 20, sec = 30, offset = 420}), 1704424830, "time.epoch of a table")
eq(time.epoch({year = 1969, month = 12, day = 31, hour = 23}), -3600, "before 1970")

local v, msg, code = time.parse("2023-02-29")
eq(v, nil, "29 February of a common year fails")
eq(code, "ERANGE", "with ERANGE")
v, msg, code = time.parse("5/1/2024")
eq(code, "EFORMAT", "not ISO fails with EFORMAT")
assert(msg:find("ISO 8601"), "and says what it expected: " .. msg)
v, msg, code = time.parse("2024-01-05T25:00")
eq(code, "ERANGE", "hour 25")
v, msg, code = time.parse("2024-01-05T10:00+07:00 trailing")
eq(code, "EFORMAT", "trailing text")

eq(time.format(1704424830), "2024-01-05T03:20:30Z", "default format is ISO in UTC")
eq(time.format(1704424830, nil, 420), "2024-01-05T10:20:30+07:00", "with an offset")
eq(time.format(1704424830, "%d/%m/%Y %H:%M", "+07:00"), "05/01/2024 10:20", "a custom format")
eq(time.format(1704424830.5, "%T.%f"), "03:20:30.500", "milliseconds")
eq(time.format(-1, "%F %T"), "1969-12-31 23:59:59", "negative epochs")
eq(time.format(1709164800, "%j"), "060", "day of the year")
eq(time.format(0, "%s %%"), "0 %", "epoch and percent")
local ok, err = pcall(time.format, 0, "%Q")
assert(not ok and err:find("invalid conversion '%%Q'"), "an unknown conversion raises: " .. tostring(err))
ok, err = pcall(time.format, 1e300)
assert(not ok and err:find("out of range"), "a huge epoch raises: " .. tostring(err))

-- round trip over many days
for e = -86400 * 800, 86400 * 20000, 86400 * 37 + 3671 do
	eq(time.epoch(time.format(e, nil, -330)), e, "round trip of " .. e)
end

local now = time.now()
assert(math.type(now) == "float" and now > 1.7e9, "now is a float epoch")
return "time ok"
