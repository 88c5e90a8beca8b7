--- duplicates: near-duplicate articles and repeated paragraphs.
---   trang plugin run duplicates [clusters] [--json|--csv] [--all]   clusters with their members
---   trang plugin run duplicates pairs [--json|--csv] [--all]        every near-duplicate pair
--- Every cluster and pair is stored; a run prints the `rows` largest clusters
--- and most similar pairs, every one with --all.
---   trang plugin run duplicates paragraphs [--json|--csv]   paragraphs repeated across articles
---   trang plugin run duplicates timing                      how long each step takes
--- Each command recomputes and stores its results in plugin_duplicates_*
--- tables, which timeline and stats read. Written on the public API only.
local store = require("trang.store")
local cluster = require("duplicates.cluster")
local stored = require("duplicates.stored")
local paragraphs = require("duplicates.paragraphs")
local render = require("duplicates.render")

local _, plugin = ...

local M = { commands = {} }

local P = store.prefix()
local SCHEMA = {
	"CREATE TABLE IF NOT EXISTS " .. P .. "clusters (cluster INTEGER PRIMARY KEY, representative INTEGER NOT NULL, " ..
		"size INTEGER NOT NULL)",
	"CREATE TABLE IF NOT EXISTS " .. P .. "members (cluster INTEGER NOT NULL, article INTEGER NOT NULL, path TEXT, " ..
		"date TEXT, representative INTEGER NOT NULL, PRIMARY KEY (cluster, article))",
	"CREATE TABLE IF NOT EXISTS " .. P .. "pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, similarity REAL NOT NULL, " ..
		"estimate REAL NOT NULL, PRIMARY KEY (a, b))",
	"CREATE TABLE IF NOT EXISTS " .. P .. "paragraphs (grp INTEGER NOT NULL, article INTEGER NOT NULL, path TEXT, " ..
		"paragraph INTEGER NOT NULL, s INTEGER NOT NULL, e INTEGER NOT NULL, " ..
		"text TEXT NOT NULL)",
	-- what the stored clusters were computed from (duplicates.stored)
	"CREATE TABLE IF NOT EXISTS " .. P .. "state (articles INTEGER NOT NULL, max_id INTEGER NOT NULL, " ..
		"digest TEXT NOT NULL, shingle INTEGER, threshold REAL, bins INTEGER, bands INTEGER)",
}

--- The options of this run, from the manifest (and --set).
---@return duplicates.opts
function M.options()
	local o = plugin.options
	return { shingle = o.shingle, threshold = o.threshold, bins = o.bins, bands = o.bands }
end

