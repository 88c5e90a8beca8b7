-- term_by_month.lua: how often a term appears, month by month.
--
--   trang run scripts/term_by_month.lua TERM [year|month|day]   (default: month)
--
-- Counts the whole-word occurrences of TERM in each article, without tones or
-- case ("dien dam" finds "điện đàm" and "Điện đàm"), and adds them up by the
-- period of the article's date. Undated articles are counted on their own
-- line, "undated", rather than guessed into a month.
-- Output: PERIOD  OCCURRENCES  ARTICLES  a bar of #
local corpus = require "trang.corpus"
local text = require "trang.text"

local term = arg and arg[1]
if not term or term == "" then
	error("usage: trang run scripts/term_by_month.lua TERM [year|month|day]", 0)
end
local period = arg[2] or "month"
local width = ({ year = 4, month = 7, day = 10 })[period]
if not width then error("the period is year, month or day, not " .. period, 0) end
local want = text.fold(term)

--- Whole-word occurrences of want in the folded text s.
local function occurrences(s)
	local n, i = 0, 1
	while true do
		local a, b = s:find(want, i, true)
		if not a then return n end
		local before, after = s:sub(a - 1, a - 1), s:sub(b + 1, b + 1)
		if not before:match("[%w\128-\255]") and not after:match("[%w\128-\255]") then n = n + 1 end
		i = b + 1
	end
end

local by, periods = {}, {}
for a in corpus.articles{ match = term } do
	local n = occurrences(text.fold(a.text))
	if n > 0 then
		local p = a.date and #a.date >= width and a.date:sub(1, width) or "undated"
		if not by[p] then
			by[p] = { occurrences = 0, articles = 0 }
			periods[#periods + 1] = p
		end
		by[p].occurrences = by[p].occurrences + n
		by[p].articles = by[p].articles + 1
	end
end
table.sort(periods) -- "undated" sorts after the digits
local most = 1
for _, p in ipairs(periods) do most = math.max(most, by[p].occurrences) end
for _, p in ipairs(periods) do
	local c = by[p]
	local bar = string.rep("#", math.ceil(40 * c.occurrences / most))
	print(string.format("%-10s %6d %5d  %s", p, c.occurrences, c.articles, bar))
end
