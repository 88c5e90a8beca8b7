/* plugin_lua.c: the Lua engine behind the plugin registry (plugin.h). Reads
 * manifests in a bare, data-only Lua state (no libraries, an empty _ENV, a
 * call hook that refuses any function call and a tiny instruction and memory
 * budget), and runs each plugin in its own sandboxed state (lua_state.h):
 * its entry module init.lua, its hooks and commands, under its limits. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_db.h"
#include "lua_state.h"
#include "plugin.h"

#define MANIFEST_MEMORY (256u << 10)   /* bytes */
#define MANIFEST_INSTRUCTIONS 20000    /* a manifest of plain data needs a few hundred */

/* ---- manifests: plain data ---- */

struct manifest_budget {
	size_t used;
	long instructions;
	int calls;
	const char *refusal; /* why the hook stopped the chunk */
};

static void *manifest_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct manifest_budget *b = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		b->used -= old;
		return NULL;
	}
	if (nsize > old && b->used - old + nsize > MANIFEST_MEMORY)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (p)
		b->used = b->used - old + nsize;
	return p;
}

static struct manifest_budget *budget_of(lua_State *L)
{
	struct manifest_budget *b;
	memcpy(&b, lua_getextraspace(L), sizeof b);
	return b;
}

/* The first call is the chunk itself; any other call means the manifest
 * computes, and a count past the budget means it loops. */
static void manifest_hook(lua_State *L, lua_Debug *ar)
{
	struct manifest_budget *b = budget_of(L);
	if (ar->event == LUA_HOOKCALL || ar->event == LUA_HOOKTAILCALL) {
		if (++b->calls == 1)
			return;
		b->refusal = "it calls a function; a manifest is plain data (strings, numbers, "
		             "booleans, tables)";
	} else {
		b->instructions += lua_gethookcount(L);
		if (b->instructions <= MANIFEST_INSTRUCTIONS)
			return;
		b->refusal = "it runs too long (a loop?); a manifest is plain data";
	}
	lua_sethook(L, manifest_hook, LUA_MASKCOUNT, 1); /* strike again if caught */
	luaL_error(L, "not plain data");
}

/* Field readers. Each returns 0, or -1 with err set. Stack unchanged. */
#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static int dup_string(lua_State *L, int idx, const char *what, char **out, char *err, size_t errlen)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		return FAIL("%s must be a string, not %s", what, luaL_typename(L, idx));
	*out = strdup(lua_tostring(L, idx));
	return *out ? 0 : FAIL("out of memory");
}

static int opt_string_field(lua_State *L, int t, const char *field, const char *what, char **out,
                            char *err, size_t errlen)
{
	int rc = 0;
	if (lua_getfield(L, t, field) != LUA_TNIL) {
		char w[128];
		snprintf(w, sizeof w, "%s%s", what, field);
		rc = dup_string(L, -1, w, out, err, errlen);
	}
	lua_pop(L, 1);
	return rc;
}

static int opt_number_field(lua_State *L, int t, const char *field, const char *what, double *out,
                            char *err, size_t errlen)
{
	int rc = 0;
	int ty = lua_getfield(L, t, field);
	if (ty == LUA_TNUMBER)
		*out = lua_tonumber(L, -1);
	else if (ty != LUA_TNIL)
		rc = FAIL("%s%s must be a number, not %s", what, field, lua_typename(L, ty));
	lua_pop(L, 1);
	return rc;
}

/* A job's timeout or jitter: seconds, or a duration string ("30s", "5m"). */
static int opt_duration_field(lua_State *L, int t, const char *field, const char *what, double *out,
                              char *err, size_t errlen)
{
	int rc = 0;
	int ty = lua_getfield(L, t, field);
	if (ty == LUA_TNUMBER)
		*out = lua_tonumber(L, -1);
	else if (ty == LUA_TSTRING && (*out = plugin_parse_duration(lua_tostring(L, -1))) < 0)
		rc = FAIL("%s%s = '%s' is not a duration like \"30s\" (s, m, h, d)", what, field,
		          lua_tostring(L, -1));
	else if (ty != LUA_TNIL && ty != LUA_TSTRING)
		rc = FAIL("%s%s must be seconds or a duration string, not %s", what, field, lua_typename(L, ty));
	lua_pop(L, 1);
	return rc;
}

/* Keys of the table at t must be strings among allowed. */
static int check_keys(lua_State *L, int t, const char *what, const char *const *allowed, char *err,
                      size_t errlen)
{
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			(void)FAIL("%s has a key that is not a name (a %s)", what, luaL_typename(L, -1));
			lua_pop(L, 1);
			return -1;
		}
		const char *k = lua_tostring(L, -1);
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, k) == 0;
		if (!ok) {
			snprintf(err, errlen, "%s: unknown field '%s'", what, k);
			lua_pop(L, 1);
			return -1;
		}
	}
	return 0;
}

/* True when the table at t has keys 1..#t and no others. */
static bool is_list(lua_State *L, int t)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, t), count = 0;
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n) {
			lua_pop(L, 1);
			return false;
		}
		count++;
	}
	return count == n;
}

