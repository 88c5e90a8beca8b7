/* plugin.c: the plugin registry (see plugin.h). Knows nothing about Lua: it
 * finds plugin folders, validates manifests, resolves dependencies, counts
 * failures in the database and drives an engine (struct plugin_engine). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin.h"

/* ---- semver ---- */

static const char *parse_num(const char *s, long *out)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return NULL; /* no leading zeros */
	long n = 0;
	while (isdigit((unsigned char)*s)) {
		if (n > 100000000)
			return NULL;
		n = n * 10 + (*s++ - '0');
	}
	*out = n;
	return s;
}

/* Parses up to three numbers; *parts says how many were given. */
static const char *parse_partial(const char *s, struct semver *v, int *parts)
{
	memset(v, 0, sizeof *v);
	*parts = 0;
	long *f[] = {&v->major, &v->minor, &v->patch};
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (*s != '.')
				break;
			s++;
		}
		if ((*s == 'x' || *s == '*') && i > 0) {
			s++;
			break;
		}
		s = parse_num(s, f[i]);
		if (!s)
			return NULL;
		(*parts)++;
	}
	if (*s == '-') {
		size_t n = strcspn(s + 1, "+ ");
		if (n == 0 || n >= sizeof v->pre)
			return NULL;
		memcpy(v->pre, s + 1, n);
		v->pre[n] = '\0';
		s += 1 + n;
	}
	if (*s == '+')
		s += 1 + strcspn(s + 1, " ");
	return s;
}

int semver_parse(const char *s, struct semver *v)
{
	int parts;
	const char *end = parse_partial(s, v, &parts);
	return end && *end == '\0' && parts == 3 ? 0 : -1;
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (!a->pre[0] || !b->pre[0]) /* a release ranks above its pre-releases */
		return a->pre[0] ? -1 : b->pre[0] ? 1 : 0;
	int c = strcmp(a->pre, b->pre);
	return c < 0 ? -1 : c > 0;
}

/* One comparator against v: 1, 0, or -1 malformed. */
static int comparator_match(const char *tok, const struct semver *v)
{
	char op[3] = "";
	size_t n = strspn(tok, "<>=^~");
	if (n > 2)
		return -1;
	memcpy(op, tok, n);
	op[n] = '\0';
	if (strcmp(tok + n, "*") == 0 && n == 0)
		return 1;
	struct semver r, hi;
	int parts;
	const char *end = parse_partial(tok + n, &r, &parts);
	if (!end || *end || parts == 0)
		return -1;
	int c = semver_cmp(v, &r);
	if (!*op || strcmp(op, "~") == 0 || strcmp(op, "^") == 0 || strcmp(op, "=") == 0) {
		if (strcmp(op, "=") == 0 && parts == 3)
			return c == 0;
		hi = r;
		hi.pre[0] = '\0';
		if (strcmp(op, "^") == 0 && r.major > 0) {
			hi.major++;
			hi.minor = hi.patch = 0;
		} else if ((strcmp(op, "^") == 0 && parts >= 2) || parts == 2 ||
		           (strcmp(op, "~") == 0 && parts == 3)) {
			hi.minor++;
			hi.patch = 0;
		} else if (parts == 1) {
			hi.major++;
			hi.minor = hi.patch = 0;
		} else {
			return c == 0; /* "1.2.3" exactly */
		}
		return c >= 0 && semver_cmp(v, &hi) < 0;
	}
	if (strcmp(op, ">=") == 0)
		return c >= 0;
	if (strcmp(op, ">") == 0)
		return c > 0;
	if (strcmp(op, "<=") == 0)
		return c <= 0;
	if (strcmp(op, "<") == 0)
		return c < 0;
	return -1;
}

int semver_range_match(const char *range, const struct semver *v)
{
	char tok[64];
	int result = 1, seen = 0;
	for (const char *p = range;;) {
		p += strspn(p, " ");
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		if (n >= sizeof tok)
			return -1;
		memcpy(tok, p, n);
		tok[n] = '\0';
		int m = comparator_match(tok, v);
		if (m < 0)
			return -1;
		result &= m;
		seen++;
		p += n;
	}
	return seen ? result : -1;
}

