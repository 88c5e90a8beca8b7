/* counter.h: a frequency table of byte strings (tokens, n-grams): an open-
 * addressing hash table of counts with the keys in one arena. Memory comes
 * from a lua_Alloc-shaped function, so a Lua state's memory cap applies when
 * the binding passes its allocator. No Lua here. */
#ifndef TRANG_COUNTER_H
#define TRANG_COUNTER_H

#include <stddef.h>
#include <stdint.h>

typedef void *(*counter_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

struct counter_slot {
	uint64_t hash;
	uint64_t count; /* 0: empty slot */
	size_t off;     /* key bytes at keys + off */
	size_t len;
};

struct counter {
	counter_alloc_fn alloc;
	void *ud;
	struct counter_slot *slots;
	size_t cap, n; /* cap is a power of two */
	char *keys;
	size_t keys_len, keys_cap;
	uint64_t total;
};

void counter_init(struct counter *c, counter_alloc_fn alloc, void *ud);
void counter_free(struct counter *c);
/* Adds by to key's count. 0, or -1 when memory runs out (nothing changed). */
int counter_add(struct counter *c, const char *key, size_t len, uint64_t by);
uint64_t counter_get(const struct counter *c, const char *key, size_t len);
/* The at most n largest entries, count descending then key bytes ascending,
 * as slot indexes written to out (room for n). Returns how many. */
size_t counter_top(const struct counter *c, size_t n, size_t *out);

#endif
