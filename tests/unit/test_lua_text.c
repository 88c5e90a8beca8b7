/* test_lua_text.c: trang.text through a sandboxed state: the Lua checks in
 * tests/lua/text_test.lua (collation, graphemes, tokens with spans, clean-up,
 * validity), and the error a script sees for invalid UTF-8. */
#include "testutil.h"

#include "lua_state.h"

static struct lstate *new_state(void)
{
	struct lstate_config cfg = {
		.name = "text_test.lua",
		.limits = {.memory_bytes = (size_t)64 << 20, .seconds = 20},
		.lua_dir = "host/lua",
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st)
		fail_msg("lstate_new: %s", err);
	return st;
}

static void test_text_module_passes_its_lua_checks(void **s)
{
	struct lstate *st = new_state();
	struct lstate_outcome out;
	if (lstate_load_file(st, "tests/lua/text_test.lua", &out) != LSTATE_OK)
		fail_msg("%s", out.message);
	if (lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
	assert_string_equal(lua_tostring(lstate_lua(st), -1), "text ok");
	lstate_close(st);
}

static void test_invalid_utf8_raises_with_the_byte_offset(void **s)
{
	struct lstate *st = new_state();
	static const char code[] = "local s = require('trang.text').upper('Vi\\xe1\\xbb')\nreturn s";
	struct lstate_outcome out = {0};
	assert_int_equal(lstate_load_string(st, code, sizeof code - 1, "=bad", &out), LSTATE_OK);
	assert_int_equal(lstate_pcall(st, 0, 1, &out), LSTATE_ERROR);
	if (!strstr(out.message, "bad argument #1 to 'upper' (invalid UTF-8 at byte 3)"))
		fail_msg("message: %s", out.message);
	lstate_outcome_free(&out);
	lstate_close(st);
}

static void test_valid_reports_the_offset_without_raising(void **s)
{
	struct lstate *st = new_state();
	static const char code[] = "return require('trang.text').valid('ok\\xff')";
	struct lstate_outcome out = {0};
	assert_int_equal(lstate_load_string(st, code, sizeof code - 1, "=valid", &out), LSTATE_OK);
	assert_int_equal(lstate_pcall(st, 0, 2, &out), LSTATE_OK);
	lua_State *L = lstate_lua(st);
	assert_true(lua_isboolean(L, -2) && !lua_toboolean(L, -2));
	assert_int_equal(lua_tointeger(L, -1), 3);
	lstate_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_module_passes_its_lua_checks),
		cmocka_unit_test(test_invalid_utf8_raises_with_the_byte_offset),
		cmocka_unit_test(test_valid_reports_the_offset_without_raising),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
