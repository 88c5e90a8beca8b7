# SIGKILL in the middle of an ingest leaves a consistent database; the next
# run completes it and every article is present exactly once.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
mkdir corpus && cp "$CORPUS"/*.txt corpus/
total=$(ls corpus | wc -l)
"$TRANG" --db "$TMP/ref.db" ingest corpus >/dev/null 2>&1
for delay in 0.3 0.9 1.6; do
	"$TRANG" ingest corpus >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	check "integrity after SIGKILL at ${delay}s" ok "$(q 'PRAGMA integrity_check')"
done
run "$TRANG" ingest corpus
check "the run after the kills completes" 0 "$RC"
check "every article present" "$total" "$(q 'SELECT count(*) FROM articles')"
check "each exactly once" "$total" "$(q 'SELECT count(DISTINCT path) FROM articles')"
check "same paragraphs as an uninterrupted run" \
	"$(sqlite3 "$TMP/ref.db" 'SELECT count(*), sum(e - s), sum(length(text)) FROM paragraphs')" \
	"$(q 'SELECT count(*), sum(e - s), sum(length(text)) FROM paragraphs')"
check "same sentences as an uninterrupted run" \
	"$(sqlite3 "$TMP/ref.db" 'SELECT count(*), sum(e - s) FROM sentences')" "$(q 'SELECT count(*), sum(e - s) FROM sentences')"
check "database and FTS index consistent" "integrity   ok" "$("$TRANG" stats --check)"
run "$TRANG" ingest corpus
check_match "a further run finds everything unchanged" "0 added, 0 updated, $total unchanged" "$OUT"
