/* bench_extract: figures and dates (issue 5's target: 30 MB/s per core) and
 * entities, one extract_doc per article as plugins use it, over every .txt
 * file of a folder held in memory. Prints "extract_figures_dates MB/s spread"
 * and "extract_all MB/s spread" (median over the runs). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"

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
	if (argc < 2) {
		fprintf(stderr, "usage: bench_extract DIR [RUNS]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 2;
	}
	char **text = NULL;
	size_t *len = NULL, n = 0, cap = 0, bytes = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			text = realloc(text, cap * sizeof *text);
			len = realloc(len, cap * sizeof *len);
		}
		text[n] = malloc((size_t)sz + 1);
		len[n] = fread(text[n], 1, (size_t)sz, f);
		bytes += len[n++];
		fclose(f);
	}
	closedir(d);
	extract_lexicon *lex = extract_lexicon_new_default();
	extract_dct dct = {2024, 8, 9};
	for (int with_entities = 0; with_entities < 2; with_entities++) {
		double *mbs = calloc((size_t)runs, sizeof *mbs);
		size_t found = 0;
		for (int r = 0; r < runs; r++) {
			double t0 = now();
			for (size_t i = 0; i < n; i++) {
				extract_doc *doc;
				if (extract_doc_new(lex, text[i], len[i], &doc) != EXTRACT_OK)
					return 1;
				extract_figures fg = {0};
				extract_dates dt = {0};
				extract_entities en = {0};
				extract_doc_figures(doc, &fg);
				extract_doc_dates(doc, &dct, &dt);
				if (with_entities)
					extract_doc_entities(doc, &en);
				found += fg.n + dt.n + en.n;
				extract_figures_free(&fg);
				extract_dates_free(&dt);
				extract_entities_free(&en);
				extract_doc_free(doc);
			}
			mbs[r] = (double)bytes / 1e6 / (now() - t0);
		}
		qsort(mbs, (size_t)runs, sizeof *mbs, cmp_double);
		printf("%s %.1f %.1f\n", with_entities ? "extract_all" : "extract_figures_dates", mbs[runs / 2],
		       mbs[runs - 1] - mbs[0]);
		free(mbs);
		(void)found;
	}
	extract_lexicon_free(lex);
	return 0;
}
