# The analysis plugins over the whole development corpus (2,653 articles):
# duplicates, timeline and stats run without a single error, and every span
# they store cuts its text out of the article.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
PLUG="--plugins $ROOT/plugins"
"$TRANG" ingest "$CORPUS" >/dev/null 2>&1
check "the corpus is loaded" 2653 "$(q "SELECT count(*) FROM articles")"

run "$TRANG" plugin $PLUG run duplicates
check "duplicates exits 0 on the corpus" 0 "$RC"
check "... with nothing on stderr" "" "$ERR"
check "... and finds near-duplicate clusters" 1 "$(q "SELECT count(*) > 20 FROM plugin_duplicates_clusters")"
check "every pair is at or over the threshold" 0 "$(q "SELECT count(*) FROM plugin_duplicates_pairs WHERE similarity < 0.2")"

run "$TRANG" plugin $PLUG run timeline
check "timeline exits 0 on the corpus" 0 "$RC"
check "... with nothing on stderr" "" "$ERR"
check "... and finds thousands of events" 1 "$(q "SELECT count(*) > 5000 FROM plugin_timeline_events")"
check_match "... stores every one but prints the 50 with the most sources" \
	"50 of $(q "SELECT count(*) FROM plugin_timeline_events") events shown (the most sources); --all prints every one" "$OUT"
check "... (a header and 50 lines, then the count)" 52 "$(printf '%s\n' "$OUT" | wc -l)"
check "every date span cuts its expression out of the article" 0 \
	"$(q "SELECT count(*) FROM plugin_timeline_sources s JOIN articles a ON a.id = s.article WHERE s.s IS NOT NULL AND substr(CAST(a.raw AS BLOB), s.s, s.e - s.s + 1) <> CAST(s.date_text AS BLOB)")"
check "every event of a dated article has a full year" 0 \
	"$(q "SELECT count(*) FROM plugin_timeline_sources s JOIN plugin_timeline_events e USING (event) JOIN articles a ON a.id = s.article WHERE a.date IS NOT NULL AND e.value LIKE 'XXXX%'")"
check "events are stored in date order" 0 \
	"$(q "SELECT count(*) FROM plugin_timeline_events x JOIN plugin_timeline_events y ON y.event = x.event + 1 WHERE y.value < x.value")"

run "$TRANG" plugin $PLUG run stats
check "stats exits 0 on the corpus" 0 "$RC"
check "... with nothing on stderr" "" "$ERR"
check "... and finds thousands of figures" 1 "$(q "SELECT count(*) > 10000 FROM plugin_stats_figures")"
# near-duplicates may write one figure differently ("2786" and "2.786"): each
# source keeps its own text, and the figure's text is its first source's
check "every figure span cuts its source's text out of the article" 0 \
	"$(q "SELECT count(*) FROM plugin_stats_sources s JOIN articles a ON a.id = s.article WHERE s.s IS NOT NULL AND substr(CAST(a.raw AS BLOB), s.s, s.e - s.s + 1) <> CAST(s.text AS BLOB)")"
check "... and every figure has a source with its own text" 0 \
	"$(q "SELECT count(*) FROM plugin_stats_figures f WHERE NOT EXISTS (SELECT 1 FROM plugin_stats_sources s WHERE s.figure = f.figure AND s.text = f.text)")"
check "a figure written differently by two near-duplicates is one figure: BN 2786 / BN 2.786" "2.786 2786" \
	"$(q "SELECT group_concat(text, ' ') FROM (SELECT DISTINCT s.text FROM plugin_stats_sources s JOIN plugin_stats_figures f USING (figure) WHERE f.sentence LIKE '%BN 2786, BN 2.811%' AND f.value = 2786 ORDER BY s.text)")"
run "$TRANG" plugin $PLUG run stats --all --json
check "stats --all --json prints every figure stored" "$(q "SELECT count(*) FROM plugin_stats_figures")" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
run "$TRANG" plugin $PLUG run stats series
check "stats series exits 0 on the corpus" 0 "$RC"
check "no plugin error was recorded" 0 "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'plugin_errors'" | grep -q 1 && q "SELECT count(*) FROM plugin_errors" || echo 0)"
