/* api_csv.c: trang.csv, the C half: RFC 4180 quoting and a writer to a file
 * path (capability fs.write) or to memory (rows kept as Lua strings, so they
 * count against the state's memory cap). host/lua/trang/csv.lua builds the
 * record-level helpers on top. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lua_state.h"

static const char writer_mt_key = 'w';

struct csv_writer {
	FILE *f;       /* NULL for a memory writer or once closed */
	bool memory;   /* rows go to the uservalue table */
	bool closed;
	char sep;
	char eol[3];
	lua_Integer rows;
};

struct csv_opts {
	char sep;
	char eol[3];
};

static void check_opts(lua_State *L, int idx, struct csv_opts *o)
{
	o->sep = ',';
	strcpy(o->eol, "\r\n");
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getfield(L, idx, "sep") != LUA_TNIL) {
		size_t n;
		const char *s = lua_tolstring(L, -1, &n);
		luaL_argcheck(L, s && n == 1 && *s != '"' && *s != '\r' && *s != '\n', idx,
		              "sep must be one character other than a quote or newline");
		o->sep = *s;
	}
	if (lua_getfield(L, idx, "eol") != LUA_TNIL) {
		const char *s = lua_tostring(L, -1);
		luaL_argcheck(L, s && (!strcmp(s, "\r\n") || !strcmp(s, "\n")), idx,
		              "eol must be \"\\r\\n\" or \"\\n\"");
		strcpy(o->eol, s);
	}
	lua_pop(L, 2);
}

/* Appends field i of the list at t, quoted as needed. The buffer's box must
 * stay at the top of the stack, so the value is popped before adding: strings
 * stay alive in the list, numbers are copied out first. */
static void add_field(lua_State *L, luaL_Buffer *b, char sep, int t, lua_Integer i)
{
	char num[64];
	size_t len;
	const char *s;
	switch (lua_rawgeti(L, t, i)) {
	case LUA_TNIL:
	case LUA_TLIGHTUSERDATA: /* json.null */
		lua_pop(L, 1);
		return;
	case LUA_TBOOLEAN:
		s = lua_toboolean(L, -1) ? "true" : "false";
		len = strlen(s);
		break;
	case LUA_TNUMBER:
		s = lua_tolstring(L, -1, &len);
		len = len < sizeof num ? len : sizeof num - 1;
		memcpy(num, s, len);
		s = num;
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, -1, &len);
		break;
	default:
		luaL_error(L, "bad field #%I in CSV row (string, number or boolean expected, got %s)",
		           i, luaL_typename(L, -1));
		return;
	}
	lua_pop(L, 1);
	bool quote = false;
	for (size_t k = 0; k < len && !quote; k++)
		quote = s[k] == sep || s[k] == '"' || s[k] == '\r' || s[k] == '\n';
	if (!quote) {
		luaL_addlstring(b, s, len);
		return;
	}
	luaL_addchar(b, '"');
	for (size_t k = 0; k < len; k++) {
		if (s[k] == '"')
			luaL_addchar(b, '"');
		luaL_addchar(b, s[k]);
	}
	luaL_addchar(b, '"');
}

/* Pushes the encoded row for the list at idx: n fields (default #list). */
static void push_row(lua_State *L, int idx, lua_Integer n, char sep, const char *eol)
{
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (lua_Integer i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, sep);
		add_field(L, &b, sep, idx, i);
	}
	luaL_addstring(&b, eol);
	luaL_pushresult(&b);
}

/* csv.encode_row(fields [, opts [, n]]) -> line with its end of line */
static int csv_encode_row(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	struct csv_opts o;
	check_opts(L, 2, &o);
	lua_Integer n = luaL_optinteger(L, 3, (lua_Integer)lua_rawlen(L, 1));
	luaL_argcheck(L, n >= 0, 3, "field count must be >= 0");
	push_row(L, 1, n, o.sep, o.eol);
	return 1;
}

static struct csv_writer *check_writer(lua_State *L)
{
	struct csv_writer *w = lua_touserdata(L, 1);
	bool ok = false;
	if (w && lua_getmetatable(L, 1)) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &writer_mt_key);
		ok = lua_rawequal(L, -1, -2);
		lua_pop(L, 2);
	}
	if (!ok)
		luaL_typeerror(L, 1, "csv writer");
	return w;
}

