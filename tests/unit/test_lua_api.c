/* test_lua_api.c: the trang.* modules, through the Lua test scripts in
 * tests/lua/ (each raises on its first wrong value), and trang.log through a
 * log sink. */
#include "testutil.h"

#include <unistd.h>

#include "lua_state.h"

/* Runs tests/lua/<name> in a script-like state; fails with the message and
 * traceback if it raises, and checks what it returns. */
static void run_lua_test(const char *name, const char *want)
{
	struct lstate_config cfg = {
		.name = name,
		.caps = LSTATE_CAP_FS_READ | LSTATE_CAP_FS_WRITE | LSTATE_CAP_ENV,
		.limits = {.memory_bytes = (size_t)256 << 20, .seconds = 20},
		.lua_dir = "host/lua",
	};
	char err[256], path[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st)
		fail_msg("lstate_new: %s", err);
	snprintf(path, sizeof path, "tests/lua/%s", name);
	struct lstate_outcome out;
	if (lstate_load_file(st, path, &out) != LSTATE_OK)
		fail_msg("%s", out.message);
	if (lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
	assert_string_equal(lua_tostring(lstate_lua(st), -1), want);
	lstate_close(st);
}

static void test_json_module(void **s) { run_lua_test("json_test.lua", "json ok"); }
static void test_time_module(void **s) { run_lua_test("time_test.lua", "time ok"); }

static void test_csv_module(void **s)
{
	char tmpl[] = "/tmp/trang-csv-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	close(fd);
	setenv("CSV_OUT", tmpl, 1);
	run_lua_test("csv_test.lua", "csv ok");
	unlink(tmpl);
}

struct log_capture {
	int count;
	enum lstate_log_level level;
	char origin[64];
	char message[256];
};

static void capture_sink(void *ud, enum lstate_log_level level, const char *origin,
                         const char *message)
{
	struct log_capture *c = ud;
	c->count++;
	c->level = level;
	snprintf(c->origin, sizeof c->origin, "%s", origin);
	snprintf(c->message, sizeof c->message, "%s", message);
}

static void test_log_levels_reach_the_sink_with_the_name(void **s)
{
	struct log_capture cap = {0};
	struct lstate_config cfg = {
		.name = "plugin wordfreq",
		.limits = {.memory_bytes = (size_t)32 << 20, .seconds = 5},
		.log_sink = capture_sink,
		.log_sink_ud = &cap,
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	assert_non_null(st);
	static const char code[] = "local log = require 'trang.log'\n"
	                           "log.debug('hidden at the default level')\n"
	                           "log.warn('%d articles\\nskipped', 3)\n"
	                           "assert(log.level('debug') == 'info')\n"
	                           "log.debug('now visible')\n"
	                           "log.level('error') log.info('hidden again')\n"
	                           "local ok, e = pcall(log.level, 'loud')\n"
	                           "assert(not ok and e:find(\"invalid option 'loud'\"), e)\n";
	struct lstate_outcome out;
	assert_int_equal(lstate_load_string(st, code, strlen(code), "=log", &out), LSTATE_OK);
	if (lstate_pcall(st, 0, 0, &out) != LSTATE_OK)
		fail_msg("%s", out.message);
	assert_int_equal(cap.count, 2);
	assert_int_equal(cap.level, LSTATE_LOG_DEBUG);
	assert_string_equal(cap.origin, "plugin wordfreq");
	assert_string_equal(cap.message, "now visible");
	lstate_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_module),
		cmocka_unit_test(test_time_module),
		cmocka_unit_test(test_csv_module),
		cmocka_unit_test(test_log_levels_reach_the_sink_with_the_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
