/* plugin_reload.c: hot reload of plugins (see plugin_reload.h), in the manner
 * of Redis's FUNCTION LOAD REPLACE: build the new version completely, then
 * swap. Loads run on the libuv thread pool (a Lua state belongs to no thread,
 * only to one user at a time); swaps, events and watches stay on the loop
 * thread. A fingerprint of a folder's files (names, sizes, mtimes) tells a
 * real edit from an editor's noise, so state is not reset for nothing. */
#include "plugin_reload.h"

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SETTLE_MS 200

/* A runtime with its reference count: the set holds one while it is current. */
struct runtime_box {
	struct plugin_runtime pub; /* first: a struct plugin_runtime * is a struct runtime_box * */
	atomic_long refs;
	atomic_bool current;
};

struct entry;

/* A watch or timer of the set; freed by its close callback. */
struct set_handle {
	union {
		uv_fs_event_t ev;
		uv_timer_t timer;
	} h;
	struct plugin_set *s;
	struct entry *e; /* NULL: the set's own (search path folders, rescan timer) */
	char *path;
	bool is_watch;
};

/* One plugin folder on the search path. */
struct entry {
	char *name;
	char dir[PATH_MAX];
	struct runtime_box *cur;
	unsigned long generation;
	uint64_t fingerprint; /* of the files the last load attempt read */
	char error[4096];     /* the last load's error, "" if it went well */
	struct set_handle **watches;
	size_t nwatches;
	struct set_handle *settle;
	bool loading, again, gone, tried;
};

struct plugin_set {
	uv_loop_t *loop;
	struct plugin_set_opts o;
	char (*dirs)[PATH_MAX];
	char *db_path;
	const struct plugin_engine *engine;
	struct entry **v; /* in name order */
	size_t n;
	struct set_handle **watches; /* the search path folders */
	size_t nwatches;
	struct set_handle *rescan_timer;
	int open_handles, loads_running;
	bool closing, opening;
};

/* A load on the pool: its input, copied, and its outcome. */
struct load_job {
	uv_work_t req;
	struct plugin_set *s;
	struct entry *e;
	char name[128];
	char dir[PATH_MAX];
	struct plugin *deps; /* name and dir of each dependency's current version */
	size_t ndeps;
	char dep_problem[1024]; /* found on the loop thread: fails the load */
	/* outcome */
	struct runtime_box *box;
	bool absent; /* no plugin.lua: not a plugin (any more) */
	uint64_t fingerprint;
	char file[PATH_MAX + 16];
	char message[4096];
};

/* ---- runtimes ---------------------------------------------------------------- */

static void box_free(struct runtime_box *b)
{
	struct plugin *p = &b->pub.plugin;
	if (p->rt)
		b->pub.engine->unload(p->rt);
	plugin_manifest_free(&p->m);
	free(p->name);
	free(b);
}

void plugin_runtime_hold(struct plugin_runtime *r)
{
	atomic_fetch_add(&((struct runtime_box *)r)->refs, 1);
}

struct plugin_runtime *plugin_runtime_of(struct plugin *p)
{
	return (struct plugin_runtime *)p; /* plugin is the first member */
}

void plugin_runtime_release(struct plugin_runtime *r)
{
	struct runtime_box *b = (struct runtime_box *)r;
	if (r && atomic_fetch_sub(&b->refs, 1) == 1)
		box_free(b);
}

bool plugin_runtime_is_current(const struct plugin_runtime *r)
{
	return atomic_load(&((struct runtime_box *)r)->current);
}

long plugin_runtime_users(const struct plugin_runtime *r)
{
	struct runtime_box *b = (struct runtime_box *)r;
	return atomic_load(&b->refs) - (atomic_load(&b->current) ? 1 : 0);
}

/* ---- folders --------------------------------------------------------------------- */

static bool noise_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || (n && name[n - 1] == '~'); /* hidden, editors' backups */
}

