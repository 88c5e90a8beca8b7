/* lua_state.c: creates sandboxed Lua 5.4 states and runs code in them under
 * limits. Relies on stock Lua 5.4: a counting lua_Alloc, count hooks (which are
 * per thread, so every coroutine resume copies the hook) and the registry. The
 * script's globals are an allow-list built afresh; host modules sit behind
 * read-only proxies. The Lua halves of modules are files under host/lua/. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lualib.h>

#include "cli.h"
#include "lua_state.h"

#define HOOK_PERIOD 1000 /* instructions between budget checks */

struct lstate {
	lua_State *L;
	char *name;
	unsigned caps;
	struct lstate_limits limits;
	char *module_root; /* realpath, or NULL */
	char lua_dir[PATH_MAX];
	lstate_fs_check_fn fs_check;
	void *fs_check_ud;
	lstate_log_sink_fn log_sink;
	void *log_sink_ud;
	enum lstate_log_level log_level;

	size_t mem_used;
	size_t mem_refused; /* size of the last refused request, see lstate_alloc */

	/* the current run */
	int depth;                      /* nesting of lstate_pcall */
	enum lstate_reason kill;        /* set once the run is to end */
	volatile sig_atomic_t interrupt; /* set by lstate_interrupt */
	lua_State *volatile current;     /* the thread running now */
	uint64_t instructions;
	double started, deadline;
	char kill_msg[160];
	char *pending_traceback; /* from the message handler */
};

/* Registry keys. */
static const char modules_key = 'm';  /* name -> opened trang.* module (proxy) */
static const char userload_key = 'u'; /* name -> user module (package.loaded) */
static const char readonly_key = 'r'; /* proxy -> name, weak keys */
static const char hostenv_key = 'h';  /* _ENV of the Lua halves */
static const char root_key = 't';     /* the `trang` proxy */

/* The host modules. A new module adds its luaopen_ to lua_state.h and a line
 * here; has_lua_half says trang/<short>.lua must exist in the Lua directory. */
struct lstate_module {
	const char *name;
	lua_CFunction open;
	bool has_lua_half;
};

static const struct lstate_module lstate_modules[] = {
	{"trang.json", luaopen_trang_json, false},
	{"trang.time", luaopen_trang_time, false},
	{"trang.csv", luaopen_trang_csv, true},
	{"trang.log", luaopen_trang_log, false},
};
#define N_MODULES (sizeof lstate_modules / sizeof lstate_modules[0])

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct lstate *lstate_from(lua_State *L)
{
	struct lstate *st;
	memcpy(&st, lua_getextraspace(L), sizeof st);
	return st;
}

lua_State *lstate_lua(struct lstate *st) { return st->L; }
const char *lstate_name(const struct lstate *st) { return st->name; }
unsigned lstate_caps(const struct lstate *st) { return st->caps; }
size_t lstate_memory_used(const struct lstate *st) { return st->mem_used; }
enum lstate_log_level lstate_log_level(const struct lstate *st) { return st->log_level; }
void lstate_set_log_level(struct lstate *st, enum lstate_log_level level) { st->log_level = level; }

void lstate_set_limits(struct lstate *st, const struct lstate_limits *limits)
{
	st->limits = *limits;
}

struct lstate_limits lstate_default_limits(bool plugin)
{
	struct lstate_limits l = {0};
	if (plugin) {
		l.memory_bytes = (size_t)64 << 20;
		l.seconds = 5.0;
	} else {
		l.memory_bytes = (size_t)4 << 30;
	}
	return l;
}

const char *lstate_reason_name(enum lstate_reason reason)
{
	switch (reason) {
	case LSTATE_OK: return "ok";
	case LSTATE_ERROR: return "error";
	case LSTATE_TIMEOUT: return "timeout";
	case LSTATE_MEMORY: return "memory";
	case LSTATE_KILLED: return "killed";
	}
	return "?";
}

