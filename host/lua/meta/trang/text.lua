---@meta trang.text

---Unicode text for Vietnamese: normalisation, case, folding, graphemes,
---tokens and sentences with byte spans (1-based, inclusive). Raises on invalid
---UTF-8 (check with text.valid).
---@class trang.text
local text = {}

---@param s string
---@return string
function text.nfc(s) end
---@param s string
---@return string
function text.nfd(s) end
---@param s string
---@return string
function text.nfkc(s) end
---@param s string
---@return string
function text.nfkd(s) end
---@param s string
---@return string
function text.casefold(s) end
---@param s string
---@return string
function text.lower(s) end
---@param s string
---@return string
function text.upper(s) end

---The search key: "Đà Nẵng" -> "da nang".
---@param s string
---@return string
function text.fold(s) end

---@class trang.text.clean_opts
---@field eth? boolean
---@field marks? boolean
---@field spaces? boolean
---@field invisibles? boolean
---@field tone? "new"|"old"|"keep" default "new" (hòa)

---Cleans text: every step on by default.
---@param s string
---@param opts? trang.text.clean_opts
---@return string
function text.clean(s, opts) end

---Number of graphemes.
---@param s string
---@return integer
function text.len(s) end

---Graphemes i..j, negative indices as string.sub.
---@param s string
---@param i integer
---@param j? integer
---@return string
function text.sub(s, i, j) end

---@param s string
---@return string[]
function text.graphemes(s) end

---Terminal columns.
---@param s string
---@return integer
function text.width(s) end

---@class trang.text.token
---@field text string
---@field kind "word"|"number"|"date"|"time"|"percent"|"url"|"email"|"abbrev"|"punct"|"symbol"|"sentence"
---@field s integer
---@field e integer

---@param s string
---@return trang.text.token[]
function text.tokens(s) end

---@param s string
---@return trang.text.token[]
function text.sentences(s) end

---A binary key; keys compare with < as the texts sort in Vietnamese order.
---@param s string
---@return string
function text.collate_key(s) end

---@param a string
---@param b string
---@return -1|0|1
function text.compare(a, b) end

---@param s string
---@return boolean ok
---@return integer? offset 1-based byte offset of the first bad byte
function text.valid(s) end

---@class trang.text.counter_opts
---@field kinds? string[] token kinds to count (default {"word"})
---@field fold? "case"|"search"|"none" how keys are folded (default "case")
---@field n? 1|2 single tokens, or pairs of neighbouring tokens ("a b")

---A frequency counter of tokens, counted in C: the fast way to build
---frequency lists over a corpus. Methods: add(s) -> tokens counted;
---get(key) -> count; top(n) -> {{key, count}, ...} most frequent first, ties
---in byte order; size() -> distinct keys; total() -> tokens counted.
---@param opts? trang.text.counter_opts
---@return trang.text.counter
function text.counter(opts) end

---The set of n-syllable shingles of s (default n = 3), for near-duplicate
---detection: syllables are the word, number, percent, date and time tokens of
---the case-folded text (punctuation left out); each shingle is hashed to 32
---bits; the set is a string of those hashes, distinct and sorted (opaque: pass
---it to text.minhash and text.jaccard). A text with fewer than n syllables has
---one shingle; one without syllables, an empty set.
---@param s string
---@param n? integer 1..16
---@return string set
---@return integer count distinct shingles
function text.shingles(s, n) end

---The MinHash signature of a shingle set (one-permutation hashing with
---densification): bins 32-bit values as a string. The share of equal 4-byte
---bins of two signatures estimates the Jaccard similarity of their sets;
---a band of bins is a key for locality-sensitive hashing.
---@param set string from text.shingles
---@param bins? integer a power of two, 2..4096 (default 128)
---@return string signature
function text.minhash(set, bins) end

---The exact Jaccard similarity |A ∩ B| / |A ∪ B| of two text.shingles sets
---(0 when both are empty).
---@param a string
---@param b string
---@return number
function text.jaccard(a, b) end

---@class trang.text.counter
local counter = {}
---@param s string
---@return integer counted
function counter:add(s) end
---@param key string a folded key
---@return integer
function counter:get(key) end
---@param n integer
---@return table[] {{key, count}, ...}
function counter:top(n) end
---@return integer
function counter:size() end
---@return integer
function counter:total() end

return text
