// icu_nfc.cpp: the ICU peer of bench_text: Normalizer2 NFC on UTF-8 in and
// out (normalizeUTF8 runs ICU's own quick check and copies normalized spans).
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <cstdlib>
#include <cstring>

extern "C" long icu_nfc_utf8(const char *s, size_t len, char **out, size_t *cap)
{
	UErrorCode status = U_ZERO_ERROR;
	const icu::Normalizer2 *nfc = icu::Normalizer2::getNFCInstance(status);
	if (U_FAILURE(status))
		return -1;
	size_t need = len * 3 + 16;
	if (*cap < need) {
		*out = static_cast<char *>(std::realloc(*out, need));
		*cap = need;
	}
	icu::CheckedArrayByteSink sink(*out, static_cast<int32_t>(*cap));
	nfc->normalizeUTF8(0, icu::StringPiece(s, static_cast<int32_t>(len)), sink, nullptr, status);
	if (U_FAILURE(status) || sink.Overflowed())
		return -1;
	return sink.NumberOfBytesWritten();
}
