/* api_extract.c: trang.extract, the Lua binding of the extraction engine
 * (host/extract*.c): figures, dates and names with the byte spans they came from.
 *
 * Positions handed to Lua are 1-based and inclusive, as string.find gives, so
 * text:sub(x.s, x.e) == x.text. Qualifiers a result lacks are nil, never false
 * or ""; whole values are integers. Invalid UTF-8 raises "bad argument #1 to
 * 'trang.extract.figures' (invalid UTF-8 at byte N)". Each Lua state has its
 * own lexicon, a copy of the built-in one made on first use, which
 * extract.lexicon.add extends; it is a userdata in the registry, freed with
 * the state. The engine runs outside the VM, so its cost is charged to the
 * run's budget by text length; results are built under a protected call so
 * the engine's arrays are freed even when the run is killed or the state runs
 * out of memory. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "extract.h"
#include "lua_state.h"
#include "text.h"

static const char lexicon_key = 'l';    /* registry: this state's lexicon box */
static const char lexicon_mt_key = 'm'; /* registry: metatable of the box */

/* Budget: a byte of text costs one unit, as a step of the pattern matcher
 * does (the engine is slower per byte, but runs at tens of MB/s); building a
 * result table costs about as much as the Lua code that would build it. */
#define ITEM_COST 40
#define CHECK_EVERY 256

/* The lexicon lives outside the state's counted memory (the engine allocates
 * with malloc), so additions are capped per state: a plugin looping over
 * lexicon.add must not grow the host past its memory cap. The built-in
 * lexicon takes about 150 KB; an addition is charged 200 bytes a syllable
 * plus twice its length, about twice what it takes, so the cap holds some
 * 100 000 two-syllable names in under 30 MB. */
#define LEXICON_MAX_BYTES ((size_t)48 << 20)

struct lexicon_box {
	extract_lexicon *lex;
	size_t charged; /* estimated bytes added by lexicon.add */
};

/* What an addition is charged against LEXICON_MAX_BYTES. */
static size_t lexicon_add_estimate(const char *phrase, size_t len)
{
	size_t syllables = 0;
	for (size_t i = 0; i < len; i++)
		syllables += phrase[i] != ' ' && (i == 0 || phrase[i - 1] == ' ');
	return 200 * syllables + 2 * len;
}

/* ---- the per-state lexicon ---- */

static int lexicon_gc(lua_State *L)
{
	struct lexicon_box *box = lua_touserdata(L, 1);
	extract_lexicon_free(box->lex);
	box->lex = NULL;
	return 0;
}

/* This state's lexicon, made from the built-in one on first use. Raises when
 * memory runs out. Stack unchanged. */
static struct lexicon_box *state_lexicon(lua_State *L)
{
	struct lexicon_box *box;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lexicon_key) != LUA_TNIL) {
		box = lua_touserdata(L, -1);
		lua_pop(L, 1);
		return box;
	}
	lua_pop(L, 1);
	/* the box gets its metatable before the lexicon, so a raise below cannot leak it */
	box = lua_newuserdatauv(L, sizeof *box, 0);
	memset(box, 0, sizeof *box);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &lexicon_mt_key);
	lua_setmetatable(L, -2); /* stack: [box] */
	if (!(box->lex = extract_lexicon_new_default()))
		luaL_error(L, "trang.extract: out of memory building the lexicon");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lexicon_key);
	return box;
}

/* The kind named by argument arg; raises for an unknown name. */
static enum extract_lex_kind check_lex_kind(lua_State *L, int arg)
{
	const char *name = luaL_checkstring(L, arg);
	int k = extract_lex_kind_from_name(name);
	if (k < 0) {
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		lua_pushfstring(L, "unknown lexicon kind '%s' (", name);
		luaL_addvalue(&b);
		for (int i = 0; i < EXTRACT_LEX_NKINDS; i++) {
			if (i)
				luaL_addstring(&b, ", ");
			luaL_addstring(&b, extract_lex_kind_name(i));
		}
		luaL_addchar(&b, ')');
		luaL_pushresult(&b);
		luaL_argerror(L, arg, lua_tostring(L, -1));
	}
	return (enum extract_lex_kind)k;
}

