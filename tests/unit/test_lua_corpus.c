/* test_lua_corpus.c: trang.corpus on real databases made by the real ingest
 * in temporary folders: data/ for the exact values (tests/lua/corpus_test.lua:
 * filters, lazy fields, paragraph kinds and spans, sentences), and the
 * development corpus for streaming: iterating every article, text loaded,
 * keeps the state's memory under a bound far below the corpus size. */
#include "testutil.h"

#include <limits.h>

#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "lua_state.h"
#include "store.h"

#define DEV_CORPUS test_corpus_dir()

static char tmpdir[64];
static char db_path[128];
static char art003[PATH_MAX]; /* the stored path of data/003_... */

/* Ingests paths into dir/name.db with the real engine; returns 0 or -1. */
static int ingest_into(const char *db, const char *path, long *added)
{
	struct store st;
	if (store_open(&st, db, STORE_WRITE))
		return -1;
	char copy[PATH_MAX];
	snprintf(copy, sizeof copy, "%s", path);
	char *paths[] = {copy};
	struct ingest_opts o = {.max_size = INGEST_DEFAULT_MAX_SIZE};
	struct ingest_counts c = {0};
	int rc = ingest_run(&st, paths, 1, &o, &c);
	if (rc == 0 && strcmp(path, "data") == 0)
		rc = store_path_key(&st, "data/003_4a1d6724c2426e03.txt", art003, sizeof art003);
	store_close(&st);
	*added = c.added;
	return rc;
}

static int make_database(void **s)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/trang-corpus-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(db_path, sizeof db_path, "%s/trang.db", tmpdir);
	long added = 0;
	return ingest_into(db_path, "data", &added) == 0 && added == 5 ? 0 : -1;
}

static int remove_database(void **s)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct lstate *new_state(const char *db, size_t memory)
{
	struct lstate_config cfg = {
		.name = "corpus_test.lua",
		.caps = LSTATE_CAP_CORPUS_READ | LSTATE_CAP_ENV,
		.limits = {.memory_bytes = memory, .seconds = 120},
		.lua_dir = "host/lua",
		.db_path = db,
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st)
		fail_msg("lstate_new: %s", err);
	return st;
}

