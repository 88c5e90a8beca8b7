/* cmd_plugin.c: `trang plugin list|info|check|run|enable`: what plugins are
 * installed, what they declare, whether they load, and running a plugin's
 * named commands. The registry and engine do the work (plugin.h). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plugin.h"
#include "store.h"

#define MAX_PLUGIN_DIRS 8
#define MAX_SETTINGS 32

static const char plugin_help[] =
	"usage: trang plugin [--plugins DIR]... list\n"
	"       trang plugin [--plugins DIR]... info NAME\n"
	"       trang plugin [--plugins DIR]... check [NAME...]\n"
	"       trang plugin [--plugins DIR]... [--set OPTION=VALUE]... run NAME [COMMAND] [ARGS...]\n"
	"       trang plugin enable NAME\n"
	"       trang plugin [--plugins DIR]... reload NAME\n"
	"\n"
	"Plugins are folders holding plugin.lua (a manifest of plain data) and init.lua\n"
	"(the entry module). They are looked for in ./plugins, then\n"
	"~/.local/share/trang/plugins, then each --plugins DIR; the first of a name wins.\n"
	"\n"
	"  list     every plugin found: version, state (ok, broken, disabled) and why\n"
	"  info     a plugin's manifest, hooks, commands, state and last errors\n"
	"  check    validates manifests and dependencies and loads each plugin under its\n"
	"           limits; exit status 1 if any fails\n"
	"  run      runs a plugin command (default: main); its results are printed;\n"
	"           --set OPTION=VALUE replaces an option's default (checked against its type)\n"
	"  enable   re-enables a plugin disabled after failures in a row\n"
	"  reload   makes the running `trang serve` load NAME again now, keeping the old\n"
	"           version if the new one fails; with no service, checks NAME\n"
	"\n"
	"exit status: 0 success, 1 the work failed, 2 bad usage\n";

struct plugin_cmd {
	struct cli *cli;
	char *dirs[MAX_PLUGIN_DIRS];
	size_t ndirs;
	struct plugin_registry reg;
	struct store st;
	bool have_db;
	const char *set_names[MAX_SETTINGS];
	const char *set_values[MAX_SETTINGS];
	char set_buf[MAX_SETTINGS][256];
	size_t nset;
};

/* Parses --plugins DIR and --help from argv (stops at the first operand).
 * Returns optind, or -1 after reporting a usage error; -2 for --help. */
static int parse_opts(struct plugin_cmd *pc, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"plugins", required_argument, NULL, 'p'},
		{"set", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || pc->nset == MAX_SETTINGS ||
			    strlen(optarg) >= sizeof pc->set_buf[0]) {
				cli_usage_error("plugin", "--set wants NAME=VALUE, got '%s'", optarg);
				return -1;
			}
			char *b = pc->set_buf[pc->nset];
			snprintf(b, sizeof pc->set_buf[0], "%s", optarg);
			b[eq - optarg] = '\0';
			pc->set_names[pc->nset] = b;
			pc->set_values[pc->nset++] = b + (eq - optarg) + 1;
			break;
		}
		case 'p':
			if (pc->ndirs == MAX_PLUGIN_DIRS) {
				cli_usage_error("plugin", "at most %d --plugins folders", MAX_PLUGIN_DIRS);
				return -1;
			}
			pc->dirs[pc->ndirs++] = optarg;
			break;
		case 'h':
			return -2;
		default:
			cli_usage_error("plugin", "unknown option");
			return -1;
		}
	}
	return optind;
}

/* Opens the database when it exists (failures are recorded there); a plugin
 * command does not create one. */
static void open_db(struct plugin_cmd *pc)
{
	if (access(pc->cli->db_path, F_OK) != 0)
		return;
	if (store_open(&pc->st, pc->cli->db_path, STORE_WRITE) == 0) {
		pc->have_db = true;
		pc->reg.db_path = pc->st.path;
	} else {
		fprintf(stderr, "trang plugin: %s (plugin state and errors are not recorded)\n", pc->st.err);
	}
}

static int scan(struct plugin_cmd *pc)
{
	char dirs[MAX_PLUGIN_DIRS + 2][PATH_MAX];
	size_t nd = plugin_search_path(dirs, MAX_PLUGIN_DIRS + 2, pc->dirs, pc->ndirs);
	if (plugin_registry_scan(&pc->reg, &plugin_lua_engine, dirs, nd) != 0) {
		fprintf(stderr, "trang plugin: out of memory\n");
		return -1;
	}
	open_db(pc);
	if (pc->have_db)
		plugin_registry_load_state(&pc->reg, pc->st.db);
	return 0;
}

