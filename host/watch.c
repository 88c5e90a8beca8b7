/* watch.c: the watched corpus (see watch.h). On the loop thread: one
 * uv_fs_event per folder (new folders get theirs as they appear), a table of
 * changed paths that settle, and a tick that hands the settled ones to
 * ingest_run on the thread pool, one ingest at a time. Too many changes at
 * once, or a lost event (libuv drops inotify's queue overflow silently), are
 * covered by walking the whole tree: ingest skips what it already has. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"

#define TICK_MS 50
#define DEFAULT_SETTLE_MS 300
#define DEFAULT_MAX_PENDING 1000
#define RESCAN_MAX_WAIT_MS 2000 /* a rescan waits for quiet, but not longer than this */

struct watch_dir {
	uv_fs_event_t h;
	struct watch *w;
	char *path;
};

/* A changed path waiting to settle. */
struct pending {
	char *path;
	uint64_t last_ms; /* loop time of the last event for it */
	int64_t size, mtime_ns;
	bool is_dir;
};

/* One ingest on the thread pool: its input, and what it found. */
struct watch_job {
	uv_work_t req;
	struct watch *w;
	char **paths;
	size_t npaths;
	bool rescan;
	/* the writes the update hook saw, in order; kept when their transaction commits */
	struct id_op *ops;
	size_t nops, committed, cap_ops;
	int64_t *ids;
	size_t nids;
	char **dirs; /* rescan: every folder of the tree, for watches missed */
	size_t ndirs;
	struct ingest_counts counts;
	char error[512];
};

struct id_op {
	int64_t id;
	size_t seq;
	bool deleted;
};

struct watch {
	uv_loop_t *loop;
	char db_path[PATH_MAX];
	char **roots;
	size_t nroots;
	struct watch_opts o;
	struct store st; /* the ingest's connection: opened and used on the pool only */
	bool st_open;
	volatile sig_atomic_t stop_flag; /* ingest_opts.stop */
	struct watch_dir **dirs;
	size_t ndirs, cap_dirs;
	struct pending *pend;
	size_t npend, cap_pend;
	uint32_t *index; /* open addressing over pend: position + 1, 0 empty */
	size_t index_cap;
	bool rescan_wanted, rescan_now;
	uint64_t rescan_since_ms, last_event_ms;
	uv_timer_t tick, every;
	bool busy, stopping;
	int open_handles;
	watch_stopped_fn done;
	void *done_ud;
	struct watch_stats stats;
};

static void finish_stop(struct watch *w);

/* ---- paths ---------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

static bool is_article_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcmp(name + n - 4, ".txt") == 0) || (n > 6 && strcmp(name + n - 6, ".jsonl") == 0);
}

/* True when path is dir or below it. */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Appends dir and every folder below it (hidden ones and symbolic links are
 * not followed) to *v. Runs on either thread. 0, or -1 on out of memory. */
static int collect_dirs(const char *dir, char ***v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char **more = realloc(*v, nc * sizeof *more);
		if (!more)
			return -1;
		*v = more;
		*cap = nc;
	}
	if (!((*v)[*n] = strdup(dir)))
		return -1;
	(*n)++;
	DIR *dh = opendir(dir);
	if (!dh)
		return 0; /* gone meanwhile, or unreadable: ingest reports it */
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = path_join(dir, e->d_name);
		if (!sub) {
			rc = -1;
			break;
		}
		struct stat sb;
		bool is_dir = e->d_type == DT_DIR ||
		              (e->d_type == DT_UNKNOWN && lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode));
		if (is_dir)
			rc = collect_dirs(sub, v, n, cap);
		free(sub);
	}
	closedir(dh);
	return rc;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- the table of pending paths ---------------------------------------------- */

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Rebuilds the index for the current entries; sized for twice max_pending. */
static void pending_reindex(struct watch *w)
{
	memset(w->index, 0, w->index_cap * sizeof *w->index);
	for (size_t i = 0; i < w->npend; i++) {
		size_t k = hash_path(w->pend[i].path) & (w->index_cap - 1);
		while (w->index[k])
			k = (k + 1) & (w->index_cap - 1);
		w->index[k] = (uint32_t)i + 1;
	}
}

static struct pending *pending_find(struct watch *w, const char *path, size_t *slot)
{
	size_t k = hash_path(path) & (w->index_cap - 1);
	for (; w->index[k]; k = (k + 1) & (w->index_cap - 1))
		if (strcmp(w->pend[w->index[k] - 1].path, path) == 0)
			return &w->pend[w->index[k] - 1];
	*slot = k;
	return NULL;
}

