-- Tests of trang.json, run by tests/unit/test_lua_api.c. Each check names what it states.
local json = require "trang.json"

local function eq(got, want, what)
	if got ~= want then
		error(string.format("%s: got %q, want %q", what, tostring(got), tostring(want)), 2)
	end
end

-- encode: arrays, objects, scalars, null
eq(json.encode({1, 2, 3}), "[1, 2, 3]", "a sequence encodes as an array")
eq(json.encode({b = 1, a = "x"}, {sort_keys = true}), '{"a": "x", "b": 1}', "string keys encode as an object")
eq(json.encode({}), "{}", "an empty table is an object")
eq(json.encode(json.array()), "[]", "json.array() marks an empty array")
eq(json.encode({[1] = "a", [3] = "c"}, {sort_keys = true}), '{"1": "a", "3": "c"}', "a sparse table is an object with decimal keys")
eq(json.encode({1, 2, x = 3}, {sort_keys = true}), '{"1": 1, "2": 2, "x": 3}', "a mixed table is an object")
eq(json.encode({a = json.null}), '{"a": null}', "json.null encodes as null")
eq(json.encode(0.1), "0.10000000000000001", "floats have 17 significant digits by default")
eq(json.encode(0.1 + 0.2), "0.30000000000000004", "which round-trip exactly")
eq(json.encode({0.1, 3.63}, {precision = 15}), "[0.1, 3.63]", "precision 15 is shorter")
eq(json.decode(json.encode(1 / 3)), 1 / 3, "a float round-trips")
eq(json.encode(3), "3", "integers stay integers")
eq(json.encode(2^53), "9007199254740992.0", "a float with an integral value stays a float")
eq(json.encode("Hà Nội \"q\"\n"), '"Hà Nội \\"q\\"\\n"', "strings are escaped, UTF-8 kept")
eq(json.encode(true), "true", "booleans")

-- encode failures: nil, message, code
local v, msg, code = json.encode({f = print})
eq(v, nil, "a function cannot be encoded")
eq(code, "ETYPE", "its code")
assert(msg:find("at $.f", 1, true), "the message names the path: " .. msg)
v, msg, code = json.encode({1, {0/0}})
eq(code, "ENUMBER", "NaN cannot be encoded")
assert(msg:find("$[2][1]", 1, true), "the message names the path: " .. msg)
v, msg, code = json.encode("\xff\xfe")
eq(code, "EUTF8", "invalid UTF-8 cannot be encoded")
local cyc = {}
cyc.self = cyc
v, msg, code = json.encode(cyc)
eq(code, "EDEPTH", "a cycle is caught by the depth limit")
local ok, err = pcall(json.encode)
assert(not ok and err:find("bad argument #1 to 'trang.json.encode'"), "no argument is a programmer error: " .. tostring(err))

-- decode
local t = json.decode('{"a": [1, 2.5, null, "x"], "b": {}, "c": [], "d": true}')
eq(t.a[1], 1, "integers decode as integers")
eq(math.type(t.a[1]), "integer", "integer subtype")
eq(t.a[2], 2.5, "reals decode as floats")
eq(t.a[3], json.null, "null in an array keeps its place")
eq(#t.a, 4, "array length counts the null")
eq(t.d, true, "booleans decode")
assert(json.is_array(t.c) and not json.is_array(t.b), "decoded [] is marked, {} is not")
eq(json.decode('"\\u0000x"'), "\0x", "embedded NUL survives")
eq(json.decode("42"), 42, "a bare scalar decodes")

-- round trips
for _, text in ipairs({'[]', '{}', '[1, [2, [3, {}]]]', '{"k": null}', '[null, null]', '"việt"', '-0.5', '[1.5, 2.25]'}) do
	eq(json.encode(json.decode(text)), text, "round trip of " .. text)
end

-- decode failures: nil, message, position
local bad, dmsg, pos = json.decode('{"a": 1,, }')
eq(bad, nil, "a syntax error returns nil")
eq(pos, 9, "and the 1-based byte position")
assert(dmsg:find("line 1"), "and a message with the line: " .. dmsg)
bad, dmsg, pos = json.decode(string.rep("[", 5000))
eq(bad, nil, "deep nesting is refused, not a crash")
bad, dmsg = json.decode("")
eq(bad, nil, "empty input fails")

-- the module is read-only
ok = pcall(function() json.encode = nil end)
eq(ok, false, "trang.json is read-only")
return "json ok"
