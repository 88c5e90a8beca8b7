/* minhash.c: shingle sets, MinHash signatures and exact Jaccard similarity
 * (see minhash.h). Relies on text.h for case folding and the tokenizer and on
 * XXH3 for hashing. */
#include "minhash.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "text.h"

static bool is_syllable(enum text_token_kind kind)
{
	return kind == TEXT_TOK_WORD || kind == TEXT_TOK_NUMBER || kind == TEXT_TOK_PERCENT ||
	       kind == TEXT_TOK_DATE || kind == TEXT_TOK_TIME;
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The hash of the shingle of the k token hashes ending at ring[last]. */
static uint32_t shingle_hash(const uint64_t *ring, int k, int last)
{
	uint64_t in[MINHASH_MAX_K];
	for (int i = 0; i < k; i++)
		in[i] = ring[(last + 1 + i) % k];
	return (uint32_t)XXH3_64bits(in, (size_t)k * sizeof in[0]);
}

static int append_u32(buf *out, uint32_t h)
{
	return buf_append(out, &h, sizeof h);
}

int minhash_shingles(buf *out, const char *s, size_t len, int k)
{
	buf folded = BUF_INIT;
	int rc = TEXT_OK;
	if (k < 1 || k > MINHASH_MAX_K || text_utf8_check(s, len) != len)
		return TEXT_EINVALID;
	rc = text_case_append(&folded, TEXT_CASEFOLD, s, len);
	if (rc != TEXT_OK)
		goto cleanup;

	uint64_t ring[MINHASH_MAX_K];
	size_t seen = 0;
	struct text_tokens it;
	struct text_token tok;
	text_tokens_init(&it, folded.data ? folded.data : "", folded.len);
	while (text_tokens_next(&it, &tok)) {
		if (!is_syllable(tok.kind))
			continue;
		int slot = (int)(seen % (size_t)k);
		ring[slot] = XXH3_64bits(folded.data + tok.start, tok.end - tok.start);
		seen++;
		if (seen >= (size_t)k && append_u32(out, shingle_hash(ring, k, slot))) {
			rc = TEXT_ENOMEM;
			goto cleanup;
		}
	}
	if (seen > 0 && seen < (size_t)k) {
		/* a short text: one shingle of all its syllables */
		rc = append_u32(out, (uint32_t)XXH3_64bits(ring, seen * sizeof ring[0])) ? TEXT_ENOMEM : TEXT_OK;
		goto cleanup;
	}
	size_t n = out->len / sizeof(uint32_t), kept = 0;
	uint32_t *h = (uint32_t *)(void *)out->data;
	if (n > 1) {
		qsort(h, n, sizeof *h, compare_u32);
		for (size_t i = 0; i < n; i++)
			if (kept == 0 || h[i] != h[kept - 1])
				h[kept++] = h[i];
		out->len = kept * sizeof *h;
	}

cleanup:
	buf_free(&folded);
	if (rc != TEXT_OK)
		buf_clear(out);
	return rc;
}

/* murmur3's 32-bit finaliser: spreads nearby hashes over the bins. */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

int minhash_signature(const uint32_t *set, size_t n, uint32_t *sig, size_t bins)
{
	if (bins < 2 || bins > MINHASH_MAX_BINS || (bins & (bins - 1)))
		return -1;
	int bits = 0;
	while (((size_t)1 << bits) < bins)
		bits++;
	const int shift = 32 - bits;
	const uint32_t value_mask = (uint32_t)((1ull << shift) - 1);
	unsigned char filled[MINHASH_MAX_BINS];
	memset(filled, 0, bins);
	memset(sig, 0, bins * sizeof *sig);
	for (size_t i = 0; i < n; i++) {
		uint32_t m = mix32(set[i]);
		size_t bin = m >> shift;
		uint32_t v = m & value_mask;
		if (!filled[bin] || v < sig[bin]) {
			sig[bin] = v;
			filled[bin] = 1;
		}
	}
	if (n == 0)
		return 0;
	/* densification: distance d < bins fits above the value bits */
	for (size_t i = 0; i < bins; i++) {
		if (filled[i])
			continue;
		size_t j = i, d = 0;
		do {
			j = (j + 1) & (bins - 1);
			d++;
		} while (!filled[j]);
		sig[i] = ((uint32_t)d << shift) | sig[j];
	}
	return 0;
}

double minhash_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na == 0 && nb == 0)
		return 0.0;
	size_t i = 0, j = 0, inter = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			inter++;
			i++;
			j++;
		}
	}
	return (double)inter / (double)(na + nb - inter);
}
