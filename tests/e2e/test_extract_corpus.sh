# trang.extract through the real binary: `trang run` on the sample article
# (figures and dates against the article's date), then every span of
# extract.all over data/ and the development corpus (tests/lua/extract_corpus.lua).
cat > sample.lua <<'LUA'
local x = require "trang.extract"
local f = assert(io.open(arg[1], "rb"))
local text = f:read("a")
f:close()
local r = x.all(text, {dct = arg[2]})
for _, v in ipairs(r.figures) do
	print("F", v.kind, v.value or (v.lo .. "-" .. v.hi), v.unit, v.approx, v.change, v.base, v.text)
end
for _, v in ipairs(r.dates) do print("D", v.value, v.rule, v.text) end
LUA
run "$TRANG" run sample.lua "$ROOT/data/004_db0d6097c09fedcf.txt" 2024-08-09
check "sample article: exits 0" 0 "$RC"
TAB=$(printf '\t')
check_match "3,63 tỷ USD in base units" "F${TAB}money${TAB}3630000000${TAB}USD${TAB}nil${TAB}nil${TAB}nil${TAB}3,63 tỷ USD" "$OUT"
check_match "2,3% up on 2022" "F${TAB}percent${TAB}2.3${TAB}%${TAB}nil${TAB}+${TAB}2022${TAB}2,3%" "$OUT"
check_match "an approximate range of people" "F${TAB}quantity${TAB}60000-80000${TAB}người${TAB}true${TAB}nil${TAB}nil${TAB}khoảng 60.000-80.000 người" "$OUT"
check_match "ngày 8/8 is the day before the DCT" "D${TAB}2024-08-08${TAB}nearest-to-dct${TAB}ngày 8/8" "$OUT"
check_match "Hồi tháng 6 is the June before" "D${TAB}2024-06${TAB}cue:hồi=past${TAB}tháng 6" "$OUT"

cat > spans.lua <<'LUA'
local check = assert(loadfile(arg[1]))
local paths = {}
for line in io.lines(arg[2]) do paths[#paths + 1] = line end
local s = check(paths)
print(string.format("%d files %d bytes", s.files, s.bytes))
LUA
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
for dir in "$ROOT/data" "$CORPUS"; do
	ls "$dir"/* >paths.txt
	run "$TRANG" run spans.lua "$ROOT/tests/lua/extract_corpus.lua" paths.txt
	check "every span over $(basename "$dir") cuts its text, no call raises" 0 "$RC"
	check_match "every file of $(basename "$dir") read" "$(wc -l <paths.txt | tr -d ' ') files" "$OUT"
	[ "$RC" = 0 ] || echo "$ERR"
done
