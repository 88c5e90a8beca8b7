/* test_lua_pattern.c: the budget-aware matcher (host/lua_pattern.c) gives the
 * same results and error messages as stock Lua 5.4's string library on every
 * case of tests/lua/pattern_cases.lua. */
#include "testutil.h"

#include <lualib.h>

#include "lua_state.h"

/* Runs the cases file in L; returns its result text (malloc'd). */
static char *run_cases(lua_State *L, bool sandboxed, struct lstate *st)
{
	char *result = NULL;
	if (sandboxed) {
		struct lstate_outcome out;
		if (lstate_load_file(st, "tests/lua/pattern_cases.lua", &out) != LSTATE_OK ||
		    lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
			fail_msg("sandboxed run: %s", out.message);
	} else {
		if (luaL_loadfile(L, "tests/lua/pattern_cases.lua") != LUA_OK ||
		    lua_pcall(L, 0, 1, 0) != LUA_OK)
			fail_msg("stock run: %s", lua_tostring(L, -1));
	}
	result = strdup(lua_tostring(L, -1));
	assert_non_null(result);
	lua_pop(L, 1);
	return result;
}

static void test_matcher_agrees_with_stock_lua(void **s)
{
	lua_State *ref = luaL_newstate();
	assert_non_null(ref);
	luaL_openlibs(ref);
	char *want = run_cases(ref, false, NULL);
	lua_close(ref);

	struct lstate_config cfg = {
		.name = "patterns",
		.caps = LSTATE_CAP_FS_READ,
		.limits = {.memory_bytes = (size_t)256 << 20, .seconds = 60},
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	assert_non_null(st);
	char *got = run_cases(lstate_lua(st), true, st);
	lstate_close(st);

	/* Report the first differing line, not two walls of text. */
	const char *a = want, *b = got;
	int line = 1;
	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	if (*a || *b) {
		const char *wa = strchr(a, '\n'), *wb = strchr(b, '\n');
		while (a > want && a[-1] != '\n')
			a--;
		while (b > got && b[-1] != '\n')
			b--;
		fail_msg("line %d differs:\n stock: %.*s\n ours:  %.*s", line,
		         (int)(wa ? wa - a : (long)strlen(a)), a, (int)(wb ? wb - b : (long)strlen(b)), b);
	}
	assert_true(strlen(want) > 10000); /* the cases really ran */
	free(want);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matcher_agrees_with_stock_lua),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
