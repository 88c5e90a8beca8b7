#!/bin/sh
# make fuzz: builds the libFuzzer targets of tests/fuzz/ with clang,
# AddressSanitizer and UBSan (host objects in build/fuzz), seeds each corpus
# from data/, tests/fixtures and the development corpus, and runs every
# target for FUZZ_SECONDS (default 60). A crash ends that target's run; its
# input is kept in tests/fuzz/regressions/<target>/ (commit it: `make test`
# replays every kept input through its target), the other targets still run,
# and the script fails at the end.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-"prepare normalize tokens fts extract manifest"}
B=$ROOT/build/fuzz
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
make -s BUILD="$B" BIN="$B/trang" CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $SAN" LDFLAGS="$SAN"
OBJ=$(ls "$B"/host/*.o | grep -v '/main\.o$')
LIBS=$(pkg-config --libs lua5.4 sqlite3 libutf8proc libuv jansson libxxhash libedit) 
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
failed=""
for t in $TARGETS; do
	clang -O1 -g -fsanitize=fuzzer $SAN $(pkg-config --cflags lua5.4 libutf8proc) -D_GNU_SOURCE -Ihost \
		-o "$B/fuzz_$t" "tests/fuzz/fuzz_$t.c" $OBJ $LIBS -lm -lpthread
	seeds=$B/seeds-$t
	if [ ! -d "$seeds" ]; then
		mkdir -p "$seeds"
		cp data/*.txt tests/fixtures/dantri/*.txt tests/fixtures/bad/* tests/fixtures/jsonl/* "$seeds"/ 2>/dev/null || true
		[ "$t" = manifest ] && cp plugins/*/plugin.lua tests/fixtures/plugins/*/*/plugin.lua "$seeds"/ 2>/dev/null || true
		ls "$CORPUS"/*.txt | head -200 | xargs -I{} cp {} "$seeds"/
	fi
	mkdir -p "$B/corpus-$t" "tests/fuzz/regressions/$t"
	echo "fuzz: $t for ${SECONDS_EACH}s"
	"$B/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="tests/fuzz/regressions/$t/" -print_final_stats=1 "$B/corpus-$t" "$seeds" \
		2>"$B/fuzz_$t.log" || {
		tail -40 "$B/fuzz_$t.log"
		echo "fuzz: $t found a problem; input kept in tests/fuzz/regressions/$t/"
		failed="$failed $t"
		continue
	}
	grep -E 'stat::number_of_executed_units|cov:' "$B/fuzz_$t.log" | tail -2
done
[ -z "$failed" ] || { echo "fuzz: problems found by:$failed"; exit 1; }