/* Checks that argument arg is a valid UTF-8 string; raises otherwise. */
static const char *check_utf8(lua_State *L, int arg, size_t *len)
{
	const char *s = luaL_checklstring(L, arg, len);
	size_t bad = text_utf8_check(s, *len);
	if (bad != *len) {
		lua_pushfstring(L, "invalid UTF-8 at byte %I", (lua_Integer)bad + 1);
		luaL_argerror(L, arg, lua_tostring(L, -1));
	}
	return s;
}

/* What each kind accepts as a value, for the message when the engine refuses one. */
static const char *lex_value_hint(enum extract_lex_kind kind)
{
	switch (kind) {
	case EXTRACT_LEX_UNIT: return "the unit to report (under 48 bytes), or nil for the phrase itself";
	case EXTRACT_LEX_CURRENCY: return "an ISO 4217 code such as \"USD\"";
	case EXTRACT_LEX_PERCENT: return "\"%\" or \"pp\"";
	case EXTRACT_LEX_SCALE: return "a positive decimal multiplier such as \"1e9\"";
	case EXTRACT_LEX_CMP:
	case EXTRACT_LEX_CMP_AFTER: return "\">\", \"<\", \">=\" or \"<=\"";
	case EXTRACT_LEX_CHANGE: return "\"+\", \"-\" or \"=\"";
	case EXTRACT_LEX_PAST_CUE:
	case EXTRACT_LEX_FUTURE_CUE: return "\"before\", \"after\", \"any\" or nil";
	case EXTRACT_LEX_TITLE:
	case EXTRACT_LEX_ENTITY: return "\"person\", \"org\" or \"place\"";
	default: return "any string or nil";
	}
}

/* lexicon.add(kind, phrase [, value]) -> true | nil, message, code
 * Raises for an unknown kind and for a phrase that cannot be one (not UTF-8,
 * blank, more than EXTRACT_LEX_MAX_SYL syllables); a value the kind does not
 * accept ("EINVAL") and a full lexicon ("ENOSPC") are expected failures. */
static int lexicon_add(lua_State *L)
{
	enum extract_lex_kind kind = check_lex_kind(L, 1);
	size_t len;
	const char *phrase = check_utf8(L, 2, &len);
	const char *value = luaL_optstring(L, 3, NULL);
	struct lexicon_box *box = state_lexicon(L);
	lstate_check_budget(L, 100 + (len < 1000 ? (unsigned)len : 1000));
	size_t charge = lexicon_add_estimate(phrase, len);
	if (box->charged + charge > LEXICON_MAX_BYTES) {
		luaL_pushfail(L);
		lua_pushfstring(L, "lexicon.add: the lexicon of %s is full (%d MB of additions)",
		                lstate_name(lstate_from(L)), (int)(LEXICON_MAX_BYTES >> 20));
		lua_pushliteral(L, "ENOSPC");
		return 3;
	}
	int rc = extract_lexicon_add(box->lex, kind, phrase, len, value);
	if (rc == EXTRACT_OK) {
		box->charged += charge;
		lua_pushboolean(L, 1);
		return 1;
	}
	if (rc == EXTRACT_ENOMEM)
		return luaL_error(L, "trang.extract: out of memory");
	/* EINVAL: the phrase or the value. A plain word takes any value, so trying
	 * the phrase alone in a scratch lexicon tells which. */
	extract_lexicon *scratch = extract_lexicon_new_empty();
	if (!scratch)
		return luaL_error(L, "trang.extract: out of memory");
	rc = extract_lexicon_add(scratch, EXTRACT_LEX_WORD, phrase, len, NULL);
	extract_lexicon_free(scratch);
	if (rc == EXTRACT_EINVAL)
		return luaL_argerror(L, 2, lua_pushfstring(L, "phrase must have 1 to %d syllables",
		                                           EXTRACT_LEX_MAX_SYL));
	if (rc == EXTRACT_ENOMEM)
		return luaL_error(L, "trang.extract: out of memory");
	luaL_pushfail(L);
	lua_pushfstring(L, "lexicon.add('%s', '%s'): value %s%s%s refused; a %s takes %s",
	                extract_lex_kind_name(kind), phrase, value ? "'" : "", value ? value : "nil",
	                value ? "'" : "", extract_lex_kind_name(kind), lex_value_hint(kind));
	lua_pushliteral(L, "EINVAL");
	return 3;
}

