--- summary.rank: the two methods. `lead` takes the first sentences (the
--- baseline every news summariser is measured against); `default` scores each
--- sentence by its position, its likeness to the title (and to the query, when
--- there is one), its likeness to the whole text and its length, then picks the
--- best ones, skipping any sentence that says what a picked one says (so a
--- sentence repeated by two near-duplicate articles appears once, with both
--- sources).
local M = {}

--- The scoring weights. Fitted by coordinate ascent of ROUGE-1 F1 + ROUGE-2
--- F1 (plus half their recall) on the even-numbered half of the development
--- corpus (sapo as reference, body as text); `trang plugin run summary
--- evaluate` measures them on the whole corpus.
M.WEIGHTS = { position = 0.6, first = 0.9, title = 1.53, centroid = 0, length = -0.8 }

--- A bag of tokens: token -> count.
local function bag(tokens)
	local b = {}
	for _, t in ipairs(tokens) do b[t] = (b[t] or 0) + 1 end
	return b
end

--- The cosine of two bags, each count weighted by idf(token).
local function cosine(a, b, idf)
	local dot, na, nb = 0, 0, 0
	for t, x in pairs(a) do
		local w = idf(t)
		local xa = x * w
		na = na + xa * xa
		local y = b[t]
		if y then dot = dot + xa * y * w end
	end
	for t, y in pairs(b) do
		local yb = y * idf(t)
		nb = nb + yb * yb
	end
	if na == 0 or nb == 0 then return 0 end
	return dot / math.sqrt(na * nb)
end

--- The Jaccard similarity of two sentences' syllable sets.
---@param a string[]
---@param b string[]
---@return number
function M.jaccard(a, b)
	local sa, na, nb, inter = {}, 0, 0, 0
	for _, t in ipairs(a) do
		if not sa[t] then sa[t] = true; na = na + 1 end
	end
	local sb = {}
	for _, t in ipairs(b) do
		if not sb[t] then
			sb[t] = true
			nb = nb + 1
			if sa[t] then inter = inter + 1 end
		end
	end
	local union = na + nb - inter
	return union > 0 and inter / union or 0
end

---@class summary.rank_opts
---@field idf fun(token: string): number the weight of a token (1 for every token when absent)
---@field query? string[] query tokens: they count as part of every title
---@field weights? table defaults to M.WEIGHTS

--- Scores every candidate in place (c.score).
---@param cands summary.candidate[]
---@param opts summary.rank_opts
function M.score(cands, opts)
	local w = opts.weights or M.WEIGHTS
	local idf = opts.idf or function() return 1 end
	local centroid = {}
	if w.centroid ~= 0 then
		for _, c in ipairs(cands) do
			for _, t in ipairs(c.tokens) do centroid[t] = (centroid[t] or 0) + 1 end
		end
	end
	local title_bags = {}
	for _, c in ipairs(cands) do
		local tb = title_bags[c.title]
		if not tb then
			tb = bag(c.title)
			for _, t in ipairs(opts.query or {}) do tb[t] = (tb[t] or 0) + 1 end
			title_bags[c.title] = tb
		end
		local b = bag(c.tokens)
		c.score = w.position / c.position + (c.position == 1 and w.first or 0) + w.title * cosine(b, tb, idf)
			+ (w.centroid ~= 0 and w.centroid * cosine(b, centroid, idf) or 0) + w.length * #c.tokens / 50
	end
end

--- The order a summary reads in: by article date (undated last), article, position.
local function reading_order(x, y)
	local dx, dy = x.date or "~", y.date or "~"
	if dx ~= dy then return dx < dy end
	if x.article ~= y.article then return x.article < y.article end
	return x.position < y.position
end

---@class summary.select_opts
---@field n integer sentences wanted
---@field redundancy number Jaccard at which a sentence repeats a picked one
---@field min_syllables integer
---@field one_per_story? boolean a sentence per story (c.story) before a second from any: two
---  near-duplicates tell one story in different words ("Ngày 8/8, ... đã điện đàm", "Cuộc điện đàm
---  diễn ra ngày 8/8 ..."), which the syllable Jaccard alone does not see

--- Picks up to n candidates in the order `better` prefers, skipping short
--- ones and any that repeats a picked one; each repeat is kept in the picked
--- sentence's `also` list (its other sources). With one_per_story, a first
--- pass takes the best sentence of each story and a second fills up.
--- Returns them in reading order.
---@param cands summary.candidate[]
---@param better fun(a: summary.candidate, b: summary.candidate): boolean
---@param opts summary.select_opts
---@return summary.candidate[]
local function pick(cands, better, opts)
	local order = {}
	for i, c in ipairs(cands) do order[i] = c end
	table.sort(order, better)
	local picked, done, told = {}, {}, {}
	for pass = 1, opts.one_per_story and 2 or 1 do
		for _, c in ipairs(order) do
			if not done[c] and #c.tokens >= opts.min_syllables then
				local same
				for _, p in ipairs(picked) do
					if M.jaccard(p.tokens, c.tokens) >= opts.redundancy then same = p break end
				end
				if same then
					if same.article ~= c.article then table.insert(same.also, c) end
					done[c] = true
				elseif #picked < opts.n and (pass == 2 or not opts.one_per_story or not told[c.story]) then
					c.also = {}
					picked[#picked + 1] = c
					done[c] = true
					if c.story then told[c.story] = true end
				end
			end
		end
	end
	table.sort(picked, reading_order)
	return picked
end

--- The default method: the n best-scored sentences, no two saying the same.
---@param cands summary.candidate[]
---@param opts summary.select_opts|summary.rank_opts
---@return summary.candidate[]
function M.default(cands, opts)
	M.score(cands, opts)
	return pick(cands, function(x, y)
		if x.score ~= y.score then return x.score > y.score end
		return reading_order(x, y)
	end, opts)
end

--- Lead-N, the baseline: the first n sentences; over several articles, the
--- first sentence of each in reading order, then the second, and so on.
---@param cands summary.candidate[]
---@param opts summary.select_opts
---@return summary.candidate[]
function M.lead(cands, opts)
	for _, c in ipairs(cands) do c.score = 1 / c.position end
	-- every sentence counts, however short: the baseline as published
	local lead_opts = { n = opts.n, redundancy = opts.redundancy, min_syllables = 1 }
	return pick(cands, function(x, y)
		if x.position ~= y.position then return x.position < y.position end
		return reading_order(x, y)
	end, lead_opts)
end

M.methods = { default = M.default, lead = M.lead }

return M
