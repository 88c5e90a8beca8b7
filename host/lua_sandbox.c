/* lua_sandbox.c: what a script in a trang state may touch. Its globals are
 * an allow-list built afresh (Redis learnt that a deny-list leaks); the
 * functions that could escape (load, require, io.open, setmetatable,
 * collectgarbage, coroutine.resume, xpcall) are replaced by checked versions;
 * host tables sit behind read-only proxies. Relies on lua_state.c for the
 * run bookkeeping (lua_sandbox.h) and on stock Lua 5.4. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "cli.h"
#include "lua_sandbox.h"
#include "lua_state.h"

/* Registry keys. */
static const char userload_key = 'u'; /* name -> user module (package.loaded) */
static const char readonly_key = 'r'; /* proxy -> name, weak keys */
static const char hostenv_key = 'h';  /* _ENV of the Lua halves */
static const char root_key = 't';     /* the `trang` proxy */

static void set_refusal(lua_State *L, int t, const char *field, const char *what, const char *why);
static int sb_load(lua_State *L);
static int sb_xpcall(lua_State *L);
static int sb_setmetatable(lua_State *L);
static int sb_collectgarbage(lua_State *L);
static int sb_print_log(lua_State *L);
static int sb_rawset(lua_State *L);
static int sb_loadfile(lua_State *L);
static int sb_dofile(lua_State *L);
static int sb_io_open(lua_State *L);
static int sb_io_lines(lua_State *L);
static void check_read(lua_State *L, const char *fn, const char *path);

void lsandbox_push_host_env(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &hostenv_key);
}

/* ---- read-only proxies ---- */

static int ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to modify read-only table '%s' (field '%s')",
	                  lua_tostring(L, lua_upvalueindex(1)), luaL_tolstring(L, 2, NULL));
}

static int ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, 1))
		return 2;
	lua_pushnil(L);
	return 1;
}

/* __pairs of a proxy: iterates its hidden table (upvalue 1). */
static int ro_pairs(lua_State *L)
{
	lua_pushcfunction(L, ro_next);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushnil(L);
	return 3;
}

static int ro_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

static void mark_readonly(lua_State *L, int proxy, const char *name)
{
	proxy = lua_absindex(L, proxy);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_key);
	lua_pushvalue(L, proxy);
	lua_pushstring(L, name);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

void lstate_push_readonly(lua_State *L, int idx, const char *name)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L); /* stack: [proxy] */
	lua_createtable(L, 0, 6);
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, name);
	lua_pushcclosure(L, ro_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, idx);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushvalue(L, idx);
	lua_pushcclosure(L, ro_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2); /* stack: [proxy] */
	mark_readonly(L, -1, name);
}

