# Readers work while an ingest writes: searches and stats during a running
# ingest succeed; a second writer waits for the lock (busy timeout) or says why.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1
"$TRANG" ingest --no-progress "$CORPUS" >/dev/null 2>&1 &
pid=$!
ok=0 tries=0
while kill -0 $pid 2>/dev/null && [ $tries -lt 20 ]; do
	tries=$((tries + 1))
	if "$TRANG" search --json --limit 3 "dien dam" >"$TMP/s.json" 2>"$TMP/s.err" &&
		python3 -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))) == 3 else 1)' "$TMP/s.json"; then
		ok=$((ok + 1))
	else
		cat "$TMP/s.err"
	fi
	"$TRANG" stats >/dev/null 2>&1 || echo "stats failed during ingest"
	sleep 0.2
done
wait $pid
check "the ingest finished" 0 $?
check "every search during the ingest found its three paragraphs" "$tries" "$ok"
check "there was an ingest to search during" 1 "$([ $tries -ge 2 ] && echo 1 || echo 0)"
check "integrity" "integrity   ok" "$("$TRANG" stats --check)"
