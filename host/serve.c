/* serve.c: the loop of `trang serve` (see serve.h). Relies on libuv for
 * timers and signals, on schedule.c for when jobs run, on plugin_reload.c for
 * the live plugins (hot reload: a job holds the version it was scheduled
 * from, so runs of an old version finish on it), and on lua_state's
 * time-sliced runs (lstate_resume): an idle handle resumes one ready run per
 * loop turn for a few milliseconds, so timers and other handles keep firing
 * while a job computes. A run that waits for work (an SQLite query,
 * lstate_await) has it done on libuv's thread pool and is resumed after. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lua_state.h"
#include "plugin_reload.h"
#include "schedule.h"
#include "serve.h"

#define QUEUE_MAX 16        /* overlap = queue: runs waiting per job */
#define MAX_COMPONENTS 8
#define REARM_MAX_MS 60000  /* long waits are re-checked against the wall clock */
#define ARTICLE_JOB "on_article" /* the job name on_article runs are recorded under */

struct serve_job {
	struct serve *s;
	struct plugin *p;
	char *name;
	struct sched_spec spec;
	uv_timer_t timer;
	bool timer_open;
	double next_sched;             /* scheduled time of the next run, -1: none */
	double next_fire;              /* next_sched plus jitter */
	long running;
	double queue[QUEUE_MAX];       /* scheduled times of queued runs */
	int nqueue;
	char last_status[16];
	double last_started;
	bool retired;                  /* unscheduled; freed once nothing refers to it */
	/* on_article: not a manifest job but recorded as one; ids of stored
	 * articles waiting for the next run (one run at a time per plugin) */
	bool article_hook;
	int64_t *ids;
	size_t nids, cap;
	struct serve_job *next;
};

struct serve_run {
	struct serve *s;
	struct serve_job *job;
	int64_t id;
	struct lstate_coro *co;
	uv_timer_t wake, deadline;
	int open_handles;
	bool ready, sleeping, wake_value, finished;
	/* waiting for its work on the thread pool (lstate_await); a kill or
	 * deadline meanwhile cancels the work and ends the run once it returned */
	uv_work_t work_req;
	struct lstate_work work;
	bool working;
	enum lstate_reason end_after_work;
	double scheduled, started;
	struct serve_run *next;
};

struct serve {
	struct serve_opts o;
	uv_loop_t loop;
	bool loop_open;
	sqlite3 *db;
	char db_path[4096];
	struct plugin_set *set;        /* the live plugins; NULL once closed */
	const struct plugin_engine *engine;
	struct serve_reload_waiter {   /* `trang plugin reload` requests awaiting their outcome */
		char name[128];
		serve_reload_fn done;
		void *ud;
	} waiters[SERVE_MAX_WAITERS];
	int nwaiters;
	struct serve_job *jobs;
	struct serve_run *runs;        /* alive (not yet finished) */
	uv_idle_t runner;
	uv_signal_t sigint, sigterm;
	uv_timer_t grace;
	bool stopping, killing;
	long killed_at_stop;
	bool db_failed;
	uint64_t rng;
	struct serve_component comps[MAX_COMPONENTS];
	int ncomps;
	int comp_failed;
};

static void reload_answer(struct serve *s, const char *name, bool ok, const char *message);

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "2026-11-23T10:20:11.123Z" */
static void iso_time(double t, char *buf, size_t len)
{
	time_t sec = (time_t)floor(t);
	struct tm tm;
	gmtime_r(&sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)((t - floor(t)) * 1000) % 1000);
}