/* ---- manifests ---- */

const char *plugin_opt_type_name(enum plugin_opt_type t)
{
	static const char *const names[] = {"string", "number", "integer", "boolean"};
	return names[t];
}

static void appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static bool valid_name(const char *s)
{
	if (!s || !islower((unsigned char)*s) || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

double plugin_parse_duration(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !(v > 0))
		return -1;
	if (strcmp(end, "s") == 0 || *end == '\0')
		return v;
	if (strcmp(end, "m") == 0)
		return v * 60;
	if (strcmp(end, "h") == 0)
		return v * 3600;
	if (strcmp(end, "d") == 0)
		return v * 86400;
	return -1;
}

/* Five fields of digits, '*', ',', '-', '/' (the scheduler parses them fully). */
static bool cron_shape_ok(const char *s)
{
	int fields = 0;
	for (const char *p = s;;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t n = strcspn(p, " \t");
		for (size_t i = 0; i < n; i++)
			if (!isdigit((unsigned char)p[i]) && !strchr("*,-/", p[i]))
				return false;
		fields++;
		p += n;
	}
	return fields == 5;
}

static bool default_fits(enum plugin_opt_type t, const char *def)
{
	char *end;
	switch (t) {
	case PLUGIN_OPT_STRING:
		return true;
	case PLUGIN_OPT_NUMBER:
		strtod(def, &end);
		return *def && !*end;
	case PLUGIN_OPT_INTEGER:
		strtoll(def, &end, 10);
		return *def && !*end;
	case PLUGIN_OPT_BOOLEAN:
		return strcmp(def, "true") == 0 || strcmp(def, "false") == 0;
	}
	return false;
}

int plugin_manifest_validate(const struct plugin_manifest *m, const char *dirname,
                             const char *path, char *errs, size_t errlen)
{
	int n = 0;
#define PROBLEM(...) (appendf(errs, errlen, "%s: ", path), appendf(errs, errlen, __VA_ARGS__), \
                      appendf(errs, errlen, "\n"), n++)
	if (!m->name)
		PROBLEM("field 'name' is missing (a string, the folder's name)");
	else if (!valid_name(m->name))
		PROBLEM("field 'name': '%s' is not a plugin name (small letters, digits, '_' and '-')", m->name);
	else if (dirname && strcmp(m->name, dirname) != 0)
		PROBLEM("field 'name': '%s' differs from the folder's name '%s'", m->name, dirname);
	if (!m->version)
		PROBLEM("field 'version' is missing (semver, like \"1.0.0\")");
	else if (semver_parse(m->version, &(struct semver){0}) != 0)
		PROBLEM("field 'version': '%s' is not a semantic version (MAJOR.MINOR.PATCH)", m->version);
	if (!m->description)
		PROBLEM("field 'description' is missing (one line saying what the plugin does)");
	if (!m->api) {
		PROBLEM("field 'api' is missing (the host API version it needs; this host has %s)",
		        PLUGIN_API_VERSION);
	} else {
		struct semver want, have;
		int parts;
		const char *end = parse_partial(m->api, &want, &parts);
		parse_partial(PLUGIN_API_VERSION, &have, &parts);
		if (!end || *end || parts == 0)
			PROBLEM("field 'api': '%s' is not a version like \"1.0\"", m->api);
		else if (want.major != have.major || want.minor > have.minor)
			PROBLEM("field 'api': needs host API %s, this trang has %s", m->api, PLUGIN_API_VERSION);
	}
	struct semver any = {0};
	for (size_t i = 0; i < m->nrequires; i++) {
		const struct plugin_require *r = &m->requires[i];
		if (!valid_name(r->name))
			PROBLEM("requires: '%s' is not a plugin name", r->name);
		else if (m->name && strcmp(r->name, m->name) == 0)
			PROBLEM("requires: a plugin cannot require itself");
		if (semver_range_match(r->range, &any) < 0)
			PROBLEM("requires: %s: '%s' is not a version range (like \">=1.2 <2\")", r->name, r->range);
	}
	for (size_t i = 0; i < m->ncaps; i++) {
		const struct plugin_cap *c = &m->caps[i];
		if (c->dir && (!*c->dir || strstr(c->dir, "..")))
			PROBLEM("capabilities: '%s': the directory must be non-empty and without '..'", c->text);
	}
	for (size_t i = 0; i < m->noptions; i++) {
		const struct plugin_option *o = &m->options[i];
		if (o->def && !default_fits(o->type, o->def))
			PROBLEM("options.%s: default '%s' is not a %s", o->name, o->def,
			        plugin_opt_type_name(o->type));
	}
	for (size_t i = 0; i < m->njobs; i++) {
		const struct plugin_job *j = &m->jobs[i];
		const char *jn = j->name ? j->name : "?";
		int sched = (j->every != NULL) + (j->cron != NULL) + (j->on != NULL);
		if (!j->name || !valid_name(j->name))
			PROBLEM("jobs[%zu]: 'name' is missing or not a name", i + 1);
		if (sched != 1)
			PROBLEM("jobs.%s: give exactly one of every, cron or on", jn);
		if (j->every && plugin_parse_duration(j->every) < 0)
			PROBLEM("jobs.%s: every = '%s' is not a duration like \"10m\" (s, m, h, d)", jn, j->every);
		if (j->cron && !cron_shape_ok(j->cron))
			PROBLEM("jobs.%s: cron = '%s' is not five fields like \"0 2 * * *\"", jn, j->cron);
		if (j->on && strcmp(j->on, "ingest") != 0)
			PROBLEM("jobs.%s: on = '%s': the only event is \"ingest\"", jn, j->on);
		if (j->overlap && strcmp(j->overlap, "skip") && strcmp(j->overlap, "queue") &&
		    strcmp(j->overlap, "parallel"))
			PROBLEM("jobs.%s: overlap = '%s': one of skip, queue, parallel", jn, j->overlap);
		if (j->max_parallel && (!j->overlap || strcmp(j->overlap, "parallel")))
			PROBLEM("jobs.%s: max_parallel only goes with overlap = \"parallel\"", jn);
		for (size_t k = 0; k < i; k++)
			if (j->name && m->jobs[k].name && strcmp(j->name, m->jobs[k].name) == 0)
				PROBLEM("jobs.%s: declared twice", jn);
	}
#undef PROBLEM
	return n;
}

