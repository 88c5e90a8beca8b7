# Development-corpus articles kept in tests/fixtures/dantri: header metadata,
# NFD files stored as NFC with spans into the original bytes, captions,
# bylines (one glued to its source by the crawler), photo-essay articles.
cp -a "$ROOT/tests/fixtures/dantri" dantri
run "$TRANG" ingest dantri
check "all five load" 0 "$RC"
check "header metadata" "Vinamilk lọt Top 1.000 thương hiệu hàng đầu châu Á|2020-10-01T16:35|https://dantri.com.vn/kinh-doanh/vinamilk-lot-top-1000-thuong-hieu-hang-dau-chau-a-20201001163534963.htm" \
	"$(q "SELECT title, date, url FROM articles WHERE path = 'dantri/news_business_001.txt'")"
check "an empty author header stays NULL" 1 "$(q "SELECT author IS NULL FROM articles WHERE path = 'dantri/news_business_001.txt'")"
check "bylines at the end are read as the author" "Nguyễn Khánh" \
	"$(q "SELECT author FROM articles WHERE path = 'dantri/news_business_168.txt'")"
check "a byline glued to its source is split" "Minh Phương|Dailymail|byline" \
	"$(q "SELECT a.author, a.source, p.kind FROM articles a JOIN paragraphs p ON p.article_id = a.id WHERE a.path = 'dantri/news_world_066.txt' ORDER BY p.idx DESC LIMIT 1")"
check "a photo essay is a title, captions and a byline" "1 21 1" \
	"$(q "SELECT sum(kind = 'title') || ' ' || sum(kind = 'caption') || ' ' || sum(kind = 'byline') FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = 'dantri/news_society_152.txt'")"
check "captions with (Ảnh: ...) in a news story" "caption" \
	"$(q "SELECT p.kind FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = 'dantri/news_business_171.txt' AND p.idx = 2")"
# Two of the files are not NFC (combining marks): stored text is NFC, raw is untouched.
check "raw bytes are the file's bytes" "$(cat dantri/news_business_168.txt | wc -c)" \
	"$(q "SELECT length(raw) FROM articles WHERE path = 'dantri/news_business_168.txt'")"
q "SELECT text FROM articles WHERE path = 'dantri/news_business_168.txt'" >stored.txt
check "the stored text of an NFD file is NFC" "True" \
	"$(python3 -c 'import unicodedata; t = open("stored.txt", encoding="utf-8").read(); print(unicodedata.is_normalized("NFC", t) and "\u0300" not in t and len(t) > 1000)')"
check "its paragraphs' NFC text is the NFC of their raw span" 0 \
	"$(q "SELECT p.s || ' ' || p.e FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = 'dantri/news_business_168.txt'" | python3 -c '
import sys, unicodedata, sqlite3
raw = open("dantri/news_business_168.txt", "rb").read()
db = sqlite3.connect("'"$DB"'")
texts = [r[0] for r in db.execute("SELECT p.text FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = ? ORDER BY p.idx", ("dantri/news_business_168.txt",))]
spans = [tuple(map(int, l.split())) for l in sys.stdin]
bad = sum(unicodedata.normalize("NFC", raw[s:e].decode()) != t for (s, e), t in zip(spans, texts))
print(bad if len(spans) == len(texts) == 10 else "count %d %d" % (len(spans), len(texts)))')"
run "$TRANG" search --strict "hỏa hoạn"
check_match "titles from the header are searched too" "news_world_066.txt  paragraph 0 (title)" "$OUT"
check "a title paragraph spans the header value" "$(sed -n 1p dantri/news_world_066.txt | cut -c8-)" \
	"$(q "SELECT CAST(substr(a.raw, p.s + 1, p.e - p.s) AS TEXT) FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = 'dantri/news_world_066.txt' AND p.idx = 0")"
