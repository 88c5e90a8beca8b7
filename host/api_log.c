/* api_log.c: trang.log, levelled log records from scripts and plugins. Each
 * record is one stderr line naming the script or plugin (lstate_log), then goes
 * to the state's log sink: the hook point for logging into the database. */
#include <string.h>

#include "lua_state.h"

static const char *const level_names[] = {"debug", "info", "warn", "error", NULL};

/* log.<level>(fmt, ...): string.format(fmt, ...) when there are arguments,
 * else fmt as it is (tostring'd). Returns nothing. */
static int log_at(lua_State *L, enum lstate_log_level level)
{
	int n = lua_gettop(L);
	if (n >= 2) {
		luaL_checkstring(L, 1);
		luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
		lua_getfield(L, -1, "string");
		lua_getfield(L, -1, "format"); /* stack: [args..., loaded, string, format] */
		lua_replace(L, -3);
		lua_pop(L, 1);
		lua_insert(L, 1);
		lua_call(L, n, 1);
	} else {
		luaL_checkany(L, 1);
		luaL_tolstring(L, 1, NULL);
	}
	lstate_log(lstate_from(L), level, lua_tostring(L, -1));
	return 0;
}

static int log_debug(lua_State *L) { return log_at(L, LSTATE_LOG_DEBUG); }
static int log_info(lua_State *L) { return log_at(L, LSTATE_LOG_INFO); }
static int log_warn(lua_State *L) { return log_at(L, LSTATE_LOG_WARN); }
static int log_error(lua_State *L) { return log_at(L, LSTATE_LOG_ERROR); }

/* log.level([name]): returns the current threshold; sets it when name is given. */
static int log_level(lua_State *L)
{
	struct lstate *st = lstate_from(L);
	enum lstate_log_level old = lstate_log_level(st);
	if (!lua_isnoneornil(L, 1))
		lstate_set_log_level(st, (enum lstate_log_level)luaL_checkoption(L, 1, NULL, level_names));
	lua_pushstring(L, level_names[old]);
	return 1;
}

int luaopen_trang_log(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"debug", log_debug}, {"info", log_info},   {"warn", log_warn},
		{"error", log_error}, {"level", log_level}, {NULL, NULL},
	};
	luaL_newlib(L, funcs);
	return 1;
}
