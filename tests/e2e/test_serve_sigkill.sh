# SIGKILL at 20 random moments of `trang serve` while it ingests a watched
# folder and runs plugin jobs (on_article over each batch, on = "ingest",
# every second), each into a fresh database: after each kill PRAGMA
# integrity_check is ok, the next service completes the ingest and stops
# cleanly on SIGTERM, no run is left 'running', and the database equals one
# made without interruption (articles, paragraphs, sentences, index rows).
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
mkdir corpus plugins
ls "$CORPUS"/*.txt | head -n 600 | xargs cp -t corpus/
cp -r "$ROOT/tests/fixtures/plugins/serve/probe" plugins/
total=$(ls corpus | wc -l)
t0=$(date +%s.%N)
"$TRANG" --db "$TMP/ref.db" ingest --no-progress corpus >/dev/null 2>&1
took=$(echo "$t0 $(date +%s.%N)" | awk '{print $2 - $1}')
ref=$(signature "$TMP/ref.db")
# idle: every article stored and the watcher has nothing pending or running
idle() {
	[ "$(q 'SELECT count(*) FROM articles' 2>/dev/null)" = "$total" ] || return 1
	s=$("$TRANG" status 2>/dev/null) || return 1
	case "$s" in *", 0 pending,"*) ;; *) return 1 ;; esac
	case "$s" in *ingesting*) return 1 ;; esac
}
wait_idle() {
	i=0
	while ! idle; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1 # 30 s
		sleep 0.05
	done
}
# Kill times spread over most of an ingest as long as the reference one took
# on this machine now (the service starts ingesting at once, before any
# settle delay); a busy machine makes the times vary, so at least 8 of the
# 20 must land before the ingest completed for the test to mean something.
delays=$(python3 -c 'import random, sys; r = random.Random(9); hi = 0.1 + 0.8 * float(sys.argv[1]); print(" ".join("%.2f" % r.uniform(0.05, hi) for _ in range(20)))' "$took")
midway=0 bad_integrity=0 incomplete=0 unclean=0 left_running=0 different=0 runs=0
for delay in $delays; do
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.sock"
	"$TRANG" serve --watch corpus --plugins plugins 2>killed.log &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(q 'SELECT count(*) FROM articles' 2>/dev/null || echo 0)
	[ "${n:-0}" -lt "$total" ] && midway=$((midway + 1))
	[ "$(q 'PRAGMA integrity_check')" = ok ] || bad_integrity=$((bad_integrity + 1))
	"$TRANG" serve --watch corpus --plugins plugins 2>next.log &
	pid=$!
	wait_idle || incomplete=$((incomplete + 1))
	kill -TERM $pid
	wait $pid || unclean=$((unclean + 1))
	[ "$(q "SELECT count(*) FROM job_runs WHERE status = 'running'")" = 0 ] || left_running=$((left_running + 1))
	[ "$(signature "$DB")" = "$ref" ] || different=$((different + 1))
	runs=$((runs + $(q "SELECT count(*) FROM job_runs WHERE status IN ('ok', 'killed')")))
done
echo "# $midway of 20 kills landed before the ingest was complete"
check "at least 8 kills landed mid-ingest" 1 "$([ $midway -ge 8 ] && echo 1 || echo "0 ($midway of 20)")"
check "integrity_check is ok after every kill" 0 "$bad_integrity"
check "the service after every kill completes the ingest" 0 "$incomplete"
check "and stops cleanly on SIGTERM" 0 "$unclean"
check "no run is left 'running'" 0 "$left_running"
check "every completed database equals the uninterrupted one" 0 "$different"
check "jobs ran while the services ingested (runs recorded)" 1 "$([ "$runs" -gt 0 ] && echo 1 || echo 0)"
check "database and FTS index consistent" "integrity   ok" "$("$TRANG" stats --check)"
