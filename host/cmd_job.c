/* cmd_job.c: `trang status` and `trang job run|kill|history`: ask the running
 * service over its control socket (control.h); with no service, answer from
 * the database (job_runs) and run a job in this process. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli.h"
#include "control.h"
#include "serve.h"

static const char job_usage[] =
	"usage: trang job [--plugins DIR]... run NAME     start a run of NAME (PLUGIN.JOB or JOB) now\n"
	"       trang job kill ID                        end run ID of the running service\n"
	"       trang job history [--limit N] [NAME]     past runs, newest first\n"
	"\n"
	"run and kill go to the running `trang serve` of the database; with no service,\n"
	"run runs the job here and waits for it. history reads the job_runs table.\n";

static const char status_usage[] =
	"usage: trang status\n"
	"\n"
	"The running service's jobs (schedule, next run, running, last status), plugins\n"
	"(version, memory, state) and watched folders; with no service, the last run of\n"
	"each job recorded in the database.\n";

static int open_db(const char *path, sqlite3 **db)
{
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "trang: %s: %s\n", path, *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, 5000);
	return 0;
}

/* Prints runs from job_runs; name filters (PLUGIN.JOB or JOB); latest: only
 * the last run of each job. Returns 0, or -1 on a database error. */
static int print_runs(sqlite3 *db, const char *name, long limit, bool latest)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	const char *sql =
		latest ? "SELECT id, plugin || '.' || job, scheduled, started, seconds, status, error"
		         " FROM job_runs WHERE id IN (SELECT max(id) FROM job_runs GROUP BY plugin, job)"
		         " ORDER BY plugin, job"
		       : "SELECT id, plugin || '.' || job, scheduled, started, seconds, status, error"
		         " FROM job_runs WHERE ?1 IS NULL OR job = ?1 OR plugin || '.' || job = ?1"
		         " ORDER BY id DESC LIMIT ?2";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(db), "no such table")) {
			printf("no job runs recorded yet (trang serve records them)\n");
			rc = 0;
		} else {
			fprintf(stderr, "trang: %s\n", sqlite3_errmsg(db));
		}
		goto cleanup;
	}
	if (!latest) {
		if (name)
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, limit);
	}
	printf("%-6s %-28s %-24s %-8s %-8s %s\n", "ID", "JOB", "SCHEDULED", "SECONDS", "STATUS",
	       "ERROR");
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *err = (const char *)sqlite3_column_text(st, 6);
		char secs[32] = "-";
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			snprintf(secs, sizeof secs, "%.3f", sqlite3_column_double(st, 4));
		printf("%-6lld %-28s %-24s %-8s %-8s %.*s\n", (long long)sqlite3_column_int64(st, 0),
		       (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
		       secs, (const char *)sqlite3_column_text(st, 5), err ? (int)strcspn(err, "\n") : 0,
		       err ? err : "");
	}
	if (step != SQLITE_DONE) {
		fprintf(stderr, "trang: %s\n", sqlite3_errmsg(db));
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(st);
	return rc;
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(status_usage, stdout);
		return EXIT_WORK_OK;
	}
	if (argc > 1)
		return cli_usage_error("status", "unexpected argument '%s'", argv[1]);
	buf reply = BUF_INIT;
	char err[512];
	int rc = EXIT_WORK_FAILED;
	sqlite3 *db = NULL;
	switch (control_request(cli->db_path, "status", &reply, err, sizeof err)) {
	case CONTROL_OK:
		fputs(reply.data ? reply.data : "", stdout);
		rc = EXIT_WORK_OK;
		goto cleanup;
	case CONTROL_REFUSED:
	case CONTROL_FAILED:
		fprintf(stderr, "trang status: %s%s\n", err, reply.data ? reply.data : "");
		goto cleanup;
	case CONTROL_NO_SERVICE:
		break;
	}
	printf("service  not running (database %s); last runs recorded:\n", cli->db_path);
	if (open_db(cli->db_path, &db) == 0 && print_runs(db, NULL, 0, true) == 0)
		rc = EXIT_WORK_OK;
cleanup:
	buf_free(&reply);
	sqlite3_close(db);
	return rc;
}

/* Sends "verb arg" to the running service and prints its reply (stdout) or
 * why it failed (stderr, after "trang what: "). Returns the exit status, or -1
 * when no service runs on the database. */
