#!/bin/sh
# make bench, the analysis plugins (issue 6):
#   - duplicates: its LSH pairs against brute force (the exact Jaccard
#     similarity of every pair of articles) on the development corpus
#     (BENCH_DUP_SAMPLE articles, default all of them): precision and recall,
#     target at least 0.95 each;
#   - the time of duplicates, timeline and stats (each computing and storing
#     all its results, and printing its default view as JSON: the rows most
#     reported, --all would print every one) over the bench database, against
#     the time of its fresh ingest: target under 2x each. They run in that
#     order, so timeline and stats read the clusters duplicates stored (they
#     are current: same corpus fingerprint) instead of computing them again.
# run.sh sources this with TRANG, DB, SRC, WORK, fresh (the ingest's median
# seconds), record and timed set. Run on its own, it builds and ingests the
# corpus once itself:  sh tests/bench/analysis.sh   (BENCH_WORK, BENCH_SIZE)
if [ -z "${RESULTS:-}" ]; then
	set -eu
	cd "$(dirname "$0")/../.."
	ROOT=$(pwd)
	TRANG=${TRANG:-$ROOT/trang}
	SRC=${BENCH_CORPUS:-$ROOT/../shared/corpus/dantri-unc}
	[ -d "$SRC" ] || SRC=/work/shared/corpus/dantri-unc
	SIZE=${BENCH_SIZE:-100m}
	WORK=${BENCH_WORK:-/tmp/trang-bench}
	mkdir -p "$WORK"
	case "$SIZE" in 100m) target=$((100 * 1000 * 1000)) ;; *) target=$((1000 * 1000 * 1000)) ;; esac
	CORPUS=$WORK/corpus-$SIZE
	if [ ! -f "$CORPUS/.complete" ]; then
		rm -rf "$CORPUS"
		python3 "$ROOT/tests/bench/make_corpus.py" "$SRC" "$CORPUS" "$target"
		touch "$CORPUS/.complete"
	fi
	record() { printf '%-34s %12s %-5s %10s\n' "$1" "$2" "$3" "$4"; }
	. "$ROOT/tests/bench/lib.sh" # stats, timed
	DB=$WORK/analysis-$SIZE.db
	rm -f "$DB" "$DB-wal" "$DB-shm"
	: >"$WORK/analysis-ingest.times"
	timed "$WORK/analysis-ingest.times" "$TRANG" --db "$DB" ingest --no-progress "$CORPUS"
	fresh=$(cut -d' ' -f1 "$WORK/analysis-ingest.times")
	record ingest_fresh_s "$fresh" s -
fi
PLUGINS="--plugins $ROOT/plugins"

# duplicates against brute force, on the development corpus
DEVDB=$WORK/analysis-dev.db
rm -f "$DEVDB" "$DEVDB-wal" "$DEVDB-shm"
"$TRANG" --db "$DEVDB" ingest --no-progress "$SRC" >/dev/null 2>&1
line=$("$TRANG" --db "$DEVDB" plugin $PLUGINS run duplicates recall ${BENCH_DUP_SAMPLE:-})
echo "bench: duplicates: $line"
record duplicates_precision "$(echo "$line" | sed 's/.*precision \([0-9.]*\).*/\1/')" - -
record duplicates_recall "$(echo "$line" | sed 's/.*recall \([0-9.]*\).*/\1/')" - -

# each plugin over the bench database, against the ingest
for plugin in duplicates timeline stats; do
	: >"$WORK/$plugin.times"
	if ! timed_or_fail "$WORK/$plugin.times" "$TRANG" --db "$DB" plugin $PLUGINS run "$plugin" --json; then
		# at 1 GB, duplicates' shingle sets outgrow its 512 MB cap (and stats and
		# timeline, which cluster when duplicates stored nothing): say so, go on
		record "${plugin}_s" failed - -
		continue
	fi
	s=$(cut -d' ' -f1 "$WORK/$plugin.times")
	record "${plugin}_s" "$s" s -
	record "${plugin}_max_rss_mb" "$(cut -d' ' -f2 "$WORK/$plugin.times" | awk '{printf "%.1f", $1 / 1024}')" MB -
	record "${plugin}_vs_ingest" "$(echo "$s $fresh" | awk '{printf "%.2f", $1 / $2}')" x -
done
rm -f "$WORK/time.$$" "$WORK/err.$$"
