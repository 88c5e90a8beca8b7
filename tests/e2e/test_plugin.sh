# Plugins: the shipped ones check and pass their specs; broken manifests are
# refused naming the file; commands run; failures are recorded and disable a
# plugin after three in a row; trang test and trang doctor report and exit right.
export HOME="$TMP/home"
mkdir -p "$HOME"
SHIPPED="$ROOT/plugins"
BROKEN="$ROOT/tests/fixtures/plugins/broken"
HOSTILE="$ROOT/tests/fixtures/plugins/hostile"

run "$TRANG" plugin --plugins "$SHIPPED" check
check "plugin check on the shipped plugins exits 0" 0 "$RC"
check_match "... hello is ok" "ok     hello 1.0.0" "$OUT"
check_match "... wordfreq is ok" "ok     wordfreq 1.0.0" "$OUT"

run "$TRANG" plugin list
check "plugin list with no plugins exits 0" 0 "$RC"
check_match "... and says where it looked" "no plugins (looked in ./plugins" "$OUT"

run "$TRANG" plugin --plugins "$SHIPPED" list
check_match "plugin list shows hello's version and state" "hello            1.0.0      ok" "$OUT"

run "$TRANG" plugin --plugins "$SHIPPED" info hello
check_match "plugin info shows the option" "greeting (string, default Xin chào): how to greet" "$OUT"
check_match "plugin info shows the job" "daily_greeting: cron 0 8 * * *" "$OUT"
check_match "plugin info shows the hooks" "on_article on_ingest_done health" "$OUT"

run "$TRANG" plugin --plugins "$SHIPPED" run hello greet Lan
check "plugin run hello greet Lan" "Xin chào, Lan!" "$OUT"
run "$TRANG" plugin --plugins "$SHIPPED" run hello
check "plugin run without a command runs main" "Xin chào, bạn!" "$OUT"
run "$TRANG" plugin --plugins "$SHIPPED" --set greeting=Chào run hello greet Minh
check "--set replaces an option's default" "Chào, Minh!" "$OUT"
run "$TRANG" plugin --plugins "$SHIPPED" --set top=many run wordfreq
check "--set with a value of the wrong type exits 2" 2 "$RC"
check_match "... naming the type" "option top wants an integer, not 'many'" "$ERR"
run "$TRANG" plugin --plugins "$SHIPPED" --set colour=red run hello
check_match "--set of an undeclared option is refused" "hello has no option 'colour'" "$ERR"
run "$TRANG" plugin --plugins "$SHIPPED" run hello nope
check "an unknown plugin command exits 2" 2 "$RC"
check_match "... and lists the commands" "its commands: " "$ERR"
run "$TRANG" plugin --plugins "$SHIPPED" run nosuch
check "an unknown plugin exits 1" 1 "$RC"

# Broken manifests: refused, each naming its file.
run "$TRANG" plugin --plugins "$BROKEN" check
check "plugin check with broken plugins exits 1" 1 "$RC"
check_match "a manifest calling a function is refused" \
	"error  calls: $BROKEN/calls/plugin.lua: refused: it calls a function" "$OUT"
check_match "a manifest that loops is refused" \
	"error  loops: $BROKEN/loops/plugin.lua: refused: it runs too long" "$OUT"
check_match "a manifest with a function field is refused" \
	"error  notdata: $BROKEN/notdata/plugin.lua: manifest: unknown field 'on_article'" "$OUT"
check_match "a bad version is named" \
	"error  badsemver: $BROKEN/badsemver/plugin.lua: field 'version': '1.0' is not a semantic version" "$OUT"
check_match "a missing dependency is named" "requires nothere >=1.2 <2, which is not installed" "$OUT"
check_match "an init.lua that fails is reported" "initfails: does not load: " "$OUT"
run "$TRANG" plugin --plugins "$BROKEN" list
check_match "plugin list shows broken plugins as broken" "loops            ?          broken" "$OUT"

