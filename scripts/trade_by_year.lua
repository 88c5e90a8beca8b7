-- trade_by_year.lua: the figures about bilateral trade, by year, with their sources.
--
--   trang run scripts/trade_by_year.lua [TOPIC]        (default: "thương mại")
--
-- Reads every sentence that names TOPIC (matched without tones or case) and
-- keeps its money and percent figures. A figure's year is the last year the
-- sentence names before it, leaving out the base of a change ("tăng 2,3% so
-- với năm 2022" is a change in the year before it, on 2022); without one, the
-- article's year, marked "(article)". One line per figure, oldest year first:
--   YEAR  FIGURE  VALUE  UNIT  CHANGE  SOURCE (file:paragraph, bytes s-e)
-- Adapt: change the kinds kept, or the topic, or print the sentence too.
local corpus = require "trang.corpus"
local extract = require "trang.extract"
local text = require "trang.text"

local topic = arg and arg[1] or "thương mại"
local want = text.fold(topic)
local KINDS = { money = true, percent = true }

--- The year figure f of sentence s refers to, and how it was found.
local function year_of(f, dates, article_date)
	local year
	for _, d in ipairs(dates) do
		local y = d.value:match("^(%d%d%d%d)")
		if y and d.e < f.s and y ~= f.base then year = y end
	end
	if year then return year, "sentence" end
	if article_date then return article_date:sub(1, 4), "article" end
	return "?", "unknown"
end

local rows = {}
for a in corpus.articles{ match = topic } do
	local dct = a.date and a.date:sub(1, 10)
	local file = a.path:match("([^/]+)$")
	for _, s in ipairs(a:sentences()) do
		if text.fold(s.text):find(want, 1, true) then
			local found = extract.all(s.text, { dct = dct })
			for _, f in ipairs(found.figures) do
				if KINDS[f.kind] then
					local year, how = year_of(f, found.dates, a.date)
					rows[#rows + 1] = {
						year = year, how = how, text = f.text, value = f.value or f.lo, unit = f.unit or "",
						change = f.change and (f.change .. (f.base and (" vs " .. f.base) or "")) or "",
						source = string.format("%s:%d, bytes %d-%d", file, s.paragraph, s.s + f.s - 1, s.s + f.e - 1),
					}
				end
			end
		end
	end
end
table.sort(rows, function(x, y)
	if x.year ~= y.year then return x.year < y.year end
	return x.source < y.source
end)
for _, r in ipairs(rows) do
	print(string.format("%s%s\t%s\t%.10g\t%s\t%s\t%s", r.year, r.how == "article" and " (article)" or "", r.text,
		r.value, r.unit, r.change, r.source))
end
print(string.format("%d figures about '%s'", #rows, topic))
