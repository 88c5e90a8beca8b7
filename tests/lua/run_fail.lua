-- Fails two calls deep, for the traceback check in tests/unit/test_lua_run.c.
local function parse(x)
	error("cannot parse " .. x)
end
local function load_all()
	parse("bài báo")
end
load_all()
