--- duplicates.cluster: near-duplicate clusters of the stored articles.
--- Each article's set of 3-syllable shingles and its MinHash signature are
--- computed in C (trang.text.shingles, trang.text.minhash); signatures are
--- bucketed by LSH bands; every candidate pair is checked with the exact
--- Jaccard similarity of its shingle sets (trang.text.jaccard), and pairs at
--- or over the threshold are joined with union-find.
local corpus = require("trang.corpus")
local text = require("trang.text")

local M = {}

--- The defaults the manifest declares, for plugins that cluster without
--- running this one (timeline, stats).
M.DEFAULTS = { shingle = 3, threshold = 0.2, bins = 128, bands = 64 }

---@class duplicates.opts
---@field shingle integer syllables per shingle
---@field threshold number Jaccard similarity for a near-duplicate pair
---@field bins integer MinHash signature length (a power of two)
---@field bands integer LSH bands (bins / bands rows each)
---@field select? table corpus.articles options

--- The estimated Jaccard similarity of two signatures: the share of equal bins.
---@param a string signature (text.minhash)
---@param b string
---@return number
function M.estimate(a, b)
	local n = #a // 4
	-- copies and syndicated text have equal signatures: no need to compare bins
	if a == b then return n / n end
	local same = 0
	for i = 1, #a, 4 do
		if a:sub(i, i + 3) == b:sub(i, i + 3) then same = same + 1 end
	end
	return same / n
end