void plugin_manifest_free(struct plugin_manifest *m)
{
	free(m->name);
	free(m->version);
	free(m->description);
	free(m->api);
	for (size_t i = 0; i < m->nrequires; i++) {
		free(m->requires[i].name);
		free(m->requires[i].range);
	}
	free(m->requires);
	for (size_t i = 0; i < m->ncaps; i++) {
		free(m->caps[i].text);
		free(m->caps[i].dir);
	}
	free(m->caps);
	for (size_t i = 0; i < m->noptions; i++) {
		free(m->options[i].name);
		free(m->options[i].def);
		free(m->options[i].description);
	}
	free(m->options);
	for (size_t i = 0; i < m->njobs; i++) {
		free(m->jobs[i].name);
		free(m->jobs[i].every);
		free(m->jobs[i].cron);
		free(m->jobs[i].on);
		free(m->jobs[i].overlap);
	}
	free(m->jobs);
	memset(m, 0, sizeof *m);
}

int plugin_option_check(const struct plugin_manifest *m, const char *name, const char *value,
                        char *err, size_t errlen)
{
	for (size_t i = 0; i < m->noptions; i++) {
		if (strcmp(m->options[i].name, name) != 0)
			continue;
		if (default_fits(m->options[i].type, value))
			return 0;
		snprintf(err, errlen, "option %s wants %s %s, not '%s'", name,
		         m->options[i].type == PLUGIN_OPT_INTEGER ? "an" : "a",
		         plugin_opt_type_name(m->options[i].type), value);
		return -1;
	}
	snprintf(err, errlen, "%s has no option '%s'", m->name ? m->name : "the plugin", name);
	return -1;
}

/* ---- the registry ---- */

