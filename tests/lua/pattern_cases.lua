-- Pattern cases run twice by tests/unit/test_lua_pattern.c: once with stock
-- Lua's string library and once in a sandboxed state (host/lua_pattern.c).
-- Returns one line per case; the two runs must return the same text.
local out = {}

local function show(...)
	local parts = {}
	for i = 1, select("#", ...) do
		local v = select(i, ...)
		parts[#parts + 1] = type(v) == "string" and string.format("%q", v) or tostring(v)
	end
	return table.concat(parts, ",")
end

local function case(name, f, ...)
	local res = table.pack(pcall(f, ...))
	if not res[1] then
		-- errors: compare the message without the position prefix
		out[#out + 1] = name .. " ERR " .. tostring(res[2]):gsub("^[^:]*:%d+: ", "")
	else
		out[#out + 1] = name .. " " .. show(table.unpack(res, 2, res.n))
	end
end

local subjects = {
	"hello world", "", "aaa", "Hà Nội, 24/1/2024: giá 3,63 tỷ", "  trim me  ",
	"key = value; k2=v2", "f(a(b)c)d", "THE (quick) fox", "a\0b\0c", "abc123def45",
	"one two  three", "x=1, y=22, z=333", "[[nested]]", "%d literal", "tab\tand\nnewline",
}
local patterns = {
	"o", "l+", "l*", "l-", "l?", "^h", "d$", "^$", ".-", "(.-)", "()", "(%w+)", "%a+",
	"%d+", "%D+", "%s+", "%S+", "%p", "%u%l*", "[aeiou]", "[^aeiou ]+", "[a-c%d]+",
	"[]]", "[^]]+", "[%a-]", "(%w+)%s*=%s*(%w+)", "%b()", "%b[]", "%f[%w]%w+", "%f[%W]",
	"(a)%1", "((a)(b))", "(h)(e)(l)", "^%s*(.-)%s*$", "x$y", "$", "%$", "a\0b", "[%z]",
	"()a()", "(%d)(%d?)", "%w-%d", ".", "%.", "[.]", "%%", "ạ", "[ầấ]", "%x+",
	"%c", "%g+", "(%(.-%))", "[%]]", "-", "a-", "^(%w+)", "(o)(.*)(o)",
}

for si, s in ipairs(subjects) do
	for pi, p in ipairs(patterns) do
		local id = si .. "/" .. pi
		case("find " .. id, string.find, s, p)
		case("find3 " .. id, string.find, s, p, 3)
		case("findneg " .. id, string.find, s, p, -4)
		case("match " .. id, string.match, s, p)
		case("match2 " .. id, string.match, s, p, 2)
		case("gmatch " .. id, function()
			local r = {}
			for a, b in string.gmatch(s, p) do
				r[#r + 1] = show(a, b)
				if #r > 50 then break end
			end
			return table.concat(r, "|")
		end)
		case("gsubs " .. id, string.gsub, s, p, "<%0>")
		case("gsub1 " .. id, string.gsub, s, p, "[%1]", 2)
		case("gsubf " .. id, string.gsub, s, p, function(a) return a and #tostring(a) % 2 == 0 and "E" or nil end)
		case("gsubt " .. id, string.gsub, s, p, {o = "0", l = false, a = 1})
	end
end

-- errors and edge cases
case("e1", string.find, "abc", "%")
case("e2", string.find, "abc", "[a")
case("e3", string.find, "abc", "(a")
case("e4", string.find, "abc", "a)")
case("e5", string.find, "abc", "%1")
case("e6", string.find, "abc", "%f")
case("e7", string.find, "abc", "%b")
case("e8", string.gsub, "abc", "a", "%2")
case("e9", string.gsub, "abc", "a", "%x")
case("e10", string.gsub, "abc", "a", {a = {}})
case("e11", string.gsub, "abc", "a", true)
case("e12", string.find, "abc", string.rep("(", 40) .. "a" .. string.rep(")", 40))
case("e13", string.match, string.rep("a", 300), string.rep("a?", 300) .. string.rep("a", 300))
case("plain", string.find, "a.b+c", ".b+", 1, true)
case("plain0", string.find, "abc", "", 10)
case("init0", string.find, "abc", "b", 0)
case("initbig", string.find, "abc", "", 4)
case("initbig2", string.find, "abc", "", 5)
case("gm-init", function() local r = {} for w in ("one two three"):gmatch("%a+", 5) do r[#r + 1] = w end return table.concat(r, " ") end)
case("gm-empty", function() local r = {} for w in ("abc"):gmatch("x*") do r[#r + 1] = "[" .. w .. "]" end return table.concat(r) end)
case("gsub-empty", string.gsub, "abc", "%w*", "-")
case("gsub-anch", string.gsub, "aaa", "^a", "b")
case("gsub-n0", string.gsub, "aaa", "a", "b", 0)
case("gsub-num", string.gsub, "a1", "%d", 7)
case("gsub-pos", string.gsub, "abc", "()", "%1")
case("method", function() return ("x=1"):match("(%w)=(%d)") end)
return table.concat(out, "\n")
