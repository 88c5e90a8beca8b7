/* cmd_serve.c: `trang serve`, the service in the foreground: parses the
 * command line, plugs the watched corpus (watch.h) into the loop (serve.h)
 * as a component, runs it, and turns how it stopped into the exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "serve.h"
#include "watch.h"

static const char usage[] =
	"usage: trang serve [--db FILE] [--watch DIR]... [--plugins DIR]... [--json-log]\n"
	"                   [--grace SECONDS]\n"
	"\n"
	"Runs in the foreground: schedules the jobs the plugins declare (every, cron,\n"
	"on = \"ingest\"), runs each as a time-sliced coroutine so none blocks the\n"
	"others, records every run in the job_runs table, and ingests what lands in\n"
	"each --watch folder. One line per event on stderr (--json-log: JSON).\n"
	"`trang status`, `trang job ...` talk to it from another terminal.\n"
	"\n"
	"SIGINT or SIGTERM: no new runs; running jobs get --grace seconds (default 10;\n"
	"their trang.sleep returns false) and are then killed; a second signal kills\n"
	"them at once.\n"
	"\n"
	"exit status: 0 stopped cleanly, 1 runs were killed at the deadline or the\n"
	"database failed, 2 bad usage\n";

/* ---- the watched corpus as a component ---- */

struct serve_watch {
	char **dirs;
	size_t ndirs;
	struct watch *w;
	struct serve *s;
};

static void watch_ingested(void *ud, const struct watch_result *r)
{
	struct serve_watch *sw = ud;
	if (r->error) {
		serve_log(sw->s, "watch", NULL, NULL, -1, "ingest failed: %s", r->error);
		return;
	}
	serve_log(sw->s, "ingest", NULL, NULL, -1, "%ld added, %ld updated, %ld errors%s",
	          r->counts.added, r->counts.updated, r->counts.errors, r->rescan ? " (rescan)" : "");
	if (r->nids > 0) {
		serve_articles(sw->s, r->ids, r->nids); /* on_article hooks */
		serve_trigger(sw->s, "ingest");         /* jobs with on = "ingest" */
	}
}

static int watch_component_start(struct serve *s, void *ud, char *err, size_t errlen)
{
	struct serve_watch *sw = ud;
	struct watch_opts o = {.on_ingested = watch_ingested, .ud = sw};
	sw->s = s;
	sw->w = watch_start(serve_loop(s), serve_db_path(s), sw->dirs, sw->ndirs, &o, err, errlen);
	if (!sw->w)
		return -1;
	for (size_t i = 0; i < sw->ndirs; i++)
		serve_log(s, "watch", NULL, NULL, -1, "watching %s", sw->dirs[i]);
	return 0;
}

static void watch_component_stop(struct serve *s, void *ud)
{
	struct serve_watch *sw = ud;
	if (sw->w)
		watch_stop(sw->w, NULL, NULL);
	sw->w = NULL;
}

static void watch_component_status(struct serve *s, void *ud, buf *out)
{
	struct serve_watch *sw = ud;
	if (!sw->w)
		return;
	struct watch_stats st;
	watch_stats(sw->w, &st);
	buf_printf(out, "watch    %zu folders, %zu pending%s, %ld ingests (%ld rescans), %ld articles%s%s\n",
	           st.folders, st.pending, st.busy ? ", ingesting" : "", st.ingests, st.rescans,
	           st.articles, st.last_error[0] ? "; last error: " : "", st.last_error);
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'D'},     {"watch", required_argument, NULL, 'w'},
		{"plugins", required_argument, NULL, 'p'}, {"json-log", no_argument, NULL, 'j'},
		{"grace", required_argument, NULL, 'g'},  {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *watch_dirs[64], *plugin_dirs[16];
	size_t nwatch = 0, nplugins = 0;
	struct serve_opts o = {.db_path = cli->db_path};
	struct serve_watch sw = {0};
	struct serve *s = NULL;
	struct control *ctl = NULL;
	int c, rc = EXIT_WORK_FAILED;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': o.db_path = optarg; break;
		case 'w':
			if (nwatch == sizeof watch_dirs / sizeof watch_dirs[0])
				return cli_usage_error("serve", "too many --watch folders");
			watch_dirs[nwatch++] = optarg;
			break;
		case 'p':
			if (nplugins == sizeof plugin_dirs / sizeof plugin_dirs[0])
				return cli_usage_error("serve", "too many --plugins folders");
			plugin_dirs[nplugins++] = optarg;
			break;
		case 'j': o.json_log = true; break;
		case 'g':
			o.grace = strtod(optarg, &end);
			if (*end || !(o.grace > 0))
				return cli_usage_error("serve", "--grace wants seconds > 0, not '%s'", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_WORK_OK;
		default: return cli_usage_error("serve", "see trang serve --help");
		}
	}
	if (optind < argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
	o.plugin_dirs = plugin_dirs;
	o.nplugin_dirs = nplugins;
	char err[1024];
	s = serve_new(&o, err, sizeof err);
	if (!s) {
		fprintf(stderr, "trang serve: %s\n", err);
		goto cleanup;
	}
	if (control_serve_component(s, &ctl)) {
		fprintf(stderr, "trang serve: out of memory\n");
		goto cleanup;
	}
	if (nwatch) {
		sw.dirs = watch_dirs;
		sw.ndirs = nwatch;
		struct serve_component wc = {"watch", watch_component_start, watch_component_stop,
		                             watch_component_status, &sw};
		serve_add_component(s, &wc);
	}
	rc = serve_run(s) == SERVE_EXIT_CLEAN ? EXIT_WORK_OK : EXIT_WORK_FAILED;
cleanup:
	serve_free(s);
	control_free(ctl);
	return rc;
}
