# lib.sh: what the bench scripts share (sourced; WORK must be set).

# median and spread (max - min) of numbers on stdin
stats() { sort -g | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", m, v[NR] - v[1]}'; }

# timed FILE CMD...: appends "seconds maxrss_kb" of one run of CMD to FILE;
# a failed run stops the bench
timed() {
	timed_or_fail "$@" || exit 1
}

# timed_or_fail FILE CMD...: the same, but a failed run prints its error and
# returns 1, for measures that may fail at a size (a plugin's memory cap)
timed_or_fail() {
	f=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/time.$$" "$@" >/dev/null 2>"$WORK/err.$$" || {
		cat "$WORK/err.$$" >&2
		return 1
	}
	cat "$WORK/time.$$" >>"$f"
}
