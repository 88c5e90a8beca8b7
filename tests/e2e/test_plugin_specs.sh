# The shipped plugins' own specs (plugins/*/*_spec.lua, run by trang test):
# every one passes, on data/ and the small inputs they build.
run sh -c 'cd "$ROOT" && "$TRANG" test plugins'
check "trang test plugins passes" 0 "$RC"
check_match "... and reports no failure" " passed, 0 failed" "$OUT"
check "... with the specs of every shipped plugin that has some" \
	"$(ls "$ROOT"/plugins/*/*_spec.lua | wc -l)" "$(printf '%s\n' "$OUT" | grep -c '^plugins/.*_spec\.lua$' || true)"