static int ask_service(struct cli *cli, const char *what, const char *verb, const char *arg)
{
	char req[600], err[512];
	snprintf(req, sizeof req, "%s %s", verb, arg);
	buf reply = BUF_INIT;
	int rc = EXIT_WORK_FAILED;
	switch (control_request(cli->db_path, req, &reply, err, sizeof err)) {
	case CONTROL_OK:
		fputs(reply.data ? reply.data : "", stdout);
		rc = EXIT_WORK_OK;
		break;
	case CONTROL_REFUSED:
		fprintf(stderr, "trang %s: %s", what, reply.data ? reply.data : "refused\n");
		break;
	case CONTROL_FAILED:
		fprintf(stderr, "trang %s: %s\n", what, err);
		break;
	case CONTROL_NO_SERVICE:
		rc = -1;
		break;
	}
	buf_free(&reply);
	return rc;
}

int cmd_plugin_reload(struct cli *cli, const char *name)
{
	return ask_service(cli, "plugin reload", "reload", name);
}

struct local_run {
	const char *status;
};

static void local_run_ended(struct serve *s, const struct serve_run_info *info, void *ud)
{
	struct local_run *lr = ud;
	lr->status = info->status; /* a static string of serve.c */
	serve_stop(s, "the run ended");
}

/* No service: loads the plugins here and runs the job to its end. */
static int run_here(struct cli *cli, const char *name, char **plugin_dirs, size_t nplugins)
{
	struct local_run lr = {NULL};
	struct serve_opts o = {.db_path = cli->db_path, .plugin_dirs = plugin_dirs,
	                       .nplugin_dirs = nplugins, .no_schedule = true, .quiet = false,
	                       .on_run_end = local_run_ended, .ud = &lr};
	char err[1024];
	int64_t id;
	struct serve *s = serve_new(&o, err, sizeof err);
	if (!s) {
		fprintf(stderr, "trang job run: %s\n", err);
		return EXIT_WORK_FAILED;
	}
	int rc = EXIT_WORK_FAILED;
	if (serve_run_job(s, name, "manual", &id, err, sizeof err) != 0 || id < 0) {
		fprintf(stderr, "trang job run: %s\n", err);
		goto cleanup;
	}
	serve_run(s);
	if (lr.status) {
		printf("run #%lld of %s: %s\n", (long long)id, name, lr.status);
		rc = strcmp(lr.status, "ok") == 0 ? EXIT_WORK_OK : EXIT_WORK_FAILED;
	}
cleanup:
	serve_free(s);
	return rc;
}

int cmd_job(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"plugins", required_argument, NULL, 'p'}, {"limit", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	char *plugin_dirs[16];
	size_t nplugins = 0;
	long limit = 20;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (nplugins == sizeof plugin_dirs / sizeof plugin_dirs[0])
				return cli_usage_error("job", "too many --plugins folders");
			plugin_dirs[nplugins++] = optarg;
			break;
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (*end || limit <= 0)
				return cli_usage_error("job", "--limit wants a number > 0, not '%s'", optarg);
			break;
		case 'h': fputs(job_usage, stdout); return EXIT_WORK_OK;
		default: return cli_usage_error("job", "see trang job --help");
		}
	}
	if (optind >= argc)
		return cli_usage_error("job", "run, kill or history? (see trang job --help)");
	const char *sub = argv[optind];
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	if (strcmp(sub, "history") == 0) {
		if (nargs > 1)
			return cli_usage_error("job", "history takes at most one job name");
		sqlite3 *db = NULL;
		int rc = open_db(cli->db_path, &db) == 0 &&
		                 print_runs(db, nargs ? args[0] : NULL, limit, false) == 0
		             ? EXIT_WORK_OK
		             : EXIT_WORK_FAILED;
		sqlite3_close(db);
		return rc;
	}
	if (strcmp(sub, "run") != 0 && strcmp(sub, "kill") != 0)
		return cli_usage_error("job", "unknown subcommand '%s' (run, kill, history)", sub);
	if (nargs != 1)
		return cli_usage_error("job", "%s takes one argument", sub);
	char what[32];
	snprintf(what, sizeof what, "job %s", sub);
	int rc = ask_service(cli, what, sub, args[0]);
	if (rc != -1)
		return rc;
	if (strcmp(sub, "kill") == 0) {
		fprintf(stderr, "trang job kill: no service runs on %s, so no run is running\n", cli->db_path);
		return EXIT_WORK_FAILED;
	}
	return run_here(cli, args[0], plugin_dirs, nplugins);
}
