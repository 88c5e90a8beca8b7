/* ingest_prepare.c: the worker stage of the ingest pipeline (see
 * ingest_prepare.h). Relies on input.c (is it text?), article.c (parsing)
 * and sentence.c (sentence spans); jansson reads JSON Lines. */
#include "ingest_prepare.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "input.h"
#include "legacy.h"
#include "sentence.h"

void prep_hash_hex(const void *p, size_t n, char out[33])
{
	XXH128_hash_t h = XXH3_128bits(p, n);
	snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
}

struct prep_file *prep_file_new(const struct walk_file *f, const char *key, const char *stored_hash,
                                uint64_t max_size)
{
	struct prep_file *pf = calloc(1, sizeof *pf);
	if (!pf)
		return NULL;
	pf->path = strdup(f->path);
	pf->key = strdup(key);
	if (!pf->path || !pf->key) {
		prep_file_free(pf);
		return NULL;
	}
	pf->f = *f;
	pf->f.path = pf->path;
	snprintf(pf->stored_hash, sizeof pf->stored_hash, "%s", stored_hash ? stored_hash : "");
	pf->max_size = max_size;
	return pf;
}

static int add_problem(struct prep_file *pf, const char *kind, long line, long long offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_problem(struct prep_file *pf, const char *kind, long line, long long offset, const char *fmt, ...)
{
	struct prep_problem *p = realloc(pf->problems, (pf->n_problems + 1) * sizeof *p);
	if (!p)
		return -1;
	pf->problems = p;
	p = &pf->problems[pf->n_problems++];
	p->kind = kind;
	p->line = line;
	p->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof p->message, fmt, ap);
	va_end(ap);
	return 0;
}

struct prep_file *prep_walk_error(const char *path, const char *message)
{
	struct walk_file f = {.path = path};
	struct prep_file *pf = prep_file_new(&f, path, NULL, 0);
	if (!pf)
		return NULL;
	pf->status = PREP_WALK_ERROR;
	if (add_problem(pf, "unreadable", 0, -1, "%s", message)) {
		prep_file_free(pf);
		return NULL;
	}
	return pf;
}

static void prep_article_free(struct prep_article *pa)
{
	article_free(&pa->a);
	buf_free(&pa->body);
	buf_free(&pa->sent_text);
	free(pa->para_sent);
	free(pa->sents);
	free(pa->para_tok);
	free(pa->para_len);
	fts_pretokens_free(&pa->toks);
}

void prep_file_free(struct prep_file *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->n_arts; i++)
		prep_article_free(&pf->arts[i]);
	free(pf->arts);
	free(pf->problems);
	buf_free(&pf->raw);
	free(pf->path);
	free(pf->key);
	free(pf);
}

/* ---- reading ----------------------------------------------------------------- */

static int problem_too_large(struct prep_file *pf, long long size)
{
	return add_problem(pf, "too-large", 0, -1, "%lld bytes, over the size limit of %llu bytes; raise it with --max-size",
	                   size, (unsigned long long)pf->max_size);
}

