-- syllable_count.lua: the most frequent syllables of the corpus.
--
--   trang run scripts/syllable_count.lua [N]
--
-- Prints the top N (default 20) as "syllable<TAB>count", most frequent first,
-- ties in byte order. A syllable is a `word` token of trang.text.tokens,
-- case folded. tests/bench/syllable_count.py is the independent count.
local corpus = require "trang.corpus"
local text = require "trang.text"

---Adds the case-folded word tokens of one text to counts.
---@param counts table<string, integer>
---@param s string
local function count_syllables(counts, s)
	for _, token in ipairs(text.tokens(s)) do
		if token.kind == "word" then
			local syllable = text.casefold(token.text)
			counts[syllable] = (counts[syllable] or 0) + 1
		end
	end
end

---The n most frequent entries of counts, as {syllable, count} pairs.
---@param counts table<string, integer>
---@param n integer
---@return table[]
local function top(counts, n)
	local all = {}
	for syllable, count in pairs(counts) do all[#all + 1] = {syllable, count} end
	table.sort(all, function(a, b)
		if a[2] ~= b[2] then return a[2] > b[2] end
		return a[1] < b[1]
	end)
	local first = {}
	for i = 1, math.min(n, #all) do first[i] = all[i] end
	return first
end

local n = tonumber(arg and arg[1]) or 20
local counts = {}
for article in corpus.articles() do
	count_syllables(counts, article.text)
end
for _, entry in ipairs(top(counts, n)) do
	print(entry[1] .. "\t" .. entry[2])
end
