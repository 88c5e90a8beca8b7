/* Fuzz target: the syllable tokenizer, the sentence splitter, graphemes and
 * the search keys on arbitrary bytes: spans in bounds and in order, no
 * crash, keys of valid text computed. */
#include "fuzz.h"
#include "sentence.h"
#include "text.h"

static size_t last_e;
static size_t total;

static void on_sentence(void *ud, size_t s, size_t e)
{
	FUZZ_CHECK(s < e && e <= total && s >= last_e);
	last_e = e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct text_tokens it;
	struct text_token t;
	size_t prev = 0;
	text_tokens_init(&it, s, size);
	while (text_tokens_next(&it, &t)) {
		FUZZ_CHECK(t.start >= prev && t.start < t.end && t.end <= size);
		prev = t.end;
	}
	struct text_graphemes g;
	struct text_span sp;
	size_t at = 0;
	text_graphemes_init(&g, s, size);
	while (text_graphemes_next(&g, &sp)) {
		FUZZ_CHECK(sp.start == at && sp.end > sp.start && sp.end <= size);
		at = sp.end;
	}
	last_e = 0;
	total = size;
	sentence_split(s, size, on_sentence, NULL);
	if (text_utf8_check(s, size) == size) {
		buf k = BUF_INIT;
		FUZZ_CHECK(text_fold_append(&k, s, size) != TEXT_EINVALID);
		buf_clear(&k);
		FUZZ_CHECK(text_collate_key_append(&k, s, size) != TEXT_EINVALID);
		buf_free(&k);
	}
	return 0;
}
