# JSON Lines: one article per line, body/text/content, unknown keys kept,
# each article named path:line, exact duplicates linked.
cp -a "$ROOT/tests/fixtures/jsonl" jsonl
run "$TRANG" ingest jsonl
check "exit 0" 0 "$RC"
check_match "two articles and a duplicate line" "2 added, 0 updated, 0 unchanged, 1 duplicates, 0 errors" "$OUT"
check "metadata, extra keys and names" \
"jsonl/articles.jsonl:1|1|Tổng Bí thư Tô Lâm điện đàm với Tổng thống Putin|2024-08-08|https://example.vn/a|Nhật Minh|{\"section\":\"thoi-su\"}
jsonl/articles.jsonl:2|2|Bài thứ hai|2026-02-25T16:33|||" \
	"$(q 'SELECT path, line, title, date, url, author, extra FROM articles ORDER BY line')"
check "the duplicate line is linked" "jsonl/articles.jsonl:3|jsonl/articles.jsonl:1" \
	"$(q 'SELECT al.path, a.path FROM article_aliases al JOIN articles a ON a.id = al.article_id')"
check "paragraph spans point into the body" "Hai bên nhất trí tăng cường hợp tác. Thương mại đạt 3,63 tỷ USD." \
	"$(q "SELECT CAST(substr(a.raw, p.s + 1, p.e - p.s) AS TEXT) FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.line = 1 AND p.idx = 1")"
check "sentences of the body" 3 "$(q 'SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article_id WHERE a.line = 1')"
