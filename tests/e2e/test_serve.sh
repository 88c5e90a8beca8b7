# trang serve, the real binary in the background: a file dropped into the
# watched folder becomes searchable within 2 s and its on_article and
# on = "ingest" hooks run; status, job run/kill/history and plugin reload
# from another process over the control socket; a plugin edited on disk runs
# its new version, a broken edit keeps the old one; a plugin folder added
# and removed; SIGTERM during a job loses nothing and exits 0; a job that
# ignores the stop is killed at the deadline and the exit status says so.
mkdir in plugins
cp -r "$ROOT/tests/fixtures/plugins/serve/probe" plugins/
now() { python3 -c 'import time; print("%.3f" % time.time())'; }
kv() { q "SELECT value FROM trang_kv WHERE key = '$1'"; }
# wait_for SECONDS CMD...: polls CMD every 0.05 s until it succeeds; 1 on timeout.
wait_for() {
	end=$(python3 -c "import time; print(time.time() + $1)")
	shift
	until "$@" >/dev/null 2>&1; do
		python3 -c "import sys, time; sys.exit(time.time() > $end)" || return 1
		sleep 0.05
	done
}
# check_within NAME SECONDS CMD...: CMD succeeds within SECONDS.
check_within() {
	n=$1 s=$2
	shift 2
	if wait_for "$s" "$@"; then echo "ok $n"; else echo "not ok $n (not within $s s)"; FAILED=1; fi
}
has_kv() { [ "$(kv "$1")" = "$2" ]; }
searchable() { "$TRANG" search --limit 1 "$1" 2>/dev/null | grep -q "in/"; }

"$TRANG" serve --watch in --plugins plugins --grace 5 --json-log 2>serve.log &
pid=$!
check_within "the service answers trang status" 10 "$TRANG" status
run "$TRANG" status
check_match "status lists the every-second job" "probe.beat" "$OUT"
check_match "status lists on_article" "probe.on_article" "$OUT"
check_match "status lists the plugin, its version and state" "probe            1.0.0" "$OUT"
check_match "status shows the watcher" "watch    1 folders" "$OUT"
check "the control socket is the user's only" "600" "$(stat -c %a "$DB.sock")"

# a file dropped into the watched folder is searchable within 2 seconds
t0=$(now)
cp "$ROOT/data/003_4a1d6724c2426e03.txt" in/
wait_for 10 searchable Putin
t1=$(now)
check "the dropped file is searchable within 2 s" 1 "$(python3 -c "print(int($t1 - $t0 < 2))")"
echo "# dropped file searchable after $(python3 -c "print('%.3f' % ($t1 - $t0))") s"
cp "$ROOT"/data/00[0124]_*.txt in/
check_within "on_article saw all 5 articles" 10 has_kv articles_seen 5
check_within "the on = ingest job saw all 5 stored" 10 has_kv articles_stored 5
check_within "the every-second job runs" 5 has_kv beat.version 1

# control from another terminal
run "$TRANG" job run long
check_match "job run starts a run" "started run #" "$OUT"
long_id=$(echo "$OUT" | sed -n 's/.*run #\([0-9]*\).*/\1/p')
check_within "the long job is running" 5 has_kv long.state running
run "$TRANG" job run nosuchjob
check "job run of an unknown job fails" 1 "$RC"
check_match "and says so" "no job 'nosuchjob'" "$ERR"
run "$TRANG" job kill 99999
check "job kill of no such run fails" 1 "$RC"
run "$TRANG" job history beat
check_match "job history lists the job's runs" "probe.beat" "$OUT"
check_match "with their status" " ok " "$OUT"

