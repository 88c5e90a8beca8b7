--- report.data: what the report shows, read from the tables the analysis
--- plugins stored (timeline, stats, duplicates, entities). A missing table
--- is a section with nothing in it and a note saying which plugin fills it.
local json = require("trang.json")
local store = require("trang.store")

local M = {}

--- Whether an analysis plugin has stored its results.
---@param name string a table name, e.g. "plugin_timeline_events"
---@return boolean
function M.has(name)
	return #store.query("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?", name) > 0
end

--- The corpus at a glance: counts, dates, sources.
---@return table {articles=, paragraphs=, sentences=, first=, last=, undated=, sources={{source=, n=}}}
function M.corpus()
	local r = store.query("SELECT count(*) AS articles, min(date) AS first, max(date) AS last, " ..
		"sum(date IS NULL) AS undated FROM articles")[1]
	r.paragraphs = store.query("SELECT count(*) AS n FROM paragraphs")[1].n
	r.sentences = store.query("SELECT count(*) AS n FROM sentences")[1].n
	r.sources = store.query("SELECT source, count(*) AS n FROM articles WHERE source IS NOT NULL " ..
		"GROUP BY source ORDER BY n DESC, source LIMIT 8")
	return r
end

--- Attaches to each item of list (keyed by its field key) its sources as
--- source_list, read by sql for those items only: sql selects "owner" and
--- ends with "WHERE owner_column IN (SELECT value FROM json_each(?))".
local function attach_sources(list, key, sql)
	local ids = {}
	for i, item in ipairs(list) do ids[i] = item[key] end
	local by = {}
	for _, s in ipairs(store.query(sql, json.encode(ids))) do
		local k = s.owner
		by[k] = by[k] or {}
		table.insert(by[k], s)
	end
	for _, item in ipairs(list) do item.source_list = by[item[key]] or {} end
end

--- The events with most sources (at most n), in date order, each with its sources.
---@param n integer
---@return table[]|nil events, nil when the timeline plugin stored none
---@return integer total events stored
function M.events(n)
	if not M.has("plugin_timeline_events") then return nil, 0 end
	local total = store.query("SELECT count(*) AS n FROM plugin_timeline_events")[1].n
	local list = store.query("SELECT * FROM (SELECT event, value, granularity, rule, date_text, sentence, sources " ..
		"FROM plugin_timeline_events ORDER BY sources DESC, event LIMIT ?) ORDER BY event", n)
	attach_sources(list, "event", "SELECT event AS owner, article, path, paragraph, reason " ..
		"FROM plugin_timeline_sources WHERE event IN (SELECT value FROM json_each(?)) ORDER BY event, path")
	return list, total
end

--- The figures worth a first look (at most n): money, percentages, the most reported.
---@param n integer
---@return table[]|nil figures, nil when the stats plugin stored none
---@return integer total
function M.figures(n)
	if not M.has("plugin_stats_figures") then return nil, 0 end
	local total = store.query("SELECT count(*) AS n FROM plugin_stats_figures")[1].n
	-- money and percentages first, then the most reported; spelled-out small
	-- numbers ("hai nước") are left to the full table of the stats plugin
	local list = store.query("SELECT * FROM plugin_stats_figures WHERE text GLOB '*[0-9]*' " ..
		"ORDER BY (kind = 'money') DESC, (kind = 'percent') DESC, sources DESC, figure LIMIT ?", n)
	attach_sources(list, "figure", "SELECT figure AS owner, article, path, paragraph " ..
		"FROM plugin_stats_sources WHERE figure IN (SELECT value FROM json_each(?)) ORDER BY figure, path")
	return list, total
end

--- The largest near-duplicate clusters (at most n), each with its members.
---@param n integer
---@return table[]|nil clusters, nil when the duplicates plugin stored none
---@return integer total
function M.clusters(n)
	if not M.has("plugin_duplicates_clusters") then return nil, 0 end
	local total = store.query("SELECT count(*) AS n FROM plugin_duplicates_clusters")[1].n
	local list = store.query("SELECT cluster, representative, size FROM plugin_duplicates_clusters " ..
		"ORDER BY size DESC, cluster LIMIT ?", n)
	for _, c in ipairs(list) do
		c.members = store.query("SELECT m.article, m.path, m.date, m.representative, a.title FROM " ..
			"plugin_duplicates_members m JOIN articles a ON a.id = m.article WHERE m.cluster = ? " ..
			"ORDER BY m.representative DESC, m.date, m.article", c.cluster)
	end
	return list, total
end

--- The top entities of each kind (at most n per kind), with their first
--- mention and the three entities they most appear with.
---@param n integer
---@return table<string, table[]>|nil by kind, nil when the entities plugin stored none
---@return integer total
function M.entities(n)
	if not M.has("plugin_entities_entities") then return nil, 0 end
	local total = store.query("SELECT count(*) AS n FROM plugin_entities_entities")[1].n
	local by = {}
	for _, kind in ipairs({ "person", "org", "place" }) do
		local list = store.query("SELECT entity, name, title, mentions, articles, stories, first_date, last_date " ..
			"FROM plugin_entities_entities WHERE kind = ? ORDER BY mentions DESC, entity LIMIT ?", kind, n)
		for _, e in ipairs(list) do
			e.first_source = store.query("SELECT article, path, paragraph FROM plugin_entities_mentions " ..
				"WHERE entity = ? ORDER BY coalesce(date, '~'), article LIMIT 1", e.entity)[1]
			e.with = store.query("SELECT x.name, p.articles FROM plugin_entities_pairs p JOIN plugin_entities_entities x " ..
				"ON x.entity = (CASE WHEN p.a = ?1 THEN p.b ELSE p.a END) WHERE p.a = ?1 OR p.b = ?1 " ..
				"ORDER BY p.sentences DESC, p.articles DESC, x.entity LIMIT 3", e.entity)
		end
		by[kind] = list
	end
	return by, total
end

return M
