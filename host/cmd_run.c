/* cmd_run.c: `trang run FILE.lua [ARGS...]` runs an analysis script in a
 * sandboxed state with the host API; `trang repl` is the interactive prompt
 * (libedit) over the same kind of state. Ctrl-C ends the running chunk, not
 * the program. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <editline/readline.h>

#include "log_db.h"
#include "cli.h"
#include "lua_state.h"

/* Scripts are the user's own code: files, stdio, environment, the corpus and
 * their own tables (prefixed script_) in the store. */
#define SCRIPT_CAPS                                                                                                    \
	(LSTATE_CAP_FS_READ | LSTATE_CAP_FS_WRITE | LSTATE_CAP_STDIO | LSTATE_CAP_ENV | LSTATE_CAP_CORPUS_READ |          \
	 LSTATE_CAP_STORE_WRITE)

/* The one mutable file-level variable: a signal handler has no other way to
 * find the state it must interrupt (lua.c keeps its globalL for the same reason). */
static struct lstate *volatile sigint_target;

static void on_sigint(int sig)
{
	(void)sig;
	struct lstate *st = sigint_target;
	if (st)
		lstate_interrupt(st);
}

/* Runs [f, args...] with Ctrl-C ending the run. */
static enum lstate_reason run_interruptible(struct lstate *st, int nargs, int nresults,
                                            struct lstate_outcome *out)
{
	struct sigaction sa = {.sa_handler = on_sigint}, old;
	sigemptyset(&sa.sa_mask);
	sigint_target = st;
	sigaction(SIGINT, &sa, &old);
	enum lstate_reason r = lstate_pcall(st, nargs, nresults, out);
	sigaction(SIGINT, &old, NULL);
	sigint_target = NULL;
	return r;
}

static void report(const char *cmd, const struct lstate_outcome *out)
{
	fflush(stdout);
	fprintf(stderr, "trang %s: %s\n", cmd, out->message ? out->message : "failed");
	if (out->traceback)
		fprintf(stderr, "%s\n", out->traceback);
}

/* Parses --timeout/--memory/--instructions into limits; returns -1 and
 * reports on bad usage, else the index of the first operand. */
static int parse_limit_options(const char *cmd, int argc, char **argv,
                               struct lstate_limits *limits, bool *help)
{
	static const struct option longopts[] = {
		{"timeout", required_argument, NULL, 't'},
		{"memory", required_argument, NULL, 'm'},
		{"instructions", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	*help = false;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		char *end;
		errno = 0;
		switch (c) {
		case 't': {
			double s = strtod(optarg, &end);
			if (errno || *end || !(s >= 0) || s > 1e9) {
				cli_usage_error(cmd, "--timeout wants seconds >= 0, got '%s'", optarg);
				return -1;
			}
			limits->seconds = s;
			break;
		}
		case 'm': {
			unsigned long long mb = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || mb > (1ull << 30)) {
				cli_usage_error(cmd, "--memory wants megabytes, got '%s'", optarg);
				return -1;
			}
			limits->memory_bytes = (size_t)mb << 20;
			break;
		}
		case 'i': {
			unsigned long long n = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg) {
				cli_usage_error(cmd, "--instructions wants a count, got '%s'", optarg);
				return -1;
			}
			limits->instructions = n;
			break;
		}
		case 'h':
			*help = true;
			return optind;
		default:
			cli_usage_error(cmd, "unknown option");
			return -1;
		}
	}
	return optind;
}

static const char run_help[] =
	"usage: trang run [--timeout SECONDS] [--memory MB] [--instructions N] FILE.lua [ARGS...]\n"
	"\n"
	"Runs a Lua 5.4 script with the trang API (global `trang`, require \"trang.json\" ...).\n"
	"`arg` is set as in `lua`: arg[0] the script, arg[1..n] its arguments. The script may\n"
	"read and write files, use standard input and output and os.getenv; it may not run\n"
	"programs, load bytecode or C modules. require(\"x.y\") finds x/y.lua next to it.\n"
	"\n"
	"  --timeout SECONDS   wall clock budget (default: none; Ctrl-C stops the script)\n"
	"  --memory MB         memory cap (default: 4096)\n"
	"  --instructions N    Lua VM instruction budget (default: none)\n"
	"\n"
	"exit status: 0 success, 1 the script failed (message and traceback on stderr), 2 bad usage\n";

