--- entities.variants: which names of the corpus are variants of one entity.
--- People: a name whose syllables end a longer name ("Putin", "Vladimir
--- Putin"; one word only when it is not Vietnamese) or give its initials and
--- surname ("V. Putin") is that person,
--- when every longer name it fits is one person in the corpus (two full
--- names one typo apart, "Vladmir Putin", are one); otherwise it is left
--- alone ("Hùng" of several people). Organisations: a name that is a known
--- one followed by a term ("khóa XIV") or a stray word the extractor took
--- along ("... khóa XIV bầu") is that organisation. Names are compared by
--- their keys (text.fold: no case, no tone marks).
local text = require("trang.text")

local M = {}

local function words(s)
	local out = {}
	for w in s:gmatch("%S+") do out[#out + 1] = w end
	return out
end

--- An initial: one letter, with or without a full stop ("v.", "v").
local function is_initial(w)
	return w:match("^%a%.?$") ~= nil
end

--- The edit distance of two short strings, capped: more than 1 is 2.
local function within_one_edit(a, b)
	if a == b then return true end
	local la, lb = #a, #b
	if math.abs(la - lb) > 1 then return false end
	local i = 1
	while i <= la and i <= lb and a:byte(i) == b:byte(i) do i = i + 1 end
	if la == lb then return a:sub(i + 1) == b:sub(i + 1) end
	if la > lb then return a:sub(i + 1) == b:sub(i) end
	return a:sub(i) == b:sub(i + 1)
end

--- Whether two full names (same length, same last word) are one name with a
--- typo: the other words equal or one edit apart when 7 letters or more
--- (longer than any Vietnamese syllable: "truong" and "trung" stay apart).
---@param a string[] words of a key
---@param b string[]
---@return boolean
function M.typo_variants(a, b)
	if #a ~= #b or #a < 2 or a[#a] ~= b[#b] then return false end
	for i = 1, #a - 1 do
		if a[i] ~= b[i] and not (#a[i] >= 7 and #b[i] >= 7 and within_one_edit(a[i], b[i])) then return false end
	end
	return true
end

--- Whether short names the person long does: its words end long's ("putin"
--- of "vladimir putin"), or it gives long's initials and last word ("v.
--- putin", "v. v. putin").
---@param short string[] words of a key
---@param long string[] words of a key, with no initials
---@return boolean
function M.person_fits(short, long)
	if #short == 0 or #short > #long or short[#short] ~= long[#long] then return false end
	if #short < #long then
		local suffix = true
		for i = 1, #short do
			if short[i] ~= long[#long - #short + i] then suffix = false break end
		end
		if suffix then return true end
	end
	if #short ~= #long or #short < 2 then return false end
	local any = false
	for i = 1, #short - 1 do
		if is_initial(short[i]) then
			if short[i]:sub(1, 1) ~= long[i]:sub(1, 1) then return false end
			any = true
		elseif short[i] ~= long[i] then
			return false
		end
	end
	return any
end

local QUALIFIERS = { ["khoa"] = true, ["nhiem"] = true }

--- Whether the words `tail` (as written) after an organisation's name are a
--- term or a stray word: "khóa XIV", "nhiệm kỳ 2021-2026", "khóa XIV bầu",
--- or one lower-case word after a name that ends in a capital or a number.
---@param tail string[] words as written
---@param last string the organisation name's last word, as written
---@return boolean
function M.org_tail(tail, last)
	local function lower_word(w) return text.lower(w) == w and w:match("^[%a\128-\255]+$") ~= nil end
	local function ends_proper(w) return text.lower(w) ~= w or w:match("^%d") ~= nil end
	local i = 1
	local q = tail[1] and text.fold(tail[1])
	if q and QUALIFIERS[q] then
		i = 2
		if q == "nhiem" and tail[2] and text.fold(tail[2]) == "ky" then i = 3 end
		if not (tail[i] and (tail[i]:match("^[IVXLC]+$") or tail[i]:match("^%d[%d%-]*$"))) then return false end
		last = tail[i]
		i = i + 1
	end
	if i > #tail then return i > 1 end
	return i == #tail and lower_word(tail[i]) and ends_proper(last)
end

--- A union-find over keys.
local function finder()
	local parent = {}
	local function find(x)
		parent[x] = parent[x] or x
		while parent[x] ~= x do
			parent[x] = parent[parent[x]]
			x = parent[x]
		end
		return x
	end
	return find, function(a, b) parent[find(a)] = find(b) end
end

---@class entities.name
---@field key string text.fold of the name
---@field name string the name as most often written
---@field kind string
---@field mentions integer

--- The entity each name belongs to: key -> the key of the group's name (a
--- person's longest, an organisation's most written), for every name merged
--- into another.
---@param names entities.name[]
---@return table<string, string> canonical
function M.canonical(names)
	local find, union = finder()
	local by_key, persons, orgs = {}, {}, {}
	for _, n in ipairs(names) do
		by_key[n.key] = n
		n.words = words(n.key)
		if n.kind == "person" then persons[#persons + 1] = n elseif n.kind == "org" then orgs[#orgs + 1] = n end
	end
	-- full names (no initials) by last word; typo variants are one person
	local full_by_last = {}
	for _, p in ipairs(persons) do
		local initials = false
		for i = 1, #p.words - 1 do if is_initial(p.words[i]) then initials = true end end
		if not initials and #p.words >= 2 then
			local last = p.words[#p.words]
			full_by_last[last] = full_by_last[last] or {}
			for _, q in ipairs(full_by_last[last]) do
				if M.typo_variants(p.words, q.words) then union(p.key, q.key) end
			end
			table.insert(full_by_last[last], p)
		end
	end
	-- a shorter name joins the one person all the longer names it fits are;
	-- a one-word name only when foreign ("Putin"): a Vietnamese given name
	-- alone ("Lâm", "Mùi") is too often someone else, or a word taken for a name
	for _, p in ipairs(persons) do
		local group
		local foreign = #p.words > 1 or (#p.key >= 4 and text.lower(p.name) == text.fold(p.name))
		local ambiguous = false
		for _, q in ipairs(foreign and full_by_last[p.words[#p.words]] or {}) do
			if q ~= p and #q.words >= #p.words and M.person_fits(p.words, q.words) then
				local g = find(q.key)
				if group and group ~= g then ambiguous = true end
				group = group or g
			end
		end
		if group and not ambiguous then union(p.key, group) end
	end
	-- an organisation's name with a term or a stray word after it
	for _, o in ipairs(orgs) do
		local written = words(o.name)
		if #written == #o.words then
			for cut = #o.words - 1, 1, -1 do
				local base = table.concat(o.words, " ", 1, cut)
				local b = by_key[base]
				if b and b.kind == "org" and M.org_tail(table.move(written, cut + 1, #written, 1, {}), written[cut]) then
					union(o.key, base)
					break
				end
			end
		end
	end
	-- a person is named by the longest name, an organisation by the one
	-- written most (its longer names carry terms and stray words)
	local best = {}
	local function better(n, b)
		if n.kind == "org" then
			if n.mentions ~= b.mentions then return n.mentions > b.mentions end
			if #n.words ~= #b.words then return #n.words < #b.words end
		else
			if #n.words ~= #b.words then return #n.words > #b.words end
			if n.mentions ~= b.mentions then return n.mentions > b.mentions end
		end
		return n.key < b.key
	end
	for _, n in ipairs(names) do
		local r = find(n.key)
		if not best[r] or better(n, best[r]) then best[r] = n end
	end
	local out = {}
	for _, n in ipairs(names) do
		local c = best[find(n.key)].key
		if c ~= n.key then out[n.key] = c end
	end
	return out
end

return M