/* Reads the whole file into pf->raw; 0, or -1 with a problem added. */
static int read_file(struct prep_file *pf)
{
	int fd = open(pf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return add_problem(pf, "unreadable", 0, -1,
		                   errno == ENOENT ? "vanished before it could be read (%s); nothing stored for it changed"
		                                   : "cannot open: %s",
		                   strerror(errno)), -1;
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) != 0) {
		add_problem(pf, "unreadable", 0, -1, "cannot stat: %s", strerror(errno));
		goto cleanup;
	}
	if ((uint64_t)st.st_size > pf->max_size) {
		problem_too_large(pf, (long long)st.st_size);
		goto cleanup;
	}
	if (buf_reserve(&pf->raw, (size_t)st.st_size)) {
		add_problem(pf, "memory", 0, -1, "out of memory reading %lld bytes", (long long)st.st_size);
		goto cleanup;
	}
	for (;;) {
		/* Read to the end even if the file grew since fstat, up to the limit. */
		if (pf->raw.cap - pf->raw.len < 2 && buf_reserve(&pf->raw, 65536)) {
			add_problem(pf, "memory", 0, -1, "out of memory reading the file");
			goto cleanup;
		}
		ssize_t n = read(fd, pf->raw.data + pf->raw.len, pf->raw.cap - pf->raw.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			add_problem(pf, "unreadable", 0, (long long)pf->raw.len, "read failed at byte %zu: %s", pf->raw.len,
			            strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		pf->raw.len += (size_t)n;
		if (pf->raw.len > pf->max_size) {
			add_problem(pf, "too-large", 0, -1, "grew over the size limit of %llu bytes while being read",
			            (unsigned long long)pf->max_size);
			goto cleanup;
		}
	}
	pf->raw.data[pf->raw.len] = '\0';
	rc = 0;
cleanup:
	close(fd);
	return rc;
}

/* ---- articles ---------------------------------------------------------------- */

/* The identity of an article's content: its metadata and NFC text. Two names
 * with the same hash are exact duplicates. */
static void content_hash(const struct article *a, char out[33])
{
	XXH3_state_t *s = XXH3_createState();
	XXH3_128bits_reset(s);
	for (int f = 0; f < FIELD_COUNT; f++) {
		const char *v = a->field[f] ? a->field[f] : "\x01";
		XXH3_128bits_update(s, v, strlen(v) + 1);
	}
	if (a->extra) {
		char *j = json_dumps(a->extra, JSON_SORT_KEYS | JSON_COMPACT);
		if (j)
			XXH3_128bits_update(s, j, strlen(j));
		free(j);
	}
	XXH3_128bits_update(s, "\x02", 1);
	XXH3_128bits_update(s, a->text.data, a->text.len);
	XXH128_hash_t h = XXH3_128bits_digest(s);
	snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, (uint64_t)h.high64, (uint64_t)h.low64);
	XXH3_freeState(s);
}

struct split_ctx {
	struct prep_article *pa;
	const char *raw;
	size_t base;
	int rc;
};

static void on_sentence(void *ud, size_t s, size_t e)
{
	struct split_ctx *c = ud;
	struct prep_article *pa = c->pa;
	if (c->rc)
		return;
	if (pa->n_sents == pa->cap_sents) {
		size_t cap = pa->cap_sents ? pa->cap_sents * 2 : 32;
		struct prep_sentence *p = realloc(pa->sents, cap * sizeof *p);
		if (!p) {
			c->rc = -1;
			return;
		}
		pa->sents = p;
		pa->cap_sents = cap;
	}
	struct prep_sentence *ps = &pa->sents[pa->n_sents++];
	ps->s = c->base + s;
	ps->e = c->base + e;
	ps->off = pa->sent_text.len;
	if (article_nfc_span(&pa->sent_text, c->raw, ps->s, ps->e))
		c->rc = -1;
	ps->len = pa->sent_text.len - ps->off;
}

/* The index terms take about ten times the text's bytes: for a very long
 * article the writer tokenizes, so that files in flight stay small. */
#define PRETOKENIZE_MAX (256u << 10)

/* The index terms of each paragraph (see prep_article.para_tok). Without
 * memory for them, the writer tokenizes: nothing is lost. */
static void pretokenize(struct prep_article *pa)
{
	const struct article *a = &pa->a;
	if (a->nfc.len > PRETOKENIZE_MAX)
		return;
	pa->para_tok = malloc((a->n_paras + 1) * sizeof *pa->para_tok);
	pa->para_len = malloc((a->n_paras + 1) * sizeof *pa->para_len);
	if (!pa->para_tok || !pa->para_len)
		goto fail;
	for (size_t i = 0; i < a->n_paras; i++) {
		pa->para_tok[i] = pa->toks.n;
		if (fts_pretokenize(&pa->toks, a->nfc.data + a->paras[i].text_off, a->paras[i].text_len))
			goto fail;
		pa->para_len[i] = fts_doc_size(&pa->toks, pa->para_tok[i], pa->toks.n - pa->para_tok[i]);
	}
	pa->para_tok[a->n_paras] = pa->toks.n;
	return;
fail:
	free(pa->para_tok);
	free(pa->para_len);
	pa->para_tok = NULL;
	pa->para_len = NULL;
	fts_pretokens_free(&pa->toks);
}

