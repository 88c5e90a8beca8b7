/* test_lua_sandbox.c: the hostile-plugin catalogue against lua_state.c. Each
 * case runs in a fresh plugin-like state (no capabilities, 32 MB, 0.3 s) and
 * asserts why the run ended and a piece of the message; then the same state
 * and a fresh one must still run ordinary code. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "lua_state.h"

#define BUDGET 0.3
#define CAP ((size_t)32 << 20)

static struct lstate *new_state(unsigned caps, double seconds, size_t memory)
{
	struct lstate_config cfg = {
		.name = "hostile",
		.caps = caps,
		.limits = {.memory_bytes = memory, .seconds = seconds},
		.lua_dir = "host/lua",
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st)
		fail_msg("lstate_new: %s", err);
	return st;
}

static enum lstate_reason run_in(struct lstate *st, const char *code, int nresults,
                                 struct lstate_outcome *out)
{
	enum lstate_reason r = lstate_load_string(st, code, strlen(code), "=hostile", out);
	if (r != LSTATE_OK)
		return r;
	return lstate_pcall(st, 0, nresults, out);
}

/* The state runs ordinary code: 6 * 7 through a coroutine and trang.json. */
static void assert_healthy(struct lstate *st)
{
	static const char code[] = "local co = coroutine.wrap(function(a) return a * 7 end)\n"
	                           "return trang.json.encode({co(6)})";
	struct lstate_outcome out;
	lua_State *L = lstate_lua(st);
	int top = lua_gettop(L);
	enum lstate_reason r = run_in(st, code, 1, &out);
	if (r != LSTATE_OK)
		fail_msg("healthy run failed: %s", out.message);
	assert_string_equal(lua_tostring(L, -1), "[42]");
	lua_settop(L, top);
	lstate_outcome_free(&out);
}

static void expect_in(struct lstate *st, const char *code, enum lstate_reason want,
                      const char *substr)
{
	struct lstate_outcome out;
	enum lstate_reason r = run_in(st, code, 0, &out);
	if (r != want || !out.message || !strstr(out.message, substr))
		fail_msg("%s\n  ended %s: %s\n  want %s with '%s'", code, lstate_reason_name(r),
		         out.message ? out.message : "(no message)", lstate_reason_name(want), substr);
	if (want == LSTATE_TIMEOUT || want == LSTATE_KILLED)
		assert_true(out.seconds < BUDGET + 1.0);
	lstate_outcome_free(&out);
	assert_healthy(st);
}

/* Runs code in a fresh no-capability state, expects the outcome, then checks
 * that this state and a brand-new one still work. */
static void expect(const char *code, enum lstate_reason want, const char *substr)
{
	/* A memory bomb gets time enough to reach the cap even under valgrind. */
	struct lstate *st = new_state(0, want == LSTATE_MEMORY ? 120.0 : BUDGET, CAP);
	expect_in(st, code, want, substr);
	lstate_close(st);
	st = new_state(0, BUDGET, CAP);
	assert_healthy(st);
	lstate_close(st);
}

/* ---- escapes ---- */

static void test_string_dump_refused(void **s)
{
	expect("return string.dump(print)", LSTATE_ERROR, "string.dump is not allowed");
}

static void test_string_dump_via_metatable_absent(void **s)
{
	expect("return (''):dump()", LSTATE_ERROR, "attempt to call a nil value (method 'dump')");
}

static void test_load_binary_mode_refused(void **s)
{
	expect("local f, e = load('\\27LuaT\\0\\25\\147', 'x', 'b') assert(f == nil) error(e)",
	       LSTATE_ERROR, "bytecode is not allowed");
}

static void test_load_bytecode_in_text_mode_refused(void **s)
{
	expect("local f, e = load('\\27LuaT\\0\\25\\147') assert(f == nil) error(e)", LSTATE_ERROR,
	       "attempt to load a binary chunk");
}

static void test_load_text_with_env_still_works(void **s)
{
	expect("local f = load('return x', 'c', 't', {x = 5}) error('got ' .. f())", LSTATE_ERROR,
	       "got 5");
}