/* Mixes the folder's files (relative names, sizes, mtimes, inodes) into *h and,
 * if dirs, lists its folders. Hidden entries are left out. */
static void fingerprint_walk(const char *dir, size_t rel, uint64_t *h, char ***dirs, size_t *ndirs)
{
	if (dirs) {
		char **more = realloc(*dirs, (*ndirs + 1) * sizeof *more);
		if (more && (more[*ndirs] = strdup(dir)))
			(*ndirs)++;
		if (more)
			*dirs = more;
	}
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (noise_name(e->d_name))
			continue;
		char path[PATH_MAX];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
		    lstat(path, &sb) != 0)
			continue;
		int64_t v[3] = {(int64_t)sb.st_size, (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec,
		                (int64_t)sb.st_ino};
		uint64_t eh = 1469598103934665603ull; /* FNV-1a of the entry */
		for (const char *c = path + rel; *c; c++)
			eh = (eh ^ (unsigned char)*c) * 1099511628211ull;
		for (size_t i = 0; i < sizeof v; i++)
			eh = (eh ^ ((const unsigned char *)v)[i]) * 1099511628211ull;
		*h += eh; /* a sum: readdir's order does not matter */
		if (S_ISDIR(sb.st_mode))
			fingerprint_walk(path, rel, h, dirs, ndirs);
	}
	closedir(dh);
}

static uint64_t fingerprint(const char *dir)
{
	uint64_t h = 0;
	fingerprint_walk(dir, strlen(dir), &h, NULL, NULL);
	return h;
}

/* ---- building a version (any thread) ------------------------------------------------- */

/* A new version keeps the plugin's failure count and disabled flag (only
 * `trang plugin enable` clears them). Read-only; no database: nothing. */
static void load_failure_state(struct plugin *p, const char *db_path)
{
	sqlite3 *db = NULL;
	if (db_path && sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		struct plugin *one[1] = {p};
		struct plugin_registry reg = {.v = one, .n = 1};
		plugin_registry_load_state(&reg, db);
	}
	sqlite3_close(db);
}

/* Reads, validates and loads the plugin in j->dir into j->box, or fills
 * j->file and j->message. Touches nothing shared. */
static void build_version(struct load_job *j, const struct plugin_engine *engine, const char *db_path)
{
	char mpath[PATH_MAX + 16];
	struct stat sb;
	j->fingerprint = fingerprint(j->dir);
	snprintf(mpath, sizeof mpath, "%s/plugin.lua", j->dir);
	if (stat(mpath, &sb) != 0) {
		j->absent = true;
		return;
	}
	snprintf(j->file, sizeof j->file, "%s", mpath);
	struct runtime_box *b = calloc(1, sizeof *b);
	if (!b || !(b->pub.plugin.name = strdup(j->name))) {
		free(b);
		snprintf(j->message, sizeof j->message, "out of memory");
		return;
	}
	b->pub.engine = engine;
	struct plugin *p = &b->pub.plugin;
	snprintf(p->dir, sizeof p->dir, "%s", j->dir);
	snprintf(p->origin, sizeof p->origin, "%.*s", (int)(strrchr(j->dir, '/') - j->dir), j->dir);
	if (engine->read_manifest(mpath, &p->m, j->message, sizeof j->message) != 0)
		goto fail;
	if (plugin_manifest_validate(&p->m, j->name, mpath, j->message, sizeof j->message) > 0) {
		size_t l = strlen(j->message);
		if (l && j->message[l - 1] == '\n')
			j->message[l - 1] = '\0';
		goto fail;
	}
	semver_parse(p->m.version, &p->m.ver);
	p->manifest_ok = true;
	if (j->dep_problem[0]) {
		snprintf(j->message, sizeof j->message, "%s: %s", mpath, j->dep_problem);
		goto fail;
	}
	struct plugin *deps[32];
	for (size_t i = 0; i < j->ndeps && i < 32; i++)
		deps[i] = &j->deps[i];
	snprintf(j->file, sizeof j->file, "%s/init.lua", j->dir);
	p->rt = engine->load(p, deps, j->ndeps < 32 ? j->ndeps : 32, db_path, j->message, sizeof j->message);
	if (!p->rt)
		goto fail;
	load_failure_state(p, db_path);
	atomic_init(&b->refs, 1);
	atomic_init(&b->current, true);
	j->box = b;
	j->file[0] = j->message[0] = '\0';
	return;
fail:
	if (!j->message[0])
		snprintf(j->message, sizeof j->message, "failed to load");
	box_free(b);
}