/* The first line of a multi-line text into buf. */
static const char *first_line(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(s, "\n"), s);
	return buf;
}

static const char *state_of(const struct plugin *p)
{
	if (!p->manifest_ok || p->problems[0])
		return "broken";
	return p->disabled ? "disabled" : "ok";
}

static int plugin_list(struct plugin_cmd *pc)
{
	if (pc->reg.n == 0) {
		printf("no plugins (looked in ./plugins, ~/.local/share/trang/plugins%s)\n",
		       pc->ndirs ? " and --plugins" : "");
		return EXIT_WORK_OK;
	}
	printf("%-16s %-10s %-9s %s\n", "NAME", "VERSION", "STATE", "DESCRIPTION");
	for (size_t i = 0; i < pc->reg.n; i++) {
		const struct plugin *p = pc->reg.v[i];
		char line[512];
		const char *state = state_of(p);
		const char *what = strcmp(state, "broken") == 0 ? first_line(p->problems, line, sizeof line)
		                   : p->disabled ? p->disabled_reason
		                   : p->m.description;
		printf("%-16s %-10s %-9s %s\n", p->name, p->m.version ? p->m.version : "?", state,
		       what ? what : "");
	}
	if (pc->reg.shadowed[0])
		printf("\n%s", pc->reg.shadowed);
	return EXIT_WORK_OK;
}

static struct plugin *find_or_report(struct plugin_cmd *pc, const char *name)
{
	struct plugin *p = plugin_registry_find(&pc->reg, name);
	if (!p)
		fprintf(stderr, "trang plugin: no plugin '%s' (see `trang plugin list`)\n", name);
	return p;
}

static void print_last_errors(struct plugin_cmd *pc, const char *name)
{
	sqlite3_stmt *q = NULL;
	if (!pc->have_db ||
	    sqlite3_prepare_v2(pc->st.db, "SELECT at, hook, coalesce(article_path, ''), reason, message "
	                                  "FROM plugin_errors WHERE plugin = ? ORDER BY id DESC LIMIT 5",
	                       -1, &q, NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return;
	}
	sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
	bool any = false;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (!any)
			printf("last errors:\n");
		any = true;
		printf("  %s %s%s%s (%s): %s\n", sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
		       *sqlite3_column_text(q, 2) ? " on " : "", sqlite3_column_text(q, 2),
		       sqlite3_column_text(q, 3), sqlite3_column_text(q, 4));
	}
	sqlite3_finalize(q);
}

static int plugin_info(struct plugin_cmd *pc, const char *name)
{
	struct plugin *p = find_or_report(pc, name);
	if (!p)
		return EXIT_WORK_FAILED;
	const struct plugin_manifest *m = &p->m;
	printf("name          %s\n", p->name);
	printf("folder        %s\n", p->dir);
	printf("version       %s\n", m->version ? m->version : "?");
	printf("description   %s\n", m->description ? m->description : "");
	printf("api           %s (host %s)\n", m->api ? m->api : "?", PLUGIN_API_VERSION);
	printf("state         %s%s%s\n", state_of(p), p->disabled ? ": " : "",
	       p->disabled ? p->disabled_reason : "");
	if (p->problems[0])
		printf("problems\n  %.*s\n", (int)strlen(p->problems) - 1, p->problems);
	for (size_t i = 0; i < m->nrequires; i++)
		printf("%-13s %s %s\n", i ? "" : "requires", m->requires[i].name, m->requires[i].range);
	for (size_t i = 0; i < m->ncaps; i++)
		printf("%-13s %s\n", i ? "" : "capabilities", m->caps[i].text);
	for (size_t i = 0; i < m->noptions; i++)
		printf("%-13s %s (%s, default %s)%s%s\n", i ? "" : "options", m->options[i].name,
		       plugin_opt_type_name(m->options[i].type), m->options[i].def ? m->options[i].def : "none",
		       m->options[i].description ? ": " : "",
		       m->options[i].description ? m->options[i].description : "");
	if (p->manifest_ok)
		printf("limits        %zu MB, %g s%s\n", m->limits.memory_bytes >> 20, m->limits.seconds,
		       m->limits.instructions ? ", instruction budget" : "");
	for (size_t i = 0; i < m->njobs; i++) {
		const struct plugin_job *j = &m->jobs[i];
		printf("%-13s %s: %s %s\n", i ? "" : "jobs", j->name ? j->name : "?",
		       j->every ? "every" : j->cron ? "cron" : "on",
		       j->every ? j->every : j->cron ? j->cron : j->on ? j->on : "?");
	}
	if (p->manifest_ok && !p->problems[0]) {
		char err[2048];
		if (plugin_registry_load(&pc->reg, p, err, sizeof err) == 0) {
			const struct plugin_engine *e = pc->reg.engine;
			char cmds[512];
			e->commands(p->rt, cmds, sizeof cmds);
			printf("hooks        %s%s%s\n", /* each name starts with a space */ e->has_hook(p->rt, PLUGIN_HOOK_ARTICLE, NULL) ? " on_article" : "",
			       e->has_hook(p->rt, PLUGIN_HOOK_INGEST_DONE, NULL) ? " on_ingest_done" : "",
			       e->has_hook(p->rt, PLUGIN_HOOK_HEALTH, NULL) ? " health" : "");
			printf("commands      %s\n", cmds[0] ? cmds : "(none)");
			printf("memory        %zu KB after loading\n", e->memory(p->rt) >> 10);
		} else {
			printf("load          failed: %s\n", err);
		}
	}
	print_last_errors(pc, p->name);
	return EXIT_WORK_OK;
}