static void test_debug_library_refused(void **s)
{
	expect("debug.sethook(print, 'l')", LSTATE_ERROR, "debug.sethook is not allowed");
	expect("return debug.getregistry()", LSTATE_ERROR, "debug.getregistry is not allowed");
	expect("return debug.getupvalue(print, 1)", LSTATE_ERROR, "debug.getupvalue is not allowed");
}

static void test_package_loadlib_refused(void **s)
{
	expect("package.loadlib('/lib/x86_64-linux-gnu/libc.so.6', 'system')", LSTATE_ERROR,
	       "package.loadlib is not allowed");
}

static void test_require_c_module_refused(void **s)
{
	expect("require('socket.core')", LSTATE_ERROR,
	       "module 'socket.core' not found: only trang.* modules");
	expect("require('os')", LSTATE_ERROR, "module 'os' not found");
}

static void test_os_and_io_escapes_refused(void **s)
{
	expect("os.execute('true')", LSTATE_ERROR, "os.execute is not allowed");
	expect("os.exit(3)", LSTATE_ERROR, "os.exit is not allowed");
	expect("os.remove('/tmp/x')", LSTATE_ERROR, "os.remove is not allowed");
	expect("io.popen('ls')", LSTATE_ERROR, "io.popen is not allowed");
	expect("return os.getenv('HOME')", LSTATE_ERROR, "os.getenv is not allowed");
	expect("io.write('x')", LSTATE_ERROR, "io.write is not allowed");
}

static void test_file_access_needs_capability(void **s)
{
	expect("io.open('Makefile')", LSTATE_ERROR, "lacks the capability fs.read");
	expect("io.lines('Makefile')", LSTATE_ERROR, "lacks the capability fs.read");
	expect("dofile('Makefile')", LSTATE_ERROR, "lacks the capability fs.read");
	expect("io.open('/tmp/trang-x', 'w')", LSTATE_ERROR, "lacks the capability fs.write");
	expect("trang.csv.writer('/tmp/trang-x.csv')", LSTATE_ERROR, "lacks the capability fs.write");
}

static bool only_data_dir(void *ud, const char *path, bool write)
{
	(void)ud;
	return !write && strncmp(path, "data/", 5) == 0 && !strstr(path, "..");
}