/* lexicon.get(kind, phrase) -> value | true (present, no value) | nil */
static int lexicon_get(lua_State *L)
{
	enum extract_lex_kind kind = check_lex_kind(L, 1);
	size_t len;
	const char *phrase = check_utf8(L, 2, &len);
	bool found = false;
	const char *v = extract_lexicon_get(state_lexicon(L)->lex, kind, phrase, len, &found);
	if (v)
		lua_pushstring(L, v);
	else if (found)
		lua_pushboolean(L, 1);
	else
		lua_pushnil(L);
	return 1;
}

/* ---- options ---- */

/* Reads the DCT from the string "YYYY-MM-DD[...]" or a table with year, month
 * and day (as trang.time.parse gives) at idx. Raises on anything else. */
static void check_dct(lua_State *L, int arg, int idx, extract_dct *dct)
{
	char iso[32];
	const char *s;
	size_t len;
	if (lua_type(L, idx) == LUA_TTABLE) {
		lua_Integer f[3];
		static const char *const names[] = {"year", "month", "day"};
		for (int i = 0; i < 3; i++) {
			lua_getfield(L, idx, names[i]);
			int ok;
			f[i] = lua_tointegerx(L, -1, &ok);
			lua_pop(L, 1);
			if (!ok || f[i] < 0 || f[i] > 9999)
				luaL_argerror(L, arg, lua_pushfstring(L, "dct.%s must be an integer", names[i]));
		}
		len = (size_t)snprintf(iso, sizeof iso, "%04d-%02d-%02d", (int)f[0], (int)f[1], (int)f[2]);
		s = iso;
	} else if (lua_type(L, idx) == LUA_TSTRING) {
		s = lua_tolstring(L, idx, &len);
	} else {
		luaL_argerror(L, arg, lua_pushfstring(L, "dct must be a \"YYYY-MM-DD\" string or a "
		                                         "table with year, month, day (got %s)",
		                                      luaL_typename(L, idx)));
		return;
	}
	if (extract_dct_parse(s, len, dct) != EXTRACT_OK)
		luaL_argerror(L, arg, lua_pushfstring(L, "dct '%s' is not a date YYYY-MM-DD", s));
}

/* Reads the options table at arg (may be absent): dct, the article's date.
 * Unknown keys raise, so a misspelt option does not pass unnoticed. */
static void check_opts(lua_State *L, int arg, extract_dct *dct)
{
	memset(dct, 0, sizeof *dct);
	if (lua_isnoneornil(L, arg))
		return;
	luaL_checktype(L, arg, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, arg)) { /* stack: [..., key, value] */
		if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "dct") != 0)
			luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s' (known: dct)",
			                                      luaL_tolstring(L, -2, NULL)));
		check_dct(L, arg, lua_gettop(L), dct);
		lua_pop(L, 1);
	}
}

/* ---- results ---- */

enum { WANT_FIGURES = 1, WANT_DATES = 2, WANT_ENTITIES = 4, WANT_ALL = 7 };

struct extract_run {
	const char *text;
	unsigned want;
	extract_figures f;
	extract_dates d;
	extract_entities e;
};

/* t[key] = v, an integer when v is one (3630000000, not 3630000000.0). Stack unchanged. */
static void set_number(lua_State *L, const char *key, double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		lua_pushinteger(L, (lua_Integer)v);
	else
		lua_pushnumber(L, v);
	lua_setfield(L, -2, key);
}

/* t[key] = s unless s is empty. Stack unchanged. */
static void set_string(lua_State *L, const char *key, const char *s)
{
	if (*s) {
		lua_pushstring(L, s);
		lua_setfield(L, -2, key);
	}
}

/* t.s, t.e (1-based, inclusive) and t.text for the C span [s, e). Stack unchanged. */
static void set_span(lua_State *L, const char *text, size_t s, size_t e)
{
	lua_pushinteger(L, (lua_Integer)s + 1);
	lua_setfield(L, -2, "s");
	lua_pushinteger(L, (lua_Integer)e);
	lua_setfield(L, -2, "e");
	lua_pushlstring(L, text + s, e - s);
	lua_setfield(L, -2, "text");
}

/* Charges the items built so far now and then. */
static void check_items(lua_State *L, size_t i)
{
	if (i % CHECK_EVERY == CHECK_EVERY - 1)
		lstate_check_budget(L, CHECK_EVERY * ITEM_COST);
}