static bool valid_module_name(const char *name)
{
	size_t seg = 0;
	if (strlen(name) > 200)
		return false;
	for (const char *p = name;; p++) {
		if (*p == '.' || *p == '\0') {
			if (seg == 0)
				return false;
			if (*p == '\0')
				return true;
			seg = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		           (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
			seg++;
		} else {
			return false;
		}
	}
}

/* Finds <root>/a/b.lua or <root>/a/b/init.lua for "a.b" (rel; "" is
 * <root>/init.lua) whose real path stays inside root (symlinks included).
 * Returns false if none. */
static bool find_user_module(const char *root, const char *name, char *out)
{
	char rel[256], cand[PATH_MAX];
	size_t i;
	for (i = 0; name[i] && i < sizeof rel - 1; i++)
		rel[i] = name[i] == '.' ? '/' : name[i];
	rel[i] = '\0';
	static const char *const forms[] = {"%s/%s.lua", "%s/%s/init.lua"};
	size_t rootlen = strlen(root);
	for (size_t f = 0; f < 2; f++) {
		int n = rel[0] ? snprintf(cand, sizeof cand, forms[f], root, rel)
		               : snprintf(cand, sizeof cand, "%s/init.lua", root);
		if (n >= (int)sizeof cand)
			continue;
		if (!realpath(cand, out))
			continue;
		if (strncmp(out, root, rootlen) == 0 && out[rootlen] == '/')
			return true;
	}
	return false;
}

/* require(name): trang.* from the host, other names from the module root only,
 * as text chunks. Returns the module. */
static int sb_require(lua_State *L)
{
	struct lstate *st = lstate_from(L);
	const char *name = luaL_checkstring(L, 1);
	if (strcmp(name, "trang") == 0) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &root_key);
		return 1;
	}
	if (strncmp(name, "trang.", 6) == 0) {
		if (!lstate_push_host_module(L, name))
			return luaL_error(L, "module '%s' not found: trang has no such module", name);
		return 1;
	}
	lua_rawgetp(L, LUA_REGISTRYINDEX, &userload_key);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1); /* stack: [name, loaded] */
	if (!valid_module_name(name))
		return luaL_error(L, "module name '%s' is invalid (letters, digits, '_', '-' and '.' only)",
		                  name);
	size_t plen;
	const char *root = lstate_module_root_for(st, name, &plen);
	if (!root)
		return luaL_error(L, "module '%s' not found: only trang.* modules can be required here",
		                  name);
	char path[PATH_MAX];
	if (!find_user_module(root, name + plen + (name[plen] == '.'), path))
		return luaL_error(L, "module '%s' not found under %s (require does not look elsewhere)",
		                  name, root);
	if (luaL_loadfilex(L, path, "t") != LUA_OK)
		return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, path,
		                  lua_tostring(L, -1));
	lua_pushstring(L, name);
	lua_pushstring(L, path);
	lua_call(L, 2, 1); /* stack: [name, loaded, result] */
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, 2, name);
	return 1;
}

/* __index of the `trang` proxy: opens trang.<key> on first use. */
static int root_index(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL || lua_type(L, 2) != LUA_TSTRING)
		return 1;
	char full[128];
	snprintf(full, sizeof full, "trang.%s", lua_tostring(L, 2));
	if (!lstate_push_host_module(L, full))
		return 1; /* nil */
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, lua_upvalueindex(1));
	return 1;
}

static int root_pairs(lua_State *L)
{
	for (size_t i = 0; i < lstate_host_module_count(); i++) {
		const char *name = lstate_host_module_name(i);
		lstate_push_host_module(L, name);
		lua_setfield(L, lua_upvalueindex(1), name + 6);
	}
	lua_pushcfunction(L, ro_next);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushnil(L);
	return 3;
}

/* Stack: [] -> [trang proxy] */
static void push_root(lua_State *L)
{
	lua_newtable(L); /* hidden: [T] */
	lua_pushliteral(L, TRANG_VERSION);
	lua_setfield(L, -2, "version");
	lua_pushinteger(L, 1);
	lua_setfield(L, -2, "api");
	lua_newtable(L); /* [T, proxy] */
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, root_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "trang");
	lua_pushcclosure(L, ro_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, root_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_remove(L, -2); /* [proxy] */
	mark_readonly(L, -1, "trang");
}

/* ---- sandboxed replacements of base functions ---- */

/* Raises the refusal in upvalue 1, at the caller's line when it is Lua code. */
static int sb_refused(lua_State *L)
{
	luaL_where(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_concat(L, 2);
	return lua_error(L);
}

/* Sets t[field] to a function that raises "<what>: <why>". Stack unchanged. */
static void set_refusal(lua_State *L, int t, const char *field, const char *what, const char *why)
{
	t = lua_absindex(L, t);
	lua_pushfstring(L, "%s is not allowed in the trang sandbox%s%s", what, why ? ": " : "",
	                why ? why : "");
	lua_pushcclosure(L, sb_refused, 1);
	lua_setfield(L, t, field);
}

/* load(chunk [, name [, mode [, env]]]): text only; env defaults to the globals. */
static int sb_load(lua_State *L)
{
	int n = lua_gettop(L);
	const char *mode = luaL_optstring(L, 3, "t");
	if (!strchr(mode, 't')) {
		luaL_pushfail(L);
		lua_pushfstring(L, "attempt to load a binary chunk (mode is '%s'): "
		                   "bytecode is not allowed in the trang sandbox", mode);
		return 2;
	}
	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1)); /* the real load */
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (n >= 4)
		lua_pushvalue(L, 4);
	lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* The message handler of a script's xpcall. An error raised from a count hook
 * (a kill) reaches message handlers while Lua still has hooks switched off, so
 * the script's handler is not called for kills: they pass through untouched. */
