/* test_lua_store.c: trang.store on a real database in a temporary folder,
 * made by the real ingest over data/: a script's SQL, transactions and
 * key-value store (tests/lua/store_test.lua), expiry, and the authorizer's
 * refusals for plugins. */
#include "testutil.h"

#include <unistd.h>

#include "ingest.h"
#include "lua_state.h"
#include "store.h"

static char tmpdir[64];
static char db_path[128];

static int make_database(void **s)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/trang-store-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(db_path, sizeof db_path, "%s/trang.db", tmpdir);
	struct store st;
	if (store_open(&st, db_path, STORE_WRITE))
		return -1;
	char *paths[] = {"data"};
	struct ingest_opts o = {.max_size = INGEST_DEFAULT_MAX_SIZE};
	struct ingest_counts c = {0};
	int rc = ingest_run(&st, paths, 1, &o, &c);
	store_close(&st);
	return rc == 0 && c.added == 5 ? 0 : -1;
}

static int remove_database(void **s)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct lstate *new_state(const char *plugin, unsigned caps)
{
	struct lstate_config cfg = {
		.name = plugin ? plugin : "store_test.lua",
		.caps = caps,
		.limits = {.memory_bytes = (size_t)64 << 20, .seconds = 20},
		.lua_dir = "host/lua",
		.plugin = plugin,
		.db_path = db_path,
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st)
		fail_msg("lstate_new: %s", err);
	return st;
}

/* Runs code in st; returns how it ended, with the message in out. */
static enum lstate_reason run(struct lstate *st, const char *code, struct lstate_outcome *out)
{
	memset(out, 0, sizeof *out);
	enum lstate_reason r = lstate_load_string(st, code, strlen(code), "=test", out);
	if (r != LSTATE_OK)
		return r;
	return lstate_pcall(st, 0, 1, out);
}

/* Runs code and asserts it raises an error containing want. */
static void assert_refused(struct lstate *st, const char *code, const char *want)
{
	struct lstate_outcome out;
	enum lstate_reason r = run(st, code, &out);
	if (r != LSTATE_ERROR || !out.message || !strstr(out.message, want))
		fail_msg("%s\n  want an error with: %s\n  got: %s %s", code, want, lstate_reason_name(r),
		         out.message ? out.message : "");
	lstate_outcome_free(&out);
}

/* Runs code and asserts it returns the string want. */
static void assert_returns(struct lstate *st, const char *code, const char *want)
{
	struct lstate_outcome out;
	if (run(st, code, &out) != LSTATE_OK)
		fail_msg("%s\n  failed: %s\n%s", code, out.message, out.traceback ? out.traceback : "");
	const char *got = lua_tostring(lstate_lua(st), -1);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s\n  want: %s\n  got:  %s", code, want, got ? got : "(not a string)");
	lua_pop(lstate_lua(st), 1);
}

