/* Fuzz target: the whole worker stage of ingest (input checks, legacy
 * encoding detection and conversion, header and plain-text article parsing,
 * JSON Lines, sentence splitting) on arbitrary bytes, as .txt (first byte
 * even) or .jsonl (odd), converting legacy encodings when bit 1 of the first
 * byte is set (--encoding auto). Spans must stay inside the article's raw
 * text and in order. */
#include <string.h>

#include "fuzz.h"
#include "ingest_prepare.h"
#include "legacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	if (fd < 0)
		return 0;
	struct walk_file f = {.path = path, .format = size && (data[0] & 1) ? WALK_JSONL : WALK_TXT,
	                      .size = (off_t)size};
	struct prep_file *pf = prep_file_new(&f, "fuzz", NULL, 1u << 20);
	if (pf) {
		pf->encoding = size && (data[0] & 2) ? LEGACY_AUTO : LEGACY_NONE;
		ingest_prepare(pf);
		for (size_t i = 0; i < pf->n_arts; i++) {
			const struct prep_article *pa = &pf->arts[i];
			size_t rawlen = pa->line ? pa->body.len : pf->raw.len;
			size_t prev_e = 0;
			for (size_t k = 0; k < pa->a.n_paras; k++) {
				const struct article_para *p = &pa->a.paras[k];
				FUZZ_CHECK(p->s <= p->e && p->e <= rawlen);
				if (k > 0 || !pa->a.field[FIELD_TITLE] || pa->line)
					FUZZ_CHECK(p->s >= prev_e || k == 0);
				prev_e = p->e;
				FUZZ_CHECK(pa->para_sent[k] <= pa->para_sent[k + 1]);
				for (size_t j = pa->para_sent[k]; j < pa->para_sent[k + 1]; j++)
					FUZZ_CHECK(p->s <= pa->sents[j].s && pa->sents[j].s < pa->sents[j].e && pa->sents[j].e <= p->e);
			}
		}
		prep_file_free(pf);
	}
	close(fd);
	return 0;
}
