-- Runs trang.extract.all over the files given (a list of paths, from
-- tests/unit/test_lua_extract.c) with each article's date as DCT, and checks
-- that every span cuts exactly its surface text out of the article. Returns
-- the counts and the CPU seconds spent inside extract.all.
local extract = require "trang.extract"

local paths = ...

local function fail(path, what, x)
	error(string.format("%s: %s (%s at %s-%s)", path, what, tostring(x.text), tostring(x.s),
		tostring(x.e)), 2)
end

-- s, e are integers, 1 <= s <= e <= #text, and text:sub(s, e) is x.text
-- and whole characters.
local function check_span(path, text, x)
	if math.type(x.s) ~= "integer" or math.type(x.e) ~= "integer" then
		fail(path, "span is not integers", x)
	end
	if x.s < 1 or x.e < x.s or x.e > #text then fail(path, "span outside the text", x) end
	if text:sub(x.s, x.e) ~= x.text then fail(path, "span does not cut its text", x) end
	if not utf8.len(x.text) then fail(path, "span cuts a character", x) end
end

local function check_figure(path, text, f)
	check_span(path, text, f)
	if f.value == nil and (f.lo == nil or f.hi == nil) then fail(path, "figure without value", f) end
	if f.unit == "" or f.approx == false or f.cmp == "" or f.base == "" then
		fail(path, "an absent qualifier is not nil", f)
	end
end

local function check_date(path, text, d)
	check_span(path, text, d)
	if not d.value or not d.rule or not d.granularity then fail(path, "date without value", d) end
end

local function check_entity(path, text, en)
	check_span(path, text, en)
	if not en.kind or not en.name or not en.text:find(en.name, 1, true) then
		fail(path, "entity name is not inside it", en)
	end
	if en.title and not en.text:find(en.title, 1, true) then
		fail(path, "entity title is not inside it", en)
	end
end

-- extract.all shares one doc; it must give what the three calls give alone.
local function check_same(path, a, b, what)
	if #a ~= #b then error(string.format("%s: %d %s from all, %d alone", path, #a, what, #b)) end
	for i = 1, #a do
		if a[i].s ~= b[i].s or a[i].e ~= b[i].e or a[i].value ~= b[i].value then
			error(string.format("%s: %s %d differs between all and alone", path, what, i))
		end
	end
end

local stats = {files = 0, bytes = 0, figures = 0, dates = 0, entities = 0, seconds = 0}
for i, path in ipairs(paths) do
	local f = assert(io.open(path, "rb"))
	local text = f:read("a")
	f:close()
	local dct = text:match("\ndate: (%d%d%d%d%-%d%d%-%d%d)")
	local opts = dct and {dct = dct} or nil
	local t0 = os.clock()
	local r = extract.all(text, opts)
	stats.seconds = stats.seconds + (os.clock() - t0)
	for _, x in ipairs(r.figures) do check_figure(path, text, x) end
	for _, x in ipairs(r.dates) do check_date(path, text, x) end
	for _, x in ipairs(r.entities) do check_entity(path, text, x) end
	if i % 25 == 1 then
		check_same(path, r.figures, extract.figures(text), "figures")
		check_same(path, r.dates, extract.dates(text, opts), "dates")
		check_same(path, r.entities, extract.entities(text), "entities")
	end
	stats.files = stats.files + 1
	stats.bytes = stats.bytes + #text
	stats.figures = stats.figures + #r.figures
	stats.dates = stats.dates + #r.dates
	stats.entities = stats.entities + #r.entities
end
return stats
