# The duplicates plugin on data/: the three reports of the 8 August 2024 call
# (000, 002, 004) are one near-duplicate cluster; 001 and 003 are in none.
PLUG="--plugins $ROOT/plugins"
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1

run "$TRANG" plugin $PLUG run duplicates
check "duplicates exits 0" 0 "$RC"
check "... with nothing on stderr" "" "$ERR"
check_match "... and prints the cluster count" "1 clusters over 5 articles" "$OUT"
check "000, 002 and 004 are one cluster" \
	"000_ff61b2ae6268f316.txt 002_284386b4119fe209.txt 004_db0d6097c09fedcf.txt" \
	"$(q "SELECT group_concat(replace(path, rtrim(path, replace(path, '/', '')), ''), ' ') FROM (SELECT path FROM plugin_duplicates_members WHERE cluster = 1 ORDER BY path)")"
check "001 and 003 are in no cluster" 0 \
	"$(q "SELECT count(*) FROM plugin_duplicates_members WHERE path LIKE '%/001_%' OR path LIKE '%/003_%'")"
check "the representative is 000, the member closest to the others" 1 \
	"$(q "SELECT representative FROM plugin_duplicates_clusters WHERE cluster = 1")"
check "two pairs pass the threshold, with their exact Jaccard similarity" "1|3|0.419
1|5|0.303" "$(q "SELECT a, b, round(similarity, 3) FROM plugin_duplicates_pairs ORDER BY a, b")"

run "$TRANG" plugin $PLUG run duplicates --json
check "duplicates --json exits 0" 0 "$RC"
check "... and is JSON with three members" 3 \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

run "$TRANG" plugin $PLUG run duplicates pairs --csv
check "pairs --csv has a header and two rows (the MinHash estimate last)" "a,b,similarity
1,3,0.419
1,5,0.303" "$(printf '%s\n' "$OUT" | cut -d, -f1-3)"

run "$TRANG" plugin $PLUG run duplicates paragraphs
check "paragraphs exits 0" 0 "$RC"
check "two paragraphs are repeated word for word, each in two articles" "1|1|4
1|3|6
2|1|8
2|5|4" "$(q "SELECT grp, article, paragraph FROM plugin_duplicates_paragraphs ORDER BY grp, article")"
check "a repeated paragraph's span cuts its text from the article" "ok" \
	"$(q "SELECT CASE WHEN substr(CAST(a.raw AS BLOB), p.s, p.e - p.s + 1) = CAST(p.text AS BLOB) THEN 'ok' ELSE 'bad' END FROM plugin_duplicates_paragraphs p JOIN articles a ON a.id = p.article WHERE p.grp = 2 AND p.article = 5")"

run "$TRANG" plugin $PLUG run duplicates clusters --csv
check "clusters --csv: each member's date and similarity to the representative" \
"cluster,size,article,path,date,representative,similarity,best
1,3,1,$ROOT/data/000_ff61b2ae6268f316.txt,,true,,0.419
1,3,3,$ROOT/data/002_284386b4119fe209.txt,,false,0.419,0.419
1,3,5,$ROOT/data/004_db0d6097c09fedcf.txt,,false,0.303,0.303" \
	"$(printf '%s\n' "$OUT" | cut -d, -f1-8)"