static int push_errno(lua_State *L, const char *what, int err)
{
	luaL_pushfail(L);
	lua_pushfstring(L, "%s: %s", what, strerror(err));
	const char *name = strerrorname_np(err);
	lua_pushstring(L, name ? name : "EIO");
	return 3;
}

/* csv.writer([path] [, opts]) -> writer | nil, message, code */
static int csv_writer_new(lua_State *L)
{
	const char *path = luaL_optstring(L, 1, NULL);
	struct csv_opts o;
	check_opts(L, 2, &o);
	if (path) {
		char why[512];
		if (!lstate_fs_allowed(lstate_from(L), path, true, why, sizeof why))
			return luaL_error(L, "csv.writer('%s') refused: %s", path, why);
	}
	struct csv_writer *w = lua_newuserdatauv(L, sizeof *w, 1);
	memset(w, 0, sizeof *w);
	w->sep = o.sep;
	strcpy(w->eol, o.eol);
	w->memory = path == NULL;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &writer_mt_key);
	lua_setmetatable(L, -2);
	if (w->memory) {
		lua_newtable(L);
		lua_setiuservalue(L, -2, 1);
	} else {
		w->f = fopen(path, "wb");
		if (!w->f) {
			w->closed = true;
			return push_errno(L, path, errno);
		}
	}
	return 1;
}

/* w:row(fields [, n]) -> true | nil, message, code */
static int csv_writer_row(lua_State *L)
{
	struct csv_writer *w = check_writer(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_Integer n = luaL_optinteger(L, 3, (lua_Integer)lua_rawlen(L, 2));
	luaL_argcheck(L, n >= 0, 3, "field count must be >= 0");
	if (w->closed)
		return luaL_error(L, "attempt to use a closed csv writer");
	push_row(L, 2, n, w->sep, w->eol); /* stack: [w, fields, (n), line] */
	if (w->memory) {
		lua_getiuservalue(L, 1, 1);
		lua_insert(L, -2);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	} else {
		size_t len;
		const char *line = lua_tolstring(L, -1, &len);
		if (fwrite(line, 1, len, w->f) != len)
			return push_errno(L, "csv write", errno);
	}
	w->rows++;
	lua_pushboolean(L, 1);
	return 1;
}

/* w:contents() -> everything written so far (memory writers only) */
static int csv_writer_contents(lua_State *L)
{
	struct csv_writer *w = check_writer(L);
	luaL_argcheck(L, w->memory, 1, "not a memory writer (it writes to a file)");
	lua_getiuservalue(L, 1, 1);
	int t = lua_gettop(L);
	lua_Integer n = (lua_Integer)lua_rawlen(L, t);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, t, i);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	return 1;
}

/* w:close() -> true | nil, message, code. Closing twice is harmless. */
static int csv_writer_close(lua_State *L)
{
	struct csv_writer *w = check_writer(L);
	if (w->closed)
		return lua_pushboolean(L, 1), 1;
	w->closed = true;
	if (w->f) {
		FILE *f = w->f;
		w->f = NULL;
		int err = ferror(f) ? EIO : 0;
		if (fclose(f) != 0 && !err)
			err = errno;
		if (err)
			return push_errno(L, "csv close", err);
	}
	lua_pushboolean(L, 1);
	return 1;
}

static int csv_writer_gc(lua_State *L)
{
	struct csv_writer *w = lua_touserdata(L, 1);
	if (w && w->f) {
		fclose(w->f);
		w->f = NULL;
	}
	return 0;
}

int luaopen_trang_csv(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{"row", csv_writer_row}, {"contents", csv_writer_contents}, {"close", csv_writer_close},
		{NULL, NULL},
	};
	static const luaL_Reg funcs[] = {
		{"encode_row", csv_encode_row}, {"writer", csv_writer_new}, {NULL, NULL},
	};
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &writer_mt_key) == LUA_TNIL) {
		lua_createtable(L, 0, 5);
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, csv_writer_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, csv_writer_gc);
		lua_setfield(L, -2, "__close");
		lua_pushliteral(L, "csv writer");
		lua_setfield(L, -2, "__name");
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
		lua_rawsetp(L, LUA_REGISTRYINDEX, &writer_mt_key);
	}
	lua_pop(L, 1);
	luaL_newlib(L, funcs);
	return 1;
}
