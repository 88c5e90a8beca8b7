--- wordfreq: frequency lists of syllables and bigrams over the stored corpus.
---   trang plugin run wordfreq syllables [N]      top N syllables
---   trang plugin run wordfreq bigrams [N]        top N bigrams
---   trang plugin run wordfreq by_period [N] [year|month|day]
--- Written on the public API only (trang.corpus, trang.text).
local corpus = require("trang.corpus")
local count = require("count")

local _, plugin = ...

local M = { commands = {} }

local function top_n(arg)
	local n = tonumber(arg) or plugin.options.top
	if n < 1 then error("N must be at least 1", 3) end
	return math.floor(n)
end

--- Counts the whole corpus. Returns syllable counts, bigram counts.
local function count_corpus(with_bigrams)
	local counts, bigrams = {}, with_bigrams and {} or nil
	for article in corpus.articles{} do
		count.add_text(article.text, counts, bigrams)
	end
	return counts, bigrams
end

local function lines(list)
	local out = {}
	for i, e in ipairs(list) do out[i] = string.format("%d\t%s", e.count, e.text) end
	return table.concat(out, "\n")
end

--- Top N syllables of the corpus, "count<TAB>syllable" per line.
function M.commands.syllables(n)
	local counts = count_corpus(false)
	return lines(count.top(counts, top_n(n)))
end

--- Top N bigrams of the corpus.
function M.commands.bigrams(n)
	local _, bigrams = count_corpus(true)
	return lines(count.top(bigrams, top_n(n)))
end

--- Top N syllables per period (undated articles are left out).
function M.commands.by_period(n, period)
	period = period or plugin.options.period
	local per = {}
	for article in corpus.articles{} do
		local p = count.period_of(article.date, period)
		if p then
			per[p] = per[p] or {}
			count.add_text(article.text, per[p])
		end
	end
	local periods = {}
	for p in pairs(per) do periods[#periods + 1] = p end
	table.sort(periods)
	local out = {}
	for _, p in ipairs(periods) do
		out[#out + 1] = "== " .. p
		out[#out + 1] = lines(count.top(per[p], top_n(n)))
	end
	return table.concat(out, "\n")
end

M.commands.main = M.commands.syllables

--- trang doctor: the corpus is readable.
function M.health(report)
	local n = corpus.count and corpus.count() or nil
	if n == 0 then report.warn("the corpus is empty") else report.ok("corpus readable") end
end

return M
