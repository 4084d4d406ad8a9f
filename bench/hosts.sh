#!/bin/sh
# Bench note (not a test): what one more host would save on the default
# matrix, from the seconds measured here. These machines have one host,
# so the figures for 2 and 3 are computed, not measured:
#
#   - the build and test seconds of each cell (baseline and series) are
#     the median of the cells `backport run` kept in the cache
#     (<cache>/cells/*/: build/<variant>/build.json "seconds", test/
#     <variant>/result.json "total_s"), builds taken from the cache not
#     counted; a target with no measured cell takes FIELD.md's figures
#     (marked "field");
#   - builds: the compiles ("kernel" seconds) spread over the hosts'
#     slots with distcc ([build] distcc-hosts), N hosts of the same size
#     compiling N times as fast; configuration and the static selftests
#     (compiled and linked in one gcc call, which distcc keeps local)
#     stay on this host;
#   - test runs: one QEMU per host at a time (FIELD.md's TSC finding),
#     each run to the first host that is free, in the matrix's order
#     (baseline, then series, target by target), as `[test] hosts`
#     spreads them; the makespan is when the last one ends.
#
#   sh bench/hosts.sh [<max hosts>]		# default 3
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${BACKPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backport}
matrix="$top/matrix/default.conf"
max=${1:-3}

# The targets: each branch's tip, and its older releases as branch@v.
targets() {
	git config -f "$matrix" --get-regexp '^branch\..*\.release$' |
	awk '{ sub(/^branch\./, "", $1); sub(/\.release$/, "", $1);
	       n[$1]++; r[$1, n[$1]] = $2; if (!($1 in seen)) { seen[$1] = 1; o[++k] = $1 } }
	     END { for (i = 1; i <= k; i++) { b = o[i];
		     for (j = 1; j < n[b]; j++) print b "@v" r[b, j]; print b } }'
}

# One line per measured cell and variant: target variant build kernel test
measured() {
	for c in "$cache"/cells/*/; do
		[ -f "$c/cell.json" ] || continue
		t=$(jq -r '.target // empty' "$c/cell.json")
		for v in baseline series; do
			b="$c/build/$v/build.json" r="$c/test/$v/result.json"
			[ -f "$b" ] && [ -f "$r" ] || continue
			jq -r --arg t "$t" --arg v "$v" --slurpfile r "$r" '
				select(.cached != true) |
				"\($t) \($v) \([.seconds[]] | add) \(.seconds.kernel // 0) \($r[0].total_s)"' "$b"
		done
	done
}

# FIELD.md: cold tiny KVM kernel, selftests build and set, per version;
# a series build recompiles what it touched (about 20 s here) and links.
field() {
	case $1 in
	linux-6.1.y*) k=335 t=92 ;;
	linux-7.2.y*) k=420 t=338 ;;	# none for 7.2: 7.3's
	linux-7.3.y*) k=420 t=338 ;;
	*) k=374 t=129 ;;
	esac
	echo "$1 baseline $((k + 40)) $k $t field"
	echo "$1 series 55 20 $t field"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
measured >"$tmp"
for t in $(targets); do
	for v in baseline series; do
		if grep -q "^$t $v " "$tmp"; then
			n=$(grep -c "^$t $v " "$tmp")
			printf "%s %s" "$t" "$v"
			for col in 3 4 5; do
				grep "^$t $v " "$tmp" | cut -d" " -f$col | sort -n |
				awk '{ x[NR] = $1 } END { printf " %.1f", x[int((NR + 1) / 2)] }'
			done
			echo " measured($n)"
		else
			field "$t" | grep " $v "
		fi
	done
done | awk -v max="$max" '
{ tgt[NR] = $1; var[NR] = $2; build[NR] = $3; kern[NR] = $4; test[NR] = $5; src[NR] = $6 }
END {
	printf "%-24s %-8s %8s %8s %8s  %s\n", "target", "variant", "build_s",
	       "compile", "test_s", "from"
	for (i = 1; i <= NR; i++)
		printf "%-24s %-8s %8.1f %8.1f %8.1f  %s\n", tgt[i], var[i],
		       build[i], kern[i], test[i], src[i]
	printf "\n%5s %10s %10s %10s %10s\n", "hosts", "build_s", "test_s",
	       "total_s", "saved"
	for (n = 1; n <= max; n++) {
		b = 0
		for (i = 1; i <= NR; i++)
			b += build[i] - kern[i] + kern[i] / n
		for (h = 1; h <= n; h++)
			free_at[h] = 0
		for (i = 1; i <= NR; i++) {
			f = 1
			for (h = 2; h <= n; h++)
				if (free_at[h] < free_at[f])
					f = h
			free_at[f] += test[i]
		}
		t = 0
		for (h = 1; h <= n; h++)
			if (free_at[h] > t)
				t = free_at[h]
		if (n == 1)
			total1 = b + t
		printf "%5d %10.0f %10.0f %10.0f %9.0f%%\n", n, b, t, b + t,
		       100 * (total1 - b - t) / total1
	}
}'