static void pending_clear(struct watch *w)
{
	for (size_t i = 0; i < w->npend; i++)
		free(w->pend[i].path);
	w->npend = 0;
	memset(w->index, 0, w->index_cap * sizeof *w->index);
}

static void start_tick(struct watch *w);

/* The whole tree is walked once things are quiet: what was pending is part of it. */
static void want_rescan(struct watch *w, bool now)
{
	if (!w->rescan_wanted)
		w->rescan_since_ms = uv_now(w->loop);
	w->rescan_wanted = true;
	w->rescan_now |= now;
	pending_clear(w);
	start_tick(w);
}

static void pending_add(struct watch *w, const char *path, const struct stat *sb)
{
	uint64_t now = uv_now(w->loop);
	w->last_event_ms = now;
	if (w->rescan_wanted)
		return;
	size_t slot;
	struct pending *p = pending_find(w, path, &slot);
	if (!p) {
		if (w->npend >= w->o.max_pending) {
			want_rescan(w, false);
			return;
		}
		char *copy = strdup(path);
		if (!copy) {
			want_rescan(w, false); /* a rescan needs no memory per path */
			return;
		}
		p = &w->pend[w->npend];
		p->path = copy;
		w->index[slot] = (uint32_t)++w->npend;
	}
	p->last_ms = now;
	p->size = (int64_t)sb->st_size;
	p->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
	p->is_dir = S_ISDIR(sb->st_mode);
	start_tick(w);
}

static void pending_remove(struct watch *w, const char *path)
{
	size_t slot, k = 0;
	if (!pending_find(w, path, &slot))
		return;
	for (size_t i = 0; i < w->npend; i++) {
		if (strcmp(w->pend[i].path, path) == 0)
			free(w->pend[i].path);
		else
			w->pend[k++] = w->pend[i];
	}
	w->npend = k;
	pending_reindex(w);
}

/* ---- folder watches ------------------------------------------------------------ */

static void on_handle_closed(uv_handle_t *h)
{
	struct watch *w = h->data;
	if (h->type == UV_FS_EVENT) {
		struct watch_dir *d = (struct watch_dir *)h;
		free(d->path);
		free(d);
	}
	if (--w->open_handles == 0 && w->stopping)
		finish_stop(w);
}

static struct watch_dir *dir_find(struct watch *w, const char *path)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (strcmp(w->dirs[i]->path, path) == 0)
			return w->dirs[i];
	return NULL;
}

static void on_fs_event(uv_fs_event_t *h, const char *name, int events, int status);

/* Watches one folder (if not yet). 0, or a negative UV_E* code. */
static int dir_watch(struct watch *w, const char *path)
{
	if (dir_find(w, path))
		return 0;
	if (w->ndirs == w->cap_dirs) {
		size_t nc = w->cap_dirs ? w->cap_dirs * 2 : 16;
		struct watch_dir **more = realloc(w->dirs, nc * sizeof *more);
		if (!more)
			return UV_ENOMEM;
		w->dirs = more;
		w->cap_dirs = nc;
	}
	struct watch_dir *d = calloc(1, sizeof *d);
	if (!d || !(d->path = strdup(path))) {
		free(d);
		return UV_ENOMEM;
	}
	d->w = w;
	int rc = uv_fs_event_init(w->loop, &d->h);
	if (rc < 0) {
		free(d->path);
		free(d);
		return rc;
	}
	d->h.data = w;
	w->open_handles++;
	if ((rc = uv_fs_event_start(&d->h, on_fs_event, path, 0)) < 0) {
		uv_close((uv_handle_t *)&d->h, on_handle_closed);
		return rc;
	}
	w->dirs[w->ndirs++] = d;
	return 0;
}

/* Watches path and every folder below it. 0, or a negative UV_E* code (the
 * folder that failed is named on stderr; ENOSPC: raise fs.inotify.max_user_watches). */
static int dir_watch_tree(struct watch *w, const char *path)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = collect_dirs(path, &v, &n, &cap) ? UV_ENOMEM : 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((rc = dir_watch(w, v[i])) < 0)
			fprintf(stderr, "trang: watch: %s: %s%s\n", v[i], uv_strerror(rc),
			        rc == UV_ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
	free_strings(v, n);
	return rc;
}

/* A folder is gone: its watches and those below it end. */
static void dir_unwatch_tree(struct watch *w, const char *path)
{
	size_t k = 0;
	for (size_t i = 0; i < w->ndirs; i++) {
		struct watch_dir *d = w->dirs[i];
		if (path_under(d->path, path)) {
			uv_fs_event_stop(&d->h);
			uv_close((uv_handle_t *)&d->h, on_handle_closed);
		} else {
			w->dirs[k++] = d;
		}
	}
	w->ndirs = k;
}

