/* ingest.h: loading article files into the store, incrementally and safely:
 * unchanged files are skipped by size and mtime (then by content hash), a
 * changed file replaces its old version, bad files are reported and skipped,
 * and work is committed in batches so an interrupted run leaves a consistent
 * database that the next run completes. */
#ifndef TRANG_INGEST_H
#define TRANG_INGEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct plugin_host;

struct ingest_opts {
	bool prune;             /* remove stored files that are gone from disk */
	bool progress;          /* a progress bar when stderr is a terminal */
	uint64_t max_size;      /* larger files are refused */
	int jobs;               /* worker threads; 0: one per core */
	int encoding;           /* files not in UTF-8: enum legacy_enc (0: refuse, and say
	                         * which legacy encoding they seem to be in) */
	struct plugin_host *plugins; /* on_article after each batch commits; NULL: none */
	volatile sig_atomic_t *stop; /* set by a signal handler: finish the file, commit, stop */
};

struct ingest_counts {
	long added, updated, unchanged, duplicates, missing, pruned, errors;
	long files;
	uint64_t bytes; /* bytes read and parsed */
	double seconds;
	bool interrupted;
	long plugin_failures; /* plugin calls that failed (recorded in plugin_errors) */
};

#define INGEST_DEFAULT_MAX_SIZE (64ull << 20)

/* Ingests each path (folder or file). Per-file problems are reported on
 * stderr and counted in c->errors; returns -1 only when the database fails
 * (st->err says why), else 0. */
int ingest_run(struct store *st, char *const *paths, int npaths, const struct ingest_opts *o,
               struct ingest_counts *c);

#endif
