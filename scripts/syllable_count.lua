-- syllable_count.lua: the most frequent syllables of the corpus.
--
--   trang run scripts/syllable_count.lua [N]
--
-- Prints the top N (default 20) as "syllable<TAB>count", most frequent first,
-- ties in byte order. A syllable is a `word` token of trang.text.tokens,
-- case folded. tests/bench/syllable_count.py is the independent count.
-- (The same count in plain Lua, table per token, runs 10x slower: use a
-- counter for frequency lists.)
local corpus = require "trang.corpus"
local text = require "trang.text"

local n = tonumber(arg and arg[1]) or 20
-- Counted in C: tokens as written, folded once per distinct spelling.
local counts = text.counter{kinds = {"word"}, fold = "case"}
for article in corpus.articles() do
	counts:add(article.text)
end
for _, entry in ipairs(counts:top(n)) do
	print(entry[1] .. "\t" .. entry[2])
end
