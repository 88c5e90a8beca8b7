/* test_lua_extract.c: trang.extract (host/api_extract.c) through a real Lua
 * state: the whole case table of the engine (tests/unit/extract_cases.inc)
 * called from Lua and compared field by field with the expected values and
 * with the C engine, the Lua test scripts tests/lua/extract_*.lua, the CPU
 * budget and memory cap on huge texts, and a run of extract.all over data/
 * and the development corpus that checks every span and prints MB/s. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>

#include "extract.h"
#include "lua_state.h"

#define CORPUS_DIR test_corpus_dir()

/* The rows of extract_cases.inc, as test_extract.c declares them. */
struct fig_case {
	const char *text;
	int n;
	const char *surf;
	const char *kind;
	double value, lo, hi; /* value NAN: a range lo..hi */
	const char *unit;
	int approx;
	const char *cmp;
	char change;
	const char *base;
};

struct date_case {
	const char *text, *dct;
	int n;
	const char *surf, *value, *gran, *mod, *rule;
	int agrees;
};

static const struct fig_case fig_cases[] = {
#define FIG_CASES
#include "extract_cases.inc"
#undef FIG_CASES
};

static const struct date_case date_cases[] = {
#define DATE_CASES
#include "extract_cases.inc"
#undef DATE_CASES
};

/* One state for the case table, with the module at registry[module_ref], and
 * the engine's default lexicon to compare with. */
struct fixture {
	struct lstate *st;
	int module_ref;
	extract_lexicon *lex;
};

static struct lstate *new_state(const char *name, struct lstate_limits limits)
{
	struct lstate_config cfg = {
		.name = name,
		.caps = LSTATE_CAP_FS_READ,
		.limits = limits,
		.lua_dir = "host/lua",
	};
	char err[256];
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st)
		fail_msg("lstate_new: %s", err);
	return st;
}