# hot reload: an edit runs at the next run; a broken edit keeps the old version
sed -i 's/^local VERSION = 1/local VERSION = 2/' plugins/probe/init.lua
check_within "the edited plugin's new version runs" 8 has_kv beat.version 2
echo 'this is not Lua' >>plugins/probe/init.lua
run "$TRANG" plugin reload probe
check "a broken reload fails" 1 "$RC"
check_match "and says the old version keeps running" "old version keeps running" "$ERR"
check_match "naming the file" "init.lua" "$ERR"
beats=$(kv beats)
check_within "the old version keeps beating" 5 sh -c "[ \$(sqlite3 '$DB' \"SELECT value FROM trang_kv WHERE key = 'beats'\") -gt $((beats + 1)) ]"
check "still version 2" 2 "$(kv beat.version)"
sed -i '$d' plugins/probe/init.lua
sed -i 's/^local VERSION = 2/local VERSION = 3/' plugins/probe/init.lua
run "$TRANG" plugin reload probe
check "an explicit reload of a good edit succeeds" 0 "$RC"
check_match "and names the version" "reloaded 1.0.0" "$OUT"
check_within "version 3 runs" 5 has_kv beat.version 3
check "the long run of the old version is still running" "running" "$(q "SELECT status FROM job_runs WHERE id = $long_id")"

# a plugin folder added, then removed
cp -r "$ROOT/tests/fixtures/plugins/jobs/tick/ticker" plugins/
check_within "an added plugin folder is loaded and its job runs" 8 sh -c "[ -n \"\$(sqlite3 '$DB' \"SELECT value FROM trang_kv WHERE key = 'ticks'\")\" ]"
rm -r plugins/ticker
check_within "a removed plugin folder is unloaded" 8 sh -c "! '$TRANG' status | grep -q ticker"

# SIGTERM during a job loses nothing
kill -TERM $pid
wait $pid
check "SIGTERM: exit status 0 (every run ended on its own)" 0 $?
check_match "the long job stopped cleanly" "stopped cleanly after" "$(kv long.state)"
check "the long run is recorded ok" "ok" "$(q "SELECT status FROM job_runs WHERE id = $long_id")"
check "no run is left running" 0 "$(q "SELECT count(*) FROM job_runs WHERE status = 'running' OR ended IS NULL")"
check "every run has start, end and peak memory" 0 "$(q "SELECT count(*) FROM job_runs WHERE status != 'skipped' AND (started IS NULL OR peak_memory IS NULL)")"
check "all 5 articles stored" 5 "$(q 'SELECT count(*) FROM articles')"
check "integrity_check" ok "$(q 'PRAGMA integrity_check')"
check "the socket is removed" 1 "$([ -e "$DB.sock" ] && echo 0 || echo 1)"
check "every log line is JSON" 0 "$(python3 -c '
import json, sys
bad = 0
for line in open("serve.log"):
    try:
        o = json.loads(line); o["ts"]; o["event"]
    except Exception:
        bad += 1
print(bad)')"
check_match "the log says how it stopped" '"event":"stopped"' "$(cat serve.log)"

# with no service: status and history from the database, job run here
run "$TRANG" status
check "status without a service" 0 "$RC"
check_match "says no service runs" "not running" "$OUT"
check_match "and lists the last runs" "probe.long" "$OUT"
run "$TRANG" job history long
check_match "history without a service" "probe.long" "$OUT"
run "$TRANG" job --plugins plugins run beat
check "job run without a service runs it here" 0 "$RC"
check_match "and reports it" "of beat: ok" "$OUT"

# a job that ignores the stop is killed at the deadline: exit status 1
rm -f "$DB" "$DB-wal" "$DB-shm"
"$TRANG" serve --plugins "$ROOT/tests/fixtures/plugins/jobs/sleepy" --grace 0.5 2>serve2.log &
pid=$!
check_within "the second service answers" 10 "$TRANG" status
run "$TRANG" job run stubborn
kill -INT $pid
wait $pid
check "killed at the deadline: exit status 1" 1 $?
check "the stubborn run is recorded killed" "killed" "$(q "SELECT status FROM job_runs WHERE job = 'stubborn'")"
check_match "the log says a run was killed" "1 run killed at the deadline" "$(cat serve2.log)"