void lstate_outcome_free(struct lstate_outcome *out)
{
	if (!out)
		return;
	free(out->message);
	free(out->traceback);
	out->message = out->traceback = NULL;
}

/* ---- limits: the hook and the allocator ---- */

static void lstate_hook(lua_State *L, lua_Debug *ar);

/* From now on every instruction of every thread in the chain raises, so a
 * pcall that catches the kill is struck again at its next instruction
 * (Redis #8661). Safe from the allocator and from signal handlers. */
static void arm_kill(struct lstate *st, lua_State *L)
{
	lua_sethook(L, lstate_hook, LUA_MASKCOUNT, 1);
	lua_sethook(st->L, lstate_hook, LUA_MASKCOUNT, 1);
	lua_State *cur = st->current;
	if (cur)
		lua_sethook(cur, lstate_hook, LUA_MASKCOUNT, 1);
}

static void set_kill(struct lstate *st, enum lstate_reason reason)
{
	if (st->kill != LSTATE_OK)
		return;
	st->kill = reason;
	switch (reason) {
	case LSTATE_TIMEOUT:
		if (st->limits.instructions && st->instructions > st->limits.instructions)
			snprintf(st->kill_msg, sizeof st->kill_msg,
			         "instruction budget of %llu spent (timeout)",
			         (unsigned long long)st->limits.instructions);
		else
			snprintf(st->kill_msg, sizeof st->kill_msg, "CPU time budget of %g s spent (timeout)",
			         st->limits.seconds);
		break;
	case LSTATE_MEMORY:
		snprintf(st->kill_msg, sizeof st->kill_msg, "memory cap of %zu MB reached (memory)",
		         st->limits.memory_bytes >> 20);
		break;
	default:
		snprintf(st->kill_msg, sizeof st->kill_msg, "interrupted (killed)");
		break;
	}
}

/* Adds cost to the run's count; true if the run must end now. */
static bool budget_spent(struct lstate *st, uint64_t cost)
{
	if (st->kill != LSTATE_OK)
		return true;
	if (st->interrupt) {
		set_kill(st, LSTATE_KILLED);
	} else {
		st->instructions += cost;
		if ((st->limits.instructions && st->instructions > st->limits.instructions) ||
		    (st->deadline > 0 && now_seconds() > st->deadline))
			set_kill(st, LSTATE_TIMEOUT);
	}
	return st->kill != LSTATE_OK;
}

/* Raises the kill at the given level's position ("file:line: ..."). */
static int raise_kill(struct lstate *st, lua_State *L, int level)
{
	arm_kill(st, L);
	luaL_where(L, level);
	lua_pushstring(L, st->kill_msg);
	lua_concat(L, 2);
	return lua_error(L);
}

static void lstate_hook(lua_State *L, lua_Debug *ar)
{
	struct lstate *st = lstate_from(L);
	if (st->depth == 0) { /* a coroutine kept from an earlier run */
		lua_sethook(L, NULL, 0, 0);
		return;
	}
	uint64_t cost = ar->event == LUA_HOOKCOUNT ? (uint64_t)lua_gethookcount(L) : 0;
	if (budget_spent(st, cost))
		raise_kill(st, L, 0); /* in a hook, level 0 is the Lua function interrupted */
}

void lstate_check_budget(lua_State *L, unsigned cost)
{
	struct lstate *st = lstate_from(L);
	if (st->depth > 0 && budget_spent(st, cost))
		raise_kill(st, L, 1);
}

/* Counts every byte. Past the cap a request is refused; Lua then runs an
 * emergency collection and asks again with the same size: a second refusal
 * of that size (or a request larger than the whole cap, which can never
 * succeed) is a real out-of-memory, which ends the run like a timeout.
 * After that the run gets a little slack to unwind and build its message. */