static int sb_xpcall_msgh(lua_State *L)
{
	if (lstate_run_ending(lstate_from(L)))
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int sb_xpcall_finish(lua_State *L, int status, lua_KContext extra)
{
	if (status != LUA_OK && status != LUA_YIELD) {
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

/* xpcall(f, handler, ...): as Lua's, yieldable, with the handler wrapped. */
static int sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, sb_xpcall_msgh, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1); /* first result when all goes well */
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2); /* stack: [f, msgh, true, f, args...] */
	int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, sb_xpcall_finish);
	return sb_xpcall_finish(L, status, 2);
}

static void check_read(lua_State *L, const char *fn, const char *path)
{
	char why[PATH_MAX + 100];
	if (!lstate_fs_allowed(lstate_from(L), path, false, why, sizeof why))
		luaL_error(L, "%s('%s') refused: %s", fn, path, why);
}

static int sb_loadfile(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	const char *mode = luaL_optstring(L, 2, "t");
	check_read(L, "loadfile", path);
	if (!strchr(mode, 't')) {
		luaL_pushfail(L);
		lua_pushliteral(L, "bytecode is not allowed in the trang sandbox");
		return 2;
	}
	if (luaL_loadfilex(L, path, "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (lua_gettop(L) >= 4 && !lua_isnone(L, 3)) {
		lua_pushvalue(L, 3);
		lua_setupvalue(L, -2, 1);
	}
	return 1;
}

static int sb_dofile(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	lua_settop(L, 1);
	check_read(L, "dofile", path);
	if (luaL_loadfilex(L, path, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, LUA_MULTRET);
	return lua_gettop(L) - 1;
}

static bool is_readonly(lua_State *L, int idx)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_key);
	lua_pushvalue(L, idx);
	bool ro = lua_rawget(L, -2) != LUA_TNIL;
	lua_pop(L, 2);
	return ro;
}

static int sb_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	if (is_readonly(L, 1))
		return luaL_error(L, "attempt to modify a read-only host table with rawset");
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* setmetatable refuses __gc: finalizers run with hooks off, outside the budget. */
static int sb_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		bool gc = lua_rawget(L, 2) != LUA_TNIL;
		lua_pop(L, 1);
		if (gc)
			return luaL_error(L, "__gc metamethods are not allowed in the trang sandbox "
			                     "(finalizers run outside the CPU budget)");
	}
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

static int sb_collectgarbage(lua_State *L)
{
	static const char *const allowed[] = {"collect", "count", "step", "isrunning"};
	const char *opt = luaL_optstring(L, 1, "collect");
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		if (strcmp(opt, allowed[i]) == 0) {
			int n = lua_gettop(L);
			lua_pushvalue(L, lua_upvalueindex(1));
			lua_insert(L, 1);
			lua_call(L, n, LUA_MULTRET);
			return lua_gettop(L);
		}
	}
	return luaL_error(L, "collectgarbage('%s') is not allowed in the trang sandbox", opt);
}

/* print without stdio: goes to the log, one record per call. */
static int sb_print_log(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	lstate_log(lstate_from(L), LSTATE_LOG_INFO, lua_tostring(L, -1));
	return 0;
}

