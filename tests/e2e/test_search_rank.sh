# Ranking: `trang search` orders by bm25 over all matches, computed with the
# paragraph lengths the ingest records (paragraphs_fts_norms): the scores are
# FTS5's own bm25() to the bit, on 300 development-corpus articles, after a
# re-ingest that replaces changed files (paragraph ids freed and reused), and
# on a database made before the lengths were recorded.
mkdir corpus
find "$(cd "$ROOT/../shared/corpus/dantri-unc" 2>/dev/null && pwd || echo /work/shared/corpus/dantri-unc)" \
	-name '*.txt' | sort | head -300 | xargs -I{} cp {} corpus/
"$TRANG" ingest --no-progress corpus >/dev/null 2>&1
cat >compare.lua <<'LUA'
-- Every row of each query: bm25 and paragraphs_bm25, compared as doubles.
local rows, differ = 0, 0
for _, query in ipairs{'"gia"', '"viet" "nam"', '"ha noi"', '"=giá"', '"tang" OR "giam"', '"xuat"*',
                       'NEAR("gia" "vang", 5)', '"tp" "hcm"', '"covid"', '"gia" NOT "vang"'} do
  for _, r in ipairs(trang.store.query([[SELECT bm25(paragraphs_fts) AS a, paragraphs_bm25(paragraphs_fts) AS b
      FROM paragraphs_fts WHERE paragraphs_fts MATCH ?]], query)) do
    rows = rows + 1
    if r.a ~= r.b then differ = differ + 1 end
  end
end
print((rows > 1000 and "many rows " or ("only " .. rows .. " rows ")) .. differ .. " differ")
LUA
check "scores equal bm25() for every row" "many rows 0 differ" "$("$TRANG" run compare.lua)"
check "every paragraph's length is recorded" 0 \
	"$(q "SELECT count(*) FROM paragraphs p WHERE (SELECT substr(n.lens, 2 * (p.id & 4095) + 1, 2) FROM paragraphs_fts_norms n WHERE n.chunk = p.id >> 12) IN (x'0000') OR NOT EXISTS (SELECT 1 FROM paragraphs_fts_norms n WHERE n.chunk = p.id >> 12)")"

# Change a third of the files: their paragraphs go, new ones come.
i=0
for f in corpus/*.txt; do
	i=$((i + 1))
	[ $((i % 3)) -eq 0 ] && printf '\nGiá vàng hôm nay tăng, giá vàng SJC lên cao. Hà Nội giá vàng giá vàng.\n' >>"$f"
done
run "$TRANG" ingest --no-progress corpus
check_match "a re-ingest updates the changed files" "0 added, 100 updated, 200 unchanged" "$OUT"
check "scores equal bm25() after the re-ingest" "many rows 0 differ" "$("$TRANG" run compare.lua)"

# trang search: best first, the scores bm25() gives.
"$TRANG" search --json --limit 20 'giá vàng' >best.json
check "search returns 20 rows, best first" "20 sorted" "$(python3 -c '
import json; s = [r["score"] for r in json.load(open("best.json"))]
print(len(s), "sorted" if s == sorted(s, reverse=True) else "unsorted")')"
cat >top.lua <<'LUA'
local r = trang.store.query([[SELECT -bm25(paragraphs_fts) AS s FROM paragraphs_fts
  WHERE paragraphs_fts MATCH '"gia" "vang"' ORDER BY bm25(paragraphs_fts), rowid LIMIT 1]])
print(string.format("%.6f", r[1].s))
LUA
check "the first row is bm25()'s best" "$("$TRANG" run top.lua)" \
	"$(python3 -c 'import json; print("%.6f" % json.load(open("best.json"))[0]["score"])')"

# A database from before the lengths were recorded: they are filled in when
# it is next opened to write, and ranking meanwhile asks FTS5.
q "DELETE FROM paragraphs_fts_norms" >/dev/null
check "without lengths, scores still equal bm25()" "many rows 0 differ" "$("$TRANG" run compare.lua)"
"$TRANG" ingest --no-progress corpus >/dev/null 2>&1
check "an ingest fills them in" 1 "$(q "SELECT count(*) > 0 FROM paragraphs_fts_norms")"
check "... as FTS5 records them" "many rows 0 differ" "$("$TRANG" run compare.lua)"

# trang stats --check compares the recorded lengths with the index.
check "stats --check: the lengths agree with the index" "integrity   ok" "$("$TRANG" stats --check)"
q "UPDATE paragraphs_fts_norms SET lens = randomblob(8192) WHERE chunk = 0" >/dev/null
run "$TRANG" stats --check
check "... lengths that differ fail the check" 1 "$RC"
check_match "... which says how many, and how to repair them" "differ from the full-text index (the first: paragraph 1)" "$OUT"
q "DELETE FROM paragraphs_fts_norms" >/dev/null
"$TRANG" ingest --no-progress corpus >/dev/null 2>&1
check "... and the repair it gives works" "integrity   ok" "$("$TRANG" stats --check)"
