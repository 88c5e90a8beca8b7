/* testutil.h: what every C unit test includes: cmocka and its prerequisites,
 * and where the repository's files are (tests run from the repository root). */
#ifndef TRANG_TESTUTIL_H
#define TRANG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file into a malloc'd, NUL-terminated buffer; fails the test if it cannot. */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

/* The development corpus: $TRANG_CORPUS, else ../shared/corpus/dantri-unc next
 * to the checkout, else /work/shared/corpus/dantri-unc. A test that needs it
 * fails when none exists: it is never skipped. */
#include <sys/stat.h>
static inline const char *test_corpus_dir(void)
{
	static const char *const candidates[] = {"../shared/corpus/dantri-unc", "/work/shared/corpus/dantri-unc"};
	struct stat sb;
	const char *env = getenv("TRANG_CORPUS");
	if (env && stat(env, &sb) == 0)
		return env;
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (stat(candidates[i], &sb) == 0)
			return candidates[i];
	fail_msg("the development corpus is missing (set TRANG_CORPUS)");
	return NULL;
}

#endif
