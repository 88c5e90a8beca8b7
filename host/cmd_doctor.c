/* cmd_doctor.c: `trang doctor` checks the installation, the database and every
 * plugin, one ok/warn/error line per check in sections, like Neovim's
 * :checkhealth. A plugin's optional health(report) adds its own lines. Exit
 * status 1 when any check is an error. */
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lua_state.h"
#include "plugin.h"
#include "store.h"

#define MAX_PLUGIN_DIRS 8

struct doctor {
	int errors, warnings;
};

static void say(struct doctor *d, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct doctor *d, const char *level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("  %-6s ", level);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	if (strcmp(level, "error") == 0)
		d->errors++;
	else if (strcmp(level, "warn") == 0)
		d->warnings++;
}

static bool is_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void check_installation(struct doctor *d)
{
	char dir[PATH_MAX], err[512];
	printf("trang\n");
	say(d, "ok", "trang %s, %s, SQLite %s", TRANG_VERSION, LUA_RELEASE, sqlite3_libversion());
	if (!lstate_find_lua_dir(dir, sizeof dir)) {
		say(d, "error", "the Lua halves (host/lua/trang/*.lua) were not found next to the "
		                "executable; set TRANG_LUA_DIR to the folder holding trang/");
	} else {
		static const char *const halves[] = {"csv.lua", "spec.lua"};
		bool all = true;
		for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++) {
			char p[PATH_MAX + 32];
			snprintf(p, sizeof p, "%s/trang/%s", dir, halves[i]);
			if (!is_file(p)) {
				say(d, "error", "%s is missing", p);
				all = false;
			}
		}
		if (all)
			say(d, "ok", "Lua halves found in %s", dir);
	}
	struct lstate_config cfg = {.name = "doctor", .limits = lstate_default_limits(true)};
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st) {
		say(d, "error", "cannot create a sandboxed Lua state: %s", err);
		return;
	}
	static const char probe[] = "return trang.json.encode({1 + 1})";
	struct lstate_outcome out = {0};
	if (lstate_load_string(st, probe, sizeof probe - 1, "=doctor", &out) != LSTATE_OK ||
	    lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
		say(d, "error", "a sandboxed state fails a simple run: %s", out.message ? out.message : "?");
	else
		say(d, "ok", "sandboxed Lua state runs code (%zu KB)", lstate_memory_used(st) >> 10);
	lstate_outcome_free(&out);
	lstate_close(st);
	if (sqlite3_compileoption_used("ENABLE_FTS5"))
		say(d, "ok", "SQLite has FTS5");
	else
		say(d, "error", "this SQLite has no FTS5: full-text search cannot work");
}

