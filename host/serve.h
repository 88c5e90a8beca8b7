/* serve.h: `trang serve`, one libuv loop in the foreground: the plugins'
 * jobs on timers (schedules from schedule.h), each run a time-sliced coroutine
 * in its plugin's state (lstate_resume) so the loop never blocks, every run
 * recorded in the job_runs table, a clean stop on SIGINT/SIGTERM. Other
 * parts (the watched corpus, hot reload, the control socket) plug in as
 * components and through the functions below. */
#ifndef TRANG_SERVE_H
#define TRANG_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>
#include <uv.h>

#include "buf.h"
#include "plugin.h"

/* How a finished run is reported (to serve_opts.on_run_end and logs). */
struct serve_run_info {
	int64_t id;          /* job_runs.id (-1 if the database refused the row) */
	const char *plugin, *job;
	const char *status;  /* ok, error, timeout, killed, skipped */
	const char *error;   /* NULL when ok */
	double scheduled, started, ended; /* seconds since the epoch */
	uint64_t instructions;
	size_t peak_memory;
};

struct serve;

struct serve_opts {
	const char *db_path;
	char *const *plugin_dirs;  /* --plugins DIRs */
	size_t nplugin_dirs;
	bool only_plugin_dirs;     /* skip ./plugins and ~/.local/share/trang/plugins */
	bool json_log;             /* one JSON object per line on stderr */
	bool quiet;                /* no log lines (tests) */
	double grace;              /* seconds running jobs get after SIGINT/SIGTERM; 0: 10 */
	double slice;              /* seconds a job runs before the loop goes on; 0: 0.005 */
	bool no_signals;           /* leave SIGINT/SIGTERM alone (tests) */
	bool no_schedule;          /* load the jobs but start none by schedule (`trang job run`) */
	/* Called after each run ends (and is recorded). */
	void (*on_run_end)(struct serve *s, const struct serve_run_info *info, void *ud);
	void *ud;
};

/* Exit statuses of serve_run (cli.h's, plus how the stop went). */
enum {
	SERVE_EXIT_CLEAN = 0,  /* stopped; every run ended on its own */
	SERVE_EXIT_FAILED = 1, /* runs were killed at the deadline, or the database failed */
};

/* Opens the database (creating job_runs), loads the plugins that have jobs
 * and schedules them; nothing runs before serve_run. NULL with err. */
struct serve *serve_new(const struct serve_opts *o, char *err, size_t errlen);
/* Runs the loop until serve_stop (or a signal) and every run has ended.
 * Returns SERVE_EXIT_*. */
int serve_run(struct serve *s);
void serve_free(struct serve *s);

/* Stops taking new runs; running ones get `grace` seconds, then are killed;
 * a second call kills them now. why goes to the log ("SIGTERM"). */
void serve_stop(struct serve *s, const char *why);

/* ---- for components (watch, reload, control) and tests ---- */

uv_loop_t *serve_loop(struct serve *s);
sqlite3 *serve_db(struct serve *s);
const char *serve_db_path(const struct serve *s);
bool serve_stopping(const struct serve *s);

/* One log line: "2026-11-23T10:20:11.123Z <event> <plugin.job> #id message",
 * or a JSON object with --json-log. plugin, job may be NULL; id < 0: none. */
void serve_log(struct serve *s, const char *event, const char *plugin, const char *job, int64_t id,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Starts a run now ("plugin.job", or "job" when only one plugin has it),
 * under the job's overlap policy. 0 with *id (-1 when skipped or queued), or
 * -1 with err ("no job ...", "stopping"). */
int serve_run_job(struct serve *s, const char *name, const char *trigger, int64_t *id, char *err,
                  size_t errlen);
/* Ends run id as killed. 0, or -1 with err (no such running run). */
int serve_kill_run(struct serve *s, int64_t id, char *err, size_t errlen);
/* Runs every job declared `on = event` ("ingest"): the watcher calls this
 * after new articles are stored. Returns how many runs started. */
int serve_trigger(struct serve *s, const char *event);

/* on_article: hands newly stored articles to every plugin with the hook;
 * each plugin's run goes through them in turn (one run at a time per
 * plugin; articles arriving meanwhile wait for the next). Returns how many
 * runs started. */
int serve_articles(struct serve *s, const int64_t *ids, size_t n);

/* `trang plugin reload NAME`: rebuilds the plugin from its folder off the
 * loop and swaps it in only if it loads; done(ud, ok, message) runs on the
 * loop with the outcome (ok false: the old version, if any, keeps running,
 * and message says why). 0, or -1 with err (no such folder, stopping). */
typedef void (*serve_reload_fn)(void *ud, bool ok, const char *message);
#define SERVE_MAX_WAITERS 16
int serve_plugin_reload(struct serve *s, const char *name, serve_reload_fn done, void *ud, char *err,
                        size_t errlen);
/* Forgets the waiting reloads of ud (it stopped waiting). */
void serve_plugin_reload_forget(struct serve *s, void *ud);

/* Hot reload: runs of p still alive (the old runtime must stay until 0). */
long serve_plugin_running(const struct serve *s, const struct plugin *p);
/* After p's manifest or runtime changed (or p was added): drops p's job
 * timers and schedules its current jobs. 0, or -1 with err. */
int serve_plugin_reschedule(struct serve *s, struct plugin *p, char *err, size_t errlen);
/* Before p goes away: drops its timers (running runs finish first). */
void serve_plugin_unschedule(struct serve *s, struct plugin *p);

/* A part of the service with handles of its own on the loop. */
struct serve_component {
	const char *name;
	/* Once the plugins are scheduled and the loop exists. 0, or -1 with err:
	 * serve_run then ends with SERVE_EXIT_FAILED. */
	int (*start)(struct serve *s, void *ud, char *err, size_t errlen);
	/* On stop: no new work; close its handles. */
	void (*stop)(struct serve *s, void *ud);
	/* Lines for `trang status` (appended to out). May be NULL. */
	void (*status)(struct serve *s, void *ud, buf *out);
	void *ud;
};
/* Before serve_run. At most 8. 0, or -1. */
int serve_add_component(struct serve *s, const struct serve_component *c);

/* `trang status` text: jobs (schedule, next, running, last), plugins,
 * components. Appends to out. */
void serve_status(struct serve *s, buf *out);

/* ---- the job_runs table (also read without a service) ---- */

/* CREATE TABLE IF NOT EXISTS job_runs. 0, or -1. */
int serve_runs_ensure(sqlite3 *db);

#endif
