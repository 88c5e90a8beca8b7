/* lua_state.h: sandboxed Lua 5.4 states for scripts and plugins. One state per
 * script or plugin, with its memory counted and capped, a CPU budget per run
 * that pcall cannot swallow, an allow-list of globals and the host modules
 * (trang.*) behind read-only proxies. Knows nothing about plugins or jobs. */
#ifndef TRANG_LUA_STATE_H
#define TRANG_LUA_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

/* Why a run ended. */
enum lstate_reason {
	LSTATE_OK = 0,
	LSTATE_ERROR,   /* the script raised an error (or failed to load) */
	LSTATE_TIMEOUT, /* wall clock or instruction budget spent */
	LSTATE_MEMORY,  /* memory cap reached */
	LSTATE_KILLED,  /* lstate_interrupt (Ctrl-C, shutdown) */
};

/* Capabilities: what a state may touch beyond pure computation. */
enum {
	LSTATE_CAP_FS_READ = 1u << 0,  /* io.open(p, "r"), io.lines(p), loadfile, dofile */
	LSTATE_CAP_FS_WRITE = 1u << 1, /* io.open(p, "w"/"a"), trang.csv to a path */
	LSTATE_CAP_STDIO = 1u << 2,    /* io.read/io.write/io.stdout; print to stdout */
	LSTATE_CAP_ENV = 1u << 3,      /* os.getenv */
	/* Declared by plugins (manifest `capabilities`), for the host modules to check
	 * with lstate_caps: trang.corpus reads articles only with CORPUS_READ, and
	 * trang.store writes only with STORE_WRITE. Scripts get both. */
	LSTATE_CAP_CORPUS_READ = 1u << 4,
	LSTATE_CAP_STORE_WRITE = 1u << 5,
};

/* Limits; 0 means unlimited. Time and instructions are per run (lstate_pcall). */
struct lstate_limits {
	size_t memory_bytes;   /* whole state, counted by its allocator */
	double seconds;        /* wall clock per run */
	uint64_t instructions; /* VM instructions per run */
};

/* Called before any file access the capability flags allow; return false to
 * refuse (plugins: only inside their declared directories). path is as given. */
typedef bool (*lstate_fs_check_fn)(void *ud, const char *path, bool write);

/* Log levels of trang.log. */
enum lstate_log_level { LSTATE_LOG_DEBUG, LSTATE_LOG_INFO, LSTATE_LOG_WARN, LSTATE_LOG_ERROR };

/* Receives every trang.log record (and a plugin's print) after it went to
 * stderr: the hook point for logging into the database. */
typedef void (*lstate_log_sink_fn)(void *ud, enum lstate_log_level level, const char *origin,
                                   const char *message);

struct lstate_config {
	const char *name;        /* who runs: "count.lua", "plugin wordfreq"; in logs and errors */
	unsigned caps;           /* LSTATE_CAP_* */
	struct lstate_limits limits;
	const char *module_root; /* require("a.b") of non-trang modules: <root>/a/b.lua or
	                          * <root>/a/b/init.lua, never outside; NULL: none */
	const char *lua_dir;     /* where trang/<module>.lua halves live; NULL: lstate_find_lua_dir */
	lstate_fs_check_fn fs_check;
	void *fs_check_ud;
	lstate_log_sink_fn log_sink;
	void *log_sink_ud;
	const char *plugin;      /* the plugin's name ("wordfreq"); NULL for a script */
	const char *db_path;     /* the database host modules open; NULL: $TRANG_DB, ./trang.db */
};

/* How a run ended, for the caller. message and traceback are malloc'd (or NULL);
 * free them with lstate_outcome_free. */
struct lstate_outcome {
	enum lstate_reason reason;
	char *message;   /* "count.lua:3: attempt to ..." or
	                  * "count.lua:9: CPU time budget of 2 s spent (timeout)" */
	char *traceback; /* "stack traceback:\n\t..." (NULL for memory errors) */
	double seconds;
	uint64_t instructions; /* VM instructions in steps of 1000, plus pattern-matching
	                        * steps; 0 when the run had no time or instruction limit */
};

struct lstate;

/* Sane defaults: scripts get 4 GB and no time limit, plugins 64 MB and 5 s. */
struct lstate_limits lstate_default_limits(bool plugin);

/* Creates a sandboxed state. On failure returns NULL with a reason in err. */
struct lstate *lstate_new(const struct lstate_config *cfg, char *err, size_t errlen);
void lstate_close(struct lstate *st);