/* ---- events ------------------------------------------------------------------------ */

static void emit(struct plugin_set *s, const struct plugin_change_event *ev)
{
	if (s->o.on_change && !s->closing)
		s->o.on_change(s->o.ud, ev);
}

/* The current version stops being current; its users finish on it. The
 * caller releases the set's hold (after its event, which names it). */
static struct runtime_box *retire(struct entry *e, long *users)
{
	struct runtime_box *old = e->cur;
	if (users)
		*users = old ? atomic_load(&old->refs) - 1 : 0;
	if (!old)
		return NULL;
	e->cur = NULL;
	atomic_store(&old->current, false);
	return old;
}

static void release_box(struct runtime_box *b)
{
	if (b)
		plugin_runtime_release(&b->pub);
}

/* ---- handles ------------------------------------------------------------------------ */

static void maybe_free_set(struct plugin_set *s);

static void on_handle_closed(uv_handle_t *h)
{
	struct set_handle *sh = h->data;
	struct plugin_set *s = sh->s;
	free(sh->path);
	free(sh);
	s->open_handles--;
	maybe_free_set(s);
}

static void handle_close(struct set_handle *sh)
{
	if (!sh)
		return;
	if (sh->is_watch) {
		uv_fs_event_stop(&sh->h.ev);
		uv_close((uv_handle_t *)&sh->h.ev, on_handle_closed);
	} else {
		uv_close((uv_handle_t *)&sh->h.timer, on_handle_closed);
	}
}

static struct set_handle *handle_new(struct plugin_set *s, struct entry *e)
{
	struct set_handle *sh = calloc(1, sizeof *sh);
	if (!sh)
		return NULL;
	sh->s = s;
	sh->e = e;
	return sh;
}

static struct set_handle *watch_new(struct plugin_set *s, struct entry *e, const char *path, uv_fs_event_cb cb)
{
	struct set_handle *sh = handle_new(s, e);
	if (!sh || !(sh->path = strdup(path)) || uv_fs_event_init(s->loop, &sh->h.ev) < 0) {
		if (sh)
			free(sh->path);
		free(sh);
		return NULL;
	}
	sh->h.ev.data = sh;
	sh->is_watch = true;
	s->open_handles++;
	if (uv_fs_event_start(&sh->h.ev, cb, path, 0) < 0) {
		handle_close(sh);
		return NULL;
	}
	return sh;
}

static struct set_handle *timer_new(struct plugin_set *s, struct entry *e)
{
	struct set_handle *sh = handle_new(s, e);
	if (!sh || uv_timer_init(s->loop, &sh->h.timer) < 0) {
		free(sh);
		return NULL;
	}
	sh->h.timer.data = sh;
	s->open_handles++;
	return sh;
}

/* ---- entries ------------------------------------------------------------------------ */

static void start_load(struct plugin_set *s, struct entry *e);
static void rescan(struct plugin_set *s);

static void on_settled(uv_timer_t *t)
{
	struct set_handle *sh = t->data;
	struct entry *e = sh->e;
	if (e->loading) {
		e->again = true; /* looked at again when the running load ends */
		return;
	}
	struct stat sb;
	if (stat(e->dir, &sb) != 0) {
		rescan(sh->s); /* the folder went away */
		return;
	}
	if (fingerprint(e->dir) != e->fingerprint)
		start_load(sh->s, e);
}

