# The ingest pipeline stores the same rows whatever the number of workers:
# one worker and four give identical databases, row for row, and the same
# full-text index, byte for byte. The index is built from terms the workers
# computed ahead (fts_pretokenize); FTS5's own check re-tokenizes every
# paragraph and finds exactly the terms stored.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
mkdir corpus && cp "$CORPUS"/news_business_0*.txt "$CORPUS"/news_world_0*.txt corpus/
cp "$ROOT"/data/*.txt corpus/ && cp corpus/news_world_001.txt corpus/twin.txt
cp -a "$ROOT/tests/fixtures/bad" corpus/bad
"$TRANG" --db "$TMP/one.db" ingest --jobs 1 corpus >/dev/null 2>"$TMP/one.err"
"$TRANG" --db "$TMP/four.db" ingest --jobs 4 corpus >/dev/null 2>"$TMP/four.err"
dump() {
	sqlite3 -batch "$1" "
		SELECT id, path, hash, title, date, url, author, source, extra, hex(raw), text FROM articles ORDER BY id;
		SELECT * FROM article_aliases ORDER BY path;
		SELECT id, article_id, idx, kind, s, e, text FROM paragraphs ORDER BY id;
		SELECT id, article_id, paragraph_id, idx, s, e, text FROM sentences ORDER BY id;
		SELECT id, path, format, size, raw_hash, articles, errors FROM files ORDER BY id;
		SELECT path, line, offset, kind, message FROM ingest_errors ORDER BY rowid;" | md5sum
}
check "a real mix of files was loaded" "$(( $(ls corpus/*.txt | wc -l) - 1 ))" "$(sqlite3 "$TMP/one.db" "SELECT count(*) FROM articles WHERE path NOT LIKE 'corpus/bad/%'")"
check "articles, aliases, paragraphs, sentences, files and errors identical" "$(dump "$TMP/one.db")" "$(dump "$TMP/four.db")"
check "the same messages in the same order" "$(cat "$TMP/one.err")" "$(cat "$TMP/four.err")"
check "the exact duplicate is linked in both" "corpus/twin.txt" "$(sqlite3 "$TMP/four.db" 'SELECT path FROM article_aliases')"
# The index itself: FTS5's segments, their term index, document sizes and
# settings. The shadow tables are plain tables, readable without the tokenizer.
fts_dump() {
	sqlite3 -batch "$1" "
		SELECT id, hex(block) FROM paragraphs_fts_data ORDER BY id;
		SELECT segid, hex(term), pgno FROM paragraphs_fts_idx ORDER BY segid, term;
		SELECT id, hex(sz) FROM paragraphs_fts_docsize ORDER BY id;
		SELECT k, v FROM paragraphs_fts_config ORDER BY k;" | md5sum
}
check "the index has one document size per paragraph" "$(sqlite3 "$TMP/one.db" 'SELECT count(*) FROM paragraphs')" \
	"$(sqlite3 "$TMP/four.db" 'SELECT count(*) FROM paragraphs_fts_docsize')"
check "full-text index identical, byte for byte" "$(fts_dump "$TMP/one.db")" "$(fts_dump "$TMP/four.db")"
check "the index holds what tokenizing each paragraph gives (one worker)" "integrity   ok" \
	"$("$TRANG" --db "$TMP/one.db" stats --check)"
check "the index holds what tokenizing each paragraph gives (four workers)" "integrity   ok" \
	"$("$TRANG" --db "$TMP/four.db" stats --check)"
check "the same search results" "$("$TRANG" --db "$TMP/one.db" search --json --limit 50 'dien dam' 2>&1)" \
	"$("$TRANG" --db "$TMP/four.db" search --json --limit 50 'dien dam' 2>&1)"