/* Checks one plugin: manifest, dependencies, loading. Prints one line. */
static bool check_one(struct plugin_cmd *pc, struct plugin *p)
{
	char err[2048];
	if (!p->manifest_ok || p->problems[0]) {
		for (const char *s = p->problems; *s;) {
			size_t n = strcspn(s, "\n");
			printf("error  %s: %.*s\n", p->name, (int)n, s);
			s += n + (s[n] == '\n');
		}
		return false;
	}
	if (plugin_registry_load(&pc->reg, p, err, sizeof err) != 0) {
		printf("error  %s: does not load: %.*s\n", p->name, (int)strcspn(err, "\n"), err);
		return false;
	}
	for (size_t i = 0; i < p->m.njobs; i++) {
		if (!pc->reg.engine->has_hook(p->rt, PLUGIN_HOOK_JOB, p->m.jobs[i].name)) {
			printf("error  %s: job '%s' is declared but init.lua has no jobs.%s function\n",
			       p->name, p->m.jobs[i].name, p->m.jobs[i].name);
			return false;
		}
	}
	printf("ok     %s %s%s\n", p->name, p->m.version, p->disabled ? " (but disabled)" : "");
	return true;
}

static int plugin_check(struct plugin_cmd *pc, int argc, char **argv)
{
	int bad = 0;
	if (argc == 0) {
		for (size_t i = 0; i < pc->reg.n; i++)
			bad += !check_one(pc, pc->reg.v[i]);
		if (pc->reg.n == 0)
			printf("no plugins found\n");
	}
	for (int i = 0; i < argc; i++) {
		struct plugin *p = find_or_report(pc, argv[i]);
		bad += !p || !check_one(pc, p);
	}
	return bad ? EXIT_WORK_FAILED : EXIT_WORK_OK;
}

static int plugin_run(struct plugin_cmd *pc, int argc, char **argv)
{
	struct plugin *p = find_or_report(pc, argv[0]);
	char err[2048];
	if (!p)
		return EXIT_WORK_FAILED;
	if (p->disabled) {
		fprintf(stderr, "trang plugin: %s is disabled: %s\n(`trang plugin enable %s` to retry)\n",
		        p->name, p->disabled_reason, p->name);
		return EXIT_WORK_FAILED;
	}
	for (size_t i = 0; i < pc->nset; i++) {
		if (plugin_option_check(&p->m, pc->set_names[i], pc->set_values[i], err, sizeof err) != 0)
			return cli_usage_error("plugin", "--set: %s", err);
	}
	p->set_names = pc->set_names;
	p->set_values = pc->set_values;
	p->nset = pc->nset;
	if (plugin_registry_load(&pc->reg, p, err, sizeof err) != 0) {
		fprintf(stderr, "trang plugin: %s\n", err);
		return EXIT_WORK_FAILED;
	}
	const char *command = argc > 1 ? argv[1] : "main";
	if (!pc->reg.engine->has_hook(p->rt, PLUGIN_HOOK_COMMAND, command)) {
		char cmds[512];
		pc->reg.engine->commands(p->rt, cmds, sizeof cmds);
		fprintf(stderr, "trang plugin: %s has no command '%s' (its commands: %s)\n", p->name,
		        command, cmds[0] ? cmds : "none");
		return EXIT_USAGE;
	}
	struct plugin_call call = {
		.hook = PLUGIN_HOOK_COMMAND,
		.command = command,
		.argc = argc > 2 ? argc - 2 : 0,
		.argv = argv + 2,
		.db = pc->have_db ? pc->st.db : NULL,
	};
	struct plugin_failure f;
	if (pc->reg.engine->call(p->rt, &call, NULL, NULL, &f) != 0) {
		char hook[160];
		snprintf(hook, sizeof hook, "command:%s", command);
		fflush(stdout);
		fprintf(stderr, "trang plugin: %s %s failed (%s): %s\n", p->name, command, f.reason, f.message);
		if (f.traceback[0])
			fprintf(stderr, "%s\n", f.traceback);
		plugin_record_failure(call.db, p, hook, NULL, &f, PLUGIN_DEFAULT_MAX_FAILS);
		return EXIT_WORK_FAILED;
	}
	plugin_record_success(call.db, p);
	return EXIT_WORK_OK;
}

