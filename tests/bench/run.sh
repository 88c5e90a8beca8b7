#!/bin/sh
# make bench: the one place where trang's speed and memory are measured.
#   - ingest of a corpus made by replicating the development corpus (about
#     100 MB; BENCH_SIZE=1g for about 1 GB): fresh and unchanged, peak memory,
#     against a Python standard-library peer and a bare C FTS5 floor;
#   - NFC throughput of trang, plain utf8proc_map and ICU, the tokenizer, the
#     sentence splitter, and figure/date/entity extraction, on the development
#     corpus;
#   - a Lua syllable-count script (trang run) against the Python peer, the
#     cost of an empty on_article hook, the memory of an idle plugin state;
#   - search latency (median, 99th percentile) on the ingested corpus;
#   - trang serve: a 10 ms timer's lateness (median, p99) with the loop idle
#     and with a CPU-heavy job computing; file landing to searchable;
#   - the analysis plugins (analysis.sh, which also runs on its own):
#     duplicates against brute force, timeline and stats against the ingest.
# Each figure is the median of BENCH_RUNS runs (default 3) with its spread
# (max - min). The table goes to stdout and to build/bench/results-SIZE.txt
# and .json. Not part of make test.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TRANG=${TRANG:-$ROOT/trang}
BIN_DIR=${BENCH_BIN_DIR:-$ROOT/build/bench}
SRC=${BENCH_CORPUS:-$ROOT/../shared/corpus/dantri-unc}
[ -d "$SRC" ] || SRC=/work/shared/corpus/dantri-unc
SIZE=${BENCH_SIZE:-100m}
RUNS=${BENCH_RUNS:-3}
OUT=$ROOT/build/bench
WORK=${BENCH_WORK:-/tmp/trang-bench}
mkdir -p "$OUT" "$WORK"
RESULTS=$WORK/results.$$
: >"$RESULTS"

case "$SIZE" in
100m) target=$((100 * 1000 * 1000)) ;;
1g) target=$((1000 * 1000 * 1000)) ;;
*) echo "BENCH_SIZE must be 100m or 1g" >&2; exit 2 ;;
esac

# The corpus: copies of the development corpus with unique names and unique
# content (see make_corpus.py), built once and reused.
CORPUS=$WORK/corpus-$SIZE
if [ ! -f "$CORPUS/.complete" ]; then
	rm -rf "$CORPUS"
	python3 "$ROOT/tests/bench/make_corpus.py" "$SRC" "$CORPUS" "$target"
	touch "$CORPUS/.complete"
fi
bytes=$(find "$CORPUS" -name '*.txt' -print0 | xargs -0 cat | wc -c)
files=$(find "$CORPUS" -name '*.txt' | wc -l)
mb=$(echo "$bytes" | awk '{printf "%.1f", $1 / 1e6}')
echo "bench: $files files, $mb MB in $CORPUS; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"

. "$ROOT/tests/bench/lib.sh" # stats, timed

# record NAME VALUE UNIT SPREAD
record() { echo "$1 $2 $3 $4" >>"$RESULTS"; }

# ---- ingest, and its peers -------------------------------------------------
# Each round runs trang, the Python peer (ingest_peer.py: read, unicodedata
# NFC, paragraphs, FTS5 unicode61) and the bare C FTS5 floor
# (bench_fts_floor: the same paragraphs into FTS5, nothing else) one after
# the other, so the ratios compare runs made under the same load.
DB=$WORK/bench-$SIZE.db
PEERDB=$WORK/peer-$SIZE.db
: >"$WORK/fresh.times"
: >"$WORK/python.times"
: >"$WORK/floor.times"
r=0
while [ $r -lt "$RUNS" ]; do
	rm -f "$DB" "$DB-wal" "$DB-shm"
	timed "$WORK/fresh.times" "$TRANG" --db "$DB" ingest --no-progress "$CORPUS"
	rm -f "$PEERDB" "$PEERDB-wal" "$PEERDB-shm"
	timed "$WORK/python.times" python3 "$ROOT/tests/bench/ingest_peer.py" "$CORPUS" "$PEERDB"
	rm -f "$PEERDB" "$PEERDB-wal" "$PEERDB-shm"
	timed "$WORK/floor.times" "$BIN_DIR/bench_fts_floor" "$CORPUS" "$PEERDB"
	r=$((r + 1))
