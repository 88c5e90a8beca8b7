/* bench_text: NFC throughput of trang's fast path, of plain utf8proc_map and
 * (through icu_nfc.cpp) of ICU's Normalizer2 on UTF-8, plus the syllable
 * tokenizer and sentence splitter (line by line, as ingest splits each
 * paragraph), over every .txt file of a folder held in memory. Prints one line
 * per measure: name, median MB/s, spread (max - min) over the runs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "sentence.h"
#include "text.h"

/* From icu_nfc.cpp: normalises to NFC, returns the output length (or -1). */
long icu_nfc_utf8(const char *s, size_t len, char **out, size_t *cap);

struct corpus {
	char **text;
	size_t *len;
	size_t n, bytes;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void load(struct corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		exit(2);
	}
	struct dirent *e;
	size_t cap = 0;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		if (c->n == cap) {
			cap = cap ? cap * 2 : 1024;
			c->text = realloc(c->text, cap * sizeof *c->text);
			c->len = realloc(c->len, cap * sizeof *c->len);
		}
		c->text[c->n] = malloc((size_t)n + 1);
		c->len[c->n] = fread(c->text[c->n], 1, (size_t)n, f);
		c->bytes += c->len[c->n];
		c->n++;
		fclose(f);
	}
	closedir(d);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

enum measure { M_OURS, M_UTF8PROC, M_ICU, M_TOKENS, M_SENTENCES, M_COUNT };
static const char *const names[] = {"nfc_trang", "nfc_utf8proc_map", "nfc_icu", "tokenizer", "sentences"};

static void count_sentence(void *ud, size_t s, size_t e)
{
	(void)s;
	(void)e;
	(*(size_t *)ud)++;
}

static size_t run_once(const struct corpus *c, enum measure m)
{
	buf out = BUF_INIT;
	char *icu = NULL;
	size_t icu_cap = 0, sink = 0;
	for (size_t i = 0; i < c->n; i++) {
		buf_clear(&out);
		switch (m) {
		case M_OURS: text_normalize_append(&out, TEXT_NFC, c->text[i], c->len[i]); sink += out.len; break;
		case M_UTF8PROC: text_normalize_append_slow(&out, TEXT_NFC, c->text[i], c->len[i]); sink += out.len; break;
		case M_ICU: sink += (size_t)icu_nfc_utf8(c->text[i], c->len[i], &icu, &icu_cap); break;
		case M_TOKENS: {
			struct text_tokens it;
			struct text_token t;
			text_tokens_init(&it, c->text[i], c->len[i]);
			while (text_tokens_next(&it, &t))
				sink++;
			break;
		}
		case M_SENTENCES:
			for (const char *p = c->text[i], *end = p + c->len[i]; p < end;) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				if (!nl)
					nl = end;
				sentence_split(p, (size_t)(nl - p), count_sentence, &sink);
				p = nl + 1;
			}
			break;
		default: break;
		}
	}
	buf_free(&out);
	free(icu);
	return sink;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_text DIR [RUNS]\n");
		return 2;
	}
	struct corpus c = {0};
	load(&c, argv[1]);
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	/* Exactness first: all three NFC outputs agree on every file. */
	buf a = BUF_INIT, b = BUF_INIT;
	char *icu = NULL;
	size_t icu_cap = 0, differ = 0;
	for (size_t i = 0; i < c.n; i++) {
		buf_clear(&a);
		buf_clear(&b);
		text_normalize_append(&a, TEXT_NFC, c.text[i], c.len[i]);
		text_normalize_append_slow(&b, TEXT_NFC, c.text[i], c.len[i]);
		long n = icu_nfc_utf8(c.text[i], c.len[i], &icu, &icu_cap);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) || n != (long)a.len || memcmp(icu, a.data, a.len))
			differ++;
	}
	printf("files %zu bytes %zu nfc_outputs_differ %zu\n", c.n, c.bytes, differ);
	for (int m = 0; m < M_COUNT; m++) {
		double *mbs = calloc((size_t)runs, sizeof *mbs);
		for (int r = 0; r < runs; r++) {
			double t0 = now();
			volatile size_t sink = run_once(&c, (enum measure)m);
			(void)sink;
			mbs[r] = (double)c.bytes / 1e6 / (now() - t0);
		}
		qsort(mbs, (size_t)runs, sizeof *mbs, cmp_double);
		printf("%s %.1f %.1f\n", names[m], mbs[runs / 2], mbs[runs - 1] - mbs[0]);
		free(mbs);
	}
	buf_free(&a);
	buf_free(&b);
	free(icu);
	return 0;
}
