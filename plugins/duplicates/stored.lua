--- duplicates.stored: the clusters the duplicates plugin stored, read back
--- by the plugins that need them (timeline, stats, summary) instead of being
--- computed again, while they are current: stored with the same options over
--- the same articles (their count, highest id and a digest of their ids and
--- content hashes). Otherwise the clusters are computed afresh.
local store = require("trang.store")
local cluster = require("duplicates.cluster")

local M = {}

--- The duplicates plugin's table prefix (other plugins read its tables; a
--- spec passes its own, store.prefix()).
M.PREFIX = "plugin_duplicates_"

---@class duplicates.fingerprint
---@field articles integer how many articles
---@field max_id integer the highest article id (0 for none)
---@field digest string 16 hex digits over every article's id and content hash

--- The fingerprint of the stored corpus. Needs corpus.read.
---@return duplicates.fingerprint
function M.fingerprint()
	-- FNV-1a over 64-bit integers (Lua integers wrap around on overflow)
	local h, n, max_id = -3750763034362895579, 0, 0
	local prime = 1099511628211
	for _, r in ipairs(store.query("SELECT id, hash FROM articles ORDER BY id")) do
		h = (h ~ r.id) * prime
		h = (h ~ (tonumber(r.hash:sub(1, 15), 16) or 0)) * prime
		h = (h ~ (tonumber(r.hash:sub(16, 30), 16) or 0)) * prime
		n = n + 1
		if r.id > max_id then max_id = r.id end
	end
	return { articles = n, max_id = max_id, digest = string.format("%016x", h) }
end

local function table_exists(name)
	return #store.query("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?", name) > 0
end

--- Whether the stored clusters were computed with opts over the corpus as it
--- is now.
---@param opts duplicates.opts
---@param prefix? string the tables' prefix (default M.PREFIX)
---@return boolean
function M.is_current(opts, prefix)
	prefix = prefix or M.PREFIX
	if not table_exists(prefix .. "state") then return false end
	local s = store.query("SELECT * FROM " .. prefix .. "state")[1]
	if not s then return false end
	if s.shingle ~= opts.shingle or s.threshold ~= opts.threshold or s.bins ~= opts.bins or s.bands ~= opts.bands then
		return false
	end
	local fp = M.fingerprint()
	return s.articles == fp.articles and s.max_id == fp.max_id and s.digest == fp.digest
end

--- The stored clusters, in the shape cluster.compute returns, without `meta`
--- (only the clustered articles are known) and `candidates`.
---@param prefix? string the tables' prefix (default M.PREFIX)
---@return table result {clusters=, of=, pairs=, articles=, stored=true}
function M.load(prefix)
	local P = prefix or M.PREFIX
	local clusters, by_id = {}, {}
	for _, r in ipairs(store.query("SELECT cluster, representative FROM " .. P .. "clusters ORDER BY cluster")) do
		local c = { id = r.cluster, representative = r.representative, members = {}, pairs = {} }
		clusters[#clusters + 1] = c
		by_id[r.cluster] = c
	end
	local of = {}
	for _, r in ipairs(store.query("SELECT m.cluster, m.article, m.path, m.date, a.title FROM " .. P .. "members m " ..
		"LEFT JOIN articles a ON a.id = m.article ORDER BY m.cluster, m.article")) do
		local c = by_id[r.cluster]
		c.members[#c.members + 1] = { id = r.article, path = r.path, date = r.date, title = r.title }
		of[r.article] = c
	end
	local pairs_out = {}
	for _, r in ipairs(store.query("SELECT a, b, similarity, estimate FROM " .. P .. "pairs ORDER BY a, b")) do
		local p = { a = r.a, b = r.b, similarity = r.similarity, estimate = r.estimate }
		pairs_out[#pairs_out + 1] = p
		local c = of[p.a]
		if c then c.pairs[#c.pairs + 1] = p end
	end
	local s = store.query("SELECT articles FROM " .. P .. "state")[1]
	return { clusters = clusters, of = of, pairs = pairs_out, articles = s and s.articles or 0, stored = true }
end

--- The stored clusters when current, else clusters computed now (not stored:
--- only the duplicates plugin writes its tables).
---@param opts? duplicates.opts default cluster.DEFAULTS
---@return table result as load or cluster.compute returns it
function M.current(opts)
	opts = opts or cluster.DEFAULTS
	if M.is_current(opts) then return M.load() end
	return cluster.compute(opts)
end

return M
