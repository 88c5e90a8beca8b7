/* counter.c: frequency table (see counter.h), hashed with XXH3. */
#include "counter.h"

#include <string.h>
#include <xxhash.h>

void counter_init(struct counter *c, counter_alloc_fn alloc, void *ud)
{
	memset(c, 0, sizeof *c);
	c->alloc = alloc;
	c->ud = ud;
}

void counter_free(struct counter *c)
{
	if (c->slots)
		c->alloc(c->ud, c->slots, c->cap * sizeof *c->slots, 0);
	if (c->keys)
		c->alloc(c->ud, c->keys, c->keys_cap, 0);
	counter_init(c, c->alloc, c->ud);
}

static size_t find_slot(const struct counter_slot *slots, size_t cap, const char *keys, uint64_t h,
                        const char *key, size_t len)
{
	size_t mask = cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		const struct counter_slot *s = &slots[i];
		if (s->count == 0 || (s->hash == h && s->len == len && memcmp(keys + s->off, key, len) == 0))
			return i;
	}
}

static int grow_slots(struct counter *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	struct counter_slot *slots = c->alloc(c->ud, NULL, 0, cap * sizeof *slots);
	if (!slots)
		return -1;
	memset(slots, 0, cap * sizeof *slots);
	for (size_t i = 0; i < c->cap; i++) {
		const struct counter_slot *s = &c->slots[i];
		if (s->count == 0)
			continue;
		size_t mask = cap - 1, j = (size_t)s->hash & mask;
		while (slots[j].count)
			j = (j + 1) & mask;
		slots[j] = *s;
	}
	if (c->slots)
		c->alloc(c->ud, c->slots, c->cap * sizeof *c->slots, 0);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

int counter_add(struct counter *c, const char *key, size_t len, uint64_t by)
{
	if (by == 0)
		return 0;
	if ((c->n + 1) * 4 > c->cap * 3 && grow_slots(c))
		return -1;
	uint64_t h = XXH3_64bits(key, len);
	size_t i = find_slot(c->slots, c->cap, c->keys, h, key, len);
	struct counter_slot *s = &c->slots[i];
	if (s->count == 0) {
		if (c->keys_cap - c->keys_len < len) {
			size_t cap = c->keys_cap ? c->keys_cap : 4096;
			while (cap - c->keys_len < len)
				cap *= 2;
			char *keys = c->alloc(c->ud, c->keys, c->keys_cap, cap);
			if (!keys)
				return -1;
			c->keys = keys;
			c->keys_cap = cap;
		}
		memcpy(c->keys + c->keys_len, key, len);
		*s = (struct counter_slot){.hash = h, .off = c->keys_len, .len = len};
		c->keys_len += len;
		c->n++;
	}
	s->count += by;
	c->total += by;
	return 0;
}

uint64_t counter_get(const struct counter *c, const char *key, size_t len)
{
	if (!c->cap)
		return 0;
	size_t i = find_slot(c->slots, c->cap, c->keys, XXH3_64bits(key, len), key, len);
	return c->slots[i].count;
}

/* Whether slot a ranks before slot b: larger count, then smaller key bytes. */
static int ranks_before(const struct counter *c, size_t a, size_t b)
{
	const struct counter_slot *x = &c->slots[a], *y = &c->slots[b];
	if (x->count != y->count)
		return x->count > y->count;
	size_t n = x->len < y->len ? x->len : y->len;
	int d = memcmp(c->keys + x->off, c->keys + y->off, n);
	return d ? d < 0 : x->len < y->len;
}

size_t counter_top(const struct counter *c, size_t n, size_t *out)
{
	/* A min-heap (the worst kept entry on top) of at most n slots. */
	size_t k = 0;
	for (size_t i = 0; i < c->cap && n; i++) {
		if (c->slots[i].count == 0)
			continue;
		size_t pos;
		if (k < n) {
			pos = k++;
			while (pos > 0 && ranks_before(c, out[(pos - 1) / 2], i)) {
				out[pos] = out[(pos - 1) / 2];
				pos = (pos - 1) / 2;
			}
			out[pos] = i;
			continue;
		}
		if (!ranks_before(c, i, out[0]))
			continue;
		/* Replace the worst and sift down. */
		pos = 0;
		for (;;) {
			size_t l = 2 * pos + 1, r = l + 1, worst = i;
			size_t w = pos;
			if (l < k && ranks_before(c, worst, out[l]))
				worst = out[l], w = l;
			if (r < k && ranks_before(c, worst, out[r]))
				worst = out[r], w = r;
			if (w == pos)
				break;
			out[pos] = out[w];
			pos = w;
		}
		out[pos] = i;
	}
	/* Heap order to rank order: repeatedly move the worst to the end. */
	for (size_t end = k; end > 1; end--) {
		size_t worst = out[0], last = out[end - 1], pos = 0;
		for (;;) {
			size_t l = 2 * pos + 1, r = l + 1, w = pos, cand = last;
			if (l < end - 1 && ranks_before(c, cand, out[l]))
				cand = out[l], w = l;
			if (r < end - 1 && ranks_before(c, cand, out[r]))
				cand = out[r], w = r;
			if (w == pos)
				break;
			out[pos] = out[w];
			pos = w;
		}
		out[pos] = last;
		out[end - 1] = worst;
	}
	return k;
}