/* Lets require(prefix) and require("prefix.x") find <dir>/init.lua and
 * <dir>/x.lua (never outside dir): a plugin's declared dependencies. */
bool lstate_add_module_root(struct lstate *st, const char *prefix, const char *dir, char *err,
                            size_t errlen);

lua_State *lstate_lua(struct lstate *st);
/* The state a lua_State (or any of its coroutines) belongs to. */
struct lstate *lstate_from(lua_State *L);
const char *lstate_name(const struct lstate *st);
unsigned lstate_caps(const struct lstate *st);
/* cfg->plugin and cfg->db_path (either may be NULL). */
const char *lstate_plugin_name(const struct lstate *st);
const char *lstate_db_path(const struct lstate *st);
size_t lstate_memory_used(const struct lstate *st);
void lstate_set_limits(struct lstate *st, const struct lstate_limits *limits);

/* Loads a text chunk (never bytecode) with the state's globals as _ENV.
 * Pushes the function and returns LSTATE_OK, or pushes nothing and fills out. */
enum lstate_reason lstate_load_file(struct lstate *st, const char *path, struct lstate_outcome *out);
enum lstate_reason lstate_load_string(struct lstate *st, const char *code, size_t len,
                                      const char *chunkname, struct lstate_outcome *out);

/* Like lua_pcall under the budget, with a traceback on error. Stack: [f, args...]
 * -> [results...] on LSTATE_OK, [] otherwise. Nested calls (a host function
 * calling back into Lua during a run) share the outer run's budget. */
enum lstate_reason lstate_pcall(struct lstate *st, int nargs, int nresults,
                                struct lstate_outcome *out);

/* For C functions that may run long (matchers, parsers): counts cost toward
 * the instruction budget and, when the run's budget is spent or it was
 * interrupted, raises the kill (which pcall cannot swallow). */
void lstate_check_budget(lua_State *L, unsigned cost);

/* Gives the userdata on top of the stack the metatable kept in the registry
 * under key, made on first use: gc as its __gc and close as its __close
 * (either may be NULL), name as its __name (or NULL). For the C-owned boxes
 * and handles of the bindings, freed however the Lua side lets go. */
void lstate_set_handle_mt(lua_State *L, const void *key, lua_CFunction gc, lua_CFunction close, const char *name);

/* Replaces find/match/gmatch/gsub in the string table at idx with versions
 * that check the budget as they match (host/lua_pattern.c). */
void lpattern_install(lua_State *L, int idx);

/* Ends the current run as LSTATE_KILLED. Async-signal-safe. */
void lstate_interrupt(struct lstate *st);

/* Checks a file access against the capabilities; for host modules. Returns
 * true if allowed, else false with the reason in why (the caller raises). */
bool lstate_fs_allowed(struct lstate *st, const char *path, bool write, char *why, size_t whylen);

enum lstate_log_level lstate_log_level(const struct lstate *st);
void lstate_set_log_level(struct lstate *st, enum lstate_log_level level);
/* Sends a record at or above the state's level to stderr as one line
 * ("2026-01-05T03:20:30Z warn  [name] message", newlines escaped), then to the sink. */
void lstate_log(struct lstate *st, enum lstate_log_level level, const char *message);

/* ---- time-sliced runs (trang serve's jobs) ----
 * A run as a coroutine in the state's own Lua state. Each lstate_resume runs
 * it for about `slice` seconds: the count hook yields back to the caller once
 * the slice is over, so an event loop stays responsive while a job computes.
 * The budget (deadline, instructions, memory) is per run and its kill still
 * cannot be caught: it ends the run, never just the slice. trang.sleep(s)
 * suspends the run: lstate_resume returns LSTATE_STEP_SLEEP and *sleep_s;
 * the caller resumes it later with wake_value as sleep's result (false: the
 * service is stopping). Several runs of one state may be suspended at once;
 * only one runs at a time, and never inside an lstate_pcall of that state.
 * Yields happen in the run's own thread only, and only where Lua can yield. */
struct lstate_coro;
enum lstate_step {
	LSTATE_STEP_SLICE, /* slice used up; resume again soon */
	LSTATE_STEP_SLEEP, /* in trang.sleep for *sleep_s seconds */
	LSTATE_STEP_DONE,  /* ended: out is filled (free it with lstate_outcome_free) */
	LSTATE_STEP_AWAIT, /* waits for work (lstate_coro_work): run it off the loop, then resume */
};
/* Stack of the main thread: [f, args...] -> []. timeout: wall-clock seconds
 * from now (0: the state's limits.seconds; both 0: none). NULL with err. */