static void test_corpus_module_passes_its_lua_checks_on_data(void **s)
{
	setenv("ART003", art003, 1);
	struct lstate *st = new_state(db_path, (size_t)64 << 20);
	struct lstate_outcome out;
	if (lstate_load_file(st, "tests/lua/corpus_test.lua", &out) != LSTATE_OK)
		fail_msg("%s", out.message);
	if (lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
	assert_string_equal(lua_tostring(lstate_lua(st), -1), "corpus ok");
	lstate_close(st);
}

/* Runs code (a chunk returning a function) and leaves that function on the stack. */
static void load_function(struct lstate *st, const char *code)
{
	struct lstate_outcome out = {0};
	if (lstate_load_string(st, code, strlen(code), "=test", &out) != LSTATE_OK ||
	    lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
		fail_msg("%s", out.message);
}

/* Last, as it deletes an article: an error while loading an article's text
 * names the article's path. */
static void test_an_article_error_names_its_path(void **s)
{
	struct lstate *st = new_state(db_path, (size_t)64 << 20);
	load_function(st, "local a = require('trang.corpus').get(4)\n"
	                  "return function() return #a.text end");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM articles WHERE id = 4", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	struct lstate_outcome out = {0};
	assert_int_equal(lstate_pcall(st, 0, 1, &out), LSTATE_ERROR);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "article %s: cannot load its text: no longer in the database",
	         art003);
	if (!strstr(out.message, want))
		fail_msg("want %s\n got %s", want, out.message);
	lstate_outcome_free(&out);
	lstate_close(st);
}

struct probe {
	size_t peak;
	long calls;
};

/* probe(): records the state's memory; called once per article. */
static int probe_memory(lua_State *L)
{
	struct probe *p = lua_touserdata(L, lua_upvalueindex(1));
	size_t used = lstate_memory_used(lstate_from(L));
	if (used > p->peak)
		p->peak = used;
	p->calls++;
	return 0;
}

static void test_iterating_the_dev_corpus_streams_in_bounded_memory(void **s)
{
	struct stat sb;
	if (stat(DEV_CORPUS, &sb) != 0)
		fail_msg("development corpus missing");
	char dev_db[160];
	snprintf(dev_db, sizeof dev_db, "%s/dev.db", tmpdir);
	long added = 0;
	assert_int_equal(ingest_into(dev_db, DEV_CORPUS, &added), 0);
	assert_true(added > 2000);

	struct lstate *st = new_state(dev_db, (size_t)256 << 20);
	load_function(st, "local corpus = require 'trang.corpus'\n"
	                  "return function(probe)\n"
	                  "  local n, bytes, paragraphs = 0, 0, 0\n"
	                  "  for a in corpus.articles() do\n"
	                  "    n = n + 1\n"
	                  "    bytes = bytes + #a.text + #a.raw\n"
	                  "    paragraphs = paragraphs + #a:paragraphs()\n"
	                  "    probe()\n"
	                  "  end\n"
	                  "  return n, bytes, paragraphs\n"
	                  "end");
	lua_State *L = lstate_lua(st);
	struct probe p = {0};
	size_t before = lstate_memory_used(st);
	lua_pushlightuserdata(L, &p);
	lua_pushcclosure(L, probe_memory, 1);
	struct lstate_outcome out = {0};
	if (lstate_pcall(st, 1, 3, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
	lua_Integer n = lua_tointeger(L, -3), bytes = lua_tointeger(L, -2);
	assert_int_equal(n, added);
	assert_int_equal(p.calls, added);
	assert_true(bytes > (lua_Integer)16 << 20); /* text and raw: over 16 MB went through */
	/* ... while the state never held more than 4 MB beyond where it started */
	if (p.peak - before > (size_t)4 << 20)
		fail_msg("peak %zu bytes above the start (%zu); the corpus is %lld bytes", p.peak - before,
		         before, (long long)bytes);
	print_message("streamed %lld articles, %lld MB; peak state memory +%zu KB\n", (long long)n,
	              (long long)(bytes >> 20), (p.peak - before) >> 10);
	lstate_close(st);
}

/* A run killed in the middle of an iteration (here by its instruction
 * budget) leaves the state usable: the statement is finalized by the
 * iterator's __close/__gc (ASan builds check nothing leaks). */
static void test_a_run_killed_mid_iteration_leaves_the_state_usable(void **s)
{
	struct lstate *st = new_state(db_path, (size_t)64 << 20);
	struct lstate_limits lim = {.memory_bytes = (size_t)64 << 20, .instructions = 200000};
	lstate_set_limits(st, &lim);
	static const char spin[] = "for a in require('trang.corpus').articles() do\n"
	                           "  local t = a.text\n"
	                           "  while true do end\n"
	                           "end";
	struct lstate_outcome out = {0};
	assert_int_equal(lstate_load_string(st, spin, sizeof spin - 1, "=spin", &out), LSTATE_OK);
	assert_int_equal(lstate_pcall(st, 0, 0, &out), LSTATE_TIMEOUT);
	lstate_outcome_free(&out);
	static const char again[] = "local n = 0\n"
	                            "for _ in require('trang.corpus').articles() do n = n + 1 end\n"
	                            "return n";
	assert_int_equal(lstate_load_string(st, again, sizeof again - 1, "=again", &out), LSTATE_OK);
	assert_int_equal(lstate_pcall(st, 0, 1, &out), LSTATE_OK);
	assert_int_equal(lua_tointeger(lstate_lua(st), -1), 5);
	lstate_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_module_passes_its_lua_checks_on_data),
		cmocka_unit_test(test_iterating_the_dev_corpus_streams_in_bounded_memory),
		cmocka_unit_test(test_a_run_killed_mid_iteration_leaves_the_state_usable),
		cmocka_unit_test(test_an_article_error_names_its_path),
	};
	return cmocka_run_group_tests(tests, make_database, remove_database);
}
