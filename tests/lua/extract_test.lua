-- Tests of trang.extract on the sample articles, run by
-- tests/unit/test_lua_extract.c; raises on the first wrong value.
local extract = require "trang.extract"

local function eq(got, want, what)
	if got ~= want then
		error(string.format("%s: got %s, want %s", what, tostring(got), tostring(want)), 2)
	end
end

local function read(path)
	local f = assert(io.open(path, "rb"))
	local s = f:read("a")
	f:close()
	return s
end

-- The item of list whose surface text is surf (after the text before, if given).
local function find(list, text, surf, before)
	for _, x in ipairs(list) do
		if x.text == surf and (not before or text:sub(x.s - #before, x.s - 1) == before) then
			return x
		end
	end
	error(string.format("no item spanning %q", surf), 2)
end

local function raises(pattern, f, ...)
	local ok, err = pcall(f, ...)
	if ok then error("expected an error matching " .. pattern, 2) end
	if not tostring(err):find(pattern) then
		error(string.format("error %q does not match %q", tostring(err), pattern), 2)
	end
end

-- ---- figures of the sample article 004 (Việt - Nga) ----
local art = read("data/004_db0d6097c09fedcf.txt")
local figs = extract.figures(art)

local f = find(figs, art, "3,63 tỷ USD")
eq(f.kind, "money", "3,63 tỷ USD kind") eq(f.value, 3630000000, "3,63 tỷ USD in base units")
eq(math.type(f.value), "integer", "a whole value is an integer")
eq(f.unit, "USD", "ISO 4217 unit")
eq(f.approx, nil, "no approx is nil, not false") eq(f.cmp, nil, "no cmp is nil")
eq(f.change, nil, "no change is nil") eq(f.base, nil, "no base is nil")
eq(f.lo, nil, "a single value has no lo") eq(f.num, nil, "only ratios have num")
eq(art:sub(f.s, f.e), "3,63 tỷ USD", "1-based inclusive span")

f = find(figs, art, "2,3%")
eq(f.kind, "percent", "2,3% kind") eq(f.value, 2.3, "2,3% value") eq(f.unit, "%", "percent unit")
eq(f.change, "+", "tăng is +") eq(f.base, "2022", "so với năm 2022 reduced to 2022")

f = find(figs, art, "1.000 suất")
eq(f.kind, "quantity", "1.000 suất kind") eq(f.value, 1000, "dot thousands") eq(f.unit, "suất", "counted noun")

f = find(figs, art, "khoảng 5.000 du học sinh")
eq(f.kind, "quantity", "du học sinh kind") eq(f.value, 5000, "5.000") eq(f.approx, true, "khoảng is approx")
eq(f.unit, "du học sinh", "multi-syllable unit")

f = find(figs, art, "khoảng 60.000-80.000 người")
eq(f.lo, 60000, "range lo") eq(f.hi, 80000, "range hi") eq(f.value, nil, "a range has no value")
eq(f.approx, true, "approx range") eq(f.unit, "người", "range unit")

for _, x in ipairs(figs) do
	eq(x.text:find("2023", 1, true) == x.text:find("năm 2023", 1, true), true,
		"năm 2023 is a date, not a figure")
end

-- ---- dates, with and without the article's date ----
local dates = extract.dates(art, {dct = "2024-08-09"})
local d = find(dates, art, "ngày 8/8")
eq(d.value, "2024-08-08", "ngày 8/8 takes the year nearest the DCT, not the next one")
eq(d.granularity, "day", "ngày 8/8 granularity") eq(d.rule, "nearest-to-dct", "ngày 8/8 rule")
eq(d.mod, nil, "no mod is nil") eq(d.weekday_agrees, nil, "no weekday: agreement nil")
eq(find(dates, art, "Tháng 6/1994").value, "1994-06", "Tháng 6/1994")
eq(find(dates, art, "Tháng 6/1994").granularity, "month", "Tháng 6/1994 granularity")
eq(find(dates, art, "năm 1950").value, "1950", "năm 1950")
d = find(dates, art, "tháng 6", "Hồi ")
eq(d.value, "2024-06", "Hồi tháng 6 is the June before the DCT")
eq(d.rule:find("past", 1, true) ~= nil, true, "Hồi tháng 6 resolved by a past cue: " .. d.rule)

eq(find(extract.dates(art), art, "ngày 8/8").value, "XXXX-08-08", "without a DCT dates stay partial")
eq(find(extract.dates(art, {dct = {year = 2024, month = 8, day = 9}}), art, "ngày 8/8").value,
	"2024-08-08", "a DCT table as trang.time.parse gives")

local art1 = read("data/001_896934f668629f3f.txt")
d = find(extract.dates(art1, {dct = "2026-01-25"}), art1, "Tối 24-1")
eq(d.value, "2026-01-24TEV", "Tối 24-1 is the evening of 24 January")
eq(art1:sub(d.s, d.e), "Tối 24-1", "Tối 24-1 span")

d = extract.dates("Thứ 2 (26/6) vừa qua", {dct = "2023-06-28"})[1]
eq(d.weekday, 1, "thứ 2 is Monday") eq(d.weekday_agrees, true, "26/6/2023 was a Monday")
d = extract.dates("ngày 3 - 8/7/2017")[1]
eq(d.lo, "2017-07-03", "range lo") eq(d.hi, "2017-07-08", "range hi")

-- ---- entities ----
local ents = extract.entities("Tổng Bí thư Tô Lâm điện đàm với Liên bang Nga")
eq(#ents, 2, "two entities")
eq(ents[1].kind, "person", "person") eq(ents[1].name, "Tô Lâm", "name without the title")
eq(ents[1].title, "Tổng Bí thư", "title") eq(ents[1].text, "Tổng Bí thư Tô Lâm", "whole span")
eq(ents[2].kind, "place", "place") eq(ents[2].title, nil, "no title is nil")

-- ---- all: one doc, the same results ----
local all = extract.all(art, {dct = "2024-08-09"})
eq(#all.figures, #figs, "all gives the figures") eq(#all.dates, #dates, "all gives the dates")
eq(#all.entities, #extract.entities(art), "all gives the entities")
eq(all.dates[1].value, dates[1].value, "all uses the DCT")
local empty = extract.all("")
eq(#empty.figures + #empty.dates + #empty.entities, 0, "empty text, empty results")

local r = extract.figures("460/466 đại biểu tán thành")[1]
eq(r.kind, "ratio", "ratio") eq(r.num, 460, "num") eq(r.den, 466, "den") eq(r.value, 460 / 466, "value")

-- ---- the lexicon of this state ----
local x = extract.figures("đón 300 du khách")[1]
eq(x.kind, "number", "du khách is not a unit yet") eq(x.unit, nil, "so no unit")
eq(extract.lexicon.get("unit", "du khách"), nil, "not in the lexicon")
eq(extract.lexicon.add("unit", "du khách"), true, "add a unit")
eq(extract.lexicon.get("unit", "Du Khách"), "du khách", "get ignores case")
x = extract.figures("đón 300 du khách")[1]
eq(x.kind, "quantity", "now a quantity") eq(x.unit, "du khách", "with the new unit")
eq(x.text, "300 du khách", "the span takes the unit in")

eq(extract.lexicon.add("currency", "bitcoin", "BTC"), true, "add a currency")
x = extract.figures("mua 2 bitcoin")[1]
eq(x.kind, "money", "bitcoin is money") eq(x.unit, "BTC", "its code")
eq(extract.lexicon.add("scale", "k", 1000), true, "a number value is taken as its string")
eq(extract.figures("giá vé 50k")[1].value, 50000, "the new scale")
eq(extract.lexicon.get("currency", "đô la Mỹ"), "USD", "built-in currency")
eq(extract.lexicon.get("approx", "khoảng"), true, "a kind without value gives true")
eq(extract.lexicon.add("future_cue", "kế hoạch", "before"), true, "add a cue")
eq(extract.dates("theo kế hoạch ngày 8/8", {dct = "2024-08-09"})[1].value, "2025-08-08",
	"the cue steers the year")

eq(extract.lexicon.add("entity", "Quỹ Tiền tệ Quốc tế", "org"), true, "extend the gazetteer")
eq(extract.lexicon.add("title", "Giám đốc điều hành", "person"), true, "add a title")
ents = extract.entities("theo Quỹ Tiền tệ Quốc tế, Giám đốc điều hành Kristalina Georgieva")
eq(#ents, 2, "the gazetteer name and the titled person")
eq(ents[1].kind, "org", "gazetteer kind") eq(ents[1].text, "Quỹ Tiền tệ Quốc tế", "gazetteer span")
eq(ents[2].name, "Kristalina Georgieva", "name after the new title")
eq(ents[2].title, "Giám đốc điều hành", "the new title")

local ok, msg, code = extract.lexicon.add("currency", "xu")
eq(ok, nil, "a currency needs a code") eq(code, "EINVAL", "EINVAL")
eq(msg:find("ISO 4217", 1, true) ~= nil, true, "the message says what is expected: " .. msg)
ok, msg, code = extract.lexicon.add("cmp", "hơn hẳn", "~")
eq(code, "EINVAL", "a bad comparison")

raises("bad argument #1 to 'trang.extract.lexicon.add' %(unknown lexicon kind 'units'",
	extract.lexicon.add, "units", "x")
raises("bad argument #2 to 'trang.extract.lexicon.add' %(phrase must have 1 to 8",
	extract.lexicon.add, "unit", "   ")
raises("phrase must have 1 to 8", extract.lexicon.add, "unit", "a b c d e f g h i")
raises("invalid UTF%-8 at byte 3", extract.lexicon.add, "unit", "ng\xe1\xbb")
raises("string expected", extract.lexicon.get, "unit")
raises("attempt to modify read%-only table 'trang.extract.lexicon'", function()
	extract.lexicon.add = nil
end)
raises("attempt to modify read%-only table 'trang.extract'", function() extract.all = nil end)

-- ---- arguments ----
raises("bad argument #1 to 'trang.extract.figures' %(invalid UTF%-8 at byte 6%)",
	extract.figures, "giá \xff 5 triệu")
raises("invalid UTF%-8 at byte 1", extract.all, "\xc3")
raises("bad argument #1 to 'trang.extract.dates' %(string expected, got nil%)", extract.dates, nil)
raises("unknown option 'dtc'", extract.dates, "ngày 8/8", {dtc = "2024-08-09"})
raises("dct '2024%-02%-30' is not a date", extract.all, "ngày 8/8", {dct = "2024-02-30"})
raises("dct must be", extract.dates, "ngày 8/8", {dct = 20240809})
raises("table expected", extract.figures, "5 người", "2024-08-09")

return "extract ok"
