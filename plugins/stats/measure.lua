--- stats.measure: what a figure measures and the year it refers to, read
--- from the sentence around it. The measure is the noun phrase before the
--- figure's verb ("Thương mại hai chiều Việt - Nga năm 2023 đạt 3,63 tỷ USD"
--- -> "Thương mại hai chiều Việt - Nga"); a clause that starts with a change
--- ("tăng 2,3%") keeps the measure and year of the figure before it.
local text = require("trang.text")

local M = {}

--- Words that end the subject: the verb or qualifier before a figure.
M.VERBS = {}
for _, w in ipairs{ "đạt", "là", "có", "lên", "xuống", "ở", "dành", "chiếm", "tăng", "giảm", "khoảng", "gần",
	"hơn", "trên", "dưới", "thu", "ghi", "được", "chỉ", "còn", "vào", "tới", "đến", "mất", "bằng",
	"nhận", "lỗ", "lãi", "tương", "xấp", "ước", "chừng", "trị", "mua", "bán", "vay", "nộp", "chi" } do
	M.VERBS[w] = true
end
--- Words that open a clause without being its subject.
M.OPENERS = {}
for _, w in ipairs{ "hiện", "nay", "trong", "đó", "theo", "riêng", "còn", "ngoài", "ra", "tuy", "nhiên",
	"đồng", "thời", "cùng", "kỳ", "tính", "chung", "và", "nhưng", "mà", "thì" } do
	M.OPENERS[w] = true
end
M.CHANGE = { ["tăng"] = true, ["giảm"] = true }

--- The clause of sentence s that holds byte position pos: bounds (1-based,
--- inclusive) cut at , ; : and parentheses. from and to (default the whole
--- of s) bound the search: a clause never starts before from nor ends after to.
---@param s string
---@param pos integer
---@param from? integer
---@param to? integer
---@return integer start
---@return integer stop
function M.clause_bounds(s, pos, from, to)
	from, to = from or 1, to or #s
	local start = from
	local i = s:find("[,;:%(]", from)
	while i and i < pos do
		start = i + 1
		i = s:find("[,;:%(]", i + 1)
	end
	local stop = s:find("[,;:%)]", pos)
	return start, (stop and stop <= to) and stop - 1 or to
end

--- f with its results remembered (the last 50,000 arguments at most): the
--- same few thousand syllables and measures come back in every sentence.
---@param f fun(s: string): string
---@return fun(s: string): string
function M.remembered(f)
	local seen, n = {}, 0
	return function(s)
		local r = seen[s]
		if not r then
			if n >= 50000 then seen, n = {}, 0 end
			r = f(s)
			seen[s], n = r, n + 1
		end
		return r
	end
end

local lower = M.remembered(text.lower)
M.lower = lower

--- The subject before byte position pos of the clause text c (a prefix of
--- the clause), with the date expressions inside it left out.
---@param c string the clause up to the figure
---@param date_spans table[] {s, e} spans of dates inside c
---@return string subject "" when none
---@return boolean change the clause starts with tăng/giảm
function M.subject_of(c, date_spans)
	local toks = text.tokens(c)
	local words, first = {}, true
	local change, by_verb = false, false
	for _, t in ipairs(toks) do
		local inside = false
		for _, d in ipairs(date_spans) do
			if t.s >= d.s and t.e <= d.e then inside = true break end
		end
		if not inside then
			local w = lower(t.text)
			if first and t.kind == "word" and M.CHANGE[w] then change = true end
			if t.kind == "word" and M.VERBS[w] then by_verb = #words > 0 break end
			-- an opener or punctuation before the first word is skipped
			if not (#words == 0 and (M.OPENERS[w] or t.kind == "punct")) then
				words[#words + 1] = t
			end
			if t.kind == "word" then first = false end
		end
	end
	-- drop a trailing "năm" left by a removed year, and trailing punctuation
	while #words > 0 and (words[#words].kind == "punct" or lower(words[#words].text) == "năm") do
		words[#words] = nil
	end
	if #words == 0 then return "", change, false end
	return (c:sub(words[1].s, words[#words].e):gsub("%s+", " ")), change, by_verb
end

--- Words that end the noun phrase after a counted noun.
M.STOPS = {}
for _, w in ipairs{ "cho", "đang", "tại", "của", "để", "với", "và", "ở", "trong", "từ", "đã", "sẽ", "được",
	"bị", "là", "có", "này", "đó", "khi", "theo", "trên", "dưới", "vào", "ra", "đến", "tới" } do
	M.STOPS[w] = true
end

--- The counted noun and the words after it, up to a function word:
--- "1.000 suất học bổng cho sinh viên" -> "suất học bổng".
---@param after string the clause text after the figure's number
---@param unit string the counted noun
---@return string
function M.noun_phrase(unit, after)
	local words = { unit }
	for _, t in ipairs(text.tokens(after)) do
		if t.kind ~= "word" or M.STOPS[lower(t.text)] or #words >= 6 then break end
		words[#words + 1] = t.text
	end
	return table.concat(words, " ")
end

--- Syllables that make no topic on their own or in a pair.
M.TOPIC_STOPS = {}
for _, w in ipairs{ "các", "những", "của", "và", "cho", "với", "tại", "trong", "này", "đó", "một", "hai", "ba",
	"số", "mức", "tổng", "năm", "tháng", "ngày", "khoảng", "hơn", "gần", "được", "là", "có", "đã", "sẽ", "từ",
	"theo", "trên", "dưới", "người", "nước", "mỗi", "cả", "việc", "lượng" } do
	M.TOPIC_STOPS[w] = true
end

--- The topic words of a measure: its pairs of neighbouring syllables (most
--- Vietnamese words have two), lower-cased, leaving out pairs with a stop
--- syllable or a digit: "Thương mại hai chiều Việt - Nga" -> {"thương mại",
--- "chiều việt"} ("việt nga" runs across the dash, which ends a pair).
---@param measure string
---@return string[]
function M.topic_words(measure)
	local out, seen, prev = {}, {}, nil
	for _, t in ipairs(text.tokens(measure)) do
		local w = t.kind == "word" and lower(t.text) or nil
		if w and M.TOPIC_STOPS[w] then w = nil end
		if w and prev then
			local pair = prev .. " " .. w
			if not seen[pair] then
				seen[pair] = true
				out[#out + 1] = pair
			end
		end
		prev = w
	end
	return out
end

--- The year a date value names ("2023", "2023-06" -> 2023), or nil.
function M.year_of(value)
	local y = value and value:match("^(%d%d%d%d)")
	return y and tonumber(y) or nil
end

return M