static void *lstate_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lstate *st = ud;
	size_t old = ptr ? osize : 0; /* when ptr is NULL, osize is a type tag */
	if (nsize == 0) {
		free(ptr);
		st->mem_used -= old;
		return NULL;
	}
	size_t cap = st->limits.memory_bytes;
	if (cap && nsize > old) {
		if (st->kill == LSTATE_MEMORY)
			cap += cap / 8 > ((size_t)1 << 20) ? cap / 8 : ((size_t)1 << 20);
		if (st->mem_used - old + nsize > cap) {
			if (st->depth > 0 && st->kill == LSTATE_OK) {
				if (st->mem_refused == nsize || nsize > cap) {
					set_kill(st, LSTATE_MEMORY);
					if (st->current)
						arm_kill(st, st->current);
				}
				st->mem_refused = nsize;
			}
			return NULL;
		}
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	if (nsize > old)
		st->mem_refused = 0;
	st->mem_used = st->mem_used - old + nsize;
	return p;
}

void lstate_interrupt(struct lstate *st)
{
	st->interrupt = 1;
	lua_sethook(st->L, lstate_hook, LUA_MASKCOUNT, 1);
	lua_State *cur = st->current;
	if (cur)
		lua_sethook(cur, lstate_hook, LUA_MASKCOUNT, 1);
}

/* ---- running: message handler, pcall, load ---- */

static int tostring_raw(lua_State *L)
{
	luaL_tolstring(L, 1, NULL);
	return 1;
}

/* Message handler: turns any error object into a string without letting a
 * hostile __tostring escape (it runs protected and under the budget), and
 * keeps the traceback aside. Stack: [err] -> [err, message]; returns 1. */
static int lstate_msgh(lua_State *L)
{
	struct lstate *st = lstate_from(L);
	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
		lua_pushstring(L, lua_tostring(L, 1));
	} else {
		lua_pushcfunction(L, tostring_raw);
		lua_pushvalue(L, 1);
		if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 1);
			lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
		}
	}
	/* stack: [err, message] */
	luaL_traceback(L, L, NULL, 1);
	free(st->pending_traceback);
	st->pending_traceback = strdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void fill_outcome(struct lstate_outcome *out, enum lstate_reason reason, const char *msg,
                         char *traceback)
{
	if (!out) {
		free(traceback);
		return;
	}
	out->reason = reason;
	out->message = dup_or_null(msg);
	out->traceback = traceback;
}

enum lstate_reason lstate_pcall(struct lstate *st, int nargs, int nresults,
                                struct lstate_outcome *out)
{
	lua_State *L = st->L;
	bool outer = st->depth == 0;
	if (out)
		memset(out, 0, sizeof *out);
	if (outer) {
		st->kill = LSTATE_OK;
		st->interrupt = 0;
		st->instructions = 0;
		st->mem_refused = 0;
		st->current = L;
		st->started = now_seconds();
		st->deadline = st->limits.seconds > 0 ? st->started + st->limits.seconds : 0;
		if (st->limits.seconds > 0 || st->limits.instructions > 0)
			lua_sethook(L, lstate_hook, LUA_MASKCOUNT, HOOK_PERIOD);
		else
			lua_sethook(L, NULL, 0, 0);
	}
	st->depth++;
	int base = lua_gettop(L) - nargs; /* the function */
	lua_pushcfunction(L, lstate_msgh);
	lua_insert(L, base);
	/* stack: [msgh, f, args...] */
	int rc = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	st->depth--;