struct script_args {
	int argc, first;
	char **argv;
};

/* Protected: sets the global `arg` (operands from first on are the script and
 * its arguments; what precedes, the command and its options, gets negative
 * indices) and returns the script's arguments, for `...`. Stack: [sa] */
static int push_script_args(lua_State *L)
{
	const struct script_args *sa = lua_touserdata(L, 1);
	lua_createtable(L, sa->argc - sa->first, sa->first + 1);
	lua_pushstring(L, program_invocation_name);
	lua_rawseti(L, -2, -(sa->first + 1));
	for (int i = 0; i < sa->argc; i++) {
		lua_pushstring(L, sa->argv[i]);
		lua_rawseti(L, -2, i - sa->first);
	}
	lua_setglobal(L, "arg");
	int n = sa->argc - sa->first - 1;
	luaL_checkstack(L, n, "too many script arguments");
	for (int i = sa->first + 1; i < sa->argc; i++)
		lua_pushstring(L, sa->argv[i]);
	return n;
}

/* Directory of path into buf ("." if none). */
static void dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	struct lstate_limits limits = lstate_default_limits(false);
	bool help;
	int first = parse_limit_options("run", argc, argv, &limits, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help) {
		fputs(run_help, stdout);
		return EXIT_WORK_OK;
	}
	if (first >= argc)
		return cli_usage_error("run", "missing the script to run (FILE.lua)");
	const char *script = argv[first];
	const char *base = strrchr(script, '/');
	char dir[PATH_MAX], err[512];
	dir_of(script, dir, sizeof dir);
	struct log_db *log = log_db_new(cli->db_path);
	struct lstate_config cfg = {
		.name = base ? base + 1 : script,
		.caps = SCRIPT_CAPS,
		.limits = limits,
		.module_root = dir,
		.db_path = cli->db_path,
		.log_sink = log ? log_db_sink : NULL,
		.log_sink_ud = log,
	};
	int status = EXIT_WORK_FAILED;
	struct lstate_outcome out = {0};
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st) {
		fprintf(stderr, "trang run: %s: %s\n", script, err);
		goto cleanup;
	}
	lua_State *L = lstate_lua(st);
	if (lstate_load_file(st, script, &out) != LSTATE_OK) {
		report("run", &out);
		goto cleanup;
	}
	struct script_args sa = {.argc = argc, .first = first, .argv = argv};
	int chunk = lua_gettop(L); /* stack: [chunk] */
	lua_pushcfunction(L, push_script_args);
	lua_pushlightuserdata(L, &sa);
	if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK) {
		fprintf(stderr, "trang run: %s: %s\n", script, lua_tostring(L, -1));
		goto cleanup;
	}
	if (run_interruptible(st, lua_gettop(L) - chunk, 0, &out) != LSTATE_OK) {
		report("run", &out);
		goto cleanup;
	}
	status = EXIT_WORK_OK;
cleanup:
	lstate_outcome_free(&out);
	lstate_close(st);
	log_db_free(log);
	if (fflush(stdout) != 0 && status == EXIT_WORK_OK) {
		fprintf(stderr, "trang run: writing standard output: %s\n", strerror(errno));
		status = EXIT_WORK_FAILED;
	}
	return status;
}

/* ---- repl ---- */

/* ~/.local/share/trang/history, creating the folders; false if no $HOME. */
static bool history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return false;
	static const char *const parts[] = {"/.local", "/.local/share", "/.local/share/trang"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(buf, len, "%s%s", home, parts[i]);
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return false;
	}
	return snprintf(buf, len, "%s/.local/share/trang/history", home) < (int)len;
}

/* Loads a line: first as `return <line>` (so expressions print), else as a
 * statement. Returns 1 loaded, 0 incomplete (wants more lines), -1 error. */
