-- who_met_whom.lua: who met or called whom, and when.
--
--   trang run scripts/who_met_whom.lua [--all] [NAME]
--
-- A meeting is a paragraph with a meeting word (điện đàm, hội đàm, hội kiến,
-- tiếp kiến, gặp, thăm) that names two people or more (trang.extract.entities).
-- Its date is the paragraph's first date expression, resolved against the
-- article's date ("XXXX-08-08" when the article has none, so the year stays
-- unknown). The same meeting (same word, same date, the same people) told by
-- several articles is one line listing them all. People are compared by the
-- last syllable of their name, so "V. Putin" and "Vladimir Putin" are one.
-- Paragraphs without a date are counted, and listed with --all (date "-").
-- With NAME, only the meetings of that person.
-- Output: DATE  WORD  PEOPLE  SOURCES (file:paragraph ...)
local corpus = require "trang.corpus"
local extract = require "trang.extract"
local text = require "trang.text"

local WORDS = { "điện đàm", "hội đàm", "hội kiến", "tiếp kiến", "gặp", "thăm" }
local show_all, only = false, nil
for _, a in ipairs(arg or {}) do
	if a == "--all" then show_all = true else only = text.fold(a) end
end

--- The meeting word of a sentence (folded text), or nil.
local function meeting_word(folded)
	for _, w in ipairs(WORDS) do
		local f = text.fold(w)
		local i = folded:find(f, 1, true)
		-- a whole word: not "thăm" inside "thăm dò"'s neighbour words
		if i and (i == 1 or folded:sub(i - 1, i - 1):match("[%s%p]"))
			and not folded:sub(i + #f, i + #f):match("%w") then
			return w
		end
	end
end

--- The distinct people of a sentence, by the last syllable of their name.
local function people_in(found)
	local out, seen = {}, {}
	for _, e in ipairs(found.entities) do
		if e.kind == "person" then
			local key = text.fold(e.name:match("(%S+)$"))
			if not seen[key] then
				seen[key] = true
				out[#out + 1] = { key = key, name = e.name, title = e.title }
			end
		end
	end
	table.sort(out, function(x, y) return x.key < y.key end)
	return out
end

local meetings, order = {}, {}
for a in corpus.articles() do
	local dct = a.date and a.date:sub(1, 10)
	local file = a.path:match("([^/]+)$")
	for _, p in ipairs(a:paragraphs()) do
		local word = meeting_word(text.fold(p.text))
		if word then
			local found = extract.all(p.text, { dct = dct })
			local people = people_in(found)
			if #people >= 2 then
				local date = found.dates[1] and found.dates[1].value or "-"
				local keys, names = {}, {}
				for i, person in ipairs(people) do
					keys[i] = person.key
					names[i] = (person.title and (person.title .. " ") or "") .. person.name
				end
				local key = table.concat({ word, date, table.concat(keys, ",") }, "|")
				local m = meetings[key]
				if not m then
					m = { date = date, word = word, names = table.concat(names, "; "), sources = {}, keys = keys }
					meetings[key] = m
					order[#order + 1] = m
				end
				m.sources[#m.sources + 1] = string.format("%s:%d", file, p.idx)
			end
		end
	end
end

table.sort(order, function(x, y)
	if x.date ~= y.date then return x.date < y.date end
	return x.names < y.names
end)
local n, undated = 0, 0
for _, m in ipairs(order) do
	local wanted = not only
	for _, k in ipairs(m.keys) do if only and only:find(k, 1, true) then wanted = true end end
	if wanted and m.date == "-" and not show_all then
		undated = undated + 1
	elseif wanted then
		n = n + 1
		print(string.format("%s\t%s\t%s\t%s", m.date, m.word, m.names, table.concat(m.sources, " ")))
	end
end
print(string.format("%d meetings%s", n, undated > 0 and
	string.format(" (and %d mentions without a date: --all lists them)", undated) or ""))