--- Candidate pairs from LSH: articles sharing all rows of some band. Articles
--- with equal signatures (copies) share every band: the bands are bucketed
--- once per distinct signature, and each group of equal signatures expanded
--- into its pairs at the end.
---@param sigs table<integer, string> article id -> signature
---@param bins integer
---@param bands integer
---@return integer[][] pairs {a, b} with a < b, sorted
function M.candidates(sigs, bins, bands)
	local width = (bins // bands) * 4
	-- distinct signatures, each with the ids that have it (ascending)
	local group_of, groups, max_id = {}, {}, 0
	for id, sig in pairs(sigs) do
		local g = group_of[sig]
		if not g then
			g = { sig = sig }
			group_of[sig] = g
			groups[#groups + 1] = g
		end
		g[#g + 1] = id
		if id > max_id then max_id = id end
	end
	for _, g in ipairs(groups) do table.sort(g) end
	table.sort(groups, function(x, y) return x[1] < y[1] end)
	-- pairs of groups sharing a band, as integer keys gx * m + gy
	local m, linked = #groups + 1, {}
	for band = 0, bands - 1 do
		local buckets, from = {}, band * width + 1
		for gi, g in ipairs(groups) do
			local key = g.sig:sub(from, from + width - 1)
			local b = buckets[key]
			if b then b[#b + 1] = gi else buckets[key] = { gi } end
		end
		for _, list in pairs(buckets) do
			for i = 1, #list - 1 do
				local gi = list[i]
				for j = i + 1, #list do linked[gi * m + list[j]] = true end
			end
		end
	end
	-- article pairs as integer keys a * base + b, sorted as integers
	local base, keys = max_id + 1, {}
	local function add(a, b)
		if a > b then a, b = b, a end
		keys[#keys + 1] = a * base + b
	end
	for _, g in ipairs(groups) do
		for i = 1, #g - 1 do
			for j = i + 1, #g do add(g[i], g[j]) end
		end
	end
	for key in pairs(linked) do
		local gx, gy = groups[key // m], groups[key % m]
		for _, a in ipairs(gx) do
			for _, b in ipairs(gy) do add(a, b) end
		end
	end
	table.sort(keys)
	local out = {}
	for i, k in ipairs(keys) do out[i] = { k // base, k % base } end
	return out
end

local function find(parent, x)
	while parent[x] ~= x do
		parent[x] = parent[parent[x]]
		x = parent[x]
	end
	return x
end

--- Shingle sets and signatures of the articles opts.select picks.
---@param opts duplicates.opts
---@return table<integer, string> sets article id -> shingle set (articles with text only)
---@return table<integer, string> sigs article id -> signature
---@return table<integer, table> meta article id -> {id=, path=, date=, title=, shingles=}
---@return integer n articles read
function M.signatures(opts)
	local sets, sigs, meta, n = {}, {}, {}, 0
	for a in corpus.articles(opts.select or {}) do
		local set, size = text.shingles(a.text, opts.shingle)
		if size > 0 then
			sets[a.id] = set
			sigs[a.id] = text.minhash(set, opts.bins)
		end
		meta[a.id] = { id = a.id, path = a.path, date = a.date, title = a.title, shingles = size }
		n = n + 1
	end
	return sets, sigs, meta, n
end

--- Clusters of two or more from union-find roots; the representative is the
--- member most similar to the rest (the largest sum of pair similarities),
--- the lowest id on a tie.
local function clusters_of(meta, parent, pairs_out)
	local groups = {}
	for id in pairs(meta) do
		local r = find(parent, id)
		groups[r] = groups[r] or {}
		table.insert(groups[r], id)
	end
	local total = {}
	for _, p in ipairs(pairs_out) do
		total[p.a] = (total[p.a] or 0) + p.similarity
		total[p.b] = (total[p.b] or 0) + p.similarity
	end
	local clusters = {}
	for _, ids in pairs(groups) do
		if #ids > 1 then
			table.sort(ids)
			local rep = ids[1]
			for _, id in ipairs(ids) do
				if (total[id] or 0) > (total[rep] or 0) then rep = id end
			end
			local members = {}
			for i, id in ipairs(ids) do members[i] = meta[id] end
			clusters[#clusters + 1] = { members = members, representative = rep, pairs = {} }
		end
	end
	table.sort(clusters, function(x, y) return x.members[1].id < y.members[1].id end)
	local of = {}
	for i, c in ipairs(clusters) do
		c.id = i
		for _, m in ipairs(c.members) do of[m.id] = c end
	end
	for _, p in ipairs(pairs_out) do
		local c = of[p.a]
		c.pairs[#c.pairs + 1] = p
	end
	return clusters, of
end

--- Computes clusters over the articles opts.select picks (all by default).
---@param opts? duplicates.opts
---@return table result {clusters = {{id=, members=, representative=, pairs=}}, of = {[id] = cluster},
---  pairs = {{a=, b=, similarity=, estimate=}}, meta = {[id] = {id=, path=, date=, title=}},
---  articles=, candidates=, seconds=}
function M.compute(opts)
	opts = opts or M.DEFAULTS
	local t0 = os.clock()
	local sets, sigs, meta, n = M.signatures(opts)
	local t1 = os.clock()
	local list = M.candidates(sigs, opts.bins, opts.bands)
	local pairs_out, parent = {}, {}
	for id in pairs(meta) do parent[id] = id end
	for _, c in ipairs(list) do
		local a, b = c[1], c[2]
		local sim = text.jaccard(sets[a], sets[b])
		if sim >= opts.threshold then
			pairs_out[#pairs_out + 1] = { a = a, b = b, similarity = sim, estimate = M.estimate(sigs[a], sigs[b]) }
			parent[find(parent, a)] = find(parent, b)
		end
	end
	local t2 = os.clock()
	local clusters, of = clusters_of(meta, parent, pairs_out)
	return {
		clusters = clusters, of = of, pairs = pairs_out, meta = meta, articles = n, candidates = #list,
		seconds = { signatures = t1 - t0, verify = t2 - t1 },
	}
end

--- Every pair at or over the threshold by brute force: the exact Jaccard
--- similarity of every pair of articles, to measure what LSH misses.
---@param opts duplicates.opts
---@return table<string, number> "a:b" -> similarity
---@return integer articles
---@return integer compared pairs
function M.exact_pairs(opts)
	local ids, sets = {}, {}
	for a in corpus.articles(opts.select or {}) do
		ids[#ids + 1] = a.id
		sets[a.id] = text.shingles(a.text, opts.shingle)
	end
	table.sort(ids)
	local out, compared = {}, 0
	for i = 1, #ids - 1 do
		local x = ids[i]
		local sx = sets[x]
		for j = i + 1, #ids do
			local y = ids[j]
			local sim = text.jaccard(sx, sets[y])
			if sim >= opts.threshold then out[x .. ":" .. y] = sim end
		end
		compared = compared + #ids - i
	end
	return out, #ids, compared
end

return M
