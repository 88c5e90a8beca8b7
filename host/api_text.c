/* api_text.c: trang.text, the Lua binding of host/text.c and host/sentence.c.
 *
 * Every function but valid() checks its text first and raises
 * "bad argument #1 to 'nfc' (invalid UTF-8 at byte N)" (N 1-based). Positions
 * handed to Lua are 1-based and inclusive, as string.find gives: a token at
 * C span [s, e) is reported as s = s + 1, e = e. Results are NFC unless the
 * function is a normal form. */
#include <limits.h>
#include <string.h>

#include "lua_state.h"
#include "sentence.h"
#include "text.h"

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

static const char buf_box_mt = 'b'; /* registry: metatable of buf boxes */

static int buf_box_gc(lua_State *L)
{
	buf_free(lua_touserdata(L, 1));
	return 0;
}

/* Pushes an empty buf in a userdata that frees it when collected, so a raise
 * (memory cap, timeout) while the result is pushed leaks nothing. */
static buf *push_buf_box(lua_State *L)
{
	buf *b = lua_newuserdatauv(L, sizeof *b, 0);
	*b = (buf)BUF_INIT;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &buf_box_mt) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 1);
		lua_pushcfunction(L, buf_box_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &buf_box_mt);
	}
	lua_setmetatable(L, -2);
	return b;
}

/* Pushes b's contents and frees b, or frees it and raises for rc != TEXT_OK.
 * The text was validated, so the only failure left is memory. b is in a box
 * (push_buf_box) on the stack. */
static int push_buf(lua_State *L, buf *b, int rc)
{
	if (rc != TEXT_OK) {
		buf_free(b);
		return luaL_error(L, rc == TEXT_ENOMEM ? "out of memory" : "invalid UTF-8");
	}
	lua_pushlstring(L, b->data ? b->data : "", b->len);
	buf_free(b);
	return 1;
}

static int normalize(lua_State *L, enum text_form form)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	buf *b = push_buf_box(L);
	return push_buf(L, b, text_normalize_append(b, form, s, len));
}

/* text.nfc(s) .. text.nfkd(s) -> string */
static int text_nfc(lua_State *L) { return normalize(L, TEXT_NFC); }
static int text_nfd(lua_State *L) { return normalize(L, TEXT_NFD); }
static int text_nfkc(lua_State *L) { return normalize(L, TEXT_NFKC); }
static int text_nfkd(lua_State *L) { return normalize(L, TEXT_NFKD); }

static int change_case(lua_State *L, enum text_case mode)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	buf *b = push_buf_box(L);
	return push_buf(L, b, text_case_append(b, mode, s, len));
}

/* text.casefold(s), text.lower(s), text.upper(s) -> string */
static int text_casefold(lua_State *L) { return change_case(L, TEXT_CASEFOLD); }
static int text_lower(lua_State *L) { return change_case(L, TEXT_LOWER); }
static int text_upper(lua_State *L) { return change_case(L, TEXT_UPPER); }

/* text.fold(s) -> the search key: "Đà Nẵng" -> "da nang" */
static int text_fold(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	buf *b = push_buf_box(L);
	return push_buf(L, b, text_fold_append(b, s, len));
}