/* A limit's memory: a number of megabytes or "64MB", "512KB", "1GB". */
static int read_memory(lua_State *L, int idx, size_t *out, char *err, size_t errlen)
{
	if (lua_type(L, idx) == LUA_TNUMBER) {
		double mb = lua_tonumber(L, idx);
		if (!(mb > 0 && mb <= 65536))
			return FAIL("limits.memory must be megabytes between 0 and 65536");
		*out = (size_t)(mb * 1048576.0);
		return 0;
	}
	if (lua_type(L, idx) != LUA_TSTRING)
		return FAIL("limits.memory must be megabytes or a string like \"64MB\"");
	const char *s = lua_tostring(L, idx);
	char *end;
	double v = strtod(s, &end);
	double unit = strcmp(end, "KB") == 0 ? 1024.0 : strcmp(end, "MB") == 0 ? 1048576.0
	            : strcmp(end, "GB") == 0 ? 1073741824.0 : 0;
	if (end == s || unit == 0 || !(v > 0) || v * unit > 68719476736.0)
		return FAIL("limits.memory = '%s': want a size like \"64MB\" (KB, MB, GB)", s);
	*out = (size_t)(v * unit);
	return 0;
}

static int read_limits(lua_State *L, int t, struct plugin_limits *lim, char *err, size_t errlen)
{
	struct lstate_limits d = lstate_default_limits(true);
	lim->memory_bytes = d.memory_bytes;
	lim->seconds = d.seconds;
	lim->instructions = d.instructions;
	if (lua_getfield(L, t, "limits") == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	int l = lua_gettop(L);
	int rc = -1;
	double secs = lim->seconds, instr = -1;
	if (!lua_istable(L, l)) {
		(void)FAIL("limits must be a table {memory=, seconds=, instructions=}");
		goto cleanup;
	}
	static const char *const keys[] = {"memory", "seconds", "instructions", NULL};
	if (check_keys(L, l, "limits", keys, err, errlen))
		goto cleanup;
	if (lua_getfield(L, l, "memory") != LUA_TNIL && read_memory(L, -1, &lim->memory_bytes, err, errlen)) {
		lua_pop(L, 1);
		goto cleanup;
	}
	lua_pop(L, 1);
	if (opt_number_field(L, l, "seconds", "limits.", &secs, err, errlen) ||
	    opt_number_field(L, l, "instructions", "limits.", &instr, err, errlen))
		goto cleanup;
	if (!(secs > 0 && secs <= 86400)) {
		(void)FAIL("limits.seconds must be between 0 and 86400");
		goto cleanup;
	}
	lim->seconds = secs;
	if (instr != -1) {
		if (!(instr >= 1000 && instr <= 1e15)) {
			(void)FAIL("limits.instructions must be at least 1000");
			goto cleanup;
		}
		lim->instructions = (uint64_t)instr;
	}
	rc = 0;
cleanup:
	lua_settop(L, l - 1);
	return rc;
}

static int read_requires(lua_State *L, int t, struct plugin_manifest *m, char *err, size_t errlen)
{
	int ty = lua_getfield(L, t, "requires");
	int r = lua_gettop(L), rc = 0;
	if (ty == LUA_TNIL)
		goto cleanup;
	if (ty != LUA_TTABLE) {
		rc = FAIL("requires must be a table {name = \"range\"}");
		goto cleanup;
	}
	lua_pushnil(L);
	while (rc == 0 && lua_next(L, r)) {
		if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
			rc = FAIL("requires must map plugin names to version ranges, like {base = \">=1.2 <2\"}");
			lua_pop(L, 2);
			break;
		}
		struct plugin_require *v = realloc(m->requires, (m->nrequires + 1) * sizeof *v);
		if (!v) {
			rc = FAIL("out of memory");
			lua_pop(L, 2);
			break;
		}
		m->requires = v;
		v[m->nrequires].name = strdup(lua_tostring(L, -2));
		v[m->nrequires].range = strdup(lua_tostring(L, -1));
		m->nrequires++;
		lua_pop(L, 1);
	}
cleanup:
	lua_settop(L, r - 1);
	return rc;
}

static int read_caps(lua_State *L, int t, struct plugin_manifest *m, char *err, size_t errlen)
{
	int ty = lua_getfield(L, t, "capabilities");
	int c = lua_gettop(L), rc = 0;
	if (ty == LUA_TNIL)
		goto cleanup;
	if (ty != LUA_TTABLE || !is_list(L, c)) {
		rc = FAIL("capabilities must be a list of strings, like {\"corpus.read\"}");
		goto cleanup;
	}
	size_t n = lua_rawlen(L, c);
	m->caps = calloc(n ? n : 1, sizeof *m->caps);
	if (!m->caps) {
		rc = FAIL("out of memory");
		goto cleanup;
	}
	for (size_t i = 1; i <= n && rc == 0; i++) {
		lua_rawgeti(L, c, (lua_Integer)i);
		const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		struct plugin_cap *cap = &m->caps[m->ncaps];
		if (!s) {
			rc = FAIL("capabilities[%zu] must be a string", i);
		} else if (strcmp(s, "corpus.read") == 0) {
			cap->kind = PLUGIN_CAP_CORPUS_READ;
		} else if (strcmp(s, "store.write") == 0) {
			cap->kind = PLUGIN_CAP_STORE_WRITE;
		} else if (strncmp(s, "fs.read:", 8) == 0 || strncmp(s, "fs.write:", 9) == 0) {
			cap->kind = s[3] == 'r' ? PLUGIN_CAP_FS_READ : PLUGIN_CAP_FS_WRITE;
			cap->dir = strdup(strchr(s, ':') + 1);
		} else {
			rc = FAIL("capabilities: unknown capability '%s' (corpus.read, store.write, "
			          "fs.read:<dir>, fs.write:<dir>)", s);
		}
		if (rc == 0) {
			cap->text = strdup(s);
			m->ncaps++;
		}
		lua_pop(L, 1);
	}
cleanup:
	lua_settop(L, c - 1);
	return rc;
}

