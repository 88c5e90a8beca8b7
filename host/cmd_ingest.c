/* cmd_ingest.c: `trang ingest [PATH ...]`: options, signals and the summary
 * line around ingest_run (host/ingest.c). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ingest.h"
#include "legacy.h"
#include "plugin.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: trang ingest [options] [PATH ...]\n"
	        "\n"
	        "Loads .txt and .jsonl articles from folders (recursively) and files into the\n"
	        "database. PATH defaults to data/. Unchanged files are skipped; changed files\n"
	        "replace their old version; bad files are reported and skipped.\n"
	        "\n"
	        "options:\n"
	        "  --db FILE          database file (default: $TRANG_DB, else ./trang.db)\n"
	        "  --prune            remove stored articles whose files are gone\n"
	        "  --max-size SIZE    refuse files larger than SIZE (default 64M; K, M, G suffixes)\n"
	        "  --no-progress      no progress bar even on a terminal\n"
	        "  --plugins DIR      also load plugins from DIR (repeatable); plugins with an\n"
	        "                     on_article hook see each stored article after its batch commits\n"
	        "  --no-plugins       run no plugin hooks\n"
	        "  --jobs N           worker threads reading and parsing (default: one per core);\n"
	        "                     results are stored in the same order whatever N is\n"
	        "  --encoding NAME    files that are not UTF-8: convert them from NAME (windows-1258,\n"
	        "                     tcvn3, vni, viscii), or 'auto' to convert those whose legacy\n"
	        "                     Vietnamese encoding is recognised for sure; without it such\n"
	        "                     files are refused with the encoding they seem to be in\n"
	        "  --help             this help\n"
	        "\n"
	        "Exit status: 0 when every file loaded, 1 when some could not be (each is\n"
	        "named on stderr with the reason) or the database failed, 2 on bad usage.\n");
}

/* "64M" -> 67108864; 0 on a bad size. */
static unsigned long long parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	return *end ? 0 : v;
}

int cmd_ingest(struct cli *cli, int argc, char **argv)
{
	struct ingest_opts o = {.progress = true, .max_size = INGEST_DEFAULT_MAX_SIZE, .stop = &stop_requested};
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'D'},   {"prune", no_argument, NULL, 'p'},
		{"max-size", required_argument, NULL, 'm'}, {"no-progress", no_argument, NULL, 'P'},
		{"jobs", required_argument, NULL, 'j'}, {"plugins", required_argument, NULL, 'L'},
		{"no-plugins", no_argument, NULL, 'N'},  {"encoding", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *plugin_dirs[16];
	size_t nplugin_dirs = 0;
	bool plugins = true;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': cli->db_path = optarg; break;
		case 'p': o.prune = true; break;
		case 'P': o.progress = false; break;
		case 'm':
			if (!(o.max_size = parse_size(optarg)))
				return cli_usage_error("ingest", "bad --max-size '%s' (examples: 512K, 64M, 1G)", optarg);
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 16)
				return cli_usage_error("ingest", "--jobs wants a number from 1 to 16, not '%s'", optarg);
			o.jobs = (int)n;
			break;
		}
		case 'L':
			if (nplugin_dirs == sizeof plugin_dirs / sizeof plugin_dirs[0])
				return cli_usage_error("ingest", "at most 16 --plugins folders");
			plugin_dirs[nplugin_dirs++] = optarg;
			break;
		case 'N': plugins = false; break;
		case 'e':
			if (!legacy_parse_name(optarg, &o.encoding))
				return cli_usage_error("ingest", "unknown --encoding '%s' (auto, utf-8, windows-1258, "
				                       "tcvn3, vni, viscii)", optarg);
			break;
		case 'h': usage(stdout); return EXIT_WORK_OK;
		default: return cli_usage_error("ingest", "unknown option");
		}
	}
	char *default_paths[] = {"data/"};
	char **paths = argc > optind ? argv + optind : default_paths;
	int npaths = argc > optind ? argc - optind : 1;

	struct store st;
	if (store_open(&st, cli->db_path, STORE_WRITE)) {
		fprintf(stderr, "trang: ingest: %s\n", st.err);
		return EXIT_WORK_FAILED;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (plugins) {
		struct plugin_host_opts po = {.plugin_dirs = plugin_dirs, .nplugin_dirs = nplugin_dirs};
		char err[512];
		o.plugins = plugin_host_open(st.db, &po, err, sizeof err);
		if (!o.plugins) {
			fprintf(stderr, "trang: ingest: plugins: %s\n", err);
			store_close(&st);
			return EXIT_WORK_FAILED;
		}
	}
	struct ingest_counts n;
	int rc = ingest_run(&st, paths, npaths, &o, &n);
	plugin_host_close(o.plugins);
	if (rc) {
		fprintf(stderr, "trang: ingest: %s\n", st.err);
		fprintf(stderr, "trang: ingest: stopped; what was committed before is intact, run again to finish\n");
		store_close(&st);
		return EXIT_WORK_FAILED;
	}
	store_close(&st);
	bool changed = n.added || n.updated || n.duplicates || n.pruned;
	printf("ingest: %ld added, %ld updated, %ld unchanged, %ld duplicates, %ld errors",
	       n.added, n.updated, n.unchanged, n.duplicates, n.errors);
	if (n.missing || n.pruned)
		printf(", %ld missing, %ld pruned", n.missing, n.pruned);
	if (n.plugin_failures)
		printf(", %ld plugin failures (see trang plugin list)", n.plugin_failures);
	printf(", %.2f MB, %.2f s%s%s\n", (double)n.bytes / 1e6, n.seconds, changed ? "" : " (nothing changed)",
	       n.interrupted ? " (interrupted: run again to finish)" : "");
	if (n.interrupted)
		return EXIT_WORK_FAILED;
	return n.errors ? EXIT_WORK_FAILED : EXIT_WORK_OK;
}
