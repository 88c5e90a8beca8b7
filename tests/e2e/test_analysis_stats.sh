# The stats plugin on data/: the trade figure of 2023 with its measure, the
# change on 2022, the scholarships, the students (approx) and the community
# (an approx range); figures repeated across near-duplicates are merged.
PLUG="--plugins $ROOT/plugins"
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1
fig() { q "SELECT kind || '|' || coalesce(value, '') || '|' || coalesce(lo, '') || '|' || coalesce(hi, '') || '|' || coalesce(unit, '') || '|' || approx || '|' || coalesce(change, '') || '|' || coalesce(base, '') || '|' || coalesce(year, '') || '|' || measure FROM plugin_stats_figures WHERE $1"; }

run "$TRANG" plugin $PLUG run stats
check "stats exits 0" 0 "$RC"
check "... with nothing on stderr" "" "$ERR"
check_match "... and prints the count" "13 figures (16 reports) from 5 articles" "$OUT"

check "3,63 tỷ USD is 3630000000 USD, trade between Vietnam and Russia, 2023" \
	"money|3630000000.0|||USD|0|||2023|Thương mại hai chiều Việt - Nga" "$(fig "text = '3,63 tỷ USD'")"
check "2,3% is a rise on 2022 of the same measure, in 2023" \
	"percent|2.3|||%|0|+|2022|2023|Thương mại hai chiều Việt - Nga" "$(fig "text = '2,3%'")"
check "1.000 suất học bổng, in 2023" "quantity|1000.0|||suất|0|||2023|suất học bổng" "$(fig "text = '1.000 suất'")"
check "khoảng 5.000 du học sinh is approximate" "quantity|5000.0|||du học sinh|1||||du học sinh Việt Nam" \
	"$(fig "unit = 'du học sinh'")"
check "khoảng 60.000-80.000 người is an approximate range, of the community in Russia" \
	"quantity||60000.0|80000.0|người|1||||Cộng đồng người Việt Nam tại Nga" "$(fig "unit = 'người'")"
check "the span of 3,63 tỷ USD cuts it out of 004" "3,63 tỷ USD" \
	"$(q "SELECT CAST(substr(CAST(a.raw AS BLOB), s.s, s.e - s.s + 1) AS TEXT) FROM plugin_stats_sources s JOIN articles a ON a.id = s.article JOIN plugin_stats_figures f ON f.figure = s.figure WHERE f.unit = 'USD'")"
check "every figure's span cuts a piece of its sentence" 0 \
	"$(q "SELECT count(*) FROM plugin_stats_sources s JOIN articles a ON a.id = s.article JOIN plugin_stats_figures f ON f.figure = s.figure WHERE instr(f.sentence, CAST(substr(CAST(a.raw AS BLOB), s.s, s.e - s.s + 1) AS TEXT)) = 0")"
check "'hai nước' told by 000, 002 and 004 of one cluster is one figure with three sources" 3 \
	"$(q "SELECT max(sources) FROM plugin_stats_figures WHERE unit = 'nước'")"
check "no year is taken for a figure outside any dated sentence" "" "$(q "SELECT year FROM plugin_stats_figures WHERE unit = 'du học sinh'")"

run "$TRANG" plugin $PLUG run stats --json
check "--json is an array of thirteen figures" 13 \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "... the range keeps lo and hi" "60000 80000 True" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; f=[x for x in json.load(sys.stdin) if x.get("unit")=="người"][0]; print(int(f["lo"]), int(f["hi"]), f["approx"])')"
run "$TRANG" plugin $PLUG run stats figures --csv
check_match "--csv has a header" "figure,kind,value,lo,hi,unit,approx,cmp,change,base,measure,year,text,n,files,sentence" "$OUT"
check_match "... and the trade row" "money,3630000000,,,USD,false,,,,Thương mại hai chiều Việt - Nga,2023,\"3,63 tỷ USD\"" "$OUT"
run "$TRANG" plugin $PLUG run stats units --csv
check_match "units counts the figures per unit" "USD,1,3630000000" "$OUT"
run "$TRANG" plugin $PLUG run stats top
check_match "top lists the largest value per unit" "USD          3630000000               2023  Thương mại hai chiều Việt - Nga" "$OUT"
run "$TRANG" plugin $PLUG run stats topics
check_match "topics groups figures by topic word, with their units" "thương mại   2        % 1, USD 1" "$OUT"
run "$TRANG" plugin $PLUG run stats topics "thuong mai" --csv
check "topics WORD lists the figures whose measure holds it (without tones)" 3 "$(printf '%s\n' "$OUT" | wc -l)"
check "each source keeps its own text" 0 "$(q "SELECT count(*) FROM plugin_stats_sources WHERE text IS NULL OR text = ''")"