static int read_options(lua_State *L, int t, struct plugin_manifest *m, char *err, size_t errlen)
{
	static const char *const keys[] = {"type", "default", "description", NULL};
	static const char *const types[] = {"string", "number", "integer", "boolean"};
	int ty = lua_getfield(L, t, "options");
	int o = lua_gettop(L), rc = 0;
	if (ty == LUA_TNIL)
		goto cleanup;
	if (ty != LUA_TTABLE) {
		rc = FAIL("options must be a table {name = {type=, default=, description=}}");
		goto cleanup;
	}
	lua_pushnil(L);
	while (rc == 0 && lua_next(L, o)) {
		/* stack: [..., options, name, spec] */
		char what[128];
		if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1)) {
			rc = FAIL("options must map names to {type=, default=, description=}");
			lua_pop(L, 2);
			break;
		}
		snprintf(what, sizeof what, "options.%s", lua_tostring(L, -2));
		struct plugin_option *v = realloc(m->options, (m->noptions + 1) * sizeof *v);
		if (!v) {
			rc = FAIL("out of memory");
			lua_pop(L, 2);
			break;
		}
		m->options = v;
		struct plugin_option *op = &v[m->noptions++];
		memset(op, 0, sizeof *op);
		op->name = strdup(lua_tostring(L, -2));
		int spec = lua_gettop(L);
		char *type = NULL;
		char w2[140];
		snprintf(w2, sizeof w2, "%s.", what);
		if ((rc = check_keys(L, spec, what, keys, err, errlen)) == 0 &&
		    (rc = opt_string_field(L, spec, "type", w2, &type, err, errlen)) == 0 &&
		    (rc = opt_string_field(L, spec, "description", w2, &op->description, err, errlen)) == 0) {
			int k = -1;
			for (int i = 0; type && i < 4; i++)
				if (strcmp(type, types[i]) == 0)
					k = i;
			if (k < 0)
				rc = FAIL("%s.type must be one of string, number, integer, boolean", what);
			else
				op->type = (enum plugin_opt_type)k;
		}
		free(type);
		if (rc == 0 && lua_getfield(L, spec, "default") != LUA_TNIL) {
			int dt = lua_type(L, -1);
			if (dt == LUA_TBOOLEAN)
				op->def = strdup(lua_toboolean(L, -1) ? "true" : "false");
			else if (dt == LUA_TSTRING || dt == LUA_TNUMBER)
				op->def = strdup(luaL_tolstring(L, -1, NULL)), lua_pop(L, 1);
			else
				rc = FAIL("%s.default must be a string, number or boolean", what);
		}
		lua_settop(L, spec - 1);
	}
cleanup:
	lua_settop(L, o - 1);
	return rc;
}

static int read_jobs(lua_State *L, int t, struct plugin_manifest *m, char *err, size_t errlen)
{
	static const char *const keys[] = {"name",    "every",        "cron",     "on",    "timeout",
	                                   "overlap", "max_parallel", "catch_up", "jitter", NULL};
	int ty = lua_getfield(L, t, "jobs");
	int j = lua_gettop(L), rc = 0;
	if (ty == LUA_TNIL)
		goto cleanup;
	if (ty != LUA_TTABLE || !is_list(L, j)) {
		rc = FAIL("jobs must be a list of {name=, every=|cron=|on=, ...}");
		goto cleanup;
	}
	size_t n = lua_rawlen(L, j);
	m->jobs = calloc(n ? n : 1, sizeof *m->jobs);
	if (!m->jobs) {
		rc = FAIL("out of memory");
		goto cleanup;
	}
	for (size_t i = 1; i <= n && rc == 0; i++) {
		char what[32];
		snprintf(what, sizeof what, "jobs[%zu]", i);
		lua_rawgeti(L, j, (lua_Integer)i);
		int e = lua_gettop(L);
		struct plugin_job *job = &m->jobs[m->njobs++];
		double mp = 0;
		if (!lua_istable(L, e)) {
			rc = FAIL("%s must be a table", what);
		} else {
			char w[40];
			snprintf(w, sizeof w, "%s.", what);
			if ((rc = check_keys(L, e, what, keys, err, errlen)) == 0 &&
			    (rc = opt_string_field(L, e, "name", w, &job->name, err, errlen)) == 0 &&
			    (rc = opt_string_field(L, e, "every", w, &job->every, err, errlen)) == 0 &&
			    (rc = opt_string_field(L, e, "cron", w, &job->cron, err, errlen)) == 0 &&
			    (rc = opt_string_field(L, e, "on", w, &job->on, err, errlen)) == 0 &&
			    (rc = opt_string_field(L, e, "overlap", w, &job->overlap, err, errlen)) == 0 &&
			    (rc = opt_duration_field(L, e, "timeout", w, &job->timeout, err, errlen)) == 0 &&
			    (rc = opt_duration_field(L, e, "jitter", w, &job->jitter, err, errlen)) == 0 &&
			    (rc = opt_number_field(L, e, "max_parallel", w, &mp, err, errlen)) == 0) {
				job->max_parallel = (long)mp;
				int cu = lua_getfield(L, e, "catch_up");
				if (cu == LUA_TBOOLEAN)
					job->catch_up = lua_toboolean(L, -1);
				else if (cu != LUA_TNIL)
					rc = FAIL("%s.catch_up must be a boolean", what);
				if (rc == 0 && (job->timeout < 0 || job->jitter < 0 || mp < 0))
					rc = FAIL("%s: timeout, jitter and max_parallel cannot be negative", what);
			}
		}
		lua_settop(L, e - 1);
	}
cleanup:
	lua_settop(L, j - 1);
	return rc;
}

