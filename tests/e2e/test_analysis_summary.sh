# The summary and entities plugins on data/: the near-duplicate cluster of the
# 8 August call (000, 002, 004) is summarised without repeating a sentence
# the articles share; the people are counted with whom they appear.
PLUG="--plugins $ROOT/plugins"
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1
"$TRANG" plugin $PLUG run duplicates >/dev/null 2>&1

run "$TRANG" plugin $PLUG run summary cluster 1
check "summary cluster 1 exits 0" 0 "$RC"
check_match "... of the three articles" "Summary of cluster 1 (3 articles; default method, 3 sentences)" "$OUT"
check "three sentences are stored, each from the cluster" "3" \
	"$(q "SELECT count(*) FROM plugin_summary_sentences s JOIN plugin_summary_summaries m USING (summary) WHERE m.scope = 'cluster' AND s.article IN (1, 3, 5)")"
check "the sentence 000 and 004 share is picked once, naming both" "1" \
	"$(q "SELECT count(*) FROM plugin_summary_sentences WHERE article = 1 AND also LIKE '%004_db0d6097c09fedcf.txt%'")"
check "no two picked sentences say the same (syllable Jaccard under 0.5)" "ok" "$(sqlite3 "$DB" "SELECT text FROM plugin_summary_sentences" | python3 -c '
import sys, re
s = [set(re.findall(r"\w+", l.lower())) for l in sys.stdin.read().splitlines()]
print("ok" if all(len(a & b) / len(a | b) < 0.5 for i, a in enumerate(s) for b in s[i + 1:]) else "repeat")')"
check "every stored span cuts its sentence from the article" 0 \
	"$(q "SELECT count(*) FROM plugin_summary_sentences s JOIN articles a ON a.id = s.article WHERE substr(CAST(a.raw AS BLOB), s.s, s.e - s.s + 1) <> CAST(s.text AS BLOB)")"

run "$TRANG" plugin $PLUG run summary corpus
check "summary corpus exits 0" 0 "$RC"
check "a corpus summary tells three stories: 001, 003 and one sentence of the 8 August cluster" "1 1 1" \
	"$(q "SELECT sum(s.article = 2) || ' ' || sum(s.article = 4) || ' ' || sum(s.article IN (1, 3, 5)) FROM plugin_summary_sentences s JOIN plugin_summary_summaries m USING (summary) WHERE m.scope = 'corpus'")"
check_match "... the 8 August call once" "Ngày 8/8, tại Trụ sở Trung ương Đảng" "$OUT"
check "... not again in other words (Cuộc điện đàm diễn ra ngày 8/8 ...)" 0 \
	"$(printf '%s\n' "$OUT" | grep -c "Cuộc điện đàm diễn ra ngày 8/8")"

run "$TRANG" plugin $PLUG run summary article 2 --sentences 2 --method lead --json
check "lead-2 of 001 as JSON: two sentences" 2 \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check_match "... the first is the lead" "Tối 24-1, Tổng thống Liên bang Nga Vladimir Putin" "$OUT"
run "$TRANG" plugin $PLUG run summary query "điện đàm" --csv
check "summary query exits 0" 0 "$RC"
check_match "... CSV with a header" "rank,article,path,date,paragraph,s,e,score,sentence,also_files" "$OUT"
run "$TRANG" plugin $PLUG run summary article 2 --sentences 0
check "--sentences 0 is refused" 1 "$RC"
run "$TRANG" plugin $PLUG run summary evaluate --csv
check "evaluate compares lead-3 and default on the five articles" "lead-3,5
default,5" "$(printf '%s\n' "$OUT" | tail -n 2 | cut -d, -f1,2)"

run "$TRANG" plugin $PLUG run entities
check "entities exits 0" 0 "$RC"
check "Tô Lâm is the person named most, in all five articles" "person|Tô Lâm|5" \
	"$(q "SELECT kind, name, articles FROM plugin_entities_entities WHERE kind = 'person' ORDER BY mentions DESC LIMIT 1")"
check "... in three stories (the cluster of three counts once)" 3 \
	"$(q "SELECT stories FROM plugin_entities_entities WHERE name = 'Tô Lâm'")"
check "Putin, V. Putin and Vladimir Putin are one person, in all five articles" "Vladimir Putin|5" \
	"$(q "SELECT name || '|' || articles FROM plugin_entities_entities WHERE key LIKE '%putin%'")"
check "the Central Committee's variants (khóa XIV, a stray word after it) are one organisation" 3 \
	"$(q "SELECT articles FROM plugin_entities_entities WHERE name = 'Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam'")"
check "... but not the shorter name, which other committees share" 1 \
	"$(q "SELECT count(*) FROM plugin_entities_entities WHERE name = 'Ban Chấp hành Trung ương'")"
check "Tô Lâm appears with Vladimir Putin in all five articles" 5 \
	"$(q "SELECT p.articles FROM plugin_entities_pairs p JOIN plugin_entities_entities a ON a.entity = p.a JOIN plugin_entities_entities b ON b.entity = p.b WHERE (a.name = 'Tô Lâm' AND b.name = 'Vladimir Putin') OR (b.name = 'Tô Lâm' AND a.name = 'Vladimir Putin')")"
check "first and last dates come from 003, the one dated article" "2026-02-25|2026-02-25" \
	"$(q "SELECT first_date, last_date FROM plugin_entities_entities WHERE name = 'Tô Lâm'")"
check "every mention span cuts its text from the article" 0 \
	"$(q "SELECT count(*) FROM plugin_entities_mentions m JOIN articles a ON a.id = m.article WHERE m.s IS NOT NULL AND substr(CAST(a.raw AS BLOB), m.s, m.e - m.s + 1) <> CAST(m.text AS BLOB)")"
run "$TRANG" plugin $PLUG run entities pairs "Tô Lâm" --csv
check_match "pairs NAME --csv lists its partners" "Tô Lâm,person,Vladimir Putin,person" "$OUT"
run "$TRANG" plugin $PLUG run entities show "V. Putin" --csv
check "show finds a person by a variant of the name" 6 "$(printf '%s\n' "$OUT" | wc -l)"
run "$TRANG" plugin $PLUG run entities --json
check "--json is an array" "list" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(type(json.load(sys.stdin)).__name__)')"