/* Runs code in st; fails the test if it raises. Leaves nresults on the stack. */
static void run_code(struct lstate *st, const char *code, int nresults)
{
	struct lstate_outcome out = {0};
	if (lstate_load_string(st, code, strlen(code), "=test", &out) != LSTATE_OK ||
		lstate_pcall(st, 0, nresults, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	fx->st = new_state("extract cases", (struct lstate_limits){.memory_bytes = (size_t)256 << 20,
		.seconds = 60});
	run_code(fx->st, "return require 'trang.extract'", 1);
	fx->module_ref = luaL_ref(lstate_lua(fx->st), LUA_REGISTRYINDEX);
	fx->lex = extract_lexicon_new_default();
	*state = fx;
	return fx->lex ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	lstate_close(fx->st);
	extract_lexicon_free(fx->lex);
	free(fx);
	return 0;
}

/* Calls extract[fn](text [, {dct = dct}]) under the budget. Stack: [] -> [result]. */
static void call_extract(struct fixture *fx, const char *fn, const char *text, const char *dct)
{
	lua_State *L = lstate_lua(fx->st);
	lua_rawgeti(L, LUA_REGISTRYINDEX, fx->module_ref);
	lua_getfield(L, -1, fn);
	lua_remove(L, -2); /* stack: [f] */
	lua_pushstring(L, text);
	if (dct) {
		lua_createtable(L, 0, 1);
		lua_pushstring(L, dct);
		lua_setfield(L, -2, "dct");
	}
	struct lstate_outcome out = {0};
	if (lstate_pcall(fx->st, dct ? 2 : 1, 1, &out) != LSTATE_OK)
		fail_msg("extract.%s(\"%s\"): %s", fn, text, out.message);
	if (!lua_istable(L, -1))
		fail_msg("extract.%s(\"%s\") returned a %s", fn, text, luaL_typename(L, -1));
}

/* Field readers on the table at the top of the stack. A string field is
 * copied to out ("" when nil); the type must be as documented. */
static void field_string(lua_State *L, const char *text, const char *key, char *out, size_t n)
{
	int t = lua_getfield(L, -1, key);
	if (t == LUA_TNIL)
		out[0] = '\0';
	else if (t == LUA_TSTRING && lua_rawlen(L, -1) > 0)
		snprintf(out, n, "%s", lua_tostring(L, -1));
	else
		fail_msg("\"%s\": field %s is a %s (an empty string?)", text, key, luaL_typename(L, -1));
	lua_pop(L, 1);
}

/* nil -> 0, true -> 1, false -> -1 */
static int field_bool(lua_State *L, const char *text, const char *key)
{
	int t = lua_getfield(L, -1, key);
	int v = t == LUA_TNIL ? 0 : t == LUA_TBOOLEAN ? (lua_toboolean(L, -1) ? 1 : -1) : 99;
	lua_pop(L, 1);
	if (v == 99)
		fail_msg("\"%s\": field %s is not a boolean", text, key);
	return v;
}

static bool field_number(lua_State *L, const char *key, double *v)
{
	bool has = lua_getfield(L, -1, key) == LUA_TNUMBER;
	*v = has ? lua_tonumber(L, -1) : NAN;
	lua_pop(L, 1);
	return has;
}

/* Checks s, e (1-based, inclusive) and text of the item at the top against
 * the C span [s, e) of text. */
static void check_span(lua_State *L, const char *text, size_t s, size_t e)
{
	double ls, le;
	char surf[512];
	if (!field_number(L, "s", &ls) || !field_number(L, "e", &le) || ls != (double)s + 1 ||
		le != (double)e)
		fail_msg("\"%s\": span %g-%g from Lua, %zu-%zu from C", text, ls, le, s + 1, e);
	field_string(L, text, "text", surf, sizeof surf);
	if (strlen(surf) != e - s || memcmp(surf, text + s, e - s))
		fail_msg("\"%s\": text \"%s\" is not the bytes %zu-%zu", text, surf, s + 1, e);
}

/* Compares the Lua figure at the top of the stack with the engine's. */
static void check_figure_fields(lua_State *L, const char *text, const extract_figure *x)
{
	char kind[16], unit[64], cmp[8], change[8], base[64];
	double v, lo, hi, num, den;
	field_string(L, text, "kind", kind, sizeof kind);
	field_string(L, text, "unit", unit, sizeof unit);
	field_string(L, text, "cmp", cmp, sizeof cmp);
	field_string(L, text, "change", change, sizeof change);
	field_string(L, text, "base", base, sizeof base);
	bool has_v = field_number(L, "value", &v), has_lo = field_number(L, "lo", &lo),
		has_hi = field_number(L, "hi", &hi), has_num = field_number(L, "num", &num),
		has_den = field_number(L, "den", &den);
	if (strcmp(kind, extract_figure_kind_name(x->kind)) || strcmp(unit, x->unit) ||
		strcmp(cmp, x->cmp) || change[0] != x->change || (x->change && change[1]) ||
		strcmp(base, x->base) || field_bool(L, text, "approx") != (x->approx ? 1 : 0))
		fail_msg("\"%s\": Lua figure %s unit=%s cmp=%s change=%s base=%s differs from C", text,
			kind, unit, cmp, change, base);
	if (x->range ? (has_v || !has_lo || !has_hi || lo != x->lo || hi != x->hi)
	             : (!has_v || has_lo || has_hi || v != x->value))
		fail_msg("\"%s\": Lua value %g lo %g hi %g, C %g %g %g (range %d)", text, v, lo, hi,
			x->value, x->lo, x->hi, x->range);
	if (x->kind == EXTRACT_FIG_RATIO ? (!has_num || !has_den || num != x->num || den != x->den)
	                                 : (has_num || has_den))
		fail_msg("\"%s\": Lua num/den %g/%g, C %g/%g", text, num, den, x->num, x->den);
	check_span(L, text, x->s, x->e);
}

/* The figure case through extract.figures: every figure as the engine gives
 * it, and the one named by the case as the table expects. */
static void check_fig_case(struct fixture *fx, const struct fig_case *c)
{
	lua_State *L = lstate_lua(fx->st);
	extract_figures f = {0};
	assert_int_equal(extract_figures_find(fx->lex, c->text, strlen(c->text), &f), EXTRACT_OK);
	call_extract(fx, "figures", c->text, NULL); /* stack: [figures] */
	if (lua_rawlen(L, -1) != (size_t)c->n || f.n != (size_t)c->n)
		fail_msg("\"%s\": %zu figures from Lua, %zu from C, expected %d", c->text,
			(size_t)lua_rawlen(L, -1), f.n, c->n);
	bool seen = false;
	for (size_t i = 0; i < f.n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1); /* stack: [figures, figure] */
		check_figure_fields(L, c->text, &f.v[i]);
		char surf[256], kind[16], unit[64], cmp[8], change[8], base[64];
		field_string(L, c->text, "text", surf, sizeof surf);
		if (c->n && !seen && !strcmp(surf, c->surf)) {
			seen = true;
			double v, lo, hi;
			field_string(L, c->text, "kind", kind, sizeof kind);
			field_string(L, c->text, "unit", unit, sizeof unit);
			field_string(L, c->text, "cmp", cmp, sizeof cmp);
			field_string(L, c->text, "change", change, sizeof change);
			field_string(L, c->text, "base", base, sizeof base);
			field_number(L, "value", &v);
			field_number(L, "lo", &lo);
			field_number(L, "hi", &hi);
			if (strcmp(kind, c->kind) || strcmp(unit, c->unit) || strcmp(cmp, c->cmp) ||
				change[0] != c->change || strcmp(base, c->base) ||
				field_bool(L, c->text, "approx") != (c->approx ? 1 : 0))
				fail_msg("\"%s\": %s unit=%s cmp=%s change=%s base=%s, expected %s %s %s %c %s",
					c->text, kind, unit, cmp, change, base, c->kind, c->unit, c->cmp,
					c->change ? c->change : '0', c->base);
			if (isnan(c->value) ? (lo != c->lo || hi != c->hi) : v != c->value)
				fail_msg("\"%s\": value %.17g lo %.17g hi %.17g, expected %.17g %.17g %.17g",
					c->text, v, lo, hi, c->value, c->lo, c->hi);
		}
		lua_pop(L, 1);
	}
	if (c->n && !seen)
		fail_msg("\"%s\": no figure from Lua spans \"%s\"", c->text, c->surf);
	lua_pop(L, 1);
	extract_figures_free(&f);
}

static void test_lua_figures_match_the_case_table_and_the_engine(void **state)
{
	for (size_t i = 0; i < sizeof fig_cases / sizeof fig_cases[0]; i++)
		check_fig_case(*state, &fig_cases[i]);
	assert_int_equal(lua_gettop(lstate_lua(((struct fixture *)*state)->st)), 0);
}

/* Compares the Lua date at the top of the stack with the engine's. */
static void check_date_fields(lua_State *L, const char *text, const extract_date *x)
{
	char value[64], gran[16], mod[8], lo[64], hi[64], rule[64];
	double wd;
	field_string(L, text, "value", value, sizeof value);
	field_string(L, text, "granularity", gran, sizeof gran);
	field_string(L, text, "mod", mod, sizeof mod);
	field_string(L, text, "lo", lo, sizeof lo);
	field_string(L, text, "hi", hi, sizeof hi);
	field_string(L, text, "rule", rule, sizeof rule);
	const char *cmod = extract_mod_name(x->mod);
	if (strcmp(value, x->value) || strcmp(gran, extract_granularity_name(x->granularity)) ||
		strcmp(mod, cmod ? cmod : "") || strcmp(lo, x->range ? x->lo : "") ||
		strcmp(hi, x->range ? x->hi : "") || strcmp(rule, x->rule))
		fail_msg("\"%s\": Lua date %s %s mod=%s lo=%s hi=%s rule=%s differs from C %s", text,
			value, gran, mod, lo, hi, rule, x->value);
	if (field_bool(L, text, "weekday_agrees") != x->weekday_agrees)
		fail_msg("\"%s\": weekday_agrees differs from C %d", text, x->weekday_agrees);
	if (field_number(L, "weekday", &wd) ? wd != x->weekday : x->weekday != 0)
		fail_msg("\"%s\": weekday %g, C %d", text, wd, x->weekday);
	check_span(L, text, x->s, x->e);
}

static void check_date_case(struct fixture *fx, const struct date_case *c)
{
	lua_State *L = lstate_lua(fx->st);
	extract_dct dct = {0};
	if (c->dct)
		assert_int_equal(extract_dct_parse(c->dct, strlen(c->dct), &dct), EXTRACT_OK);
	extract_dates d = {0};
	assert_int_equal(extract_dates_find(fx->lex, c->text, strlen(c->text), c->dct ? &dct : NULL,
		&d), EXTRACT_OK);
	call_extract(fx, "dates", c->text, c->dct); /* stack: [dates] */
	if (lua_rawlen(L, -1) != (size_t)c->n || d.n != (size_t)c->n)
		fail_msg("\"%s\": %zu dates from Lua, %zu from C, expected %d", c->text,
			(size_t)lua_rawlen(L, -1), d.n, c->n);
	for (size_t i = 0; i < d.n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1); /* stack: [dates, date] */
		check_date_fields(L, c->text, &d.v[i]);
		if (i == 0) {
			char surf[256], value[64], gran[16], mod[8], rule[64];
			field_string(L, c->text, "text", surf, sizeof surf);
			field_string(L, c->text, "value", value, sizeof value);
			field_string(L, c->text, "granularity", gran, sizeof gran);
			field_string(L, c->text, "mod", mod, sizeof mod);
			field_string(L, c->text, "rule", rule, sizeof rule);
			if (strcmp(surf, c->surf) || strcmp(value, c->value) || strcmp(gran, c->gran) ||
				strcmp(mod, c->mod ? c->mod : "") || strcmp(rule, c->rule) ||
				field_bool(L, c->text, "weekday_agrees") != c->agrees)
				fail_msg("\"%s\" (dct %s): [%s] %s %s mod=%s rule=%s, expected [%s] %s %s %s %s",
					c->text, c->dct ? c->dct : "none", surf, value, gran, mod, rule, c->surf,
					c->value, c->gran, c->mod ? c->mod : "", c->rule);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	extract_dates_free(&d);
}

static void test_lua_dates_match_the_case_table_and_the_engine(void **state)
{
	for (size_t i = 0; i < sizeof date_cases / sizeof date_cases[0]; i++)
		check_date_case(*state, &date_cases[i]);
	assert_int_equal(lua_gettop(lstate_lua(((struct fixture *)*state)->st)), 0);
}

static void test_case_table_runs_whole_through_lua(void **state)
{
	(void)state;
	size_t n = sizeof fig_cases / sizeof fig_cases[0] + sizeof date_cases / sizeof date_cases[0];
	print_message("  %zu expressions through trang.extract\n", n);
	assert_true(n >= 150);
}

/* ---- the Lua test scripts ------------------------------------------------- */

/* Runs tests/lua/<name> with a fresh state, passing args; returns its result
 * on the state's stack. The caller closes the state. */
static struct lstate *run_lua_file(const char *name, struct lstate_limits limits, int nargs,
	void (*push_args)(lua_State *L, void *ud), void *ud)
{
	struct lstate *st = new_state(name, limits);
	char path[256];
	snprintf(path, sizeof path, "tests/lua/%s", name);
	struct lstate_outcome out = {0};
	if (lstate_load_file(st, path, &out) != LSTATE_OK)
		fail_msg("%s", out.message);
	if (push_args)
		push_args(lstate_lua(st), ud);
	if (lstate_pcall(st, nargs, 1, &out) != LSTATE_OK)
		fail_msg("%s\n%s", out.message, out.traceback ? out.traceback : "");
	return st;
}

static void test_extract_lua_script(void **state)
{
	(void)state;
	struct lstate *st = run_lua_file("extract_test.lua", (struct lstate_limits){
		.memory_bytes = (size_t)256 << 20, .seconds = 60}, 0, NULL, NULL);
	assert_string_equal(lua_tostring(lstate_lua(st), -1), "extract ok");
	lstate_close(st);
}

static void test_lexicon_additions_stay_in_their_state(void **state)
{
	(void)state;
	struct lstate_limits limits = {.memory_bytes = (size_t)64 << 20, .seconds = 10};
	struct lstate *a = new_state("plugin a", limits), *b = new_state("plugin b", limits);
	run_code(a, "local x = require 'trang.extract'\n"
		"assert(x.lexicon.add('unit', 'du khách'))\n"
		"assert(x.figures('đón 300 du khách')[1].unit == 'du khách')", 0);
	run_code(b, "local x = require 'trang.extract'\n"
		"local f = x.figures('đón 300 du khách')[1]\n"
		"return f.kind .. ' ' .. tostring(f.unit) .. ' ' .. tostring(x.lexicon.get('unit', 'du khách'))",
		1);
	assert_string_equal(lua_tostring(lstate_lua(b), -1), "number nil nil");
	lstate_close(a);
	lstate_close(b);
}

static void test_lexicon_additions_are_capped_per_state(void **state)
{
	(void)state;
	/* the lexicon is outside the counted memory: a loop of additions must end
	 * with ENOSPC, not grow the host without bound */
	struct lstate *st = new_state("plugin greedy", (struct lstate_limits){
		.memory_bytes = (size_t)64 << 20, .seconds = 30});
	run_code(st, "local x = require 'trang.extract'\n"
		"local n = 0\n"
		"while true do\n"
		"  local ok, msg, code = x.lexicon.add('entity', 'Xã Số ' .. n, 'place')\n"
		"  if not ok then assert(code == 'ENOSPC' and msg:find('is full'), msg) break end\n"
		"  n = n + 1\n"
		"end\n"
		"assert(x.lexicon.get('entity', 'xã số 7') == 'place')\n"
		"return n", 1);
	lua_Integer n = lua_tointeger(lstate_lua(st), -1);
	print_message("  %lld additions before the cap\n", (long long)n);
	assert_true(n > 50000 && n < 150000);
	lstate_close(st);
}

/* ---- limits --------------------------------------------------------------- */

/* Ends with the reason the run had; the code runs with trang.extract as x and
 * a text of n repetitions of "giá 5 triệu đồng, " as big. */
static enum lstate_reason run_limited(struct lstate_limits limits, const char *code, int n,
	char *msg, size_t msglen)
{
	struct lstate *st = new_state("limited", limits);
	char chunk[1024];
	snprintf(chunk, sizeof chunk,
		"local x = require 'trang.extract'\n"
		"local big = string.rep('giá 5 triệu đồng, ', %d)\n%s", n, code);
	struct lstate_outcome out = {0};
	enum lstate_reason r = lstate_load_string(st, chunk, strlen(chunk), "=limited", &out);
	if (r == LSTATE_OK)
		r = lstate_pcall(st, 0, 0, &out);
	snprintf(msg, msglen, "%s", out.message ? out.message : "");
	lstate_outcome_free(&out);
	lstate_close(st);
	return r;
}

static void test_huge_text_respects_the_instruction_budget_even_under_pcall(void **state)
{
	(void)state;
	char msg[256];
	/* 1 MB of text costs more than the 500 000 instructions allowed */
	enum lstate_reason r = run_limited((struct lstate_limits){.memory_bytes = (size_t)256 << 20,
		.instructions = 500000}, "for i = 1, 3 do pcall(x.all, big) end", 50000, msg, sizeof msg);
	assert_int_equal(r, LSTATE_TIMEOUT);
	assert_non_null(strstr(msg, "instruction budget"));
}

static void test_many_figures_past_the_memory_cap_end_the_run_cleanly(void **state)
{
	(void)state;
	char msg[256];
	/* 200 000 figure tables do not fit in 16 MB; the engine's arrays must be
	 * freed on the way out (the sanitizer build checks) */
	enum lstate_reason r = run_limited((struct lstate_limits){.memory_bytes = (size_t)16 << 20,
		.seconds = 30}, "local ok = pcall(x.figures, big)\nlocal f = x.figures(big)", 200000, msg,
		sizeof msg);
	assert_int_equal(r, LSTATE_MEMORY);
	assert_non_null(strstr(msg, "memory cap"));
}

/* ---- the sample articles and the development corpus ----------------------- */

struct path_list {
	char **v;
	size_t n, cap;
};

static void list_dir(struct path_list *pl, const char *dirname)
{
	DIR *dir = opendir(dirname);
	if (!dir)
		fail_msg("cannot open %s", dirname);
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (pl->n == pl->cap) {
			pl->cap = pl->cap ? pl->cap * 2 : 64;
			pl->v = realloc(pl->v, pl->cap * sizeof *pl->v);
			assert_non_null(pl->v);
		}
		size_t len = strlen(dirname) + strlen(de->d_name) + 2;
		pl->v[pl->n] = malloc(len);
		assert_non_null(pl->v[pl->n]);
		snprintf(pl->v[pl->n++], len, "%s/%s", dirname, de->d_name);
	}
	closedir(dir);
}

static void push_paths(lua_State *L, void *ud)
{
	const struct path_list *pl = ud;
	lua_createtable(L, (int)pl->n, 0);
	for (size_t i = 0; i < pl->n; i++) {
		lua_pushstring(L, pl->v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

struct corpus_stats {
	double files, bytes, figures, dates, entities, seconds;
};

/* Runs tests/lua/extract_corpus.lua over the files of dir and reads its counts. */
static void run_corpus_script(const char *dir, struct corpus_stats *cs)
{
	struct path_list pl = {0};
	list_dir(&pl, dir);
	struct lstate *st = run_lua_file("extract_corpus.lua", (struct lstate_limits){
		.memory_bytes = (size_t)512 << 20, .seconds = 300}, 1, push_paths, &pl);
	lua_State *L = lstate_lua(st);
	assert_true(lua_istable(L, -1));
	static const char *const keys[] = {"files", "bytes", "figures", "dates", "entities",
		"seconds"};
	double *dst[] = {&cs->files, &cs->bytes, &cs->figures, &cs->dates, &cs->entities,
		&cs->seconds};
	for (size_t i = 0; i < 6; i++) {
		lua_getfield(L, -1, keys[i]);
		*dst[i] = lua_tonumber(L, -1);
		lua_pop(L, 1);
	}
	lstate_close(st);
	for (size_t i = 0; i < pl.n; i++)
		free(pl.v[i]);
	free(pl.v);
	assert_int_equal((size_t)cs->files, pl.n);
}

static void test_sample_article_spans_cut_their_surface_text_through_lua(void **state)
{
	(void)state;
	struct corpus_stats cs;
	run_corpus_script("data", &cs);
	assert_true(cs.files == 5 && cs.figures > 0 && cs.dates > 0 && cs.entities > 0);
}

static void test_corpus_spans_cut_their_surface_text_through_lua(void **state)
{
	(void)state;
	DIR *probe = opendir(CORPUS_DIR);
	if (!probe) {
		print_message("  %s not found; skipped\n", CORPUS_DIR);
		fail_msg("development corpus missing");
	}
	closedir(probe);
	struct corpus_stats cs;
	run_corpus_script(CORPUS_DIR, &cs);
	print_message("  %.0f files, %.1f MB: %.0f figures, %.0f dates, %.0f entities; "
		"extract.all through Lua %.1f MB/s (CPU time, one core, tables built)\n", cs.files,
		cs.bytes / 1e6, cs.figures, cs.dates, cs.entities, cs.bytes / 1e6 / cs.seconds);
	assert_true(cs.files > 2000);
	assert_true(cs.figures > 10000 && cs.dates > 10000 && cs.entities > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_table_runs_whole_through_lua),
		cmocka_unit_test(test_lua_figures_match_the_case_table_and_the_engine),
		cmocka_unit_test(test_lua_dates_match_the_case_table_and_the_engine),
		cmocka_unit_test(test_extract_lua_script),
		cmocka_unit_test(test_lexicon_additions_stay_in_their_state),
		cmocka_unit_test(test_lexicon_additions_are_capped_per_state),
		cmocka_unit_test(test_huge_text_respects_the_instruction_budget_even_under_pcall),
		cmocka_unit_test(test_many_figures_past_the_memory_cap_end_the_run_cleanly),
		cmocka_unit_test(test_sample_article_spans_cut_their_surface_text_through_lua),
		cmocka_unit_test(test_corpus_spans_cut_their_surface_text_through_lua),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
