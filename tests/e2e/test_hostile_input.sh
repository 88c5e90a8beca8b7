# Hostile input: folders nested past the limit, symbolic-link loops, file
# names that are not UTF-8, a 20 MB single-line file, JSON Lines with deeply
# nested or huge values, FTS5 syntax in queries. Each gets its documented
# behaviour, and the rest of the run goes on.
mkdir -p c
python3 - <<'PY'
import json, os
open(b'c/\xff\xfename.txt', 'wb').write('title: Tên lạ\n\nNội dung bài viết.\n'.encode())
deep = 'c/deep/' + '/'.join(['d'] * 300)
os.makedirs(deep)
open(deep + '/x.txt', 'w').write('Bài sâu.\n')
open('c/deep/shallow.txt', 'w').write('Bài nông.\n\nĐoạn hai.\n')
os.symlink('..', 'c/loop')
open('c/long.txt', 'w').write('Câu dài ' * 2_600_000 + '\n')   # about 24 MB, one line
rows = [
    '{"title": "lồng", "body": "x", "extra": ' + '[' * 5000 + ']' * 5000 + '}',
    json.dumps({"title": "to", "body": "Thân bài.", "extra": "y" * 3_000_000}, ensure_ascii=False),
    json.dumps({"title": "bình thường", "body": "Hà Nội mưa to."}, ensure_ascii=False),
]
open('c/nested.jsonl', 'w').write('\n'.join(rows) + '\n')
PY
run "$TRANG" ingest --no-plugins --max-size 16M c
check "the run ends with status 1 (some inputs refused)" 1 "$RC"
check_match "folders nested past 256 levels are reported" "folders nested deeper than 256 levels; skipped" "$ERR"
check_match "a symbolic-link loop is reported, not followed" "c/loop/c: symbolic link loop" "$ERR"
check_match "a single line over the size limit is refused by name" "c/long.txt: " "$ERR"
check_match "... with the limit and the way out" "over the size limit of 16777216 bytes; raise it with --max-size" \
	"$(printf '%s' "$ERR" | grep long.txt || true)"
check_match "JSON nested too deep is one broken line" "c/nested.jsonl: line 1 (byte" "$ERR"
check "the file name that is not UTF-8 is stored byte for byte" "632FFFFE6E616D652E747874|Tên lạ" \
	"$(q "SELECT hex(path), title FROM articles WHERE title = 'Tên lạ'")"
check "the shallow file next to the deep folder loads" 1 "$(q "SELECT count(*) FROM articles WHERE path = 'c/deep/shallow.txt'")"
check "a JSON line with a 3 MB value loads" 1 "$(q "SELECT count(*) FROM articles WHERE title = 'to' AND length(extra) > 3000000")"
check "the other JSON line loads" 1 "$(q "SELECT count(*) FROM articles WHERE title = 'bình thường'")"
run "$TRANG" ingest --no-plugins --max-size 32M c/long.txt
check "with --max-size the long line loads" 0 "$RC"
# 26,000,000 bytes less the final space: pieces of at most 64 KB cut at
# spaces, each cut dropping one space, nothing else lost.
check "... as paragraphs of at most 64 KB that add up to the whole line" "1|1|25999999" \
	"$(q "SELECT count(*) > 390, max(length(CAST(p.text AS BLOB))) <= 65536,
	        sum(length(CAST(p.text AS BLOB))) + count(*) - 1
	      FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = 'c/long.txt'")"
run "$TRANG" search 'Câu dài'
check "... and is searchable" 0 "$RC"
for query in '"a" OR "b' 'title:foo' '*' 'NEAR(' ') OR (' "'; DROP TABLE articles; --"; do
	run "$TRANG" search "$query"
	check "query $query: no crash, clear status" 1 "$([ $RC -le 1 ] && echo 1 || echo "status $RC")"
done
check "the corpus is intact after hostile queries" "integrity   ok" "$("$TRANG" stats --check)"
