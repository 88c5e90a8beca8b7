/* lua_state.c: creates Lua 5.4 states and runs code in them under limits:
 * a counting lua_Alloc, count hooks (per thread, so every coroutine resume
 * copies the hook: see lua_sandbox.c), runs and their outcomes, and the host
 * modules (trang.*), whose Lua halves are files under host/lua/. What a
 * script may touch (the allow-listed globals) is lua_sandbox.c's business. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lua_sandbox.h"
#include "lua_state.h"

#define HOOK_PERIOD 1000 /* instructions between budget checks */

/* require(prefix) and require(prefix.x) resolve under dir only. */
struct lstate_root {
	char *prefix;
	char *dir; /* realpath */
};

struct lstate {
	lua_State *L;
	char *name;
	unsigned caps;
	struct lstate_limits limits;
	char *module_root; /* realpath, or NULL */
	char *plugin;      /* cfg->plugin, or NULL */
	char *db_path;     /* cfg->db_path, or NULL */
	struct lstate_root *roots; /* declared prefixes (lstate_add_module_root) */
	size_t nroots;
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

	/* a time-sliced run (lstate_resume): its thread yields to the caller
	 * from the hook once the slice is over; trang.sleep asks for a pause */
	lua_State *slice_thread;
	double slice_end;
	double sleep_request; /* seconds, set by trang.sleep before it yields */
	struct lstate_work await_request; /* set by lstate_await before it yields */
	size_t mem_peak;      /* high-water mark since lstate_memory_peak_reset */
};

/* Registry key: name -> opened trang.* module (proxy). The sandbox has its own. */
static const char modules_key = 'm';

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
	{"trang.extract", luaopen_trang_extract, false},
	{"trang.store", luaopen_trang_store, false},
	{"trang.corpus", luaopen_trang_corpus, false},
	{"trang.text", luaopen_trang_text, false},
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
const char *lstate_plugin_name(const struct lstate *st) { return st->plugin; }
const char *lstate_db_path(const struct lstate *st) { return st->db_path; }
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
	/* Time-slicing: only the run's own thread yields (a coroutine inside the
	 * job keeps its own yields), and only where Lua can yield. */
	if (L == st->slice_thread && lua_isyieldable(L) && now_seconds() >= st->slice_end)
		lua_yield(L, 0);
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
	if (st->mem_used > st->mem_peak)
		st->mem_peak = st->mem_used;
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
/* Why a call that ended with status rc failed, with its message: the kill
 * when there was one (its reason, and its message unless the error already
 * says it), else the error at the top of L's stack. *msg points into L's
 * stack or into buf (n bytes) and is valid until the stack is popped. */
static enum lstate_reason failure_of(struct lstate *st, lua_State *L, int rc, const char **msg, char *buf,
                                     size_t n)
{
	enum lstate_reason reason = st->kill != LSTATE_OK ? st->kill
	                            : rc == LUA_ERRMEM    ? LSTATE_MEMORY
	                                                  : LSTATE_ERROR;
	const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	if (reason == LSTATE_MEMORY && st->kill == LSTATE_OK) {
		snprintf(buf, n, "%s: not enough memory: memory cap of %zu MB reached (memory)", st->name,
		         st->limits.memory_bytes >> 20);
		m = buf;
	} else if (st->kill != LSTATE_OK && (!m || !strstr(m, st->kill_msg))) {
		snprintf(buf, n, "%s: %s", st->name, st->kill_msg);
		m = buf;
	} else if (!m) {
		snprintf(buf, n, "(error object is a %s value)", luaL_typename(L, -1));
		m = buf;
	}
	*msg = m;
	return reason;
}

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
		const char *msg;
		char buf[300];
		reason = failure_of(st, L, rc, &msg, buf, sizeof buf);
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

/* ---- host modules ---- */

static int lstate_sleep(lua_State *L);

size_t lstate_host_module_count(void) { return N_MODULES; }
const char *lstate_host_module_name(size_t i) { return i < N_MODULES ? lstate_modules[i].name : NULL; }

/* Opens a host module once per state. Stack: [] -> [module proxy]. */
bool lstate_push_host_module(lua_State *L, const char *name)
{
	const struct lstate_module *m = NULL;
	for (size_t i = 0; i < N_MODULES && !m; i++)
		if (strcmp(lstate_modules[i].name, name) == 0)
			m = &lstate_modules[i];
	if (!m) {
		/* trang.sleep is a function, not a module: served here so that the
		 * `trang` proxy's lazy __index finds it (see lstate_sleep). */
		if (strcmp(name, "trang.sleep") != 0)
			return false;
		lua_pushcfunction(L, lstate_sleep);
		return true;
	}
	struct lstate *st = lstate_from(L);
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &modules_key) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &modules_key);
	}
	if (lua_getfield(L, -1, m->name) != LUA_TNIL) {
		lua_remove(L, -2);
		return true;
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
		lsandbox_push_host_env(L);
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
	return true;
}

