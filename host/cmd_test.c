/* cmd_test.c: `trang test [PATH...]` runs Lua spec files (*_spec.lua), each
 * in a fresh state, against a fixture database built for the run in a
 * temporary folder. The test framework itself is the Lua half
 * host/lua/trang/spec.lua; this file finds the specs, builds the database
 * and the states, and adds up the counts. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"
#include "lua_state.h"
#include "plugin.h"
#include "store.h"

#define SPEC_CAPS                                                                                  \
	(LSTATE_CAP_FS_READ | LSTATE_CAP_FS_WRITE | LSTATE_CAP_STDIO | LSTATE_CAP_ENV |                \
	 LSTATE_CAP_CORPUS_READ | LSTATE_CAP_STORE_WRITE)
#define MAX_FIXTURES 16

static const char test_help[] =
	"usage: trang test [--fixtures DIR]... [--timeout SECONDS] [PATH...]\n"
	"\n"
	"Runs every *_spec.lua under each PATH (default: plugins), each file in a fresh\n"
	"Lua state with describe/it/before_each/after_each/pending and assert.equals,\n"
	"same, truthy, falsy, is_nil, has_error. A spec inside a plugin folder can\n"
	"require the plugin's modules and get the plugin itself with load_plugin().\n"
	"trang.store and trang.corpus see a fixture database built for the run from\n"
	"the --fixtures folders (default: data/ when present), then deleted.\n"
	"\n"
	"  --fixtures DIR      articles to ingest into the fixture database\n"
	"  --timeout SECONDS   CPU budget per spec file (default 60)\n"
	"\n"
	"exit status: 0 all passed, 1 a test failed (or no spec was found), 2 bad usage\n";

struct spec_list {
	char **v;
	size_t n;
};

static int spec_add(struct spec_list *l, const char *path)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v)
		return -1;
	l->v = v;
	if (!(v[l->n] = strdup(path)))
		return -1;
	l->n++;
	return 0;
}

static bool is_spec_name(const char *name)
{
	size_t n = strlen(name);
	return n > 9 && strcmp(name + n - 9, "_spec.lua") == 0;
}

/* Adds the spec files under path (a file is taken as it is). */
static int spec_collect(struct spec_list *l, const char *path, int depth)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		fprintf(stderr, "trang test: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return spec_add(l, path);
	if (depth > 16)
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "trang test: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char child[PATH_MAX];
		if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child)
			continue;
		if (stat(child, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			rc = spec_collect(l, child, depth + 1);
		else if (is_spec_name(e->d_name))
			rc = spec_add(l, child);
	}
	closedir(d);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The plugin folder holding the spec (plugin.lua in its folder or above, at
 * most three levels), into dir; false if none. */
static bool plugin_dir_of(const char *spec, char *dir, size_t len)
{
	snprintf(dir, len, "%s", spec);
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, len, ".");
		else
			*slash = '\0';
		char mf[PATH_MAX + 16];
		snprintf(mf, sizeof mf, "%s/plugin.lua", dir);
		if (access(mf, F_OK) == 0)
			return true;
		if (!slash)
			return false;
	}
	return false;
}

/* Pushes the plugin context {name, version, dir, options} from its manifest;
 * returns false (pushing nil) when the manifest cannot be read. */
static bool push_plugin_context(lua_State *L, const char *dir, struct plugin_manifest *m)
{
	char path[PATH_MAX + 16], err[1024];
	snprintf(path, sizeof path, "%s/plugin.lua", dir);
	if (plugin_lua_engine.read_manifest(path, m, err, sizeof err) != 0) {
		fprintf(stderr, "trang test: %s\n", err);
		lua_pushnil(L);
		return false;
	}
	lua_createtable(L, 0, 4);
	lua_pushstring(L, m->name ? m->name : "");
	lua_setfield(L, -2, "name");
	lua_pushstring(L, m->version ? m->version : "");
	lua_setfield(L, -2, "version");
	lua_pushstring(L, dir);
	lua_setfield(L, -2, "dir");
	lua_createtable(L, 0, (int)m->noptions);
	for (size_t i = 0; i < m->noptions; i++) {
		const struct plugin_option *o = &m->options[i];
		if (!o->def)
			continue;
		if (o->type == PLUGIN_OPT_BOOLEAN)
			lua_pushboolean(L, strcmp(o->def, "true") == 0);
		else if (o->type == PLUGIN_OPT_INTEGER)
			lua_pushinteger(L, strtoll(o->def, NULL, 10));
		else if (o->type == PLUGIN_OPT_NUMBER)
			lua_pushnumber(L, strtod(o->def, NULL));
		else
			lua_pushstring(L, o->def);
		lua_setfield(L, -2, o->name);
	}
	lua_setfield(L, -2, "options");
	return true;
}

