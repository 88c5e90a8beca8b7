/* plugin.h: the plugin registry, engine-agnostic: where plugins are found,
 * their manifests (validated: semver, dependency ranges, capabilities, options,
 * limits, job shapes), failure counting and disabling (kept in the database),
 * and the small C API ingest calls. Running plugin code is an engine's job
 * (struct plugin_engine; the Lua one is host/plugin_lua.c). */
#ifndef TRANG_PLUGIN_H
#define TRANG_PLUGIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define PLUGIN_API_VERSION "1.0" /* the host API plugins declare in `api` */
#define PLUGIN_DEFAULT_MAX_FAILS 3 /* failures in a row before a plugin is disabled */

/* ---- semver ---- */

struct semver {
	long major, minor, patch;
	char pre[32]; /* pre-release ("rc.1"), "" if none */
};

/* "1.2.3", "1.2.3-rc.1" (build "+..." ignored). 0, or -1 if malformed. */
int semver_parse(const char *s, struct semver *v);
int semver_cmp(const struct semver *a, const struct semver *b);
/* A range: space-separated comparators, all must hold: ">=1.2 <2", "=1.4.0",
 * "^1.2" (>=1.2.0 <2.0.0), "~1.2" (>=1.2.0 <1.3.0), "1.2" (= ~1.2), "*".
 * Partial versions fill with zeros. Returns 1 match, 0 no match, -1 malformed. */
int semver_range_match(const char *range, const struct semver *v);

/* ---- manifests ---- */

enum plugin_cap_kind { PLUGIN_CAP_CORPUS_READ, PLUGIN_CAP_STORE_WRITE, PLUGIN_CAP_FS_READ, PLUGIN_CAP_FS_WRITE };

struct plugin_cap {
	enum plugin_cap_kind kind;
	char *text; /* as written: "fs.read:reports" */
	char *dir;  /* fs.*: the directory (relative to the working directory), else NULL */
};

enum plugin_opt_type { PLUGIN_OPT_STRING, PLUGIN_OPT_NUMBER, PLUGIN_OPT_INTEGER, PLUGIN_OPT_BOOLEAN };

struct plugin_option {
	char *name;
	enum plugin_opt_type type;
	char *def;         /* default, as text ("10", "true", "xin chào"), NULL if none */
	char *description; /* NULL if none */
};

struct plugin_require {
	char *name;
	char *range; /* ">=1.2 <2" */
};

struct plugin_job {
	char *name;
	char *every, *cron, *on; /* exactly one is set */
	double timeout;          /* seconds, 0 = the plugin's limit */
	char *overlap;           /* "skip" (default), "queue", "parallel" */
	long max_parallel;       /* overlap = "parallel": at most this many */
	bool catch_up;
	double jitter;           /* seconds */
};

struct plugin_limits {
	size_t memory_bytes;
	double seconds;
	uint64_t instructions;
};

struct plugin_manifest {
	char *name, *version, *description, *api;
	struct semver ver;
	struct plugin_require *requires;
	size_t nrequires;
	struct plugin_cap *caps;
	size_t ncaps;
	struct plugin_option *options;
	size_t noptions;
	struct plugin_job *jobs;
	size_t njobs;
	struct plugin_limits limits; /* defaults filled in where the manifest is silent */
};

/* Checks what the shape alone cannot: names, semver, api, ranges, capabilities,
 * option defaults against their types, job schedules. dirname: the folder's
 * name, which the name must equal (NULL: not checked). Appends one line per
 * problem to errs ("<path>: field 'version': ..."); returns the count. */
int plugin_manifest_validate(const struct plugin_manifest *m, const char *dirname,
                             const char *path, char *errs, size_t errlen);
void plugin_manifest_free(struct plugin_manifest *m);
/* Checks "value" for the declared option name (its type). 0, or -1 with err. */
int plugin_option_check(const struct plugin_manifest *m, const char *name, const char *value,
                        char *err, size_t errlen);
