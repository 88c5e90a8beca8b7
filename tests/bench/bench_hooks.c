/* bench_hooks: the cost per article of an empty on_article hook (the plugin
 * host's call path: building the lazy article table, the budgeted pcall,
 * recording success) and the memory of one idle plugin state. Needs a
 * database with at least one article and tests/fixtures/plugins/bench.
 * Prints "hook_empty_us MEDIAN SPREAD" and "plugin_idle_kb KB". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "plugin.h"
#include "store.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_hooks DB PLUGIN_DIR [CALLS]\n");
		return 2;
	}
	long calls = argc > 3 ? atol(argv[3]) : 200000;
	struct store st;
	if (store_open(&st, argv[1], STORE_WRITE)) {
		fprintf(stderr, "%s\n", st.err);
		return 1;
	}
	char *dirs[] = {argv[2]};
	struct plugin_host_opts o = {.plugin_dirs = dirs, .nplugin_dirs = 1, .only_plugin_dirs = true, .quiet = true};
	char err[512];
	struct plugin_host *h = plugin_host_open(st.db, &o, err, sizeof err);
	if (!h || plugin_host_count(h) != 1) {
		fprintf(stderr, "bench_hooks: %s\n", h ? "expected one plugin" : err);
		return 1;
	}
	struct plugin_registry *reg = plugin_host_registry(h);
	struct plugin *p = reg->v[0];
	size_t idle = reg->engine->memory(p->rt);
	double us[7];
	for (int r = 0; r < 7; r++) {
		double t0 = now();
		for (long i = 0; i < calls; i++)
			if (plugin_host_on_article(h, 1, "bench") != 0)
				return 1;
		us[r] = (now() - t0) * 1e6 / (double)calls;
	}
	qsort(us, 7, sizeof *us, cmp_double);
	printf("hook_empty_us %.3f %.3f\n", us[3], us[6] - us[0]);
	printf("plugin_idle_kb %.0f\n", (double)idle / 1024);
	plugin_host_close(h);
	store_close(&st);
	return 0;
}
