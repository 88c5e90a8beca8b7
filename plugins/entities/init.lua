--- entities: people, organisations and places, with counts, first and last
--- dates and co-occurrence.
---   trang plugin run entities [list] [--kind person|org|place] [--top N] [--json|--csv]
---   trang plugin run entities pairs [NAME] [--top N] [--json|--csv]   who appears with whom
---   trang plugin run entities show NAME [--json|--csv]              an entity's mentions
--- `articles` counts the articles naming an entity; `stories` counts them
--- again with each near-duplicate cluster (duplicates plugin) counted once.
--- Results go to plugin_entities_entities, _mentions and _pairs.
local store = require("trang.store")
local text = require("trang.text")
local render = require("duplicates.render")
local collect = require("entities.collect")

local _, plugin = ...

local M = { commands = {} }

local P = store.prefix()
local SCHEMA = {
	"CREATE TABLE IF NOT EXISTS " .. P .. "entities (entity INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind " ..
		"TEXT NOT NULL, name TEXT NOT NULL, title TEXT, mentions INTEGER NOT NULL, articles INTEGER NOT NULL, " ..
			"stories INTEGER NOT NULL, first_date TEXT, last_date TEXT)",
	"CREATE TABLE IF NOT EXISTS " .. P .. "mentions (entity INTEGER NOT NULL, article INTEGER NOT NULL, path " ..
		"TEXT, date TEXT, paragraph INTEGER NOT NULL, s INTEGER, e INTEGER, text TEXT NOT NULL)",
	"CREATE TABLE IF NOT EXISTS " .. P .. "pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, articles INTEGER NOT " ..
		"NULL, sentences INTEGER NOT NULL, PRIMARY KEY (a, b))",
}

local function table_exists(name)
	return #store.query("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?", name) > 0
end

--- Article id -> story key: the stored near-duplicate cluster, else the article.
local function story_function()
	local cluster_of = {}
	if table_exists("plugin_duplicates_members") then
		for _, r in ipairs(store.query("SELECT cluster, article FROM plugin_duplicates_members")) do
			cluster_of[r.article] = "c" .. r.cluster
		end
	end
	return function(id) return cluster_of[id] or tostring(id) end
end

--- Collects everything and replaces the stored tables. Returns what
--- collect.collect returns, each entity numbered (e.id).
function M.refresh()
	local list, plist, n, alias = collect.collect({ others = plugin.options.others, story_of = story_function() })
	local id_of = {}
	store.tx(function()
		for _, sql in ipairs(SCHEMA) do store.exec(sql) end
		for _, t in ipairs({ "entities", "mentions", "pairs" }) do store.exec("DELETE FROM " .. P .. t) end
		for i, e in ipairs(list) do
			e.id = i
			id_of[e.key] = i
			store.exec("INSERT INTO " .. P .. "entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", i, e.key, e.kind, e.name,
				e.title, e.mentions, e.articles, e.stories, e.first, e.last)
			for _, s in ipairs(e.sources) do
				store.exec("INSERT INTO " .. P .. "mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", i, s.article, s.path, s.date,
					s.paragraph, s.s, s.e, s.text)
			end
		end
		for _, pr in ipairs(plist) do
			store.exec("INSERT INTO " .. P .. "pairs VALUES (?, ?, ?, ?)", id_of[pr.a], id_of[pr.b], pr.articles,
				pr.sentences)
		end
	end)
	return list, plist, n, alias
end

--- The key of the entity NAME names, a variant's ("V. Putin") included.
local function key_of(name, alias)
	local k = text.fold(name)
	return alias[k] or k
end