size_t plugin_search_path(char (*dirs)[PATH_MAX], size_t max, char *const *extra, size_t nextra)
{
	size_t n = 0;
	if (n < max)
		snprintf(dirs[n++], PATH_MAX, "plugins");
	const char *home = getenv("HOME");
	if (home && *home && n < max)
		snprintf(dirs[n++], PATH_MAX, "%s/.local/share/trang/plugins", home);
	for (size_t i = 0; i < nextra && n < max; i++)
		snprintf(dirs[n++], PATH_MAX, "%s", extra[i]);
	return n;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct plugin *const *)a)->name, (*(struct plugin *const *)b)->name);
}

struct plugin *plugin_registry_find(const struct plugin_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->n; i++)
		if (strcmp(reg->v[i]->name, name) == 0)
			return reg->v[i];
	return NULL;
}

static int add_plugin(struct plugin_registry *reg, const char *origin, const char *name)
{
	struct plugin *old = plugin_registry_find(reg, name);
	if (old) {
		appendf(reg->shadowed, sizeof reg->shadowed, "%s in %s is shadowed by %s\n", name, origin,
		        old->origin);
		return 0;
	}
	struct plugin **v = realloc(reg->v, (reg->n + 1) * sizeof *v);
	if (!v)
		return -1;
	reg->v = v;
	struct plugin *p = calloc(1, sizeof *p);
	if (!p || !(p->name = strdup(name))) {
		free(p);
		return -1;
	}
	snprintf(p->origin, sizeof p->origin, "%s", origin);
	snprintf(p->dir, sizeof p->dir, "%s/%s", origin, name);
	char path[PATH_MAX + 16], err[1024];
	snprintf(path, sizeof path, "%s/plugin.lua", p->dir);
	if (reg->engine->read_manifest(path, &p->m, err, sizeof err) != 0) {
		appendf(p->problems, sizeof p->problems, "%s\n", err);
	} else if (plugin_manifest_validate(&p->m, name, path, p->problems, sizeof p->problems) == 0) {
		p->manifest_ok = true;
		semver_parse(p->m.version, &p->m.ver);
	}
	reg->v[reg->n++] = p;
	return 0;
}

/* Checks requires against the set: present, valid and in range. */
static void check_dependencies(struct plugin_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin *p = reg->v[i];
		for (size_t k = 0; p->manifest_ok && k < p->m.nrequires; k++) {
			const struct plugin_require *r = &p->m.requires[k];
			struct plugin *d = plugin_registry_find(reg, r->name);
			if (!d)
				appendf(p->problems, sizeof p->problems,
				        "requires %s %s, which is not installed\n", r->name, r->range);
			else if (!d->manifest_ok)
				appendf(p->problems, sizeof p->problems, "requires %s, whose manifest is broken\n",
				        r->name);
			else if (semver_range_match(r->range, &d->m.ver) != 1)
				appendf(p->problems, sizeof p->problems, "requires %s %s, found %s\n", r->name,
				        r->range, d->m.version);
		}
	}
	/* A dependency's problem is its dependents' problem too (one pass per level). */
	for (size_t pass = 0; pass < reg->n; pass++) {
		bool changed = false;
		for (size_t i = 0; i < reg->n; i++) {
			struct plugin *p = reg->v[i];
			if (!p->manifest_ok || p->problems[0])
				continue;
			for (size_t k = 0; k < p->m.nrequires; k++) {
				struct plugin *d = plugin_registry_find(reg, p->m.requires[k].name);
				if (d && d->problems[0]) {
					appendf(p->problems, sizeof p->problems, "requires %s, which has problems\n",
					        d->name);
					changed = true;
					break;
				}
			}
		}
		if (!changed)
			break;
	}
}

