# SIGKILL at 20 random moments of an ingest, each into a fresh database:
# after each kill the database checks out, the next run completes it, and
# the result equals a database made without interruption: same articles,
# paragraphs, sentences and index rows.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
mkdir corpus && cp "$CORPUS"/*.txt corpus/
total=$(ls corpus | wc -l)
t0=$(date +%s.%N)
"$TRANG" --db "$TMP/ref.db" ingest corpus >/dev/null 2>&1
took=$(echo "$t0 $(date +%s.%N)" | awk '{print $2 - $1}')
ref=$(signature "$TMP/ref.db")
# Delays spread by a fixed seed, so a failure replays, over as long as the
# reference ingest took on this machine now (the machine may be fast or busy).
delays=$(python3 -c 'import random, sys; r = random.Random(7); hi = float(sys.argv[1]); print(" ".join("%.2f" % r.uniform(0.05, hi) for _ in range(20)))' "$took")
interrupted=0 bad_integrity=0 incomplete=0 different=0
for delay in $delays; do
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$TRANG" ingest --no-progress corpus >"$TMP/killed.out" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	grep -q '^ingest:' "$TMP/killed.out" || interrupted=$((interrupted + 1))
	[ "$(q 'PRAGMA integrity_check')" = ok ] || bad_integrity=$((bad_integrity + 1))
	"$TRANG" ingest --no-progress corpus >/dev/null 2>&1 || incomplete=$((incomplete + 1))
	[ "$(signature "$DB")" = "$ref" ] || different=$((different + 1))
done
check "most kills landed mid-run" 1 "$([ $interrupted -ge 15 ] && echo 1 || echo "0 ($interrupted of 20)")"
check "integrity_check is ok after every kill" 0 "$bad_integrity"
check "the run after every kill completes" 0 "$incomplete"
check "every completed database equals the uninterrupted one" 0 "$different"
check "every article present, once" "$total|$total" "$(q 'SELECT count(*), count(DISTINCT path) FROM articles')"
check "database and FTS index consistent" "integrity   ok" "$("$TRANG" stats --check)"
run "$TRANG" ingest corpus
check_match "a further run finds everything unchanged" "0 added, 0 updated, $total unchanged" "$OUT"
