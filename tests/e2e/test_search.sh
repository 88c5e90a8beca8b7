# Full-text search on a fixture folder: folded by default ('da nang' finds
# 'Đà Nẵng'), strict with --strict, NFC and NFD alike, both tone placements,
# phrases, prefixes, NEAR, and clear errors for broken queries.
cp -a "$ROOT/tests/fixtures/search" search
"$TRANG" ingest search >/dev/null 2>&1
# paths QUERY...: the article paths of `trang search --json`, sorted and unique.
paths() {
	"$TRANG" search --json --limit 50 "$@" | python3 -c '
import json, sys
print(" ".join(sorted({r["path"].split("/")[-1] for r in json.load(sys.stdin)})))'
}
check "folded: da nang finds Đà Nẵng" "danang.txt" "$(paths '"da nang"')"
check "folded: dien dam finds the NFD article" "dien-dam-nfd.txt" "$(paths 'dien dam')"
check "folded: NFC query finds the NFD article" "dien-dam-nfd.txt" "$(paths 'điện đàm')"
check "folded: duong finds đường, Dương and đương" "duong.txt" "$(paths duong)"
check "folded: ... in three paragraphs and a title" 4 "$("$TRANG" search --json duong | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "strict: đường finds only đường (a title and a paragraph)" "Ba con đường|Con đường mới nối hai huyện." \
	"$("$TRANG" search --json --strict 'đường' | python3 -c 'import json,sys; print("|".join(sorted(r["snippet"] for r in json.load(sys.stdin))))')"
check "strict is case-insensitive: dương finds Dương" "Ông Dương Văn Hùng phát biểu." \
	"$("$TRANG" search --json --strict 'dương' | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["snippet"])')"
check "strict: năm does not find Nam" "danang.txt figures.txt nam.txt" "$(paths --strict 'năm')"
check "strict: nam finds Nam (Miền Nam, Việt Nam), not năm" "hoa-old-style.txt nam.txt" "$(paths --strict nam)"
check "hoà (old style) finds hòa" "hoa-old-style.txt" "$(paths --strict 'hòa')"
check "thủy (new style) finds thuỷ" "hoa-old-style.txt" "$(paths --strict 'thủy')"
check "figures are one term: 3,63" "figures.txt" "$(paths '3,63')"
check "abbreviations are one term: TP.HCM" "figures.txt" "$(paths 'tp.hcm')"
check "prefix query" "dien-dam-nfd.txt" "$(paths 'dien*')"
check "NEAR" "danang.txt" "$(paths 'NEAR(thanh nang, 3)')"
check "NOT" "duong.txt" "$(paths 'duong NOT danang')"
run "$TRANG" search 'NEAR(a'
check "a broken query exits 1" 1 "$RC"
check_match "... with a plain message" "cannot read the query 'NEAR(a'" "$ERR"
run "$TRANG" search '"unclosed'
check_match "an unclosed quote is named" "a quote is not closed" "$ERR"
run "$TRANG" search
check "no query is a usage error" 2 "$RC"
run "$TRANG" search 'Đà Nẵng'
check_match "text output: title and date" "Du lịch Đà Nẵng  2024-08-09" "$OUT"
check_match "text output: marked snippet" "Thành phố [Đà] [Nẵng] đón" "$OUT"
check_match "text output: path, paragraph and bytes" "search/danang.txt  paragraph 0 (title), bytes 7-28" "$OUT"
run "$TRANG" kwic --width 12 duong
check "kwic: one aligned line per match, 12 columns each side" "     Ba con [đường]
        Con [đường] mới nối hai
        Ông [Dương] Văn Hùng ph
      Người [đương] nhiệm tái c" "$OUT"