done
rm -f "$PEERDB" "$PEERDB-wal" "$PEERDB-shm"
set -- $(cut -d' ' -f1 "$WORK/fresh.times" | stats)
fresh=$1
record ingest_fresh_s "$1" s "$2"
record ingest_fresh_mb_s "$(echo "$mb $1" | awk '{printf "%.1f", $1 / $2}')" MB/s -
record ingest_max_rss_mb "$(cut -d' ' -f2 "$WORK/fresh.times" | sort -n | tail -1 | awk '{printf "%.1f", $1 / 1024}')" MB -
set -- $(cut -d' ' -f1 "$WORK/python.times" | stats)
python_s=$1
record ingest_python_peer_s "$1" s "$2"
record ingest_python_peer_mb_s "$(echo "$mb $1" | awk '{printf "%.1f", $1 / $2}')" MB/s -
set -- $(cut -d' ' -f1 "$WORK/floor.times" | stats)
floor_s=$1
record ingest_fts5_floor_s "$1" s "$2"
record ingest_fts5_floor_mb_s "$(echo "$mb $1" | awk '{printf "%.1f", $1 / $2}')" MB/s -
# targets: >= 2x faster than Python; >= 0.8 of the floor's throughput
record ingest_trang_vs_python "$(echo "$python_s $fresh" | awk '{printf "%.2f", $1 / $2}')" x -
record ingest_trang_vs_floor "$(echo "$floor_s $fresh" | awk '{printf "%.2f", $1 / $2}')" x -
# target (BENCH_SIZE=1g): at most 11x the 100 MB time of the last 100m run
if [ "$SIZE" = 1g ] && [ -f "$OUT/results-100m.txt" ]; then
	t100=$(awk '$1 == "ingest_fresh_s" {print $2}' "$OUT/results-100m.txt")
	[ -n "$t100" ] && record ingest_1g_vs_100m "$(echo "$fresh $t100" | awk '{printf "%.1f", $1 / $2}')" x -
fi

: >"$WORK/again.times"
r=0
while [ $r -lt "$RUNS" ]; do
	timed "$WORK/again.times" "$TRANG" --db "$DB" ingest --no-progress "$CORPUS"
	r=$((r + 1))
done
set -- $(cut -d' ' -f1 "$WORK/again.times" | stats)
record reingest_unchanged_s "$1" s "$2"
record reingest_speedup "$(echo "$fresh $1" | awk '{printf "%.0f", $1 / ($2 > 0 ? $2 : 0.01)}')" x -

# ---- text: NFC, tokenizer and sentence splitter on the development corpus ----
"$BIN_DIR/bench_text" "$SRC" $((RUNS * 2 + 1)) >"$WORK/text.out"
differ=$(awk '/^files/ {print $6}' "$WORK/text.out")
[ "$differ" = 0 ] || { echo "bench: NFC outputs differ on $differ files" >&2; exit 1; }
while read -r name value spread; do
	case "$name" in files) continue ;; esac
	record "${name}_mb_s" "$value" MB/s "$spread"
done <"$WORK/text.out"
ours=$(awk '$1 == "nfc_trang" {print $2}' "$WORK/text.out")
icu=$(awk '$1 == "nfc_icu" {print $2}' "$WORK/text.out")
plain=$(awk '$1 == "nfc_utf8proc_map" {print $2}' "$WORK/text.out")
record nfc_trang_vs_icu "$(echo "$ours $icu" | awk '{printf "%.2f", $1 / $2}')" x -
record nfc_trang_vs_utf8proc "$(echo "$ours $plain" | awk '{printf "%.1f", $1 / $2}')" x -

# ---- extraction on the development corpus -----------------------------------
"$BIN_DIR/bench_extract" "$SRC" $((RUNS * 2 + 1)) >"$WORK/extract.out"
while read -r name value spread; do
	record "${name}_mb_s" "$value" MB/s "$spread"
done <"$WORK/extract.out"

# ---- Lua: a syllable count script against the Python peer, hook costs ------
: >"$WORK/lua.times"
: >"$WORK/py.times"
r=0
while [ $r -lt "$RUNS" ]; do
	timed "$WORK/lua.times" "$TRANG" --db "$DB" run "$ROOT/scripts/syllable_count.lua"
	timed "$WORK/py.times" python3 "$ROOT/tests/bench/syllable_count.py" "$DB"
	r=$((r + 1))
