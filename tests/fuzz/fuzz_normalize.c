/* Fuzz target: UTF-8 validation and the four normal forms; the fast paths
 * must give exactly what plain utf8proc gives, on every input. */
#include <string.h>

#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t bad = text_utf8_check(s, size);
	FUZZ_CHECK(bad <= size);
	if (bad != size)
		return 0;
	for (int form = TEXT_NFC; form <= TEXT_NFKD; form++) {
		buf fast = BUF_INIT, slow = BUF_INIT;
		int a = text_normalize_append(&fast, (enum text_form)form, s, size);
		int b = text_normalize_append_slow(&slow, (enum text_form)form, s, size);
		FUZZ_CHECK(a == b);
		FUZZ_CHECK(fast.len == slow.len && (fast.len == 0 || memcmp(fast.data, slow.data, fast.len) == 0));
		if (a == TEXT_OK)
			FUZZ_CHECK(text_is_normalized((enum text_form)form, fast.data ? fast.data : "", fast.len));
		buf_free(&fast);
		buf_free(&slow);
	}
	return 0;
}
