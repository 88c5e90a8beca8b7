/* test_reload.c: hot reload of plugins (host/plugin_reload.c) with a real
 * libuv loop and real files: a copy of tests/fixtures/plugins/reload/greeter
 * in a temporary plugin folder, edited on disk with the files in
 * tests/fixtures/plugins/reload/edits. The answering version is told by what
 * its health() reports ("greeter 1", "greeter 2"). */

/* host/sched.h shadows the C library's <sched.h> under -Ihost, and <uv.h>
 * needs the real one (cpu_set_t, through <pthread.h>): take it by path first.
 * Drop this once host/sched.h is renamed. */
#include "/usr/include/sched.h"

#include "testutil.h"

#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "plugin.h"
#include "plugin_reload.h"

#define FIXTURE "tests/fixtures/plugins/reload"

struct seen_event {
	enum plugin_change change;
	char name[64];
	char file[PATH_MAX + 16];
	char message[4096];
	bool kept_old;
	long draining;
	unsigned long generation;
	const struct plugin_runtime *previous, *current;
};

struct r_ctx {
	uv_loop_t loop;
	char tmp[PATH_MAX], plugins[PATH_MAX], dir[PATH_MAX + 16];
	struct plugin_set *set;
	struct seen_event ev[32];
	size_t nev;
	int want; /* an enum plugin_change to stop at; -1: none */
	uv_timer_t deadline;
	bool timed_out;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *text = test_read_file(from, &len);
	FILE *f = fopen(to, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(text);
}

/* Copies the fixture's file `edit` over the plugin's `file`. */
static void edit(struct r_ctx *c, const char *edit_name, const char *file)
{
	char from[PATH_MAX], to[PATH_MAX * 2];
	snprintf(from, sizeof from, FIXTURE "/%s", edit_name);
	snprintf(to, sizeof to, "%s/%s", c->dir, file);
	copy_file(from, to);
}

static void install_greeter(struct r_ctx *c)
{
	assert_int_equal(mkdir(c->dir, 0755), 0);
	edit(c, "greeter/plugin.lua", "plugin.lua");
	edit(c, "greeter/init.lua", "init.lua");
}

static void on_change(void *ud, const struct plugin_change_event *ev)
{
	struct r_ctx *c = ud;
	assert_true(c->nev < 32);
	struct seen_event *s = &c->ev[c->nev++];
	memset(s, 0, sizeof *s);
	s->change = ev->change;
	snprintf(s->name, sizeof s->name, "%s", ev->name);
	snprintf(s->file, sizeof s->file, "%s", ev->file ? ev->file : "");
	snprintf(s->message, sizeof s->message, "%s", ev->message ? ev->message : "");
	s->kept_old = ev->kept_old;
	s->draining = ev->draining;
	s->generation = ev->current ? ev->current->generation : 0;
	s->previous = ev->previous;
	s->current = ev->current;
	if ((int)ev->change == c->want)
		uv_stop(&c->loop);
}

static void on_deadline(uv_timer_t *t)
{
	struct r_ctx *c = t->data;
	c->timed_out = true;
	uv_stop(&c->loop);
}

/* Runs the loop until an event of kind want arrives (3 s at most); returns it. */
static struct seen_event *wait_for(struct r_ctx *c, enum plugin_change want)
{
	size_t from = c->nev;
	c->want = (int)want;
	c->timed_out = false;
	uv_timer_start(&c->deadline, on_deadline, 3000, 0);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&c->deadline);
	c->want = -1;
	if (c->timed_out)
		fail_msg("no %d event within 3 s", (int)want);
	for (size_t i = from; i < c->nev; i++)
		if (c->ev[i].change == want)
			return &c->ev[i];
	fail_msg("stopped without the event");
	return NULL;
}