/* Protected: reads the manifest table at 1 into the struct at 2. */
static int manifest_convert(lua_State *L)
{
	struct plugin_manifest *m = lua_touserdata(L, 2);
	char *err = (char *)lua_touserdata(L, 3);
	size_t errlen = (size_t)lua_tointeger(L, 4);
	static const char *const keys[] = {"name",    "version", "description", "api",  "requires",
	                                   "capabilities", "options", "limits", "jobs", NULL};
	if (check_keys(L, 1, "manifest", keys, err, errlen) ||
	    opt_string_field(L, 1, "name", "", &m->name, err, errlen) ||
	    opt_string_field(L, 1, "version", "", &m->version, err, errlen) ||
	    opt_string_field(L, 1, "description", "", &m->description, err, errlen) ||
	    opt_string_field(L, 1, "api", "", &m->api, err, errlen) ||
	    read_requires(L, 1, m, err, errlen) || read_caps(L, 1, m, err, errlen) ||
	    read_options(L, 1, m, err, errlen) || read_limits(L, 1, &m->limits, err, errlen) ||
	    read_jobs(L, 1, m, err, errlen))
		lua_pushboolean(L, 0);
	else
		lua_pushboolean(L, 1);
	return 1;
}

static int lua_read_manifest(const char *path, struct plugin_manifest *m, char *err, size_t errlen)
{
	struct manifest_budget b = {0};
	char why[900] = "";
	int rc = -1;
	memset(m, 0, sizeof *m);
	lua_State *L = lua_newstate(manifest_alloc, &b);
	if (!L) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	struct manifest_budget *bp = &b;
	memcpy(lua_getextraspace(L), &bp, sizeof bp);
	int st = luaL_loadfilex(L, path, "t");
	if (st == LUA_ERRMEM) {
		snprintf(err, errlen, "%s: refused: larger than %u KB; a manifest is plain data", path,
		         MANIFEST_MEMORY >> 10);
		goto cleanup;
	}
	if (st != LUA_OK) { /* the message starts with the path */
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		goto cleanup;
	}
	lua_newtable(L); /* an empty _ENV: no globals at all */
	lua_setupvalue(L, -2, 1);
	lua_sethook(L, manifest_hook, LUA_MASKCALL | LUA_MASKCOUNT, 100);
	st = lua_pcall(L, 0, 1, 0);
	lua_sethook(L, NULL, 0, 0);
	if (st != LUA_OK) {
		if (b.refusal)
			snprintf(err, errlen, "%s: refused: %s", path, b.refusal);
		else if (st == LUA_ERRMEM)
			snprintf(err, errlen, "%s: refused: it needs more than %u KB; a manifest is plain data",
			         path, MANIFEST_MEMORY >> 10);
		else /* "path:1: attempt to index a string value" */
			snprintf(err, errlen, "%s (a manifest is plain data)", lua_tostring(L, -1));
		goto cleanup;
	}
	if (!lua_istable(L, -1)) {
		snprintf(err, errlen, "%s: must return a table (return { name = ..., version = ... })", path);
		goto cleanup;
	}
	/* stack: [manifest] */
	lua_pushcfunction(L, manifest_convert);
	lua_insert(L, 1);
	lua_pushlightuserdata(L, m);
	lua_pushlightuserdata(L, why);
	lua_pushinteger(L, (lua_Integer)sizeof why);
	if (lua_pcall(L, 4, 1, 0) != LUA_OK) {
		snprintf(err, errlen, "%s: %s", path, lua_tostring(L, -1));
		goto cleanup;
	}
	if (!lua_toboolean(L, -1)) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto cleanup;
	}
	rc = 0;
cleanup:
	lua_close(L);
	if (rc != 0)
		plugin_manifest_free(m);
	return rc;
}

/* ---- plugin runtimes ---- */

struct plua {
	struct plugin *p;
	struct lstate *st;
	int module_ref;      /* the table init.lua returned */
	char **read_dirs;    /* real paths a plugin may read (its folder, fs.read, fs.write) */
	size_t nread;
	char **write_dirs;   /* real paths it may write (fs.write) */
	size_t nwrite;
	struct log_db *log;  /* trang.log records into the database */
};

static bool path_under(const char *path, char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(dirs[i]);
		if (strncmp(path, dirs[i], l) == 0 && (path[l] == '/' || path[l] == '\0'))
			return true;
	}
	return false;
}

/* Real path of path, or of its folder plus its name when it does not exist yet. */
static bool resolve_path(const char *path, char *out)
{
	if (realpath(path, out))
		return true;
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) + (slash == path), path);
	const char *base = slash ? slash + 1 : path;
	char real[PATH_MAX];
	if (!*base || strcmp(base, "..") == 0 || !realpath(dir, real))
		return false;
	return snprintf(out, PATH_MAX, "%s/%s", real, base) < PATH_MAX;
}

