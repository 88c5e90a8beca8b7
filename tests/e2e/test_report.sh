# trang report on data/: one self-contained HTML page, rendered in headless
# Chromium: a screenshot (kept in build/artefacts/report.png, with a PDF of
# the print layout), no console errors, the timeline's events in the DOM, and
# every link landing on a source article or paragraph in the page itself.
PLUG="--plugins $ROOT/plugins"
ART=$ROOT/build/artefacts
mkdir -p "$ART"
# Chromium is needed by this test only: its own package list.
sh "$ROOT/.ci/deps.sh" chromium chromium-driver >/dev/null 2>&1
CHROME=$(command -v chromium || command -v chromium-browser || echo chromium)
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1

run "$TRANG" report $PLUG --out report.html
check "trang report exits 0" 0 "$RC"
check_match "... says what it wrote" "report: wrote report.html" "$OUT"
check_match "... running the analyses that stored nothing yet" "running timeline" "$ERR"
check "no temporary file is left" "" "$(ls report.html.tmp* 2>/dev/null)"

html=$(cat report.html)
check "the page loads nothing: no script, no external link or image" 0 \
	"$(grep -c -i -E '<script|<link |<img |<iframe|src=|url\(|@import' report.html)"
check_match "it has the timeline chart as SVG" '<svg class="timeline-chart"' "$html"
check "the chart has a dot for each of the eleven events" 11 "$(grep -o '<circle class="event' report.html | wc -l)"
check_match "the 8 August call is one dot with three sources" 'data-date="XXXX-08-08" data-sources="3"' "$html"
check_match "the figures table shows 3,63 tỷ USD" "3,63 tỷ USD" "$html"
check_match "the 60.000-80.000 community is a range" "60 000–80 000" "$html"
check_match "the main story is summarised" '<div class="cluster" id="cluster-1">' "$html"
check_match "Tô Lâm is among the people" "Tô Lâm" "$html"

# every internal link lands on an element of the page, and the 8 August event
# links to its three sources' paragraphs, which the page holds
check "every #link has its target in the page" "0 broken" "$(python3 - report.html <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
ids = set(re.findall(r'\bid="([^"]+)"', page))
links = re.findall(r'href="#([^"]+)"', page)
print(len([l for l in links if l not in ids]), "broken")
PY
)"
check "the 8 August event links to paragraphs of 000, 002 and 004" "000 002 004" "$(python3 - report.html <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
item = re.search(r'<li id="event-\d+" class="event-item" data-date="XXXX-08-08">.*?</li>', page, re.S).group(0)
names = sorted({m[:3] for m in re.findall(r'>(\d{3})_[0-9a-f]+\.txt&nbsp;¶\d+<', item)})
print(" ".join(names))
PY
)"

# headless Chromium: the DOM after rendering, console messages, a screenshot
# and the print layout as PDF
URL="file://$TMP/report.html"
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions"
"$CHROME" $CHROME_FLAGS --enable-logging=stderr --v=0 --dump-dom "$URL" >dom.html 2>chrome.log
check "chromium renders the page" 0 "$?"
check "the rendered DOM holds the eleven timeline events" 11 "$(grep -o '<circle class="event' dom.html | wc -l)"
check "... and the event list, with the 24 February meeting" 1 \
	"$(grep -c 'class="event-item" data-date="2026-02-24TAF"' dom.html)"
check "no console message or error while rendering" "" "$(grep -E 'CONSOLE|Uncaught|Failed to load' chrome.log)"
"$CHROME" $CHROME_FLAGS --window-size=1280,2200 --screenshot="$ART/report.png" "$URL" >/dev/null 2>&1
check "a screenshot is kept in build/artefacts/report.png" "PNG" "$(head -c 4 "$ART/report.png" 2>/dev/null | tail -c 3)"
"$CHROME" $CHROME_FLAGS --no-pdf-header-footer --print-to-pdf="$ART/report.pdf" "$URL" >/dev/null 2>&1
check "the print layout renders to PDF" "%PDF" "$(head -c 4 "$ART/report.pdf" 2>/dev/null)"

# the console check can fail: a page with a script error is caught
printf '<!DOCTYPE html><html><body><script>console.error("broken on purpose"); nosuch();</script></body></html>' >bad.html
"$CHROME" $CHROME_FLAGS --enable-logging=stderr --v=0 --dump-dom "file://$TMP/bad.html" >/dev/null 2>bad.log
check_match "a page with console errors would be caught" "broken on purpose" "$(grep CONSOLE bad.log)"

# plumbing: usage errors, no database, the stored results reused
run "$TRANG" report --bogus
check "an unknown option is a usage error" 2 "$RC"
run "$TRANG" --db none.db report $PLUG
check "no database: the work fails" 1 "$RC"
run "$TRANG" report $PLUG --out again.html
check "a second report reuses the stored analyses" "" "$ERR"
check "... and says the same" "$(grep -c '<circle class="event' report.html)" "$(grep -c '<circle class="event' again.html)"
