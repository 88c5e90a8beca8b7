/* api_text.c: trang.text, the Lua binding of host/text.c and host/sentence.c.
 *
 * Every function but valid() checks its text first and raises
 * "bad argument #1 to 'nfc' (invalid UTF-8 at byte N)" (N 1-based). Positions
 * handed to Lua are 1-based and inclusive, as string.find gives: a token at
 * C span [s, e) is reported as s = s + 1, e = e. Results are NFC unless the
 * function is a normal form. */
#include <limits.h>
#include <string.h>

#include "counter.h"
#include "minhash.h"
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
	lstate_set_handle_mt(L, &buf_box_mt, buf_box_gc, NULL, NULL);
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

/* ---- text.counter(): token frequencies counted in C ---------------------- */

/* Tokens are counted as they are written (hashing raw bytes is cheap); the
 * folded counts are made from those on demand, one fold per distinct
 * spelling rather than one per token. */
struct text_counter {
	struct counter raw, folded;
	bool dirty;        /* raw changed since folded was made */
	unsigned kinds;    /* bits of enum text_token_kind counted */
	char fold;         /* 'c' case, 's' search key, 'n' none */
	int n;             /* 1: tokens, 2: pairs of neighbouring tokens */
	buf key;           /* scratch */
};

/* lua_Alloc through the state's allocator, so the memory cap applies. */
static void *counter_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	lua_State *L = ud;
	void *aud;
	lua_Alloc f = lua_getallocf(L, &aud);
	return f(aud, ptr, ptr ? osize : 0, nsize);
}

static struct text_counter *check_counter(lua_State *L)
{
	return luaL_checkudata(L, 1, "trang.text.counter");
}

static int counter_gc(lua_State *L)
{
	struct text_counter *tc = check_counter(L);
	counter_free(&tc->raw);
	counter_free(&tc->folded);
	buf_free(&tc->key);
	return 0;
}

/* The counts by folded key, remade from the raw counts when they changed. */
static struct counter *folded_counts(lua_State *L, struct text_counter *tc)
{
	if (tc->fold == 'n')
		return &tc->raw;
	if (!tc->dirty)
		return &tc->folded;
	counter_free(&tc->folded);
	for (size_t i = 0; i < tc->raw.cap; i++) {
		const struct counter_slot *sl = &tc->raw.slots[i];
		if (!sl->count)
			continue;
		buf_clear(&tc->key);
		const char *k = tc->raw.keys + sl->off;
		int rc = tc->fold == 'c' ? text_case_append(&tc->key, TEXT_CASEFOLD, k, sl->len)
		                         : text_fold_append(&tc->key, k, sl->len);
		if (rc || counter_add(&tc->folded, tc->key.data ? tc->key.data : "", tc->key.len, sl->count)) {
			counter_free(&tc->folded);
			luaL_error(L, "out of memory");
		}
	}
	tc->dirty = false;
	return &tc->folded;
}

/* counter:add(s) -> number of tokens (or pairs) counted from s */
static int counter_add_fn(lua_State *L)
{
	struct text_counter *tc = check_counter(L);
	size_t len;
	const char *s = check_utf8(L, 2, &len);
	struct text_tokens it;
	struct text_token tok, prev = {0};
	lua_Integer added = 0, seen = 0;
	bool have_prev = false;
	text_tokens_init(&it, s, len);
	while (text_tokens_next(&it, &tok)) {
		if ((++seen & 1023) == 0)
			lstate_check_budget(L, 1024);
		if (!(tc->kinds & (1u << tok.kind))) {
			have_prev = false;
			continue;
		}
		const char *k = s + tok.start;
		size_t klen = tok.end - tok.start;
		if (tc->n == 2) {
			bool pair = have_prev;
			struct text_token first = prev;
			prev = tok;
			have_prev = true;
			if (!pair)
				continue;
			buf_clear(&tc->key);
			if (buf_append(&tc->key, s + first.start, first.end - first.start) || buf_appendc(&tc->key, ' ') ||
			    buf_append(&tc->key, k, klen))
				return luaL_error(L, "out of memory");
			k = tc->key.data;
			klen = tc->key.len;
		}
		if (counter_add(&tc->raw, k, klen, 1))
			return luaL_error(L, "out of memory");
		added++;
	}
	if (added)
		tc->dirty = true;
	lua_pushinteger(L, added);
	return 1;
}