/* Stack: [] -> [array of figure tables] */
static void push_figures(lua_State *L, const char *text, const extract_figures *f)
{
	lua_createtable(L, f->n < INT_MAX ? (int)f->n : INT_MAX, 0);
	for (size_t i = 0; i < f->n; i++) {
		const extract_figure *x = &f->v[i];
		lua_createtable(L, 0, 8); /* stack: [array, figure] */
		lua_pushstring(L, extract_figure_kind_name(x->kind));
		lua_setfield(L, -2, "kind");
		if (x->range) {
			set_number(L, "lo", x->lo);
			set_number(L, "hi", x->hi);
		} else {
			set_number(L, "value", x->value);
		}
		if (x->kind == EXTRACT_FIG_RATIO) {
			set_number(L, "num", x->num);
			set_number(L, "den", x->den);
		}
		set_string(L, "unit", x->unit);
		if (x->approx) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, "approx");
		}
		set_string(L, "cmp", x->cmp);
		if (x->change) {
			lua_pushlstring(L, &x->change, 1);
			lua_setfield(L, -2, "change");
		}
		set_string(L, "base", x->base);
		set_span(L, text, x->s, x->e);
		lua_rawseti(L, -2, (lua_Integer)i + 1); /* stack: [array] */
		check_items(L, i);
	}
}

/* Stack: [] -> [array of date tables] */
static void push_dates(lua_State *L, const char *text, const extract_dates *d)
{
	lua_createtable(L, d->n < INT_MAX ? (int)d->n : INT_MAX, 0);
	for (size_t i = 0; i < d->n; i++) {
		const extract_date *x = &d->v[i];
		lua_createtable(L, 0, 8); /* stack: [array, date] */
		set_string(L, "value", x->value);
		lua_pushstring(L, extract_granularity_name(x->granularity));
		lua_setfield(L, -2, "granularity");
		const char *mod = extract_mod_name(x->mod);
		if (mod) {
			lua_pushstring(L, mod);
			lua_setfield(L, -2, "mod");
		}
		if (x->range) {
			set_string(L, "lo", x->lo);
			set_string(L, "hi", x->hi);
		}
		set_string(L, "rule", x->rule);
		if (x->weekday) {
			lua_pushinteger(L, x->weekday);
			lua_setfield(L, -2, "weekday");
		}
		if (x->weekday_agrees) {
			lua_pushboolean(L, x->weekday_agrees > 0);
			lua_setfield(L, -2, "weekday_agrees");
		}
		set_span(L, text, x->s, x->e);
		lua_rawseti(L, -2, (lua_Integer)i + 1); /* stack: [array] */
		check_items(L, i);
	}
}

/* Stack: [] -> [array of entity tables] */
static void push_entities(lua_State *L, const char *text, const extract_entities *en)
{
	lua_createtable(L, en->n < INT_MAX ? (int)en->n : INT_MAX, 0);
	for (size_t i = 0; i < en->n; i++) {
		const extract_entity *x = &en->v[i];
		lua_createtable(L, 0, 6); /* stack: [array, entity] */
		lua_pushstring(L, extract_entity_kind_name(x->kind));
		lua_setfield(L, -2, "kind");
		lua_pushlstring(L, text + x->name_s, x->name_e - x->name_s);
		lua_setfield(L, -2, "name");
		if (x->title_e > x->title_s) {
			lua_pushlstring(L, text + x->title_s, x->title_e - x->title_s);
			lua_setfield(L, -2, "title");
		}
		set_span(L, text, x->s, x->e);
		lua_rawseti(L, -2, (lua_Integer)i + 1); /* stack: [array] */
		check_items(L, i);
	}
}

/* Protected: builds the result of a run. Stack: [run (light userdata)] ->
 * [array] for one kind, [{figures=, dates=, entities=}] for all. */
static int push_run(lua_State *L)
{
	const struct extract_run *r = lua_touserdata(L, 1);
	if (r->want != WANT_ALL) {
		if (r->want == WANT_FIGURES)
			push_figures(L, r->text, &r->f);
		else if (r->want == WANT_DATES)
			push_dates(L, r->text, &r->d);
		else
			push_entities(L, r->text, &r->e);
		return 1;
	}
	lua_createtable(L, 0, 3); /* stack: [run, all] */
	push_figures(L, r->text, &r->f);
	lua_setfield(L, -2, "figures");
	push_dates(L, r->text, &r->d);
	lua_setfield(L, -2, "dates");
	push_entities(L, r->text, &r->e);
	lua_setfield(L, -2, "entities");
	return 1;
}