static int sb_traceback(lua_State *L)
{
	if (!lua_isnoneornil(L, 1) && !lua_isstring(L, 1)) {
		lua_settop(L, 1);
		return 1;
	}
	luaL_traceback(L, L, lua_tostring(L, 1), (int)luaL_optinteger(L, 2, 1));
	return 1;
}

static int sb_io_open(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	const char *mode = luaL_optstring(L, 2, "r");
	bool write = strpbrk(mode, "wa+") != NULL;
	char why[PATH_MAX + 100];
	if (!lstate_fs_allowed(lstate_from(L), path, write, why, sizeof why))
		return luaL_error(L, "io.open('%s', '%s') refused: %s", path, mode, why);
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, LUA_MULTRET);
	return lua_gettop(L);
}

static int sb_io_lines(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		if (!(lstate_caps(lstate_from(L)) & LSTATE_CAP_STDIO))
			return luaL_error(L, "io.lines() refused: %s has no standard input",
			                  lstate_name(lstate_from(L)));
	} else {
		check_read(L, "io.lines", luaL_checkstring(L, 1));
	}
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* ---- coroutines: every resume carries the hook into the coroutine ---- */

/* Resumes co with narg values from L's top. Returns the number of results
 * moved to L, or -1 with the error on L. A kill inside is raised again here. */
static int resume_hooked(lua_State *L, lua_State *co, int narg)
{
	struct lstate *st = lstate_from(L);
	int status = lua_status(co);
	lua_Debug ar;
	if (co == L || (status == LUA_OK && lua_getstack(co, 0, &ar))) {
		lua_pushliteral(L, "cannot resume non-suspended coroutine");
		return -1;
	}
	if ((status == LUA_OK && lua_gettop(co) == 0) || (status != LUA_OK && status != LUA_YIELD)) {
		lua_pushliteral(L, "cannot resume dead coroutine");
		return -1;
	}
	if (!lua_checkstack(co, narg)) {
		lua_pushliteral(L, "too many arguments to resume");
		return -1;
	}
	lua_xmove(L, co, narg);
	lua_sethook(co, lua_gethook(L), lua_gethookmask(L), lua_gethookcount(L));
	lua_State *prev = lstate_thread_enter(st, co);
	int nres;
	status = lua_resume(co, L, narg, &nres);
	lstate_thread_leave(st, L, prev); /* raises again if the run is ending */
	if (status == LUA_OK || status == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1)) {
			lua_pop(co, nres);
			lua_pushliteral(L, "too many results to resume");
			return -1;
		}
		lua_xmove(co, L, nres);
		return nres;
	}
	lua_xmove(co, L, 1);
	return -1;
}

static int sb_co_create(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_State *co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	return 1;
}

static int sb_co_resume(lua_State *L)
{
	lua_State *co = lua_tothread(L, 1);
	luaL_argexpected(L, co, 1, "coroutine");
	int r = resume_hooked(L, co, lua_gettop(L) - 1);
	if (r < 0) {
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, -(r + 1));
	return r + 1;
}

static int sb_co_wrapped(lua_State *L)
{
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int r = resume_hooked(L, co, lua_gettop(L));
	if (r < 0) {
		int status = lua_status(co);
		if (status != LUA_OK && status != LUA_YIELD) {
			lua_resetthread(co); /* close its to-be-closed variables */
			if (lua_type(L, -1) == LUA_TSTRING) {
				luaL_where(L, 1);
				lua_insert(L, -2);
				lua_concat(L, 2);
			}
		}
		return lua_error(L);
	}
	return r;
}

static int sb_co_wrap(lua_State *L)
{
	sb_co_create(L);
	lua_pushcclosure(L, sb_co_wrapped, 1);
	return 1;
}

/* ---- building the globals ---- */

/* Copies fields of the table at src into a new table; names NULL = all.
 * Stack: [] -> [copy] */
static void push_copy(lua_State *L, int src, const char *const *names)
{
	src = lua_absindex(L, src);
	lua_newtable(L);
	if (!names) {
		lua_pushnil(L);
		while (lua_next(L, src)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		}
		return;
	}
	for (; *names; names++) {
		lua_getfield(L, src, *names);
		lua_setfield(L, -2, *names);
	}
}

