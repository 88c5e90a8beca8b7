--- trang.spec: the Lua half of `trang test` (host/cmd_test.c). Each spec file
--- runs in a fresh state: this chunk installs describe/it/before_each/
--- after_each/pending and an extended `assert` as globals, the C side runs the
--- spec file (which only collects tests), then calls run(), which runs each
--- test in pcall, prints one line per test and returns the counts.
local spec_path, plugin = ...

local tests = {}       -- {name=, fn=, befores=, afters=, pending=}
local stack = {}       -- the describe blocks around the code being collected
local out = io.write

local function full_name(name)
	local parts = {}
	for i = 1, #stack do parts[#parts + 1] = stack[i].name end
	parts[#parts + 1] = name
	return table.concat(parts, " ")
end

local function collect(field)
	local list = {}
	for i = 1, #stack do
		for _, fn in ipairs(stack[i][field]) do list[#list + 1] = fn end
	end
	return list
end

--- Groups tests; blocks nest.
---@param name string
---@param fn fun()
function describe(name, fn) -- luacheck: globals describe
	stack[#stack + 1] = { name = name, befores = {}, afters = {} }
	fn()
	stack[#stack] = nil
end

--- Declares a test.
---@param name string
---@param fn fun()
function it(name, fn) -- luacheck: globals it
	tests[#tests + 1] = {
		name = full_name(name), fn = fn,
		befores = collect("befores"), afters = collect("afters"),
	}
end

--- A test to write later: counted, not run.
function pending(name) -- luacheck: globals pending
	tests[#tests + 1] = { name = full_name(name), pending = true }
end

--- Runs before each test of the enclosing describe (and nested ones).
function before_each(fn) -- luacheck: globals before_each
	assert(#stack > 0, "before_each outside describe")
	local b = stack[#stack].befores
	b[#b + 1] = fn
end

function after_each(fn) -- luacheck: globals after_each
	assert(#stack > 0, "after_each outside describe")
	local a = stack[#stack].afters
	a[#a + 1] = fn
end

-- ---- assertions ----

local function show(v)
	if type(v) == "string" then return string.format("%q", v) end
	if type(v) ~= "table" then return tostring(v) end
	local keys = {}
	for k in pairs(v) do keys[#keys + 1] = k end
	table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
	local parts = {}
	for _, k in ipairs(keys) do
		local key = type(k) == "number" and "" or tostring(k) .. " = "
		parts[#parts + 1] = key .. show(v[k])
	end
	return "{" .. table.concat(parts, ", ") .. "}"
end

local function deep_equal(a, b)
	if a == b then return true end
	if type(a) ~= "table" or type(b) ~= "table" then return false end
	for k, v in pairs(a) do
		if not deep_equal(v, b[k]) then return false end
	end
	for k in pairs(b) do
		if a[k] == nil then return false end
	end
	return true
end

local function fail(msg, level)
	error(msg, (level or 1) + 2)
end

local base_assert = assert
local checks = {}

--- assert.equals(expected, actual): the same value (==).
function checks.equals(expected, actual, msg)
	if expected ~= actual then
		fail((msg and msg .. ": " or "") .. "expected " .. show(expected) .. ", got " .. show(actual))
	end
end

--- assert.same(expected, actual): equal contents, tables compared deeply.
function checks.same(expected, actual, msg)
	if not deep_equal(expected, actual) then
		fail((msg and msg .. ": " or "") .. "expected the same as " .. show(expected) .. ", got " .. show(actual))
	end
end

function checks.truthy(v, msg)
	if not v then fail(msg or ("expected a truthy value, got " .. show(v))) end
end

function checks.falsy(v, msg)
	if v then fail(msg or ("expected a falsy value, got " .. show(v))) end
end

function checks.is_nil(v, msg)
	if v ~= nil then fail(msg or ("expected nil, got " .. show(v))) end
end

--- assert.has_error(fn [, expected]): fn raises; when expected is given the
--- message must contain it (plain text).
function checks.has_error(fn, expected)
	local ok, err = pcall(fn)
	if ok then fail("expected an error, none was raised") end
	if expected ~= nil and not string.find(tostring(err), expected, 1, true) then
		fail("expected an error containing " .. show(expected) .. ", got " .. show(tostring(err)))
	end
end

checks.equal = checks.equals
checks.are_equal = checks.equals
checks.are_same = checks.same
checks.is_true = function(v, msg) checks.equals(true, v, msg) end
checks.is_false = function(v, msg) checks.equals(false, v, msg) end

assert = setmetatable(checks, { -- luacheck: globals assert
	__call = function(_, ...) return base_assert(...) end,
})

--- For a plugin's specs: loads its init.lua as the host does, with its name
--- and context ({name=, version=, dir=, options=}); returns the module.
function load_plugin() -- luacheck: globals load_plugin
	base_assert(plugin, "load_plugin: this spec is not inside a plugin folder")
	local chunk = base_assert(loadfile(plugin.dir .. "/init.lua"))
	return chunk(plugin.name, plugin)
end

-- ---- running ----

local runner = {}

--- Runs the collected tests; returns passed, failed, pending.
function runner.run()
	local passed, failed, skipped = 0, 0, 0
	out(spec_path, "\n")
	for _, t in ipairs(tests) do
		if t.pending then
			skipped = skipped + 1
			out("  pending ", t.name, "\n")
		else
			local ok, err = true, nil
			for _, b in ipairs(t.befores) do
				if ok then ok, err = pcall(b) end
			end
			if ok then ok, err = pcall(t.fn) end
			for _, a in ipairs(t.afters) do
				local aok, aerr = pcall(a)
				if ok and not aok then ok, err = false, aerr end
			end
			if ok then
				passed = passed + 1
				out("  ok    ", t.name, "\n")
			else
				failed = failed + 1
				out("  FAIL  ", t.name, "\n        ", (tostring(err):gsub("\n", "\n        ")), "\n")
			end
		end
	end
	return passed, failed, skipped
end

return runner
