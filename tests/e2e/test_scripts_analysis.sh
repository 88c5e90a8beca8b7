# The example analysis scripts of scripts/ (issue 6, item 7) on data/, with
# the values the README shows: trade figures by year with sources, who met or
# called whom and when, a term per month, figures reported differently.
S=$ROOT/scripts
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1

run "$TRANG" run "$S/trade_by_year.lua"
check "trade_by_year exits 0" 0 "$RC"
check "3,63 tỷ USD in 2023 and +2,3% on 2022, each with its source span" \
"2023	3,63 tỷ USD	3630000000	USD		004_db0d6097c09fedcf.txt:10, bytes 2479-2491
2023	2,3%	2.3	%	+ vs 2022	004_db0d6097c09fedcf.txt:10, bytes 2500-2503
2 figures about 'thương mại'" "$OUT"
check "... the span cuts the figure out of the article" "3,63 tỷ USD" \
	"$(q "SELECT CAST(substr(raw, 2479, 2491 - 2479 + 1) AS TEXT) FROM articles WHERE path LIKE '%004_%'")"
run "$TRANG" run "$S/trade_by_year.lua" "học bổng"
check_match "another topic: the scholarships are no money, so none" "0 figures about 'học bổng'" "$OUT"

run "$TRANG" run "$S/who_met_whom.lua"
check "who_met_whom exits 0" 0 "$RC"
check "the Kremlin meeting, the 24 January call and the 8 August call (002 and 004 as one)" \
"2026-02-24TAF	hội kiến	Tổng Bí thư Tô Lâm; Tổng thống V. Putin; Bộ trưởng Ngoại giao Lê Hoài Trung	003_4a1d6724c2426e03.txt:3
XXXX-01-24TEV	điện đàm	Tổng Bí thư Tô Lâm; Tổng thống Liên bang Nga Vladimir Putin	001_896934f668629f3f.txt:1
XXXX-08-08	điện đàm	Chủ tịch nước Tô Lâm; Tổng thống Liên bang Nga Vladimir Putin	002_284386b4119fe209.txt:2 004_db0d6097c09fedcf.txt:2
3 meetings (and 4 mentions without a date: --all lists them)" "$OUT"
run "$TRANG" run "$S/who_met_whom.lua" "Lê Hoài Trung"
check_match "a name keeps that person's meetings" "1 meetings (and 2 mentions" "$OUT"
run "$TRANG" run "$S/who_met_whom.lua" --all
check_match "--all lists the undated mentions too" "7 meetings" "$OUT"

run "$TRANG" run "$S/term_by_month.lua" "dien dam"
check "term_by_month counts without tones; undated articles apart" \
"2026-02         1     1  ###
undated        14     4  ########################################" "$OUT"
run "$TRANG" run "$S/term_by_month.lua"
check "term_by_month without a term fails" 1 "$RC"
check_match "... with its usage" "usage: trang run scripts/term_by_month.lua TERM" "$ERR"

run "$TRANG" run "$S/figure_disagreements.lua"
check "figure_disagreements before stats fails" 1 "$RC"
check_match "... saying to run stats" "run \`trang plugin run stats\` first" "$ERR"
"$TRANG" plugin --plugins "$ROOT/plugins" run stats >/dev/null 2>&1
run "$TRANG" run "$S/figure_disagreements.lua"
check "the five articles agree with each other" "0 figures reported differently" "$OUT"

# Two articles give the 2023 trade differently: one block, one line per value.
mkdir -p differ
printf 'title: Thương mại Việt - Nga\ndate: 2024-03-01\n\nThương mại hai chiều Việt - Nga năm 2023 đạt 3,63 tỷ USD, tăng 2,3%% so với năm 2022.\n' >differ/a.txt
printf 'title: Quan hệ Việt - Nga\ndate: 2024-03-05\n\nThương mại hai chiều Việt - Nga năm 2023 đạt 3,6 tỷ USD.\n' >differ/b.txt
"$TRANG" ingest differ >/dev/null 2>&1
"$TRANG" plugin --plugins "$ROOT/plugins" run stats >/dev/null 2>&1
run "$TRANG" run "$S/figure_disagreements.lua" "thương mại"
check "3,63 and 3,6 billion USD for 2023 are one disagreement" \
"Thương mại hai chiều Việt - Nga, 2023 (USD)
  3630000000      3,63 tỷ USD             004_db0d6097c09fedcf.txt a.txt
  3600000000      3,6 tỷ USD              b.txt
1 figures reported differently" "$OUT"