done
set -- $(cut -d' ' -f1 "$WORK/lua.times" | stats)
lua_s=$1
record syllables_trang_run_s "$1" s "$2"
set -- $(cut -d' ' -f1 "$WORK/py.times" | stats)
record syllables_python_s "$1" s "$2"
record syllables_trang_vs_python "$(echo "$1 $lua_s" | awk '{printf "%.1f", $1 / $2}')" x -
"$BIN_DIR/bench_hooks" "$DB" "$ROOT/tests/fixtures/plugins/bench" >"$WORK/hooks.out"
record hook_empty_on_article_us "$(awk '$1 == "hook_empty_us" {print $2}' "$WORK/hooks.out")" us \
	"$(awk '$1 == "hook_empty_us" {print $3}' "$WORK/hooks.out")"
record plugin_idle_state_kb "$(awk '$1 == "plugin_idle_kb" {print $2}' "$WORK/hooks.out")" KB -

# ---- search latency on the ingested corpus ---------------------------------
"$BIN_DIR/bench_search" "$DB" 5 >"$WORK/search.out"
while read -r name median p99 rows; do
	record "${name%_ms}_median" "$median" ms -
	record "${name%_ms}_p99" "$p99" ms -
done <"$WORK/search.out"

# ---- trang serve: timer lateness, file landing to searchable ------------------
"$BIN_DIR/bench_serve" "$ROOT/tests/fixtures/plugins/bench_serve" 5 20 >"$WORK/serve.out"
while read -r name median p99 samples; do
	record "${name%_ms}_median" "$median" ms -
	record "${name%_ms}_p99" "$p99" ms -
done <"$WORK/serve.out"

# ---- analysis plugins: duplicates against brute force, timeline and stats ---
. "$ROOT/tests/bench/analysis.sh"

# ---- summary quality: ROUGE-1/2 of the default summariser and lead-3 ------
# On the development corpus, each article's lead paragraph (the sapo) is the
# reference summary of the rest of its body (summary plugin, `evaluate`);
# ROUGE counts case-folded syllables from trang.text, Vietnamese letters kept.
SUMDB=$WORK/summary-dev.db
rm -f "$SUMDB" "$SUMDB-wal" "$SUMDB-shm"
"$TRANG" --db "$SUMDB" ingest --no-progress "$SRC" >/dev/null 2>&1
"$TRANG" --db "$SUMDB" plugin --plugins "$ROOT/plugins" run summary evaluate --csv >"$WORK/rouge.csv"
for m in lead-3 default; do
	name=$(echo "$m" | tr -d -)
	set -- $(awk -F, -v m="$m" '$1 == m {print $3, $4, $5, $6, $7, $8}' "$WORK/rouge.csv")
	record "summary_${name}_rouge1_f" "$3" F1 "P=$1,R=$2"
	record "summary_${name}_rouge2_f" "$6" F1 "P=$4,R=$5"
done
record summary_default_vs_lead3_rouge1 "$(awk -F, '$1 == "lead-3" {l = $5} $1 == "default" {d = $5} END {printf "%.3f", d / l}' "$WORK/rouge.csv")" x -
record summary_default_vs_lead3_rouge2 "$(awk -F, '$1 == "lead-3" {l = $8} $1 == "default" {d = $8} END {printf "%.3f", d / l}' "$WORK/rouge.csv")" x -

# ---- the table --------------------------------------------------------------
{
	printf '%-34s %12s %-5s %10s\n' "measure ($SIZE corpus: $files files, $mb MB)" median unit spread
	while read -r name value unit spread; do
		printf '%-34s %12s %-5s %10s\n' "$name" "$value" "$unit" "$spread"
	done <"$RESULTS"
} | tee "$OUT/results-$SIZE.txt"
awk -v when="$(date -u +%Y-%m-%dT%H:%MZ)" -v cores="$(nproc)" -v mb="$mb" -v files="$files" '
	BEGIN { printf "{\"date\": \"%s\", \"cores\": %d, \"corpus_mb\": %s, \"files\": %d, \"results\": {", when, cores, mb, files }
	{ v = ($2 ~ /^-?[0-9.]+$/) ? $2 : "\"" $2 "\"" # a measure that failed says so
	  printf "%s\"%s\": {\"value\": %s, \"unit\": \"%s\", \"spread\": \"%s\"}", (NR > 1 ? ", " : ""), $1, v, $3, $4 }
	END { print "}}" }' "$RESULTS" >"$OUT/results-$SIZE.json"
rm -f "$RESULTS" "$WORK/time.$$" "$WORK/err.$$"
echo "bench: results in build/bench/results-$SIZE.txt and .json"