static int plugin_enable_cmd(struct plugin_cmd *pc, const char *name)
{
	struct store st;
	if (store_open(&st, pc->cli->db_path, STORE_WRITE) != 0) {
		fprintf(stderr, "trang plugin: %s\n", st.err);
		return EXIT_WORK_FAILED;
	}
	int rc = plugin_enable(st.db, name) == 0 ? EXIT_WORK_OK : EXIT_WORK_FAILED;
	if (rc == EXIT_WORK_OK)
		printf("%s enabled\n", name);
	else
		fprintf(stderr, "trang plugin: enabling %s: %s\n", name, sqlite3_errmsg(st.db));
	store_close(&st);
	return rc;
}

int cmd_plugin(struct cli *cli, int argc, char **argv)
{
	struct plugin_cmd pc = {.cli = cli};
	int first = parse_opts(&pc, argc, argv);
	if (first == -2) {
		fputs(plugin_help, stdout);
		return EXIT_WORK_OK;
	}
	if (first < 0)
		return EXIT_USAGE;
	if (first >= argc)
		return cli_usage_error("plugin", "missing the subcommand (list, info, check, run, enable)");
	const char *sub = argv[first];
	/* Options may also follow the subcommand (before its operands). */
	int sub_argc = argc - first;
	char **sub_argv = argv + first;
	optind = 0;
	int more = parse_opts(&pc, sub_argc, sub_argv);
	if (more == -2) {
		fputs(plugin_help, stdout);
		return EXIT_WORK_OK;
	}
	if (more < 0)
		return EXIT_USAGE;
	int nops = sub_argc - more;
	char **ops = sub_argv + more;
	int status;
	if (strcmp(sub, "enable") == 0) {
		if (nops != 1)
			return cli_usage_error("plugin", "enable wants one plugin name");
		return plugin_enable_cmd(&pc, ops[0]);
	}
	if (strcmp(sub, "reload") == 0) {
		if (nops != 1)
			return cli_usage_error("plugin", "reload wants one plugin name");
		status = cmd_plugin_reload(cli, ops[0]); /* cmd_job.c: asks the service */
		if (status >= 0)
			return status;
		printf("no trang serve runs on %s; checking %s instead\n", cli->db_path, ops[0]);
		if (scan(&pc) != 0)
			return EXIT_WORK_FAILED;
		return plugin_check(&pc, 1, ops);
	}
	if (strcmp(sub, "list") && strcmp(sub, "info") && strcmp(sub, "check") && strcmp(sub, "run"))
		return cli_usage_error("plugin", "unknown subcommand '%s' (list, info, check, run, enable, reload)", sub);
	if ((strcmp(sub, "info") == 0 && nops != 1) || (strcmp(sub, "run") == 0 && nops < 1) ||
	    (strcmp(sub, "list") == 0 && nops != 0))
		return cli_usage_error("plugin", "%s: wrong number of arguments (see --help)", sub);
	if (scan(&pc) != 0)
		return EXIT_WORK_FAILED;
	if (strcmp(sub, "list") == 0)
		status = plugin_list(&pc);
	else if (strcmp(sub, "info") == 0)
		status = plugin_info(&pc, ops[0]);
	else if (strcmp(sub, "check") == 0)
		status = plugin_check(&pc, nops, ops);
	else
		status = plugin_run(&pc, nops, ops);
	plugin_registry_free(&pc.reg);
	if (pc.have_db)
		store_close(&pc.st);
	fflush(stdout);
	return status;
}
