/* cli.h: what every `trang <command>` shares: exit codes, the global options
 * and the command table that host/main.c dispatches on. */
#ifndef TRANG_CLI_H
#define TRANG_CLI_H

#define TRANG_VERSION "0.1.0"

enum {
	EXIT_WORK_OK = 0,
	EXIT_WORK_FAILED = 1, /* the work itself failed (bad files, I/O, SQL) */
	EXIT_USAGE = 2,       /* bad command line */
};

struct cli {
	const char *db_path; /* --db, then $TRANG_DB, then "trang.db" */
};

/* A command gets argv with argv[0] = its own name; getopt state is reset. */
typedef int (*cli_command_fn)(struct cli *cli, int argc, char **argv);

struct cli_command {
	const char *name;
	cli_command_fn run;
	const char *summary;
};

/* Reports a usage error for cmd ("trang ingest: ...") and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_ingest(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_kwic(struct cli *cli, int argc, char **argv);
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_repl(struct cli *cli, int argc, char **argv);
int cmd_plugin(struct cli *cli, int argc, char **argv);
int cmd_test(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_job(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
/* `trang plugin reload NAME` through the running service: its exit status,
 * or -1 when no service runs on the database. */
int cmd_plugin_reload(struct cli *cli, const char *name);

#endif
