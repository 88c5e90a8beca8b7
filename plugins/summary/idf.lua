--- summary.idf: inverse document frequencies of syllables over the stored
--- corpus, so that "của" and "và" weigh nothing and "Vinamilk" much. Counted
--- once and kept in plugin_summary_df; counted again when the corpus changes
--- (another article count, newest id or ingest run).
local corpus = require("trang.corpus")
local store = require("trang.store")
local rouge = require("summary.rouge")

local M = {}

local P = store.prefix()

--- What the stored frequencies were counted on.
local function corpus_state()
	local row = store.query("SELECT count(*) AS n, coalesce(max(id), 0) AS top, " ..
		"(SELECT coalesce(max(id), 0) FROM ingest_runs) AS runs FROM articles")[1]
	return string.format("%d:%d:%d", row.n, row.top, row.runs), row.n
end

--- Counts document frequencies over the articles opts selects.
---@param select? table corpus.articles options
---@return table<string, integer> df
---@return integer articles
function M.count(select)
	local df, n = {}, 0
	for a in corpus.articles(select or {}) do
		n = n + 1
		local seen = {}
		for _, t in ipairs(rouge.tokens((a.title or "") .. "\n" .. a.text)) do
			if not seen[t] then
				seen[t] = true
				df[t] = (df[t] or 0) + 1
			end
		end
	end
	return df, n
end

--- The idf function of the stored corpus: log(N / df), with unseen tokens
--- weighted as if seen once. Recounts and stores when the corpus changed.
---@return fun(token: string): number
function M.load()
	local state, n = corpus_state()
	local df = {}
	if store.get("df_state") == state then
		for _, r in ipairs(store.query("SELECT term, df FROM " .. P .. "df")) do df[r.term] = r.df end
	else
		df, n = M.count()
		store.tx(function()
			store.exec("CREATE TABLE IF NOT EXISTS " .. P .. "df (term TEXT PRIMARY KEY, df INTEGER NOT NULL)")
			store.exec("DELETE FROM " .. P .. "df")
			for t, k in pairs(df) do store.exec("INSERT INTO " .. P .. "df VALUES (?, ?)", t, k) end
			store.set("df_state", state)
		end)
	end
	return M.of(df, n)
end

--- The idf function of a document-frequency table over n documents.
---@param df table<string, integer>
---@param n integer
---@return fun(token: string): number
function M.of(df, n)
	return function(t) return math.log((n + 1) / ((df[t] or 0) + 1)) end
end

return M