static bool plua_fs_check(void *ud, const char *path, bool write)
{
	struct plua *rt = ud;
	char real[PATH_MAX];
	if (!resolve_path(path, real))
		return false;
	return write ? path_under(real, rt->write_dirs, rt->nwrite)
	             : path_under(real, rt->read_dirs, rt->nread) ||
	                   path_under(real, rt->write_dirs, rt->nwrite);
}

static int add_dir(char ***v, size_t *n, const char *dir)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return 0; /* a declared folder that does not exist: nothing to allow (doctor warns) */
	char **more = realloc(*v, (*n + 1) * sizeof *more);
	if (!more) {
		free(real);
		return -1;
	}
	*v = more;
	more[(*n)++] = real;
	return 0;
}

static void plua_unload(void *ud)
{
	struct plua *rt = ud;
	if (!rt)
		return;
	lstate_close(rt->st);
	log_db_free(rt->log);
	for (size_t i = 0; i < rt->nread; i++)
		free(rt->read_dirs[i]);
	for (size_t i = 0; i < rt->nwrite; i++)
		free(rt->write_dirs[i]);
	free(rt->read_dirs);
	free(rt->write_dirs);
	free(rt);
}

static void push_option_value(lua_State *L, enum plugin_opt_type type, const char *text)
{
	switch (type) {
	case PLUGIN_OPT_STRING: lua_pushstring(L, text); break;
	case PLUGIN_OPT_NUMBER: lua_pushnumber(L, strtod(text, NULL)); break;
	case PLUGIN_OPT_INTEGER: lua_pushinteger(L, strtoll(text, NULL, 10)); break;
	case PLUGIN_OPT_BOOLEAN: lua_pushboolean(L, strcmp(text, "true") == 0); break;
	}
}

/* Pushes the options table: each declared option's value (a --set one, else
 * its default), typed. Values were checked by plugin_option_check. */
static void push_options(lua_State *L, const struct plugin *p)
{
	const struct plugin_manifest *m = &p->m;
	lua_createtable(L, 0, (int)m->noptions);
	for (size_t i = 0; i < m->noptions; i++) {
		const struct plugin_option *o = &m->options[i];
		const char *v = o->def;
		for (size_t k = 0; k < p->nset; k++)
			if (strcmp(p->set_names[k], o->name) == 0)
				v = p->set_values[k];
		if (!v)
			continue;
		push_option_value(L, o->type, v);
		lua_setfield(L, -2, o->name);
	}
}

static void fill_failure(struct plugin_failure *f, const struct lstate_outcome *out)
{
	snprintf(f->reason, sizeof f->reason, "%s", lstate_reason_name(out->reason));
	snprintf(f->message, sizeof f->message, "%s", out->message ? out->message : "failed");
	snprintf(f->traceback, sizeof f->traceback, "%s", out->traceback ? out->traceback : "");
}

static void *plua_load(struct plugin *p, struct plugin *const *deps, size_t ndeps,
                       const char *db_path, char *err, size_t errlen)
{
	const struct plugin_manifest *m = &p->m;
	struct plua *rt = calloc(1, sizeof *rt);
	char name[128], path[PATH_MAX + 16];
	struct lstate_outcome out = {0};
	if (!rt) {
		snprintf(err, errlen, "%s: out of memory", p->name);
		return NULL;
	}
	rt->p = p;
	rt->module_ref = LUA_NOREF;
	unsigned caps = LSTATE_CAP_FS_READ; /* confined by plua_fs_check */
	if (add_dir(&rt->read_dirs, &rt->nread, p->dir))
		goto oom;
	for (size_t i = 0; i < m->ncaps; i++) {
		const struct plugin_cap *c = &m->caps[i];
		switch (c->kind) {
		case PLUGIN_CAP_CORPUS_READ: caps |= LSTATE_CAP_CORPUS_READ; break;
		case PLUGIN_CAP_STORE_WRITE: caps |= LSTATE_CAP_STORE_WRITE; break;
		case PLUGIN_CAP_FS_READ:
			if (add_dir(&rt->read_dirs, &rt->nread, c->dir))
				goto oom;
			break;
		case PLUGIN_CAP_FS_WRITE:
			caps |= LSTATE_CAP_FS_WRITE;
			if (add_dir(&rt->write_dirs, &rt->nwrite, c->dir))
				goto oom;
			break;
		}
	}
	snprintf(name, sizeof name, "plugin %s", p->name);
	if (!(rt->log = log_db_new(db_path)))
		goto oom;
	struct lstate_config cfg = {
		.name = name,
		.caps = caps,
		.limits = {m->limits.memory_bytes, m->limits.seconds, m->limits.instructions},
		.module_root = p->dir,
		.fs_check = plua_fs_check,
		.fs_check_ud = rt,
		.plugin = p->name,
		.db_path = db_path,
		.log_sink = log_db_sink,
		.log_sink_ud = rt->log,
	};
	char why[512];
	rt->st = lstate_new(&cfg, why, sizeof why);
	if (!rt->st) {
		snprintf(err, errlen, "%s: %s", p->name, why);
		goto fail;
	}
	/* require("<own name>.x") works too: the form a library plugin uses for its
	 * own modules, so they resolve when it is loaded as another's dependency. */
	if (!lstate_add_module_root(rt->st, p->name, p->dir, why, sizeof why)) {
		snprintf(err, errlen, "%s: %s", p->name, why);
		goto fail;
	}
	for (size_t i = 0; i < ndeps; i++) {
		if (!lstate_add_module_root(rt->st, deps[i]->name, deps[i]->dir, why, sizeof why)) {
			snprintf(err, errlen, "%s: %s", p->name, why);
			goto fail;
		}
	}
	lua_State *L = lstate_lua(rt->st);
	snprintf(path, sizeof path, "%s/init.lua", p->dir);
	if (lstate_load_file(rt->st, path, &out) != LSTATE_OK) {
		snprintf(err, errlen, "%s", out.message ? out.message : path);
		goto fail;
	}
	/* stack: [chunk]; init.lua gets (name, plugin) where plugin = {name, version, dir, options} */
	lua_pushstring(L, p->name);
	lua_createtable(L, 0, 4);
	lua_pushstring(L, p->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, m->version);
	lua_setfield(L, -2, "version");
	lua_pushstring(L, p->dir);
	lua_setfield(L, -2, "dir");
	push_options(L, p);
	lua_setfield(L, -2, "options");
	if (lstate_pcall(rt->st, 2, 1, &out) != LSTATE_OK) {
		snprintf(err, errlen, "%s%s%s", out.message ? out.message : "init.lua failed",
		         out.traceback ? "\n" : "", out.traceback ? out.traceback : "");
		goto fail;
	}
	if (!lua_istable(L, -1)) {
		snprintf(err, errlen, "%s: must return a table of hooks and commands, not %s", path,
		         luaL_typename(L, -1));
		lua_pop(L, 1);
		goto fail;
	}
	rt->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lstate_outcome_free(&out);
	return rt;
oom:
	snprintf(err, errlen, "%s: out of memory", p->name);
fail:
	lstate_outcome_free(&out);
	plua_unload(rt);
	return NULL;
}