	enum lstate_reason reason = LSTATE_OK;
	if (rc != LUA_OK) {
		/* stack: [error message] */
		reason = st->kill != LSTATE_OK ? st->kill
		         : rc == LUA_ERRMEM    ? LSTATE_MEMORY
		                               : LSTATE_ERROR;
		const char *msg = lua_tostring(L, -1);
		char buf[300];
		if (reason == LSTATE_MEMORY && st->kill == LSTATE_OK) {
			snprintf(buf, sizeof buf, "%s: not enough memory: memory cap of %zu MB reached (memory)",
			         st->name, st->limits.memory_bytes >> 20);
			msg = buf;
		} else if (st->kill != LSTATE_OK && (!msg || !strstr(msg, st->kill_msg))) {
			snprintf(buf, sizeof buf, "%s: %s", st->name, st->kill_msg);
			msg = buf;
		} else if (!msg) {
			msg = "(error object is not a string)";
		}
		char *tb = st->pending_traceback;
		st->pending_traceback = NULL;
		fill_outcome(out, reason, msg, tb);
		lua_pop(L, 1);
	}
	if (outer) {
		if (out) {
			out->seconds = now_seconds() - st->started;
			out->instructions = st->instructions;
		}
		lua_sethook(L, NULL, 0, 0);
		st->current = NULL;
		st->kill = LSTATE_OK;
		st->interrupt = 0;
		if (reason == LSTATE_MEMORY)
			lua_gc(L, LUA_GCCOLLECT, 0); /* give back what the run held, now */
	}
	if (out)
		out->reason = reason;
	return reason;
}

static enum lstate_reason load_status(struct lstate *st, int rc, struct lstate_outcome *out)
{
	if (out)
		memset(out, 0, sizeof *out);
	if (rc == LUA_OK)
		return LSTATE_OK;
	enum lstate_reason reason = rc == LUA_ERRMEM ? LSTATE_MEMORY : LSTATE_ERROR;
	fill_outcome(out, reason, lua_tostring(st->L, -1), NULL);
	lua_pop(st->L, 1);
	return reason;
}

enum lstate_reason lstate_load_file(struct lstate *st, const char *path, struct lstate_outcome *out)
{
	return load_status(st, luaL_loadfilex(st->L, path, "t"), out);
}

enum lstate_reason lstate_load_string(struct lstate *st, const char *code, size_t len,
                                      const char *chunkname, struct lstate_outcome *out)
{
	return load_status(st, luaL_loadbufferx(st->L, code, len, chunkname, "t"), out);
}

/* ---- capabilities and logging ---- */

bool lstate_fs_allowed(struct lstate *st, const char *path, bool write, char *why, size_t whylen)
{
	unsigned need = write ? LSTATE_CAP_FS_WRITE : LSTATE_CAP_FS_READ;
	if (!(st->caps & need)) {
		snprintf(why, whylen, "%s lacks the capability %s", st->name,
		         write ? "fs.write" : "fs.read");
		return false;
	}
	if (st->fs_check && !st->fs_check(st->fs_check_ud, path, write)) {
		snprintf(why, whylen, "%s may not %s '%s' (outside its declared directories)", st->name,
		         write ? "write" : "read", path);
		return false;
	}
	return true;
}

void lstate_log(struct lstate *st, enum lstate_log_level level, const char *message)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	if (level < st->log_level)
		return;
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One line per record: newlines are escaped. */
	flockfile(stderr);
	fprintf(stderr, "%s %-5s [%s] ", stamp, names[level], st->name);
	for (const char *p = message; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stderr);
		else if (*p == '\r')
			fputs("\\r", stderr);
		else
			putc(*p, stderr);
	}
	putc('\n', stderr);
	funlockfile(stderr);
	if (st->log_sink)
		st->log_sink(st->log_sink_ud, level, st->name, message);
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

/* ---- host modules and require ---- */

static const struct lstate_module *find_module(const char *name)
{
	for (size_t i = 0; i < N_MODULES; i++)
		if (strcmp(lstate_modules[i].name, name) == 0)
			return &lstate_modules[i];
	return NULL;
}

