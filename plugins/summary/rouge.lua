--- summary.rouge: ROUGE-N (Lin 2004) over case-folded syllables. The common
--- Python implementation keeps only [a-z0-9] and so drops every Vietnamese
--- letter with a diacritic ("Việt" becomes "vi t"); here tokens come from
--- trang.text, so "Việt" and "viet" stay different words and "VIỆT" equals
--- "việt".
local text = require("trang.text")

local M = {}

--- Token kinds that count as words for ROUGE: syllables and numbers.
local COUNTED = { word = true, number = true, percent = true, date = true, time = true }

--- The case-folded syllables (and numbers) of s, in order.
---@param s string
---@return string[]
function M.tokens(s)
	local out, n = {}, 0
	for _, t in ipairs(text.tokens(text.casefold(s))) do
		if COUNTED[t.kind] then
			n = n + 1
			out[n] = t.text
		end
	end
	return out
end

--- The n-grams of a token list with their counts, and how many there are.
---@param tokens string[]
---@param n integer
---@return table<string, integer> counts
---@return integer total
function M.ngrams(tokens, n)
	local counts, total = {}, 0
	for i = 1, #tokens - n + 1 do
		local g = n == 1 and tokens[i] or table.concat(tokens, " ", i, i + n - 1)
		counts[g] = (counts[g] or 0) + 1
		total = total + 1
	end
	return counts, total
end

---@class summary.rouge_score
---@field p number precision: matched n-grams / n-grams of the candidate
---@field r number recall: matched n-grams / n-grams of the reference
---@field f number F1, the harmonic mean of p and r (0 when both are 0)

--- ROUGE-N of a candidate summary against one reference; both are token lists
--- (M.tokens) or strings. An n-gram matches as many times as it occurs in
--- both (clipped counts).
---@param candidate string|string[]
---@param reference string|string[]
---@param n integer 1 for ROUGE-1, 2 for ROUGE-2
---@return summary.rouge_score
function M.score(candidate, reference, n)
	if type(candidate) == "string" then candidate = M.tokens(candidate) end
	if type(reference) == "string" then reference = M.tokens(reference) end
	local cc, ct = M.ngrams(candidate, n)
	local rc, rt = M.ngrams(reference, n)
	local hit = 0
	for g, k in pairs(cc) do
		local r = rc[g]
		if r then hit = hit + math.min(k, r) end
	end
	local p = ct > 0 and hit / ct or 0
	local r = rt > 0 and hit / rt or 0
	return { p = p, r = r, f = (p + r) > 0 and 2 * p * r / (p + r) or 0 }
end

return M
