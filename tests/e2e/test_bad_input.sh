# Every kind of bad input gets one line naming the file (and the byte offset
# where it applies), the run goes on, and the exit status is 1 with a count.
cp -a "$ROOT/tests/fixtures/bad" bad
run "$TRANG" ingest --max-size 2K bad
check "exit status 1 when files were refused" 1 "$RC"
check_match "summary counts the good articles and the errors" "ingest: 3 added, 0 updated, 0 unchanged, 0 duplicates, 13 errors" "$OUT"
check_match "invalid UTF-8 with its offset" "bad/invalid_utf8.txt: invalid UTF-8 at byte 10 (line 1, bytes E0 20 F4: sequence cut short)" "$ERR"
check_match "overlong sequence" "bad/overlong.txt: invalid UTF-8 at byte 4 (line 1, bytes C0 AF 20: overlong encoding)" "$ERR"
check_match "surrogate" "bad/surrogate.txt: invalid UTF-8 at byte 4 (line 1, bytes ED A0 80: UTF-16 surrogate)" "$ERR"
check_match "truncated sequence" "bad/truncated.txt: invalid UTF-8 at byte 15 (line 1, bytes E1 BB: sequence cut short by the end of the file)" "$ERR"
check_match "UTF-16" "bad/utf16.txt: UTF-16 text (byte order mark at offset 0); convert it: iconv -f UTF-16 -t UTF-8" "$ERR"
check_match "NUL byte" "bad/nul_byte.txt: NUL byte at offset 15" "$ERR"
check_match "binary file" "bad/image.txt: binary file" "$ERR"
check_match "empty file" "bad/empty.txt: empty file" "$ERR"
check_match "unreadable file" "bad/dangling.txt: unreadable" "$ERR"
check_match "over the size limit" "bad/too_large.txt: 3301 bytes, over the size limit of 2048 bytes; raise it with --max-size" "$ERR"
check_match "broken JSON line, with line and byte" "bad/mixed.jsonl: line 2 (byte 204): broken JSON" "$ERR"
check_match "a JSON line that is not an object" "bad/mixed.jsonl: line 4 (byte 259): a JSON array, not an object" "$ERR"
check_match "a JSON line without text" "bad/mixed.jsonl: line 5 (byte 269): no article text" "$ERR"
check "other files are passed over in folders" "" "$(printf '%s' "$ERR" | grep notes.md)"
check "one line per problem" 13 "$(printf '%s\n' "$ERR" | grep -c '^trang: ingest: ')"
check "the other lines of the JSON Lines file load" "bad/mixed.jsonl:1 bad/mixed.jsonl:3" \
	"$(q "SELECT group_concat(path, ' ') FROM (SELECT path FROM articles WHERE path LIKE '%.jsonl%' ORDER BY path)")"
check "a BOM and CRLF are accepted silently" "Bài hợp lệ|2024-08-09|3" \
	"$(q "SELECT title, date, (SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id) FROM articles a WHERE path = 'bad/ok_bom_crlf.txt'")"
check "CR is not part of a paragraph's text" 0 "$(q "SELECT count(*) FROM paragraphs WHERE instr(text, char(13)) > 0")"
check "errors are recorded for trang stats" 13 "$(q 'SELECT count(*) FROM ingest_errors WHERE run_id = (SELECT max(id) FROM ingest_runs)')"
run "$TRANG" stats
check_match "stats shows the last run's errors" "error  bad/utf16.txt: UTF-16 text" "$OUT"

# A stored article is kept when its file goes bad.
mkdir good && cp "$ROOT/data/004_db0d6097c09fedcf.txt" good/a.txt
"$TRANG" ingest good >/dev/null 2>&1
printf 'title: x\n\n\377\376 broken\n' >good/a.txt
run "$TRANG" ingest good
check "a file that went bad is an error" 1 "$RC"
check_match "... and its stored version is kept" "good/a.txt: the version stored earlier is kept" "$ERR"
check "the old version is intact" "Tổng Bí thư, Chủ tịch nước Tô Lâm điện đàm với Tổng thống Nga Putin|10" \
	"$(q "SELECT title, (SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id) FROM articles a WHERE path = 'good/a.txt'")"
check "integrity" ok "$(q 'PRAGMA integrity_check')"
