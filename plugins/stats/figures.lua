--- stats.figures: the figures of one article, each with its measure, its
--- year, its sentence and a span into the article's raw bytes.
local extract = require("trang.extract")
local text = require("trang.text")
local measure = require("stats.measure")

local M = {}

local SKIP = { title = true, dateline = true, byline = true, source = true }

local function sentence_at(sents, pos)
	for _, s in ipairs(sents or {}) do
		if s.s <= pos and pos <= s.e then return s end
	end
end

--- Figures of article a, with dates resolved against dct.
---@param a trang.article
---@param dct string|nil
---@return table[] figures
function M.figures_in(a, dct)
	local out = {}
	local raw, id, path = a.raw, a.id, a.path
	local opts = { dct = dct }
	for _, p in ipairs(a:paragraphs()) do
		if not SKIP[p.kind] then
			-- the dates only where there are figures (most paragraphs have none)
			local r = { figures = extract.figures(p.text) }
			if #r.figures > 0 then
				r.dates = extract.dates(p.text, opts)
				-- the splitter ingest uses, on the paragraph: the stored sentences' spans, read
				-- without a query per article, and positions in p.text even where raw differs
				local sents = text.sentences(p.text)
				local exact = raw:sub(p.s, p.e) == p.text
				local prev -- the figure before, in the same sentence
				local sentence_text = {} -- by start: figures of one sentence share its text
				for _, f in ipairs(r.figures) do
					-- the sentence, as positions into p.text
					local ss, se = 1, #p.text
					local sent = sentence_at(sents, f.s)
					if sent then ss, se = sent.s, sent.e end
					if prev and prev.sentence_s ~= ss then prev = nil end
					local cs, ce = measure.clause_bounds(p.text, f.s, ss, se)
					local before = p.text:sub(cs, f.s - 1)
					local spans, year, base = {}, nil, f.base
					for _, d in ipairs(r.dates) do
						if d.s >= cs and d.e < f.s then
							spans[#spans + 1] = { s = d.s - cs + 1, e = d.e - cs + 1 }
						end
						-- the year: the last absolute date before the figure in its sentence
						if d.s >= ss and d.e < f.s and d.value ~= base then
							year = measure.year_of(d.value) or year
						end
					end
					local subject, change, by_verb = measure.subject_of(before, spans)
					if subject == "" and prev and (change or f.change) then
						subject = prev.measure
						year = year or prev.year
					elseif f.kind == "quantity" and f.unit and not (by_verb and subject:find(" ")) then
						-- "1.000 suất học bổng": the counted noun phrase says what is counted
						local rest = p.text:sub(f.e + 1, ce)
						subject = measure.noun_phrase(f.unit, rest)
					elseif not by_verb and f.kind ~= "money" and f.kind ~= "percent" then
						subject = ""
					end
					if f.change and prev and year == measure.year_of(base) then year = prev.year end
					if subject == "" then subject = f.unit or "" end
					local sentence = sentence_text[ss]
					if not sentence then
						sentence = p.text:sub(ss, se)
						sentence_text[ss] = sentence
					end
					local fig = {
						kind = f.kind, value = f.value, lo = f.lo, hi = f.hi, num = f.num, den = f.den,
						unit = f.unit, approx = f.approx, cmp = f.cmp, change = f.change, base = f.base,
						text = f.text, measure = subject, year = year,
						sentence = sentence, sentence_s = ss,
						source = {
							article = id, path = path, paragraph = p.idx, text = f.text,
							s = exact and (p.s + f.s - 1) or nil, e = exact and (p.s + f.e - 1) or nil,
						},
					}
					out[#out + 1] = fig
					prev = fig
				end
			end
		end
	end
	return out
end

return M
