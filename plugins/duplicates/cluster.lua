--- duplicates.cluster: near-duplicate clusters of the stored articles.
--- MinHash signatures (duplicates.minhash) are bucketed by LSH bands; every
--- candidate pair is checked with the exact Jaccard similarity of its shingle
--- sets, and pairs at or over the threshold are joined with union-find.
local corpus = require("trang.corpus")
local minhash = require("duplicates.minhash")

local M = {}

--- The defaults the manifest declares, for plugins that cluster without
--- running this one (timeline, stats).
M.DEFAULTS = { shingle = 3, threshold = 0.2, bins = 128, bands = 64 }

---@class duplicates.opts
---@field shingle integer
---@field threshold number
---@field bins integer
---@field bands integer

--- Shingle set of an article.
local function article_shingles(a, k)
	return minhash.shingles(minhash.syllables(a.text), k)
end

--- Candidate pairs from LSH: articles sharing all rows of some band.
---@param sigs table<integer, integer[]> article id -> signature
---@param bins integer
---@param bands integer
---@return table<string, integer[]> "a:b" -> {a, b}
function M.candidates(sigs, bins, bands)
	local rows = bins // bands
	local cand = {}
	for band = 0, bands - 1 do
		local buckets = {}
		for id, sig in pairs(sigs) do
			local parts = {}
			for r = 1, rows do parts[r] = sig[band * rows + r] end
			local key = table.concat(parts, ",")
			local b = buckets[key]
			if b then b[#b + 1] = id else buckets[key] = { id } end
		end
		for _, ids in pairs(buckets) do
			if #ids > 1 then
				table.sort(ids)
				for i = 1, #ids - 1 do
					for j = i + 1, #ids do
						local key = ids[i] .. ":" .. ids[j]
						cand[key] = cand[key] or { ids[i], ids[j] }
					end
				end
			end
		end
	end
	return cand
end

local function find(parent, x)
	while parent[x] ~= x do
		parent[x] = parent[parent[x]]
		x = parent[x]
	end
	return x
end

--- Computes clusters over the articles opts.select picks (all by default).
---@param opts duplicates.opts
---@return table result {clusters = {{id=, members={...}, representative=}}, pairs = {{a=, b=, similarity=, estimate=}}, articles = n, seconds = {...}}
function M.compute(opts)
	opts = opts or M.DEFAULTS
	local t0 = os.clock()
	local sigs, meta, n = {}, {}, 0
	local t_tokens, t_hash, clock = 0, 0, os.clock
	for a in corpus.articles(opts.select or {}) do
		local c0 = clock()
		local syl = minhash.syllables(a.text)
		local c1 = clock()
		local set, size = minhash.shingles(syl, opts.shingle)
		local sig = size > 0 and minhash.signature(set, opts.bins) or nil
		t_tokens, t_hash = t_tokens + (c1 - c0), t_hash + (clock() - c1)
		if sig then sigs[a.id] = sig end
		meta[a.id] = { id = a.id, path = a.path, date = a.date, title = a.title, shingles = size }
		n = n + 1
	end
	local t1 = os.clock()
	local cand = M.candidates(sigs, opts.bins, opts.bands)
	-- verify: exact Jaccard, reloading only the articles that are candidates
	local sets = {}
	local function set_of(id)
		local s = sets[id]
		if not s then
			local set, size = article_shingles(corpus.get(id), opts.shingle)
			s = { set = set, size = size }
			sets[id] = s
		end
		return s
	end
	local pairs_out, parent = {}, {}
	for id in pairs(meta) do parent[id] = id end
	local keys = {}
	for k in pairs(cand) do keys[#keys + 1] = k end
	table.sort(keys)
	for _, k in ipairs(keys) do
		local a, b = cand[k][1], cand[k][2]
		local est = minhash.similarity(sigs[a], sigs[b])
		if est >= opts.threshold * 0.5 then
			local sa, sb = set_of(a), set_of(b)
			local sim = minhash.jaccard(sa.set, sa.size, sb.set, sb.size)
			if sim >= opts.threshold then
				pairs_out[#pairs_out + 1] = { a = a, b = b, similarity = sim, estimate = est }
				parent[find(parent, a)] = find(parent, b)
			end
		end
	end
	local t2 = os.clock()
	-- clusters of two or more, the representative is the member most similar to the rest
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
			clusters[#clusters + 1] = { members = members, representative = rep }
		end
	end
	table.sort(clusters, function(x, y) return x.members[1].id < y.members[1].id end)
	for i, c in ipairs(clusters) do c.id = i end
	local of = {}
	for _, c in ipairs(clusters) do
		for _, m in ipairs(c.members) do of[m.id] = c end
	end
	return {
		clusters = clusters, of = of, pairs = pairs_out, articles = n, candidates = #keys,
		seconds = { signatures = t1 - t0, tokens = t_tokens, hashing = t_hash, verify = t2 - t1 },
	}
end

--- Every pair at or over the threshold by brute force (exact Jaccard over
--- an inverted index of shingles), to measure what LSH misses.
---@param opts duplicates.opts
---@return table<string, number> "a:b" -> similarity
---@return integer articles
function M.exact_pairs(opts)
	opts = opts or M.DEFAULTS
	local postings, sizes, n = {}, {}, 0
	for a in corpus.articles(opts.select or {}) do
		local set, size = article_shingles(a, opts.shingle)
		sizes[a.id] = size
		for h in pairs(set) do
			local p = postings[h]
			if p then p[#p + 1] = a.id else postings[h] = { a.id } end
		end
		n = n + 1
	end
	local shared = {}
	for _, ids in pairs(postings) do
		if #ids > 1 then
			for i = 1, #ids - 1 do
				for j = i + 1, #ids do
					local x, y = ids[i], ids[j]
					if x > y then x, y = y, x end
					local key = x .. ":" .. y
					shared[key] = (shared[key] or 0) + 1
				end
			end
		end
	end
	local out = {}
	for key, inter in pairs(shared) do
		local x, y = key:match("^(%d+):(%d+)$")
		local sim = inter / (sizes[tonumber(x)] + sizes[tonumber(y)] - inter)
		if sim >= opts.threshold then out[key] = sim end
	end
	return out, n
end

return M
