# Plugins during ingest: on_article sees every stored article after its batch
# commits (and may write its own tables), on_ingest_done gets the summary; a
# plugin that errors or spins ends that call only, is recorded with the
# article, and the ingest and the other plugin go on.
cp -r "$ROOT/data" .
P=$ROOT/tests/fixtures/plugins/ingest
run "$TRANG" ingest --plugins "$P" data
check "the ingest succeeds whatever the plugins do" 0 "$RC"
check_match "plugin failures are counted in the summary" "5 added, 0 updated, 0 unchanged, 0 duplicates, 0 errors, 2 plugin failures" "$OUT"
check "the recorder saw every article, with its title and paragraphs" \
"data/000_ff61b2ae6268f316.txt||11
data/001_896934f668629f3f.txt||8
data/002_284386b4119fe209.txt|Tổng Bí thư, Chủ tịch nước Tô Lâm điện đàm với Tổng thống Nga Vladimir Putin|10
data/003_4a1d6724c2426e03.txt|Tổng thống V. Putin: 'Tôi coi Tổng Bí thư Tô Lâm là người bạn thân thiết'|15
data/004_db0d6097c09fedcf.txt|Tổng Bí thư, Chủ tịch nước Tô Lâm điện đàm với Tổng thống Nga Putin|10" \
	"$(q 'SELECT path, title, paragraphs FROM plugin_recorder_seen ORDER BY path')"
check "on_ingest_done got the summary" "plugin_recorder|5|0" \
	"$(q "SELECT ns, json_extract(value, '$.added'), json_extract(value, '$.unchanged') FROM trang_kv WHERE key = 'last_summary'")"
check "the error is recorded with plugin, hook and article" "crashy|on_article|data/002_284386b4119fe209.txt|error" \
	"$(q "SELECT plugin, hook, article_path, reason FROM plugin_errors WHERE article_path LIKE '%002_%'")"
check "the endless loop is ended by the plugin's time budget" "crashy|data/003_4a1d6724c2426e03.txt|timeout" \
	"$(q "SELECT plugin, article_path, reason FROM plugin_errors WHERE article_path LIKE '%003_%'")"
check "... with a traceback" 1 "$(q "SELECT count(*) FROM plugin_errors WHERE article_path LIKE '%002_%' AND traceback LIKE '%init.lua%'")"
check "trang.log records go to the logs table too" "info|plugin recorder|recorded 5 new articles" \
	"$(q "SELECT level, origin, message FROM logs")"
printf 'trang.log.warn("from a script")\ntrang.log.debug("debug is not stored")\n' >log.lua
"$TRANG" run log.lua 2>/dev/null
check "... from scripts as well, info and above" "warn|log.lua|from a script" \
	"$(q "SELECT level, origin, message FROM logs WHERE origin = 'log.lua'")"
run "$TRANG" ingest --plugins "$P" data
check "an unchanged corpus gives no articles to on_article" 5 "$(q 'SELECT count(*) FROM plugin_recorder_seen')"
run "$TRANG" ingest --no-plugins data
check "--no-plugins runs no hooks" "" "$(printf '%s' "$OUT" | grep 'plugin failures')"