/* ---- module roots ---- */

bool lstate_add_module_root(struct lstate *st, const char *prefix, const char *dir, char *err,
                            size_t errlen)
{
	struct lstate_root *roots = realloc(st->roots, (st->nroots + 1) * sizeof *roots);
	if (!roots) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->roots = roots;
	char *real = realpath(dir, NULL);
	if (!real) {
		snprintf(err, errlen, "module root %s: %s", dir, strerror(errno));
		return false;
	}
	char *pfx = strdup(prefix);
	if (!pfx) {
		free(real);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	roots[st->nroots++] = (struct lstate_root){.prefix = pfx, .dir = real};
	return true;
}

const char *lstate_module_root_for(const struct lstate *st, const char *name, size_t *prefix_len)
{
	for (size_t i = 0; i < st->nroots; i++) {
		size_t n = strlen(st->roots[i].prefix);
		if (strncmp(name, st->roots[i].prefix, n) == 0 && (name[n] == '\0' || name[n] == '.')) {
			*prefix_len = n;
			return st->roots[i].dir;
		}
	}
	*prefix_len = 0;
	return st->module_root;
}

/* ---- the seam with the sandbox's coroutine wrappers ---- */

bool lstate_run_ending(const struct lstate *st) { return st->kill != LSTATE_OK; }

lua_State *lstate_thread_enter(struct lstate *st, lua_State *co)
{
	lua_State *prev = st->current;
	if (st->depth > 0)
		st->current = co;
	return prev;
}

void lstate_thread_leave(struct lstate *st, lua_State *L, lua_State *prev)
{
	st->current = prev;
	if (st->depth > 0 && st->kill != LSTATE_OK) {
		arm_kill(st, L);
		luaL_error(L, "%s", st->kill_msg);
	}
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
	if ((cfg->plugin && !(st->plugin = strdup(cfg->plugin))) ||
	    (cfg->db_path && !(st->db_path = strdup(cfg->db_path))))
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
	lua_pushcfunction(st->L, lsandbox_setup);
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
	free(st->plugin);
	free(st->db_path);
	for (size_t i = 0; i < st->nroots; i++) {
		free(st->roots[i].prefix);
		free(st->roots[i].dir);
	}
	free(st->roots);
	free(st->name);
	free(st);
}

/* ---- time-sliced runs: a run as a coroutine the caller resumes ---- */

struct lstate_coro {
	struct lstate *st;
	lua_State *co;
	int ref;            /* the thread, anchored in the registry */
	int nargs;          /* handed to the first resume */
	bool started, done;
	bool sleeping;      /* suspended in trang.sleep: resumes with its result */
	bool awaiting;      /* suspended in lstate_await: work is the caller's to run */
	struct lstate_work work;
	/* the run's budget, swapped into st around each slice */
	enum lstate_reason kill;
	uint64_t instructions;
	double started_at, deadline;
	char kill_msg[160];
	size_t mem_peak;
};

/* Protected: creates the thread and anchors it. Stack: [] -> [ref]. */
static int coro_new_thread(lua_State *L)
{
	lua_newthread(L);
	lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
	return 1;
}

/* Protected: the traceback of a suspended or failed thread. [co] -> [text]. */
static int coro_traceback(lua_State *L)
{
	luaL_traceback(L, lua_tothread(L, 1), NULL, 0);
	return 1;
}

struct lstate_coro *lstate_coro_start(struct lstate *st, int nargs, double timeout, char *err,
                                      size_t errlen)
{
	lua_State *L = st->L;
	struct lstate_coro *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "%s: out of memory", st->name);
		return NULL;
	}
	lua_pushcfunction(L, coro_new_thread);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) { /* stack: [f, args..., ref or error] */
		snprintf(err, errlen, "%s: cannot start a run: %s", st->name, lua_tostring(L, -1));
		lua_pop(L, nargs + 2);
		free(c);
		return NULL;
	}
	c->ref = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
	c->co = lua_tothread(L, -1);
	lua_pop(L, 1); /* stack: [f, args...] */
	lua_xmove(L, c->co, nargs + 1);
	c->st = st;
	c->nargs = nargs;
	c->started_at = now_seconds();
	double secs = timeout > 0 ? timeout : st->limits.seconds;
	c->deadline = secs > 0 ? c->started_at + secs : 0;
	c->mem_peak = st->mem_used;
	return c;
}

