-- `trang run tests/lua/run_args.lua Lan "b c"` (tests/unit/test_lua_run.c).
local greet = require "lib.greet"
print(greet(arg[1]), select("#", ...), arg[0], arg[-1])
print(trang.json.encode({...}))
