/* bench_serve.c: figures for `trang serve` (make bench): the loop's timer
 * lateness (median, 99th percentile) while idle and while a CPU-heavy job
 * computes, and the time from a file landing in a watched folder to its being
 * searchable (default settle delay).
 * usage: bench_serve PLUGINS_DIR [SECONDS] [FILES]
 * prints: "name median p99 samples" lines, times in ms. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fts.h"
#include "serve.h"
#include "store.h"
#include "watch.h"

#define PROBE_MS 10
#define MAX_SAMPLES 100000

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void print_stats(const char *name, double *v, size_t n)
{
	if (n == 0) {
		printf("%s nan nan 0\n", name);
		return;
	}
	qsort(v, n, sizeof *v, cmp_double);
	double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	size_t i99 = (size_t)(0.99 * (double)(n - 1) + 0.5);
	printf("%s %.3f %.3f %zu\n", name, median, v[i99], n);
}

/* ---- timer lateness ---- */

struct lateness {
	struct serve *s;
	uv_timer_t probe, stop;
	uint64_t armed_at;
	double *late;
	size_t n;
};

static void probe_cb(uv_timer_t *t)
{
	struct lateness *l = t->data;
	double ms = (double)(uv_hrtime() - l->armed_at) / 1e6 - PROBE_MS;
	if (l->n < MAX_SAMPLES)
		l->late[l->n++] = ms < 0 ? 0 : ms;
	l->armed_at = uv_hrtime();
	uv_timer_start(t, probe_cb, PROBE_MS, 0);
}

static void stop_cb(uv_timer_t *t)
{
	struct lateness *l = t->data;
	uv_close((uv_handle_t *)&l->probe, NULL);
	uv_close((uv_handle_t *)&l->stop, NULL);
	serve_stop(l->s, "bench");
}