static void on_fs_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct watch_dir *d = (struct watch_dir *)h;
	struct watch *w = d->w;
	if (w->stopping)
		return;
	if (status < 0 || !name) {
		want_rescan(w, false); /* the kernel could not say what changed */
		return;
	}
	if (name[0] == '.')
		return; /* hidden, like ingest's walk: editors' and crawlers' temporary files */
	char *path = path_join(d->path, name);
	if (!path) {
		want_rescan(w, false);
		return;
	}
	struct stat sb;
	if (stat(path, &sb) != 0) {
		/* deleted or moved out: nothing to read (ingest --prune is the user's call) */
		pending_remove(w, path);
		if (dir_find(w, path))
			dir_unwatch_tree(w, path);
	} else if (S_ISDIR(sb.st_mode)) {
		/* Files written before its watch exists are found by ingesting the folder. */
		if (dir_watch_tree(w, path) < 0)
			want_rescan(w, false);
		pending_add(w, path, &sb);
	} else if (S_ISREG(sb.st_mode) && is_article_name(name)) {
		pending_add(w, path, &sb);
	}
	free(path);
}

/* ---- ingest on the thread pool --------------------------------------------------- */

static void job_free(struct watch_job *j)
{
	if (!j)
		return;
	free_strings(j->paths, j->npaths);
	free_strings(j->dirs, j->ndirs);
	free(j->ops);
	free(j->ids);
	free(j);
}

/* sqlite3_update_hook: every row written to articles, in order. */
static void on_row_written(void *ud, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
	struct watch_job *j = ud;
	if (strcmp(table, "articles") != 0 || strcmp(db, "main") != 0)
		return;
	if (j->nops == j->cap_ops) {
		size_t nc = j->cap_ops ? j->cap_ops * 2 : 256;
		struct id_op *more = realloc(j->ops, nc * sizeof *more);
		if (!more)
			return; /* the ids are a hint for hooks; the rows themselves are stored */
		j->ops = more;
		j->cap_ops = nc;
	}
	j->ops[j->nops] = (struct id_op){rowid, j->nops, op == SQLITE_DELETE};
	j->nops++;
}

static int on_commit(void *ud)
{
	struct watch_job *j = ud;
	j->committed = j->nops;
	return 0;
}

static void on_rollback(void *ud)
{
	struct watch_job *j = ud;
	j->nops = j->committed;
}