static void local_time(double t, char *buf, size_t len)
{
	time_t sec = (time_t)floor(t);
	struct tm tm;
	localtime_r(&sec, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

uv_loop_t *serve_loop(struct serve *s) { return &s->loop; }
sqlite3 *serve_db(struct serve *s) { return s->db; }
const char *serve_db_path(const struct serve *s) { return s->db_path; }
bool serve_stopping(const struct serve *s) { return s->stopping; }

void serve_log(struct serve *s, const char *event, const char *plugin, const char *job, int64_t id,
               const char *fmt, ...)
{
	if (s->o.quiet)
		return;
	char msg[2048], stamp[40];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	iso_time(wall_now(), stamp, sizeof stamp);
	if (s->o.json_log) {
		json_t *o = json_pack("{s:s, s:s}", "ts", stamp, "event", event);
		if (!o)
			return;
		if (plugin)
			json_object_set_new(o, "plugin", json_string(plugin));
		if (job)
			json_object_set_new(o, "job", json_string(job));
		if (id >= 0)
			json_object_set_new(o, "run", json_integer(id));
		json_object_set_new(o, "msg", json_string(msg));
		char *line = json_dumps(o, JSON_COMPACT);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
		json_decref(o);
		return;
	}
	char who[300] = "";
	if (plugin || job)
		snprintf(who, sizeof who, " %s%s%s", plugin ? plugin : "", plugin && job ? "." : "",
		         job ? job : "");
	char ids[32] = "";
	if (id >= 0)
		snprintf(ids, sizeof ids, " #%lld", (long long)id);
	/* one line per event: newlines in messages are escaped */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(stderr, "%s %-9s%s%s %s\n", stamp, event, who, ids, msg);
}

/* ---- the job_runs table ---- */

int serve_runs_ensure(sqlite3 *db)
{
	return sqlite3_exec(db,
	                    "CREATE TABLE IF NOT EXISTS job_runs("
	                    " id INTEGER PRIMARY KEY,"
	                    " plugin TEXT NOT NULL, job TEXT NOT NULL,"
	                    " trigger TEXT NOT NULL,"   /* schedule, manual, catch_up, queue, event */
	                    " scheduled TEXT, started TEXT, ended TEXT,"
	                    " status TEXT NOT NULL,"    /* running, ok, error, timeout, killed, skipped */
	                    " error TEXT, traceback TEXT,"
	                    " instructions INTEGER, peak_memory INTEGER, seconds REAL);"
	                    "CREATE INDEX IF NOT EXISTS job_runs_job ON job_runs(plugin, job, id);",
	                    NULL, NULL, NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

static void db_failed(struct serve *s, const char *what)
{
	s->db_failed = true;
	serve_log(s, "db-error", NULL, NULL, -1, "%s: %s", what, sqlite3_errmsg(s->db));
}

static int64_t run_insert(struct serve *s, struct serve_job *j, const char *trigger, double scheduled,
                          double started, const char *status, const char *error)
{
	sqlite3_stmt *st = NULL;
	int64_t id = -1;
	char sch[40], sta[40];
	iso_time(scheduled, sch, sizeof sch);
	iso_time(started, sta, sizeof sta);
	bool ended = strcmp(status, "running") != 0;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO job_runs(plugin, job, trigger, scheduled, started, ended,"
	                       " status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_text(st, 1, j->p->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, j->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, trigger, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, sch, -1, SQLITE_TRANSIENT);
	if (!ended)
		sqlite3_bind_text(st, 5, sta, -1, SQLITE_TRANSIENT);
	if (ended)
		sqlite3_bind_text(st, 6, sta, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, status, -1, SQLITE_TRANSIENT);
	if (error)
		sqlite3_bind_text(st, 8, error, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(s->db);
cleanup:
	if (id < 0)
		db_failed(s, "recording a job run");
	sqlite3_finalize(st);
	return id;
}

static void run_update(struct serve *s, int64_t id, const char *status, double ended,
                       const struct lstate_outcome *out, size_t peak)
{
	if (id < 0)
		return;
	sqlite3_stmt *st = NULL;
	char end[40];
	iso_time(ended, end, sizeof end);
	int rc = sqlite3_prepare_v2(s->db,
	                            "UPDATE job_runs SET ended = ?, status = ?, error = ?, traceback = ?,"
	                            " instructions = ?, peak_memory = ?, seconds = ? WHERE id = ?",
	                            -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, end, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
		if (out->message && out->reason != LSTATE_OK)
			sqlite3_bind_text(st, 3, out->message, -1, SQLITE_TRANSIENT);
		if (out->traceback && out->reason != LSTATE_OK)
			sqlite3_bind_text(st, 4, out->traceback, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)out->instructions);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)peak);
		sqlite3_bind_double(st, 7, out->seconds);
		sqlite3_bind_int64(st, 8, id);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		db_failed(s, "recording the end of a job run");
	sqlite3_finalize(st);
}

/* The scheduled time of the job's last recorded run, or 0. */
static double last_scheduled(struct serve *s, struct serve_job *j)
{
	sqlite3_stmt *st = NULL;
	double t = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT max((julianday(scheduled) - 2440587.5) * 86400.0) FROM job_runs"
	                       " WHERE plugin = ? AND job = ? AND status != 'skipped'",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, j->p->name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, j->name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			t = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	return t;
}

/* ---- runs ---- */

static void runner_cb(uv_idle_t *h);
static void start_queued(struct serve_job *j);
static void maybe_finish_stop(struct serve *s);

static const char *status_of(enum lstate_reason r)
{
	switch (r) {
	case LSTATE_OK: return "ok";
	case LSTATE_TIMEOUT: return "timeout";
	case LSTATE_KILLED: return "killed";
	case LSTATE_ERROR:
	case LSTATE_MEMORY: break;
	}
	return "error";
}

static void run_closed(uv_handle_t *h)
{
	struct serve_run *r = h->data;
	if (--r->open_handles == 0)
		free(r);
}

static void job_maybe_free(struct serve_job *j);

/* The run has ended with out: record, report, release. */
static void run_finish(struct serve_run *r, struct lstate_outcome *out)
{
	struct serve *s = r->s;
	struct serve_job *j = r->job;
	double ended = wall_now();
	const char *status = status_of(out->reason);
	size_t peak = lstate_coro_peak_memory(r->co);
	r->finished = true;
	run_update(s, r->id, status, ended, out, peak);
	if (out->reason == LSTATE_OK) {
		plugin_record_success(s->db, j->p);
		serve_log(s, "run-end", j->p->name, j->name, r->id, "ok in %.3f s, %llu instructions, peak %zu KB",
		          out->seconds, (unsigned long long)out->instructions, peak >> 10);
	} else {
		struct plugin_failure f;
		char hook[160];
		snprintf(f.reason, sizeof f.reason, "%s", lstate_reason_name(out->reason));
		snprintf(f.message, sizeof f.message, "%s", out->message ? out->message : status);
		snprintf(f.traceback, sizeof f.traceback, "%s", out->traceback ? out->traceback : "");
		snprintf(hook, sizeof hook, "jobs.%s", j->name);
		if (plugin_record_failure(s->db, j->p, hook, NULL, &f, PLUGIN_DEFAULT_MAX_FAILS))
			db_failed(s, "recording a plugin failure");
		serve_log(s, "run-end", j->p->name, j->name, r->id, "%s after %.3f s: %s", status,
		          out->seconds, out->message ? out->message : "");
		if (j->p->disabled)
			serve_log(s, "disabled", j->p->name, NULL, -1, "%s", j->p->disabled_reason);
	}
	snprintf(j->last_status, sizeof j->last_status, "%s", status);
	enum lstate_reason out_reason = out->reason;
	uint64_t out_instructions = out->instructions;
	char *out_message = out->message; /* kept for on_run_end */
	out->message = NULL;
	lstate_outcome_free(out);
	lstate_coro_free(r->co);
	r->co = NULL;
	for (struct serve_run **pp = &s->runs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	j->running--;
	uv_close((uv_handle_t *)&r->wake, run_closed);
	uv_close((uv_handle_t *)&r->deadline, run_closed);
	if (s->o.on_run_end) {
		struct serve_run_info info = {
			.id = r->id, .plugin = j->p->name, .job = j->name, .status = status,
			.error = out_reason == LSTATE_OK ? NULL : out_message, .scheduled = r->scheduled,
			.started = r->started, .ended = ended, .instructions = out_instructions,
			.peak_memory = peak,
		};
		s->o.on_run_end(s, &info, s->o.ud);
	}
	free(out_message);
	start_queued(j);
	/* a newer version's job may have waited for this run of the old one */
	for (struct serve_job *n = s->jobs; n; n = n->next)
		if (n != j && strcmp(n->name, j->name) == 0 && strcmp(n->p->name, j->p->name) == 0)
			start_queued(n);
	job_maybe_free(j);
	maybe_finish_stop(s);
}

/* Ends the run as why; one whose work is on the thread pool ends when the
 * work returns (asked to hurry: SQLite interrupts its statement). */
static void run_cancel(struct serve_run *r, enum lstate_reason why)
{
	if (r->working) {
		if (r->end_after_work == LSTATE_OK) {
			r->end_after_work = why;
			if (r->work.cancel)
				r->work.cancel(r->work.ud);
		}
		return;
	}
	struct lstate_outcome out;
	lstate_coro_cancel(r->co, why, &out);
	run_finish(r, &out);
}

static void run_make_ready(struct serve_run *r, bool wake_value)
{
	r->sleeping = false;
	r->ready = true;
	r->wake_value = wake_value;
	uv_timer_stop(&r->wake);
	uv_idle_start(&r->s->runner, runner_cb);
}

static void wake_cb(uv_timer_t *h)
{
	struct serve_run *r = h->data;
	if (!r->finished && r->sleeping)
		run_make_ready(r, true);
}

/* On the thread pool: the run's work, which touches no Lua. */
static void work_cb(uv_work_t *req)
{
	struct serve_run *r = req->data;
	r->work.run(r->work.ud);
}

static void work_done_cb(uv_work_t *req, int status)
{
	struct serve_run *r = req->data;
	(void)status; /* UV_ECANCELED cannot happen: requests are never cancelled */
	r->working = false;
	if (r->end_after_work != LSTATE_OK)
		run_cancel(r, r->end_after_work);
	else
		run_make_ready(r, true);
}

static void deadline_cb(uv_timer_t *h)
{
	struct serve_run *r = h->data;
	if (!r->finished)
		run_cancel(r, LSTATE_TIMEOUT);
}

/* One slice of the first ready run; the run then goes to the end of the list. */
static void runner_cb(uv_idle_t *h)
{
	struct serve *s = h->data;
	struct serve_run **pp = &s->runs;
	while (*pp && !(*pp)->ready)
		pp = &(*pp)->next;
	struct serve_run *r = *pp;
	if (!r) {
		uv_idle_stop(h);
		return;
	}
	*pp = r->next; /* to the end: round robin between ready runs */
	r->next = NULL;
	struct serve_run **end = &s->runs;
	while (*end)
		end = &(*end)->next;
	*end = r;

	double sleep_s = 0;
	struct lstate_outcome out;
	double slice = s->o.slice > 0 ? s->o.slice : 0.005;
	enum lstate_step step = lstate_resume(r->co, slice, r->wake_value, &sleep_s, &out);
	r->wake_value = true;
	switch (step) {
	case LSTATE_STEP_SLICE:
		break;
	case LSTATE_STEP_SLEEP:
		if (s->stopping) { /* finish up: sleep returns false at once */
			r->wake_value = false;
			break;
		}
		r->ready = false;
		r->sleeping = true;
		uv_timer_start(&r->wake, wake_cb, (uint64_t)ceil(sleep_s * 1000), 0);
		break;
	case LSTATE_STEP_AWAIT:
		r->ready = false;
		r->work = *lstate_coro_work(r->co);
		r->work_req.data = r;
		if (uv_queue_work(&s->loop, &r->work_req, work_cb, work_done_cb) < 0) {
			r->work.run(r->work.ud); /* cannot happen with a live loop; stay correct */
			r->ready = true;
			break;
		}
		r->working = true;
		break;
	case LSTATE_STEP_DONE:
		run_finish(r, &out);
		break;
	}
}

/* Starts a run of j now. Returns its id (or -1 when it could not start). */
static int64_t run_start(struct serve_job *j, double scheduled, const char *trigger, char *err,
                         size_t errlen)
{
	struct serve *s = j->s;
	double started = wall_now();
	struct serve_run *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!j->p->rt || !s->engine->start_run) {
		snprintf(err, errlen, "plugin %s is not loaded", j->p->name);
		free(r);
		return -1;
	}
	struct plugin_call call = {.hook = PLUGIN_HOOK_JOB, .command = j->name, .db = s->db};
	if (j->article_hook) { /* this run takes every article waiting */
		call.hook = PLUGIN_HOOK_ARTICLE;
		call.ids = j->ids;
		call.nids = j->nids;
	}
	r->co = s->engine->start_run(j->p->rt, &call, j->spec.timeout, err, errlen);
	size_t narticles = j->nids;
	j->nids = 0;
	if (!r->co) {
		run_insert(s, j, trigger, scheduled, started, "error", err);
		serve_log(s, "run-error", j->p->name, j->name, -1, "%s", err);
		free(r);
		return -1;
	}
	r->s = s;
	r->job = j;
	r->scheduled = scheduled;
	r->started = started;
	r->id = run_insert(s, j, trigger, scheduled, started, "running", NULL);
	uv_timer_init(&s->loop, &r->wake);
	uv_timer_init(&s->loop, &r->deadline);
	r->wake.data = r->deadline.data = r;
	r->open_handles = 2;
	double dl = lstate_coro_deadline(r->co);
	if (dl > 0) { /* the hook ends a computing run; this timer a sleeping one */
		uv_update_time(&s->loop); /* timers count from the loop's time, stale outside a callback */
		uv_timer_start(&r->deadline, deadline_cb, (uint64_t)ceil((dl - lstate_now()) * 1000) + 1, 0);
	}
	r->next = s->runs;
	s->runs = r;
	j->running++;
	j->last_started = started;
	snprintf(j->last_status, sizeof j->last_status, "running");
	char when[40];
	local_time(scheduled, when, sizeof when);
	if (j->article_hook)
		serve_log(s, "run-start", j->p->name, j->name, r->id, "%s, %zu article%s", trigger,
		          narticles, narticles == 1 ? "" : "s");
	else
		serve_log(s, "run-start", j->p->name, j->name, r->id, "%s, scheduled %s", trigger, when);
	run_make_ready(r, true);
	return r->id;
}

/* Runs alive of j's job, counting those of older versions of its plugin
 * (a reload does not make an overrunning job overlap with itself). */
static long job_alive_runs(const struct serve_job *j)
{
	long n = 0;
	for (const struct serve_run *r = j->s->runs; r; r = r->next)
		n += r->job == j || (strcmp(r->job->name, j->name) == 0 &&
		                     strcmp(r->job->p->name, j->p->name) == 0);
	return n;
}

/* A run of j is due: run, skip or queue it by the overlap policy. Returns
 * the run's id, -1 if skipped or queued (or failed: err set). */
static int64_t job_due(struct serve_job *j, double scheduled, const char *trigger, char *err,
                       size_t errlen)
{
	struct serve *s = j->s;
	err[0] = '\0';
	if (s->stopping) {
		snprintf(err, errlen, "the service is stopping");
		return -1;
	}
	if (j->p->disabled) {
		snprintf(err, errlen, "plugin %s is disabled: %s", j->p->name, j->p->disabled_reason);
		run_insert(s, j, trigger, scheduled, wall_now(), "skipped", err);
		serve_log(s, "skip", j->p->name, j->name, -1, "%s", err);
		return -1;
	}
	long alive = job_alive_runs(j);
	switch (sched_overlap_decide(&j->spec, alive)) {
	case SCHED_RUN:
		return run_start(j, scheduled, trigger, err, errlen);
	case SCHED_ENQUEUE:
		if (j->nqueue < QUEUE_MAX) {
			j->queue[j->nqueue++] = scheduled;
			serve_log(s, "queue", j->p->name, j->name, -1, "still running; %d waiting", j->nqueue);
			return -1;
		}
		snprintf(err, errlen, "still running and %d runs already queued (overlap = queue)",
		         QUEUE_MAX);
		break;
	case SCHED_SKIP:
		snprintf(err, errlen, "%ld run%s still running (overlap = %s)", alive,
		         alive == 1 ? "" : "s", sched_overlap_name(j->spec.overlap));
		break;
	}
	int64_t id = run_insert(s, j, trigger, scheduled, wall_now(), "skipped", err);
	serve_log(s, "skip", j->p->name, j->name, id, "%s", err);
	if (s->o.on_run_end) {
		struct serve_run_info info = {.id = id, .plugin = j->p->name, .job = j->name,
		                              .status = "skipped", .error = err, .scheduled = scheduled,
		                              .started = wall_now(), .ended = wall_now()};
		s->o.on_run_end(s, &info, s->o.ud);
	}
	return -1;
}

static void start_queued(struct serve_job *j)
{
	char err[512];
	if (j->s->stopping || j->retired || job_alive_runs(j) > 0)
		return;
	if (j->article_hook) {
		if (j->nids > 0)
			run_start(j, wall_now(), "event", err, sizeof err);
		return;
	}
	if (j->nqueue == 0)
		return;
	double scheduled = j->queue[0];
	memmove(j->queue, j->queue + 1, (size_t)(j->nqueue - 1) * sizeof j->queue[0]);
	j->nqueue--;
	run_start(j, scheduled, "queue", err, sizeof err);
}

/* ---- timers ---- */

static void job_timer_cb(uv_timer_t *h);

static void job_arm(struct serve_job *j)
{
	if (j->next_fire < 0 || j->s->stopping)
		return;
	double wait = (j->next_fire - wall_now()) * 1000;
	uint64_t ms = wait <= 0 ? 0 : wait > REARM_MAX_MS ? REARM_MAX_MS : (uint64_t)ceil(wait);
	uv_timer_start(&j->timer, job_timer_cb, ms, 0);
}

static void job_plan_next(struct serve_job *j, double after)
{
	struct serve *s = j->s;
	double now = wall_now();
	double next = sched_next(&j->spec, after);
	/* every: keep the cadence of the scheduled times; runs missed while the
	 * loop was held up (or the machine slept) are not made up here */
	if (next > 0 && j->spec.kind == SCHED_EVERY && next < now)
		next = after + ceil((now - after) / j->spec.every) * j->spec.every;
	j->next_sched = next;
	j->next_fire = next < 0 ? -1 : next + sched_jitter(&j->spec, &s->rng);
	job_arm(j);
}

static void job_timer_cb(uv_timer_t *h)
{
	struct serve_job *j = h->data;
	if (j->s->stopping || j->retired)
		return;
	if (wall_now() < j->next_fire - 0.0005) { /* a long wait, re-checked */
		job_arm(j);
		return;
	}
	char err[512];
	double scheduled = j->next_sched;
	job_due(j, scheduled, "schedule", err, sizeof err);
	job_plan_next(j, scheduled);
}

static void job_timer_closed(uv_handle_t *h)
{
	struct serve_job *j = h->data;
	j->timer_open = false;
	job_maybe_free(j);
}

static void job_maybe_free(struct serve_job *j)
{
	if (!j->retired || j->running > 0 || j->timer_open)
		return;
	struct serve *s = j->s;
	for (struct serve_job **pp = &s->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	plugin_runtime_release(plugin_runtime_of(j->p));
	free(j->ids);
	free(j->name);
	free(j);
}

static void job_retire(struct serve_job *j)
{
	if (j->retired)
		return;
	j->retired = true;
	for (int q = 0; q < j->nqueue && !j->s->stopping; q++) /* every run recorded */
		run_insert(j->s, j, "queue", j->queue[q], wall_now(), "skipped",
		           "the plugin was reloaded or removed before the queued run could start");
	j->nqueue = 0;
	if (j->timer_open) {
		uv_timer_stop(&j->timer);
		uv_close((uv_handle_t *)&j->timer, job_timer_closed);
	} else {
		job_maybe_free(j);
	}
}

/* Puts j (name and spec set) on the list with its timer; holds p's version
 * until j is freed, so runs of a replaced version finish on it. */
static void job_link(struct serve *s, struct serve_job *j, struct plugin *p)
{
	j->s = s;
	j->p = p;
	plugin_runtime_hold(plugin_runtime_of(p));
	uv_timer_init(&s->loop, &j->timer);
	j->timer.data = j;
	j->timer_open = true;
	j->next_sched = j->next_fire = -1;
	j->next = s->jobs;
	s->jobs = j;
}

/* on_article of p as a job of its own (one run at a time, over every
 * article stored meanwhile). 0, or -1 out of memory. */
static int job_add_article_hook(struct serve *s, struct plugin *p)
{
	struct serve_job *j = calloc(1, sizeof *j);
	if (!j || !(j->name = strdup(ARTICLE_JOB))) {
		free(j);
		return -1;
	}
	j->article_hook = true;
	j->spec.kind = SCHED_ON;
	snprintf(j->spec.on, sizeof j->spec.on, "article");
	j->spec.overlap = SCHED_OVERLAP_QUEUE;
	j->spec.max_parallel = 1;
	job_link(s, j, p);
	return 0;
}

/* Schedules one manifest job of p. 0, or -1 with err. */
static int job_add(struct serve *s, struct plugin *p, const struct plugin_job *mj, char *err,
                   size_t errlen)
{
	struct serve_job *j = calloc(1, sizeof *j);
	if (!j || !(j->name = strdup(mj->name ? mj->name : "main"))) {
		free(j);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sched_spec_from_job(mj, &j->spec, err, errlen)) {
		free(j->name);
		free(j);
		return -1;
	}
	if (!s->engine->has_hook(p->rt, PLUGIN_HOOK_JOB, j->name)) {
		snprintf(err, errlen, "plugin %s declares job %s but has no function jobs.%s", p->name,
		         j->name, j->name);
		free(j->name);
		free(j);
		return -1;
	}
	job_link(s, j, p);
	if (j->spec.kind == SCHED_ON) {
		serve_log(s, "schedule", p->name, j->name, -1, "on %s", j->spec.on);
		return 0;
	}
	if (s->o.no_schedule)
		return 0;
	double now = wall_now();
	double last = last_scheduled(s, j);
	double missed = sched_missed(&j->spec, last, now);
	if (j->spec.kind == SCHED_EVERY && last > 0 && last + j->spec.every > now)
		job_plan_next(j, last);
	else
		job_plan_next(j, now);
	char when[40] = "never";
	if (j->next_fire > 0)
		local_time(j->next_fire, when, sizeof when);
	serve_log(s, "schedule", p->name, j->name, -1, "%s %s; next %s", mj->every ? "every" : "cron",
	          mj->every ? mj->every : mj->cron, when);
	if (missed > 0) {
		char e[512];
		serve_log(s, "catch-up", p->name, j->name, -1, "missed a run while the service was down");
		job_due(j, missed, "catch_up", e, sizeof e);
	}
	return 0;
}

int serve_plugin_reschedule(struct serve *s, struct plugin *p, char *err, size_t errlen)
{
	serve_plugin_unschedule(s, p);
	if (!p->rt || p->disabled)
		return 0;
	int rc = 0;
	if (s->engine->has_hook(p->rt, PLUGIN_HOOK_ARTICLE, NULL) && job_add_article_hook(s, p)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	for (size_t i = 0; i < p->m.njobs; i++) {
		char why[512];
		if (job_add(s, p, &p->m.jobs[i], why, sizeof why)) {
			serve_log(s, "job-error", p->name, p->m.jobs[i].name, -1, "%s", why);
			snprintf(err, errlen, "%s", why);
			rc = -1;
		}
	}
	return rc;
}

void serve_plugin_unschedule(struct serve *s, struct plugin *p)
{
	for (struct serve_job *j = s->jobs, *next; j; j = next) {
		next = j->next;
		if (j->p == p)
			job_retire(j);
	}
}

long serve_plugin_running(const struct serve *s, const struct plugin *p)
{
	long n = 0;
	for (const struct serve_run *r = s->runs; r; r = r->next)
		n += r->job->p == p;
	return n;
}

/* ---- control: run now, kill, trigger ---- */

static struct serve_job *find_job(struct serve *s, const char *name, char *err, size_t errlen)
{
	const char *dot = strchr(name, '.');
	struct serve_job *found = NULL;
	int n = 0;
	for (struct serve_job *j = s->jobs; j; j = j->next) {
		if (j->retired || j->article_hook)
			continue;
		bool match = dot ? strncmp(j->p->name, name, (size_t)(dot - name)) == 0 &&
		                       j->p->name[dot - name] == '\0' && strcmp(j->name, dot + 1) == 0
		                 : strcmp(j->name, name) == 0;
		if (match) {
			found = j;
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n == 0)
		snprintf(err, errlen, "no job '%s' (see trang status)", name);
	else
		snprintf(err, errlen, "job '%s' is in several plugins; say PLUGIN.%s", name, name);
	return NULL;
}

int serve_run_job(struct serve *s, const char *name, const char *trigger, int64_t *id, char *err,
                  size_t errlen)
{
	*id = -1;
	if (s->stopping) {
		snprintf(err, errlen, "the service is stopping");
		return -1;
	}
	struct serve_job *j = find_job(s, name, err, errlen);
	if (!j)
		return -1;
	*id = job_due(j, wall_now(), trigger, err, errlen);
	return *id >= 0 || !err[0] || j->nqueue > 0 ? 0 : -1;
}

int serve_kill_run(struct serve *s, int64_t id, char *err, size_t errlen)
{
	for (struct serve_run *r = s->runs; r; r = r->next)
		if (r->id == id && !r->finished) {
			serve_log(s, "kill", r->job->p->name, r->job->name, id, "killed on request");
			run_cancel(r, LSTATE_KILLED);
			return 0;
		}
	snprintf(err, errlen, "no running run #%lld", (long long)id);
	return -1;
}

int serve_trigger(struct serve *s, const char *event)
{
	int n = 0;
	char err[512];
	if (s->stopping)
		return 0;
	for (struct serve_job *j = s->jobs; j; j = j->next)
		if (!j->retired && j->spec.kind == SCHED_ON && strcmp(j->spec.on, event) == 0 &&
		    job_due(j, wall_now(), "event", err, sizeof err) >= 0)
			n++;
	return n;
}

int serve_articles(struct serve *s, const int64_t *ids, size_t n)
{
	int started = 0;
	if (s->stopping || n == 0)
		return 0;
	for (struct serve_job *j = s->jobs; j; j = j->next) {
		if (j->retired || !j->article_hook || j->p->disabled)
			continue;
		if (j->nids + n > j->cap) {
			size_t cap = (j->nids + n) * 2;
			int64_t *more = realloc(j->ids, cap * sizeof *more);
			if (!more) {
				serve_log(s, "error", j->p->name, j->name, -1,
				          "out of memory: %zu articles not handed to on_article", n);
				continue;
			}
			j->ids = more;
			j->cap = cap;
		}
		memcpy(j->ids + j->nids, ids, n * sizeof *ids);
		j->nids += n;
		long before = j->running;
		start_queued(j); /* or the run in progress takes them when it ends */
		started += j->running > before;
	}
	return started;
}

/* ---- status ---- */

void serve_status(struct serve *s, buf *out)
{
	buf_printf(out, "service  running, pid %ld, database %s%s\n", (long)getpid(), s->db_path,
	           s->stopping ? " (stopping)" : "");
	buf_printf(out, "%-28s %-18s %-19s %-8s %s\n", "JOB", "SCHEDULE", "NEXT", "RUNNING", "LAST");
	for (struct serve_job *j = s->jobs; j; j = j->next) {
		if (j->retired)
			continue;
		char key[200], sched[64] = "on article", next[40] = "-";
		snprintf(key, sizeof key, "%s.%s", j->p->name, j->name);
		for (size_t i = 0; i < j->p->m.njobs; i++) {
			const struct plugin_job *mj = &j->p->m.jobs[i];
			if (mj->name && strcmp(mj->name, j->name) == 0)
				snprintf(sched, sizeof sched, "%s %s", mj->every ? "every" : mj->cron ? "cron" : "on",
				         mj->every ? mj->every : mj->cron ? mj->cron : mj->on);
		}
		if (j->next_fire > 0)
			local_time(j->next_fire, next, sizeof next);
		buf_printf(out, "%-28s %-18s %-19s %-8ld %s\n", key, sched, next, j->running,
		           j->last_status[0] ? j->last_status : "-");
	}
	for (struct serve_run *r = s->runs; r; r = r->next)
		buf_printf(out, "run #%lld %s.%s %s, %.1f s\n", (long long)r->id, r->job->p->name,
		           r->job->name,
		           r->sleeping ? "sleeping" : r->working ? "waiting for a query" : "running",
		           wall_now() - r->started);
	buf_printf(out, "%-16s %-10s %-9s %s\n", "PLUGIN", "VERSION", "MEMORY", "STATE");
	for (size_t i = 0; s->set && i < plugin_set_count(s->set); i++) {
		const char *name = plugin_set_name(s->set, i), *error = plugin_set_error(s->set, i);
		struct plugin_runtime *rt = plugin_runtime_acquire(s->set, name);
		char mem[24] = "-", ver[40] = "-";
		long old_runs = 0;
		for (struct serve_run *r = s->runs; r; r = r->next)
			old_runs += strcmp(r->job->p->name, name) == 0 &&
			            !plugin_runtime_is_current(plugin_runtime_of(r->job->p));
		if (rt) {
			struct plugin *p = &rt->plugin;
			snprintf(mem, sizeof mem, "%zu KB", s->engine->memory(p->rt) >> 10);
			snprintf(ver, sizeof ver, "%s", p->m.version ? p->m.version : "?");
			buf_printf(out, "%-16s %-10s %-9s %s%s", name, ver, mem,
			           p->disabled ? "disabled: " : "ok", p->disabled ? p->disabled_reason : "");
			if (rt->generation > 1)
				buf_printf(out, " (reloaded %lu time%s)", rt->generation - 1,
				           rt->generation == 2 ? "" : "s");
		} else {
			buf_printf(out, "%-16s %-10s %-9s %s", name, ver, mem, error[0] ? "not loaded" : "no plugin.lua");
		}
		if (old_runs)
			buf_printf(out, "; %ld run%s of the old version finishing", old_runs,
			           old_runs == 1 ? "" : "s");
		if (error[0]) { /* the last load failed: first line of why */
			buf_printf(out, "%s %.*s", rt ? "; last reload failed, old version kept:" : ":",
			           (int)strcspn(error, "\n"), error);
		}
		buf_printf(out, "\n");
		if (rt)
			plugin_runtime_release(rt);
	}
	for (int i = 0; i < s->ncomps; i++)
		if (s->comps[i].status)
			s->comps[i].status(s, s->comps[i].ud, out);
}

/* ---- stopping ---- */

static void close_quietly(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void maybe_finish_stop(struct serve *s)
{
	if (!s->stopping || s->runs)
		return;
	uv_timer_stop(&s->grace);
	for (struct serve_job *j = s->jobs, *next; j; j = next) {
		next = j->next;
		job_retire(j);
	}
	if (s->set) { /* after the runs: their versions are released with their jobs */
		plugin_set_close(s->set);
		s->set = NULL;
	}
	close_quietly((uv_handle_t *)&s->runner);
	close_quietly((uv_handle_t *)&s->grace);
	if (!s->o.no_signals) {
		close_quietly((uv_handle_t *)&s->sigint);
		close_quietly((uv_handle_t *)&s->sigterm);
	}
}

static void kill_all(struct serve *s)
{
	s->killing = true;
	for (;;) {
		struct serve_run *r = s->runs;
		while (r && r->working)
			r = r->next;
		if (!r)
			break;
		s->killed_at_stop++;
		run_cancel(r, LSTATE_KILLED);
	}
	/* the rest end when their work returns */
	for (struct serve_run *r = s->runs; r; r = r->next)
		if (r->end_after_work == LSTATE_OK) {
			s->killed_at_stop++;
			run_cancel(r, LSTATE_KILLED);
		}
}

/* True while a run's work is on the thread pool. */
static bool any_working(const struct serve *s)
{
	for (const struct serve_run *r = s->runs; r; r = r->next)
		if (r->working)
			return true;
	return false;
}

static void grace_cb(uv_timer_t *h)
{
	struct serve *s = h->data;
	serve_log(s, "stop", NULL, NULL, -1, "grace period over: killing %s", s->runs ? "the runs left" : "nothing");
	kill_all(s);
}

void serve_stop(struct serve *s, const char *why)
{
	if (s->stopping) {
		serve_log(s, "stop", NULL, NULL, -1, "%s again: killing the running jobs now", why);
		kill_all(s);
		return;
	}
	s->stopping = true;
	long n = 0;
	for (struct serve_run *r = s->runs; r; r = r->next) {
		n++;
		if (r->sleeping) /* their trang.sleep returns false: finish up */
			run_make_ready(r, false);
	}
	double grace = s->o.grace > 0 ? s->o.grace : 10;
	serve_log(s, "stop", NULL, NULL, -1, "%s: no new runs; %ld running, %g s to finish", why, n, grace);
	for (struct serve_job *j = s->jobs; j; j = j->next) {
		uv_timer_stop(&j->timer);
		for (int q = 0; q < j->nqueue; q++)
			run_insert(s, j, "queue", j->queue[q], wall_now(), "skipped",
			           "the service stopped before the queued run could start");
		j->nqueue = 0;
	}
	reload_answer(s, NULL, false, "the service is stopping");
	for (int i = 0; i < s->ncomps; i++)
		if (s->comps[i].stop)
			s->comps[i].stop(s, s->comps[i].ud);
	uv_timer_start(&s->grace, grace_cb, (uint64_t)(grace * 1000), 0);
	maybe_finish_stop(s);
}

static void signal_cb(uv_signal_t *h, int signum)
{
	serve_stop(h->data, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

/* ---- life cycle ---- */

int serve_add_component(struct serve *s, const struct serve_component *c)
{
	if (s->ncomps >= MAX_COMPONENTS)
		return -1;
	s->comps[s->ncomps++] = *c;
	return 0;
}

/* ---- the live plugins ---- */

/* Answers the `trang plugin reload` requests waiting for name (all when
 * name is NULL). */
static void reload_answer(struct serve *s, const char *name, bool ok, const char *message)
{
	for (int i = 0; i < s->nwaiters;) {
		struct serve_reload_waiter w = s->waiters[i];
		if (name && strcmp(w.name, name) != 0) {
			i++;
			continue;
		}
		s->waiters[i] = s->waiters[--s->nwaiters];
		w.done(w.ud, ok, message);
	}
}

/* Plugins come, change and go (plugin_reload.h): jobs follow the current
 * version; the old version's runs finish on it (their job holds it). */
static void plugin_changed(void *ud, const struct plugin_change_event *ev)
{
	struct serve *s = ud;
	char msg[2048], why[1024];
	struct plugin *prev = ev->previous ? &((struct plugin_runtime *)ev->previous)->plugin : NULL;
	if (ev->change == PLUGIN_FAILED) {
		snprintf(msg, sizeof msg, "%s%s: %s",
		         ev->kept_old ? "reload failed, the old version keeps running: " : "does not load: ",
		         ev->file ? ev->file : ev->name, ev->message ? ev->message : "");
		serve_log(s, "plugin", ev->name, NULL, -1, "%s", msg);
		reload_answer(s, ev->name, false, msg);
		return;
	}
	/* on_article's waiting articles go to the new version */
	int64_t *ids = NULL;
	size_t nids = 0;
	for (struct serve_job *j = s->jobs; prev && j; j = j->next)
		if (j->p == prev && j->article_hook && !j->retired && j->nids) {
			ids = j->ids;
			nids = j->nids;
			j->ids = NULL;
			j->nids = j->cap = 0;
		}
	if (prev)
		serve_plugin_unschedule(s, prev);
	if (ev->change == PLUGIN_UNLOADED) {
		snprintf(msg, sizeof msg, "unloaded (its folder or plugin.lua is gone); %ld run%s of it finishing",
		         ev->draining, ev->draining == 1 ? "" : "s");
		serve_log(s, "plugin", ev->name, NULL, -1, "%s", msg);
		reload_answer(s, ev->name, true, msg);
		free(ids);
		return;
	}
	struct plugin *p = &((struct plugin_runtime *)ev->current)->plugin;
	if (p->disabled)
		snprintf(msg, sizeof msg, "%s %s, disabled: %s", prev ? "reloaded" : "loaded", p->m.version,
		         p->disabled_reason);
	else
		snprintf(msg, sizeof msg, "%s %s, %zu job%s%s", prev ? "reloaded" : "loaded", p->m.version,
		         p->m.njobs, p->m.njobs == 1 ? "" : "s",
		         prev && serve_plugin_running(s, prev) ? "; runs of the old version finish first" : "");
	serve_log(s, "plugin", ev->name, NULL, -1, "%s", msg);
	if (serve_plugin_reschedule(s, p, why, sizeof why) == 0)
		reload_answer(s, ev->name, true, msg);
	else
		reload_answer(s, ev->name, false, why);
	if (nids)
		serve_articles(s, ids, nids);
	free(ids);
}

int serve_plugin_reload(struct serve *s, const char *name, serve_reload_fn done, void *ud, char *err,
                        size_t errlen)
{
	if (s->stopping || !s->set) {
		snprintf(err, errlen, "the service is stopping");
		return -1;
	}
	if (s->nwaiters == SERVE_MAX_WAITERS) {
		snprintf(err, errlen, "too many reloads waiting; try again");
		return -1;
	}
	if (plugin_reload(s->set, name, err, errlen))
		return -1;
	struct serve_reload_waiter *w = &s->waiters[s->nwaiters++];
	snprintf(w->name, sizeof w->name, "%s", name);
	w->done = done;
	w->ud = ud;
	return 0;
}

void serve_plugin_reload_forget(struct serve *s, void *ud)
{
	for (int i = 0; i < s->nwaiters;)
		if (s->waiters[i].ud == ud)
			s->waiters[i] = s->waiters[--s->nwaiters];
		else
			i++;
}

static int load_plugins(struct serve *s, char *err, size_t errlen)
{
	char dirs[16][PATH_MAX];
	size_t nd = 0;
	if (s->o.only_plugin_dirs)
		for (; nd < s->o.nplugin_dirs && nd < 16; nd++)
			snprintf(dirs[nd], PATH_MAX, "%s", s->o.plugin_dirs[nd]);
	else
		nd = plugin_search_path(dirs, 16, s->o.plugin_dirs, s->o.nplugin_dirs);
	struct plugin_set_opts po = {.dirs = (const char(*)[PATH_MAX])dirs, .ndirs = nd,
	                             .db_path = s->db_path, .engine = s->engine,
	                             .no_watch = s->o.no_schedule, .on_change = plugin_changed, .ud = s};
	s->set = plugin_set_open(&s->loop, &po, err, errlen);
	return s->set ? 0 : -1;
}

struct serve *serve_new(const struct serve_opts *o, char *err, size_t errlen)
{
	struct serve *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->o = *o;
	snprintf(s->db_path, sizeof s->db_path, "%s", o->db_path ? o->db_path : "trang.db");
	s->engine = &plugin_lua_engine;
	s->rng = (uint64_t)wall_now() * 2654435761u ^ (uint64_t)getpid();
	int rc = uv_loop_init(&s->loop);
	if (rc) {
		snprintf(err, errlen, "cannot start the event loop: %s", uv_strerror(rc));
		goto fail;
	}
	s->loop_open = true;
	if (sqlite3_open_v2(s->db_path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	        SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    serve_runs_ensure(s->db) || plugin_db_ensure(s->db)) {
		snprintf(err, errlen, "%s: %s", s->db_path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	/* A run left 'running' by a service that died did not finish. */
	if (sqlite3_exec(s->db,
	                 "UPDATE job_runs SET status = 'killed', error = 'the service ended before the "
	                 "run did' WHERE status = 'running'",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->db_path, sqlite3_errmsg(s->db));
		goto fail;
	}
	uv_idle_init(&s->loop, &s->runner);
	s->runner.data = s;
	uv_timer_init(&s->loop, &s->grace);
	s->grace.data = s;
	if (!o->no_signals) {
		uv_signal_init(&s->loop, &s->sigint);
		uv_signal_init(&s->loop, &s->sigterm);
		s->sigint.data = s->sigterm.data = s;
		uv_signal_start(&s->sigint, signal_cb, SIGINT);
		uv_signal_start(&s->sigterm, signal_cb, SIGTERM);
	}
	if (load_plugins(s, err, errlen))
		goto fail;
	return s;
fail:
	serve_free(s);
	return NULL;
}

int serve_run(struct serve *s)
{
	for (int i = 0; i < s->ncomps; i++) {
		char err[512] = "";
		if (s->comps[i].start && s->comps[i].start(s, s->comps[i].ud, err, sizeof err)) {
			serve_log(s, "error", NULL, NULL, -1, "%s: %s", s->comps[i].name, err);
			s->comp_failed = 1;
			serve_stop(s, "a component failed");
		}
	}
	long njobs = 0;
	for (struct serve_job *j = s->jobs; j; j = j->next)
		njobs++;
	serve_log(s, "start", NULL, NULL, -1, "pid %ld, %ld job%s, database %s", (long)getpid(), njobs,
	          njobs == 1 ? "" : "s", s->db_path);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	serve_log(s, "stopped", NULL, NULL, -1, "%ld run%s killed at the deadline%s",
	          s->killed_at_stop, s->killed_at_stop == 1 ? "" : "s",
	          s->db_failed ? "; the database failed" : "");
	return s->killed_at_stop || s->db_failed || s->comp_failed ? SERVE_EXIT_FAILED
	                                                           : SERVE_EXIT_CLEAN;
}

static void walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	close_quietly(h);
}

void serve_free(struct serve *s)
{
	if (!s)
		return;
	if (s->loop_open) {
		kill_all(s);
		while (any_working(s)) /* their runs end as their work returns */
			uv_run(&s->loop, UV_RUN_ONCE);
		s->stopping = true;
		maybe_finish_stop(s);
		uv_walk(&s->loop, walk_close, NULL);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
	}
	sqlite3_close(s->db);
	free(s);
}