/* Lateness of a PROBE_MS timer over secs seconds, with job (NULL: none) running. */
static int measure_lateness(const char *plugins, const char *job, double secs, const char *name)
{
	char *dirs[] = {(char *)plugins};
	char tmp[] = "/tmp/trang-bench-serve.XXXXXX", db[PATH_MAX], err[1024];
	if (!mkdtemp(tmp))
		return -1;
	snprintf(db, sizeof db, "%s/b.db", tmp);
	struct serve_opts o = {.db_path = db, .plugin_dirs = dirs, .nplugin_dirs = 1,
	                       .only_plugin_dirs = true, .quiet = true, .no_signals = true,
	                       .grace = 0.05};
	struct lateness l = {.late = malloc(MAX_SAMPLES * sizeof(double))};
	l.s = serve_new(&o, err, sizeof err);
	if (!l.s || !l.late) {
		fprintf(stderr, "bench_serve: %s\n", l.s ? "out of memory" : err);
		return -1;
	}
	int64_t id;
	if (job && serve_run_job(l.s, job, "manual", &id, err, sizeof err) != 0) {
		fprintf(stderr, "bench_serve: %s\n", err);
		return -1;
	}
	uv_timer_init(serve_loop(l.s), &l.probe);
	uv_timer_init(serve_loop(l.s), &l.stop);
	l.probe.data = l.stop.data = &l;
	uv_update_time(serve_loop(l.s));
	l.armed_at = uv_hrtime();
	uv_timer_start(&l.probe, probe_cb, PROBE_MS, 0);
	uv_timer_start(&l.stop, stop_cb, (uint64_t)(secs * 1000), 0);
	serve_run(l.s);
	serve_free(l.s);
	print_stats(name, l.late, l.n);
	free(l.late);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- file landing to searchable ---- */

struct landing {
	uv_loop_t loop;
	struct watch *w;
	struct store st;
	bool st_open;
	char dir[PATH_MAX], db[PATH_MAX];
	uv_timer_t tick;
	int files, done;
	bool waiting;
	uint64_t written_at, next_at;
	double *ms;
	int rc;
};

static long searchable(struct landing *l, int i)
{
	char word[64];
	snprintf(word, sizeof word, "zqxbench%d", i);
	buf q = BUF_INIT;
	sqlite3_stmt *s = NULL;
	long n = -1;
	if (fts_query_rewrite(&q, word, strlen(word), false) == 0 &&
	    store_prepare(&l->st, &s, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?") == 0) {
		sqlite3_bind_text(s, 1, q.data, (int)q.len, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	buf_free(&q);
	return n;
}

static void landing_stopped(void *ud)
{
	struct landing *l = ud;
	uv_close((uv_handle_t *)&l->tick, NULL);
}

/* Every 2 ms: write the next file when due, or look for the one written. */
static void tick_cb(uv_timer_t *t)
{
	struct landing *l = t->data;
	if (!l->waiting) {
		if (uv_hrtime() < l->next_at)
			return;
		char path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/land%04d.txt", l->dir, l->done);
		FILE *f = fopen(path, "w");
		if (!f) {
			l->rc = -1;
			uv_timer_stop(t);
			watch_stop(l->w, landing_stopped, l);
			return;
		}
		fprintf(f, "title: Bài số %d\n\nTin mới zqxbench%d về thời tiết Hà Nội hôm nay.\n", l->done,
		        l->done);
		fclose(f);
		l->written_at = uv_hrtime();
		l->waiting = true;
		return;
	}
	if (!l->st_open) {
		if (store_open(&l->st, l->db, STORE_READ) != 0)
			return; /* the database is not there yet */
		l->st_open = true;
	}
	if (searchable(l, l->done) == 1) {
		l->ms[l->done] = (double)(uv_hrtime() - l->written_at) / 1e6;
		l->waiting = false;
		l->next_at = uv_hrtime() + 100 * 1000000ull; /* a pause, so files do not batch */
		if (++l->done == l->files || (uv_hrtime() - l->written_at) > 30e9) {
			uv_timer_stop(t);
			watch_stop(l->w, landing_stopped, l);
		}
	} else if (uv_hrtime() - l->written_at > 30 * 1000000000ull) {
		fprintf(stderr, "bench_serve: file %d not searchable after 30 s\n", l->done);
		l->rc = -1;
		uv_timer_stop(t);
		watch_stop(l->w, landing_stopped, l);
	}
}

static int measure_landing(int files)
{
	struct landing l = {.files = files, .ms = calloc((size_t)files, sizeof(double))};
	char tmp[] = "/tmp/trang-bench-land.XXXXXX", err[512];
	if (!mkdtemp(tmp) || !l.ms)
		return -1;
	snprintf(l.dir, sizeof l.dir, "%s/in", tmp);
	snprintf(l.db, sizeof l.db, "%s/b.db", tmp);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "mkdir '%s'", l.dir);
	if (system(cmd) != 0 || uv_loop_init(&l.loop) != 0)
		return -1;
	char *dirs[] = {l.dir};
	struct watch_opts o = {.no_initial_scan = true};
	l.w = watch_start(&l.loop, l.db, dirs, 1, &o, err, sizeof err);
	if (!l.w) {
		fprintf(stderr, "bench_serve: %s\n", err);
		return -1;
	}
	uv_timer_init(&l.loop, &l.tick);
	l.tick.data = &l;
	uv_timer_start(&l.tick, tick_cb, 2, 2);
	uv_run(&l.loop, UV_RUN_DEFAULT);
	uv_loop_close(&l.loop);
	if (l.st_open)
		store_close(&l.st);
	print_stats("file_to_searchable_ms", l.ms, (size_t)l.done);
	free(l.ms);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	return l.rc == 0 && system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_serve PLUGINS_DIR [SECONDS] [FILES]\n");
		return 2;
	}
	double secs = argc > 2 ? atof(argv[2]) : 5;
	int files = argc > 3 ? atoi(argv[3]) : 20;
	if (measure_lateness(argv[1], NULL, secs, "timer_late_idle_ms") ||
	    measure_lateness(argv[1], "heavy.crunch", secs, "timer_late_cpu_job_ms") ||
	    measure_landing(files))
		return 1;
	return 0;
}