const char *plugin_opt_type_name(enum plugin_opt_type t);
/* "90", "30s", "10m", "2h", "1d" -> seconds (> 0), or -1. */
double plugin_parse_duration(const char *s);

/* ---- engines ---- */

/* Hooks: on_article(article), on_ingest_done(summary), commands.<name>(args...),
 * health(report), jobs.<name>() (the scheduler's; plugin check looks for them). */
enum plugin_hook {
	PLUGIN_HOOK_ARTICLE,
	PLUGIN_HOOK_INGEST_DONE,
	PLUGIN_HOOK_COMMAND,
	PLUGIN_HOOK_HEALTH,
	PLUGIN_HOOK_JOB,
};

struct plugin_article {
	int64_t id;
	const char *path;
};

struct plugin_summary {
	long added, updated, unchanged, duplicates, errors, files;
	double seconds;
};

struct plugin_call {
	enum plugin_hook hook;
	const char *command;            /* PLUGIN_HOOK_COMMAND, PLUGIN_HOOK_JOB: the name */
	int argc;                       /* its arguments */
	char **argv;
	struct plugin_article article;  /* PLUGIN_HOOK_ARTICLE */
	const int64_t *ids;             /* start_run of PLUGIN_HOOK_ARTICLE: every article */
	size_t nids;
	struct plugin_summary summary;  /* PLUGIN_HOOK_INGEST_DONE */
	sqlite3 *db;                    /* may be NULL (no database) */
};

/* How a call failed: reason is "error", "timeout", "memory", "killed" or ""
 * for none; message and traceback are the engine's words. */
struct plugin_failure {
	char reason[16];
	char message[1024];
	char traceback[4096];
};

/* A health report line from a plugin's health(). */
typedef void (*plugin_health_fn)(void *ud, const char *level, const char *message);

struct plugin;
struct lstate_coro; /* lua_state.h: a time-sliced run */

struct plugin_engine {
	const char *name;
	/* Reads <dir>/plugin.lua (plain data) into m. 0, or -1 with err. */
	int (*read_manifest)(const char *path, struct plugin_manifest *m, char *err, size_t errlen);
	/* Builds the plugin's own runtime and loads its entry module under its
	 * limits; deps are the loaded plugins it requires. NULL with err. */
	void *(*load)(struct plugin *p, struct plugin *const *deps, size_t ndeps, const char *db_path,
	              char *err, size_t errlen);
	bool (*has_hook)(void *rt, enum plugin_hook hook, const char *command);
	/* Names of the plugin's commands, joined by ", " into buf. */
	void (*commands)(void *rt, char *buf, size_t len);
	/* 0 ok, -1 failed (fail filled). health lines go to fn. */
	int (*call)(void *rt, const struct plugin_call *call, plugin_health_fn fn, void *ud,
	            struct plugin_failure *fail);
	size_t (*memory)(void *rt);
	/* Starts a hook as a time-sliced run for an event loop to resume
	 * (lstate_resume): PLUGIN_HOOK_JOB: jobs.<call->command>();
	 * PLUGIN_HOOK_ARTICLE: on_article(a) for each of call->ids in turn (their
	 * fields loaded lazily through call->db). timeout 0: the plugin's limit.
	 * NULL with err. */
	struct lstate_coro *(*start_run)(void *rt, const struct plugin_call *call, double timeout,
	                                 char *err, size_t errlen);
	void (*unload)(void *rt);
};

extern const struct plugin_engine plugin_lua_engine;

/* ---- the registry ---- */

struct plugin {
	char *name;                 /* folder name; the manifest's must match */
	char dir[PATH_MAX];
	char origin[PATH_MAX];      /* the search-path folder it was found in */
	struct plugin_manifest m;
	bool manifest_ok;
	char problems[2048];        /* manifest, dependency and api problems, one per line */
	bool disabled;              /* after too many failures in a row (database) */
	char disabled_reason[1024];
	long fails_in_row;
	void *rt;                   /* the engine's runtime once loaded */
	/* Option values that replace the defaults at load (`plugin run --set`);
	 * checked with plugin_option_check; not owned. */
	const char *const *set_names;
	const char *const *set_values;
	size_t nset;
};

