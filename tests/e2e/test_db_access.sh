# A database locked by another writer: ingest waits for it (up to $TRANG_WAIT
# seconds, default 10), then fails with a clear message and stores nothing.
# A database the user cannot write: ingest fails clearly, readers still work.
"$TRANG" ingest --no-plugins "$ROOT/data" >/dev/null 2>&1
hold() { # hold the write lock for $1 seconds, in the background
	python3 -c 'import sqlite3, sys, time
c = sqlite3.connect("trang.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE"); open("locked", "w").close(); time.sleep(float(sys.argv[1])); c.execute("COMMIT")' "$1" &
	while [ ! -e locked ]; do sleep 0.05; done
	rm -f locked
}
mkdir more && printf 'title: Bài mới\n\nĐà Nẵng đón khách.\n' >more/new.txt
hold 2
run env TRANG_WAIT=20 "$TRANG" ingest --no-plugins more
check "an ingest waits for the other writer and then completes" 0 "$RC"
check "... and its article is stored" 1 "$(q "SELECT count(*) FROM articles WHERE title = 'Bài mới'")"
wait
printf 'title: Bài khác\n\nHuế mưa.\n' >more/other.txt
hold 5
run env TRANG_WAIT=0.5 "$TRANG" ingest --no-plugins more
check "when the wait runs out the ingest fails" 1 "$RC"
check_match "... saying why" "database is locked (another trang is writing to it; try again when it has finished)" "$ERR"
wait
check "... and nothing of it was stored" 0 "$(q "SELECT count(*) FROM articles WHERE title = 'Bài khác'")"
run "$TRANG" search --limit 1 "da nang"
check "searches work while nobody writes" 0 "$RC"

# Read-only: as another user when we are root (root may write anything).
chmod o+x "$TMP" # the other user must reach ro/
mkdir ro && cp trang.db ro/ && chmod 755 ro && chmod 644 ro/trang.db
as_other() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] || chmod 555 ro
run as_other "$TRANG" --db ro/trang.db ingest --no-plugins more
check "ingest into a database we cannot write fails" 1 "$RC"
check_match "... saying so and what to do" "read-only; use --db to choose a writable file" "$ERR"
run as_other "$TRANG" --db ro/trang.db search --limit 1 "da nang"
check "a search in a database we cannot write works" 0 "$RC"
check_match "... and finds the article" "[Đà] [Nẵng] đón khách." "$OUT"
run as_other "$TRANG" --db ro/trang.db stats
check "stats of a database we cannot write works" 0 "$RC"
chmod 755 ro
check "the database is intact" ok "$(q 'PRAGMA integrity_check')"