# Search path: ~/.local/share/trang/plugins, shadowed by ./plugins.
mkdir -p "$HOME/.local/share/trang/plugins" plugins
cp -r "$SHIPPED/hello" "$HOME/.local/share/trang/plugins/"
run "$TRANG" plugin list
check_match "plugins in ~/.local/share/trang/plugins are found" "hello            1.0.0      ok" "$OUT"
cp -r "$SHIPPED/hello" plugins/
run "$TRANG" plugin list
check_match "./plugins shadows ~/.local/share" "hello in $HOME/.local/share/trang/plugins is shadowed by plugins" "$OUT"
rm -rf plugins "$HOME/.local/share/trang"

# Failures are recorded; three in a row disable the plugin.
"$TRANG" ingest "$ROOT/data" >/dev/null 2>&1
for i in 1 2 3; do
	run "$TRANG" plugin --plugins "$HOSTILE" run escaper readfile
done
check "a failing command exits 1" 1 "$RC"
check_match "... saying why" "outside its declared directories" "$ERR"
check "failures are recorded with hook and reason" "3|command:readfile|error" \
	"$(q "SELECT count(*), hook, reason FROM plugin_errors WHERE plugin = 'escaper'")"
run "$TRANG" plugin --plugins "$HOSTILE" list
check_match "plugin list shows the disabled plugin and why" \
	"escaper          1.0.0      disabled  3 failures in a row; last: command:readfile" "$OUT"
run "$TRANG" plugin --plugins "$HOSTILE" run escaper inside
check "a disabled plugin does not run" 1 "$RC"
run "$TRANG" plugin enable escaper
run "$TRANG" plugin --plugins "$HOSTILE" run escaper inside
check "plugin enable lets it run again" "inside ok" "$OUT"

# fs.write:<dir> allows that folder (relative to the working directory) only.
mkdir reports
run "$TRANG" plugin --plugins "$HOSTILE" run writer inside
check "fs.write:reports lets a plugin write in reports/" "written" "$(cat reports/report.txt 2>&1)"
run "$TRANG" plugin --plugins "$HOSTILE" run writer outside
check "writing outside the declared folder fails" 1 "$RC"
check_match "... refused by the sandbox" "may not write 'report.txt' (outside its declared directories)" "$ERR"
run "$TRANG" plugin --plugins "$HOSTILE" run writer escape
check_match "'..' does not leave the declared folder" "may not write 'reports/../report.txt'" "$ERR"
check "nothing was written outside" "no" "$([ -e report.txt ] && echo yes || echo no)"

# wordfreq on the sample articles.
run "$TRANG" plugin --plugins "$SHIPPED" run wordfreq syllables 3
check "wordfreq syllables 3 prints three lines" 3 "$(printf '%s\n' "$OUT" | grep -c "$(printf '^[0-9][0-9]*\t')")"
run "$TRANG" plugin --plugins "$SHIPPED" run wordfreq by_period 2 month
check_match "wordfreq by_period groups by month" "== 2026-02" "$OUT"

# trang test
run "$TRANG" test "$SHIPPED/hello"
check "trang test plugins/hello exits 0" 0 "$RC"
check_match "... and all its specs pass" "5 passed, 0 failed" "$OUT"
mkdir specs
cat > specs/failing_spec.lua <<'SPEC'
describe("arithmetic", function()
	it("is wrong on purpose", function() assert.equals(3, 1 + 1) end)
	it("is right", function() assert.same({ 1, { 2 } }, { 1, { 2 } }) end)
end)
SPEC
run "$TRANG" test specs
check "a failing spec exits 1" 1 "$RC"
check_match "... naming the failure" "expected 3, got 2" "$OUT"
check_match "... and counting" "1 passed, 1 failed" "$OUT"
run "$TRANG" test "$TMP/nothing-here"
check "trang test of a missing path exits 1" 1 "$RC"

# trang doctor
run "$TRANG" doctor --plugins "$SHIPPED"
check "doctor exits 0 on a sound installation" 0 "$RC"
check_match "doctor checks the schema" "ok     schema version 3" "$OUT"
check_match "doctor runs a plugin's health()" "ok     health: greeting is 'Xin chào'" "$OUT"
check_match "doctor checks each declared job" "ok     job daily_greeting has its function" "$OUT"
run "$TRANG" doctor --plugins "$BROKEN"
check "doctor exits 1 when a plugin is broken" 1 "$RC"
check_match "doctor names the broken manifest" "error  manifest: $BROKEN/loops/plugin.lua: refused" "$OUT"