static void on_entry_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct set_handle *sh = h->data;
	if (sh->s->closing || (name && noise_name(name)))
		return;
	uv_timer_start(&sh->e->settle->h.timer, on_settled, sh->s->o.settle_ms, 0);
}

/* Watches the entry's folder and the folders below it (those not yet watched). */
static void entry_watch(struct plugin_set *s, struct entry *e)
{
	char **dirs = NULL;
	size_t nd = 0;
	uint64_t ignored = 0;
	fingerprint_walk(e->dir, 0, &ignored, &dirs, &nd);
	for (size_t i = 0; i < nd; i++) {
		bool have = false;
		for (size_t k = 0; k < e->nwatches && !have; k++)
			have = strcmp(e->watches[k]->path, dirs[i]) == 0;
		struct set_handle **more = have ? NULL : realloc(e->watches, (e->nwatches + 1) * sizeof *more);
		if (more) {
			e->watches = more;
			if ((more[e->nwatches] = watch_new(s, e, dirs[i], on_entry_event)))
				e->nwatches++;
		}
		free(dirs[i]);
	}
	free(dirs);
}

static struct entry *entry_find(const struct plugin_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i]->name, name) == 0)
			return s->v[i];
	return NULL;
}

static struct entry *entry_new(struct plugin_set *s, const char *origin, const char *name)
{
	struct entry *e = calloc(1, sizeof *e);
	struct entry **v = realloc(s->v, (s->n + 1) * sizeof *v);
	if (v)
		s->v = v;
	if (!e || !v || !(e->name = strdup(name))) {
		free(e);
		return NULL;
	}
	snprintf(e->dir, sizeof e->dir, "%s/%s", origin, name);
	if (!s->o.no_watch && !(e->settle = timer_new(s, e))) {
		free(e->name);
		free(e);
		return NULL;
	}
	size_t at = 0; /* keep name order */
	while (at < s->n && strcmp(s->v[at]->name, name) < 0)
		at++;
	memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof *s->v);
	s->v[at] = e;
	s->n++;
	if (!s->o.no_watch)
		entry_watch(s, e);
	return e;
}

/* Frees an entry whose load is not running; its handles close on the loop. */
static void entry_free(struct entry *e)
{
	release_box(retire(e, NULL));
	for (size_t i = 0; i < e->nwatches; i++)
		handle_close(e->watches[i]);
	handle_close(e->settle);
	free(e->watches);
	free(e->name);
	free(e);
}

/* Takes e out of the set: gone from disk. */
static void entry_remove(struct plugin_set *s, struct entry *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == e) {
			memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
			s->n--;
			break;
		}
	struct plugin_change_event ev = {.change = PLUGIN_UNLOADED, .name = e->name};
	struct runtime_box *old = retire(e, &ev.draining);
	ev.previous = old ? &old->pub : NULL;
	if (old)
		emit(s, &ev);
	release_box(old);
	if (e->loading)
		e->gone = true; /* freed when its load ends */
	else
		entry_free(e);
}

/* ---- loading -------------------------------------------------------------------------- */