/* Lets a plugin's spec require "<name>.x" and its dependencies, found next
 * to it or on the plugin search path. 0, or -1 after printing why. */
static int add_plugin_roots(struct lstate *st, const char *dir)
{
	char dirs[4][PATH_MAX], err[2048];
	const char *slash = strrchr(dir, '/');
	size_t nd = 0;
	snprintf(dirs[nd++], PATH_MAX, "%.*s", slash ? (int)(slash - dir) : 1, slash ? dir : ".");
	nd += plugin_search_path(dirs + nd, 3, NULL, 0);
	struct plugin_registry reg;
	if (plugin_registry_scan(&reg, &plugin_lua_engine, dirs, nd) != 0)
		return -1;
	int rc = 0;
	const char *name = slash ? slash + 1 : dir;
	struct plugin *p = plugin_registry_find(&reg, name);
	if (p && !lstate_add_module_root(st, p->name, p->dir, err, sizeof err))
		rc = -1;
	for (size_t i = 0; rc == 0 && p && i < p->m.nrequires; i++) {
		struct plugin *d = plugin_registry_find(&reg, p->m.requires[i].name);
		if (!d) {
			printf("  FAIL  %s requires %s, which is not installed\n", p->name, p->m.requires[i].name);
			rc = -1;
		} else if (!lstate_add_module_root(st, d->name, d->dir, err, sizeof err)) {
			printf("  FAIL  %s\n", err);
			rc = -1;
		}
	}
	plugin_registry_free(&reg);
	return rc;
}

struct counts {
	long passed, failed, pending;
};

static void report_outcome(const char *what, const struct lstate_outcome *out)
{
	printf("  FAIL  %s\n        %s\n", what, out->message ? out->message : "failed");
	if (out->traceback)
		printf("        %s\n", out->traceback);
}

/* Runs one spec file in a fresh state; adds to c. */
static void run_spec(const char *spec, const char *lua_dir, const char *db_path, double seconds,
                     struct counts *c)
{
	char dir[PATH_MAX], err[512], half[PATH_MAX + 32];
	struct plugin_manifest m = {0};
	struct lstate_outcome out = {0};
	bool in_plugin = plugin_dir_of(spec, dir, sizeof dir);
	if (!in_plugin) {
		const char *slash = strrchr(spec, '/');
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - spec) : 1, slash ? spec : ".");
	}
	struct lstate_config cfg = {
		.name = spec,
		.caps = SPEC_CAPS,
		.limits = {.memory_bytes = (size_t)1 << 30, .seconds = seconds},
		.module_root = dir,
		.lua_dir = lua_dir,
		.db_path = db_path,
	};
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st) {
		printf("%s\n  FAIL  (state)\n        %s\n", spec, err);
		c->failed++;
		return;
	}
	lua_State *L = lstate_lua(st);
	if (in_plugin && add_plugin_roots(st, dir) != 0) {
		printf("%s\n  FAIL  (dependencies)\n", spec);
		c->failed++;
		goto cleanup;
	}
	snprintf(half, sizeof half, "%s/trang/spec.lua", lua_dir);
	if (lstate_load_file(st, half, &out) != LSTATE_OK) {
		printf("%s\n", spec);
		report_outcome("(loading trang/spec.lua)", &out);
		c->failed++;
		goto cleanup;
	}
	lua_pushstring(L, spec);
	if (in_plugin)
		push_plugin_context(L, dir, &m);
	else
		lua_pushnil(L);
	/* stack: [spec.lua, path, plugin] */
	if (lstate_pcall(st, 2, 1, &out) != LSTATE_OK || !lua_istable(L, -1)) {
		printf("%s\n", spec);
		report_outcome("(trang/spec.lua)", &out);
		c->failed++;
		goto cleanup;
	}
	int runner = lua_gettop(L); /* stack: [runner] */
	lstate_outcome_free(&out);
	if (lstate_load_file(st, spec, &out) != LSTATE_OK || lstate_pcall(st, 0, 0, &out) != LSTATE_OK) {
		printf("%s\n", spec);
		report_outcome("(the spec file itself)", &out);
		c->failed++;
		goto cleanup;
	}
	lua_getfield(L, runner, "run");
	if (lstate_pcall(st, 0, 3, &out) != LSTATE_OK) {
		report_outcome("(running the tests)", &out);
		c->failed++;
		goto cleanup;
	}
	c->passed += (long)lua_tointeger(L, -3);
	c->failed += (long)lua_tointeger(L, -2);
	c->pending += (long)lua_tointeger(L, -1);
