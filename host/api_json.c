/* api_json.c: trang.json, JSON encode/decode on jansson.
 *
 * Lua -> JSON: nil and json.null -> null; booleans; integers stay integers,
 * floats must be finite (17 significant digits unless opts.precision); strings must be valid UTF-8; a table is an array when
 * its metatable is json.array's, or when its keys are exactly 1..n (n > 0);
 * otherwise an object, whose keys must be strings or integers (written in
 * decimal). An empty table is an object ({}) unless marked with json.array.
 * JSON -> Lua: null -> json.null (so array positions and object keys survive);
 * arrays get json.array's metatable, so [] and {} round-trip.
 * Failures on data (bad input, unencodable values) return nil, message, and a
 * position (decode) or a code (encode). */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "lua_state.h"

#define JSON_MAX_DEPTH 1000

static const char null_key = 'n';     /* address of json.null (light userdata) */
static const char array_mt_key = 'a'; /* metatable marking arrays */
static const char object_mt_key = 'o';

struct json_enc {
	lua_State *L;
	char path[256]; /* "$.a[3]" of the value being encoded, for messages */
	size_t pathlen;
	char err[400];
	const char *code;
};

static void path_grow(struct json_enc *e, int n)
{
	size_t room = sizeof e->path - e->pathlen;
	if (n > 0)
		e->pathlen += (size_t)n < room ? (size_t)n : room - 1;
}

static void path_push_key(struct json_enc *e, const char *key)
{
	path_grow(e, snprintf(e->path + e->pathlen, sizeof e->path - e->pathlen, ".%s", key));
}

static void path_push_index(struct json_enc *e, lua_Integer i)
{
	path_grow(e, snprintf(e->path + e->pathlen, sizeof e->path - e->pathlen, "[%lld]",
	                      (long long)i));
}

static json_t *enc_fail(struct json_enc *e, const char *code, const char *what)
{
	snprintf(e->err, sizeof e->err, "cannot encode %s at %s", what, e->path);
	e->code = code;
	return NULL;
}

static bool has_mt(lua_State *L, int idx, const char *key)
{
	if (!lua_getmetatable(L, idx))
		return false;
	lua_rawgetp(L, LUA_REGISTRYINDEX, key);
	bool same = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return same;
}

static json_t *to_json(struct json_enc *e, int idx, int depth);

/* Is the table at idx a sequence 1..n with n > 0? Sets *n. */
static bool is_sequence(lua_State *L, int idx, lua_Integer *n)
{
	lua_Integer count = 0, max = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
			lua_pop(L, 1);
			return false;
		}
		lua_Integer k = lua_tointeger(L, -1);
		if (k > max)
			max = k;
		count++;
	}
	*n = count;
	return count > 0 && max == count;
}

static json_t *array_to_json(struct json_enc *e, int idx, lua_Integer n, int depth)
{
	lua_State *L = e->L;
	json_t *arr = json_array();
	if (!arr)
		return enc_fail(e, "ENOMEM", "an array (out of memory)");
	size_t saved = e->pathlen;
	for (lua_Integer i = 1; i <= n; i++) {
		path_push_index(e, i);
		lua_rawgeti(L, idx, i);
		json_t *v = to_json(e, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
		if (!v || json_array_append_new(arr, v) != 0) {
			json_decref(arr);
			return v ? enc_fail(e, "ENOMEM", "an array (out of memory)") : NULL;
		}
		e->pathlen = saved;
		e->path[saved] = '\0';
	}
	return arr;
}

static json_t *object_to_json(struct json_enc *e, int idx, int depth)
{
	lua_State *L = e->L;
	json_t *obj = json_object();
	if (!obj)
		return enc_fail(e, "ENOMEM", "an object (out of memory)");
	size_t saved = e->pathlen;
	lua_pushnil(L);
	while (lua_next(L, idx)) { /* stack: [..., key, value] */
		char num[32];
		const char *key;
		size_t klen;
		if (lua_type(L, -2) == LUA_TSTRING) {
			key = lua_tolstring(L, -2, &klen);
		} else if (lua_isinteger(L, -2)) {
			klen = (size_t)snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -2));
			key = num;
		} else {
			const char *t = luaL_typename(L, -2);
			lua_pop(L, 2);
			json_decref(obj);
			char what[64];
			snprintf(what, sizeof what, "a table key of type %s", t);
			return enc_fail(e, "EKEY", what);
		}
		path_push_key(e, key);
		json_t *v = to_json(e, lua_gettop(L), depth + 1);
		if (!v || json_object_setn_new(obj, key, klen, v) != 0) {
			lua_pop(L, 2);
			json_decref(obj);
			return v ? enc_fail(e, "EUTF8", "a key that is not valid UTF-8") : NULL;
		}
		lua_pop(L, 1);
		e->pathlen = saved;
		e->path[saved] = '\0';
	}
	return obj;
}

/* Converts the Lua value at idx; NULL with e->err set on failure. */
static json_t *to_json(struct json_enc *e, int idx, int depth)
{
	lua_State *L = e->L;
	if (depth > JSON_MAX_DEPTH)
		return enc_fail(e, "EDEPTH", "a value nested deeper than 1000 levels (a cycle?)");
	luaL_checkstack(L, 6, "json.encode");
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return json_null();
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer((json_int_t)lua_tointeger(L, idx));
		if (!isfinite(lua_tonumber(L, idx)))
			return enc_fail(e, "ENUMBER", "NaN or infinity");
		return json_real(lua_tonumber(L, idx));
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		json_t *j = json_stringn(s, len);
		return j ? j : enc_fail(e, "EUTF8", "a string that is not valid UTF-8");
	}
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == (void *)&null_key)
			return json_null();
		break;
	case LUA_TTABLE: {
		lua_Integer n = 0;
		if (has_mt(L, idx, &array_mt_key)) {
			n = (lua_Integer)lua_rawlen(L, idx);
			return array_to_json(e, idx, n, depth);
		}
		if (!has_mt(L, idx, &object_mt_key) && is_sequence(L, idx, &n))
			return array_to_json(e, idx, n, depth);
		return object_to_json(e, idx, depth);
	}
	default:
		break;
	}
	char what[64];
	snprintf(what, sizeof what, "a %s", luaL_typename(L, idx));
	return enc_fail(e, "ETYPE", what);
}