/* A job for e with its dependencies resolved against the current versions. */
static struct load_job *job_new(struct plugin_set *s, struct entry *e)
{
	struct load_job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->s = s;
	j->e = e;
	j->req.data = j;
	snprintf(j->name, sizeof j->name, "%s", e->name);
	snprintf(j->dir, sizeof j->dir, "%s", e->dir);
	/* Dependencies are checked against what runs now; the manifest on disk
	 * (read again by the job) says which, so read it here too, cheaply. */
	struct plugin_manifest m = {0};
	char mpath[PATH_MAX + 16], err[512];
	snprintf(mpath, sizeof mpath, "%s/plugin.lua", e->dir);
	if (s->engine->read_manifest(mpath, &m, err, sizeof err) != 0 || !m.nrequires) {
		plugin_manifest_free(&m);
		return j; /* no dependencies, or the job reports the manifest's error */
	}
	j->deps = calloc(m.nrequires, sizeof *j->deps);
	for (size_t k = 0; j->deps && k < m.nrequires; k++) {
		const struct plugin_require *r = &m.requires[k];
		struct entry *d = entry_find(s, r->name);
		size_t used = strlen(j->dep_problem);
		if (!d || !d->cur)
			snprintf(j->dep_problem + used, sizeof j->dep_problem - used,
			         "%srequires %s %s, which is not loaded", used ? "; " : "", r->name, r->range);
		else if (semver_range_match(r->range, &d->cur->pub.plugin.m.ver) != 1)
			snprintf(j->dep_problem + used, sizeof j->dep_problem - used, "%srequires %s %s, found %s",
			         used ? "; " : "", r->name, r->range, d->cur->pub.plugin.m.version);
		else {
			snprintf(j->deps[j->ndeps].dir, sizeof j->deps[j->ndeps].dir, "%s", d->dir);
			j->deps[j->ndeps].name = strdup(d->name);
			j->ndeps++;
		}
	}
	plugin_manifest_free(&m);
	return j;
}

static void job_free(struct load_job *j)
{
	for (size_t i = 0; i < j->ndeps; i++)
		free(j->deps[i].name);
	free(j->deps);
	free(j);
}

/* Swaps the outcome in (or reports it). Loop thread. */
static void job_apply(struct plugin_set *s, struct entry *e, struct load_job *j)
{
	e->fingerprint = j->fingerprint;
	e->tried = true;
	struct plugin_change_event ev = {.name = e->name};
	if (j->absent) {
		e->error[0] = '\0';
		if (!e->cur)
			return; /* a folder that is not a plugin (yet) */
		ev.change = PLUGIN_UNLOADED;
		struct runtime_box *old = retire(e, &ev.draining);
		ev.previous = &old->pub;
		emit(s, &ev);
		release_box(old);
		return;
	}
	if (!j->box) {
		snprintf(e->error, sizeof e->error, "%s", j->message);
		ev.change = PLUGIN_FAILED;
		ev.current = e->cur ? &e->cur->pub : NULL;
		ev.file = j->file;
		ev.message = j->message;
		ev.kept_old = e->cur != NULL;
		emit(s, &ev);
		return;
	}
	e->error[0] = '\0';
	struct runtime_box *old = retire(e, &ev.draining);
	e->cur = j->box;
	j->box = NULL;
	e->cur->pub.generation = ++e->generation;
	ev.change = old ? PLUGIN_RELOADED : PLUGIN_LOADED;
	ev.current = &e->cur->pub;
	ev.previous = old ? &old->pub : NULL;
	emit(s, &ev);
	release_box(old);
	if (s->opening)
		return; /* load_sync goes through every folder anyway */
	/* Dependents load the new version's modules; those that could not load
	 * for want of this one may now. */
	for (size_t i = 0; i < s->n; i++) {
		struct entry *d = s->v[i];
		bool depends = false;
		for (size_t k = 0; d->cur && k < d->cur->pub.plugin.m.nrequires && !depends; k++)
			depends = strcmp(d->cur->pub.plugin.m.requires[k].name, e->name) == 0;
		if (d != e && (depends || (!d->cur && d->error[0])))
			start_load(s, d);
	}
}

static void job_work(uv_work_t *req)
{
	struct load_job *j = req->data;
	build_version(j, j->s->engine, j->s->db_path);
}

static void job_done(uv_work_t *req, int status)
{
	struct load_job *j = req->data;
	struct plugin_set *s = j->s;
	struct entry *e = j->e;
	s->loads_running--;
	e->loading = false;
	if (s->closing || e->gone) {
		if (j->box)
			box_free(j->box);
		if (e->gone || s->closing)
			entry_free(e);
		job_free(j);
		maybe_free_set(s);
		return;
	}
	job_apply(s, e, j);
	if (j->box)
		box_free(j->box);
	job_free(j);
	if (!s->o.no_watch)
		entry_watch(s, e); /* new subfolders */
	if (e->again) {
		e->again = false;
		if (fingerprint(e->dir) != e->fingerprint)
			start_load(s, e);
	}
}

