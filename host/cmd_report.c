/* cmd_report.c: `trang report [--out FILE] [--refresh]`: writes the HTML
 * report. The page is the work of the report plugin (plugins/report, Lua on
 * the public API); this command only runs the analyses it reads that have
 * stored nothing yet (all of them with --refresh), then the plugin, with its
 * output going to a temporary file renamed to FILE once the plugin succeeded. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"

#define MAX_REPORT_DIRS 8

/* The analyses the report reads, in the order they depend on each other,
 * each with the table that says it has stored its results. */
static const struct {
	const char *plugin;
	const char *table;
} analyses[] = {
	{"duplicates", "plugin_duplicates_clusters"},
	{"timeline", "plugin_timeline_events"},
	{"stats", "plugin_stats_figures"},
	{"entities", "plugin_entities_entities"},
};

static const char report_help[] =
	"usage: trang report [--out FILE] [--refresh] [--plugins DIR]...\n"
	"\n"
	"Writes one self-contained HTML page (no scripts, no network): the timeline as a\n"
	"chart, the figures, summaries of the largest near-duplicate clusters, the top\n"
	"people, organisations and places, and the source paragraphs every item links to.\n"
	"The analyses it reads (duplicates, timeline, stats, entities) run first when they\n"
	"have stored nothing yet.\n"
	"\n"
	"  --out FILE      where to write the page (default: report.html)\n"
	"  --refresh       run every analysis again first, not only the missing ones\n"
	"  --plugins DIR   look for plugins in DIR too (as `trang plugin`)\n"
	"\n"
	"exit status: 0 success, 1 the work failed, 2 bad usage\n";

/* Whether the database holds table `name`; false when it cannot be read. */
static bool table_exists(struct store *st, const char *name)
{
	sqlite3_stmt *q = NULL;
	bool found = false;
	if (store_prepare(st, &q, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?") != 0)
		return false;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return found;
}

/* Runs `trang plugin [--plugins DIR]... run NAME` with its stdout going to
 * fd. Returns the command's exit status. */
static int run_plugin_to(struct cli *cli, char **dirs, size_t ndirs, const char *name, int fd)
{
	char *argv[4 + 2 * MAX_REPORT_DIRS + 1];
	int argc = 0;
	argv[argc++] = "plugin";
	for (size_t i = 0; i < ndirs; i++) {
		argv[argc++] = "--plugins";
		argv[argc++] = dirs[i];
	}
	argv[argc++] = "run";
	argv[argc++] = (char *)name;
	argv[argc] = NULL;
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		perror("trang report: redirecting output");
		if (saved >= 0)
			close(saved);
		return EXIT_WORK_FAILED;
	}
	optind = 0; /* cmd_plugin parses its own options */
	int rc = cmd_plugin(cli, argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return rc;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"refresh", no_argument, NULL, 'r'},
		{"plugins", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = "report.html";
	char *dirs[MAX_REPORT_DIRS];
	size_t ndirs = 0;
	bool refresh = false;
	int c;
	while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': refresh = true; break;
		case 'p':
			if (ndirs == MAX_REPORT_DIRS)
				return cli_usage_error("report", "at most %d --plugins folders", MAX_REPORT_DIRS);
			dirs[ndirs++] = optarg;
			break;
		case 'h': fputs(report_help, stdout); return EXIT_WORK_OK;
		default: return cli_usage_error("report", "unknown option (see --help)");
		}
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!*out)
		return cli_usage_error("report", "--out wants a file name");

	struct store st;
	if (store_open(&st, cli->db_path, STORE_READ) != 0) {
		fprintf(stderr, "trang report: %s\n", st.err);
		return EXIT_WORK_FAILED;
	}
	bool need[sizeof analyses / sizeof analyses[0]];
	for (size_t i = 0; i < sizeof analyses / sizeof analyses[0]; i++)
		need[i] = refresh || !table_exists(&st, analyses[i].table);
	store_close(&st);

	int rc = EXIT_WORK_OK, devnull = -1, fd = -1;
	char tmp[PATH_MAX];
	tmp[0] = '\0';
	if ((devnull = open("/dev/null", O_WRONLY)) < 0) {
		perror("trang report: /dev/null");
		rc = EXIT_WORK_FAILED;
		goto cleanup;
	}
	for (size_t i = 0; i < sizeof analyses / sizeof analyses[0]; i++) {
		if (!need[i])
			continue;
		fprintf(stderr, "trang report: running %s\n", analyses[i].plugin);
		if ((rc = run_plugin_to(cli, dirs, ndirs, analyses[i].plugin, devnull)) != EXIT_WORK_OK)
			goto cleanup;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid()) >= (int)sizeof tmp) {
		rc = cli_usage_error("report", "--out: the name is too long");
		tmp[0] = '\0';
		goto cleanup;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, "trang report: cannot write %s: %s\n", tmp, strerror(errno));
		tmp[0] = '\0';
		rc = EXIT_WORK_FAILED;
		goto cleanup;
	}
	if ((rc = run_plugin_to(cli, dirs, ndirs, "report", fd)) != EXIT_WORK_OK)
		goto cleanup;
	if (close(fd) != 0 || rename(tmp, out) != 0) {
		fd = -1;
		fprintf(stderr, "trang report: writing %s: %s\n", out, strerror(errno));
		rc = EXIT_WORK_FAILED;
		goto cleanup;
	}
	fd = -1;
	tmp[0] = '\0';
	struct stat sb;
	printf("report: wrote %s (%lld KB)\n", out, stat(out, &sb) == 0 ? (long long)sb.st_size / 1024 : 0LL);
cleanup:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	if (devnull >= 0)
		close(devnull);
	return rc;
}