static int cmp_op(const void *a, const void *b)
{
	const struct id_op *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The committed writes -> ids present at the end (the last write to each id decides). */
static void job_collect_ids(struct watch_job *j)
{
	if (j->committed > 1) /* none: no array, and qsort(NULL, 0) is undefined */
		qsort(j->ops, j->committed, sizeof *j->ops, cmp_op);
	j->ids = malloc((j->committed ? j->committed : 1) * sizeof *j->ids);
	if (!j->ids)
		return;
	for (size_t i = 0; i < j->committed; i++) {
		bool last = i + 1 == j->committed || j->ops[i + 1].id != j->ops[i].id;
		if (last && !j->ops[i].deleted)
			j->ids[j->nids++] = j->ops[i].id;
	}
}

static void job_work(uv_work_t *req)
{
	struct watch_job *j = req->data;
	struct watch *w = j->w;
	if (!w->st_open) {
		if (store_open(&w->st, w->db_path, STORE_WRITE) != 0) {
			snprintf(j->error, sizeof j->error, "%s", w->st.err);
			return;
		}
		w->st_open = true;
	}
	struct ingest_opts io = w->o.ingest;
	io.progress = false;
	io.plugins = NULL; /* plugin states belong to the loop thread: see on_ingested */
	io.stop = &w->stop_flag;
	io.prune = false;
	sqlite3_update_hook(w->st.db, on_row_written, j);
	sqlite3_commit_hook(w->st.db, on_commit, j);
	sqlite3_rollback_hook(w->st.db, on_rollback, j);
	if (ingest_run(&w->st, j->paths, (int)j->npaths, &io, &j->counts) != 0)
		snprintf(j->error, sizeof j->error, "%s", w->st.err);
	sqlite3_update_hook(w->st.db, NULL, NULL);
	sqlite3_commit_hook(w->st.db, NULL, NULL);
	sqlite3_rollback_hook(w->st.db, NULL, NULL);
	job_collect_ids(j);
	size_t cap = 0;
	for (size_t i = 0; j->rescan && i < j->npaths; i++)
		if (collect_dirs(j->paths[i], &j->dirs, &j->ndirs, &cap))
			break; /* out of memory: the next events add what is missing */
}

static void job_done(uv_work_t *req, int status)
{
	struct watch_job *j = req->data;
	struct watch *w = j->w;
	w->busy = false;
	for (size_t i = 0; i < j->ndirs && !w->stopping; i++)
		dir_watch(w, j->dirs[i]); /* folders whose creation event was lost */
	if (status == 0) {
		w->stats.ingests++;
		w->stats.rescans += j->rescan;
		w->stats.articles += (long)j->nids;
		w->stats.last_at = (double)uv_hrtime() / 1e9;
		snprintf(w->stats.last_error, sizeof w->stats.last_error, "%s", j->error);
		if (j->error[0])
			fprintf(stderr, "trang: watch: ingest failed: %s\n", j->error);
		struct watch_result r = {
			.ids = j->ids, .nids = j->nids, .counts = j->counts, .npaths = j->npaths,
			.rescan = j->rescan, .error = j->error[0] ? j->error : NULL,
		};
		if (w->o.on_ingested && !w->stopping)
			w->o.on_ingested(w->o.ud, &r);
	}
	job_free(j);
	if (w->stopping) {
		if (w->open_handles == 0)
			finish_stop(w);
		return;
	}
	if (w->npend || w->rescan_wanted)
		start_tick(w);
}

/* Path order with '/' before every other byte, so a folder's descendants
 * follow it directly ("a/b", "a/b/c.txt", "a/b.txt"). */
static int cmp_path(const void *a, const void *b)
{
	const unsigned char *x = *(unsigned char *const *)a, *y = *(unsigned char *const *)b;
	for (; *x && *x == *y; x++, y++)
		;
	int cx = *x == '/' ? 1 : *x ? *x + 1 : 0, cy = *y == '/' ? 1 : *y ? *y + 1 : 0;
	return cx - cy;
}

/* Hands paths (owned) to the pool. Paths below another path of the set
 * are dropped: ingesting a folder walks them. */
static void job_start(struct watch *w, char **paths, size_t n, bool rescan)
{
	struct watch_job *j = calloc(1, sizeof *j);
	if (!j) {
		free_strings(paths, n);
		want_rescan(w, false);
		return;
	}
	if (n > 1)
		qsort(paths, n, sizeof *paths, cmp_path);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && path_under(paths[i], paths[k - 1]))
			free(paths[i]);
		else
			paths[k++] = paths[i];
	}
	j->w = w;
	j->paths = paths;
	j->npaths = k;
	j->rescan = rescan;
	j->req.data = j;
	int rc = uv_queue_work(w->loop, &j->req, job_work, job_done);
	if (rc < 0) {
		fprintf(stderr, "trang: watch: cannot queue the ingest: %s\n", uv_strerror(rc));
		job_free(j);
		want_rescan(w, false);
		return;
	}
	w->busy = true;
}

/* ---- the tick: what has settled goes to ingest ----------------------------------- */

static void start_rescan(struct watch *w)
{
	char **paths = calloc(w->nroots, sizeof *paths);
	size_t n = 0;
	for (size_t i = 0; paths && i < w->nroots; i++)
		if ((paths[n] = strdup(w->roots[i])))
			n++;
	if (!paths || n < w->nroots) {
		free_strings(paths, n);
		return; /* out of memory: the next tick tries again */
	}
	w->rescan_wanted = w->rescan_now = false;
	pending_clear(w);
	job_start(w, paths, n, true);
}