static void ctx_open(struct r_ctx *c, bool with_greeter)
{
	memset(c, 0, sizeof *c);
	c->want = -1;
	snprintf(c->tmp, sizeof c->tmp, "/tmp/trang-reload-XXXXXX");
	assert_non_null(mkdtemp(c->tmp));
	snprintf(c->plugins, sizeof c->plugins, "%s/plugins", c->tmp);
	snprintf(c->dir, sizeof c->dir, "%s/greeter", c->plugins);
	assert_int_equal(mkdir(c->plugins, 0755), 0);
	if (with_greeter)
		install_greeter(c);
	assert_int_equal(uv_loop_init(&c->loop), 0);
	uv_timer_init(&c->loop, &c->deadline);
	c->deadline.data = c;
	char dirs[1][PATH_MAX];
	snprintf(dirs[0], PATH_MAX, "%s", c->plugins);
	struct plugin_set_opts o = {
		.dirs = (const char(*)[PATH_MAX])dirs, .ndirs = 1, .settle_ms = 100,
		.on_change = on_change, .ud = c,
	};
	char err[256];
	c->set = plugin_set_open(&c->loop, &o, err, sizeof err);
	if (!c->set)
		fail_msg("plugin_set_open: %s", err);
}

static void ctx_close(struct r_ctx *c)
{
	plugin_set_close(c->set);
	uv_close((uv_handle_t *)&c->deadline, NULL);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&c->loop), 0);
	nftw(c->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void collect_health(void *ud, const char *level, const char *message)
{
	snprintf(ud, 64, "%s", message);
}

/* What r's health() says. */
static void health_of(struct plugin_runtime *r, char out[64])
{
	struct plugin_call call = {.hook = PLUGIN_HOOK_HEALTH};
	struct plugin_failure fail;
	out[0] = '\0';
	assert_int_equal(r->engine->call(r->plugin.rt, &call, collect_health, out, &fail), 0);
}

/* What the current version of greeter says; "" when none is loaded. */
static void greeter_says(struct r_ctx *c, char out[64])
{
	struct plugin_runtime *r = plugin_runtime_acquire(c->set, "greeter");
	out[0] = '\0';
	if (r) {
		health_of(r, out);
		plugin_runtime_release(r);
	}
}

/* ---- the tests ------------------------------------------------------------------ */

static void test_open_loads_the_plugin_and_reports_it(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	assert_int_equal(c.nev, 1);
	assert_int_equal(c.ev[0].change, PLUGIN_LOADED);
	assert_string_equal(c.ev[0].name, "greeter");
	assert_int_equal(c.ev[0].generation, 1);
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 1");
	ctx_close(&c);
}

static void test_edited_plugin_runs_its_new_version_at_the_next_call(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	edit(&c, "edits/plugin_v2.lua", "plugin.lua");
	edit(&c, "edits/init_v2.lua", "init.lua");
	struct seen_event *ev = wait_for(&c, PLUGIN_RELOADED);
	assert_int_equal(ev->generation, 2);
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 2");
	struct plugin_runtime *r = plugin_runtime_acquire(c.set, "greeter");
	assert_string_equal(r->plugin.m.version, "2.0.0");
	plugin_runtime_release(r);
	ctx_close(&c);
}

static void test_syntax_error_keeps_the_old_version_and_is_reported(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	edit(&c, "edits/init_syntax_error.lua", "init.lua");
	struct seen_event *ev = wait_for(&c, PLUGIN_FAILED);
	assert_string_equal(ev->name, "greeter");
	assert_true(ev->kept_old);
	assert_non_null(strstr(ev->file, "greeter/init.lua"));
	assert_non_null(strstr(ev->message, "init.lua:6:")); /* the line where the ')' is missed */
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 1");
	assert_string_equal(plugin_set_error(c.set, 0), ev->message);
	ctx_close(&c);
}

static void test_init_raising_keeps_the_old_version_and_is_reported(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	edit(&c, "edits/init_raises.lua", "init.lua");
	struct seen_event *ev = wait_for(&c, PLUGIN_FAILED);
	assert_true(ev->kept_old);
	assert_non_null(strstr(ev->file, "greeter/init.lua"));
	assert_non_null(strstr(ev->message, "init.lua:8: greeter cannot start: its configuration is missing"));
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 1");
	ctx_close(&c);
}

static void test_manifest_error_keeps_the_old_version_and_is_reported(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	edit(&c, "edits/plugin_bad_version.lua", "plugin.lua");
	struct seen_event *ev = wait_for(&c, PLUGIN_FAILED);
	assert_true(ev->kept_old);
	assert_non_null(strstr(ev->file, "greeter/plugin.lua"));
	assert_non_null(strstr(ev->message, "field 'version': 'two' is not a semantic version"));
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 1");
	/* and a good edit after the broken one is taken */
	edit(&c, "edits/plugin_v2.lua", "plugin.lua");
	edit(&c, "edits/init_v2.lua", "init.lua");
	ev = wait_for(&c, PLUGIN_RELOADED);
	assert_int_equal(ev->generation, 2);
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 2");
	assert_string_equal(plugin_set_error(c.set, 0), "");
	ctx_close(&c);
}

static void test_running_use_of_the_old_version_finishes_on_it(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	struct plugin_runtime *old = plugin_runtime_acquire(c.set, "greeter");
	assert_int_equal(plugin_runtime_users(old), 1);
	edit(&c, "edits/init_v2.lua", "init.lua");
	struct seen_event *ev = wait_for(&c, PLUGIN_RELOADED);
	assert_int_equal(ev->draining, 1);
	assert_ptr_equal(ev->previous, old); /* the one to unschedule */
	assert_false(plugin_runtime_is_current(old));
	assert_int_equal(plugin_runtime_users(old), 1);
	plugin_runtime_hold(plugin_runtime_of(&old->plugin)); /* a second run on it */
	assert_int_equal(plugin_runtime_users(old), 2);
	plugin_runtime_release(old);
	health_of(old, says); /* the old state still works for its run */
	assert_string_equal(says, "greeter 1");
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 2");
	plugin_runtime_release(old); /* the last user: the old state is unloaded here */
	ctx_close(&c);
}

static void test_removed_folder_unloads_the_plugin(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, true);
	nftw(c.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	struct seen_event *ev = wait_for(&c, PLUGIN_UNLOADED);
	assert_string_equal(ev->name, "greeter");
	assert_null(plugin_runtime_acquire(c.set, "greeter"));
	greeter_says(&c, says);
	assert_string_equal(says, "");
	assert_int_equal(plugin_set_count(c.set), 0);
	ctx_close(&c);
}

static void test_new_folder_loads_the_plugin(void **state)
{
	struct r_ctx c;
	char says[64];
	ctx_open(&c, false);
	assert_int_equal(c.nev, 0);
	install_greeter(&c);
	struct seen_event *ev = wait_for(&c, PLUGIN_LOADED);
	assert_string_equal(ev->name, "greeter");
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 1");
	ctx_close(&c);
}

static void test_explicit_reload_rebuilds_and_unknown_name_is_an_error(void **state)
{
	struct r_ctx c;
	char says[64], err[256];
	ctx_open(&c, true);
	assert_int_equal(plugin_reload(c.set, "greeter", err, sizeof err), 0);
	struct seen_event *ev = wait_for(&c, PLUGIN_RELOADED);
	assert_int_equal(ev->generation, 2);
	greeter_says(&c, says);
	assert_string_equal(says, "greeter 1");
	assert_int_equal(plugin_reload(c.set, "nosuch", err, sizeof err), -1);
	assert_string_equal(err, "no plugin folder 'nosuch' on the plugin path");
	ctx_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_loads_the_plugin_and_reports_it),
		cmocka_unit_test(test_edited_plugin_runs_its_new_version_at_the_next_call),
		cmocka_unit_test(test_syntax_error_keeps_the_old_version_and_is_reported),
		cmocka_unit_test(test_init_raising_keeps_the_old_version_and_is_reported),
		cmocka_unit_test(test_manifest_error_keeps_the_old_version_and_is_reported),
		cmocka_unit_test(test_running_use_of_the_old_version_finishes_on_it),
		cmocka_unit_test(test_removed_folder_unloads_the_plugin),
		cmocka_unit_test(test_new_folder_loads_the_plugin),
		cmocka_unit_test(test_explicit_reload_rebuilds_and_unknown_name_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
