---@meta trang.corpus

---The stored articles. Iteration streams (the corpus never sits in memory).
---Needs the capability corpus.read in a plugin.
---@class trang.corpus
local corpus = {}

---A span of an article: 1-based inclusive byte positions into article.raw.
---@class trang.span
---@field idx integer 0-based order in the article
---@field kind string title, dateline, lead, body, caption, byline, source (sentences: "sentence")
---@field s integer
---@field e integer
---@field text string NFC text
---@field paragraph? integer sentences: the paragraph's idx

---An article; fields load on first access.
---@class trang.article
---@field id integer
---@field path string
---@field title string|nil
---@field date string|nil ISO 8601
---@field url string|nil
---@field author string|nil
---@field source string|nil
---@field text string NFC body, LF line ends
---@field raw string the file's bytes (spans point here)
local article = {}

---@return trang.span[]
function article:paragraphs() end

---@return trang.span[]
function article:sentences() end

---@class trang.corpus.select
---@field since? string ISO date, inclusive
---@field until? string ISO date, inclusive at its precision
---@field source? string
---@field match? string a full-text query, as for `trang search`
---@field strict? boolean match without folding
---@field limit? integer

---Iterates articles in id order: for a in corpus.articles{since = "2026-01"} do ... end
---@param opts? trang.corpus.select
---@return fun(): trang.article
function corpus.articles(opts) end

---One article by id or path (or another name of an exact duplicate).
---@param id_or_path integer|string
---@return trang.article|nil
---@return string? message
---@return string? code "ENOENT"
function corpus.get(id_or_path) end

---How many articles the same options select.
---@param opts? trang.corpus.select
---@return integer
function corpus.count(opts) end

return corpus
