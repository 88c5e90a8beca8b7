#!/bin/sh
# Runs every tests/e2e/test_*.sh against the built binary ($TRANG), each in
# its own temporary folder, and prints "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
TRANG=${TRANG:-$ROOT/trang}
export ROOT TRANG
pass=0 fail=0 failed=""
for t in tests/e2e/test_*.sh; do
	[ -n "${E2E_ONLY:-}" ] && case "$t" in *"$E2E_ONLY"*) ;; *) continue ;; esac
	tmp=$(mktemp -d /tmp/trang-e2e.XXXXXX)
	if (cd "$tmp" && TMP="$tmp" sh "$ROOT/tests/e2e/lib.sh" "$ROOT/$t") >"$tmp.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok    $t ($(grep -c '^ok ' "$tmp.log") checks)"
	else
		fail=$((fail + 1))
		failed="$failed $t"
		echo "FAIL  $t"
		sed 's/^/      /' "$tmp.log" | tail -n 40
	fi
	rm -rf "$tmp" "$tmp.log"
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