/* Pushes the function for a hook (or nil). Stack: [] -> [f or nil] */
static int push_hook(struct plua *rt, enum plugin_hook hook, const char *command)
{
	lua_State *L = lstate_lua(rt->st);
	lua_rawgeti(L, LUA_REGISTRYINDEX, rt->module_ref);
	int t;
	switch (hook) {
	case PLUGIN_HOOK_ARTICLE: t = lua_getfield(L, -1, "on_article"); break;
	case PLUGIN_HOOK_INGEST_DONE: t = lua_getfield(L, -1, "on_ingest_done"); break;
	case PLUGIN_HOOK_HEALTH: t = lua_getfield(L, -1, "health"); break;
	default:
		if (lua_getfield(L, -1, hook == PLUGIN_HOOK_JOB ? "jobs" : "commands") == LUA_TTABLE)
			t = lua_getfield(L, -1, command ? command : "main");
		else
			t = LUA_TNIL;
		lua_remove(L, -2);
		break;
	}
	lua_remove(L, -2);
	return t;
}

static bool plua_has_hook(void *ud, enum plugin_hook hook, const char *command)
{
	struct plua *rt = ud;
	bool has = push_hook(rt, hook, command) == LUA_TFUNCTION;
	lua_pop(lstate_lua(rt->st), 1);
	return has;
}

static void plua_commands(void *ud, char *buf, size_t len)
{
	struct plua *rt = ud;
	lua_State *L = lstate_lua(rt->st);
	buf[0] = '\0';
	lua_rawgeti(L, LUA_REGISTRYINDEX, rt->module_ref);
	if (lua_getfield(L, -1, "commands") == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) {
				size_t u = strlen(buf);
				snprintf(buf + u, len - u, "%s%s", u ? ", " : "", lua_tostring(L, -2));
			}
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 2);
}

/* The article handed to on_article: {id=, path=} whose other fields (title,
 * date, url, author, source, text, raw) load on first access, with
 * article:paragraphs() and article:sentences() as in trang.corpus (spans
 * 1-based and inclusive into raw, idx 1-based). They read through the
 * ingest's own connection: a separate one (trang.corpus) cannot see the
 * articles of the batch not yet committed. Upvalue 1 of each function: the
 * sqlite3 handle (light userdata). */
static const char *const article_fields[] = {"title", "date", "url", "author", "source", "text", "raw",
                                             NULL};

/* article:paragraphs() / article:sentences(): upvalue 2 says which. */
static int article_spans(lua_State *L)
{
	sqlite3 *db = lua_touserdata(L, lua_upvalueindex(1));
	bool sentences = lua_toboolean(L, lua_upvalueindex(2));
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "id");
	lua_Integer id = luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	const char *sql = sentences
	                      ? "SELECT s.idx, p.kind, s.s, s.e, s.text, p.idx FROM sentences s "
	                        "JOIN paragraphs p ON p.id = s.paragraph_id WHERE s.article_id = ? "
	                        "ORDER BY s.idx"
	                      : "SELECT idx, kind, s, e, text FROM paragraphs WHERE article_id = ? "
	                        "ORDER BY idx";
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return luaL_error(L, "article %I: %s", id, sqlite3_errmsg(db));
	}
	sqlite3_bind_int64(q, 1, id);
	lua_newtable(L); /* stack: [article, items] */
	lua_Integer n = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		static const char *const names[] = {"idx", "kind", "s", "e", "text", "paragraph"};
		lua_createtable(L, 0, 6);
		for (int i = 0; i < (sentences ? 6 : 5); i++) {
			if (i == 1 || i == 4)
				lua_pushlstring(L, (const char *)sqlite3_column_text(q, i),
				                (size_t)sqlite3_column_bytes(q, i));
			else /* idx, s, paragraph: 0-based in the database; e is exclusive there */
				lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(q, i) + (i != 3));
			lua_setfield(L, -2, names[i]);
		}
		lua_rawseti(L, -2, ++n);
	}
	sqlite3_finalize(q);
	lstate_check_budget(L, (unsigned)n + 1);
	return 1;
}

