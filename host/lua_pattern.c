/* lua_pattern.c: string.find, match, gmatch and gsub for sandboxed states: the
 * Lua 5.4 pattern language with the same results, but a matcher that counts
 * its steps and calls lstate_check_budget, so a catastrophic pattern
 * (string.find(string.rep("a", 1e5), ".-.-.-.-b")) ends with the run's CPU
 * budget instead of hanging the host: stock Lua's matcher never reaches a hook. */
#include <ctype.h>
#include <string.h>

#include "lua_state.h"

#define PAT_MAXCAPTURES 32
#define PAT_MAXDEPTH 200       /* recursion of match(), as LUAI_MAXCCALLS */
#define PAT_STEP_CHECK 4096    /* steps between budget checks */
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define L_ESC '%'
#define SPECIALS "^$*+?.([%-"

struct pat_state {
	const char *src_init, *src_end, *p_end;
	lua_State *L;
	int depth; /* recursion left */
	unsigned steps;
	int level; /* captures open or closed */
	struct {
		const char *init;
		ptrdiff_t len;
	} capture[PAT_MAXCAPTURES];
};

static const char *pat_match(struct pat_state *ms, const char *s, const char *p);

static void pat_step(struct pat_state *ms)
{
	if (++ms->steps >= PAT_STEP_CHECK) {
		ms->steps = 0;
		lstate_check_budget(ms->L, PAT_STEP_CHECK);
	}
}

static int capture_to_close(struct pat_state *ms)
{
	for (int level = ms->level - 1; level >= 0; level--)
		if (ms->capture[level].len == CAP_UNFINISHED)
			return level;
	return luaL_error(ms->L, "invalid pattern capture");
}

static int check_capture(struct pat_state *ms, int l)
{
	l -= '1';
	if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
		return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	return l;
}

/* End of the single-character class starting at p. */
static const char *class_end(struct pat_state *ms, const char *p)
{
	switch (*p++) {
	case L_ESC:
		if (p == ms->p_end)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 1;
	case '[':
		if (*p == '^')
			p++;
		do { /* the first character after '[' or '[^' is literal, even ']' */
			if (p == ms->p_end)
				luaL_error(ms->L, "malformed pattern (missing ']')");
			if (*(p++) == L_ESC && p < ms->p_end)
				p++;
		} while (*p != ']');
		return p + 1;
	default:
		return p;
	}
}

static bool class_matches(int c, int cl)
{
	bool res;
	switch (tolower(cl)) {
	case 'a': res = isalpha(c); break;
	case 'c': res = iscntrl(c); break;
	case 'd': res = isdigit(c); break;
	case 'g': res = isgraph(c); break;
	case 'l': res = islower(c); break;
	case 'p': res = ispunct(c); break;
	case 's': res = isspace(c); break;
	case 'u': res = isupper(c); break;
	case 'w': res = isalnum(c); break;
	case 'x': res = isxdigit(c); break;
	case 'z': res = c == 0; break; /* deprecated, still accepted by Lua 5.4 */
	default: return cl == c;
	}
	return isupper(cl) ? !res : res;
}

/* p at '[', ec at the closing ']'. */
static bool bracket_matches(int c, const char *p, const char *ec)
{
	bool sig = true;
	if (*(p + 1) == '^') {
		sig = false;
		p++;
	}
	while (++p < ec) {
		if (*p == L_ESC) {
			p++;
			if (class_matches(c, (unsigned char)*p))
				return sig;
		} else if (*(p + 1) == '-' && p + 2 < ec) {
			p += 2;
			if ((unsigned char)*(p - 2) <= c && c <= (unsigned char)*p)
				return sig;
		} else if ((unsigned char)*p == c) {
			return sig;
		}
	}
	return !sig;
}

