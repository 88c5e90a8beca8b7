/* minhash.h: the primitives of near-duplicate detection over syllable
 * shingles: the set of k-syllable shingles of a text, its MinHash signature
 * (one-permutation hashing with densification) and the exact Jaccard
 * similarity of two sets. No Lua here: host/api_text.c binds these to
 * trang.text.shingles, trang.text.minhash and trang.text.jaccard.
 *
 * A syllable is a token of kind WORD, NUMBER, PERCENT, DATE or TIME of the
 * case-folded text (text.h's tokenizer); punctuation and other tokens are left
 * out, so a shingle may run across a comma. A text with fewer than k
 * syllables (but at least one) has one shingle, of all of them. Shingles are
 * hashed with XXH3 to 32 bits; a set is those hashes, distinct and sorted. */
#ifndef TRANG_MINHASH_H
#define TRANG_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum { MINHASH_MAX_K = 16, MINHASH_MAX_BINS = 4096 };

/* Appends the shingle set of valid UTF-8 s (k syllables each, 1..MINHASH_MAX_K)
 * to out as uint32_t values in host order, sorted ascending and distinct; out
 * must be empty. Returns TEXT_OK, TEXT_ENOMEM or TEXT_EINVALID (bad UTF-8 or k
 * out of range). */
int minhash_shingles(buf *out, const char *s, size_t len, int k);

/* The signature of a set of n hashes (any order, duplicates allowed) in sig[0..
 * bins): bins a power of two, 2..MINHASH_MAX_BINS. Each hash is mixed (a
 * murmur3 finaliser), its top log2(bins) bits pick a bin and the bin keeps
 * the smallest remaining bits; an empty bin borrows the value of the next
 * filled bin (cyclically) tagged with the distance, so a borrowed value never
 * equals a real one (Shrivastava and Li, 2014). Two signatures estimate the
 * Jaccard similarity of their sets by the share of equal bins. An empty set
 * gives all-zero bins. Returns 0, or -1 when bins is not allowed. */
int minhash_signature(const uint32_t *set, size_t n, uint32_t *sig, size_t bins);

/* |A ∩ B| / |A ∪ B| of two sorted, distinct sets; 0 when both are empty. */
double minhash_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

#endif
