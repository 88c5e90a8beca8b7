--- timeline: every dated event in the corpus, in date order.
---   trang plugin run timeline [show] [--json|--csv] [--all] [--since D] [--until D]
---                                    [--match QUERY] [--entity NAME]
--- Every event is stored; the `rows` events with the most sources are printed
--- (in date order), every one with --all.
--- An event is a time expression and the sentence it dates; the same event
--- told by several articles is one event with several sources. Results are
--- stored in plugin_timeline_events and plugin_timeline_sources.
--- Relative dates resolve against the article's date; an undated article
--- borrows the date of a dated near-duplicate (duplicates plugin), named in
--- the rule; otherwise its relative dates stay partial (XXXX-08-08).
local corpus = require("trang.corpus")
local store = require("trang.store")
local text = require("trang.text")
local extract = require("trang.extract")
local log = require("trang.log")
local stored = require("duplicates.stored")
local render = require("duplicates.render")
local events = require("timeline.events")
local merge = require("timeline.merge")

local _, plugin = ...

local M = { commands = {} }

local P = store.prefix()
local SCHEMA = {
	"CREATE TABLE IF NOT EXISTS " .. P .. "events (event INTEGER PRIMARY KEY, value TEXT NOT NULL, granularity TEXT, " ..
		"mod TEXT, lo TEXT, hi TEXT, rule TEXT, date_text TEXT, sentence TEXT, " ..
		"sources INTEGER NOT NULL)",
	"CREATE TABLE IF NOT EXISTS " .. P .. "sources (event INTEGER NOT NULL, article INTEGER NOT NULL, path TEXT, " ..
		"paragraph INTEGER, s INTEGER, e INTEGER, sentence_s INTEGER, " ..
		"sentence_e INTEGER, date_text TEXT, rule TEXT, reason TEXT)",
}

--- Parses --since, --until, --match, --entity and the format flags.
local function parse_args(args)
	local fmt, rest = render.format_of(args)
	local f = { format = fmt }
	local i = 1
	while i <= #rest do
		local k = rest[i]:match("^%-%-(%a+)$")
		if k and (k == "since" or k == "until" or k == "match" or k == "entity") and rest[i + 1] then
			f[k] = rest[i + 1]
			i = i + 2
		elseif rest[i] == "show" then
			i = i + 1
		elseif rest[i] == "--all" then
			f.all = true
			i = i + 1
		else
			error("timeline: unknown argument '" .. rest[i] ..
				"' (--json, --csv, --all, --since, --until, --match, --entity)", 0)
		end
	end
	return f
end