int plugin_registry_scan(struct plugin_registry *reg, const struct plugin_engine *engine,
                         char (*dirs)[PATH_MAX], size_t ndirs)
{
	memset(reg, 0, sizeof *reg);
	reg->engine = engine;
	for (size_t d = 0; d < ndirs; d++) {
		DIR *dh = opendir(dirs[d]);
		if (!dh)
			continue; /* a missing folder on the path is normal */
		struct dirent *e;
		char **names = NULL;
		size_t nn = 0;
		while ((e = readdir(dh))) {
			if (e->d_name[0] == '.')
				continue;
			char mf[PATH_MAX * 2];
			struct stat sb;
			snprintf(mf, sizeof mf, "%s/%s/plugin.lua", dirs[d], e->d_name);
			if (stat(mf, &sb) != 0)
				continue;
			char **more = realloc(names, (nn + 1) * sizeof *names);
			if (!more || !(more[nn] = strdup(e->d_name))) {
				free(more ? more : names);
				closedir(dh);
				return -1;
			}
			names = more;
			nn++;
		}
		closedir(dh);
		int rc = 0;
		for (size_t i = 0; i < nn; i++) {
			if (rc == 0 && add_plugin(reg, dirs[d], names[i]) != 0)
				rc = -1;
			free(names[i]);
		}
		free(names);
		if (rc)
			return -1;
	}
	if (reg->n > 1)
		qsort(reg->v, reg->n, sizeof *reg->v, name_cmp);
	check_dependencies(reg);
	return 0;
}

static int load_rec(struct plugin_registry *reg, struct plugin *p, int depth, char *err,
                    size_t errlen)
{
	if (p->rt)
		return 0;
	if (depth > 16) {
		snprintf(err, errlen, "%s: dependency cycle", p->name);
		return -1;
	}
	if (!p->manifest_ok || p->problems[0]) {
		snprintf(err, errlen, "%s: %s", p->name, p->problems);
		size_t l = strlen(err);
		if (l && err[l - 1] == '\n')
			err[l - 1] = '\0';
		return -1;
	}
	struct plugin *deps[32];
	size_t nd = 0;
	for (size_t k = 0; k < p->m.nrequires && nd < 32; k++) {
		struct plugin *d = plugin_registry_find(reg, p->m.requires[k].name);
		if (!d || load_rec(reg, d, depth + 1, err, errlen) != 0)
			return -1;
		deps[nd++] = d;
	}
	p->rt = reg->engine->load(p, deps, nd, reg->db_path, err, errlen);
	return p->rt ? 0 : -1;
}

int plugin_registry_load(struct plugin_registry *reg, struct plugin *p, char *err, size_t errlen)
{
	return load_rec(reg, p, 0, err, errlen);
}

void plugin_registry_free(struct plugin_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin *p = reg->v[i];
		if (p->rt)
			reg->engine->unload(p->rt);
		plugin_manifest_free(&p->m);
		free(p->name);
		free(p);
	}
	free(reg->v);
	memset(reg, 0, sizeof *reg);
}

/* ---- the database ---- */

static const char plugin_schema_sql[] =
	"CREATE TABLE IF NOT EXISTS plugin_errors(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,                -- UTC, ISO 8601\n"
	"  plugin TEXT NOT NULL, version TEXT,\n"
	"  hook TEXT NOT NULL,              -- on_article, on_ingest_done, load, command:<name>, health\n"
	"  article_path TEXT,               -- on_article: the article being processed\n"
	"  reason TEXT NOT NULL,            -- error, timeout, memory, killed\n"
	"  message TEXT NOT NULL,\n"
	"  traceback TEXT);\n"
	"CREATE INDEX IF NOT EXISTS plugin_errors_plugin ON plugin_errors(plugin, id);\n"
	"CREATE TABLE IF NOT EXISTS plugin_state(\n"
	"  plugin TEXT PRIMARY KEY,\n"
	"  fails_in_row INTEGER NOT NULL DEFAULT 0,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0,\n"
	"  reason TEXT,                     -- why it was disabled\n"
	"  updated_at TEXT NOT NULL);\n";

