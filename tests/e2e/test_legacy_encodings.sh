# Legacy Vietnamese encodings: a file in Windows-1258, TCVN3, VISCII or VNI
# is refused with the encoding it seems to be in and the way out; with
# --encoding auto it is converted and reads exactly as the UTF-8 original.
mkdir -p old
src="$ROOT/data/004_db0d6097c09fedcf.txt"
for enc in WINDOWS-1258 TCVN5712-1 VISCII; do
	iconv -f UTF-8 -t "$enc//TRANSLIT" "$src" >"old/$enc.txt"
done
# VNI, which iconv does not know: "Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Putin"
printf 'To\345ng B\355 th\366 To\342 La\342m \361ie\344n \361a\370m v\364\371i To\345ng tho\341ng Nga Putin\n\nHai nha\370 la\365nh \361ao \361a\365 trao \361o\344i ve\340 quan he\344 song ph\366\364ng.\n' >old/vni.txt
printf 'Le caf\351 \351tait tr\350s bon.\n' >old/latin1.txt
run "$TRANG" ingest --no-plugins old
check "files in legacy encodings are refused by default" 1 "$RC"
check_match "Windows-1258 is named, with the option to convert" \
	"old/WINDOWS-1258.txt: not UTF-8 (byte " "$ERR"
check_match "... and the encoding it seems to be in" "but Vietnamese in Windows-1258, it seems" "$ERR"
check_match "TCVN3 is named" "old/TCVN5712-1.txt: not UTF-8 (byte 1, line 1) but Vietnamese in TCVN3 (ABC), it seems (363 of 363 words read as Vietnamese); ingest it with --encoding tcvn3 (or --encoding auto) to convert it" "$ERR"
check_match "VISCII is named" "old/VISCII.txt: not UTF-8 (byte 1, line 1) but Vietnamese in VISCII" "$ERR"
check_match "VNI is named, with the option" "old/vni.txt: not UTF-8 (byte 2, line 1) but Vietnamese in VNI, it seems (18 of 18 words read as Vietnamese); ingest it with --encoding vni" "$ERR"
check_match "a Latin-1 French file gets the plain UTF-8 message" "old/latin1.txt: invalid UTF-8 at byte 6 (line 1, bytes E9 20 E9: sequence cut short); if it is in another encoding" "$ERR"
check "nothing was stored" 0 "$(q "SELECT count(*) FROM articles")"

run "$TRANG" ingest --no-plugins --encoding auto old
check "with --encoding auto only the French file is still refused" 1 "$RC"
check_match "... by the UTF-8 message" "old/latin1.txt: invalid UTF-8" "$ERR"
want=$(sed -n 1p "$src")
for enc in WINDOWS-1258 TCVN5712-1 VISCII; do
	check "$enc: the title reads as the original" "$want" "$(q "SELECT title FROM articles WHERE path = 'old/$enc.txt'")"
done
check "the source encoding is kept with each article" "tcvn3|viscii|vni|windows-1258" \
	"$(q "SELECT group_concat(e, '|') FROM (SELECT json_extract(extra, '$.source_encoding') e FROM articles ORDER BY e)")"
check "the VNI article reads as Vietnamese" "Tổng Bí thư Tô Lâm điện đàm với Tổng thống Nga Putin" \
	"$(q "SELECT title FROM articles WHERE path = 'old/vni.txt'")"
check "converted articles have the same paragraphs as their original" 1 \
	"$(q "SELECT count(DISTINCT n) FROM (SELECT count(*) n FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path LIKE 'old/%-%' OR a.path = 'old/VISCII.txt' GROUP BY a.id)")"
run "$TRANG" search --limit 10 "dien dam"
check_match "converted text is searchable, folded" "old/vni.txt" "$OUT"

run "$TRANG" ingest --no-plugins --encoding klingon old
check "an unknown encoding is bad usage" 2 "$RC"
check_match "... listing the known ones" "tcvn3, vni, viscii" "$ERR"
