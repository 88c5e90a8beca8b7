/* plugin_reload.h: the live plugins of `trang serve`, reloaded in place. Each
 * plugin folder on the search path has at most one current runtime; a change
 * to its files (or plugin_reload) builds a NEW runtime off the loop thread
 * (manifest read and validated, init.lua run under its limits) and swaps it
 * in only if all of that succeeded; otherwise the old one keeps answering and
 * the error is reported. Old runtimes stay alive until their last user
 * releases them (draining). Engine-agnostic: drives a struct plugin_engine. */
#ifndef TRANG_PLUGIN_RELOAD_H
#define TRANG_PLUGIN_RELOAD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "plugin.h"

/* One loaded version of a plugin. Read-only for users, except plugin's
 * failure bookkeeping (fails_in_row, disabled: read from the database's
 * plugin_state at load), which plugin_record_failure and
 * plugin_record_success update on the loop thread. */
struct plugin_runtime {
	struct plugin plugin;   /* first member; its own copy: name, dir, manifest (jobs, limits), rt */
	const struct plugin_engine *engine; /* call as engine->call(r->plugin.rt, ...) */
	unsigned long generation; /* 1 for the first load of the folder, +1 per reload */
};

enum plugin_change {
	PLUGIN_LOADED,   /* a folder's first good version (at open, or a new folder) */
	PLUGIN_RELOADED, /* a new version replaced the old one */
	PLUGIN_UNLOADED, /* its folder (or plugin.lua) is gone: no current version */
	PLUGIN_FAILED,   /* a load failed; the old version, if any, still answers */
};

struct plugin_change_event {
	enum plugin_change change;
	const char *name;                     /* the plugin (its folder's name) */
	const struct plugin_runtime *current; /* what answers now; NULL if none */
	/* RELOADED, UNLOADED: the version that stopped being current (unschedule
	 * its jobs); it lives on while `draining` holds remain. */
	const struct plugin_runtime *previous;
	long draining;                        /* holds on previous, the set's own not counted */
	/* PLUGIN_FAILED: */
	const char *file;    /* the file at fault: <dir>/plugin.lua or <dir>/init.lua */
	const char *message; /* what went wrong (the engine's words, with line numbers) */
	bool kept_old;       /* an older version keeps running */
};

/* Runs on the loop thread. Jobs and hooks come from ev->current's manifest:
 * a RELOADED version may declare other jobs than the old one. */
typedef void (*plugin_change_fn)(void *ud, const struct plugin_change_event *ev);

struct plugin_set_opts {
	const char (*dirs)[PATH_MAX]; /* the search path (plugin_search_path); first one wins a name */
	size_t ndirs;
	const char *db_path;          /* handed to the plugins' states; NULL: none */
	const struct plugin_engine *engine; /* NULL: plugin_lua_engine */
	bool no_watch;                /* no file events: reload only on plugin_reload/_rescan */
	unsigned settle_ms;           /* quiet after the last file event before reloading; 0: 200 */
	plugin_change_fn on_change;   /* may be NULL */
	void *ud;
};

struct plugin_set;

/* Loads every plugin folder on the path, synchronously (before the loop
 * serves anything): one on_change (LOADED or FAILED) per folder, in name
 * order, before this returns. Then watches the path and each plugin folder.
 * NULL with err only on out of memory or a libuv failure. Loop thread. */
struct plugin_set *plugin_set_open(uv_loop_t *loop, const struct plugin_set_opts *o, char *err,
                                   size_t errlen);

/* `trang plugin reload NAME`: rebuilds name from its folder now (even if no
 * file changed), off the loop thread; the outcome comes as on_change
 * (RELOADED, LOADED, UNLOADED or FAILED). Also picks up a folder that is new
 * or gone. 0, or -1 with err when no folder of that name is on the path. */
int plugin_reload(struct plugin_set *s, const char *name, char *err, size_t errlen);

/* Looks for added and removed plugin folders now (file events do this too). */
void plugin_set_rescan(struct plugin_set *s);

/* The current version of name, held until plugin_runtime_release: a reload
 * meanwhile does not free it, so a run started on it finishes on it. NULL when
 * name has no good version. Acquire a new one for each run: never cache it. */
struct plugin_runtime *plugin_runtime_acquire(struct plugin_set *s, const char *name);
/* One more hold on r, any version (current or not): for a run that started
 * on it. Pair with plugin_runtime_release. */
void plugin_runtime_hold(struct plugin_runtime *r);
/* Any thread; the last release of a replaced version unloads it there. */
void plugin_runtime_release(struct plugin_runtime *r);
/* The runtime whose `plugin` p is; only for plugins that came from a set
 * (ev->current->plugin, r->plugin), never for a registry's. */
struct plugin_runtime *plugin_runtime_of(struct plugin *p);
/* False once r was replaced or unloaded (it still works until released). */
bool plugin_runtime_is_current(const struct plugin_runtime *r);
/* Acquired uses of r now (the set's own reference not counted). */
long plugin_runtime_users(const struct plugin_runtime *r);

/* The plugin folders known (loaded or not), by index in name order, for
 * `trang status`; valid until the loop runs again. */
size_t plugin_set_count(const struct plugin_set *s);
const char *plugin_set_name(const struct plugin_set *s, size_t i);
/* The last load error of the i-th folder ("" if its last load went well). */
const char *plugin_set_error(const struct plugin_set *s, size_t i);

/* Stops watching and releases the current versions (acquired ones live on
 * until released); the loop must run until its handles are closed. */
void plugin_set_close(struct plugin_set *s);

#endif