--- Parses --kind, --top and the format flags; returns them and the operands.
local function parse_args(args)
	local fmt, rest = render.format_of(args)
	local f, ops, i = { format = fmt, top = plugin.options.top }, {}, 1
	while i <= #rest do
		local a = rest[i]
		if a == "--kind" and rest[i + 1] then
			f.kind = rest[i + 1]
			if not collect.KINDS[f.kind] and f.kind ~= "other" then
				error("entities: --kind wants person, org, place or other, got '" .. f.kind .. "'", 0)
			end
			i = i + 2
		elseif a == "--top" and rest[i + 1] then
			f.top = math.tointeger(tonumber(rest[i + 1]))
			if not f.top or f.top < 1 then error("entities: --top wants a number >= 1", 0) end
			i = i + 2
		elseif a:sub(1, 2) == "--" then
			error("entities: unknown argument '" .. a .. "' (--kind, --top, --json, --csv)", 0)
		else
			ops[#ops + 1] = a
			i = i + 1
		end
	end
	return f, ops
end

local KIND_ORDER = { "person", "org", "place", "other" }

--- The entities others most often appear with, as "name (n)" text.
local function partners_of(plist, by_key, key, top)
	local out = {}
	for _, pr in ipairs(plist) do
		if #out >= top then break end
		local other = pr.a == key and pr.b or pr.b == key and pr.a or nil
		if other then out[#out + 1] = string.format("%s (%d)", by_key[other].name, pr.articles) end
	end
	return table.concat(out, ", ")
end

--- `list` (the default): the top entities of each kind.
function M.commands.list(...)
	local f = parse_args({ ... })
	local list, plist, n = M.refresh()
	local by_key = {}
	for _, e in ipairs(list) do by_key[e.key] = e end
	local records, shown = {}, {}
	for _, kind in ipairs(KIND_ORDER) do
		if (f.kind == nil and kind ~= "other") or f.kind == kind then
			for _, e in ipairs(list) do
				if e.kind == kind and (shown[kind] or 0) < f.top then
					shown[kind] = (shown[kind] or 0) + 1
					records[#records + 1] = { entity = e.id, kind = e.kind, name = e.name, title = e.title,
						mentions = e.mentions, articles = e.articles, stories = e.stories, first = e.first, last = e.last,
						with = partners_of(plist, by_key, e.key, 3) }
				end
			end
		end
	end
	local fields = { "kind", "name", "title", "mentions", "articles", "stories", "first", "last", "with" }
	if f.format ~= "table" then
		table.insert(fields, 1, "entity")
		return render.records(f.format, fields, records)
	end
	return render.records("table", fields, records, { name = 30, title = 20, with = 60 }) ..
		string.format("\n%d entities, %d pairs appearing together, from %d articles", #list, #plist, n)
end

--- `pairs [NAME]`: the pairs that appear together most, or NAME's partners.
function M.commands.pairs(...)
	local f, ops = parse_args({ ... })
	local list, plist, _, alias = M.refresh()
	local by_key = {}
	for _, e in ipairs(list) do by_key[e.key] = e end
	local want = #ops > 0 and key_of(table.concat(ops, " "), alias) or nil
	if want and not by_key[want] then error("entities: no entity named '" .. table.concat(ops, " ") .. "'", 0) end
	local records = {}
	for _, pr in ipairs(plist) do
		if #records >= f.top then break end
		if not want or pr.a == want or pr.b == want then
			local a, b = by_key[pr.a], by_key[pr.b]
			if want and pr.b == want then a, b = b, a end
			records[#records + 1] = { a = a.name, a_kind = a.kind, b = b.name, b_kind = b.kind, articles = pr.articles,
				sentences = pr.sentences }
		end
	end
	return render.records(f.format, { "a", "a_kind", "b", "b_kind", "sentences", "articles" }, records,
		{ a = 30, b = 30 })
end

--- `show NAME`: where an entity is mentioned (first mention per article).
function M.commands.show(...)
	local f, ops = parse_args({ ... })
	if #ops == 0 then error("entities: show wants a name", 0) end
	local list, _, _, alias = M.refresh()
	local want = key_of(table.concat(ops, " "), alias)
	for _, e in ipairs(list) do
		if e.key == want then
			local records = {}
			for i, s in ipairs(e.sources) do
				records[i] = { article = s.article, path = s.path, date = s.date, paragraph = s.paragraph, s = s.s,
					e = s.e, text = s.text }
			end
			return render.records(f.format, { "article", "date", "path", "paragraph", "s", "e", "text" }, records,
				{ path = 50 })
		end
	end
	error("entities: no entity named '" .. table.concat(ops, " ") .. "'", 0)
end

M.commands.main = M.commands.list
M.commands["--json"] = function(...) return M.commands.list("--json", ...) end
M.commands["--csv"] = function(...) return M.commands.list("--csv", ...) end
M.commands["--kind"] = function(...) return M.commands.list("--kind", ...) end
M.commands["--top"] = function(...) return M.commands.list("--top", ...) end

return M