static int repl_load(struct lstate *st, const char *code, struct lstate_outcome *out)
{
	size_t len = strlen(code);
	char *ret = malloc(len + 8);
	if (!ret)
		return -1;
	memcpy(ret, "return ", 7);
	memcpy(ret + 7, code, len + 1);
	enum lstate_reason r = lstate_load_string(st, ret, len + 7, "=stdin", NULL);
	free(ret);
	if (r == LSTATE_OK)
		return 1;
	if (lstate_load_string(st, code, len, "=stdin", out) == LSTATE_OK)
		return 1;
	const char *msg = out->message ? out->message : "";
	size_t ml = strlen(msg);
	if (ml >= 5 && strcmp(msg + ml - 5, "<eof>") == 0) {
		lstate_outcome_free(out);
		return 0;
	}
	return -1;
}

/* Prints the values at [base+1, top] with the global print, as lua does. */
static void repl_print(struct lstate *st, int base)
{
	lua_State *L = lstate_lua(st);
	int n = lua_gettop(L) - base;
	if (n <= 0)
		return;
	lua_getglobal(L, "print");
	lua_insert(L, base + 1);
	struct lstate_outcome out;
	if (lstate_pcall(st, n, 0, &out) != LSTATE_OK)
		report("repl", &out);
	lstate_outcome_free(&out);
}

int cmd_repl(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	struct lstate_limits limits = lstate_default_limits(false);
	bool help;
	int first = parse_limit_options("repl", argc, argv, &limits, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help) {
		fputs("usage: trang repl [--timeout SECONDS] [--memory MB] [--instructions N]\n"
		      "\nAn interactive Lua prompt with the trang API. Expressions print their values;\n"
		      "Ctrl-C stops a running statement, Ctrl-D leaves. History is kept in\n"
		      "~/.local/share/trang/history.\n",
		      stdout);
		return EXIT_WORK_OK;
	}
	if (first < argc)
		return cli_usage_error("repl", "unexpected argument '%s'", argv[first]);
	char err[512], hist[PATH_MAX];
	struct log_db *log = log_db_new(cli->db_path);
	struct lstate_config cfg = {
		.name = "repl", .caps = SCRIPT_CAPS, .limits = limits, .module_root = ".", .db_path = cli->db_path,
		.log_sink = log ? log_db_sink : NULL, .log_sink_ud = log,
	};
	struct lstate *st = lstate_new(&cfg, err, sizeof err);
	if (!st) {
		fprintf(stderr, "trang repl: %s\n", err);
		log_db_free(log);
		return EXIT_WORK_FAILED;
	}
	bool have_hist = history_path(hist, sizeof hist);
	using_history();
	stifle_history(1000);
	if (have_hist)
		read_history(hist);
	printf("trang %s, %s; Ctrl-D to leave\n", TRANG_VERSION, LUA_RELEASE);
	lua_State *L = lstate_lua(st);
	char *chunk = NULL;
	for (;;) {
		char *line = readline(chunk ? ">> " : "> ");
		if (!line)
			break;
		if (chunk) {
			size_t a = strlen(chunk), b = strlen(line);
			char *more = realloc(chunk, a + b + 2);
			if (!more) {
				free(line);
				break;
			}
			chunk = more;
			chunk[a] = '\n';
			memcpy(chunk + a + 1, line, b + 1);
			free(line);
		} else {
			chunk = line;
		}
		struct lstate_outcome out = {0};
		int base = lua_gettop(L);
		int loaded = repl_load(st, chunk, &out);
		if (loaded == 0)
			continue; /* incomplete: read another line */
		if (*chunk) {
			add_history(chunk);
			if (have_hist)
				write_history(hist);
		}
		free(chunk);
		chunk = NULL;
		if (loaded < 0) {
			report("repl", &out);
		} else if (run_interruptible(st, 0, LUA_MULTRET, &out) != LSTATE_OK) {
			report("repl", &out);
		} else {
			repl_print(st, base);
		}
		lstate_outcome_free(&out);
		lua_settop(L, base);
	}
	free(chunk);
	putchar('\n');
	lstate_close(st);
	log_db_free(log);
	return EXIT_WORK_OK;
}
