# `trang run scripts/syllable_count.lua` over the development corpus gives the
# same top 20 syllables, in the same order, as an independent Python 3 count
# (tests/bench/syllable_count.py: NFC, casefold, \w+ letter runs outside URLs)
# of the stored texts. The counts agree within 0.1%: the two differ only on
# glued text such as "với323" or "Covid-19của", one abbreviation token for
# trang's tokenizer (as U23 and COVID-19 are) but a word to \w+.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
run "$TRANG" ingest "$CORPUS"
check "ingest exits 0" 0 "$RC"
run "$TRANG" run "$ROOT/scripts/syllable_count.lua"
check "the script exits 0" 0 "$RC"
check "it prints 20 lines" 20 "$(printf '%s\n' "$OUT" | grep -c .)"
printf '%s\n' "$OUT" >lua.txt
python3 "$ROOT/tests/bench/syllable_count.py" "$DB" >py.txt
check "the Python count prints 20 lines" 20 "$(grep -c . py.txt)"
check "same top 20, same order" "$(cut -f 1 py.txt | tr '\n' ' ')" "$(cut -f 1 lua.txt | tr '\n' ' ')"
check "counts within 0.1%" "" "$(paste lua.txt py.txt | awk -F '\t' '{ d = $2 - $4; if (d < 0) d = -d; if (d > $4 / 1000) print $1 ": " $2 " vs " $4 }')"
check "và is the most frequent syllable" "và" "$(head -n 1 lua.txt | cut -f 1)"
run "$TRANG" run "$ROOT/scripts/syllable_count.lua" 5
check "an argument sets N" 5 "$(printf '%s\n' "$OUT" | grep -c .)"