struct lstate_coro *lstate_coro_start(struct lstate *st, int nargs, double timeout, char *err,
                                      size_t errlen);
enum lstate_step lstate_resume(struct lstate_coro *c, double slice, bool wake_value, double *sleep_s,
                               struct lstate_outcome *out);
/* Ends a suspended run (a deadline passed while it slept; a kill) with reason
 * and the traceback of where it was; closes its to-be-closed variables. */
void lstate_coro_cancel(struct lstate_coro *c, enum lstate_reason reason, struct lstate_outcome *out);
/* Cancels (as killed) if still running, and frees. */
void lstate_coro_free(struct lstate_coro *c);

/* ---- waiting off the loop ----
 * A host function that must wait (an SQLite query) describes the wait as
 * work: run(ud) does it without touching Lua (under trang serve on a worker
 * thread), cancel(ud) asks a run() in progress to return soon (called from
 * the loop thread; NULL if it cannot be hurried). lstate_await(L, w, ctx, k)
 * suspends a time-sliced run with the work: lstate_resume returns
 * LSTATE_STEP_AWAIT, the caller runs lstate_coro_work(c) off the loop and
 * resumes the run once it returned, and k(L, LUA_YIELD, ctx) continues the
 * host function (lua_yieldk). Until run() has returned the caller must not
 * resume, cancel or free the run (cancel the work, then the run). Where the
 * run cannot be suspended (outside lstate_resume, in a coroutine of the job,
 * under a pcall or a metamethod called from C) run(ud) runs in place and k is
 * called with LUA_OK: scripts and plugin hooks keep working synchronously.
 * ud must outlive the wait (a userdata on the function's stack). */
struct lstate_work {
	void (*run)(void *ud);
	void (*cancel)(void *ud);
	void *ud;
};
/* True if lstate_await would suspend the run (false: it runs the work in place). */
bool lstate_can_await(lua_State *L);
/* What identifies the time-sliced run L belongs to (the same in coroutines
 * of its own), for work that must know its run; NULL outside one. */
const void *lstate_run_token(lua_State *L);
int lstate_await(lua_State *L, const struct lstate_work *w, lua_KContext ctx, lua_KFunction k);
/* The work of a run that returned LSTATE_STEP_AWAIT (until it is resumed). */
const struct lstate_work *lstate_coro_work(const struct lstate_coro *c);
double lstate_coro_deadline(const struct lstate_coro *c); /* CLOCK_MONOTONIC seconds; 0: none */
size_t lstate_coro_peak_memory(const struct lstate_coro *c); /* state's bytes, high-water */
struct lstate *lstate_coro_state(const struct lstate_coro *c);
/* CLOCK_MONOTONIC seconds, the clock of deadlines. */
double lstate_now(void);

void lstate_outcome_free(struct lstate_outcome *out);
const char *lstate_reason_name(enum lstate_reason reason);

/* Finds the directory holding trang/<module>.lua: $TRANG_LUA_DIR, else host/lua
 * next to or above the executable, else ../share/trang/lua. Writes it to buf. */
bool lstate_find_lua_dir(char *buf, size_t len);

/* Makes the table at idx read-only for scripts: pushes a proxy whose
 * __newindex raises and whose metatable is locked. name is in the message. */
void lstate_push_readonly(lua_State *L, int idx, const char *name);

/* Host modules, opened on first require("trang.x") or use of trang.x. Each
 * pushes its C table; a Lua half trang/x.lua, if any, is then run with that
 * table and the module name as arguments (_ENV: a pristine allow-listed env)
 * and returns the module. The result is cached per state and handed to
 * scripts behind a read-only proxy. To add trang.store: write host/api_store.c
 * with int luaopen_trang_store(lua_State *L) (luaL_newlib of its functions),
 * declare it here, add {"trang.store", luaopen_trang_store, has_lua_half} to
 * lstate_modules[] in lua_state.c, and put its Lua half, if any, in
 * host/lua/trang/store.lua. Functions reach their state with lstate_from(L). */
int luaopen_trang_json(lua_State *L);
int luaopen_trang_time(lua_State *L);
int luaopen_trang_csv(lua_State *L);
int luaopen_trang_log(lua_State *L);
int luaopen_trang_extract(lua_State *L);
int luaopen_trang_store(lua_State *L);
int luaopen_trang_corpus(lua_State *L);
int luaopen_trang_text(lua_State *L);

#endif