static void push_loaded_lib(lua_State *L, const char *name)
{
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
}

/* Wraps the function t[field] as a closure of fn with it as upvalue 1. */
static void wrap_field(lua_State *L, int t, const char *field, lua_CFunction fn)
{
	t = lua_absindex(L, t);
	lua_getfield(L, t, field);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, t, field);
}

/* Builds a fresh allow-listed environment. orig: the original globals.
 * Stack: [] -> [env] */
static void push_env(lua_State *L, unsigned caps, int orig)
{
	static const char *const base[] = {
		"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
		"rawget", "rawlen", "select", "tonumber", "tostring", "type", "xpcall", "_VERSION",
		"print", "load", "setmetatable", "collectgarbage", NULL};
	static const char *const os_allowed[] = {"clock", "date", "difftime", "time", NULL};
	static const char *const io_stdio[] = {"read", "write", "stdin", "stdout", "stderr", NULL};
	static const char *const debug_refused[] = {
		"debug", "gethook", "getinfo", "getlocal", "getmetatable", "getregistry", "getupvalue",
		"getuservalue", "sethook", "setlocal", "setmetatable", "setupvalue", "setuservalue",
		"upvalueid", "upvaluejoin", "setcstacklimit", NULL};
	orig = lua_absindex(L, orig);

	push_copy(L, orig, base); /* stack: [env] */
	int env = lua_gettop(L);
	wrap_field(L, env, "load", sb_load);
	lua_pushcfunction(L, sb_xpcall);
	lua_setfield(L, env, "xpcall");
	wrap_field(L, env, "setmetatable", sb_setmetatable);
	wrap_field(L, env, "collectgarbage", sb_collectgarbage);
	if (!(caps & LSTATE_CAP_STDIO)) {
		lua_pushcfunction(L, sb_print_log);
		lua_setfield(L, env, "print");
	}
	lua_pushcfunction(L, sb_rawset);
	lua_setfield(L, env, "rawset");
	lua_pushcfunction(L, sb_loadfile);
	lua_setfield(L, env, "loadfile");
	lua_pushcfunction(L, sb_dofile);
	lua_setfield(L, env, "dofile");
	lua_pushcfunction(L, sb_require);
	lua_setfield(L, env, "require");
	lua_pushvalue(L, env);
	lua_setfield(L, env, "_G");

	static const char *const plain_libs[] = {"string", "table", "math", "utf8"};
	for (size_t i = 0; i < sizeof plain_libs / sizeof plain_libs[0]; i++) {
		push_loaded_lib(L, plain_libs[i]);
		push_copy(L, -1, NULL);
		lua_setfield(L, env, plain_libs[i]);
		lua_pop(L, 1);
	}
	lua_getfield(L, env, "string");
	set_refusal(L, -1, "dump", "string.dump", "bytecode cannot be loaded back");
	lua_pop(L, 1);

	push_loaded_lib(L, "coroutine");
	push_copy(L, -1, NULL); /* stack: [env, co, copy] */
	lua_pushcfunction(L, sb_co_create);
	lua_setfield(L, -2, "create");
	lua_pushcfunction(L, sb_co_resume);
	lua_setfield(L, -2, "resume");
	lua_pushcfunction(L, sb_co_wrap);
	lua_setfield(L, -2, "wrap");
	lua_setfield(L, env, "coroutine");
	lua_pop(L, 1);

	push_loaded_lib(L, "os");
	push_copy(L, -1, os_allowed); /* stack: [env, os, copy] */
	if (caps & LSTATE_CAP_ENV) {
		lua_getfield(L, -2, "getenv");
		lua_setfield(L, -2, "getenv");
	} else {
		set_refusal(L, -1, "getenv", "os.getenv", "needs the capability env");
	}
	set_refusal(L, -1, "execute", "os.execute", NULL);
	set_refusal(L, -1, "exit", "os.exit", NULL);
	set_refusal(L, -1, "remove", "os.remove", NULL);
	set_refusal(L, -1, "rename", "os.rename", NULL);
	set_refusal(L, -1, "tmpname", "os.tmpname", NULL);
	set_refusal(L, -1, "setlocale", "os.setlocale", NULL);
	lua_setfield(L, env, "os");
	lua_pop(L, 1);

	push_loaded_lib(L, "io");
	push_copy(L, -1, (const char *const[]){"open", "lines", "type", NULL});
	wrap_field(L, -1, "open", sb_io_open);
	wrap_field(L, -1, "lines", sb_io_lines);
	if (caps & LSTATE_CAP_STDIO) {
		for (size_t i = 0; io_stdio[i]; i++) {
			lua_getfield(L, -2, io_stdio[i]);
			lua_setfield(L, -2, io_stdio[i]);
		}
	} else {
		set_refusal(L, -1, "read", "io.read", "no standard input here");
		set_refusal(L, -1, "write", "io.write", "no standard output here; use trang.log");
	}
	set_refusal(L, -1, "popen", "io.popen", NULL);
	set_refusal(L, -1, "tmpfile", "io.tmpfile", NULL);
	set_refusal(L, -1, "input", "io.input", "use io.open or io.lines");
	set_refusal(L, -1, "output", "io.output", "use io.open");
	lua_setfield(L, env, "io");
	lua_pop(L, 1);

	lua_newtable(L); /* debug: traceback only */
	lua_pushcfunction(L, sb_traceback);
	lua_setfield(L, -2, "traceback");
	for (size_t i = 0; debug_refused[i]; i++) {
		char what[40];
		snprintf(what, sizeof what, "debug.%s", debug_refused[i]);
		set_refusal(L, -1, debug_refused[i], what, NULL);
	}
	lua_setfield(L, env, "debug");

	lua_newtable(L); /* package: loaded only */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &userload_key);
	lua_setfield(L, -2, "loaded");
	set_refusal(L, -1, "loadlib", "package.loadlib", "no C modules");
	lua_setfield(L, env, "package");

	lua_rawgetp(L, LUA_REGISTRYINDEX, &root_key);
	lua_setfield(L, env, "trang");
}