/* counter:get(key) -> count of key (as folded) */
static int counter_get_fn(lua_State *L)
{
	struct text_counter *tc = check_counter(L);
	size_t len;
	const char *key = luaL_checklstring(L, 2, &len);
	lua_pushinteger(L, (lua_Integer)counter_get(folded_counts(L, tc), key, len));
	return 1;
}

/* counter:top(n) -> array of {key, count}, most frequent first, ties in byte order */
static int counter_top_fn(lua_State *L)
{
	struct text_counter *tc = check_counter(L);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_argcheck(L, n >= 0, 2, "must not be negative");
	struct counter *c = folded_counts(L, tc);
	if ((size_t)n > c->n)
		n = (lua_Integer)c->n;
	size_t *idx = lua_newuserdatauv(L, (size_t)n * sizeof *idx + 1, 0); /* stack: [c, n, idx] */
	size_t k = counter_top(c, (size_t)n, idx);
	lua_createtable(L, (int)k, 0); /* stack: [c, n, idx, result] */
	for (size_t i = 0; i < k; i++) {
		const struct counter_slot *sl = &c->slots[idx[i]];
		lua_createtable(L, 2, 0);
		lua_pushlstring(L, c->keys + sl->off, sl->len);
		lua_rawseti(L, -2, 1);
		lua_pushinteger(L, (lua_Integer)sl->count);
		lua_rawseti(L, -2, 2);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* counter:size() -> distinct keys; counter:total() -> tokens counted */
static int counter_size_fn(lua_State *L)
{
	struct text_counter *tc = check_counter(L);
	lua_pushinteger(L, (lua_Integer)folded_counts(L, tc)->n);
	return 1;
}

static int counter_total_fn(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)check_counter(L)->raw.total);
	return 1;
}

/* text.counter([{kinds = {"word"}, fold = "case"|"search"|"none", n = 1|2}])
 * -> a frequency counter of trang.text.tokens tokens, counted in C: the fast
 * way to build frequency lists. n = 2 counts neighbouring pairs ("a b"),
 * never across a token of another kind. */