/* Reads an optional boolean field of the options table at arg. */
static bool opt_flag(lua_State *L, int arg, const char *name, bool dflt)
{
	lua_getfield(L, arg, name);
	bool v = dflt;
	if (!lua_isnil(L, -1)) {
		if (!lua_isboolean(L, -1)) {
			lua_pushfstring(L, "option '%s' must be a boolean", name);
			luaL_argerror(L, arg, lua_tostring(L, -1));
		}
		v = lua_toboolean(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

/* text.clean(s [, {eth=, marks=, spaces=, invisibles=, tone="new"|"old"|"keep"}])
 * -> string. Every step is on by default, tone "new" (hòa). */
static int text_clean(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	struct text_clean_opts o;
	text_clean_defaults(&o);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		o.fix_eth = opt_flag(L, 2, "eth", o.fix_eth);
		o.dedup_marks = opt_flag(L, 2, "marks", o.dedup_marks);
		o.spaces = opt_flag(L, 2, "spaces", o.spaces);
		o.invisibles = opt_flag(L, 2, "invisibles", o.invisibles);
		lua_getfield(L, 2, "tone");
		if (!lua_isnil(L, -1)) {
			static const char *const tones[] = {"keep", "new", "old", NULL};
			static const enum text_tone_style styles[] = {TEXT_TONE_KEEP, TEXT_TONE_NEW,
			                                              TEXT_TONE_OLD};
			o.tone = styles[luaL_checkoption(L, -1, NULL, tones)];
		}
		lua_pop(L, 1);
	}
	buf *b = push_buf_box(L);
	return push_buf(L, b, text_clean_append(b, &o, s, len));
}

/* text.len(s) -> number of graphemes */
static int text_len(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	lua_pushinteger(L, (lua_Integer)text_grapheme_count(s, len));
	return 1;
}

/* text.sub(s, i [, j]) -> graphemes i..j, negative indices as string.sub */
static int text_sub(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	lua_Integer i = luaL_checkinteger(L, 2);
	lua_Integer j = luaL_optinteger(L, 3, -1);
	struct text_span sp = text_grapheme_sub(s, len, i, j);
	lua_pushlstring(L, s + sp.start, sp.end - sp.start);
	return 1;
}

/* Iterator of text.graphemes. Upvalues: [string, iterator userdata] (the
 * string keeps the iterator's pointer alive). Returns the next grapheme, its
 * 1-based start and inclusive end, or nothing at the end. */
static int graphemes_next(lua_State *L)
{
	struct text_graphemes *it = lua_touserdata(L, lua_upvalueindex(2));
	struct text_span sp;
	if (!text_graphemes_next(it, &sp))
		return 0;
	lua_pushlstring(L, it->s + sp.start, sp.end - sp.start);
	lua_pushinteger(L, (lua_Integer)sp.start + 1);
	lua_pushinteger(L, (lua_Integer)sp.end);
	return 3;
}

/* for g, s, e in text.graphemes(s) do ... end */
static int text_graphemes(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	lua_settop(L, 1);
	struct text_graphemes *it = lua_newuserdatauv(L, sizeof *it, 0);
	text_graphemes_init(it, s, len); /* stack: [s, it] */
	lua_pushcclosure(L, graphemes_next, 2);
	return 1;
}

/* text.width(s) -> terminal columns */
static int text_width_fn(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	lua_pushinteger(L, (lua_Integer)text_width(s, len));
	return 1;
}

/* Pushes {text=, kind=, s=, e=} for the C span [s, e) of str. */
static void push_item(lua_State *L, const char *str, size_t s, size_t e, const char *kind)
{
	lua_createtable(L, 0, 4);
	lua_pushlstring(L, str + s, e - s);
	lua_setfield(L, -2, "text");
	lua_pushstring(L, kind);
	lua_setfield(L, -2, "kind");
	lua_pushinteger(L, (lua_Integer)s + 1);
	lua_setfield(L, -2, "s");
	lua_pushinteger(L, (lua_Integer)e);
	lua_setfield(L, -2, "e");
}

/* text.tokens(s) -> array of {text=, kind=, s=, e=}; kind is "word",
 * "number", "date", "time", "percent", "url", "email", "abbrev", "punct",
 * "symbol". */
static int text_tokens(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	lua_newtable(L); /* stack: [s, tokens] */
	struct text_tokens it;
	text_tokens_init(&it, s, len);
	struct text_token tok;
	lua_Integer n = 0;
	while (text_tokens_next(&it, &tok)) {
		push_item(L, s, tok.start, tok.end, text_token_kind_name(tok.kind));
		lua_rawseti(L, -2, ++n);
		if ((n & 255) == 0)
			lstate_check_budget(L, 256);
	}
	return 1;
}

struct sentence_spans {
	buf *spans; /* struct text_span values */
	bool failed;
};

/* Collects the spans in C: the splitter must not be left by a Lua raise. */
static void sentence_collect(void *ud, size_t s, size_t e)
{
	struct sentence_spans *p = ud;
	struct text_span sp = {s, e};
	if (buf_append(p->spans, &sp, sizeof sp))
		p->failed = true;
}

/* text.sentences(s) -> array of {text=, kind="sentence", s=, e=} */
static int text_sentences(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	struct sentence_spans p = {.spans = push_buf_box(L)}; /* stack: [s, box] */
	sentence_split(s, len, sentence_collect, &p);
	if (p.failed)
		return luaL_error(L, "out of memory");
	size_t n = p.spans->len / sizeof(struct text_span);
	lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0); /* stack: [s, box, sentences] */
	for (size_t i = 0; i < n; i++) {
		struct text_span sp;
		memcpy(&sp, p.spans->data + i * sizeof sp, sizeof sp);
		push_item(L, s, sp.start, sp.end, "sentence");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	buf_free(p.spans);
	return 1;
}

/* text.collate_key(s) -> binary string; keys compare with < as the text sorts */
static int text_collate_key(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	buf *b = push_buf_box(L);
	return push_buf(L, b, text_collate_key_append(b, s, len));
}

/* text.compare(a, b) -> -1, 0 or 1 in Vietnamese order */
static int text_compare_fn(lua_State *L)
{
	size_t alen, blen;
	const char *a = check_utf8(L, 1, &alen);
	const char *b = check_utf8(L, 2, &blen);
	int r = 0;
	if (text_compare(a, alen, b, blen, &r) != TEXT_OK)
		return luaL_error(L, "out of memory");
	lua_pushinteger(L, (r > 0) - (r < 0));
	return 1;
}

/* text.valid(s) -> true | false, byte offset (1-based) of the first bad byte */
static int text_valid(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	size_t bad = text_utf8_check(s, len);
	if (bad == len) {
		lua_pushboolean(L, 1);
		return 1;
	}
	lua_pushboolean(L, 0);
	lua_pushinteger(L, (lua_Integer)bad + 1);
	return 2;
}

int luaopen_trang_text(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"nfc", text_nfc},
		{"nfd", text_nfd},
		{"nfkc", text_nfkc},
		{"nfkd", text_nfkd},
		{"casefold", text_casefold},
		{"lower", text_lower},
		{"upper", text_upper},
		{"fold", text_fold},
		{"clean", text_clean},
		{"len", text_len},
		{"sub", text_sub},
		{"graphemes", text_graphemes},
		{"width", text_width_fn},
		{"tokens", text_tokens},
		{"sentences", text_sentences},
		{"collate_key", text_collate_key},
		{"compare", text_compare_fn},
		{"valid", text_valid},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	return 1;
}