static void on_tick(uv_timer_t *t)
{
	struct watch *w = t->data;
	uint64_t now = uv_now(w->loop);
	if (w->busy || w->stopping)
		return;
	if (w->rescan_wanted) {
		if (w->rescan_now || now - w->last_event_ms >= w->o.settle_ms ||
		    now - w->rescan_since_ms >= RESCAN_MAX_WAIT_MS + w->o.settle_ms)
			start_rescan(w);
		return;
	}
	char **ready = NULL;
	size_t nready = 0, k = 0;
	for (size_t i = 0; i < w->npend; i++) {
		struct pending *p = &w->pend[i];
		struct stat sb;
		bool settled = now - p->last_ms >= w->o.settle_ms;
		if (settled && stat(p->path, &sb) != 0) {
			free(p->path); /* gone before it settled */
			continue;
		}
		int64_t mtime = settled ? (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec : 0;
		if (settled && !p->is_dir && (sb.st_size != p->size || mtime != p->mtime_ns)) {
			/* still being written, and the event was missed or merged: wait more */
			p->size = (int64_t)sb.st_size;
			p->mtime_ns = mtime;
			p->last_ms = now;
			settled = false;
		}
		if (settled) {
			if (!ready && !(ready = malloc(w->npend * sizeof *ready))) {
				w->pend[k++] = *p;
				continue;
			}
			ready[nready++] = p->path;
		} else {
			w->pend[k++] = *p;
		}
	}
	if (k != w->npend) {
		w->npend = k;
		pending_reindex(w);
	}
	if (nready)
		job_start(w, ready, nready, false);
	else
		free(ready);
	if (!w->npend && !w->rescan_wanted)
		uv_timer_stop(&w->tick);
}

static void start_tick(struct watch *w)
{
	if (!w->stopping && !uv_is_active((uv_handle_t *)&w->tick))
		uv_timer_start(&w->tick, on_tick, TICK_MS, TICK_MS);
}

static void on_every(uv_timer_t *t)
{
	want_rescan(t->data, true);
}

/* ---- start and stop ----------------------------------------------------------------- */

static void watch_free(struct watch *w)
{
	if (w->st_open)
		store_close(&w->st);
	pending_clear(w);
	free(w->pend);
	free(w->index);
	free(w->dirs);
	free_strings(w->roots, w->nroots);
	free(w);
}

static void finish_stop(struct watch *w)
{
	if (w->busy || w->open_handles > 0)
		return;
	watch_stopped_fn done = w->done;
	void *ud = w->done_ud;
	watch_free(w);
	if (done)
		done(ud);
}

struct watch *watch_start(uv_loop_t *loop, const char *db_path, char *const *dirs, size_t n,
                          const struct watch_opts *o, char *err, size_t errlen)
{
	struct watch *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->loop = loop;
	w->o = *o;
	if (!w->o.settle_ms)
		w->o.settle_ms = DEFAULT_SETTLE_MS;
	if (!w->o.max_pending)
		w->o.max_pending = DEFAULT_MAX_PENDING;
	if (!w->o.ingest.max_size)
		w->o.ingest.max_size = INGEST_DEFAULT_MAX_SIZE;
	snprintf(w->db_path, sizeof w->db_path, "%s", db_path);
	for (w->index_cap = 64; w->index_cap < 2 * w->o.max_pending; w->index_cap *= 2)
		;
	w->pend = calloc(w->o.max_pending, sizeof *w->pend);
	w->index = calloc(w->index_cap, sizeof *w->index);
	w->roots = calloc(n ? n : 1, sizeof *w->roots);
	if (!w->pend || !w->index || !w->roots) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (!(w->roots[i] = realpath(dirs[i], NULL)) || stat(w->roots[i], &sb) != 0) {
			snprintf(err, errlen, "%s: %s", dirs[i], strerror(errno));
			goto fail;
		}
		w->nroots++;
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: not a folder (watch folders; ingest single files with trang ingest)",
			         dirs[i]);
			goto fail;
		}
	}
	uv_timer_init(loop, &w->tick);
	uv_timer_init(loop, &w->every);
	w->tick.data = w->every.data = w;
	w->open_handles = 2;
	for (size_t i = 0; i < w->nroots; i++) {
		int rc = dir_watch_tree(w, w->roots[i]);
		if (rc < 0) {
			snprintf(err, errlen, "%s: cannot watch: %s%s", dirs[i], uv_strerror(rc),
			         rc == UV_ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
			watch_stop(w, NULL, NULL); /* handles close on the loop; w is freed there */
			return NULL;
		}
	}
	if (w->o.rescan_every_ms)
		uv_timer_start(&w->every, on_every, w->o.rescan_every_ms, w->o.rescan_every_ms);
	if (!w->o.no_initial_scan)
		want_rescan(w, true);
	return w;
fail:
	watch_free(w);
	return NULL;
}

void watch_rescan(struct watch *w)
{
	want_rescan(w, true);
}

void watch_stats(const struct watch *w, struct watch_stats *s)
{
	*s = w->stats;
	s->folders = w->ndirs;
	s->pending = w->npend;
	s->busy = w->busy;
}

void watch_stop(struct watch *w, watch_stopped_fn done, void *ud)
{
	if (w->stopping)
		return;
	w->stopping = true;
	w->stop_flag = 1;
	w->done = done;
	w->done_ud = ud;
	uv_close((uv_handle_t *)&w->tick, on_handle_closed);
	uv_close((uv_handle_t *)&w->every, on_handle_closed);
	for (size_t i = 0; i < w->ndirs; i++) {
		uv_fs_event_stop(&w->dirs[i]->h);
		uv_close((uv_handle_t *)&w->dirs[i]->h, on_handle_closed);
	}
	w->ndirs = 0;
}