/* json.encode(value [, {indent = n, sort_keys = bool, precision = digits}])
 * -> string | nil, message, code. Floats get 17 significant digits, which
 * round-trip every double (0.1 is written 0.10000000000000001); precision = 15
 * gives shorter numbers that may lose the last bits. */
static int json_encode(lua_State *L)
{
	luaL_checkany(L, 1);
	size_t flags = JSON_ENCODE_ANY;
	lua_Integer precision = 17;
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lua_getfield(L, 2, "indent");
		lua_Integer indent = luaL_optinteger(L, -1, 0);
		luaL_argcheck(L, indent >= 0 && indent <= 31, 2, "indent must be 0..31");
		flags |= JSON_INDENT(indent);
		lua_getfield(L, 2, "sort_keys");
		if (lua_toboolean(L, -1))
			flags |= JSON_SORT_KEYS;
		lua_getfield(L, 2, "precision");
		precision = luaL_optinteger(L, -1, 17);
		luaL_argcheck(L, precision >= 1 && precision <= 17, 2, "precision must be 1..17");
		lua_pop(L, 3);
	}
	flags |= JSON_REAL_PRECISION(precision);
	struct json_enc e = {.L = L, .path = "$", .pathlen = 1};
	json_t *doc = to_json(&e, 1, 0);
	if (!doc) {
		luaL_pushfail(L);
		lua_pushstring(L, e.err);
		lua_pushstring(L, e.code);
		return 3;
	}
	char *out = json_dumps(doc, flags);
	json_decref(doc);
	if (!out) {
		luaL_pushfail(L);
		lua_pushliteral(L, "cannot encode: out of memory");
		lua_pushliteral(L, "ENOMEM");
		return 3;
	}
	lua_pushstring(L, out);
	free(out);
	return 1;
}

/* Pushes the Lua value of j. */
static void from_json(lua_State *L, json_t *j)
{
	luaL_checkstack(L, 6, "json.decode");
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		lua_createtable(L, 0, (int)json_object_size(j));
		json_object_foreach(j, key, v) {
			lua_pushstring(L, key);
			from_json(L, v);
			lua_rawset(L, -3);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		lua_createtable(L, n > (size_t)1 << 20 ? 1 << 20 : (int)n, 0);
		for (size_t i = 0; i < n; i++) {
			from_json(L, json_array_get(j, i));
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
		lua_setmetatable(L, -2);
		break;
	}
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(j));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(j));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		lua_pushboolean(L, json_is_true(j));
		break;
	case JSON_NULL:
		lua_pushlightuserdata(L, (void *)&null_key);
		break;
	}
}

/* Protected part of decode, so the jansson tree is freed even when Lua raises
 * (memory cap). Stack: [doc (light userdata)] -> [value] */
static int decode_push(lua_State *L)
{
	from_json(L, lua_touserdata(L, 1));
	return 1;
}

/* json.decode(text) -> value | nil, message, position (1-based byte offset) */
static int json_decode(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	json_error_t error;
	json_t *doc = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	if (!doc) {
		luaL_pushfail(L);
		lua_pushfstring(L, "invalid JSON at line %d, column %d: %s", error.line, error.column,
		                error.text);
		lua_pushinteger(L, error.position > 0 ? error.position : 1);
		return 3;
	}
	lua_pushcfunction(L, decode_push);
	lua_pushlightuserdata(L, doc);
	int rc = lua_pcall(L, 1, 1, 0);
	json_decref(doc);
	if (rc != LUA_OK)
		return lua_error(L);
	return 1;
}

/* json.array([t]) / json.object([t]): mark t (or a new table) and return it. */
static int mark_table(lua_State *L, const char *key)
{
	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, key);
	lua_setmetatable(L, 1);
	return 1;
}

static int json_array_mark(lua_State *L) { return mark_table(L, &array_mt_key); }
static int json_object_mark(lua_State *L) { return mark_table(L, &object_mt_key); }

/* json.is_array(t) -> boolean: marked by json.array or decoded from [...] */
static int json_is_array_fn(lua_State *L)
{
	lua_pushboolean(L, lua_type(L, 1) == LUA_TTABLE && has_mt(L, 1, &array_mt_key));
	return 1;
}

int luaopen_trang_json(lua_State *L)
{
	static const luaL_Reg funcs[] = {
		{"encode", json_encode}, {"decode", json_decode},         {"array", json_array_mark},
		{"object", json_object_mark}, {"is_array", json_is_array_fn}, {NULL, NULL},
	};
	static const char *const marks[] = {&array_mt_key, &object_mt_key};
	static const char *const kinds[] = {"json.array", "json.object"};
	for (int i = 0; i < 2; i++) {
		if (lua_rawgetp(L, LUA_REGISTRYINDEX, marks[i]) == LUA_TNIL) {
			lua_newtable(L);
			lua_pushstring(L, kinds[i]);
			lua_setfield(L, -2, "__name");
			lua_rawsetp(L, LUA_REGISTRYINDEX, marks[i]);
		}
		lua_pop(L, 1);
	}
	luaL_newlib(L, funcs);
	lua_pushlightuserdata(L, (void *)&null_key);
	lua_setfield(L, -2, "null");
	return 1;
}
