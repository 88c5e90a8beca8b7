# The timeline plugin on data/: the 8 August call is one event with three
# sources (000 through its near-duplicate cluster: it has no date expression
# of its own), the 24 January call, the 24 February meeting, the background
# dates; spans cut the date expressions out of the articles.
PLUG="--plugins $ROOT/plugins"
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1
ev() { q "SELECT value || '|' || granularity || '|' || rule || '|' || sources FROM plugin_timeline_events WHERE $1 ORDER BY event"; }
base() { q "SELECT group_concat(f, ' ') FROM (SELECT replace(path, rtrim(path, replace(path, '/', '')), '') f FROM plugin_timeline_sources WHERE $1 ORDER BY f)"; }

run "$TRANG" plugin $PLUG run timeline
check "timeline exits 0" 0 "$RC"
check "... with nothing on stderr" "" "$ERR"
check_match "... and prints the count" "11 events (12 date expressions) from 5 articles" "$OUT"

# No article of the 8 August cluster carries a date (000 has none, 002 and 004
# are plain text without a date line), so the year stays unknown: XXXX.
check "the 8 August call is one event with three sources" "XXXX-08-08|day|partial|3" \
	"$(ev "value LIKE '%-08-08'")"
check "... from 000, 002 and 004" \
	"000_ff61b2ae6268f316.txt 002_284386b4119fe209.txt 004_db0d6097c09fedcf.txt" \
	"$(base "event = (SELECT event FROM plugin_timeline_events WHERE value = 'XXXX-08-08')")"
check "... 000 joins through the cluster, naming the article it matched" \
	"cluster|near-duplicate of $ROOT/data/004_db0d6097c09fedcf.txt (cluster 1), sentence Jaccard 0.59" \
	"$(q "SELECT rule || '|' || reason FROM plugin_timeline_sources WHERE path LIKE '%/000_%'")"
check "... 002 and 004 by their own date expressions" "Ngày 8/8|ngày 8/8" \
	"$(q "SELECT group_concat(date_text, '|') FROM (SELECT date_text FROM plugin_timeline_sources WHERE reason = 'date expression' AND event = (SELECT event FROM plugin_timeline_events WHERE value = 'XXXX-08-08') ORDER BY path)")"

check "the 24 January call (001, undated): evening, year unknown" "XXXX-01-24TEV|partofday|partial|1" \
	"$(ev "value LIKE '%-01-24%'")"
check "the 24 February meeting resolves against 003's date 2026-02-25" \
	"2026-02-24TAF|partofday|nearest-to-dct|1" "$(ev "value LIKE '%-02-24%'")"
check "the publication stamp in 003's title is not an event" "" "$(ev "value LIKE '2026-02-25%'")"
check "diplomatic relations, 1950" "1950|year|absolute|1" "$(ev "value = '1950'")"
check "the treaty, June 1994" "1994-06|month|absolute|1" "$(ev "value = '1994-06'")"
check "the partnership, 2012" "2012|year|absolute|1" "$(ev "value = '2012'")"
check "Putin's state visit 'Hồi tháng 6' (004, undated): month, year unknown" "XXXX-06|month|partial|1" \
	"$(ev "value LIKE '%-06' AND value <> '1994-06'")"
check "events are in date order, partial ones last" \
	"1950 1994-06 2012 2022 2023 2023 2026-02-24TAF 2045 XXXX-01-24TEV XXXX-06 XXXX-08-08" \
	"$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM plugin_timeline_events ORDER BY event)")"
check "every date expression's span cuts its text from the article" 0 \
	"$(q "SELECT count(*) FROM plugin_timeline_sources s JOIN articles a ON a.id = s.article WHERE s.s IS NOT NULL AND substr(CAST(a.raw AS BLOB), s.s, s.e - s.s + 1) <> CAST(s.date_text AS BLOB)")"
check "... and there are twelve of them" 12 "$(q "SELECT count(*) FROM plugin_timeline_sources WHERE s IS NOT NULL")"

run "$TRANG" plugin $PLUG run timeline --json
check "--json is an array of eleven events" 11 \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "... the 8 August event lists three sources" 3 \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([len(e["sources"]) for e in json.load(sys.stdin) if e["date"] == "XXXX-08-08"][0])')"
run "$TRANG" plugin $PLUG run timeline show --csv
check "--csv has one row per source under a header" 14 "$(printf '%s\n' "$OUT" | wc -l)"
check_match "... the header" "event,date,granularity,mod,rule,expression,path,paragraph,s,e,reason,sentence" "$OUT"

run "$TRANG" plugin $PLUG run timeline show --entity "Lê Hoài Trung"
check_match "--entity keeps the events whose sentence names the person" "1 events (1 date expressions)" "$OUT"
run "$TRANG" plugin $PLUG run timeline show --since 2000 --until 2012
check_match "--since and --until select by date value" "1 events (1 date expressions)" "$OUT"
run "$TRANG" plugin $PLUG run timeline show --match Kremlin
check_match "--match keeps the events whose text matches the query" "1 events (1 date expressions)" "$OUT"
check_match "... the meeting at the Kremlin" "2026-02-24TAF" "$OUT"
run "$TRANG" plugin $PLUG run timeline show --bogus
check "an unknown argument fails" 1 "$RC"
check_match "... naming it" "unknown argument '--bogus'" "$ERR"

# When one member of the cluster is dated (here 002 given a header with the
# date 2024-08-09, as its source page has), the undated 004 borrows that date
# and says so: 8/8 becomes 2024-08-08 and "Hồi tháng 6" June 2024.
mkdir -p dated
cp "$ROOT/data/000_ff61b2ae6268f316.txt" "$ROOT/data/004_db0d6097c09fedcf.txt" dated/
{ printf 'title: %s\ndate: 2024-08-09\n\n' "$(head -n 1 "$ROOT/data/002_284386b4119fe209.txt")"
  tail -n +3 "$ROOT/data/002_284386b4119fe209.txt"; } >dated/002_dated.txt
DB=$TMP/dated.db
export TRANG_DB=$DB
"$TRANG" ingest dated >/dev/null 2>&1
check "the dated copy of 002 is read with its date" "2024-08-09" "$(q "SELECT date FROM articles WHERE path LIKE '%002_dated.txt'")"
run "$TRANG" plugin $PLUG run timeline
check "timeline on the dated cluster exits 0" 0 "$RC"
check "the call is one event on 2024-08-08 with three sources" "2024-08-08|day|nearest-to-dct|3" \
	"$(ev "value LIKE '%-08-08'")"
check "004's 'ngày 8/8' resolves through 002's date, naming it" \
	"nearest-to-dct; dct 2024-08-09 from near-duplicate dated/002_dated.txt (cluster 1)" \
	"$(q "SELECT rule FROM plugin_timeline_sources WHERE path LIKE '%004_%' AND date_text = 'ngày 8/8'")"
check "Putin's state visit 'Hồi tháng 6' is June 2024, a past cue" "2024-06|month|cue:hồi=past; dct 2024-08-09 from near-duplicate dated/002_dated.txt (cluster 1)|1" \
	"$(ev "value = '2024-06'")"
check "000 is still a source of the call, through the cluster" "cluster" \
	"$(q "SELECT rule FROM plugin_timeline_sources WHERE path LIKE '%000_%' AND event = (SELECT event FROM plugin_timeline_events WHERE value = '2024-08-08')")"
