/* Fuzz target: figures, dates (with and without an article date) and
 * entities on valid UTF-8: spans inside the text, lo <= hi for ranges. */
#include <math.h>

#include "extract.h"
#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static extract_lexicon *lex;
	if (!lex)
		lex = extract_lexicon_new_default();
	const char *s = (const char *)data;
	if (text_utf8_check(s, size) != size)
		return 0;
	extract_doc *doc;
	if (extract_doc_new(lex, s, size, &doc) != EXTRACT_OK)
		return 0;
	extract_figures fg = {0};
	extract_dates dt = {0};
	extract_entities en = {0};
	extract_dct dct = {2024, 8, 9};
	if (extract_doc_figures(doc, &fg) == EXTRACT_OK)
		for (size_t i = 0; i < fg.n; i++) {
			FUZZ_CHECK(fg.v[i].s < fg.v[i].e && fg.v[i].e <= size);
			if (fg.v[i].range)
				FUZZ_CHECK(!(fg.v[i].lo > fg.v[i].hi));
		}
	for (int with_dct = 0; with_dct < 2; with_dct++) {
		extract_dct none = {0, 0, 0};
		if (extract_doc_dates(doc, with_dct ? &dct : &none, &dt) == EXTRACT_OK)
			for (size_t i = 0; i < dt.n; i++)
				FUZZ_CHECK(dt.v[i].s < dt.v[i].e && dt.v[i].e <= size && dt.v[i].value[0]);
		extract_dates_free(&dt);
	}
	if (extract_doc_entities(doc, &en) == EXTRACT_OK)
		for (size_t i = 0; i < en.n; i++)
			FUZZ_CHECK(en.v[i].s < en.v[i].e && en.v[i].e <= size);
	extract_figures_free(&fg);
	extract_entities_free(&en);
	extract_doc_free(doc);
	return 0;
}