/* Content hash, sentences and index terms of a parsed article whose raw text is raw. */
static int finish_article(struct prep_article *pa, const char *raw)
{
	content_hash(&pa->a, pa->hash);
	pa->para_sent = malloc((pa->a.n_paras + 1) * sizeof *pa->para_sent);
	if (!pa->para_sent)
		return -1;
	struct split_ctx c = {.pa = pa, .raw = raw};
	for (size_t i = 0; i < pa->a.n_paras; i++) {
		const struct article_para *p = &pa->a.paras[i];
		pa->para_sent[i] = pa->n_sents;
		c.base = p->s;
		sentence_split(raw + p->s, p->e - p->s, on_sentence, &c);
		if (c.rc)
			return -1;
	}
	pa->para_sent[pa->a.n_paras] = pa->n_sents;
	pretokenize(pa);
	return 0;
}

static struct prep_article *new_article(struct prep_file *pf)
{
	struct prep_article *p = realloc(pf->arts, (pf->n_arts + 1) * sizeof *p);
	if (!p)
		return NULL;
	pf->arts = p;
	p = &pf->arts[pf->n_arts++];
	memset(p, 0, sizeof *p);
	article_init(&p->a);
	return p;
}

/* Parses one JSON Lines record into pa (its body copied into pa->body, the
 * article's raw text). Returns 0, or -1 with why and the error offset. */
static int parse_json_record(struct prep_article *pa, const char *line, size_t n, long long *err_off, char *why,
                             size_t whylen)
{
	static const char *const body_keys[] = {"body", "text", "content"};
	static const char *const field_keys[FIELD_COUNT] = {"title", "date", "url", "author", "source"};
	struct article *a = &pa->a;
	json_error_t jerr;
	json_t *obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	*err_off = -1;
	if (!obj) {
		*err_off = jerr.position;
		snprintf(why, whylen, "broken JSON at column %d: %s; fix or remove the line", jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(obj)) {
		snprintf(why, whylen, "a JSON %s, not an object; each line must be one article object",
		         json_is_array(obj) ? "array" : "value");
		goto cleanup;
	}
	json_t *b = NULL;
	for (int k = 0; k < 3 && !b; k++) {
		json_t *v = json_object_get(obj, body_keys[k]);
		if (json_is_string(v) && json_string_length(v) > 0)
			b = v;
	}
	if (!b) {
		snprintf(why, whylen, "no article text: expected a non-empty string in \"body\", \"text\" or \"content\"");
		goto cleanup;
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (v == b)
			continue;
		int f = 0;
		while (f < FIELD_COUNT && strcmp(key, field_keys[f]) != 0)
			f++;
		if (f < FIELD_COUNT && json_is_string(v)) {
			if (article_set_field(a, (enum article_field)f, json_string_value(v), json_string_length(v)))
				goto nomem;
		} else if (!(f < FIELD_COUNT && json_is_null(v))) {
			if (!a->extra && !(a->extra = json_object()))
				goto nomem;
			json_object_set(a->extra, key, v);
		}
	}
	if (buf_append(&pa->body, json_string_value(b), json_string_length(b)))
		goto nomem;
	if (memchr(pa->body.data, '\0', pa->body.len)) {
		snprintf(why, whylen, "the body holds a NUL character (\\u0000); remove it");
		goto cleanup;
	}
	if (article_parse_body(a, pa->body.data, 0, pa->body.len) || finish_article(pa, pa->body.data))
		goto nomem;
	rc = 0;
	goto cleanup;
nomem:
	snprintf(why, whylen, "out of memory");
cleanup:
	json_decref(obj);
	return rc;
}

/* Every record of a JSON Lines file; a broken line becomes a problem and
 * the others still load. */
static int prepare_jsonl(struct prep_file *pf)
{
	const char *s = pf->raw.data;
	size_t len = pf->raw.len, i = 0;
	long line = 0;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		line++;
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) : len;
		size_t ce = e > i && s[e - 1] == '\r' ? e - 1 : e;
		size_t k = i;
		while (k < ce && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k < ce) {
			struct prep_article *pa = new_article(pf);
			if (!pa)
				return -1;
			pa->line = line;
			char why[300];
			long long off;
			if (parse_json_record(pa, s + i, ce - i, &off, why, sizeof why)) {
				long long at = off >= 0 ? (long long)i + off : (long long)i;
				prep_article_free(pa);
				pf->n_arts--;
				if (add_problem(pf, "json", line, at, "line %ld (byte %lld): %s", line, at, why))
					return -1;
			}
		}
		i = e + 1;
	}
	return 0;
}