/* Locks the metatable of the type at the top of the stack's value. */
static void lock_metatable_of(lua_State *L)
{
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Protected set-up. Stack: [st] */
int lsandbox_setup(lua_State *L)
{
	unsigned caps = lstate_caps(lua_touserdata(L, 1));
	static const luaL_Reg libs[] = {
		{LUA_GNAME, luaopen_base},         {LUA_COLIBNAME, luaopen_coroutine},
		{LUA_TABLIBNAME, luaopen_table},   {LUA_IOLIBNAME, luaopen_io},
		{LUA_OSLIBNAME, luaopen_os},       {LUA_STRLIBNAME, luaopen_string},
		{LUA_MATHLIBNAME, luaopen_math},   {LUA_UTF8LIBNAME, luaopen_utf8},
	};
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 0);
		lua_pop(L, 1);
	}
	/* ("").dump would reach the real string table through the string metatable;
	 * the stock matcher cannot be stopped by the budget. */
	push_loaded_lib(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lpattern_install(L, -1);
	lua_pop(L, 1);
	lua_pushliteral(L, "");
	lock_metatable_of(L); /* getmetatable("") is "locked" */
	push_loaded_lib(L, "io");
	lua_getfield(L, -1, "stdout");
	lock_metatable_of(L); /* file handles */
	lua_pop(L, 1);

	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &userload_key);
	lua_newtable(L); /* proxies, weak keys */
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &readonly_key);
	push_root(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &root_key);

	lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); /* stack: [st, orig] */
	push_env(L, caps, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hostenv_key);
	push_env(L, caps, -1);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	return 0;
}

