# The command line: help, version, exit statuses, where the database goes.
run "$TRANG" --help
check "--help exits 0" 0 "$RC"
check_match "--help lists ingest" "ingest" "$OUT"
run "$TRANG" --version
check "--version" "trang 0.1.0" "$OUT"
run "$TRANG" ingest --help
check "ingest --help exits 0" 0 "$RC"
check_match "ingest --help explains --prune" "--prune" "$OUT"
run "$TRANG" frobnicate
check "unknown command exits 2" 2 "$RC"
check_match "unknown command is named" "unknown command 'frobnicate'" "$ERR"
run "$TRANG" ingest --no-such-option
check "unknown option exits 2" 2 "$RC"
run "$TRANG" ingest --max-size lots
check "bad --max-size exits 2" 2 "$RC"
run "$TRANG"
check "no command exits 2" 2 "$RC"
run "$TRANG" stats --db "$TMP/none.db"
check "stats on a missing database exits 1" 1 "$RC"
check_match "... and says what to do" "run \`trang ingest\` first" "$ERR"

mkdir corpus && cp "$ROOT/data/002_284386b4119fe209.txt" corpus/
TRANG_DB="$TMP/env.db" "$TRANG" ingest corpus >/dev/null 2>&1
check "TRANG_DB chooses the database" 1 "$(sqlite3 "$TMP/env.db" 'SELECT count(*) FROM articles')"
TRANG_DB="$TMP/env.db" "$TRANG" --db "$TMP/flag.db" ingest corpus >/dev/null 2>&1
check "--db wins over TRANG_DB" 1 "$(sqlite3 "$TMP/flag.db" 'SELECT count(*) FROM articles')"
(unset TRANG_DB; cd corpus && "$TRANG" ingest . >/dev/null 2>&1)
check "default database is ./trang.db" 1 "$(sqlite3 corpus/trang.db 'SELECT count(*) FROM articles')"
check "paths are stored relative to the database's folder" "002_284386b4119fe209.txt" \
	"$(sqlite3 corpus/trang.db 'SELECT path FROM articles')"
run "$TRANG" ingest no/such/folder
check "a missing path is an error (exit 1)" 1 "$RC"
check_match "... named with the reason" "no/such/folder: unreadable: No such file or directory" "$ERR"

# The progress bar: on a terminal only.
mkdir prog && cp "$ROOT"/data/*.txt prog/
run "$TRANG" --db "$TMP/prog.db" ingest prog
check "no progress bar when stderr is not a terminal" "" "$ERR"
rm -f "$TMP/prog.db"*
script -qec "\"$TRANG\" --db \"$TMP/prog.db\" ingest prog" /dev/null >"$TMP/tty.out" 2>&1
check_match "a progress bar on a terminal" "5/5 files" "$(cat "$TMP/tty.out")"
check_match "... with rate and ETA" "ETA 0:00" "$(cat "$TMP/tty.out")"