cleanup:
	fflush(stdout);
	lstate_outcome_free(&out);
	plugin_manifest_free(&m);
	lstate_close(st);
}

/* Builds the fixture database in a fresh temporary folder (tmp, db). */
static int make_fixture_db(char *tmp, size_t tmplen, char *db, size_t dblen, char **fixtures,
                           int nfixtures)
{
	snprintf(tmp, tmplen, "%s/trang-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "trang test: cannot make a temporary folder: %s\n", strerror(errno));
		return -1;
	}
	snprintf(db, dblen, "%s/fixture.db", tmp);
	struct store st;
	if (store_open(&st, db, STORE_WRITE) != 0) {
		fprintf(stderr, "trang test: fixture database: %s\n", st.err);
		return -1;
	}
	int rc = 0;
	if (nfixtures > 0) {
		struct ingest_opts o = {.max_size = INGEST_DEFAULT_MAX_SIZE};
		struct ingest_counts counts = {0};
		if (ingest_run(&st, fixtures, nfixtures, &o, &counts) != 0) {
			fprintf(stderr, "trang test: ingesting fixtures: %s\n", st.err);
			rc = -1;
		}
	}
	store_close(&st);
	return rc;
}

static void remove_fixture_db(const char *tmp, const char *db)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[PATH_MAX + 16];
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", db, suffixes[i]);
		unlink(p);
	}
	rmdir(tmp);
}

int cmd_test(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	static const struct option longopts[] = {
		{"fixtures", required_argument, NULL, 'f'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *fixtures[MAX_FIXTURES];
	int nfixtures = 0, c;
	double seconds = 60;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'f':
			if (nfixtures == MAX_FIXTURES)
				return cli_usage_error("test", "at most %d --fixtures folders", MAX_FIXTURES);
			fixtures[nfixtures++] = optarg;
			break;
		case 't':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds > 0))
				return cli_usage_error("test", "--timeout wants seconds > 0, got '%s'", optarg);
			break;
		case 'h':
			fputs(test_help, stdout);
			return EXIT_WORK_OK;
		default:
			return cli_usage_error("test", "unknown option");
		}
	}
	char lua_dir[PATH_MAX], tmp[PATH_MAX], db[PATH_MAX + 16];
	if (!lstate_find_lua_dir(lua_dir, sizeof lua_dir)) {
		fprintf(stderr, "trang test: the Lua halves (trang/spec.lua) were not found; set TRANG_LUA_DIR\n");
		return EXIT_WORK_FAILED;
	}
	struct spec_list specs = {0};
	int status = EXIT_WORK_FAILED;
	tmp[0] = '\0';
	if (optind >= argc) {
		if (spec_collect(&specs, "plugins", 0) != 0)
			goto cleanup;
	}
	for (int i = optind; i < argc; i++)
		if (spec_collect(&specs, argv[i], 0) != 0)
			goto cleanup;
	if (specs.n == 0) {
		fprintf(stderr, "trang test: no *_spec.lua files found\n");
		goto cleanup;
	}
	qsort(specs.v, specs.n, sizeof *specs.v, str_cmp);
	static char data_dir[] = "data";
	struct stat sb;
	if (nfixtures == 0 && stat(data_dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		fixtures[nfixtures++] = data_dir;
	if (make_fixture_db(tmp, sizeof tmp, db, sizeof db, fixtures, nfixtures) != 0)
		goto cleanup;
	struct counts counts = {0};
	for (size_t i = 0; i < specs.n; i++)
		run_spec(specs.v[i], lua_dir, db, seconds, &counts);
	if (counts.pending)
		printf("%ld passed, %ld failed, %ld pending\n", counts.passed, counts.failed, counts.pending);
	else
		printf("%ld passed, %ld failed\n", counts.passed, counts.failed);
	status = counts.failed ? EXIT_WORK_FAILED : EXIT_WORK_OK;
cleanup:
	if (tmp[0])
		remove_fixture_db(tmp, db);
	for (size_t i = 0; i < specs.n; i++)
		free(specs.v[i]);
	free(specs.v);
	return status;
}