/* Opens a host module once per state. Stack: [] -> [module proxy]. */
static void push_host_module(lua_State *L, const struct lstate_module *m)
{
	struct lstate *st = lstate_from(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &modules_key);
	if (lua_getfield(L, -1, m->name) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1); /* stack: [cache] */
	lua_pushcfunction(L, m->open);
	lua_pushstring(L, m->name);
	lua_call(L, 1, 1); /* stack: [cache, ctable] */
	if (m->has_lua_half) {
		char path[PATH_MAX + 64];
		if (!st->lua_dir[0])
			luaL_error(L, "module '%s': its Lua half was not found (set TRANG_LUA_DIR to "
			              "the folder holding trang/)", m->name);
		snprintf(path, sizeof path, "%s/trang/%s.lua", st->lua_dir, m->name + 6);
		if (luaL_loadfilex(L, path, "t") != LUA_OK)
			lua_error(L);
		lua_rawgetp(L, LUA_REGISTRYINDEX, &hostenv_key);
		lua_setupvalue(L, -2, 1); /* _ENV of the half: the host env */
		lua_pushvalue(L, -2);
		lua_pushstring(L, m->name);
		lua_call(L, 2, 1); /* stack: [cache, ctable, module] */
		if (!lua_istable(L, -1))
			luaL_error(L, "%s did not return a table", path);
		lua_remove(L, -2);
	}
	/* Hidden registry._LOADED entry: lets argument errors name the function
	 * ("bad argument #1 to 'trang.json.encode'") even when called via pcall. */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, m->name);
	lua_pop(L, 1);
	lstate_push_readonly(L, -1, m->name); /* stack: [cache, module, proxy] */
	lua_remove(L, -2);
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, m->name);
	lua_remove(L, -2); /* stack: [proxy] */
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

/* Finds <root>/a/b.lua or <root>/a/b/init.lua for "a.b" whose real path stays
 * inside root (symlinks included). Returns false if none. */
static bool find_user_module(const struct lstate *st, const char *name, char *out)
{
	char rel[256], cand[PATH_MAX];
	size_t i;
	for (i = 0; name[i] && i < sizeof rel - 1; i++)
		rel[i] = name[i] == '.' ? '/' : name[i];
	rel[i] = '\0';
	static const char *const forms[] = {"%s/%s.lua", "%s/%s/init.lua"};
	size_t rootlen = strlen(st->module_root);
	for (size_t f = 0; f < 2; f++) {
		if (snprintf(cand, sizeof cand, forms[f], st->module_root, rel) >= (int)sizeof cand)
			continue;
		if (!realpath(cand, out))
			continue;
		if (strncmp(out, st->module_root, rootlen) == 0 && out[rootlen] == '/')
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
		const struct lstate_module *m = find_module(name);
		if (!m)
			return luaL_error(L, "module '%s' not found: trang has no such module", name);
		push_host_module(L, m);
		return 1;
	}
	lua_rawgetp(L, LUA_REGISTRYINDEX, &userload_key);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1); /* stack: [name, loaded] */
	if (!valid_module_name(name))
		return luaL_error(L, "module name '%s' is invalid (letters, digits, '_', '-' and '.' only)",
		                  name);
	if (!st->module_root)
		return luaL_error(L, "module '%s' not found: only trang.* modules can be required here",
		                  name);
	char path[PATH_MAX];
	if (!find_user_module(st, name, path))
		return luaL_error(L, "module '%s' not found under %s", name, st->module_root);
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
	const struct lstate_module *m = find_module(full);
	if (!m)
		return 1; /* nil */
	push_host_module(L, m);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, lua_upvalueindex(1));
	return 1;
}