static int text_counter(lua_State *L)
{
	unsigned kinds = 1u << TEXT_TOK_WORD;
	const char *fold = "case";
	lua_Integer n = 1;
	if (!lua_isnoneornil(L, 1)) {
		luaL_checktype(L, 1, LUA_TTABLE);
		if (lua_getfield(L, 1, "kinds") != LUA_TNIL) { /* stack: [opts, kinds] */
			luaL_checktype(L, -1, LUA_TTABLE);
			kinds = 0;
			for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
				const char *name = luaL_checkstring(L, -1);
				unsigned k = 0;
				while (k <= TEXT_TOK_SYMBOL && strcmp(text_token_kind_name((enum text_token_kind)k), name) != 0)
					k++;
				if (k > TEXT_TOK_SYMBOL)
					return luaL_argerror(L, 1, lua_pushfstring(L, "unknown token kind '%s'", name));
				kinds |= 1u << k;
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		if (lua_getfield(L, 1, "fold") != LUA_TNIL)
			fold = luaL_checkstring(L, -1);
		lua_pop(L, 1);
		if (lua_getfield(L, 1, "n") != LUA_TNIL)
			n = luaL_checkinteger(L, -1);
		lua_pop(L, 1);
		if (strcmp(fold, "case") && strcmp(fold, "search") && strcmp(fold, "none"))
			return luaL_argerror(L, 1, "fold must be \"case\", \"search\" or \"none\"");
		luaL_argcheck(L, n == 1 || n == 2, 1, "n must be 1 or 2");
	}
	struct text_counter *tc = lua_newuserdatauv(L, sizeof *tc, 0);
	memset(tc, 0, sizeof *tc);
	counter_init(&tc->raw, counter_alloc, L);
	counter_init(&tc->folded, counter_alloc, L);
	tc->kinds = kinds;
	tc->fold = fold[0];
	tc->n = (int)n;
	if (luaL_newmetatable(L, "trang.text.counter")) {
		static const luaL_Reg methods[] = {
			{"add", counter_add_fn},   {"get", counter_get_fn},     {"top", counter_top_fn},
			{"size", counter_size_fn}, {"total", counter_total_fn}, {NULL, NULL},
		};
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, counter_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	return 1;
}

/* ---- near-duplicates: shingle sets, MinHash, Jaccard (host/minhash.c) ----- */

/* A set or signature argument: a string of uint32 values in host order, as
 * text.shingles and text.minhash make them. Returns an aligned pointer (a
 * copy in a userdata pushed on the stack when the string is not aligned). */
static const uint32_t *check_u32s(lua_State *L, int arg, size_t *n)
{
	size_t len;
	const char *s = luaL_checklstring(L, arg, &len);
	if (len % sizeof(uint32_t))
		luaL_argerror(L, arg, "not a shingle set (its length is not a multiple of 4)");
	*n = len / sizeof(uint32_t);
	if ((uintptr_t)s % _Alignof(uint32_t) == 0)
		return (const uint32_t *)(const void *)s;
	void *copy = lua_newuserdatauv(L, len + 1, 0);
	memcpy(copy, s, len);
	return copy;
}

/* text.shingles(s [, n]) -> set, count: the distinct n-syllable shingles of s
 * (default 3) as a string of 32-bit hashes, sorted, and how many there are. */
static int text_shingles_fn(lua_State *L)
{
	size_t len;
	const char *s = check_utf8(L, 1, &len);
	lua_Integer k = luaL_optinteger(L, 2, 3);
	luaL_argcheck(L, k >= 1 && k <= MINHASH_MAX_K, 2, "must be 1..16");
	buf *b = push_buf_box(L); /* stack: [s, n, box] */
	int rc = minhash_shingles(b, s, len, (int)k);
	size_t count = b->len / sizeof(uint32_t);
	push_buf(L, b, rc); /* stack: [s, n, box, set] */
	lua_pushinteger(L, (lua_Integer)count);
	return 2;
}

/* text.minhash(set [, bins]) -> signature: bins (default 128, a power of two
 * up to 4096) 32-bit values as a string; equal bins estimate the Jaccard
 * similarity of two sets. */
static int text_minhash_fn(lua_State *L)
{
	size_t n;
	const uint32_t *set = check_u32s(L, 1, &n);
	lua_Integer bins = luaL_optinteger(L, 2, 128);
	luaL_argcheck(L, bins >= 2 && bins <= MINHASH_MAX_BINS && (bins & (bins - 1)) == 0, 2,
	              "must be a power of two from 2 to 4096");
	uint32_t *sig = lua_newuserdatauv(L, (size_t)bins * sizeof *sig, 0); /* stack: [set, bins, (copy), sig] */
	minhash_signature(set, n, sig, (size_t)bins);
	lua_pushlstring(L, (const char *)sig, (size_t)bins * sizeof *sig);
	return 1;
}

/* text.jaccard(set_a, set_b) -> |A ∩ B| / |A ∪ B| of two text.shingles sets. */
static int text_jaccard_fn(lua_State *L)
{
	size_t na, nb;
	const uint32_t *a = check_u32s(L, 1, &na);
	const uint32_t *b = check_u32s(L, 2, &nb);
	lua_pushnumber(L, minhash_jaccard(a, na, b, nb));
	return 1;
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
		{"counter", text_counter},
		{"shingles", text_shingles_fn},
		{"minhash", text_minhash_fn},
		{"jaccard", text_jaccard_fn},
		{NULL, NULL},
	};
	luaL_newlib(L, funcs);
	return 1;
}
