# Incremental ingest: changed files replace their old version, exact
# duplicates are stored once and linked, deleted files are reported and pruned.
mkdir corpus
cp "$ROOT"/data/*.txt corpus/
"$TRANG" ingest corpus >/dev/null 2>&1
P2=corpus/002_284386b4119fe209.txt
old_id=$(q "SELECT id FROM articles WHERE path = '$P2'")

printf '\nMột đoạn mới được thêm vào. Câu thứ hai.\n' >>"$P2"
run "$TRANG" ingest corpus
check_match "a changed file is updated" "0 added, 1 updated, 4 unchanged, 0 duplicates, 0 errors" "$OUT"
check "the new version replaces the old one" 1 "$(q "SELECT count(*) FROM articles WHERE path = '$P2'")"
check "its new paragraph is stored" 1 \
	"$(q "SELECT count(*) FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = '$P2' AND p.text = 'Một đoạn mới được thêm vào. Câu thứ hai.'")"
check "no paragraphs of the old version are left" 0 "$(q "SELECT count(*) FROM paragraphs WHERE article_id = $old_id")"
run "$TRANG" search --json them
check "the index finds the new paragraph (folded: them finds thêm)" 1 \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "the index matches its content table" "integrity   ok" "$("$TRANG" stats --check)"

touch corpus/*.txt
run "$TRANG" ingest corpus
check_match "touched but unchanged files are unchanged" "0 added, 0 updated, 5 unchanged" "$OUT"

cp "$P2" corpus/copy-of-002.txt
run "$TRANG" ingest corpus
check_match "an exact duplicate is linked, not stored twice" "0 added, 0 updated, 5 unchanged, 1 duplicates" "$OUT"
check "stored once" 5 "$(q 'SELECT count(*) FROM articles')"
check "linked to its twin" "corpus/copy-of-002.txt|$P2" \
	"$(q 'SELECT al.path, a.path FROM article_aliases al JOIN articles a ON a.id = al.article_id')"

printf '\357\273\277' >corpus/crlf-002.txt
sed 's/$/\r/' "$P2" >>corpus/crlf-002.txt
run "$TRANG" ingest corpus
check_match "the same text with a BOM and CRLF is a duplicate too" "1 duplicates, 0 errors" "$OUT"
rm corpus/crlf-002.txt
run "$TRANG" ingest --prune corpus
check_match "pruning a duplicate's file drops only its name" "1 pruned" "$OUT"
check "... the article stays" 1 "$(q "SELECT count(*) FROM articles WHERE path = '$P2'")"

rm "$P2"
run "$TRANG" ingest corpus
check_match "a deleted file is reported" "$P2: gone from disk; still stored (use --prune to remove it)" "$ERR"
check "... and kept without --prune" 1 "$(q "SELECT count(*) FROM articles WHERE path = '$P2'")"
run "$TRANG" ingest --prune corpus
check_match "--prune removes it" "1 pruned" "$OUT"
check "the duplicate takes over the article" "corpus/copy-of-002.txt" \
	"$(q "SELECT path FROM articles WHERE title LIKE 'Tổng Bí thư, Chủ tịch nước Tô Lâm điện đàm với Tổng thống Nga Vladimir%'")"
check "no alias is left behind" 0 "$(q 'SELECT count(*) FROM article_aliases')"
check "its paragraphs are still there" 11 \
	"$(q "SELECT count(*) FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE a.path = 'corpus/copy-of-002.txt'")"
check "integrity" ok "$(q 'PRAGMA integrity_check')"
check "database and FTS index consistent" "integrity   ok" "$("$TRANG" stats --check)"