static int root_pairs(lua_State *L)
{
	for (size_t i = 0; i < N_MODULES; i++) {
		push_host_module(L, &lstate_modules[i]);
		lua_setfield(L, lua_upvalueindex(1), lstate_modules[i].name + 6);
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
	if (lstate_from(L)->kill != LSTATE_OK)
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
	lua_State *prev = st->current;
	if (st->depth > 0)
		st->current = co;
	int nres;
	status = lua_resume(co, L, narg, &nres);
	st->current = prev;
	if (st->depth > 0 && st->kill != LSTATE_OK) {
		arm_kill(st, L);
		luaL_error(L, "%s", st->kill_msg);
	}
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
static void push_env(lua_State *L, struct lstate *st, int orig)
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
	if (!(st->caps & LSTATE_CAP_STDIO)) {
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
	if (st->caps & LSTATE_CAP_ENV) {
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
	if (st->caps & LSTATE_CAP_STDIO) {
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
static int lstate_setup(lua_State *L)
{
	struct lstate *st = lua_touserdata(L, 1);
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
	lua_rawsetp(L, LUA_REGISTRYINDEX, &modules_key);
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
	push_env(L, st, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hostenv_key);
	push_env(L, st, -1);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool lstate_find_lua_dir(char *buf, size_t len)
{
	char exe[PATH_MAX], cand[PATH_MAX + 32], real[PATH_MAX];
	const char *env = getenv("TRANG_LUA_DIR");
	if (env && *env) {
		snprintf(cand, sizeof cand, "%s/trang", env);
		if (is_dir(cand) && realpath(env, real) && strlen(real) < len) {
			strcpy(buf, real);
			return true;
		}
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	static const char *const forms[] = {"%s/host/lua", "%s/../host/lua", "%s/../../host/lua",
	                                    "%s/../share/trang/lua"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		snprintf(cand, sizeof cand, forms[i], exe);
		size_t cl = strlen(cand);
		strcat(cand, "/trang");
		bool ok = is_dir(cand);
		cand[cl] = '\0';
		if (ok && realpath(cand, real) && strlen(real) < len) {
			strcpy(buf, real);
			return true;
		}
	}
	return false;
}

struct lstate *lstate_new(const struct lstate_config *cfg, char *err, size_t errlen)
{
	struct lstate *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	st->name = strdup(cfg->name ? cfg->name : "lua");
	st->caps = cfg->caps;
	st->limits = cfg->limits;
	st->fs_check = cfg->fs_check;
	st->fs_check_ud = cfg->fs_check_ud;
	st->log_sink = cfg->log_sink;
	st->log_sink_ud = cfg->log_sink_ud;
	st->log_level = LSTATE_LOG_INFO;
	const char *lv = getenv("TRANG_LOG_LEVEL");
	if (lv && strcmp(lv, "debug") == 0)
		st->log_level = LSTATE_LOG_DEBUG;
	if (!st->name)
		goto oom;
	if (cfg->module_root) {
		st->module_root = realpath(cfg->module_root, NULL);
		if (!st->module_root) {
			snprintf(err, errlen, "module root %s: %s", cfg->module_root, strerror(errno));
			goto fail;
		}
	}
	if (cfg->lua_dir)
		snprintf(st->lua_dir, sizeof st->lua_dir, "%s", cfg->lua_dir);
	else if (!lstate_find_lua_dir(st->lua_dir, sizeof st->lua_dir))
		st->lua_dir[0] = '\0';

	st->L = lua_newstate(lstate_alloc, st);
	if (!st->L) {
		snprintf(err, errlen, "cannot create a Lua state (memory cap too small?)");
		goto fail;
	}
	memcpy(lua_getextraspace(st->L), &st, sizeof st);
	lua_gc(st->L, LUA_GCGEN, 0, 0);
	lua_pushcfunction(st->L, lstate_setup);
	lua_pushlightuserdata(st->L, st);
	if (lua_pcall(st->L, 1, 0, 0) != LUA_OK) {
		snprintf(err, errlen, "setting up the Lua state: %s", lua_tostring(st->L, -1));
		goto fail;
	}
	return st;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	lstate_close(st);
	return NULL;
}

void lstate_close(struct lstate *st)
{
	if (!st)
		return;
	if (st->L)
		lua_close(st->L);
	free(st->pending_traceback);
	free(st->module_root);
	free(st->name);
	free(st);
}
