/* ingest_prepare.h: the worker stage of the ingest pipeline. Everything done
 * to a file before the database sees it: reading, hashing, checking that it
 * is UTF-8 text, parsing its article(s), splitting sentences, content hashes,
 * the full-text index terms (fts_pretokenize). No SQL here, so it runs on
 * any thread. */
#ifndef TRANG_INGEST_PREPARE_H
#define TRANG_INGEST_PREPARE_H

#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "fts.h"
#include "walk.h"

struct prep_problem {
	const char *kind; /* "utf8" "json" "too-large" ... (static strings) */
	long line;        /* 1-based, or 0 */
	long long offset; /* byte offset in the file, or -1 */
	char message[400];
};

struct prep_sentence {
	size_t s, e;         /* byte span [s, e) in the article's raw text */
	size_t off, len;     /* NFC text in prep_article.sent_text */
};

struct prep_article {
	long line;            /* JSON Lines: the line number; 0 for .txt */
	struct article a;
	buf body;             /* JSON Lines: the decoded body, the article's raw text */
	char hash[33];        /* content hash: NFC text and metadata */
	size_t *para_sent;    /* paragraph i's sentences: sents[para_sent[i] .. para_sent[i+1]) */
	struct prep_sentence *sents;
	size_t n_sents, cap_sents;
	buf sent_text;
	/* The index terms of each paragraph, computed here so that the writer
	 * does not have to: paragraph i's are toks.tok[para_tok[i] .. para_tok[i+1]).
	 * para_tok is NULL when they were not computed (a very long article).
	 * para_len[i]: paragraph i's length as FTS5 counts it, for ranking. */
	size_t *para_tok;
	unsigned *para_len;
	struct fts_pretokens toks;
};

enum prep_status {
	PREP_LOAD,        /* parsed: articles ready to store */
	PREP_SAME_BYTES,  /* same bytes as the stored version: nothing to do */
	PREP_PROBLEM,     /* the file cannot be loaded: problems[0] says why */
	PREP_WALK_ERROR,  /* not a file: a folder or link that could not be walked */
};

struct prep_file {
	uint64_t seq;             /* walk order: results are stored in this order */
	struct walk_file f;       /* f.path points at path */
	char *path, *key;         /* as walked; as stored (relative to the database) */
	char stored_hash[33];     /* raw hash of the stored version, "" if none */
	uint64_t max_size;
	int encoding;             /* ingest_opts.encoding */
	int converted;            /* the legacy encoding raw was converted from, or 0 */
	/* results */
	enum prep_status status;
	buf raw;
	char raw_hash[33];
	struct prep_article *arts;
	size_t n_arts;
	struct prep_problem *problems; /* file problems, or broken JSON lines */
	size_t n_problems;
};

/* Makes a job for one walked file (path and key are copied). NULL: no memory. */
struct prep_file *prep_file_new(const struct walk_file *f, const char *key, const char *stored_hash,
                                uint64_t max_size);
/* A job that only carries a walk error to the writer, in order. */
struct prep_file *prep_walk_error(const char *path, const char *message);
void prep_file_free(struct prep_file *pf);

/* Does the work; sets pf->status and the results. Never fails: a problem
 * (including running out of memory) becomes a PREP_PROBLEM. */
void ingest_prepare(struct prep_file *pf);

/* "%016x%016x" of XXH3-128, the form stored in files.raw_hash. */
void prep_hash_hex(const void *p, size_t n, char out[33]);

#endif
