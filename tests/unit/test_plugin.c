/* test_plugin.c: the plugin registry and its Lua engine on real files: semver
 * ranges, manifests that are not plain data, and the ingest integration
 * (plugin_host_*) with the hostile fixture plugins of
 * tests/fixtures/plugins/hostile against a real database holding data/. */
#include "testutil.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "plugin.h"
#include "store.h"

#define HOSTILE "tests/fixtures/plugins/hostile"
#define BROKEN "tests/fixtures/plugins/broken"

/* ---- semver ---- */

static void test_semver_ranges_match_as_documented(void **state)
{
	(void)state;
	static const struct {
		const char *range, *version;
		int want;
	} cases[] = {
		{">=1.2 <2", "1.2.0", 1},   {">=1.2 <2", "1.9.9", 1},  {">=1.2 <2", "2.0.0", 0},
		{">=1.2 <2", "1.1.9", 0},   {"^1.2", "1.5.0", 1},      {"^1.2", "2.0.0", 0},
		{"^0.3", "0.3.9", 1},       {"^0.3", "0.4.0", 0},      {"~1.2", "1.2.7", 1},
		{"~1.2", "1.3.0", 0},       {"1.2", "1.2.5", 1},       {"1.2.3", "1.2.3", 1},
		{"1.2.3", "1.2.4", 0},      {"=1.4.0", "1.4.0", 1},    {"*", "9.9.9", 1},
		{">1.0.0", "1.0.0-rc.1", 0}, {">=1.0.0-rc.1", "1.0.0", 1}, {"<1.0.0", "1.0.0-rc.1", 1},
		{"1", "1.7.0", 1},          {"1", "2.0.0", 0},         {">=x", "1.0.0", -1},
		{"", "1.0.0", -1},          {">>1", "1.0.0", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct semver v;
		assert_int_equal(semver_parse(cases[i].version, &v), 0);
		int got = semver_range_match(cases[i].range, &v);
		if (got != cases[i].want)
			fail_msg("'%s' against %s: got %d, want %d", cases[i].range, cases[i].version, got,
			         cases[i].want);
	}
	struct semver v;
	assert_int_equal(semver_parse("1.0", &v), -1);
	assert_int_equal(semver_parse("01.0.0", &v), -1);
	assert_int_equal(semver_parse("1.0.0+build.5", &v), 0);
}

/* ---- manifests ---- */

static void expect_manifest_refused(const char *name, const char *substr)
{
	char path[256], err[1024];
	struct plugin_manifest m;
	snprintf(path, sizeof path, BROKEN "/%s/plugin.lua", name);
	assert_int_equal(plugin_lua_engine.read_manifest(path, &m, err, sizeof err), -1);
	if (!strstr(err, path) || !strstr(err, substr))
		fail_msg("%s: '%s' lacks the path or '%s'", name, err, substr);
}

static void test_manifest_calling_a_function_is_refused_naming_the_file(void **state)
{
	(void)state;
	expect_manifest_refused("calls", "refused: it calls a function");
}

static void test_manifest_that_loops_is_refused_naming_the_file(void **state)
{
	(void)state;
	expect_manifest_refused("loops", "refused: it runs too long");
}

static void test_manifest_with_code_fields_or_methods_is_refused(void **state)
{
	(void)state;
	expect_manifest_refused("notdata", "unknown field 'on_article'");
	expect_manifest_refused("methods", "attempt to index a string value");
	expect_manifest_refused("syntax", "unexpected symbol");
	expect_manifest_refused("badtimeout", "jobs[1].timeout = 'soon' is not a duration");
}

static void test_manifest_semantics_are_validated(void **state)
{
	(void)state;
	char dirs[1][PATH_MAX];
	snprintf(dirs[0], PATH_MAX, BROKEN);
	struct plugin_registry reg;
	assert_int_equal(plugin_registry_scan(&reg, &plugin_lua_engine, dirs, 1), 0);
	static const struct {
		const char *name, *problem;
	} want[] = {
		{"badsemver", "'1.0' is not a semantic version"},
		{"newapi", "needs host API 2.0, this trang has 1.0"},
		{"missingdep", "requires nothere >=1.2 <2, which is not installed"},
		{"badjob", "give exactly one of every, cron or on"},
		{"badjob", "overlap = 'sometimes'"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct plugin *p = plugin_registry_find(&reg, want[i].name);
		assert_non_null(p);
		if (!strstr(p->problems, want[i].problem))
			fail_msg("%s: problems '%s' lack '%s'", want[i].name, p->problems, want[i].problem);
	}
	struct plugin *ok = plugin_registry_find(&reg, "initfails");
	assert_non_null(ok);
	assert_string_equal(ok->problems, "");
	char err[2048];
	assert_int_equal(plugin_registry_load(&reg, ok, err, sizeof err), -1);
	assert_non_null(strstr(err, "init.lua fails on purpose"));
	plugin_registry_free(&reg);
}

/* ---- the ingest integration ---- */

struct fixture {
	char dir[64];
	struct store st;
	int64_t ids[8];
	char paths[8][256];
	int n;
};

static int setup_db(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/trang-plugin-test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	char db[128];
	snprintf(db, sizeof db, "%s/t.db", f->dir);
	if (store_open(&f->st, db, STORE_WRITE) != 0)
		return -1;
	char *paths[] = {"data"};
	struct ingest_opts o = {.max_size = INGEST_DEFAULT_MAX_SIZE};
	struct ingest_counts c = {0};
	if (ingest_run(&f->st, paths, 1, &o, &c) != 0)
		return -1;
	sqlite3_stmt *q;
	sqlite3_prepare_v2(f->st.db, "SELECT id, path FROM articles ORDER BY id", -1, &q, NULL);
	while (sqlite3_step(q) == SQLITE_ROW && f->n < 8) {
		f->ids[f->n] = sqlite3_column_int64(q, 0);
		snprintf(f->paths[f->n], sizeof f->paths[0], "%s", sqlite3_column_text(q, 1));
		f->n++;
	}
	sqlite3_finalize(q);
	*state = f;
	return f->n >= 4 ? 0 : -1;
}

static int teardown_db(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(&f->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static struct plugin_host *open_host(struct fixture *f)
{
	static char *dirs[] = {HOSTILE};
	struct plugin_host_opts o = {.plugin_dirs = dirs, .nplugin_dirs = 1, .quiet = true,
	                             .only_plugin_dirs = true};
	char err[512];
	struct plugin_host *h = plugin_host_open(f->st.db, &o, err, sizeof err);
	if (!h)
		fail_msg("plugin_host_open: %s", err);
	return h;
}

/* Runs a command of a plugin of the host (loading it if needed); its results
 * go to stdout. Returns 0, or -1 with fail filled. */
static int run_command(struct plugin_host *h, const char *plugin, const char *command,
                       struct plugin_failure *fail)
{
	struct plugin_registry *reg = plugin_host_registry(h);
	struct plugin *p = plugin_registry_find(reg, plugin);
	assert_non_null(p);
	char err[2048];
	if (!p->rt && plugin_registry_load(reg, p, err, sizeof err) != 0)
		fail_msg("loading %s: %s", plugin, err);
	struct plugin_call call = {.hook = PLUGIN_HOOK_COMMAND, .command = command};
	return reg->engine->call(p->rt, &call, NULL, NULL, fail);
}

/* The counter plugin's count of articles seen, read from its output. */
static long counter_seen(struct plugin_host *h)
{
	char tmpl[] = "/tmp/trang-plugin-out.XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	fflush(stdout);
	int saved = dup(1);
	dup2(fd, 1);
	struct plugin_failure f;
	int rc = run_command(h, "counter", "count", &f);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	char *out = test_read_file(tmpl, NULL);
	unlink(tmpl);
	assert_int_equal(rc, 0);
	long n = strtol(out, NULL, 10);
	free(out);
	return n;
}

static long count_rows(struct fixture *f, const char *sql)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(f->st.db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	long n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_erroring_plugin_does_not_affect_another_plugins_run(void **state)
{
	struct fixture *f = *state;
	struct plugin_host *h = open_host(f);
	assert_int_equal(plugin_host_count(h), 4); /* counter, erroring, membomb, spinning */
	/* erroring, spinning (timeout), membomb fail on the first article */
	assert_int_equal(plugin_host_on_article(h, f->ids[0], f->paths[0]), 3);
	assert_int_equal(counter_seen(h), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM plugin_errors WHERE plugin = 'erroring' "
	                               "AND hook = 'on_article' AND reason = 'error' "
	                               "AND message LIKE '%cannot handle%' "
	                               "AND traceback LIKE '%stack traceback%'"),
	                 1);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM plugin_errors WHERE article_path = '%s'",
	         f->paths[0]);
	assert_int_equal(count_rows(f, sql), 3);
	struct plugin_summary s = {.added = 5};
	assert_int_equal(plugin_host_on_ingest_done(h, &s), 0);
	plugin_host_close(h);
}

static void test_infinite_loop_in_on_article_ends_within_budget_and_next_article_runs(void **state)
{
	struct fixture *f = *state;
	struct plugin_host *h = open_host(f);
	for (int i = 0; i < 2; i++) {
		double t0 = now();
		plugin_host_on_article(h, f->ids[i], f->paths[i]);
		/* spinning has 0.2 s; membomb and the rest take well under a second */
		assert_true(now() - t0 < 3.0);
	}
	/* both runs (the bare loop, then the loop inside pcall) were ended as timeouts */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM plugin_errors WHERE plugin = 'spinning' "
	                               "AND reason = 'timeout' AND message LIKE '%CPU time budget of 0.2 s%'"),
	                 2);
	assert_int_equal(counter_seen(h), 2);
	plugin_host_close(h);
}

static void test_memory_bomb_is_stopped_at_its_cap_and_the_host_goes_on(void **state)
{
	struct fixture *f = *state;
	struct plugin_host *h = open_host(f);
	plugin_host_on_article(h, f->ids[0], f->paths[0]);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM plugin_errors WHERE plugin = 'membomb' "
	                               "AND reason = 'memory' AND message LIKE '%memory cap of 8 MB%'"),
	                 1);
	struct plugin *p = plugin_registry_find(plugin_host_registry(h), "membomb");
	assert_true(plugin_lua_engine.memory(p->rt) < ((size_t)8 << 20));
	plugin_host_on_article(h, f->ids[1], f->paths[1]);
	assert_int_equal(counter_seen(h), 2);
	plugin_host_close(h);
}