static void test_script_sql_tx_and_kv_pass_their_lua_checks(void **s)
{
	struct lstate *st = new_state(NULL, LSTATE_CAP_CORPUS_READ | LSTATE_CAP_STORE_WRITE);
	struct lstate_outcome out;
	if (lstate_load_file(st, "tests/lua/store_test.lua", &out) != LSTATE_OK)
		fail_msg("%s", out.message);
	if (lstate_pcall(st, 0, 1, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
	assert_string_equal(lua_tostring(lstate_lua(st), -1), "store ok");
	lua_pop(lstate_lua(st), 1);
	/* The key set with a ttl of 0.2 s is gone after 0.3 s. */
	usleep(300 * 1000);
	assert_returns(st, "return tostring(require('trang.store').get('short'))", "nil");
	assert_returns(st, "return tostring(require('trang.store').incr('short'))", "1");
	lstate_close(st);

	/* Seen from outside: the injection attempt is a plain value and the
	 * corpus is untouched. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT w FROM script_words WHERE n = 9", -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "x'); DROP TABLE script_words; --");
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM articles", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 5);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void test_plugin_writes_only_its_prefixed_tables(void **s)
{
	struct lstate *st = new_state("word-freq", LSTATE_CAP_STORE_WRITE);
	assert_returns(st, "return require('trang.store').prefix()", "plugin_word_freq_");
	assert_returns(st,
	               "local store = require 'trang.store'\n"
	               "store.exec('CREATE TABLE plugin_word_freq_counts(w TEXT PRIMARY KEY, n)')\n"
	               "store.exec('CREATE INDEX plugin_word_freq_n ON plugin_word_freq_counts(n)')\n"
	               "store.exec('INSERT INTO plugin_word_freq_counts VALUES (?, ?)', 'da', 2)\n"
	               "store.exec('UPDATE plugin_word_freq_counts SET n = n + 1')\n"
	               "return tostring(store.query('SELECT n FROM plugin_word_freq_counts')[1].n)",
	               "3");
	assert_refused(st, "require('trang.store').exec(\"INSERT INTO articles(path) VALUES ('x')\")",
	               "the corpus table articles is read-only");
	assert_refused(st, "require('trang.store').exec('UPDATE paragraph_spans SET kind = 1')",
	               "the corpus table paragraph_spans is read-only");
	assert_refused(st, "require('trang.store').exec('DELETE FROM sentence_spans')",
	               "the corpus table sentence_spans is read-only");
	assert_refused(st, "require('trang.store').exec('UPDATE paragraphs SET kind = 1')",
	               "cannot modify paragraphs because it is a view");
	assert_refused(st, "require('trang.store').exec('DELETE FROM ingest_runs')",
	               "the corpus table ingest_runs is read-only");
	assert_refused(st, "require('trang.store').exec('CREATE TABLE counts(w)')",
	               "counts refused: tables and views here must be named plugin_word_freq_*");
	assert_refused(st, "require('trang.store').exec('CREATE TABLE plugin_other_t(w)')",
	               "must be named plugin_word_freq_*");
	assert_refused(st, "require('trang.store').exec('DROP TABLE meta')", "meta refused");
	assert_refused(st, "require('trang.store').exec('ALTER TABLE articles ADD COLUMN x')",
	               "ALTER TABLE articles refused");
	assert_refused(st,
	               "require('trang.store').exec('CREATE TRIGGER plugin_word_freq_t AFTER INSERT "
	               "ON articles BEGIN SELECT 1; END')",
	               "both must be named with this store's prefix");
	assert_refused(st, "require('trang.store').exec(\"ATTACH DATABASE '/tmp/x.db' AS x\")",
	               "ATTACH and DETACH are refused");
	assert_refused(st, "require('trang.store').exec('PRAGMA writable_schema = 1')",
	               "PRAGMA writable_schema(1) refused");
	assert_refused(st, "require('trang.store').query(\"SELECT load_extension('/tmp/x.so')\")",
	               "load_extension is refused");
	assert_refused(st, "require('trang.store').exec('COMMIT')", "store.tx");
	lstate_close(st);
}

static void test_plugin_without_corpus_read_cannot_read_articles(void **s)
{
	struct lstate *st = new_state("wordfreq", LSTATE_CAP_STORE_WRITE);
	assert_refused(st, "require('trang.store').query('SELECT title FROM articles')",
	               "reading the corpus table articles needs the corpus.read capability");
	assert_refused(st, "require('trang.store').query(\"SELECT rowid FROM paragraphs_fts WHERE "
	                   "paragraphs_fts MATCH 'putin'\")",
	               "needs the corpus.read capability");
	assert_refused(st, "for a in require('trang.corpus').articles() do end",
	               "trang.corpus needs the corpus.read capability");
	lstate_close(st);

	st = new_state("wordfreq", LSTATE_CAP_CORPUS_READ);
	assert_returns(st, "return tostring(require('trang.store').query('SELECT count(*) AS n FROM "
	                   "articles')[1].n)",
	               "5");
	lstate_close(st);
}

static void test_plugin_without_store_write_only_reads(void **s)
{
	struct lstate *st = new_state("reader", LSTATE_CAP_CORPUS_READ);
	assert_refused(st, "require('trang.store').exec('CREATE TABLE plugin_reader_t(x)')",
	               "needs the store.write capability");
	assert_refused(st, "require('trang.store').set('k', 1)", "writing needs the store.write capability");
	assert_returns(st, "return tostring(require('trang.store').get('k'))", "nil");
	lstate_close(st);
}

static void test_kv_namespaces_are_per_plugin(void **s)
{
	struct lstate *a = new_state("alpha", LSTATE_CAP_STORE_WRITE);
	struct lstate *b = new_state("beta", LSTATE_CAP_STORE_WRITE);
	assert_returns(a, "require('trang.store').set('k', 'from alpha') return 'set'", "set");
	assert_returns(b, "return tostring(require('trang.store').get('k'))", "nil");
	assert_returns(b, "require('trang.store').set('k', 'from beta') return 'set'", "set");
	assert_returns(a, "return require('trang.store').get('k')", "from alpha");
	lstate_close(a);
	lstate_close(b);
}

static void test_an_error_in_tx_rolls_back_and_reraises(void **s)
{
	struct lstate *st = new_state("txer", LSTATE_CAP_STORE_WRITE);
	assert_returns(st,
	               "local store = require 'trang.store'\n"
	               "store.exec('CREATE TABLE plugin_txer_t(x)')\n"
	               "local ok, err = pcall(store.tx, function()\n"
	               "  store.exec('INSERT INTO plugin_txer_t VALUES (1)')\n"
	               "  store.set('k', 'v')\n"
	               "  error({code = 7})\n"
	               "end)\n"
	               "return string.format('%s %s %d %s', ok, type(err) == 'table' and err.code,\n"
	               "  store.query('SELECT count(*) AS n FROM plugin_txer_t')[1].n, store.get('k'))",
	               "false 7 0 nil");
	lstate_close(st);
}

/* The memory cap reached inside store.tx ends the run; the transaction is
 * rolled back and the next run can open a new one. */
static void test_a_memory_kill_inside_tx_rolls_back(void **s)
{
	struct lstate *st = new_state("bomb", LSTATE_CAP_STORE_WRITE);
	struct lstate_limits lim = {.memory_bytes = (size_t)16 << 20, .seconds = 20};
	lstate_set_limits(st, &lim);
	assert_returns(st, "require('trang.store').exec('CREATE TABLE plugin_bomb_t(x)') return 'ok'",
	               "ok");
	struct lstate_outcome out;
	assert_int_equal(run(st,
	                     "local store = require 'trang.store'\n"
	                     "store.tx(function()\n"
	                     "  store.exec('INSERT INTO plugin_bomb_t VALUES (1)')\n"
	                     "  local t = {}\n"
	                     "  while true do t[#t + 1] = string.rep('x', 1000) .. #t end\n"
	                     "end)",
	                     &out),
	                 LSTATE_MEMORY);
	lstate_outcome_free(&out);
	assert_returns(st,
	               "local store = require 'trang.store'\n"
	               "local before = store.query('SELECT count(*) AS n FROM plugin_bomb_t')[1].n\n"
	               "store.tx(function() store.exec('INSERT INTO plugin_bomb_t VALUES (2)') end)\n"
	               "return before .. ' ' .. store.query('SELECT count(*) AS n FROM plugin_bomb_t')[1].n",
	               "0 1");
	lstate_close(st);
}

/* A runaway query counts toward the run's budget and is ended with it, even
 * under pcall. */
static void test_a_runaway_query_is_ended_by_the_budget(void **s)
{
	struct lstate *st = new_state("spin", LSTATE_CAP_STORE_WRITE);
	struct lstate_limits lim = {.memory_bytes = (size_t)64 << 20, .instructions = 2000000};
	lstate_set_limits(st, &lim);
	struct lstate_outcome out;
	assert_int_equal(run(st,
	                     "local store = require 'trang.store'\n"
	                     "pcall(store.query, 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL '\n"
	                     "  .. 'SELECT i + 1 FROM r) SELECT count(*) FROM r')\n"
	                     "return 'swallowed'",
	                     &out),
	                 LSTATE_TIMEOUT);
	lstate_outcome_free(&out);
	assert_returns(st, "return tostring(require('trang.store').query('SELECT 1 AS one')[1].one)",
	               "1");
	lstate_close(st);
}

static void test_a_database_that_cannot_be_opened_is_an_expected_failure(void **s)
{
	struct lstate_config cfg = {
		.name = "nowhere",
		.caps = LSTATE_CAP_STORE_WRITE,
		.limits = {.memory_bytes = (size_t)64 << 20, .seconds = 20},
		.db_path = "/nonexistent-folder/trang.db",
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	assert_non_null(st);
	assert_returns(st,
	               "local rows, msg, code = require('trang.store').query('SELECT 1')\n"
	               "return tostring(rows) .. ' ' .. code .. ' ' .. tostring(msg:find('/nonexistent-folder/trang.db', 1, true))",
	               "nil CANTOPEN 1");
	lstate_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_sql_tx_and_kv_pass_their_lua_checks),
		cmocka_unit_test(test_plugin_writes_only_its_prefixed_tables),
		cmocka_unit_test(test_plugin_without_corpus_read_cannot_read_articles),
		cmocka_unit_test(test_plugin_without_store_write_only_reads),
		cmocka_unit_test(test_kv_namespaces_are_per_plugin),
		cmocka_unit_test(test_an_error_in_tx_rolls_back_and_reraises),
		cmocka_unit_test(test_a_memory_kill_inside_tx_rolls_back),
		cmocka_unit_test(test_a_runaway_query_is_ended_by_the_budget),
		cmocka_unit_test(test_a_database_that_cannot_be_opened_is_an_expected_failure),
	};
	return cmocka_run_group_tests(tests, make_database, remove_database);
}