static void start_load(struct plugin_set *s, struct entry *e)
{
	if (e->loading) {
		e->again = true;
		return;
	}
	struct load_job *j = job_new(s, e);
	if (!j)
		return;
	if (uv_queue_work(s->loop, &j->req, job_work, job_done) < 0) {
		job_free(j);
		return;
	}
	e->loading = true;
	s->loads_running++;
}

/* At open: dependencies first, on this thread. */
static void load_sync(struct plugin_set *s, struct entry *e, int depth)
{
	if (e->tried || depth > 16)
		return;
	e->tried = true;
	struct plugin_manifest m = {0};
	char mpath[PATH_MAX + 16], err[512];
	snprintf(mpath, sizeof mpath, "%s/plugin.lua", e->dir);
	if (s->engine->read_manifest(mpath, &m, err, sizeof err) == 0)
		for (size_t k = 0; k < m.nrequires; k++) {
			struct entry *d = entry_find(s, m.requires[k].name);
			if (d)
				load_sync(s, d, depth + 1);
		}
	plugin_manifest_free(&m);
	struct load_job *j = job_new(s, e);
	if (!j)
		return;
	build_version(j, s->engine, s->db_path);
	job_apply(s, e, j);
	if (j->box)
		box_free(j->box);
	job_free(j);
}

/* ---- the search path -------------------------------------------------------------------- */

/* Finds the folders on the path: new ones are added and loaded, gone ones unloaded. */
static void rescan(struct plugin_set *s)
{
	char **names = NULL, **origins = NULL;
	size_t nn = 0;
	for (size_t d = 0; d < s->o.ndirs; d++) {
		DIR *dh = opendir(s->dirs[d]);
		struct dirent *de;
		while (dh && (de = readdir(dh))) {
			char path[PATH_MAX * 2];
			struct stat sb;
			snprintf(path, sizeof path, "%s/%s", s->dirs[d], de->d_name);
			if (noise_name(de->d_name) || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
				continue;
			bool seen = false;
			for (size_t i = 0; i < nn && !seen; i++)
				seen = strcmp(names[i], de->d_name) == 0; /* shadowed by an earlier folder */
			char **n2 = seen ? NULL : realloc(names, (nn + 1) * sizeof *n2);
			if (n2)
				names = n2;
			char **o2 = n2 ? realloc(origins, (nn + 1) * sizeof *o2) : NULL;
			if (o2)
				origins = o2;
			if (o2 && (names[nn] = strdup(de->d_name))) {
				origins[nn] = s->dirs[d];
				nn++;
			}
		}
		if (dh)
			closedir(dh);
	}
	/* gone, or now found in another folder of the path */
	for (size_t i = 0; i < s->n;) {
		struct entry *e = s->v[i];
		bool keep = false;
		for (size_t k = 0; k < nn && !keep; k++) {
			char dir[PATH_MAX * 2];
			snprintf(dir, sizeof dir, "%s/%s", origins[k], names[k]);
			keep = strcmp(names[k], e->name) == 0 && strcmp(dir, e->dir) == 0;
		}
		if (keep)
			i++;
		else
			entry_remove(s, e);
	}
	for (size_t k = 0; k < nn; k++) {
		struct entry *e = entry_find(s, names[k]);
		if (!e && (e = entry_new(s, origins[k], names[k])) && !s->closing)
			start_load(s, e);
		free(names[k]);
	}
	free(names);
	free(origins);
}

static void on_rescan_timer(uv_timer_t *t)
{
	struct set_handle *sh = t->data;
	if (!sh->s->closing)
		rescan(sh->s);
}

static void on_path_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct set_handle *sh = h->data;
	struct plugin_set *s = sh->s;
	if (s->closing || (name && noise_name(name)))
		return;
	uv_timer_start(&s->rescan_timer->h.timer, on_rescan_timer, s->o.settle_ms, 0);
}