/* The shared body of figures, dates, entities and all: args (text [, opts]).
 * Pushes the result; returns 1. One doc serves every kind asked for. */
static int extract_call(lua_State *L, unsigned want)
{
	size_t len;
	const char *text = check_utf8(L, 1, &len);
	extract_dct dct;
	check_opts(L, 2, &dct);
	extract_lexicon *lex = state_lexicon(L)->lex;
	/* the engine cannot be stopped midway: charge the text up front, so a
	 * spent instruction budget refuses the work, and check the clock after */
	lstate_check_budget(L, len < UINT_MAX ? (unsigned)len : UINT_MAX);

	struct extract_run r = {.text = text, .want = want};
	extract_doc *doc = NULL;
	int rc = extract_doc_new(lex, text, len, &doc);
	if (rc == EXTRACT_OK && (want & WANT_FIGURES))
		rc = extract_doc_figures(doc, &r.f);
	if (rc == EXTRACT_OK && (want & WANT_DATES))
		rc = extract_doc_dates(doc, dct.year ? &dct : NULL, &r.d);
	if (rc == EXTRACT_OK && (want & WANT_ENTITIES))
		rc = extract_doc_entities(doc, &r.e);
	extract_doc_free(doc);

	int status = LUA_OK;
	if (rc == EXTRACT_OK) {
		lua_pushcfunction(L, push_run);
		lua_pushlightuserdata(L, &r);
		status = lua_pcall(L, 1, 1, 0); /* stack: [..., result or error] */
	}
	extract_figures_free(&r.f);
	extract_dates_free(&r.d);
	extract_entities_free(&r.e);
	if (rc == EXTRACT_EINVAL)
		return luaL_argerror(L, 1, "text longer than 4 GiB");
	if (rc != EXTRACT_OK)
		return luaL_error(L, "trang.extract: out of memory");
	if (status != LUA_OK)
		return lua_error(L);
	lstate_check_budget(L, 0);
	return 1;
}

/* extract.figures(text [, opts]) -> {{kind=, value= | lo=, hi=, num=, den=,
 * unit=, approx=, cmp=, change=, base=, s=, e=, text=}, ...}
 * opts is as for dates (figures do not use the DCT), so one table serves all. */
static int extract_figures_fn(lua_State *L) { return extract_call(L, WANT_FIGURES); }

/* extract.dates(text [, {dct = "YYYY-MM-DD"}]) -> {{value=, granularity=, mod=,
 * lo=, hi=, rule=, weekday=, weekday_agrees=, s=, e=, text=}, ...} */
static int extract_dates_fn(lua_State *L) { return extract_call(L, WANT_DATES); }

/* extract.entities(text [, opts]) -> {{kind=, name=, title=, s=, e=, text=}, ...} */
static int extract_entities_fn(lua_State *L) { return extract_call(L, WANT_ENTITIES); }

/* extract.all(text [, opts]) -> {figures=, dates=, entities=}, one tokenization */
static int extract_all_fn(lua_State *L) { return extract_call(L, WANT_ALL); }

int luaopen_trang_extract(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"figures", extract_figures_fn}, {"dates", extract_dates_fn},
		{"entities", extract_entities_fn}, {"all", extract_all_fn}, {NULL, NULL},
	};
	static const luaL_Reg lexicon_funcs[] = {
		{"add", lexicon_add}, {"get", lexicon_get}, {NULL, NULL},
	};
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lexicon_mt_key) == LUA_TNIL) {
		lua_createtable(L, 0, 3);
		lua_pushcfunction(L, lexicon_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushliteral(L, "trang.extract lexicon");
		lua_setfield(L, -2, "__name");
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
		lua_rawsetp(L, LUA_REGISTRYINDEX, &lexicon_mt_key);
	}
	lua_pop(L, 1);
	luaL_newlib(L, funcs); /* stack: [extract] */
	luaL_newlib(L, lexicon_funcs); /* stack: [extract, lexicon] */
	/* named in argument errors ("bad argument #1 to 'trang.extract.lexicon.add'")
	 * as lua_state.c names the modules: a hidden registry._LOADED entry */
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "trang.extract.lexicon");
	lua_pop(L, 1);
	lstate_push_readonly(L, -1, "trang.extract.lexicon"); /* stack: [extract, lexicon, proxy] */
	lua_setfield(L, -3, "lexicon");
	lua_pop(L, 1);
	return 1;
}
