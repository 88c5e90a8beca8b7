--- timeline.events: the dated events of one article. An event is a time
--- expression (trang.extract.dates, resolved against the article's date) and
--- the sentence it dates, with spans into the article's raw bytes.
local extract = require("trang.extract")
local text = require("trang.text")

local M = {}

--- Paragraph kinds whose dates are not events: the headline's publication
--- stamp, the date line, the byline and the source line.
local SKIP = { title = true, dateline = true, byline = true, source = true }

--- Syllable sets, by sentence text: a sentence is compared many times.
local set_cache, cached = {}, 0

--- The set of case-folded syllables of s (a packed text.shingles set of
--- one-syllable shingles, compared in C by text.jaccard), its size, the set
--- of its number-like tokens (case numbers, counts, dates) and those tokens
--- sorted and joined, as a key ("" when there are none).
---@param s string
---@return string set
---@return integer size
---@return table<string, boolean> digits
---@return string digits_key
function M.syllable_set(s)
	local c = set_cache[s]
	if c then return c[1], c[2], c[3], c[4] end
	local set, n = text.shingles(s, 1)
	local digits, list = {}, {}
	for tok in s:gmatch("%d[%w%.,/%-:%%]*") do
		local d = tok:gsub("[%.,/%-:]+$", "")
		if not digits[d] then
			digits[d] = true
			list[#list + 1] = d
		end
	end
	table.sort(list)
	local key = table.concat(list, "\31")
	if cached > 200000 then set_cache, cached = {}, 0 end
	set_cache[s] = { set, n, digits, key }
	cached = cached + 1
	return set, n, digits, key
end

--- Whether two sentences' numbers agree: the same set, or none on one side.
--- Templated reports ("CA BỆNH 2906 ..." / "CA BỆNH 2920 ...") share most
--- syllables and differ only there.
function M.numbers_agree(a, b)
	if next(a) == nil or next(b) == nil then return true end
	for k in pairs(a) do if not b[k] then return false end end
	for k in pairs(b) do if not a[k] then return false end end
	return true
end

--- The Jaccard similarity |A ∩ B| / |A ∪ B| of two syllable sets of sizes
--- na and nb; 0 without computing it when the sizes alone keep it under bar.
---@param bar? number
function M.jaccard(a, na, b, nb, bar)
	if na == 0 or nb == 0 then return 0 end
	if bar and math.min(na, nb) < bar * math.max(na, nb) then return 0 end
	return text.jaccard(a, b)
end

--- The article's date as a DCT ("2024-08-09"), or nil.
---@param date string|nil ISO 8601
function M.dct_of(date)
	if date and date:match("^%d%d%d%d%-%d%d%-%d%d") then return date:sub(1, 10) end
	return nil
end

--- Sentences of the article grouped by paragraph idx.
local function sentences_by_paragraph(a)
	local by = {}
	for _, s in ipairs(a:sentences()) do
		local p = s.paragraph or -1
		by[p] = by[p] or {}
		table.insert(by[p], s)
	end
	return by
end

--- The dated events of an article.
---@param a trang.article
---@param dct string|nil the date relative dates resolve against
---@param dct_reason string|nil how the dct was established ("header", or the near-duplicate it came from)
---@return table[] events {value=, granularity=, mod=, rule=, date_text=, sentence=, source={...}}
function M.of_article(a, dct, dct_reason)
	local out = {}
	local raw = a.raw
	local sents = sentences_by_paragraph(a)
	for _, p in ipairs(a:paragraphs()) do
		if not SKIP[p.kind] then
			local dates = extract.dates(p.text, { dct = dct })
			if #dates > 0 then
				-- spans of extract are into p.text; they are raw spans when the
				-- paragraph's bytes are its NFC text (the usual case)
				local exact = raw:sub(p.s, p.e) == p.text
				for _, d in ipairs(dates) do
					-- a bare clock time ("23h45", XXXX-XX-XXT23:45) dates nothing
					if d.value:match("^XXXX%-XX%-XX") then goto next_date end
					local ds, de = p.s + d.s - 1, p.s + d.e - 1
					local sentence, ss, se = p.text, p.s, p.e
					if exact then
						for _, s in ipairs(sents[p.idx] or {}) do
							if s.s <= ds and ds <= s.e then sentence, ss, se = s.text, s.s, s.e break end
						end
					end
					local rule = d.rule
					if dct and dct_reason and dct_reason ~= "header" and rule ~= "absolute" then
						rule = rule .. "; dct " .. dct .. " from " .. dct_reason
					end
					out[#out + 1] = {
						value = d.value, granularity = d.granularity, mod = d.mod, lo = d.lo, hi = d.hi,
						rule = rule, date_text = d.text, sentence = sentence,
						source = {
							article = a.id, path = a.path, paragraph = p.idx,
							s = exact and ds or nil, e = exact and de or nil,
							sentence_s = ss, sentence_e = se, date_text = d.text, rule = rule,
							reason = "date expression",
						},
					}
					::next_date::
				end
			end
		end
	end
	return out
end

return M