static void test_plugin_is_disabled_after_three_failures_in_a_row(void **state)
{
	struct fixture *f = *state;
	struct plugin_host *h = open_host(f);
	for (int i = 0; i < 4; i++)
		plugin_host_on_article(h, f->ids[i], f->paths[i]);
	/* the fourth article no longer reaches it */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM plugin_errors WHERE plugin = 'erroring'"), 3);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM plugin_state WHERE plugin = 'erroring' "
	                               "AND disabled = 1 AND reason LIKE '3 failures in a row%cannot handle%'"),
	                 1);
	assert_int_equal(counter_seen(h), 4);
	plugin_host_close(h);

	/* A new host reads the state: the plugin stays off until enabled. */
	h = open_host(f);
	struct plugin *p = plugin_registry_find(plugin_host_registry(h), "erroring");
	assert_true(p->disabled);
	assert_null(p->rt);
	plugin_host_close(h);
	assert_int_equal(plugin_enable(f->st.db, "erroring"), 0);
	h = open_host(f);
	p = plugin_registry_find(plugin_host_registry(h), "erroring");
	assert_false(p->disabled);
	assert_non_null(p->rt);
	plugin_host_close(h);
}

static void test_require_outside_the_plugin_folder_is_refused(void **state)
{
	struct fixture *f = *state;
	struct plugin_host *h = open_host(f);
	static const struct {
		const char *command, *message;
	} cases[] = {
		{"sibling", "module 'counter.init' not found under"},
		{"dotdot", "module name '..counter.init' is invalid"},
		{"symlink", "module 'outside' not found under"},
		{"readfile", "outside its declared directories"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct plugin_failure fl;
		assert_int_equal(run_command(h, "escaper", cases[i].command, &fl), -1);
		if (!strstr(fl.message, cases[i].message))
			fail_msg("%s: '%s' lacks '%s'", cases[i].command, fl.message, cases[i].message);
	}
	struct plugin_failure fl;
	fflush(stdout);
	assert_int_equal(run_command(h, "escaper", "inside", &fl), 0);
	plugin_host_close(h);
}

/* ---- dependencies ---- */

static void test_require_resolves_in_declared_dependencies_only(void **state)
{
	(void)state;
	char dirs[1][PATH_MAX];
	snprintf(dirs[0], PATH_MAX, "tests/fixtures/plugins/deps");
	struct plugin_registry reg;
	assert_int_equal(plugin_registry_scan(&reg, &plugin_lua_engine, dirs, 1), 0);
	struct plugin *toonew = plugin_registry_find(&reg, "toonew");
	assert_non_null(strstr(toonew->problems, "requires base ^2.0, found 1.2.0"));
	struct plugin *user = plugin_registry_find(&reg, "user");
	assert_string_equal(user->problems, "");
	char err[2048];
	if (plugin_registry_load(&reg, user, err, sizeof err) != 0)
		fail_msg("loading user: %s", err);
	assert_non_null(plugin_registry_find(&reg, "base")->rt); /* loaded first */
	struct plugin_failure f;
	char *argv[] = {"hi"};
	struct plugin_call call = {.hook = PLUGIN_HOOK_COMMAND, .command = "shout", .argc = 1, .argv = argv};
	char tmpl[] = "/tmp/trang-plugin-out.XXXXXX";
	int fd = mkstemp(tmpl);
	fflush(stdout);
	int saved = dup(1);
	dup2(fd, 1);
	int rc = plugin_lua_engine.call(user->rt, &call, NULL, NULL, &f);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	char *out = test_read_file(tmpl, NULL);
	unlink(tmpl);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "HI! via base\n");
	free(out);
	call.command = "private";
	call.argc = 0;
	assert_int_equal(plugin_lua_engine.call(user->rt, &call, NULL, NULL, &f), -1);
	assert_non_null(strstr(f.message, "module 'base.secret' not found under"));
	plugin_registry_free(&reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semver_ranges_match_as_documented),
		cmocka_unit_test(test_manifest_calling_a_function_is_refused_naming_the_file),
		cmocka_unit_test(test_manifest_that_loops_is_refused_naming_the_file),
		cmocka_unit_test(test_manifest_with_code_fields_or_methods_is_refused),
		cmocka_unit_test(test_manifest_semantics_are_validated),
		cmocka_unit_test(test_require_resolves_in_declared_dependencies_only),
		cmocka_unit_test_setup_teardown(test_erroring_plugin_does_not_affect_another_plugins_run,
		                                setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(
			test_infinite_loop_in_on_article_ends_within_budget_and_next_article_runs, setup_db,
			teardown_db),
		cmocka_unit_test_setup_teardown(test_memory_bomb_is_stopped_at_its_cap_and_the_host_goes_on,
		                                setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_plugin_is_disabled_after_three_failures_in_a_row,
		                                setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_require_outside_the_plugin_folder_is_refused, setup_db,
		                                teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