int plugin_db_ensure(sqlite3 *db)
{
	return sqlite3_exec(db, plugin_schema_sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

void plugin_registry_load_state(struct plugin_registry *reg, sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	if (!db || sqlite3_prepare_v2(db, "SELECT fails_in_row, disabled, reason FROM plugin_state "
	                                  "WHERE plugin = ?", -1, &q, NULL) != SQLITE_OK)
		return; /* no table yet: nothing failed */
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin *p = reg->v[i];
		sqlite3_bind_text(q, 1, p->name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW) {
			p->fails_in_row = sqlite3_column_int64(q, 0);
			p->disabled = sqlite3_column_int(q, 1) != 0;
			const unsigned char *r = sqlite3_column_text(q, 2);
			snprintf(p->disabled_reason, sizeof p->disabled_reason, "%s", r ? (const char *)r : "");
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
}

static int save_state(sqlite3 *db, const struct plugin *p)
{
	sqlite3_stmt *q = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO plugin_state(plugin, fails_in_row, disabled, reason, updated_at) "
	                       "VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
	                       "ON CONFLICT(plugin) DO UPDATE SET fails_in_row = ?2, disabled = ?3, "
	                       "reason = ?4, updated_at = excluded.updated_at",
	                       -1, &q, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_text(q, 1, p->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, p->fails_in_row);
	sqlite3_bind_int(q, 3, p->disabled);
	if (p->disabled)
		sqlite3_bind_text(q, 4, p->disabled_reason, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
cleanup:
	sqlite3_finalize(q);
	return rc;
}

int plugin_record_failure(sqlite3 *db, struct plugin *p, const char *hook, const char *article_path,
                          const struct plugin_failure *f, long max_fails)
{
	p->fails_in_row++;
	if (max_fails <= 0)
		max_fails = PLUGIN_DEFAULT_MAX_FAILS;
	if (p->fails_in_row >= max_fails && !p->disabled) {
		p->disabled = true;
		snprintf(p->disabled_reason, sizeof p->disabled_reason,
		         "%ld failures in a row; last: %s%s%s: %s", p->fails_in_row, hook,
		         article_path ? " on " : "", article_path ? article_path : "", f->message);
	}
	if (!db)
		return 0;
	sqlite3_stmt *q = NULL;
	int rc = -1;
	if (plugin_db_ensure(db) != 0)
		goto cleanup;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO plugin_errors(at, plugin, version, hook, article_path, reason, "
	                       "message, traceback) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ','now'), "
	                       "?, ?, ?, ?, ?, ?, ?)",
	                       -1, &q, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_text(q, 1, p->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, p->m.version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, hook, -1, SQLITE_TRANSIENT);
	if (article_path)
		sqlite3_bind_text(q, 4, article_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, f->reason[0] ? f->reason : "error", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 6, f->message, -1, SQLITE_TRANSIENT);
	if (f->traceback[0])
		sqlite3_bind_text(q, 7, f->traceback, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) != SQLITE_DONE)
		goto cleanup;
	rc = save_state(db, p);
cleanup:
	sqlite3_finalize(q);
	return rc;
}

int plugin_record_success(sqlite3 *db, struct plugin *p)
{
	if (p->fails_in_row == 0)
		return 0; /* the common case costs nothing */
	p->fails_in_row = 0;
	return db && plugin_db_ensure(db) == 0 ? save_state(db, p) : 0;
}

int plugin_enable(sqlite3 *db, const char *name)
{
	if (plugin_db_ensure(db) != 0)
		return -1;
	struct plugin p = {.name = (char *)name};
	return save_state(db, &p);
}

/* ---- the ingest integration ---- */

struct plugin_host {
	struct plugin_registry reg;
	sqlite3 *db;
	long max_fails;
	bool quiet;
	struct plugin **active; /* loaded, with a hook */
	size_t nactive;
};

static void report_failure(struct plugin_host *h, struct plugin *p, const char *hook,
                           const char *path, const struct plugin_failure *f)
{
	bool was_disabled = p->disabled;
	plugin_record_failure(h->db, p, hook, path, f, h->max_fails);
	if (h->quiet)
		return;
	fprintf(stderr, "trang: plugin %s: %s%s%s failed (%s): %s\n", p->name, hook,
	        path ? " on " : "", path ? path : "", f->reason, f->message);
	if (!was_disabled && p->disabled)
		fprintf(stderr, "trang: plugin %s disabled: %s (`trang plugin enable %s` to retry)\n",
		        p->name, p->disabled_reason, p->name);
}

struct plugin_host *plugin_host_open(sqlite3 *db, const struct plugin_host_opts *o, char *err,
                                     size_t errlen)
{
	struct plugin_host *h = calloc(1, sizeof *h);
	char dirs[16][PATH_MAX];
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->db = db;
	h->max_fails = o && o->max_fails > 0 ? o->max_fails : PLUGIN_DEFAULT_MAX_FAILS;
	h->quiet = o && o->quiet;
	size_t nd = 0;
	if (o && o->only_plugin_dirs)
		for (; nd < o->nplugin_dirs && nd < 16; nd++)
			snprintf(dirs[nd], PATH_MAX, "%s", o->plugin_dirs[nd]);
	else
		nd = plugin_search_path(dirs, 16, o ? o->plugin_dirs : NULL, o ? o->nplugin_dirs : 0);
	if (plugin_registry_scan(&h->reg, &plugin_lua_engine, dirs, nd) != 0) {
		snprintf(err, errlen, "out of memory while reading plugin manifests");
		goto fail;
	}
	h->reg.db_path = db ? sqlite3_db_filename(db, "main") : NULL;
	if (h->reg.db_path && !*h->reg.db_path)
		h->reg.db_path = NULL;
	plugin_registry_load_state(&h->reg, db);
	h->active = calloc(h->reg.n ? h->reg.n : 1, sizeof *h->active);
	if (!h->active) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < h->reg.n; i++) {
		struct plugin *p = h->reg.v[i];
		char why[2048];
		if (p->disabled || !p->manifest_ok || p->problems[0])
			continue; /* `trang plugin list` says why */
		if (plugin_registry_load(&h->reg, p, why, sizeof why) != 0) {
			struct plugin_failure f = {.reason = "error"};
			snprintf(f.message, sizeof f.message, "%s", why);
			report_failure(h, p, "load", NULL, &f);
			continue;
		}
		if (h->reg.engine->has_hook(p->rt, PLUGIN_HOOK_ARTICLE, NULL) ||
		    h->reg.engine->has_hook(p->rt, PLUGIN_HOOK_INGEST_DONE, NULL))
			h->active[h->nactive++] = p;
	}
	/* Plugins without ingest hooks (and dependencies, which their dependents
	 * load into their own states) need not stay in memory. */
	for (size_t i = 0; i < h->reg.n; i++) {
		struct plugin *p = h->reg.v[i];
		bool active = false;
		for (size_t k = 0; k < h->nactive && !active; k++)
			active = h->active[k] == p;
		if (p->rt && !active) {
			h->reg.engine->unload(p->rt);
			p->rt = NULL;
		}
	}
	return h;
fail:
	plugin_host_close(h);
	return NULL;
}

size_t plugin_host_count(const struct plugin_host *h) { return h ? h->nactive : 0; }
struct plugin_registry *plugin_host_registry(struct plugin_host *h) { return &h->reg; }

/* Runs one hook in every active plugin; returns how many failed. */
static int host_call_all(struct plugin_host *h, struct plugin_call *call, const char *hook,
                         const char *path)
{
	int failed = 0;
	for (size_t i = 0; i < h->nactive; i++) {
		struct plugin *p = h->active[i];
		if (p->disabled || !h->reg.engine->has_hook(p->rt, call->hook, NULL))
			continue;
		struct plugin_failure f;
		if (h->reg.engine->call(p->rt, call, NULL, NULL, &f) != 0) {
			report_failure(h, p, hook, path, &f);
			failed++;
		} else {
			plugin_record_success(h->db, p);
		}
	}
	return failed;
}

int plugin_host_on_article(struct plugin_host *h, int64_t article_id, const char *path)
{
	if (!h || h->nactive == 0)
		return 0;
	struct plugin_call call = {.hook = PLUGIN_HOOK_ARTICLE, .article = {article_id, path}, .db = h->db};
	return host_call_all(h, &call, "on_article", path);
}

int plugin_host_on_ingest_done(struct plugin_host *h, const struct plugin_summary *summary)
{
	if (!h || h->nactive == 0)
		return 0;
	struct plugin_call call = {.hook = PLUGIN_HOOK_INGEST_DONE, .summary = *summary, .db = h->db};
	return host_call_all(h, &call, "on_ingest_done", NULL);
}

void plugin_host_close(struct plugin_host *h)
{
	if (!h)
		return;
	plugin_registry_free(&h->reg);
	free(h->active);
	free(h);
}
