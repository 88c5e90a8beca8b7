# Schema 1 stored each article's text next to its raw bytes; schema 2 keeps
# it (articles.body_nfc) only when it is not raw's body, and articles.text is
# generated. A schema 1 database reads as before and is upgraded, once, by the
# next run that opens it to write, with the same contents.
mkdir corpus
cp "$ROOT"/data/*.txt corpus/
cp "$ROOT/tests/fixtures/search/dien-dam-nfd.txt" corpus/            # NFD: text differs from raw
cp "$ROOT/tests/fixtures/bad/ok_bom_crlf.txt" corpus/               # BOM and CRLF: so does this one
run "$TRANG" ingest corpus
check "ingest of the corpus" 0 "$RC"
check "schema 2" 2 "$(q "SELECT value FROM meta WHERE key = 'schema_version'")"
check "only the NFD and CRLF articles keep a text of their own" "corpus/dien-dam-nfd.txt
corpus/ok_bom_crlf.txt" "$(q 'SELECT path FROM articles WHERE body_nfc IS NOT NULL ORDER BY path')"
check "every other article's text is its raw body" 0 \
	"$(q 'SELECT count(*) FROM articles WHERE body_nfc IS NULL AND CAST(text AS BLOB) <> substr(raw, body_offset + 1)')"
check "the NFD article's text is NFC" 1 \
	"$(q "SELECT text LIKE '%điện đàm%' FROM articles WHERE path = 'corpus/dien-dam-nfd.txt'")"
before=$(signature "$DB")
rows_before=$(q 'SELECT id, path, title, date, url, author, source, extra, hex(raw), body_offset, text FROM articles ORDER BY id' | md5sum)

# Turn it back into schema 1: the same rows, text stored in every one.
sqlite3 -batch "$DB" "
PRAGMA foreign_keys=OFF;
BEGIN;
CREATE TABLE articles_v1(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES files(id),
  line INTEGER, path TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE,
  title TEXT, date TEXT, url TEXT, author TEXT, source TEXT, extra TEXT,
  raw BLOB NOT NULL, body_offset INTEGER NOT NULL, text TEXT NOT NULL);
INSERT INTO articles_v1 SELECT id, file_id, line, path, hash, title, date, url, author, source, extra,
  raw, body_offset, text FROM articles;
DROP TABLE articles;
ALTER TABLE articles_v1 RENAME TO articles;
CREATE INDEX articles_file ON articles(file_id);
CREATE INDEX articles_date ON articles(date);
UPDATE meta SET value = '1' WHERE key = 'schema_version';
COMMIT;"
check "made a schema 1 database" "1|0" \
	"$(q "SELECT (SELECT value FROM meta WHERE key = 'schema_version'), count(*) FROM pragma_table_xinfo('articles') WHERE name = 'body_nfc'")"

run "$TRANG" search "điện đàm"
check "schema 1 is read as it is" 0 "$RC"
check "reading does not upgrade it" 1 "$(q "SELECT value FROM meta WHERE key = 'schema_version'")"

run "$TRANG" ingest corpus
check "the next ingest upgrades it" 0 "$RC"
check_match "and says so" "upgrading the database to schema 2" "$ERR"
check_match "nothing to ingest" "0 added, 0 updated, 7 unchanged" "$OUT"
check "schema 2 after the upgrade" "2|1" \
	"$(q "SELECT (SELECT value FROM meta WHERE key = 'schema_version'), count(*) FROM pragma_table_xinfo('articles') WHERE name = 'body_nfc'")"
check "the same articles, ids and texts" "$rows_before" \
	"$(q 'SELECT id, path, title, date, url, author, source, extra, hex(raw), body_offset, text FROM articles ORDER BY id' | md5sum)"
check "the same database otherwise" "$before" "$(signature "$DB")"
check "texts kept only where they differ" 2 "$(q 'SELECT count(*) FROM articles WHERE body_nfc IS NOT NULL')"
check "references and pages intact" "ok" "$(q 'PRAGMA foreign_key_check; PRAGMA integrity_check')"
check "the indexes are back" "articles_date
articles_file" "$(q "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'articles' AND sql IS NOT NULL ORDER BY name")"

run "$TRANG" ingest corpus
check "no second upgrade" "0|" "$RC|$(printf '%s' "$ERR" | grep upgrading)"