/* One integer from a query, or -1. */
static long long query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Checks the database; leaves it open in st when it opens (returns true). */
static bool check_database(struct doctor *d, const char *path, struct store *st)
{
	printf("\ndatabase\n");
	if (access(path, F_OK) != 0) {
		say(d, "warn", "no database at %s yet (`trang ingest` creates it)", path);
		return false;
	}
	if (store_open(st, path, STORE_READ) != 0) {
		say(d, "error", "%s", st->err);
		return false;
	}
	say(d, "ok", "%s opens", path);
	long long v = query_int(st->db, "SELECT value FROM meta WHERE key = 'schema_version'");
	if (v == STORE_SCHEMA_VERSION)
		say(d, "ok", "schema version %lld", v);
	else if (v > 0 && v < STORE_SCHEMA_VERSION)
		say(d, "warn", "schema version %lld: readable; the next `trang ingest` upgrades it to %d", v,
		    STORE_SCHEMA_VERSION);
	else
		say(d, "error", "schema version %lld, this trang knows %d", v, STORE_SCHEMA_VERSION);
	if (query_int(st->db, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'a'") >= 0)
		say(d, "ok", "FTS index answers queries with the trang tokenizer");
	else
		say(d, "error", "the FTS index fails: %s", sqlite3_errmsg(st->db));
	long long n = query_int(st->db, "SELECT count(*) FROM articles");
	say(d, n > 0 ? "ok" : "warn", "%lld articles stored", n);
	long long disabled = query_int(st->db, "SELECT count(*) FROM plugin_state WHERE disabled");
	if (disabled > 0)
		say(d, "warn", "%lld plugin(s) disabled after failures (see below)", disabled);
	return true;
}

struct health_ctx {
	struct doctor *d;
};

static void on_health(void *ud, const char *level, const char *message)
{
	struct health_ctx *h = ud;
	say(h->d, strcmp(level, "info") == 0 ? "info" : level, "health: %s", message);
}

static void check_plugin(struct doctor *d, struct plugin_registry *reg, struct plugin *p, sqlite3 *db)
{
	printf("\nplugin %s%s%s (%s)\n", p->name, p->m.version ? " " : "", p->m.version ? p->m.version : "",
	       p->dir);
	if (!p->manifest_ok) {
		say(d, "error", "manifest: %.*s", (int)strcspn(p->problems, "\n"), p->problems);
		return;
	}
	say(d, "ok", "manifest is valid (api %s)", p->m.api);
	for (size_t i = 0; i < p->m.ncaps; i++) {
		const struct plugin_cap *c = &p->m.caps[i];
		struct stat sb;
		if (c->dir && (stat(c->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
			say(d, "warn", "capability %s: folder '%s' does not exist (relative to %s's working "
			               "directory); the plugin cannot use it", c->text, c->dir, "trang");
		else
			say(d, "ok", "capability %s", c->text);
	}
	if (p->problems[0]) {
		for (const char *s = p->problems; *s;) {
			size_t n = strcspn(s, "\n");
			say(d, "error", "%.*s", (int)n, s);
			s += n + (s[n] == '\n');
		}
		return;
	}
	for (size_t i = 0; i < p->m.nrequires; i++) {
		struct plugin *dep = plugin_registry_find(reg, p->m.requires[i].name);
		say(d, "ok", "requires %s %s: found %s", p->m.requires[i].name, p->m.requires[i].range,
		    dep && dep->m.version ? dep->m.version : "?");
	}
	if (p->disabled)
		say(d, "warn", "disabled: %s (`trang plugin enable %s`)", p->disabled_reason, p->name);
	char err[2048];
	if (plugin_registry_load(reg, p, err, sizeof err) != 0) {
		say(d, "error", "init.lua does not load: %s", err);
		return;
	}
	say(d, "ok", "init.lua loads (%zu KB)", reg->engine->memory(p->rt) >> 10);
	for (size_t i = 0; i < p->m.njobs; i++) {
		const char *job = p->m.jobs[i].name;
		if (reg->engine->has_hook(p->rt, PLUGIN_HOOK_JOB, job))
			say(d, "ok", "job %s has its function", job);
		else
			say(d, "error", "job %s is declared but init.lua has no jobs.%s function", job, job);
	}
	if (!reg->engine->has_hook(p->rt, PLUGIN_HOOK_HEALTH, NULL))
		return;
	struct health_ctx h = {d};
	struct plugin_call call = {.hook = PLUGIN_HOOK_HEALTH, .db = db};
	struct plugin_failure f;
	if (reg->engine->call(p->rt, &call, on_health, &h, &f) != 0)
		say(d, "error", "health() failed (%s): %s", f.reason, f.message);
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"plugins", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *extra[MAX_PLUGIN_DIRS];
	size_t nextra = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (nextra == MAX_PLUGIN_DIRS)
				return cli_usage_error("doctor", "at most %d --plugins folders", MAX_PLUGIN_DIRS);
			extra[nextra++] = optarg;
			break;
		case 'h':
			fputs("usage: trang doctor [--plugins DIR]...\n\n"
			      "Checks the installation (Lua halves, a sandboxed state, SQLite FTS5), the\n"
			      "database (opens, schema version, the FTS tokenizer) and every plugin (manifest,\n"
			      "capabilities, dependencies, loading, its health()), one ok/warn/error line each.\n"
			      "\nexit status: 0 no errors (warnings allowed), 1 an error, 2 bad usage\n",
			      stdout);
			return EXIT_WORK_OK;
		default:
			return cli_usage_error("doctor", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	struct doctor d = {0};
	struct store st = {0};
	check_installation(&d);
	bool have_db = check_database(&d, cli->db_path, &st);

	char dirs[MAX_PLUGIN_DIRS + 2][PATH_MAX];
	size_t nd = plugin_search_path(dirs, MAX_PLUGIN_DIRS + 2, extra, nextra);
	struct plugin_registry reg;
	if (plugin_registry_scan(&reg, &plugin_lua_engine, dirs, nd) != 0) {
		printf("\nplugins\n");
		say(&d, "error", "out of memory reading plugin manifests");
	} else {
		reg.db_path = have_db ? st.path : NULL;
		if (have_db)
			plugin_registry_load_state(&reg, st.db);
		if (reg.n == 0) {
			printf("\nplugins\n");
			say(&d, "ok", "no plugins installed");
		}
		for (size_t i = 0; i < reg.n; i++)
			check_plugin(&d, &reg, reg.v[i], have_db ? st.db : NULL);
		for (const char *s = reg.shadowed; *s;) {
			size_t n = strcspn(s, "\n");
			say(&d, "warn", "%.*s", (int)n, s);
			s += n + (s[n] == '\n');
		}
		plugin_registry_free(&reg);
	}
	if (have_db)
		store_close(&st);
	printf("\n%d error%s, %d warning%s\n", d.errors, d.errors == 1 ? "" : "s", d.warnings,
	       d.warnings == 1 ? "" : "s");
	return d.errors ? EXIT_WORK_FAILED : EXIT_WORK_OK;
}
