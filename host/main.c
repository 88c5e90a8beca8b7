/* main.c: the `trang` command line. Parses the global options and hands the
 * rest to one command from the table below (each lives in host/cmd_*.c). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
	{"ingest", cmd_ingest, "load articles from folders and files into the database"},
	{"stats", cmd_stats, "show what the database holds"},
	{"search", cmd_search, "ranked full-text search (folded: 'da nang' finds 'Đà Nẵng')"},
	{"kwic", cmd_kwic, "keyword-in-context lines for a word or phrase"},
	{"run", cmd_run, "run a Lua script with the trang API"},
	{"repl", cmd_repl, "interactive Lua prompt with the trang API"},
	{"plugin", cmd_plugin, "list, check, inspect and run plugins"},
	{"report", cmd_report, "write the HTML report (timeline, figures, summaries, entities)"},
	{"test", cmd_test, "run Lua spec files (*_spec.lua)"},
	{"doctor", cmd_doctor, "check the installation, the database and every plugin"},
	{"serve", cmd_serve, "run the plugins' jobs and watch folders, in the foreground"},
	{"status", cmd_status, "what the running service is doing (jobs, plugins, watch)"},
	{"job", cmd_job, "run a job now, kill a run, list past runs"},
};

static void print_help(FILE *out)
{
	fprintf(out,
	        "usage: trang [--db FILE] <command> [options] [args]\n"
	        "\n"
	        "trang loads Vietnamese news articles into SQLite and runs Lua analyses over them.\n"
	        "\n"
	        "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	        "\n"
	        "options:\n"
	        "  --db FILE    database file (default: $TRANG_DB, else ./trang.db)\n"
	        "  --help       this help; `trang <command> --help` for a command's own\n"
	        "  --version    print the version\n"
	        "\n"
	        "exit status: 0 success, 1 the work failed, 2 bad usage\n");
}

int main(int argc, char **argv)
{
	/* Over a file-size limit, let writes fail with EFBIG (SQLite reports it and
	 * rolls back) instead of the process dying of SIGXFSZ mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	struct cli cli = {.db_path = getenv("TRANG_DB")};
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "trang.db";

	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;
	/* "+": stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			cli.db_path = optarg;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_WORK_OK;
		case 'V':
			printf("trang %s\n", TRANG_VERSION);
			return EXIT_WORK_OK;
		default:
			return cli_usage_error(NULL, "unknown option");
		}
	}
	if (optind >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			int first = optind;
			optind = 0; /* glibc: full reset for the command's own getopt_long */
			return commands[i].run(&cli, argc - first, argv + first);
		}
	}
	return cli_usage_error(NULL, "unknown command '%s'", name);
}