/* Message and traceback of a run that ended in the thread with status rc;
 * called while the run's kill is still in st (the allocator's slack). */
static void coro_fill_failure(struct lstate_coro *c, int rc, struct lstate_outcome *out)
{
	struct lstate *st = c->st;
	const char *msg;
	char buf[300];
	enum lstate_reason reason = failure_of(st, c->co, rc, &msg, buf, sizeof buf);
	out->reason = reason;
	out->message = strdup(msg);
	lua_pushcfunction(st->L, coro_traceback);
	lua_pushthread(c->co);
	lua_xmove(c->co, st->L, 1);
	if (lua_pcall(st->L, 1, 1, 0) == LUA_OK)
		out->traceback = strdup(lua_tostring(st->L, -1));
	lua_pop(st->L, 1);
}

/* Around a slice: the run's budget in st, then back. */
static void coro_enter(struct lstate_coro *c, double slice)
{
	struct lstate *st = c->st;
	st->kill = c->kill;
	st->interrupt = 0;
	st->instructions = c->instructions;
	st->started = c->started_at;
	st->deadline = c->deadline;
	memcpy(st->kill_msg, c->kill_msg, sizeof st->kill_msg);
	st->mem_refused = 0;
	st->mem_peak = st->mem_used;
	st->current = c->co;
	st->depth = 1;
	st->slice_thread = c->co;
	st->slice_end = now_seconds() + slice;
	st->sleep_request = -1;
	st->await_request = (struct lstate_work){0};
	lua_sethook(c->co, lstate_hook, LUA_MASKCOUNT, HOOK_PERIOD);
}

static void coro_leave(struct lstate_coro *c)
{
	struct lstate *st = c->st;
	c->kill = st->kill;
	c->instructions = st->instructions;
	memcpy(c->kill_msg, st->kill_msg, sizeof c->kill_msg);
	if (st->mem_peak > c->mem_peak)
		c->mem_peak = st->mem_peak;
	st->depth = 0;
	st->current = NULL;
	st->slice_thread = NULL;
	st->kill = LSTATE_OK;
	st->interrupt = 0;
	lua_sethook(st->L, NULL, 0, 0); /* a kill arms the main thread too */
}

/* Closes the thread's to-be-closed variables under a short budget of their
 * own (their __close is plugin code), then forgets its stack. */
static void coro_reset(struct lstate_coro *c)
{
	coro_enter(c, 1e9);
	c->st->kill = LSTATE_OK;
	c->st->deadline = now_seconds() + 0.5;
	c->st->slice_thread = NULL; /* no yields while closing */
	lua_resetthread(c->co);
	coro_leave(c);
}

enum lstate_step lstate_resume(struct lstate_coro *c, double slice, bool wake_value, double *sleep_s,
                               struct lstate_outcome *out)
{
	struct lstate *st = c->st;
	memset(out, 0, sizeof *out);
	if (c->done || st->depth != 0) {
		out->reason = LSTATE_ERROR;
		out->message = strdup(c->done ? "the run has ended" : "another run is in progress");
		return LSTATE_STEP_DONE;
	}
	int nargs = 0;
	if (!c->started) {
		nargs = c->nargs;
		c->started = true;
	} else if (c->sleeping) {
		lua_pushboolean(c->co, wake_value);
		nargs = 1;
	}
	c->sleeping = false;
	c->awaiting = false; /* its continuation takes no values */
	coro_enter(c, slice);
	int nres = 0;
	int rc = lua_resume(c->co, st->L, nargs, &nres);
	if (rc == LUA_YIELD) {
		double req = st->sleep_request;
		struct lstate_work work = st->await_request;
		coro_leave(c);
		lua_pop(c->co, nres);
		if (work.run) {
			c->awaiting = true;
			c->work = work;
			return LSTATE_STEP_AWAIT;
		}
		if (req >= 0) {
			c->sleeping = true;
			*sleep_s = req;
			return LSTATE_STEP_SLEEP;
		}
		return LSTATE_STEP_SLICE;
	}
	if (rc != LUA_OK)
		coro_fill_failure(c, rc, out);
	else
		out->reason = LSTATE_OK;
	coro_leave(c);
	out->seconds = now_seconds() - c->started_at;
	out->instructions = c->instructions;
	c->done = true;
	coro_reset(c);
	if (out->reason == LSTATE_MEMORY)
		lua_gc(st->L, LUA_GCCOLLECT, 0);
	return LSTATE_STEP_DONE;
}