--- The date an article's relative dates resolve against, and why.
---@return string|nil dct
---@return string|nil reason
function M.dct_for(a, cluster_of)
	local dct = events.dct_of(a.date)
	if dct then return dct, "header" end
	local cl = cluster_of[a.id]
	if not cl then return nil end
	local order = {}
	for _, m in ipairs(cl.members) do
		if m.id == cl.representative then table.insert(order, 1, m) else order[#order + 1] = m end
	end
	for _, m in ipairs(order) do
		local d = events.dct_of(m.date)
		if d and m.id ~= a.id then
			return d, string.format("near-duplicate %s (cluster %d)", m.path, cl.id)
		end
	end
	return nil
end

--- Builds the merged, sorted timeline.
---@param filter table {since=, until=, match=, entity=}
---@return table[] merged events
---@return table stats {articles=, events=, seconds=}
function M.build(filter)
	local t0 = os.clock()
	local cluster_of, paired = {}, {}
	if plugin.options.clusters then
		local result = stored.current()
		cluster_of = result.of
		for _, p in ipairs(result.pairs) do
			local to = paired[p.a]
			if not to then to = {}; paired[p.a] = to end
			to[p.b] = true
		end
	end
	local t1 = os.clock()
	local list, n, values_of = {}, 0, {}
	local want_entity = filter.entity and text.fold(filter.entity)
	for a in corpus.articles{ match = filter.match } do
		n = n + 1
		local dct, reason = M.dct_for(a, cluster_of)
		for _, ev in ipairs(events.of_article(a, dct, reason)) do
			local v = ev.value
			values_of[a.id] = values_of[a.id] or {}
			values_of[a.id][v] = true
			local keep = (not filter.since or v >= filter.since) and
				(not filter["until"] or v:sub(1, #filter["until"]) <= filter["until"]) and
				(not want_entity or text.fold(ev.sentence):find(want_entity, 1, true))
			if keep then list[#list + 1] = ev end
		end
	end
	local opts = { overlap = plugin.options.overlap, cluster_overlap = plugin.options.cluster_overlap,
		sentence_jaccard = plugin.options.sentence_jaccard, cluster_of = cluster_of,
		has_value = function(id, v) return values_of[id] ~= nil and values_of[id][v] == true end,
		paired = function(a, b)
			local to = paired[math.min(a, b)]
			return to ~= nil and to[math.max(a, b)] == true
		end }
	local tA = os.clock()
	local merged = merge.merge_events(list, opts)
	local tB = os.clock()
	-- the sentences of the articles add_cluster_sources looks into, by
	-- paragraph; a bounded cache (an event's cluster is looked at together)
	local cache, cached = {}, 0
	local function article_of(id)
		local c = cache[id]
		if not c then
			if cached >= 1000 then cache, cached = {}, 0 end
			local a = corpus.get(id)
			local by_par = {}
			local sentences = a:sentences()
			for _, s in ipairs(sentences) do
				if s.paragraph then
					local l = by_par[s.paragraph]
					if not l then l = {}; by_par[s.paragraph] = l end
					l[#l + 1] = s
				end
			end
			c = { article = a, sentences = sentences, by_par = by_par }
			cache[id], cached = c, cached + 1
		end
		return c
	end
	local function sentences_of(id) return article_of(id).sentences end
	local function paragraph_sentences(id, idx) return article_of(id).by_par[idx] or {} end
	local function dated_paragraphs(id)
		local c = article_of(id)
		if not c.dated then
			local d = {}
			for _, p in ipairs(c.article:paragraphs()) do
				if #extract.dates(p.text) > 0 then d[p.idx] = true end
			end
			c.dated = d
		end
		return c.dated
	end
	merge.add_cluster_sources(merged, opts, sentences_of, paragraph_sentences, dated_paragraphs)
	local tC = os.clock()
	merge.sort(merged)
	-- TRANG_LOG_LEVEL=debug shows where the time goes
	log.debug("CPU s: clusters %.2f, events %.2f, merge %.2f, cluster sources %.2f, sort %.2f; heap %.0f MB",
		t1 - t0, tA - t1, tB - tA, tC - tB, os.clock() - tC, collectgarbage("count") / 1024)
	return merged, { articles = n, events = #list, clusters = t1 - t0, seconds = os.clock() - t0 }
end

--- Replaces the stored timeline with merged.
function M.save(merged)
	store.tx(function()
		-- recreated, not emptied: a table of an older version may lack a column
		store.exec("DROP TABLE IF EXISTS " .. P .. "events")
		store.exec("DROP TABLE IF EXISTS " .. P .. "sources")
		for _, sql in ipairs(SCHEMA) do store.exec(sql) end
		for i, m in ipairs(merged) do
			store.exec("INSERT INTO " .. P .. "events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", i, m.value,
				m.granularity, m.mod, m.lo, m.hi, m.rule, m.date_text, m.sentence, #m.sources)
			for _, s in ipairs(m.sources) do
				store.exec("INSERT INTO " .. P .. "sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", i, s.article,
					s.path, s.paragraph, s.s, s.e, s.sentence_s, s.sentence_e, s.date_text, s.rule, s.reason)
			end
		end
	end)
end

local base_name = render.base_name

--- `show` (the default): builds, stores and prints the timeline.
function M.commands.show(...)
	local f = parse_args({ ... })
	local merged, st = M.build(f)
	M.save(merged)
	-- every event is stored; the ones with the most sources are printed
	-- unless --all asks for all
	local shown = render.most(merged, f.all and #merged or plugin.options.rows,
		function(m) return #m.sources end)
	local records = {}
	for k, i in ipairs(shown) do
		local m = merged[i]
		local files, srcs = {}, {}
		for j, s in ipairs(m.sources) do
			files[j] = base_name(s.path)
			srcs[j] = { article = s.article, path = s.path, paragraph = s.paragraph, s = s.s, e = s.e,
				sentence_s = s.sentence_s, sentence_e = s.sentence_e, date_text = s.date_text,
				rule = s.rule, reason = s.reason }
		end
		records[k] = {
			event = i, date = m.value, granularity = m.granularity, mod = m.mod, lo = m.lo, hi = m.hi,
			rule = m.rule, expression = m.date_text, sentence = m.sentence, n = #m.sources,
			files = table.concat(files, " "), sources = srcs,
		}
	end
	local cut = render.cut_note(f.format, #records, #merged, "events", "the most sources")
	if f.format == "json" then
		return render.records("json", {}, records)
	elseif f.format == "csv" then
		-- one row per source, so a spreadsheet can filter by article
		local rows = {}
		for _, r in ipairs(records) do
			for _, s in ipairs(r.sources) do
				rows[#rows + 1] = { event = r.event, date = r.date, granularity = r.granularity, mod = r.mod,
					rule = s.rule, expression = s.date_text, path = s.path, paragraph = s.paragraph, s = s.s,
					e = s.e, reason = s.reason, sentence = r.sentence }
			end
		end
		return render.records("csv", { "event", "date", "granularity", "mod", "rule", "expression", "path",
			"paragraph", "s", "e", "reason", "sentence" }, rows)
	end
	return render.records("table", { "date", "granularity", "rule", "n", "sentence", "files" }, records,
		{ sentence = 60, rule = 30 }) ..
		string.format("\n%d events (%d date expressions) from %d articles, %.2f s%s",
			#merged, st.events, st.articles, st.seconds, cut)
end

M.commands.main = M.commands.show
-- `trang plugin run timeline --json` reads as the default command with a flag
M.commands["--json"] = function(...) return M.commands.show("--json", ...) end
M.commands["--csv"] = function(...) return M.commands.show("--csv", ...) end
M.commands["--all"] = function(...) return M.commands.show("--all", ...) end

return M
