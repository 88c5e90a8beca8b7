#!/bin/sh
# make bench: speed and memory of trang on a corpus made by replicating the
# development corpus (about 100 MB; BENCH_SIZE=1g for about 1 GB). Prints a
# table and writes it as text and JSON to build/bench/. Not part of make test.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TRANG=${TRANG:-$ROOT/trang}
SRC=${BENCH_CORPUS:-$ROOT/../shared/corpus/dantri-unc}
[ -d "$SRC" ] || SRC=/work/shared/corpus/dantri-unc
SIZE=${BENCH_SIZE:-100m}
RUNS=${BENCH_RUNS:-3}
OUT=$ROOT/build/bench
WORK=${BENCH_WORK:-/tmp/trang-bench}
mkdir -p "$OUT" "$WORK"

case "$SIZE" in
100m) target=$((100 * 1000 * 1000)) ;;
1g) target=$((1000 * 1000 * 1000)) ;;
*) echo "BENCH_SIZE must be 100m or 1g" >&2; exit 2 ;;
esac

# The corpus: copies of the development corpus with unique names (copy N of
# file F is copyN/F-N.txt) and unique content (the url header gets ?copy=N, so
# copies are not exact duplicates of each other), built once and reused.
CORPUS=$WORK/corpus-$SIZE
if [ ! -f "$CORPUS/.complete" ]; then
	rm -rf "$CORPUS"
	python3 "$ROOT/tests/bench/make_corpus.py" "$SRC" "$CORPUS" "$target"
	touch "$CORPUS/.complete"
fi
bytes=$(find "$CORPUS" -name '*.txt' -print0 | xargs -0 cat | wc -c)
files=$(find "$CORPUS" -name '*.txt' | wc -l)
mb=$(echo "$bytes" | awk '{printf "%.1f", $1 / 1e6}')
echo "bench: $files files, $mb MB in $CORPUS ($(nproc) cores, $(date -u +%Y-%m-%d))"

# median and spread (max - min) of a list of numbers
stats() { sort -g | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", m, v[NR] - v[1]}'; }

# timed CMD...: appends "seconds maxrss_kb" of one run to $TIMES
timed() {
	/usr/bin/time -f "%e %M" -o "$WORK/time.$$" "$@" >/dev/null 2>"$WORK/err.$$" || {
		cat "$WORK/err.$$" >&2
		exit 1
	}
	cat "$WORK/time.$$" >>"$TIMES"
}

TIMES=$WORK/fresh.times
: >"$TIMES"
r=0
while [ $r -lt "$RUNS" ]; do
	rm -f "$WORK/bench.db" "$WORK/bench.db-wal" "$WORK/bench.db-shm"
	timed "$TRANG" --db "$WORK/bench.db" ingest --no-progress "$CORPUS"
	r=$((r + 1))
done
set -- $(cut -d' ' -f1 "$TIMES" | stats)
fresh_s=$1 fresh_spread=$2
fresh_rss=$(cut -d' ' -f2 "$TIMES" | sort -n | tail -1)

TIMES=$WORK/again.times
: >"$TIMES"
r=0
while [ $r -lt "$RUNS" ]; do
	timed "$TRANG" --db "$WORK/bench.db" ingest --no-progress "$CORPUS"
	r=$((r + 1))
done
set -- $(cut -d' ' -f1 "$TIMES" | stats)
again_s=$1 again_spread=$2

awk -v mb="$mb" -v fs="$fresh_s" -v fsp="$fresh_spread" -v rss="$fresh_rss" -v as="$again_s" -v asp="$again_spread" \
	-v files="$files" -v size="$SIZE" -v runs="$RUNS" 'BEGIN {
	fmt = "%-34s %12s %12s\n"
	printf fmt, "measure (" size ", median of " runs ")", "value", "spread"
	printf fmt, "ingest, fresh database", sprintf("%.2f s", fs), sprintf("%.2f s", fsp)
	printf fmt, "ingest throughput", sprintf("%.1f MB/s", mb / fs), ""
	printf fmt, "ingest peak memory (max RSS)", sprintf("%.1f MB", rss / 1024), ""
	printf fmt, "re-ingest, unchanged corpus", sprintf("%.2f s", as), sprintf("%.2f s", asp)
	printf fmt, "re-ingest speed-up", sprintf("%.0fx", fs / (as > 0 ? as : 0.001)), ""
	printf "{\"corpus_mb\": %s, \"files\": %d, \"ingest_s\": %s, \"ingest_spread_s\": %s, \"ingest_mb_s\": %.2f, \"ingest_max_rss_kb\": %d, \"reingest_s\": %s}\n", \
		mb, files, fs, fsp, mb / fs, rss, as > "/dev/stderr"
}' 2>"$OUT/ingest-$SIZE.json" | tee "$OUT/ingest-$SIZE.txt"
echo "bench: results in $OUT/ingest-$SIZE.txt and .json"
