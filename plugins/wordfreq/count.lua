--- Frequency counting on plain strings and tables: no host calls except
--- trang.text, so the spec tests it without a database.
local text = require("trang.text")

local count = {}

--- Adds the syllables of s (word tokens, casefolded) to counts, and the
--- bigrams (two syllables in a row, not across punctuation or numbers) to
--- bigrams when given. Returns the number of syllables seen.
---@param s string
---@param counts table<string, integer>
---@param bigrams table<string, integer>|nil
---@return integer
function count.add_text(s, counts, bigrams)
	local n, prev = 0, nil
	for _, tok in ipairs(text.tokens(s)) do
		if tok.kind == "word" then
			local syl = text.casefold(tok.text)
			counts[syl] = (counts[syl] or 0) + 1
			if bigrams and prev then
				local bg = prev .. " " .. syl
				bigrams[bg] = (bigrams[bg] or 0) + 1
			end
			prev = syl
			n = n + 1
		else
			prev = nil
		end
	end
	return n
end

--- The n most frequent entries, most frequent first, ties in text order.
---@param counts table<string, integer>
---@param n integer
---@return {text: string, count: integer}[]
function count.top(counts, n)
	local list = {}
	for t, c in pairs(counts) do list[#list + 1] = { text = t, count = c } end
	table.sort(list, function(a, b)
		if a.count ~= b.count then return a.count > b.count end
		return a.text < b.text
	end)
	for i = #list, n + 1, -1 do list[i] = nil end
	return list
end

--- The period an ISO date falls in: "2026", "2026-02" or "2026-02-25";
--- nil for an undated article.
---@param date string|nil
---@param period "year"|"month"|"day"
---@return string|nil
function count.period_of(date, period)
	if not date then return nil end
	local len = ({ year = 4, month = 7, day = 10 })[period]
	if not len then error("period must be year, month or day, not " .. tostring(period), 2) end
	if #date < len then return nil end
	return date:sub(1, len)
end

return count
