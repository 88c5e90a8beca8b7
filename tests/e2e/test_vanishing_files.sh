# Files that change or vanish while an ingest reads them: each gets its
# message, nothing crashes, the database stays consistent, and the next run
# matches what is on disk.
python3 - <<'PY'
import os
for d in range(20):
    os.makedirs(f'c/{d:02}')
    for i in range(150):
        open(f'c/{d:02}/{i:03}.txt', 'w').write(f'title: Bài {d}-{i}\n\nĐoạn văn số {i} của thư mục {d}.\n')
PY
# Delete, rewrite and grow files while the ingest runs.
python3 - <<'PY' &
import os, random, time
random.seed(7)
end = time.time() + 4
while time.time() < end:
    d, i = random.randrange(20), random.randrange(150)
    p = f'c/{d:02}/{i:03}.txt'
    r = random.random()
    try:
        if r < 0.4:
            os.remove(p)
        elif r < 0.8:
            open(p, 'w').write(f'title: Bài {d}-{i} sửa\n\nĐoạn mới.\n')
        else:
            with open(p, 'a') as f:
                f.write('Thêm một câu.\n' * 50)
    except FileNotFoundError:
        pass
    time.sleep(0.001)
PY
mutator=$!
i=0 worst=0
while kill -0 $mutator 2>/dev/null; do
	"$TRANG" ingest --no-plugins --no-progress c >/dev/null 2>"$TMP/err.$i"
	rc=$?
	[ $rc -gt $worst ] && worst=$rc
	i=$((i + 1))
done
wait $mutator
check "ingests during the changes end with status 0 or 1, never a crash" 1 "$([ $worst -le 1 ] && echo 1 || echo "$worst")"
check "there were several of them" 1 "$([ $i -ge 2 ] && echo 1 || echo 0)"
cat "$TMP"/err.* >"$TMP/all.err"
# A file caught between its truncation and its rewrite reads as empty: that
# is refused and its stored version kept, as for any file that went bad.
check "every problem is a file that vanished, is gone since the last run or was caught empty, named" "" \
	"$(grep -v -e ': vanished before it could be read (No such file or directory); nothing stored for it changed$' \
		-e ': gone from disk; still stored (use --prune to remove it)$' \
		-e ': empty file; nothing to load$' -e ': the version stored earlier is kept$' \
		"$TMP/all.err" | grep -v '^ingest:' || true)"
check "integrity after the changes" ok "$(q 'PRAGMA integrity_check')"
run "$TRANG" ingest --no-plugins --no-progress --prune c
check "the next run completes" 0 "$RC"
check "the database holds exactly the files on disk" "$(find c -name '*.txt' | wc -l)" "$(q 'SELECT count(*) FROM files')"
check "... each with its current text" 0 "$(for f in $(grep -l '^title: ' -r c | sort | head -300); do
	t=$(sed -n 1p "$f" | sed 's/^title: //')
	[ "$(q "SELECT title FROM articles WHERE path = '$f'")" = "$t" ] || echo "$f"
done | wc -l)"
check "integrity" ok "$(q 'PRAGMA integrity_check')"
