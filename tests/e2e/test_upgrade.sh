# Schema 1 stored each article's, paragraph's and sentence's text next to the
# raw bytes it comes from; schema 3 keeps a text only where it is not raw's
# (articles.body_nfc, paragraph_spans.text, sentence_spans.text), and
# articles.text, the views paragraphs and sentences read raw. A schema 1
# database reads as before and is upgraded, once, by the next run that opens
# it to write, with the same contents.
mkdir corpus
cp "$ROOT"/data/*.txt corpus/
cp "$ROOT/tests/fixtures/search/dien-dam-nfd.txt" corpus/            # NFD: text differs from raw
cp "$ROOT/tests/fixtures/bad/ok_bom_crlf.txt" corpus/               # BOM and CRLF: so does this one
run "$TRANG" ingest corpus
check "ingest of the corpus" 0 "$RC"
check "schema 3" 3 "$(q "SELECT value FROM meta WHERE key = 'schema_version'")"
check "only the NFD and CRLF articles keep a text of their own" "corpus/dien-dam-nfd.txt
corpus/ok_bom_crlf.txt" "$(q 'SELECT path FROM articles WHERE body_nfc IS NOT NULL ORDER BY path')"
check "every other article's text is its raw body" 0 \
	"$(q 'SELECT count(*) FROM articles WHERE body_nfc IS NULL AND CAST(text AS BLOB) <> substr(raw, body_offset + 1)')"
check "the NFD article's text is NFC" 1 \
	"$(q "SELECT text LIKE '%điện đàm%' FROM articles WHERE path = 'corpus/dien-dam-nfd.txt'")"
check "only the NFD article's paragraphs and sentences keep a text" "corpus/dien-dam-nfd.txt" "$(q 'SELECT DISTINCT a.path FROM paragraph_spans p JOIN articles a ON a.id = p.article_id
	WHERE p.text IS NOT NULL UNION SELECT a.path FROM sentence_spans x JOIN articles a ON a.id = x.article_id
	WHERE x.text IS NOT NULL ORDER BY 1')"
check "the views give every paragraph and sentence its text" "0|0" \
	"$(q "SELECT (SELECT count(*) FROM paragraphs WHERE text IS NULL OR text = ''),
	             (SELECT count(*) FROM sentences WHERE text IS NULL OR text = '')")"
check_match "the search reads the paragraphs view" "corpus/dien-dam-nfd.txt" "$("$TRANG" search "dien dam" 2>&1)"
before=$(signature "$DB")
own_before=$(q 'SELECT (SELECT count(*) FROM articles WHERE body_nfc IS NOT NULL), (SELECT count(*) FROM paragraph_spans WHERE text IS NOT NULL), count(*) FROM sentence_spans WHERE text IS NOT NULL')
rows_before=$(q 'SELECT id, path, title, date, url, author, source, extra, hex(raw), body_offset, text FROM articles ORDER BY id' | md5sum)

# Turn it back into schema 1: the same rows, a text stored in every one.
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
CREATE TABLE paragraphs_v1(
  id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
  idx INTEGER NOT NULL, kind TEXT NOT NULL, s INTEGER NOT NULL, e INTEGER NOT NULL, text TEXT NOT NULL);
INSERT INTO paragraphs_v1 SELECT id, article_id, idx, kind, s, e, text FROM paragraphs;
CREATE TABLE sentences_v1(
  id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
  paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id),
  idx INTEGER NOT NULL, s INTEGER NOT NULL, e INTEGER NOT NULL, text TEXT NOT NULL);
INSERT INTO sentences_v1 SELECT id, article_id, paragraph_id, idx, s, e, text FROM sentences;
DROP VIEW sentences;
DROP VIEW paragraphs;
DROP TABLE sentence_spans;
DROP TABLE paragraph_spans;
DROP TABLE articles;
ALTER TABLE articles_v1 RENAME TO articles;
ALTER TABLE paragraphs_v1 RENAME TO paragraphs;
ALTER TABLE sentences_v1 RENAME TO sentences;
CREATE INDEX articles_file ON articles(file_id);
CREATE INDEX articles_date ON articles(date);
CREATE INDEX paragraphs_article ON paragraphs(article_id, idx);
CREATE INDEX sentences_article ON sentences(article_id, idx);
UPDATE meta SET value = '1' WHERE key = 'schema_version';
COMMIT;"
check "made a schema 1 database" "1|0|table|table" \
	"$(q "SELECT (SELECT value FROM meta WHERE key = 'schema_version'), count(*),
	             (SELECT type FROM sqlite_schema WHERE name = 'paragraphs'),
	             (SELECT type FROM sqlite_schema WHERE name = 'sentences')
	      FROM pragma_table_xinfo('articles') WHERE name = 'body_nfc'")"

run "$TRANG" search "điện đàm"
check "schema 1 is read as it is" 0 "$RC"
check "reading does not upgrade it" 1 "$(q "SELECT value FROM meta WHERE key = 'schema_version'")"

run "$TRANG" ingest corpus
check "the next ingest upgrades it" 0 "$RC"
check_match "and says so" "upgrading the database to schema 3" "$ERR"
check_match "nothing to ingest" "0 added, 0 updated, 7 unchanged" "$OUT"
check "schema 3 after the upgrade" "3|1|view|view" \
	"$(q "SELECT (SELECT value FROM meta WHERE key = 'schema_version'), count(*),
	             (SELECT type FROM sqlite_schema WHERE name = 'paragraphs'),
	             (SELECT type FROM sqlite_schema WHERE name = 'sentences')
	      FROM pragma_table_xinfo('articles') WHERE name = 'body_nfc'")"
check "the same articles, ids and texts" "$rows_before" \
	"$(q 'SELECT id, path, title, date, url, author, source, extra, hex(raw), body_offset, text FROM articles ORDER BY id' | md5sum)"
check "the same database otherwise" "$before" "$(signature "$DB")"
check "texts kept where they differ, as by a fresh ingest" "$own_before" \
	"$(q 'SELECT (SELECT count(*) FROM articles WHERE body_nfc IS NOT NULL), (SELECT count(*) FROM paragraph_spans WHERE text IS NOT NULL), count(*) FROM sentence_spans WHERE text IS NOT NULL')"
check "references and pages intact" "ok" "$(q 'PRAGMA foreign_key_check; PRAGMA integrity_check')"
check "the indexes are back" "articles_date
articles_file
paragraph_spans_article
sentence_spans_article" "$(q "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
	AND tbl_name IN ('articles', 'paragraph_spans', 'sentence_spans') ORDER BY name")"
check "the index agrees with the paragraphs" "integrity   ok" "$("$TRANG" stats --check)"

run "$TRANG" ingest corpus
check "no second upgrade" "0|" "$RC|$(printf '%s' "$ERR" | grep upgrading)"