struct plugin_registry {
	struct plugin **v;
	size_t n;
	char shadowed[2048];        /* "x in DIR shadowed by DIR" lines */
	const char *db_path;        /* handed to the plugins' states (trang.store); may be NULL */
	const struct plugin_engine *engine;
};

/* Fills dirs with the search path: ./plugins, ~/.local/share/trang/plugins,
 * then extra (from --plugins, may be NULL). Returns the count (at most max). */
size_t plugin_search_path(char (*dirs)[PATH_MAX], size_t max, char *const *extra, size_t nextra);

/* Finds every plugins/<name>/plugin.lua on the path and reads its manifest
 * (problems kept per plugin, not fatal). Validates dependencies across the set.
 * 0, or -1 on out of memory. */
int plugin_registry_scan(struct plugin_registry *reg, const struct plugin_engine *engine,
                         char (*dirs)[PATH_MAX], size_t ndirs);
struct plugin *plugin_registry_find(const struct plugin_registry *reg, const char *name);
/* Reads fails_in_row and disabled from the database (no table: all zero). */
void plugin_registry_load_state(struct plugin_registry *reg, sqlite3 *db);
/* Loads p and, first, what it requires (engine->load). 0, or -1 with err. */
int plugin_registry_load(struct plugin_registry *reg, struct plugin *p, char *err, size_t errlen);
void plugin_registry_free(struct plugin_registry *reg);

/* ---- recording in the database ---- */

/* CREATE TABLE IF NOT EXISTS plugin_errors and plugin_state. 0 or -1. */
int plugin_db_ensure(sqlite3 *db);
/* Records a failed call and counts it; disables the plugin after max_fails in a
 * row (sets p->disabled). Returns 0, or -1 if the database failed. */
int plugin_record_failure(sqlite3 *db, struct plugin *p, const char *hook, const char *article_path,
                          const struct plugin_failure *f, long max_fails);
/* A call went well: the count of failures in a row starts again. */
int plugin_record_success(sqlite3 *db, struct plugin *p);
/* Clears the disabled flag and the count. */
int plugin_enable(sqlite3 *db, const char *name);

/* ---- the ingest integration ---- */

struct plugin_host_opts {
	char *const *plugin_dirs; /* --plugins DIRs, added after the default path */
	size_t nplugin_dirs;
	long max_fails;           /* 0: PLUGIN_DEFAULT_MAX_FAILS */
	bool quiet;               /* no stderr line per failure */
	bool only_plugin_dirs;    /* skip ./plugins and ~/.local/share/trang/plugins (tests) */
};

struct plugin_host;

/* Finds and loads every valid, enabled plugin with an on_article or
 * on_ingest_done hook. db is the ingest's connection: failures are written
 * through it (inside the ingest's transaction, if one is open). Plugins that
 * fail to load are recorded and skipped; returns NULL only on out of memory
 * or a database error (err says). A host with no plugins is fine and cheap. */
struct plugin_host *plugin_host_open(sqlite3 *db, const struct plugin_host_opts *o, char *err,
                                     size_t errlen);
/* Runs on_article(article) of every plugin for one stored article. A plugin's
 * failure ends that call only, is recorded and counted; returns the number of
 * plugins that failed for this article (0 = all went well). */
int plugin_host_on_article(struct plugin_host *h, int64_t article_id, const char *path);
/* Runs on_ingest_done(summary); returns the number of plugins that failed. */
int plugin_host_on_ingest_done(struct plugin_host *h, const struct plugin_summary *summary);
/* Number of plugins loaded with hooks. */
size_t plugin_host_count(const struct plugin_host *h);
/* The registry behind the host (plugins, their state and runtimes). */
struct plugin_registry *plugin_host_registry(struct plugin_host *h);
void plugin_host_close(struct plugin_host *h);

#endif
