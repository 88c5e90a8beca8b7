# Ingest of the five sample articles: metadata, paragraph kinds and offsets,
# sentence boundaries, and a second run that changes nothing.
cp -r "$ROOT/data" .
run "$TRANG" ingest
check "first ingest exits 0" 0 "$RC"
check "summary line" "ingest: 5 added, 0 updated, 0 unchanged, 0 duplicates, 0 errors" "${OUT%%, 0.0*}"
check "articles stored" 5 "$(q 'SELECT count(*) FROM articles')"
check "integrity" ok "$(q 'PRAGMA integrity_check')"

A3="data/003_4a1d6724c2426e03.txt"
check "003 paragraph kinds and byte spans" \
"0|title|0|110
1|lead|112|277
2|body|279|671
3|caption|673|760
4|body|762|1159
5|body|1161|1623
6|body|1625|2006
7|body|2008|2233
8|body|2235|2617
9|body|2619|2778
10|caption|2780|2941
11|body|2943|3273
12|body|3275|3554
13|body|3556|3920
14|body|3922|4136" \
"$(q "SELECT p.idx, p.kind, p.s, p.e FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = '$A3' ORDER BY p.idx")"
check "003 title without the date line's time" "Tổng thống V. Putin: 'Tôi coi Tổng Bí thư Tô Lâm là người bạn thân thiết'" \
	"$(q "SELECT title FROM articles WHERE path = '$A3'")"
check "003 date from the title line" "2026-02-25T16:33" "$(q "SELECT date FROM articles WHERE path = '$A3'")"
check "003 source from the (PLO)- prefix" "PLO" "$(q "SELECT source FROM articles WHERE path = '$A3'")"
check "'Ảnh: TTXVN.' ends a caption paragraph" "caption" \
	"$(q "SELECT kind FROM paragraphs WHERE text LIKE '%Điện Kremlin. Ảnh: TTXVN.'")"
check "spans cut each paragraph's text out of the raw bytes" 0 \
	"$(q "SELECT count(*) FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE CAST(substr(a.raw, p.s + 1, p.e - p.s) AS TEXT) != p.text")"
check "spans cut each sentence's text out of the raw bytes" 0 \
	"$(q "SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article_id WHERE CAST(substr(a.raw, s.s + 1, s.e - s.s) AS TEXT) != s.text")"
check "003: 'V. Putin' and 'V.Putin' do not end sentences" \
"Trong khuôn khổ chuyến thăm Liên bang Nga để thông báo kết quả Đại hội đại biểu toàn quốc lần thứ XIV của Đảng Cộng sản Việt Nam, chiều 24-2, tại Điện Kremlin, Đặc phái viên của Tổng Bí thư Tô Lâm là Ủy viên Bộ Chính trị, Bộ trưởng Ngoại giao Lê Hoài Trung đã có cuộc hội kiến Tổng thống V. Putin.
Tổng thống Nga V.Putin tại cuộc hội kiến ở Điện Kremlin.
Ảnh: TTXVN." \
	"$(q "SELECT s.text FROM sentences s JOIN articles a ON a.id = s.article_id WHERE a.path = '$A3' AND s.idx BETWEEN 2 AND 4 ORDER BY s.idx")"

A4="data/004_db0d6097c09fedcf.txt"
check "004: one paragraph per line, figures do not split sentences" \
"Thương mại hai chiều Việt - Nga năm 2023 đạt 3,63 tỷ USD, tăng 2,3% so với năm 2022.
Năm 2023, Nga dành 1.000 suất học bổng cho sinh viên Việt Nam.
Hiện có khoảng 5.000 du học sinh Việt Nam đang học tập tại nước này.
Cộng đồng người Việt Nam tại Nga có khoảng 60.000-80.000 người." \
	"$(q "SELECT s.text FROM sentences s JOIN paragraphs p ON p.id = s.paragraph_id JOIN articles a ON a.id = s.article_id WHERE a.path = '$A4' AND p.idx = 9 ORDER BY s.idx")"
check "004: a quotation stays inside its sentence" 2 \
	"$(q "SELECT count(*) FROM sentences s JOIN paragraphs p ON p.id = s.paragraph_id JOIN articles a ON a.id = s.article_id WHERE a.path = '$A4' AND p.idx = 8")"
check "004 title from its first line" "Tổng Bí thư, Chủ tịch nước Tô Lâm điện đàm với Tổng thống Nga Putin" \
	"$(q "SELECT title FROM articles WHERE path = '$A4'")"

A2="data/002_284386b4119fe209.txt"
check "002 byline, source line and url" \
	"Nhật Minh|Hà Nội TV|https://hanoionline.vn/video/tong-bi-thu-chu-tich-nuoc-to-lam-dien-dam-voi-tong-thong-nga-vladimir-putin-257238.htm" \
	"$(q "SELECT author, source, url FROM articles WHERE path = '$A2'")"
check "002 kinds" "title lead body caption caption body body body byline source" \
	"$(q "SELECT group_concat(kind, ' ') FROM (SELECT p.kind FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = '$A2' ORDER BY p.idx)")"

A0="data/000_ff61b2ae6268f316.txt"
check "000 has no title, date, author or source: NULL, not guessed" "1|1|1|1|1" \
	"$(q "SELECT title IS NULL, date IS NULL, author IS NULL, source IS NULL, url IS NULL FROM articles WHERE path = '$A0'")"
check "000 starts with its lead" "lead" \
	"$(q "SELECT p.kind FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = '$A0' AND p.idx = 0")"
A1="data/001_896934f668629f3f.txt"
check "001 ends with the agency line TTXVN as its source" "source|TTXVN" \
	"$(q "SELECT p.kind, a.source FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = '$A1' ORDER BY p.idx DESC LIMIT 1")"

run "$TRANG" ingest data
check "second ingest exits 0" 0 "$RC"
check_match "second ingest says nothing changed" "0 added, 0 updated, 5 unchanged, 0 duplicates, 0 errors" "$OUT"
check_match "... in so many words" "(nothing changed)" "$OUT"

run "$TRANG" stats --json
check "stats --json exits 0" 0 "$RC"
check "stats --json counts" "5 54 80" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; t=json.load(sys.stdin)["totals"]; print(t["articles"], t["paragraphs"], t["sentences"])')"
run "$TRANG" stats
check_match "stats text names sources" "sources     Hà Nội TV 1, PLO 1, TTXVN 1" "$OUT"