--- Computes the clusters and replaces the stored ones.
---@return table result as cluster.compute returns it
function M.refresh()
	local opts = M.options()
	-- taken first: articles added while computing make the stored clusters stale
	local fp = stored.fingerprint()
	local result = cluster.compute(opts)
	store.tx(function()
		for _, sql in ipairs(SCHEMA) do store.exec(sql) end
		store.exec("DELETE FROM " .. P .. "clusters")
		store.exec("DELETE FROM " .. P .. "members")
		store.exec("DELETE FROM " .. P .. "pairs")
		store.exec("DELETE FROM " .. P .. "state")
		store.exec("INSERT INTO " .. P .. "state VALUES (?, ?, ?, ?, ?, ?, ?)", fp.articles, fp.max_id, fp.digest,
			opts.shingle, opts.threshold, opts.bins, opts.bands)
		for _, c in ipairs(result.clusters) do
			store.exec("INSERT INTO " .. P .. "clusters VALUES (?, ?, ?)", c.id, c.representative, #c.members)
			for _, m in ipairs(c.members) do
				store.exec("INSERT INTO " .. P .. "members VALUES (?, ?, ?, ?, ?)", c.id, m.id, m.path, m.date,
					m.id == c.representative and 1 or 0)
			end
		end
		for _, p in ipairs(result.pairs) do
			store.exec("INSERT INTO " .. P .. "pairs VALUES (?, ?, ?, ?)", p.a, p.b, p.similarity, p.estimate)
		end
	end)
	return result
end

local base_name = render.base_name

--- The output format and whether --all was given.
local function format_and_all(args)
	local fmt, rest = render.format_of(args)
	for _, a in ipairs(rest) do
		if a == "--all" then return fmt, true end
	end
	return fmt, false
end

--- The similarity of each pair, by "a:b" with a < b.
local function pair_index(result)
	local by = {}
	for _, p in ipairs(result.pairs) do by[p.a .. ":" .. p.b] = p.similarity end
	return by
end

--- `clusters`: one line per member, the representative marked, with the
--- member's similarity to the representative (empty when the two are linked
--- only through other members) and its best similarity to any member.
function M.commands.clusters(...)
	local fmt, all = format_and_all({ ... })
	local result = M.refresh()
	local sim = pair_index(result)
	local records = {}
	local shown = render.most(result.clusters, all and #result.clusters or plugin.options.rows,
		function(c) return #c.members end)
	local cut = render.cut_note(fmt, #shown, #result.clusters, "clusters", "the largest")
	for _, i in ipairs(shown) do
		local c = result.clusters[i]
		local best = {}
		for _, p in ipairs(c.pairs) do
			best[p.a] = math.max(best[p.a] or 0, p.similarity)
			best[p.b] = math.max(best[p.b] or 0, p.similarity)
		end
		for _, m in ipairs(c.members) do
			local r = c.representative
			local to_rep = m.id ~= r and sim[math.min(m.id, r) .. ":" .. math.max(m.id, r)] or nil
			records[#records + 1] = {
				cluster = c.id, size = #c.members, article = m.id, path = m.path, file = base_name(m.path),
				date = m.date, representative = m.id == r, title = m.title,
				similarity = to_rep and tonumber(string.format("%.3f", to_rep)),
				best = tonumber(string.format("%.3f", best[m.id] or 0)),
			}
		end
	end
	if fmt == "table" then
		for _, r in ipairs(records) do r.representative = r.representative and "*" or "" end
		return render.records(fmt, { "cluster", "representative", "article", "file", "date", "similarity", "best",
			"title" }, records, { title = 50 }) ..
			string.format("\n%d clusters over %d articles (%d near-duplicate pairs; similarity: Jaccard of " ..
				"3-syllable shingles to the representative, best: to any member)%s", #result.clusters,
				result.articles, #result.pairs, cut)
	end
	return render.records(fmt, { "cluster", "size", "article", "path", "date", "representative", "similarity", "best",
		"title" }, records)
end

--- `pairs`: every pair at or over the threshold, with its exact Jaccard
--- similarity, its MinHash estimate and its cluster.
function M.commands.pairs(...)
	local fmt, all = format_and_all({ ... })
	local result = M.refresh()
	local records = {}
	local shown = render.most(result.pairs, all and #result.pairs or plugin.options.rows,
		function(p) return p.similarity end)
	local cut = render.cut_note(fmt, #shown, #result.pairs, "pairs", "the most similar")
	for _, i in ipairs(shown) do
		local p = result.pairs[i]
		local ma, mb = result.meta[p.a], result.meta[p.b]
		records[#records + 1] = { a = p.a, b = p.b, similarity = string.format("%.3f", p.similarity),
			estimate = string.format("%.3f", p.estimate), cluster = result.of[p.a].id,
			file_a = base_name(ma.path), file_b = base_name(mb.path), date_a = ma.date, date_b = mb.date }
	end
	if fmt == "table" then
		return render.records(fmt, { "cluster", "a", "b", "similarity", "estimate", "file_a", "file_b" }, records) ..
			(cut ~= "" and ("\n" .. cut:sub(3)) or "")
	end
	return render.records(fmt, { "a", "b", "similarity", "estimate", "cluster", "date_a", "date_b" }, records)
end

--- `paragraphs`: paragraphs found word for word in more than one article.
function M.commands.paragraphs(...)
	local fmt = render.format_of({ ... })
	local groups = paragraphs.repeated(plugin.options.min_paragraph)
	local records = {}
	store.tx(function()
		for _, sql in ipairs(SCHEMA) do store.exec(sql) end
		store.exec("DELETE FROM " .. P .. "paragraphs")
		for g, grp in ipairs(groups) do
			for _, s in ipairs(grp.sources) do
				store.exec("INSERT INTO " .. P .. "paragraphs VALUES (?, ?, ?, ?, ?, ?, ?)", g, s.article, s.path,
					s.paragraph, s.s, s.e, grp.text)
				records[#records + 1] = { group = g, articles = grp.articles, article = s.article, path = s.path,
					file = base_name(s.path), paragraph = s.paragraph, s = s.s, e = s.e, text = grp.text }
			end
		end
	end)
	if fmt == "table" then
		return render.records(fmt, { "group", "article", "file", "paragraph", "text" }, records, { text = 60 })
	end
	return render.records(fmt, { "group", "articles", "article", "path", "paragraph", "s", "e", "text" }, records)
end

--- `timing`: how long signatures and verification take on this corpus.
function M.commands.timing()
	local r = M.refresh()
	return string.format("%d articles, %d candidate pairs, %d pairs, %d clusters; shingles and signatures %.2f s, " ..
		"LSH and verification %.2f s (CPU time)", r.articles, r.candidates, #r.pairs, #r.clusters,
		r.seconds.signatures, r.seconds.verify)
end

--- `recall [N]`: the LSH pairs of the first N articles (all by default)
--- against brute force, the exact Jaccard similarity of every pair of them.
--- Prints "precision P recall R" with the counts: precision is the share of
--- LSH pairs that brute force finds too, recall the share of brute-force
--- pairs that LSH finds.
function M.commands.recall(n)
	local opts = M.options()
	opts.select = { limit = tonumber(n) }
	local r = cluster.compute(opts)
	local exact, articles, compared = cluster.exact_pairs(opts)
	local truth, hit = 0, 0
	for _, p in ipairs(r.pairs) do
		if exact[p.a .. ":" .. p.b] then hit = hit + 1 end
	end
	for _ in pairs(exact) do truth = truth + 1 end
	local precision = #r.pairs > 0 and hit / #r.pairs or 1
	local recall = truth > 0 and hit / truth or 1
	return string.format("%d articles, %d pairs compared: %d pairs by LSH, %d by brute force at threshold %.2f; " ..
		"precision %.3f recall %.3f", articles, compared, #r.pairs, truth, opts.threshold, precision, recall)
end

M.commands.main = M.commands.clusters
-- `trang plugin run duplicates --json` reads as the default command with a flag
M.commands["--json"] = function(...) return M.commands.clusters("--json", ...) end
M.commands["--csv"] = function(...) return M.commands.clusters("--csv", ...) end
M.commands["--all"] = function(...) return M.commands.clusters("--all", ...) end

return M
