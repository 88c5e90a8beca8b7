-- luacheck configuration (https://luacheck.readthedocs.io): plugins and scripts
-- use `local` everything and return a module table; `trang` is the only global.
std = "lua54"
read_globals = { "trang" }
max_line_length = 120
exclude_files = { "build*/**", "tests/fixtures/**" }

-- The sandbox has no debug/os.execute/io.popen; flag their use early.
not_globals = { "debug", "dofile", "loadfile" }

files["**/*_spec.lua"] = {
	read_globals = { "describe", "it", "pending", "before_each", "after_each", "load_plugin" },
	globals = { "assert" },
}
files["host/lua/trang/spec.lua"] = {
	globals = { "describe", "it", "pending", "before_each", "after_each", "load_plugin", "assert" },
	not_globals = {},
	read_globals = { "loadfile" }, -- the spec runner loads plugin files as the host does
}
-- Annotation files: a ---@field's description must stay on its line.
files["host/lua/meta/**"] = { ignore = { "111", "112", "121", "122", "131", "212", "241" }, max_line_length = false }
