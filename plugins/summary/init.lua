--- summary: extractive summaries, with sources.
---   trang plugin run summary article ID|PATH [--sentences N] [--method default|lead] [--json|--csv]
---   trang plugin run summary cluster N       a near-duplicate cluster (duplicates plugin)
---   trang plugin run summary query WORDS...  the articles a full-text query matches
---   trang plugin run summary corpus          the whole corpus (the default command)
---   trang plugin run summary evaluate [--limit N]   ROUGE-1/2 of default and lead-N
--- A summary is N sentences of the articles themselves; a sentence that two
--- articles share (near-duplicates) is picked once and lists both sources.
--- A summary of the corpus or of a query tells different stories: one
--- sentence per near-duplicate cluster (or article) before a second from any.
--- Each summary is stored in plugin_summary_summaries and _sentences.
local corpus = require("trang.corpus")
local store = require("trang.store")
local json = require("trang.json")
local time = require("trang.time")
local stored = require("duplicates.stored")
local render = require("duplicates.render")
local candidates = require("summary.candidates")
local rank = require("summary.rank")
local rouge = require("summary.rouge")
local idf = require("summary.idf")

local _, plugin = ...

local M = { commands = {} }

local P = store.prefix()
local SCHEMA = {
	"CREATE TABLE IF NOT EXISTS " .. P .. "summaries (summary INTEGER PRIMARY KEY, scope TEXT NOT NULL, target " ..
		"TEXT NOT NULL, method TEXT NOT NULL, sentences INTEGER NOT NULL, articles INTEGER NOT NULL, made TEXT NOT " ..
			"NULL, UNIQUE (scope, target, method, sentences))",
	"CREATE TABLE IF NOT EXISTS " .. P .. "sentences (summary INTEGER NOT NULL, rank INTEGER NOT NULL, article " ..
		"INTEGER NOT NULL, path TEXT, paragraph INTEGER NOT NULL, s INTEGER NOT NULL, e INTEGER NOT NULL, score " ..
			"REAL, text TEXT NOT NULL, also TEXT NOT NULL, PRIMARY KEY (summary, rank))",
}

