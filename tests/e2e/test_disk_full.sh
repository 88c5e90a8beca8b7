# A disk that fills up during ingest: a clear error, exit status 1, and a
# consistent database that still holds what was stored before. Uses an 8 MB
# tmpfs (we run as root, as CI does); without mount rights, a file-size limit
# (ulimit -f) plays the full disk.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
mkdir small
if [ -z "${FORCE_ULIMIT:-}" ] && mount -t tmpfs -o size=8m tmpfs small 2>/dev/null; then
	how="an 8 MB filesystem"
	trap 'umount "$TMP/small" 2>/dev/null' EXIT
	limit=""
else
	how="an 8 MB file-size limit"
	limit=8192 # ulimit -f counts 1 KB blocks
fi
D=small/t.db
"$TRANG" --db "$D" ingest --no-plugins "$ROOT/data" >/dev/null 2>&1
if [ -n "$limit" ]; then
	(ulimit -f $limit; "$TRANG" --db "$D" ingest --no-plugins "$CORPUS" >"$TMP/out" 2>"$TMP/err")
	RC=$?
	ERR=$(cat "$TMP/err")
else
	run "$TRANG" --db "$D" ingest --no-plugins "$CORPUS"
fi
check "a full disk ($how) ends the ingest with status 1" 1 "$RC"
check_match "... with a message that says so" "nothing stored was lost" "$ERR"
check "the database checks out" "integrity   ok" "$("$TRANG" --db "$D" stats --check)"
check "what was stored before is still there" 5 "$(sqlite3 "$D" 'SELECT count(*) FROM articles')"