static void test_file_access_outside_declared_dir_refused(void **s)
{
	struct lstate_config cfg = {
		.name = "reader",
		.caps = LSTATE_CAP_FS_READ,
		.limits = {.memory_bytes = CAP, .seconds = BUDGET},
		.fs_check = only_data_dir,
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	assert_non_null(st);
	expect_in(st, "io.open('data/../Makefile')", LSTATE_ERROR, "outside its declared directories");
	expect_in(st, "local f = assert(io.open('Makefile')) f:close()", LSTATE_ERROR,
	          "outside its declared directories");
	lstate_close(st);
}

static void test_require_path_traversal_refused(void **s)
{
	char tmpl[] = "/tmp/trang-req-XXXXXX";
	char path[512];
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof path, "%s/root", tmpl);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/secret.lua", tmpl);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("return 'secret'\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/root/ok.lua", tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("return 'ok'\n", f);
	fclose(f);
	char link[512];
	snprintf(link, sizeof link, "%s/root/evil.lua", tmpl);
	assert_int_equal(symlink("../secret.lua", link), 0);
	snprintf(path, sizeof path, "%s/root", tmpl);

	struct lstate_config cfg = {
		.name = "plugin",
		.limits = {.memory_bytes = CAP, .seconds = BUDGET},
		.module_root = path,
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	assert_non_null(st);
	expect_in(st, "error('got ' .. require('ok'))", LSTATE_ERROR, "got ok");
	expect_in(st, "require('..secret')", LSTATE_ERROR, "is invalid");
	expect_in(st, "require('../secret')", LSTATE_ERROR, "is invalid");
	expect_in(st, "require('/etc/passwd')", LSTATE_ERROR, "is invalid");
	expect_in(st, "require('evil')", LSTATE_ERROR, "module 'evil' not found under");
	lstate_close(st);
	unlink(link);
	snprintf(link, sizeof link, "%s/root/ok.lua", tmpl);
	unlink(link);
	rmdir(path);
	snprintf(link, sizeof link, "%s/secret.lua", tmpl);
	unlink(link);
	rmdir(tmpl);
}

/* ---- host tables and metatables ---- */

static void test_setmetatable_G_nil_leaves_host_tables_locked(void **s)
{
	expect("setmetatable(_G, nil) trang.json.encode = print", LSTATE_ERROR,
	       "read-only table 'trang.json'");
}

static void test_host_table_metatable_locked(void **s)
{
	expect("setmetatable(trang, nil)", LSTATE_ERROR, "cannot change a protected metatable");
	expect("setmetatable(trang.log, {})", LSTATE_ERROR, "cannot change a protected metatable");
	expect("error('mt is ' .. tostring(getmetatable(trang.json)))", LSTATE_ERROR, "mt is locked");
	expect("trang.json = {}", LSTATE_ERROR, "read-only table 'trang'");
	expect("rawset(trang.json, 'encode', print)", LSTATE_ERROR, "read-only host table");
	expect("rawset(trang, 'json', {})", LSTATE_ERROR, "read-only host table");
}

static void test_string_metatable_tampering(void **s)
{
	expect("getmetatable('').__index = {}", LSTATE_ERROR, "attempt to index a string value");
	/* The script's own string table is its copy: changing it leaves methods
	 * on strings and the host's modules alone. */
	expect("string.upper = nil string.format = nil\n"
	       "trang.log.debug('%d', 1)\n"
	       "error('upper ' .. ('a'):upper() .. ' ' .. trang.csv.encode({{'x,y'}}))",
	       LSTATE_ERROR, "upper A \"x,y\"");
}

static void test_gc_metamethod_refused(void **s)
{
	expect("setmetatable({}, {__gc = function() while true do end end})", LSTATE_ERROR,
	       "__gc metamethods are not allowed");
	expect("local mt = {__gc = false} setmetatable({}, mt)", LSTATE_ERROR,
	       "__gc metamethods are not allowed");
}

static void test_collectgarbage_abuse_refused(void **s)
{
	expect("collectgarbage('stop')", LSTATE_ERROR, "collectgarbage('stop') is not allowed");
	expect("collectgarbage('incremental', 1, 1)", LSTATE_ERROR, "is not allowed");
	expect("error('kb ' .. math.type(collectgarbage('count')))", LSTATE_ERROR, "kb float");
}

/* ---- CPU ---- */

static void test_infinite_loop_times_out(void **s)
{
	expect("while true do end", LSTATE_TIMEOUT, "CPU time budget of 0.3 s spent");
}

static void test_infinite_loop_inside_pcall_times_out(void **s)
{
	expect("while true do pcall(function() while true do end end) end", LSTATE_TIMEOUT,
	       "CPU time budget");
	expect("local n = 0 while true do\n"
	       "  local ok, e = pcall(function() while true do end end)\n"
	       "  n = n + 1\n"
	       "end",
	       LSTATE_TIMEOUT, "CPU time budget");
}

static void test_xpcall_handler_cannot_swallow_kill(void **s)
{
	expect("while true do xpcall(function() while true do end end,\n"
	       "  function(e) while true do end end) end",
	       LSTATE_TIMEOUT, "CPU time budget");
}

static void test_coroutine_wrap_loop_times_out(void **s)
{
	expect("coroutine.wrap(function() while true do end end)()", LSTATE_TIMEOUT,
	       "CPU time budget");
}

static void test_coroutine_resume_cannot_swallow_kill(void **s)
{
	expect("while true do\n"
	       "  local co = coroutine.create(function() while true do end end)\n"
	       "  local ok, e = coroutine.resume(co)\n"
	       "end",
	       LSTATE_TIMEOUT, "CPU time budget");
	expect("while true do pcall(coroutine.wrap(function()\n"
	       "  coroutine.wrap(function() while true do end end)() end)) end",
	       LSTATE_TIMEOUT, "CPU time budget");
}

static void test_coroutine_from_earlier_run_is_covered(void **s)
{
	struct lstate *st = new_state(0, BUDGET, CAP);
	expect_in(st, "spin = coroutine.wrap(function() coroutine.yield() while true do end end)\n"
	              "spin() error('first run done')",
	          LSTATE_ERROR, "first run done");
	expect_in(st, "spin()", LSTATE_TIMEOUT, "CPU time budget");
	lstate_close(st);
}

static void test_close_handler_cannot_dodge_kill(void **s)
{
	expect("local x <close> = setmetatable({}, {__close = function() while true do end end})\n"
	       "while true do end",
	       LSTATE_TIMEOUT, "CPU time budget");
	expect("coroutine.wrap(function()\n"
	       "  local x <close> = setmetatable({}, {__close = function() while true do end end})\n"
	       "  while true do end end)()",
	       LSTATE_TIMEOUT, "CPU time budget");
}

static void test_instruction_budget(void **s)
{
	struct lstate *st = new_state(0, 0, CAP);
	struct lstate_limits lim = {.memory_bytes = CAP, .instructions = 1000000};
	lstate_set_limits(st, &lim);
	expect_in(st, "local i = 0 while true do i = i + 1 end", LSTATE_TIMEOUT,
	          "instruction budget of 1000000 spent");
	lstate_close(st);
}

static void test_hostile_tostring_in_error_object(void **s)
{
	expect("error(setmetatable({}, {__tostring = function() while true do end end}))",
	       LSTATE_TIMEOUT, "CPU time budget");
	expect("error(setmetatable({}, {__tostring = function() error('again') end}))", LSTATE_ERROR,
	       "(error object is a table value)");
	expect("error(setmetatable({}, {__tostring = function() return {} end}))", LSTATE_ERROR,
	       "(error object is a table value)");
	expect("error(setmetatable({}, {__tostring = function() return 'polite' end}))",
	       LSTATE_ERROR, "polite");
}

static void test_pattern_catastrophe_stopped(void **s)
{
	expect("string.find(string.rep('a', 1e5), '.-.-.-.-b')", LSTATE_TIMEOUT, "CPU time budget");
	expect("local s = string.rep('a', 1e5) s:match('.-.-.-.-b')", LSTATE_TIMEOUT,
	       "CPU time budget");
	expect("local s = string.rep('a', 1e5) for w in s:gmatch('.-.-.-b') do end", LSTATE_TIMEOUT,
	       "CPU time budget");
	expect("local s = string.rep('a', 1e5) s:gsub('(.-)(.-)(.-)b', '%1')", LSTATE_TIMEOUT,
	       "CPU time budget");
	expect("while true do pcall(string.find, string.rep('a', 1e5), '.-.-.-.-b') end",
	       LSTATE_TIMEOUT, "CPU time budget");
}

/* ---- memory and recursion ---- */

static void test_table_memory_bomb_stopped_at_cap(void **s)
{
	expect("local t = {} for i = 1, 1e9 do t[i] = i end", LSTATE_MEMORY, "memory cap of 32 MB");
}

static void test_string_rep_bomb_stopped_at_cap(void **s)
{
	expect("local s = string.rep('x', 1e10)", LSTATE_ERROR, "resulting string too large");
	expect("local s = string.rep('x', 2e9)", LSTATE_MEMORY, "memory cap of 32 MB");
	expect("local t = {} while true do t[#t + 1] = string.rep('x', 1e6) end", LSTATE_MEMORY,
	       "memory cap");
}

static void test_memory_bomb_inside_pcall_still_ends_run(void **s)
{
	expect("while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end) end",
	       LSTATE_MEMORY, "memory cap");
}

static void test_concat_and_unpack_bombs_stopped(void **s)
{
	expect("local t = {} for i = 1, 1e6 do t[i] = 'xxxxxxxxxxxxxxxxxxxx' end\n"
	       "local s = table.concat(t, table.concat(t))",
	       LSTATE_MEMORY, "memory cap");
	expect("return select('#', table.unpack({}, 1, 1e8))", LSTATE_ERROR, "too many results");
	expect("local piece = string.rep('a = 1 ', 10000)\n"
	       "local f, e = load(function() return piece end) error(e)",
	       LSTATE_MEMORY, "memory cap");
}

static void test_string_building_bomb_stopped(void **s)
{
	expect("local s = 'x' while true do s = s .. s end", LSTATE_MEMORY, "memory cap");
}

static void test_deep_lua_recursion(void **s)
{
	struct lstate *st = new_state(0, 5.0, (size_t)256 << 20);
	expect_in(st, "local function f() return 1 + f() end return f()", LSTATE_ERROR,
	          "stack overflow");
	lstate_close(st);
}

static void test_deep_c_recursion(void **s)
{
	expect("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x",
	       LSTATE_ERROR, "stack overflow");
	expect("local function f(s) return (s:gsub('.', f)) end f('a')", LSTATE_ERROR,
	       "stack overflow");
}

/* ---- reporting ---- */

static int interrupt_me(lua_State *L)
{
	lstate_interrupt(lstate_from(L));
	return 0;
}

static void test_interrupt_kills_run(void **s)
{
	struct lstate *st = new_state(0, 0, CAP);
	lua_State *L = lstate_lua(st);
	lua_pushcfunction(L, interrupt_me);
	lua_setglobal(L, "interrupt_me");
	expect_in(st, "interrupt_me() while true do pcall(error) end", LSTATE_KILLED, "interrupted");
	lstate_close(st);
}

static void test_error_has_traceback(void **s)
{
	struct lstate *st = new_state(0, BUDGET, CAP);
	struct lstate_outcome out;
	static const char code[] = "local function inner() error('deep') end\n"
	                           "local function outer() inner() end\n"
	                           "outer()\n";
	assert_int_equal(run_in(st, code, 0, &out), LSTATE_ERROR);
	assert_string_equal(out.message, "hostile:1: deep");
	assert_non_null(out.traceback);
	assert_non_null(strstr(out.traceback, "stack traceback:"));
	assert_non_null(strstr(out.traceback, "hostile:1: in upvalue 'inner'"));
	assert_non_null(strstr(out.traceback, "hostile:2: in local 'outer'"));
	lstate_outcome_free(&out);
	lstate_close(st);
}

static void test_plugin_print_goes_to_log_not_stdout(void **s)
{
	expect("print('hello from a plugin') error('printed')", LSTATE_ERROR, "printed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_dump_refused),
		cmocka_unit_test(test_string_dump_via_metatable_absent),
		cmocka_unit_test(test_load_binary_mode_refused),
		cmocka_unit_test(test_load_bytecode_in_text_mode_refused),
		cmocka_unit_test(test_load_text_with_env_still_works),
		cmocka_unit_test(test_debug_library_refused),
		cmocka_unit_test(test_package_loadlib_refused),
		cmocka_unit_test(test_require_c_module_refused),
		cmocka_unit_test(test_os_and_io_escapes_refused),
		cmocka_unit_test(test_file_access_needs_capability),
		cmocka_unit_test(test_file_access_outside_declared_dir_refused),
		cmocka_unit_test(test_require_path_traversal_refused),
		cmocka_unit_test(test_setmetatable_G_nil_leaves_host_tables_locked),
		cmocka_unit_test(test_host_table_metatable_locked),
		cmocka_unit_test(test_string_metatable_tampering),
		cmocka_unit_test(test_gc_metamethod_refused),
		cmocka_unit_test(test_collectgarbage_abuse_refused),
		cmocka_unit_test(test_infinite_loop_times_out),
		cmocka_unit_test(test_infinite_loop_inside_pcall_times_out),
		cmocka_unit_test(test_xpcall_handler_cannot_swallow_kill),
		cmocka_unit_test(test_coroutine_wrap_loop_times_out),
		cmocka_unit_test(test_coroutine_resume_cannot_swallow_kill),
		cmocka_unit_test(test_coroutine_from_earlier_run_is_covered),
		cmocka_unit_test(test_close_handler_cannot_dodge_kill),
		cmocka_unit_test(test_instruction_budget),
		cmocka_unit_test(test_hostile_tostring_in_error_object),
		cmocka_unit_test(test_pattern_catastrophe_stopped),
		cmocka_unit_test(test_table_memory_bomb_stopped_at_cap),
		cmocka_unit_test(test_string_rep_bomb_stopped_at_cap),
		cmocka_unit_test(test_memory_bomb_inside_pcall_still_ends_run),
		cmocka_unit_test(test_concat_and_unpack_bombs_stopped),
		cmocka_unit_test(test_string_building_bomb_stopped),
		cmocka_unit_test(test_deep_lua_recursion),
		cmocka_unit_test(test_deep_c_recursion),
		cmocka_unit_test(test_interrupt_kills_run),
		cmocka_unit_test(test_error_has_traceback),
		cmocka_unit_test(test_plugin_print_goes_to_log_not_stdout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