/* __index of an article. Stack: [t, k] */
static int article_index(lua_State *L)
{
	sqlite3 *db = lua_touserdata(L, lua_upvalueindex(1));
	lua_settop(L, 2);
	const char *k = lua_tostring(L, 2);
	if (!k || !db)
		return 0;
	if (strcmp(k, "paragraphs") == 0 || strcmp(k, "sentences") == 0) {
		lua_pushlightuserdata(L, db);
		lua_pushboolean(L, k[0] == 's');
		lua_pushcclosure(L, article_spans, 2);
		return 1;
	}
	lua_getmetatable(L, 1); /* stack: [t, k, mt] */
	if (lua_getfield(L, 3, "loaded") != LUA_TNIL || lua_getfield(L, 1, "id") != LUA_TNUMBER)
		return 0;
	lua_Integer id = lua_tointeger(L, -1);
	lua_pushboolean(L, 1); /* a missing row is not looked up again */
	lua_setfield(L, 3, "loaded");
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT title, date, url, author, source, text, raw FROM articles "
	                           "WHERE id = ?", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, id);
		if (sqlite3_step(q) == SQLITE_ROW) {
			for (int i = 0; article_fields[i]; i++) {
				const void *v = sqlite3_column_blob(q, i);
				if (v || sqlite3_column_type(q, i) != SQLITE_NULL) {
					lua_pushlstring(L, v ? v : "", (size_t)sqlite3_column_bytes(q, i));
					lua_setfield(L, 1, article_fields[i]);
				}
			}
		}
	}
	sqlite3_finalize(q);
	lstate_check_budget(L, 10);
	lua_pushvalue(L, 2);
	lua_rawget(L, 1);
	return 1;
}

/* Pushes the article. (trang.corpus's lazy userdata, corpus.get(id), would
 * not see the uncommitted batch; see above.) */
