#!/bin/sh
# make stress: the hostile inputs too big for make test, with the same kind
# of assertions: a 100 MB single-line file and a million tiny files. Prints
# the time and peak memory of each. Needs ~4 GB of disk in $STRESS_DIR
# (default /tmp) and some minutes.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TRANG=${TRANG:-$ROOT/trang}
FILES=${STRESS_FILES:-1000000}
W=$(mktemp -d "${STRESS_DIR:-/tmp}/trang-stress.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0
check() { # name expected actual
	if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1: expected $2, got $3"; fails=$((fails + 1)); fi
}
q() { sqlite3 "$W/$DB" "$1"; }
timed() { # runs "$@", sets RC, SECS and RSS_MB
	/usr/bin/time -f '%e %M' -o "$W/time" "$@" >"$W/out" 2>"$W/err" && RC=0 || RC=$?
	SECS=$(cut -d' ' -f1 "$W/time" | tail -1)
	RSS_MB=$(( $(cut -d' ' -f2 "$W/time" | tail -1) / 1024 ))
}

echo "== a 100 MB single-line file"
DB=line.db
python3 -c "import sys; open(sys.argv[1], 'w').write('Câu dài ' * 10_500_000 + '\n')" "$W/line.txt"
timed "$TRANG" --db "$W/$DB" ingest --no-plugins --no-progress --max-size 128M "$W/line.txt"
echo "   ingest: ${SECS} s, max RSS ${RSS_MB} MB"
check "it loads" 0 "$RC"
check "as paragraphs of at most 64 KB adding up to the whole line" "1|104999999" \
	"$(q "SELECT max(length(CAST(text AS BLOB))) <= 65536, sum(length(CAST(text AS BLOB))) + count(*) - 1 FROM paragraphs")"
check "memory stays under 1 GB" 1 "$([ "$RSS_MB" -lt 1024 ] && echo 1 || echo "$RSS_MB MB")"
timed "$TRANG" --db "$W/$DB" search --limit 3 "cau dai"
echo "   search: ${SECS} s"
check "it is searchable" 0 "$RC"
check "a search takes under 30 s (every paragraph matches)" 1 "$(awk -v s="$SECS" 'BEGIN { print (s < 30) ? 1 : s }')"
rm -f "$W/line.txt" "$W/$DB"*

echo "== $FILES tiny files"
DB=tiny.db
python3 - "$W/tiny" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = f'{root}/{i // 1000:04}'
    if i % 1000 == 0:
        os.makedirs(d)
    with open(f'{d}/{i % 1000:03}.txt', 'w') as f:
        f.write(f'Bài {i}.\n')
PY
timed "$TRANG" --db "$W/$DB" ingest --no-plugins --no-progress "$W/tiny"
echo "   ingest: ${SECS} s, max RSS ${RSS_MB} MB"
check "they load" 0 "$RC"
check "every one is stored" "$FILES" "$(q 'SELECT count(*) FROM articles')"
check "memory stays under 256 MB" 1 "$([ "$RSS_MB" -lt 256 ] && echo 1 || echo "$RSS_MB MB")"
timed "$TRANG" --db "$W/$DB" ingest --no-plugins --no-progress "$W/tiny"
echo "   re-ingest, nothing changed: ${SECS} s, max RSS ${RSS_MB} MB"
check "the second run changes nothing" 1 "$(grep -c "0 added, 0 updated, $FILES unchanged" "$W/out")"
check "integrity" ok "$(q 'PRAGMA integrity_check')"
[ $fails -eq 0 ] && echo "stress: all passed" || { echo "stress: $fails failed"; exit 1; }
