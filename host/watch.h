/* watch.h: the watched corpus of `trang serve`: folders whose new, changed and
 * moved-in article files are ingested, after a settle delay, off the loop
 * thread. Relies on libuv file events (one per folder: Linux has no recursive
 * watch) and on ingest_run being incremental, so a rescan is cheap and exact. */
#ifndef TRANG_WATCH_H
#define TRANG_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "ingest.h"

/* What one ingest of the watcher stored; handed to on_ingested. */
struct watch_result {
	const int64_t *ids;   /* articles added or updated, ascending; valid during the call */
	size_t nids;
	struct ingest_counts counts;
	size_t npaths;        /* files and folders handed to ingest_run */
	bool rescan;          /* the whole watched tree was walked (start, overflow, interval) */
	const char *error;    /* the database failed (nothing from this ingest is stored); else NULL */
};

struct watch;

/* Both run on the loop thread. */
typedef void (*watch_ingested_fn)(void *ud, const struct watch_result *r);
typedef void (*watch_stopped_fn)(void *ud);

struct watch_opts {
	unsigned settle_ms;         /* a file is read once no event came for it this long; 0: 300 */
	size_t max_pending;         /* more changed paths than this: rescan the tree; 0: 1000 */
	unsigned rescan_every_ms;   /* also rescan the tree this often; 0: never */
	bool no_initial_scan;       /* do not ingest what is already there at start */
	struct ingest_opts ingest;  /* max_size, jobs; plugins and stop are the watcher's (ignored) */
	watch_ingested_fn on_ingested; /* after each ingest commits; may be NULL */
	void *ud;
};

/* Struct returned by watch_stats, for `trang status`. */
struct watch_stats {
	size_t folders;        /* folders with a file event handle */
	size_t pending;        /* changed paths waiting to settle */
	bool busy;             /* an ingest is running */
	long ingests, rescans; /* ingests run, of which rescans */
	long articles;         /* articles added or updated in all */
	double last_at;        /* uv_hrtime seconds of the last ingest's end; 0: none */
	char last_error[512];  /* the last database error, "" if none */
};

/* Watches dirs (and every folder below them) and ingests into db_path. Sets
 * up the watches before returning, so a file written after this call is seen;
 * unless o->no_initial_scan, the first ingest walks the whole tree. Call on
 * the loop thread. Returns NULL with err (which folder, why) on failure. */
struct watch *watch_start(uv_loop_t *loop, const char *db_path, char *const *dirs, size_t n,
                          const struct watch_opts *o, char *err, size_t errlen);

/* Rescans the whole tree soon (after the running ingest, if any). */
void watch_rescan(struct watch *w);

void watch_stats(const struct watch *w, struct watch_stats *s);

/* Stops: no new ingest starts, a running one commits what it has and ends;
 * handles are closed. done (may be NULL) runs on the loop once everything is
 * released and w is freed; the loop must keep running until then. */
void watch_stop(struct watch *w, watch_stopped_fn done, void *ud);

#endif
