--- duplicates.minhash: MinHash signatures over syllable shingles, in plain Lua.
--- One-permutation hashing (Li, Owen, Zhang 2012): one FNV-1a hash per shingle,
--- split into `bins` bins, the minimum kept per bin; empty bins are filled by
--- rotation (Shrivastava and Li 2014), so two signatures compare bin by bin.
local text = require("trang.text")

local M = {}

local MASK32 = 0xffffffff
local FNV_PRIME, FNV_BASIS = 16777619, 2166136261

--- FNV-1a, 32 bits, over the bytes of s.
---@param s string
---@return integer
function M.fnv1a(s)
	local h = FNV_BASIS
	for i = 1, #s do
		h = ((h ~ s:byte(i)) * FNV_PRIME) & MASK32
	end
	return h
end

--- A 32-bit mixer (the murmur3 finaliser), so nearby hashes spread over the bins.
local function mix(h)
	h = h ~ (h >> 16)
	h = (h * 0x85ebca6b) & MASK32
	h = h ~ (h >> 13)
	h = (h * 0xc2b2ae35) & MASK32
	return h ~ (h >> 16)
end

--- The case-folded syllables of s (word and number tokens), in order.
---@param s string
---@return string[]
function M.syllables(s)
	local out, n = {}, 0
	for _, t in ipairs(text.tokens(text.casefold(s))) do
		local k = t.kind
		if k == "word" or k == "number" or k == "percent" or k == "date" or k == "time" then
			n = n + 1
			out[n] = t.text
		end
	end
	return out
end

--- FNV-1a of each distinct syllable, computed once per run: hashing shingle
--- strings byte by byte took 70% of the time on the development corpus.
local syllable_hash = {}

--- The set of k-syllable shingles of a syllable list, as hashes: {hash = true}.
--- A shingle's hash is FNV-1a over its syllables' hashes.
---@param syl string[]
---@param k integer
---@return table<integer, boolean> set
---@return integer size
function M.shingles(syl, k)
	local set, size = {}, 0
	local n = #syl
	if n == 0 then return set, 0 end
	local hs = {}
	for i = 1, n do
		local w = syl[i]
		local h = syllable_hash[w]
		if not h then h = M.fnv1a(w); syllable_hash[w] = h end
		hs[i] = h
	end
	for i = 1, math.max(1, n - k + 1) do
		local h = FNV_BASIS
		for j = i, math.min(n, i + k - 1) do
			h = ((h ~ hs[j]) * FNV_PRIME) & MASK32
		end
		if not set[h] then set[h] = true; size = size + 1 end
	end
	return set, size
end

--- The signature of a shingle set: `bins` integers (nil when the set is empty).
---@param set table<integer, boolean>
---@param bins integer a power of two
---@return integer[]|nil
function M.signature(set, bins)
	local sig, shift = {}, 32
	local b = bins
	while b > 1 do shift = shift - 1; b = b >> 1 end
	local any = false
	for h in pairs(set) do
		local m = mix(h)
		local bin = (m >> shift) + 1
		local v = m & ((1 << shift) - 1)
		local cur = sig[bin]
		if not cur or v < cur then sig[bin] = v end
		any = true
	end
	if not any then return nil end
	-- densification: an empty bin borrows the next originally filled bin's
	-- value, offset by the distance so a borrowed value never equals a real one
	local filled = {}
	for i = 1, bins do filled[i] = sig[i] ~= nil end
	for i = 1, bins do
		if not filled[i] then
			local j, d = i, 0
			repeat j = j % bins + 1; d = d + 1 until filled[j]
			sig[i] = sig[j] + d * (1 << 32)
		end
	end
	return sig
end

--- The estimated Jaccard similarity of two signatures: the share of equal bins.
---@param a integer[]
---@param b integer[]
---@return number
function M.similarity(a, b)
	local same = 0
	for i = 1, #a do if a[i] == b[i] then same = same + 1 end end
	return same / #a
end

--- The exact Jaccard similarity of two shingle sets.
function M.jaccard(a, na, b, nb)
	if na == 0 and nb == 0 then return 0 end
	if na > nb then a, b, na, nb = b, a, nb, na end
	local inter = 0
	for h in pairs(a) do if b[h] then inter = inter + 1 end end
	return inter / (na + nb - inter)
end

return M
