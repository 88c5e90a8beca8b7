#!/bin/sh
# Helpers for the end-to-end tests; runs the test file given as $1 in the
# current (temporary) folder. A check prints "ok ..." or "not ok ..." and a
# failed check makes the test fail at the end.
set -u
FAILED=0
DB=$TMP/trang.db
export TRANG_DB=$DB

# q SQL: the query's rows, '|'-separated, from $DB.
q() { sqlite3 -batch "$DB" "$1"; }

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		echo "ok $1"
	else
		printf 'not ok %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
		FAILED=1
	fi
}

# check_match NAME PATTERN TEXT: TEXT contains the fixed string PATTERN.
check_match() {
	case "$3" in
	*"$2"*) echo "ok $1" ;;
	*) printf 'not ok %s\n  wanted: %s\n  in:     %s\n' "$1" "$2" "$3"; FAILED=1 ;;
	esac
}

# run CMD...: runs it, keeping stdout in $OUT, stderr in $ERR, status in $RC.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# signature DB: a digest of what a database holds (articles, paragraphs,
# sentences, index rows, the lengths ranking reads), to compare an
# interrupted run with a clean one.
signature() {
	sqlite3 -batch "$1" "
		SELECT path, hash, title, date, url, author, source, text FROM articles ORDER BY path;
		SELECT a.path, p.idx, p.kind, p.s, p.e, p.text FROM paragraphs p JOIN articles a ON a.id = p.article_id ORDER BY a.path, p.idx;
		SELECT a.path, s.idx, s.s, s.e, s.text FROM sentences s JOIN articles a ON a.id = s.article_id ORDER BY a.path, s.idx;
		SELECT count(*) FROM paragraphs_fts_docsize;
		SELECT a.path, p.idx, (SELECT hex(substr(n.lens, 2 * (p.id & 4095) + 1, 2)) FROM paragraphs_fts_norms n
		                       WHERE n.chunk = p.id >> 12)
		FROM paragraphs p JOIN articles a ON a.id = p.article_id ORDER BY a.path, p.idx;" | md5sum
}

. "$1"
exit $FAILED