static void push_article(lua_State *L, const struct plugin_call *call)
{
	lua_createtable(L, 0, 8);
	lua_pushinteger(L, call->article.id);
	lua_setfield(L, -2, "id");
	if (call->article.path) {
		lua_pushstring(L, call->article.path);
		lua_setfield(L, -2, "path");
	}
	lua_createtable(L, 0, 2);
	lua_pushlightuserdata(L, call->db);
	lua_pushcclosure(L, article_index, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
}

static void push_summary(lua_State *L, const struct plugin_summary *s)
{
	lua_createtable(L, 0, 7);
	static const char *const names[] = {"added", "updated", "unchanged", "duplicates", "errors", "files"};
	const long v[] = {s->added, s->updated, s->unchanged, s->duplicates, s->errors, s->files};
	for (int i = 0; i < 6; i++) {
		lua_pushinteger(L, v[i]);
		lua_setfield(L, -2, names[i]);
	}
	lua_pushnumber(L, s->seconds);
	lua_setfield(L, -2, "seconds");
}

struct health_sink {
	plugin_health_fn fn;
	void *ud;
};

/* report.ok/warn/error(message) inside health(report). Upvalues: sink, level. */
static int health_report(lua_State *L)
{
	struct health_sink *hs = lua_touserdata(L, lua_upvalueindex(1));
	const char *msg = luaL_checkstring(L, 1);
	if (hs->fn)
		hs->fn(hs->ud, lua_tostring(L, lua_upvalueindex(2)), msg);
	return 0;
}

static int plua_call(void *ud, const struct plugin_call *call, plugin_health_fn fn, void *fn_ud,
                     struct plugin_failure *fail)
{
	struct plua *rt = ud;
	lua_State *L = lstate_lua(rt->st);
	struct lstate_outcome out = {0};
	struct health_sink hs = {fn, fn_ud};
	int top = lua_gettop(L), nargs = 0, rc = 0;
	memset(fail, 0, sizeof *fail);
	if (push_hook(rt, call->hook, call->command) != LUA_TFUNCTION) {
		lua_settop(L, top);
		if (call->hook == PLUGIN_HOOK_HEALTH || call->hook == PLUGIN_HOOK_ARTICLE ||
		    call->hook == PLUGIN_HOOK_INGEST_DONE)
			return 0; /* nothing to run */
		snprintf(fail->reason, sizeof fail->reason, "error");
		snprintf(fail->message, sizeof fail->message, "plugin %s has no command '%s'",
		         rt->p->name, call->command ? call->command : "main");
		return -1;
	}
	switch (call->hook) {
	case PLUGIN_HOOK_ARTICLE:
		push_article(L, call);
		nargs = 1;
		break;
	case PLUGIN_HOOK_INGEST_DONE:
		push_summary(L, &call->summary);
		nargs = 1;
		break;
	case PLUGIN_HOOK_HEALTH: {
		static const char *const levels[] = {"ok", "warn", "error", "info"};
		lua_createtable(L, 0, 4);
		for (int i = 0; i < 4; i++) {
			lua_pushlightuserdata(L, &hs);
			lua_pushstring(L, levels[i]);
			lua_pushcclosure(L, health_report, 2);
			lua_setfield(L, -2, levels[i]);
		}
		nargs = 1;
		break;
	}
	case PLUGIN_HOOK_JOB:
	case PLUGIN_HOOK_COMMAND:
		if (!lua_checkstack(L, call->argc + 1)) {
			lua_settop(L, top);
			snprintf(fail->reason, sizeof fail->reason, "error");
			snprintf(fail->message, sizeof fail->message, "too many arguments");
			return -1;
		}
		for (int i = 0; i < call->argc; i++)
			lua_pushstring(L, call->argv[i]);
		nargs = call->argc;
		break;
	}
	if (lstate_pcall(rt->st, nargs, LUA_MULTRET, &out) != LSTATE_OK) {
		fill_failure(fail, &out);
		rc = -1;
	} else if (call->hook == PLUGIN_HOOK_COMMAND) {
		/* A command's results are its output, one per line. */
		for (int i = top + 1; i <= lua_gettop(L); i++) {
			const char *s = lua_tostring(L, i);
			if (s)
				printf("%s\n", s);
			else if (!lua_isnil(L, i))
				printf("(%s)\n", luaL_typename(L, i));
		}
	}
	lua_settop(L, top);
	lstate_outcome_free(&out);
	return rc;
}

/* on_article over a list of articles, for trang serve: calls the hook on
 * each in turn through lua_callk, so the hook may yield (time slices,
 * trang.sleep) inside every call. Upvalues: [hook, articles]. */
static int articles_next(lua_State *L, int status, lua_KContext done)
{
	(void)status;
	for (lua_Integer n = (lua_Integer)done + 1;; n++) {
		lua_settop(L, 0);
		lua_pushvalue(L, lua_upvalueindex(1));
		if (lua_rawgeti(L, lua_upvalueindex(2), n) == LUA_TNIL) /* stack: [hook, a] */
			return 0;
		lua_callk(L, 1, 0, (lua_KContext)n, articles_next);
	}
}

static int articles_run(lua_State *L)
{
	return articles_next(L, LUA_OK, 0);
}

/* Pushes the array of article objects for call->ids (paths from call->db). */
static void push_articles(lua_State *L, const struct plugin_call *call)
{
	sqlite3_stmt *q = NULL;
	if (call->db)
		sqlite3_prepare_v2(call->db, "SELECT path FROM articles WHERE id = ?", -1, &q, NULL);
	lua_createtable(L, (int)call->nids, 0);
	for (size_t i = 0; i < call->nids; i++) {
		struct plugin_call one = {.hook = PLUGIN_HOOK_ARTICLE, .article = {call->ids[i], NULL},
		                          .db = call->db};
		if (q) {
			sqlite3_reset(q);
			sqlite3_bind_int64(q, 1, call->ids[i]);
			if (sqlite3_step(q) == SQLITE_ROW)
				one.article.path = (const char *)sqlite3_column_text(q, 0);
		}
		push_article(L, &one); /* stack: [list, a] */
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	sqlite3_finalize(q);
}

/* Protected: [hook, call] -> [run], the closure articles_run over the batch. */
static int articles_build(lua_State *L)
{
	const struct plugin_call *call = lua_touserdata(L, 2);
	lua_settop(L, 1);
	push_articles(L, call);               /* stack: [hook, list] */
	lua_pushcclosure(L, articles_run, 2); /* stack: [run] */
	return 1;
}

/* A job, or on_article over a batch, as a coroutine in the plugin's state:
 * serve resumes it slice by slice. */
static struct lstate_coro *plua_start_run(void *ud, const struct plugin_call *call, double timeout,
                                          char *err, size_t errlen)
{
	struct plua *rt = ud;
	lua_State *L = lstate_lua(rt->st);
	if (push_hook(rt, call->hook, call->command) != LUA_TFUNCTION) { /* stack: [f or nil] */
		lua_pop(L, 1);
		snprintf(err, errlen, "plugin %s has no function %s%s", rt->p->name,
		         call->hook == PLUGIN_HOOK_JOB ? "jobs." : "on_article",
		         call->hook == PLUGIN_HOOK_JOB && call->command ? call->command : "");
		return NULL;
	}
	if (call->hook == PLUGIN_HOOK_ARTICLE) {
		/* the list may be long: built under pcall, so a memory error is an error */
		lua_pushcfunction(L, articles_build); /* stack: [hook, build] */
		lua_insert(L, -2);                    /* stack: [build, hook] */
		lua_pushlightuserdata(L, (void *)call);
		if (lua_pcall(L, 2, 1, 0) != LUA_OK) { /* stack: [run or message] */
			snprintf(err, errlen, "plugin %s: on_article: %s", rt->p->name,
			         lua_isstring(L, -1) ? lua_tostring(L, -1) : "cannot start");
			lua_pop(L, 1);
			return NULL;
		}
	}
	return lstate_coro_start(rt->st, 0, timeout, err, errlen);
}

static size_t plua_memory(void *ud)
{
	return lstate_memory_used(((struct plua *)ud)->st);
}

const struct plugin_engine plugin_lua_engine = {
	.name = "lua",
	.read_manifest = lua_read_manifest,
	.load = plua_load,
	.has_hook = plua_has_hook,
	.commands = plua_commands,
	.call = plua_call,
	.memory = plua_memory,
	.start_run = plua_start_run,
	.unload = plua_unload,
};