--- Parses the flags every command takes; returns them and the operands.
local function parse_args(args)
	local fmt, rest = render.format_of(args)
	local f = { format = fmt, n = plugin.options.sentences, method = plugin.options.method }
	local ops, i = {}, 1
	while i <= #rest do
		local a = rest[i]
		if (a == "--sentences" or a == "-n") and rest[i + 1] then
			f.n = math.tointeger(tonumber(rest[i + 1]))
			if not f.n or f.n < 1 then error("summary: --sentences wants a number >= 1, got '" .. rest[i + 1] .. "'", 0) end
			i = i + 2
		elseif a == "--method" and rest[i + 1] then
			f.method = rest[i + 1]
			i = i + 2
		elseif a == "--limit" and rest[i + 1] then
			f.limit = math.tointeger(tonumber(rest[i + 1]))
			i = i + 2
		elseif a:sub(1, 2) == "--" then
			error("summary: unknown argument '" .. a .. "' (--sentences N, --method default|lead, --json, --csv)", 0)
		else
			ops[#ops + 1] = a
			i = i + 1
		end
	end
	if not rank.methods[f.method] then
		error("summary: unknown method '" .. tostring(f.method) .. "' (default, lead)", 0)
	end
	return f, ops
end

--- The options rank.default and rank.lead take.
local function select_opts(f, query)
	return { n = f.n, redundancy = plugin.options.redundancy, min_syllables = plugin.options.min_syllables,
		idf = idf.load(), query = query }
end

--- The members of near-duplicate cluster `id`, from the duplicates plugin's
--- stored tables when current, or computed now.
---@param id integer
---@return integer[]|nil article ids
function M.cluster_members(id)
	for _, c in ipairs(stored.current().clusters) do
		if c.id == id then
			local ids = {}
			for i, m in ipairs(c.members) do ids[i] = m.id end
			return ids
		end
	end
	return nil
end

--- Summarises a set of articles.
---@param articles trang.article[]
---@param f table {n=, method=}
---@param query? string[] query tokens
---@return summary.candidate[]
---@param stories? boolean one sentence per story (near-duplicate cluster, else article) before a second
function M.summarize(articles, f, query, stories)
	local cands = {}
	local cluster_of = stories and #articles > 1 and stored.current().of or nil
	for _, a in ipairs(articles) do
		local cl = cluster_of and cluster_of[a.id]
		local story = cl and ("cluster " .. cl.id) or ("article " .. a.id)
		for _, c in ipairs(candidates.of_article(a)) do
			c.story = story
			cands[#cands + 1] = c
		end
	end
	local opts = select_opts(f, query)
	opts.one_per_story = cluster_of ~= nil
	return rank.methods[f.method](cands, opts)
end

--- Stores a summary under its scope and target, replacing an older one.
local function save(scope, target, f, narticles, picked)
	store.tx(function()
		for _, sql in ipairs(SCHEMA) do store.exec(sql) end
		local old = store.query("SELECT summary FROM " .. P .. "summaries WHERE scope = ? AND target = ? AND method " ..
			"= ? AND sentences = ?",
			scope, target, f.method, f.n)
		for _, r in ipairs(old) do
			store.exec("DELETE FROM " .. P .. "sentences WHERE summary = ?", r.summary)
			store.exec("DELETE FROM " .. P .. "summaries WHERE summary = ?", r.summary)
		end
		store.exec("INSERT INTO " .. P .. "summaries (scope, target, method, sentences, articles, made) VALUES (?, " ..
			"?, ?, ?, ?, ?)",
			scope, target, f.method, f.n, narticles, time.format(time.now(), "%Y-%m-%dT%H:%M:%SZ"))
		local id = store.query("SELECT max(summary) AS id FROM " .. P .. "summaries")[1].id
		for i, c in ipairs(picked) do
			local also = json.array()
			for _, o in ipairs(c.also or {}) do
				also[#also + 1] = { article = o.article, path = o.path, paragraph = o.paragraph, s = o.s, e = o.e }
			end
			store.exec("INSERT INTO " .. P .. "sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, i, c.article, c.path,
				c.paragraph, c.s, c.e, c.score, c.text, json.encode(also))
		end
	end)
end

local function base_name(path) return (path or ""):match("([^/]+)$") or path end

--- Prints a summary: numbered sentences with their sources, or records.
local function output(f, heading, picked)
	local records = {}
	for i, c in ipairs(picked) do
		local also, files = {}, {}
		for j, o in ipairs(c.also or {}) do
			also[j] = { article = o.article, path = o.path, paragraph = o.paragraph, s = o.s, e = o.e }
			files[j] = base_name(o.path) .. " ¶" .. o.paragraph
		end
		records[i] = { rank = i, article = c.article, path = c.path, date = c.date, paragraph = c.paragraph,
			s = c.s, e = c.e, score = c.score and tonumber(string.format("%.4f", c.score)), sentence = c.text,
			also = also, also_files = table.concat(files, " ") }
	end
	if f.format ~= "table" then
		return render.records(f.format, { "rank", "article", "path", "date", "paragraph", "s", "e", "score",
			"sentence", "also_files" }, records)
	end
	local out = { heading }
	for i, r in ipairs(records) do
		out[#out + 1] = string.format("%2d. %s", i, r.sentence)
		out[#out + 1] = string.format("    [%s ¶%d%s]", base_name(r.path), r.paragraph,
			r.also_files ~= "" and ("; also " .. r.also_files) or "")
	end
	return table.concat(out, "\n")
end

local function heading(what, f, narticles)
	return string.format("Summary of %s (%d article%s; %s method, %d sentences):", what, narticles,
		narticles == 1 and "" or "s", f.method, f.n)
end

--- `article ID|PATH`: one article.
function M.commands.article(...)
	local f, ops = parse_args({ ... })
	if #ops ~= 1 then error("summary: article wants one article id or path", 0) end
	local a = corpus.get(math.tointeger(tonumber(ops[1])) or ops[1])
	if not a then error("summary: no article '" .. ops[1] .. "'", 0) end
	local picked = M.summarize({ a }, f)
	save("article", tostring(a.id), f, 1, picked)
	return output(f, heading(base_name(a.path), f, 1), picked)
end

--- `cluster N`: a near-duplicate cluster of the duplicates plugin.
function M.commands.cluster(...)
	local f, ops = parse_args({ ... })
	local id = math.tointeger(tonumber(ops[1] or ""))
	if #ops ~= 1 or not id then error("summary: cluster wants one cluster number", 0) end
	local ids = M.cluster_members(id)
	if not ids then error("summary: no near-duplicate cluster " .. id .. " (see `trang plugin run duplicates`)", 0) end
	local articles = {}
	for i, aid in ipairs(ids) do articles[i] = corpus.get(aid) end
	local picked = M.summarize(articles, f)
	save("cluster", tostring(id), f, #articles, picked)
	return output(f, heading("cluster " .. id, f, #articles), picked)
end

--- `query WORDS...`: the articles a full-text query matches.
function M.commands.query(...)
	local f, ops = parse_args({ ... })
	if #ops == 0 then error("summary: query wants the words to search for", 0) end
	local q = table.concat(ops, " ")
	local articles = {}
	for a in corpus.articles{ match = q, limit = f.limit } do articles[#articles + 1] = a end
	if #articles == 0 then return "no article matches '" .. q .. "'" end
	local picked = M.summarize(articles, f, rouge.tokens(q), true)
	save("query", q, f, #articles, picked)
	return output(f, heading("'" .. q .. "'", f, #articles), picked)
end

--- `corpus`: the whole corpus.
function M.commands.corpus(...)
	local f = parse_args({ ... })
	local articles = {}
	for a in corpus.articles{ limit = f.limit } do articles[#articles + 1] = a end
	local picked = M.summarize(articles, f, nil, true)
	save("corpus", "", f, #articles, picked)
	return output(f, heading("the corpus", f, #articles), picked)
end

--- ROUGE-1 and ROUGE-2 of both methods over the articles that have a lead
--- paragraph: the lead is the reference summary, the other body sentences
--- the text to summarise.
---@param n integer sentences per summary
---@param limit? integer articles at most
---@return table[] rows {method=, articles=, r1={p,r,f}, r2={p,r,f}}
function M.evaluate(n, limit)
	local opts = { n = n, redundancy = plugin.options.redundancy, min_syllables = plugin.options.min_syllables,
		idf = idf.load() }
	local names = { "lead", "default" }
	local sums, count = {}, 0
	for _, m in ipairs(names) do sums[m] = { p1 = 0, r1 = 0, f1 = 0, p2 = 0, r2 = 0, f2 = 0 } end
	for a in corpus.articles{ limit = limit } do
		local ref = candidates.lead_text(a)
		local cands = ref and candidates.of_article(a, { body = true }) or {}
		if #cands > 0 then
			count = count + 1
			local ref_tokens = rouge.tokens(ref)
			for _, m in ipairs(names) do
				local toks = {}
				for _, c in ipairs(rank.methods[m](cands, opts)) do
					for _, t in ipairs(c.tokens) do toks[#toks + 1] = t end
				end
				local s1, s2, acc = rouge.score(toks, ref_tokens, 1), rouge.score(toks, ref_tokens, 2), sums[m]
				acc.p1, acc.r1, acc.f1 = acc.p1 + s1.p, acc.r1 + s1.r, acc.f1 + s1.f
				acc.p2, acc.r2, acc.f2 = acc.p2 + s2.p, acc.r2 + s2.r, acc.f2 + s2.f
			end
		end
	end
	local rows = {}
	for _, m in ipairs(names) do
		local acc, k = sums[m], math.max(count, 1)
		rows[#rows + 1] = { method = m == "lead" and ("lead-" .. n) or m, articles = count,
			r1 = { p = acc.p1 / k, r = acc.r1 / k, f = acc.f1 / k }, r2 = { p = acc.p2 / k, r = acc.r2 / k, f = acc.f2 / k } }
	end
	return rows
end

--- `evaluate`: the table of M.evaluate.
function M.commands.evaluate(...)
	local f = parse_args({ ... })
	local rows = M.evaluate(f.n, f.limit)
	local records = {}
	for i, r in ipairs(rows) do
		local function x(v) return string.format("%.4f", v) end
		records[i] = { method = r.method, articles = r.articles, r1_p = x(r.r1.p), r1_r = x(r.r1.r), r1_f = x(r.r1.f),
			r2_p = x(r.r2.p), r2_r = x(r.r2.r), r2_f = x(r.r2.f) }
	end
	local fields = { "method", "articles", "r1_p", "r1_r", "r1_f", "r2_p", "r2_r", "r2_f" }
	if f.format ~= "table" then return render.records(f.format, fields, records) end
	return render.records("table", fields, records) .. string.format(
		"\nROUGE on %d articles: the lead paragraph (sapo) is the reference, %d sentences of the body the summary",
		rows[1].articles, f.n)
end

M.commands.main = M.commands.corpus
M.commands["--json"] = function(...) return M.commands.corpus("--json", ...) end
M.commands["--csv"] = function(...) return M.commands.corpus("--csv", ...) end

return M
