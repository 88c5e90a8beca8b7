# The development corpus (2,653 real articles): ingested twice, the second
# run reports every article unchanged; the database checks out.
CORPUS=$ROOT/../shared/corpus/dantri-unc
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/dantri-unc
run "$TRANG" ingest "$CORPUS"
check "first ingest exits 0" 0 "$RC"
check_match "all added" "2653 added, 0 updated, 0 unchanged, 0 duplicates, 0 errors" "$OUT"
run "$TRANG" ingest "$CORPUS"
check_match "second ingest: every article unchanged" "0 added, 0 updated, 2653 unchanged, 0 duplicates, 0 errors" "$OUT"
check "integrity" ok "$(q 'PRAGMA integrity_check')"
check "header metadata read" 2653 "$(q 'SELECT count(*) FROM articles WHERE title IS NOT NULL AND date IS NOT NULL AND url IS NOT NULL')"
check "empty author headers stay NULL unless the text signs it" 0 "$(q "SELECT count(*) FROM articles WHERE author = ''")"
check "every paragraph span cuts its NFC text out of NFC files" 0 \
	"$(q "SELECT count(*) FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE CAST(substr(a.raw, p.s + 1, p.e - p.s) AS TEXT) != p.text AND CAST(a.raw AS TEXT) = a.text")"