void lstate_coro_cancel(struct lstate_coro *c, enum lstate_reason reason, struct lstate_outcome *out)
{
	memset(out, 0, sizeof *out);
	if (c->done)
		return;
	struct lstate *st = c->st;
	char buf[300];
	if (reason == LSTATE_TIMEOUT)
		snprintf(buf, sizeof buf, "%s: time budget of %g s spent (timeout)", st->name,
		         c->deadline > 0 ? c->deadline - c->started_at : 0.0);
	else
		snprintf(buf, sizeof buf, "%s: interrupted (killed)", st->name);
	out->reason = reason;
	out->message = strdup(buf);
	if (c->started) { /* where it was suspended */
		lua_pushcfunction(st->L, coro_traceback);
		lua_pushthread(c->co);
		lua_xmove(c->co, st->L, 1);
		if (lua_pcall(st->L, 1, 1, 0) == LUA_OK)
			out->traceback = strdup(lua_tostring(st->L, -1));
		lua_pop(st->L, 1);
	}
	out->seconds = now_seconds() - c->started_at;
	out->instructions = c->instructions;
	c->done = true;
	c->awaiting = false;
	coro_reset(c);
}

void lstate_coro_free(struct lstate_coro *c)
{
	if (!c)
		return;
	if (!c->done) {
		struct lstate_outcome out;
		lstate_coro_cancel(c, LSTATE_KILLED, &out);
		lstate_outcome_free(&out);
	}
	luaL_unref(c->st->L, LUA_REGISTRYINDEX, c->ref);
	free(c);
}

const struct lstate_work *lstate_coro_work(const struct lstate_coro *c)
{
	return c->awaiting ? &c->work : NULL;
}

bool lstate_can_await(lua_State *L)
{
	struct lstate *st = lstate_from(L);
	return st->slice_thread == L && st->kill == LSTATE_OK && lua_isyieldable(L);
}

const void *lstate_run_token(lua_State *L)
{
	return lstate_from(L)->slice_thread;
}

int lstate_await(lua_State *L, const struct lstate_work *w, lua_KContext ctx, lua_KFunction k)
{
	if (!lstate_can_await(L)) {
		w->run(w->ud);
		return k(L, LUA_OK, ctx);
	}
	lstate_from(L)->await_request = *w;
	return lua_yieldk(L, 0, ctx, k);
}

double lstate_coro_deadline(const struct lstate_coro *c) { return c->deadline; }
size_t lstate_coro_peak_memory(const struct lstate_coro *c) { return c->mem_peak; }
struct lstate *lstate_coro_state(const struct lstate_coro *c) { return c->st; }

/* trang.sleep(seconds): in a time-sliced run, suspends it (the loop goes on)
 * and returns true, or false when woken early because the service stops.
 * Elsewhere (a script) waits in place, under the run's budget. */
static int lstate_sleep(lua_State *L)
{
	struct lstate *st = lstate_from(L);
	double s = luaL_checknumber(L, 1);
	luaL_argcheck(L, s >= 0, 1, "seconds must not be negative");
	if (st->slice_thread) {
		if (L != st->slice_thread || !lua_isyieldable(L))
			return luaL_error(L, "trang.sleep: cannot suspend the job here (inside a coroutine "
			                     "of its own, a metamethod or an iterator of C code)");
		st->sleep_request = s;
		return lua_yield(L, 0);
	}
	double end = now_seconds() + s;
	for (;;) {
		lstate_check_budget(L, 0);
		double left = end - now_seconds();
		if (left <= 0)
			break;
		if (left > 0.05)
			left = 0.05;
		struct timespec ts = {0, (long)(left * 1e9)};
		nanosleep(&ts, NULL);
	}
	lua_pushboolean(L, 1);
	return 1;
}

double lstate_now(void) { return now_seconds(); }

void lstate_set_handle_mt(lua_State *L, const void *key, lua_CFunction gc, lua_CFunction close, const char *name)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 3); /* stack: [handle, mt] */
		if (gc) {
			lua_pushcfunction(L, gc);
			lua_setfield(L, -2, "__gc");
		}
		if (close) {
			lua_pushcfunction(L, close);
			lua_setfield(L, -2, "__close");
		}
		if (name) {
			lua_pushstring(L, name);
			lua_setfield(L, -2, "__name");
		}
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, key);
	}
	lua_setmetatable(L, -2); /* stack: [handle] */
}
