--- entities.collect: the people, organisations and places of the corpus,
--- from trang.extract.entities run paragraph by paragraph, merged by name.
--- A name is one entity whatever its spelling of case or tone marks ("Chính
--- phủ", "Chính Phủ"); its kind is the kind most of its mentions have.
local corpus = require("trang.corpus")
local extract = require("trang.extract")
local text = require("trang.text")
local variants = require("entities.variants")
local log = require("trang.log")

local M = {}

--- Paragraph kinds whose names are not the story's: the author, the source.
local SKIP = { byline = true, source = true, dateline = true }

M.KINDS = { person = true, org = true, place = true }

--- Function words the extractor sometimes takes along at the end of a name.
local TRAILING = { ["và"] = true, ["của"] = true, ["với"] = true, ["cùng"] = true, ["là"] = true, ["tại"] = true,
	["ở"] = true, ["cho"] = true, ["khi"] = true, ["đã"] = true }

--- Titles that say the name is a place, whatever kind the extractor gave it
--- ("tỉnh Hà Nam").
local PLACE_TITLES = { ["tỉnh"] = true, ["thành phố"] = true, ["tp"] = true, ["huyện"] = true, ["xã"] = true,
	["quận"] = true, ["thị xã"] = true, ["phường"] = true, ["nước"] = true }

--- The name as it should be counted: without trailing function words
--- ("Chính Phủ và" -> "Chính Phủ").
---@param name string
---@return string
function M.clean_name(name)
	local words = {}
	for w in name:gmatch("%S+") do words[#words + 1] = w end
	while #words > 1 and TRAILING[text.lower(words[#words])] do words[#words] = nil end
	return table.concat(words, " ")
end

--- Whether a mention of kind `kind` with this name is believable: a person's
--- name has a lower-case letter somewhere ("UBND", "GD" are not people).
local function plausible(kind, name)
	if kind == "person" then return text.upper(name) ~= name end
	return true
end

--- The mentions of one article, with their sentence (idx) and raw spans.
---@param a trang.article
---@return table[] mentions {key=, name=, kind=, title=, paragraph=, sentence=, s=, e=, text=}
function M.of_article(a)
	local raw, out = a.raw, {}
	local sents = a:sentences()
	for _, p in ipairs(a:paragraphs()) do
		if not SKIP[p.kind] then
			local exact = raw:sub(p.s, p.e) == p.text
			for _, e in ipairs(extract.entities(p.text)) do
				local name = M.clean_name(e.name)
				local kind = plausible(e.kind, name) and e.kind or "other"
				if e.title and PLACE_TITLES[text.lower(e.title)] then kind = "place" end
				if name ~= "" then
					local s, en = p.s + e.s - 1, p.s + e.e - 1
					local sentence
					for _, st in ipairs(sents) do
						if st.paragraph == p.idx and st.s <= s and s <= st.e then sentence = st.idx break end
					end
					out[#out + 1] = {
						key = text.fold(name), name = name, kind = kind, title = e.title, paragraph = p.idx,
						sentence = sentence or -p.idx, s = exact and s or nil, e = exact and en or nil, text = e.text,
					}
				end
			end
		end
	end
	return out
end

local function day_of(date)
	if date and date:match("^%d%d%d%d%-%d%d%-%d%d") then return date:sub(1, 10) end
	return nil
end

local function most(counts)
	local best, bn
	for k, n in pairs(counts) do
		if not best or n > bn or (n == bn and k < best) then best, bn = k, n end
	end
	return best
end

--- The kind of an entity: the kind most of its mentions have, a place when
--- its usual title says so ("tỉnh").
---@param kinds table<string, integer>
---@param titles table<string, integer>
---@return string
function M.kind_of(kinds, titles)
	local usual_title = most(titles)
	if usual_title and PLACE_TITLES[text.lower(usual_title)] then return "place" end
	return most(kinds)
end

--- Every entity of the corpus and every pair that appears together.
---@param opts table {select=, others=, story_of=fun(article_id): string}
---@return table[] entities sorted by mentions {key=, name=, kind=, title=, mentions=, articles=, stories=,
---  first=, last=, first_source=, sources={...}}
---@return table[] pairs {a=key, b=key, articles=, sentences=}
---@return integer articles read
---@return table<string, string> alias every variant's key -> its entity's key (entities.variants)
function M.collect(opts)
	local by_key, pairs_of = {}, {}
	local story_of = opts.story_of or function(id) return tostring(id) end
	-- first the mentions, to know every name before deciding which are variants
	local articles, seen = {}, {}
	for a in corpus.articles(opts.select or {}) do
		local ms = M.of_article(a)
		articles[#articles + 1] = { id = a.id, path = a.path, date = a.date, mentions = ms }
		for _, m in ipairs(ms) do
			local k = seen[m.key]
			if not k then
				k = { key = m.key, names = {}, kinds = {}, titles = {}, mentions = 0 }
				seen[m.key] = k
			end
			k.names[m.name] = (k.names[m.name] or 0) + 1
			k.kinds[m.kind] = (k.kinds[m.kind] or 0) + 1
			if m.title then k.titles[m.title] = (k.titles[m.title] or 0) + 1 end
			k.mentions = k.mentions + 1
		end
	end
	local names = {}
	for _, k in pairs(seen) do
		local kind = M.kind_of(k.kinds, k.titles)
		names[#names + 1] = { key = k.key, name = most(k.names), kind = kind, mentions = k.mentions }
	end
	table.sort(names, function(x, y) return x.key < y.key end)
	local alias = variants.canonical(names)
	for from, to in pairs(alias) do log.debug("variant: %s -> %s", from, to) end
	for _, art in ipairs(articles) do
		local day = day_of(art.date)
		local in_article, in_sentence = {}, {}
		for _, m in ipairs(art.mentions) do
			local key = alias[m.key] or m.key
			local e = by_key[key]
			if not e then
				e = { key = key, names = {}, kinds = {}, titles = {}, mentions = 0, articles = 0, story_set = {},
					sources = {} }
				by_key[key] = e
			end
			e.names[m.name] = (e.names[m.name] or 0) + 1
			e.kinds[m.kind] = (e.kinds[m.kind] or 0) + 1
			if m.title then e.titles[m.title] = (e.titles[m.title] or 0) + 1 end
			e.mentions = e.mentions + 1
			if not in_article[key] then
				in_article[key] = true
				e.articles = e.articles + 1
				e.story_set[story_of(art.id)] = true
				e.sources[#e.sources + 1] = { article = art.id, path = art.path, date = art.date, paragraph = m.paragraph,
					s = m.s, e = m.e, text = m.text }
				if day then
					if not e.first or day < e.first then e.first, e.first_source = day, #e.sources end
					if not e.last or day > e.last then e.last = day end
				end
			end
			in_sentence[m.sentence] = in_sentence[m.sentence] or {}
			in_sentence[m.sentence][key] = true
		end
		-- co-occurrence: once per article, and once per sentence they share
		local keys = {}
		for k in pairs(in_article) do keys[#keys + 1] = k end
		table.sort(keys)
		local shared = {}
		for _, set in pairs(in_sentence) do
			for x in pairs(set) do
				for y in pairs(set) do
					if x < y then
						local pk = x .. "\31" .. y
						shared[pk] = (shared[pk] or 0) + 1
					end
				end
			end
		end
		for i = 1, #keys - 1 do
			for j = i + 1, #keys do
				local pk = keys[i] .. "\31" .. keys[j]
				local pr = pairs_of[pk]
				if not pr then
					pr = { a = keys[i], b = keys[j], articles = 0, sentences = 0 }
					pairs_of[pk] = pr
				end
				pr.articles = pr.articles + 1
				pr.sentences = pr.sentences + (shared[pk] or 0)
			end
		end
	end
	local list = {}
	for _, e in pairs(by_key) do
		e.kind = M.kind_of(e.kinds, e.titles)
		if opts.others or e.kind ~= "other" then
			e.name = most(e.names)
			-- a person's usual title, when a good share of the mentions give one
			local title = e.kind == "person" and most(e.titles) or nil
			e.title = title and e.titles[title] * 5 >= e.mentions and title or nil
			local st = 0
			for _ in pairs(e.story_set) do st = st + 1 end
			e.stories = st
			e.names, e.kinds, e.titles, e.story_set = nil, nil, nil, nil
			list[#list + 1] = e
		end
	end
	table.sort(list, function(x, y)
		if x.mentions ~= y.mentions then return x.mentions > y.mentions end
		return x.key < y.key
	end)
	local kept = {}
	for _, e in ipairs(list) do kept[e.key] = e end
	local plist = {}
	for _, pr in pairs(pairs_of) do
		if kept[pr.a] and kept[pr.b] then plist[#plist + 1] = pr end
	end
	table.sort(plist, function(x, y)
		if x.sentences ~= y.sentences then return x.sentences > y.sentences end
		if x.articles ~= y.articles then return x.articles > y.articles end
		if x.a ~= y.a then return x.a < y.a end
		return x.b < y.b
	end)
	return list, plist, #articles, alias
end

return M