/* ---- the set ------------------------------------------------------------------------------ */

static void maybe_free_set(struct plugin_set *s)
{
	if (!s->closing || s->open_handles > 0 || s->loads_running > 0)
		return;
	free(s->v);
	free(s->watches);
	free(s->dirs);
	free(s->db_path);
	free(s);
}

struct plugin_set *plugin_set_open(uv_loop_t *loop, const struct plugin_set_opts *o, char *err,
                                   size_t errlen)
{
	struct plugin_set *s = calloc(1, sizeof *s);
	if (!s)
		goto oom;
	s->loop = loop;
	s->o = *o;
	if (!s->o.settle_ms)
		s->o.settle_ms = DEFAULT_SETTLE_MS;
	s->engine = o->engine ? o->engine : &plugin_lua_engine;
	s->dirs = calloc(o->ndirs ? o->ndirs : 1, sizeof *s->dirs);
	if (!s->dirs || (o->db_path && !(s->db_path = strdup(o->db_path)))) {
		free(s->dirs);
		free(s);
		goto oom;
	}
	memcpy(s->dirs, o->dirs, o->ndirs * sizeof *s->dirs);
	s->o.dirs = (const char(*)[PATH_MAX])s->dirs;
	if (!o->no_watch) {
		if (!(s->rescan_timer = timer_new(s, NULL)) ||
		    !(s->watches = calloc(o->ndirs ? o->ndirs : 1, sizeof *s->watches))) {
			plugin_set_close(s);
			goto oom;
		}
		for (size_t d = 0; d < o->ndirs; d++) {
			struct stat sb;
			if (stat(s->dirs[d], &sb) == 0 && S_ISDIR(sb.st_mode) &&
			    (s->watches[s->nwatches] = watch_new(s, NULL, s->dirs[d], on_path_event)))
				s->nwatches++; /* a folder of the path that does not exist is not watched */
		}
	}
	s->closing = true; /* no loads on the pool while the set is being filled */
	rescan(s);
	s->closing = false;
	s->opening = true;
	for (size_t i = 0; i < s->n; i++)
		load_sync(s, s->v[i], 0);
	s->opening = false;
	return s;
oom:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

int plugin_reload(struct plugin_set *s, const char *name, char *err, size_t errlen)
{
	struct entry *e = entry_find(s, name);
	struct stat sb;
	if (!e || stat(e->dir, &sb) != 0) {
		rescan(s); /* new or gone: rescan starts or ends it */
		if (!entry_find(s, name) && !e) {
			snprintf(err, errlen, "no plugin folder '%s' on the plugin path", name);
			return -1;
		}
		return 0;
	}
	start_load(s, e);
	return 0;
}

void plugin_set_rescan(struct plugin_set *s)
{
	rescan(s);
}

struct plugin_runtime *plugin_runtime_acquire(struct plugin_set *s, const char *name)
{
	struct entry *e = entry_find(s, name);
	if (!e || !e->cur)
		return NULL;
	atomic_fetch_add(&e->cur->refs, 1);
	return &e->cur->pub;
}

size_t plugin_set_count(const struct plugin_set *s) { return s->n; }
const char *plugin_set_name(const struct plugin_set *s, size_t i) { return i < s->n ? s->v[i]->name : NULL; }
const char *plugin_set_error(const struct plugin_set *s, size_t i) { return i < s->n ? s->v[i]->error : NULL; }

void plugin_set_close(struct plugin_set *s)
{
	s->closing = true;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i]->loading) {
			release_box(retire(s->v[i], NULL));
			s->v[i]->gone = true; /* freed when its load ends */
		} else {
			entry_free(s->v[i]);
		}
	}
	s->n = 0;
	for (size_t i = 0; i < s->nwatches; i++)
		handle_close(s->watches[i]);
	s->nwatches = 0;
	handle_close(s->rescan_timer);
	s->rescan_timer = NULL;
	maybe_free_set(s);
}
