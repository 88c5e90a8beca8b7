--- summary.candidates: the sentences a summary may pick from, with what the
--- ranking needs to know about each (tokens, position, the article's title).
--- Spans are the corpus's: 1-based inclusive byte positions into article.raw.
local rouge = require("summary.rouge")

local M = {}

--- Paragraph kinds whose sentences may be picked: the story, not its
--- headline, photo captions, bylines or source lines.
M.KINDS = { lead = true, body = true }

---@class summary.candidate
---@field text string the sentence (NFC)
---@field tokens string[] case-folded syllables
---@field article integer
---@field path string
---@field date? string the article's date
---@field paragraph integer the paragraph's idx
---@field kind string the paragraph's kind
---@field s integer
---@field e integer
---@field position integer 1-based order among the article's candidates
---@field title string[] the article's title tokens (shared by its candidates)

--- The candidate sentences of one article, in order.
---@param a trang.article
---@param kinds? table<string, boolean> paragraph kinds to take (default M.KINDS)
---@return summary.candidate[]
function M.of_article(a, kinds)
	kinds = kinds or M.KINDS
	local kind_of, title = {}, nil
	for _, p in ipairs(a:paragraphs()) do
		kind_of[p.idx] = p.kind
		if p.kind == "title" and not title then title = p.text end
	end
	local title_tokens = rouge.tokens(title or a.title or "")
	local out = {}
	for _, s in ipairs(a:sentences()) do
		local kind = kind_of[s.paragraph]
		if kinds[kind] then
			out[#out + 1] = {
				text = s.text, tokens = rouge.tokens(s.text), article = a.id, path = a.path, date = a.date,
				paragraph = s.paragraph, kind = kind, s = s.s, e = s.e, position = #out + 1, title = title_tokens,
			}
		end
	end
	return out
end

--- The text of an article's lead paragraphs (the sapo), or nil when it has none.
---@param a trang.article
---@return string|nil
function M.lead_text(a)
	local parts = {}
	for _, p in ipairs(a:paragraphs()) do
		if p.kind == "lead" then parts[#parts + 1] = p.text end
	end
	return #parts > 0 and table.concat(parts, " ") or nil
end

return M