/* A file that is not UTF-8 may be Vietnamese in a legacy encoding: with
 * --encoding auto it is converted when the guess is sure, with a named
 * encoding it is converted from that one, else the problem names the guess.
 * 0: pf->raw now holds UTF-8 (pf->converted says from what), or the file
 * is left for the usual UTF-8 problem; 1: a problem was added; -1: no memory. */
static int legacy_convert(struct prep_file *pf, const struct input_problem *prob)
{
	size_t words = 0, good = 0;
	enum legacy_enc e = pf->encoding > 0 ? (enum legacy_enc)pf->encoding
	                                     : legacy_detect(pf->raw.data, pf->raw.len, &words, &good);
	if (e == LEGACY_NONE)
		return 0;
	bool sure = legacy_confident(words, good);
	if (pf->encoding == LEGACY_NONE || (pf->encoding == LEGACY_AUTO && !sure)) {
		if (!sure && (words < 3 || good * 4 < words * 3))
			return 0; /* no convincing guess: the plain UTF-8 message */
		add_problem(pf, "encoding", (long)prob->line, (long long)prob->offset,
		            "not UTF-8 (byte %zu, line %zu) but Vietnamese in %s, it seems (%zu of %zu words read "
		            "as Vietnamese); ingest it with --encoding %s (or --encoding auto) to convert it",
		            prob->offset, prob->line, legacy_label(e), good, words, legacy_name(e));
		return 1;
	}
	buf utf8 = BUF_INIT;
	if (legacy_decode(e, pf->raw.data, pf->raw.len, &utf8)) {
		buf_free(&utf8);
		return -1;
	}
	buf_free(&pf->raw);
	pf->raw = utf8;
	pf->converted = e;
	return 0;
}

void ingest_prepare(struct prep_file *pf)
{
	pf->status = PREP_PROBLEM;
	if (pf->f.size >= 0 && (uint64_t)pf->f.size > pf->max_size) {
		problem_too_large(pf, (long long)pf->f.size);
		return;
	}
	if (read_file(pf))
		return;
	prep_hash_hex(pf->raw.data, pf->raw.len, pf->raw_hash);
	if (pf->stored_hash[0] && strcmp(pf->stored_hash, pf->raw_hash) == 0) {
		pf->status = PREP_SAME_BYTES; /* touched, not changed */
		return;
	}
	struct input_problem prob;
	if (input_check_text(pf->raw.data, pf->raw.len, &prob) && strcmp(prob.kind, "utf8") == 0) {
		int rc = legacy_convert(pf, &prob);
		if (rc < 0)
			goto nomem;
		if (rc > 0)
			return;
	}
	if (input_check_text(pf->raw.data, pf->raw.len, &prob)) {
		bool fatal = pf->f.format == WALK_TXT || strcmp(prob.kind, "empty") == 0 ||
		             strcmp(prob.kind, "utf16") == 0 || strcmp(prob.kind, "binary") == 0;
		if (fatal) {
			add_problem(pf, prob.kind, (long)prob.line, (long long)prob.offset, "%s", prob.message);
			return;
		}
		/* JSON Lines: bad bytes are reported line by line by the JSON reader. */
	}
	if (pf->f.format == WALK_JSONL) {
		if (prepare_jsonl(pf))
			goto nomem;
	} else {
		struct prep_article *pa = new_article(pf);
		if (!pa || article_parse_txt(&pa->a, pf->raw.data, pf->raw.len))
			goto nomem;
		if (pf->converted) { /* kept with the article: its raw text is the conversion */
			if (!pa->a.extra && !(pa->a.extra = json_object()))
				goto nomem;
			if (json_object_set_new(pa->a.extra, "source_encoding", json_string(legacy_name(pf->converted))))
				goto nomem;
		}
		if (finish_article(pa, pf->raw.data))
			goto nomem;
	}
	pf->status = PREP_LOAD;
	return;
nomem:
	for (size_t i = 0; i < pf->n_arts; i++)
		prep_article_free(&pf->arts[i]);
	pf->n_arts = 0;
	free(pf->problems);
	pf->problems = NULL;
	pf->n_problems = 0;
	add_problem(pf, "memory", 0, -1, "out of memory while parsing");
}
