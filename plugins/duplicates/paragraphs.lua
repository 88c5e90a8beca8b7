--- duplicates.paragraphs: paragraphs repeated word for word (after case
--- folding and spacing) in two or more articles.
local corpus = require("trang.corpus")
local text = require("trang.text")

local M = {}

local COUNTED = { lead = true, body = true, caption = true }

--- Groups of repeated paragraphs, largest first.
---@param min_syllables integer shorter paragraphs are ignored
---@param select? table corpus.articles options
---@return table[] groups {key=, text=, articles=n, sources={{article=, path=, paragraph=, s=, e=}}}
function M.repeated(min_syllables, select)
	local by_key = {}
	for a in corpus.articles(select or {}) do
		for _, p in ipairs(a:paragraphs()) do
			if COUNTED[p.kind] then
				local key = text.casefold(p.text):gsub("%s+", " ")
				local _, words = key:gsub("%S+", "")
				if words >= min_syllables then
					local g = by_key[key]
					if not g then
						g = { text = p.text, sources = {}, seen = {} }
						by_key[key] = g
					end
					g.sources[#g.sources + 1] = { article = a.id, path = a.path, paragraph = p.idx, s = p.s, e = p.e }
					g.seen[a.id] = true
				end
			end
		end
	end
	local groups = {}
	for _, g in pairs(by_key) do
		local n = 0
		for _ in pairs(g.seen) do n = n + 1 end
		if n > 1 then
			g.seen = nil
			g.articles = n
			groups[#groups + 1] = g
		end
	end
	table.sort(groups, function(x, y)
		if x.articles ~= y.articles then return x.articles > y.articles end
		local a, b = x.sources[1], y.sources[1]
		if a.article ~= b.article then return a.article < b.article end
		return a.paragraph < b.paragraph
	end)
	return groups
end

return M