static bool single_match(struct pat_state *ms, const char *s, const char *p, const char *ep)
{
	if (s >= ms->src_end)
		return false;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.': return true;
	case L_ESC: return class_matches(c, (unsigned char)*(p + 1));
	case '[': return bracket_matches(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

static const char *match_balance(struct pat_state *ms, const char *s, const char *p)
{
	if (p >= ms->p_end - 1)
		luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= ms->src_end || *s != *p)
		return NULL;
	int b = *p, e = *(p + 1), cont = 1;
	while (++s < ms->src_end) {
		pat_step(ms);
		if (*s == e) {
			if (--cont == 0)
				return s + 1;
		} else if (*s == b) {
			cont++;
		}
	}
	return NULL;
}

static const char *max_expand(struct pat_state *ms, const char *s, const char *p, const char *ep)
{
	ptrdiff_t i = 0;
	while (single_match(ms, s + i, p, ep)) {
		i++;
		pat_step(ms);
	}
	for (; i >= 0; i--) { /* try the longest first */
		const char *res = pat_match(ms, s + i, ep + 1);
		if (res)
			return res;
	}
	return NULL;
}

static const char *min_expand(struct pat_state *ms, const char *s, const char *p, const char *ep)
{
	for (;;) {
		const char *res = pat_match(ms, s, ep + 1);
		if (res)
			return res;
		if (!single_match(ms, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *start_capture(struct pat_state *ms, const char *s, const char *p, int what)
{
	if (ms->level >= PAT_MAXCAPTURES)
		luaL_error(ms->L, "too many captures");
	ms->capture[ms->level].init = s;
	ms->capture[ms->level].len = what;
	ms->level++;
	const char *res = pat_match(ms, s, p);
	if (!res)
		ms->level--;
	return res;
}

static const char *end_capture(struct pat_state *ms, const char *s, const char *p)
{
	int l = capture_to_close(ms);
	ms->capture[l].len = s - ms->capture[l].init;
	const char *res = pat_match(ms, s, p);
	if (!res)
		ms->capture[l].len = CAP_UNFINISHED;
	return res;
}

static const char *match_capture(struct pat_state *ms, const char *s, int l)
{
	l = check_capture(ms, l);
	size_t len = (size_t)ms->capture[l].len;
	if ((size_t)(ms->src_end - s) >= len && memcmp(ms->capture[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/* Matches pattern p (up to p_end) at s; returns the end of the match or NULL. */
static const char *pat_match(struct pat_state *ms, const char *s, const char *p)
{
	if (ms->depth-- == 0)
		luaL_error(ms->L, "pattern too complex");
	pat_step(ms);
	while (p != ms->p_end) {
		const char *ep;
		switch (*p) {
		case '(':
			if (*(p + 1) == ')')
				s = start_capture(ms, s, p + 2, CAP_POSITION);
			else
				s = start_capture(ms, s, p + 1, CAP_UNFINISHED);
			goto done;
		case ')':
			s = end_capture(ms, s, p + 1);
			goto done;
		case '$':
			if (p + 1 != ms->p_end)
				goto single;
			s = s == ms->src_end ? s : NULL;
			goto done;
		case L_ESC:
			switch (*(p + 1)) {
			case 'b':
				s = match_balance(ms, s, p + 2);
				if (!s)
					goto done;
				p += 4;
				continue;
			case 'f': {
				p += 2;
				if (*p != '[')
					luaL_error(ms->L, "missing '[' after '%%f' in pattern");
				ep = class_end(ms, p);
				int prev = s == ms->src_init ? '\0' : (unsigned char)*(s - 1);
				int cur = s < ms->src_end ? (unsigned char)*s : '\0';
				if (!bracket_matches(prev, p, ep - 1) && bracket_matches(cur, p, ep - 1)) {
					p = ep;
					continue;
				}
				s = NULL;
				goto done;
			}
			case '0': case '1': case '2': case '3': case '4':
			case '5': case '6': case '7': case '8': case '9':
				s = match_capture(ms, s, (unsigned char)*(p + 1));
				if (!s)
					goto done;
				p += 2;
				continue;
			default:
				goto single;
			}
		default:
		single:
			ep = class_end(ms, p);
			if (!single_match(ms, s, p, ep)) {
				if (*ep == '*' || *ep == '?' || *ep == '-') { /* may match empty */
					p = ep + 1;
					continue;
				}
				s = NULL;
				goto done;
			}
			switch (*ep) {
			case '?': {
				const char *res = pat_match(ms, s + 1, ep + 1);
				if (res) {
					s = res;
					goto done;
				}
				p = ep + 1;
				continue;
			}
			case '+':
				s = max_expand(ms, s + 1, p, ep);
				goto done;
			case '*':
				s = max_expand(ms, s, p, ep);
				goto done;
			case '-':
				s = min_expand(ms, s, p, ep);
				goto done;
			default:
				s++;
				p = ep;
				continue;
			}
		}
	}
done:
	ms->depth++;
	return s;
}

/* Pushes capture i (or the whole match s..e when there are no captures). */
static void push_onecapture(struct pat_state *ms, int i, const char *s, const char *e)
{
	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(ms->L, s, (size_t)(e - s));
		return;
	}
	ptrdiff_t l = ms->capture[i].len;
	if (l == CAP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	else if (l == CAP_POSITION)
		lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
	else
		lua_pushlstring(ms->L, ms->capture[i].init, (size_t)l);
}

static int push_captures(struct pat_state *ms, const char *s, const char *e)
{
	int n = (ms->level == 0 && s) ? 1 : ms->level;
	luaL_checkstack(ms->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_onecapture(ms, i, s, e);
	return n;
}

static void prep_state(struct pat_state *ms, lua_State *L, const char *s, size_t ls,
                       const char *p, size_t lp)
{
	ms->L = L;
	ms->steps = 0;
	ms->src_init = s;
	ms->src_end = s + ls;
	ms->p_end = p + lp;
}

static void reprep_state(struct pat_state *ms)
{
	ms->level = 0;
	ms->depth = PAT_MAXDEPTH;
}

/* Lua's rule for a start position: negative counts from the end, 0 is 1. */
static size_t start_index(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

static bool no_specials(const char *p, size_t l)
{
	size_t upto = 0;
	do {
		if (strpbrk(p + upto, SPECIALS))
			return false;
		upto += strlen(p + upto) + 1; /* may have embedded zeros */
	} while (upto <= l);
	return true;
}

static int find_aux(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
		const char *s2 = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
		if (s2) {
			lua_pushinteger(L, (s2 - s) + 1);
			lua_pushinteger(L, (lua_Integer)((size_t)(s2 - s) + lp));
			return 2;
		}
	} else {
		struct pat_state ms;
		const char *s1 = s + init;
		bool anchor = *p == '^';
		if (anchor) {
			p++;
			lp--;
		}
		prep_state(&ms, L, s, ls, p, lp);
		do {
			reprep_state(&ms);
			const char *e = pat_match(&ms, s1, p);
			if (e) {
				if (find) {
					lua_pushinteger(L, (s1 - s) + 1);
					lua_pushinteger(L, e - s);
					return push_captures(&ms, NULL, 0) + 2;
				}
				return push_captures(&ms, s1, e);
			}
		} while (s1++ < ms.src_end && !anchor);
	}
	luaL_pushfail(L);
	return 1;
}

static int pat_find(lua_State *L) { return find_aux(L, true); }
static int pat_match_fn(lua_State *L) { return find_aux(L, false); }

struct gmatch_state {
	const char *src, *p, *lastmatch;
	struct pat_state ms;
};

/* Upvalues: subject, pattern (kept alive), state. */
static int gmatch_next(lua_State *L)
{
	struct gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
	gm->ms.L = L;
	for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
		reprep_state(&gm->ms);
		const char *e = pat_match(&gm->ms, src, gm->p);
		if (e && e != gm->lastmatch) {
			gm->src = gm->lastmatch = e;
			return push_captures(&gm->ms, src, e);
		}
	}
	return 0;
}

static int pat_gmatch(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
	lua_settop(L, 2);
	struct gmatch_state *gm = lua_newuserdatauv(L, sizeof *gm, 0);
	if (init > ls)
		init = ls + 1; /* start after the end: no matches */
	prep_state(&gm->ms, L, s, ls, p, lp);
	gm->src = s + init;
	gm->p = p;
	gm->lastmatch = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* Appends the replacement string (argument 3) with %0-%9 and %% expanded. */
static void add_s(struct pat_state *ms, luaL_Buffer *b, const char *s, const char *e)
{
	size_t l;
	lua_State *L = ms->L;
	const char *news = lua_tolstring(L, 3, &l);
	const char *p;
	while ((p = memchr(news, L_ESC, l)) != NULL) {
		luaL_addlstring(b, news, (size_t)(p - news));
		p++; /* skip the escape */
		if (*p == L_ESC) {
			luaL_addchar(b, *p);
		} else if (*p == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit((unsigned char)*p)) {
			push_onecapture(ms, *p - '1', s, e);
			luaL_tolstring(L, -1, NULL);
			lua_remove(L, -2);
			luaL_addvalue(b);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", L_ESC);
		}
		l -= (size_t)(p + 1 - news);
		news = p + 1;
	}
	luaL_addlstring(b, news, l);
}

/* Adds the replacement for the match s..e; returns false if it kept the original. */
static bool add_value(struct pat_state *ms, luaL_Buffer *b, const char *s, const char *e, int tr)
{
	lua_State *L = ms->L;
	switch (tr) {
	case LUA_TFUNCTION: {
		lua_pushvalue(L, 3);
		int n = push_captures(ms, s, e);
		lua_call(L, n, 1);
		break;
	}
	case LUA_TTABLE:
		push_onecapture(ms, 0, s, e);
		lua_gettable(L, 3);
		break;
	default:
		add_s(ms, b, s, e);
		return true;
	}
	if (!lua_toboolean(L, -1)) { /* nil or false: keep the original text */
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return true;
}

static int pat_gsub(lua_State *L)
{
	size_t srcl, lp;
	const char *src = luaL_checklstring(L, 1, &srcl);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *lastmatch = NULL;
	int tr = lua_type(L, 3);
	lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
	bool anchor = *p == '^';
	lua_Integer n = 0;
	bool changed = false;
	luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
	                        tr == LUA_TTABLE,
	                 3, "string/function/table");
	struct pat_state ms;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	if (anchor) {
		p++;
		lp--;
	}
	prep_state(&ms, L, src, srcl, p, lp);
	while (n < max_s) {
		reprep_state(&ms);
		const char *e = pat_match(&ms, src, p);
		if (e && e != lastmatch) {
			n++;
			changed = add_value(&ms, &b, src, e, tr) | changed;
			src = lastmatch = e;
		} else if (src < ms.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

void lpattern_install(lua_State *L, int idx)
{
	static const luaL_Reg funcs[] = {
		{"find", pat_find}, {"match", pat_match_fn}, {"gmatch", pat_gmatch},
		{"gsub", pat_gsub}, {NULL, NULL},
	};
	idx = lua_absindex(L, idx);
	for (const luaL_Reg *f = funcs; f->name; f++) {
		lua_pushcfunction(L, f->func);
		lua_setfield(L, idx, f->name);
	}
}
