#!/bin/sh
# bench/build.sh: what `backport build` costs on the real default trees.
#
#   sh bench/build.sh [cold|rebuild|parallel]...	(default: all three)
#
#  cold      minimal (kvm-tiny) vs defconfig (kvm-defconfig) cold builds
#            of linux-6.12.y: empty build directory, ccache off.
#            Target: minimal <= 0.25x defconfig. BENCH_DEFCONFIG=0 skips
#            the defconfig build (about 30 minutes on 2 cores) and
#            compares with FIELD.md's measured 29 min 18 s.
#  rebuild   the series build of linux-6.12.y (its directory copied from
#            the baseline's, only the touched files rebuilt) vs a cold
#            build, and vs make compiling only the touched files and
#            linking (the touched .c files touched by hand, ccache off).
#            Target: rebuild <= 1.3x touched-only.
#  parallel  linux-6.12.y and linux-6.1.y built at once on one shared
#            jobserver (-j2, --parallel 2) vs one after the other (-j2),
#            kernels only (ccache on: the jobserver, not the compiler, is
#            measured).
#
# It uses the user's cache (worktrees, ccache, artefacts) but removes
# the build directories it measures, and never runs two benchmarks at
# once. Results: bench/results/build.txt (and .json per run).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/build/default/backport"
cache=${BACKPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backport}
out="$top/bench/results"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-build.XXXXXX")
S=kvm-x86-mmu
# The target where the seed series changes something (on the tip of
# linux-6.12.y it is already present).
B=linux-6.12.y@v6.12.111
BR=${B%%@*}
mkdir -p "$out"
report="$out/build.txt"
trap 'rm -rf "$work"' EXIT

say() {
	echo "$*" | tee -a "$report"
}

now() {
	date +%s.%N
}

secs() {
	echo "$2 - $1" | bc
}

# seconds of step $2 (config, kernel, selftests) in build.json $1
step() {
	jq -r ".seconds.$2 // 0" "$1"
}

# Build one target cold: fresh build directory, no ccache. Prints the
# seconds of config + kernel.
cold() {
	config=$1 target=$2 res="$work/cold-$1"
	rm -rf "$cache/builds/${target%%@*}/$config"
	CCACHE_DISABLE=1 "$bp" build -q -j2 --force --baseline-only \
		--config "$config" --branch "$target" --results "$res" \
		>"$res.out" 2>&1 || { cat "$res.out"; exit 1; }
	j="$res/build/$target/baseline/build.json"
	cp "$j" "$out/cold-$config.json"
	echo "$(step "$j" config) + $(step "$j" kernel)" | bc
}

bench_cold() {
	say "== cold builds of $B (ccache off, -j2)"
	tiny=$(cold kvm-tiny $B)
	tiny_cold=$tiny
	say "kvm-tiny      cold: $tiny s"
	if [ "${BENCH_DEFCONFIG:-1}" = 0 ]; then
		def=1758
		say "kvm-defconfig cold: $def s (FIELD.md, not measured here)"
	else
		def=$(cold kvm-defconfig $B)
		say "kvm-defconfig cold: $def s"
		rm -rf "$cache/builds/$BR/kvm-defconfig"
	fi
	say "ratio: $(echo "scale=3; $tiny / $def" | bc) (target <= 0.25)"
}

bench_rebuild() {
	say "== rebuild after the series, $B (ccache off, -j2)"
	# The cold build of `cold`, if it ran, left the baseline directory.
	# BENCH_COLD=<seconds>: a cold time measured before, whose build
	# the baseline directory still holds.
	cold_s=${tiny_cold:-${BENCH_COLD:-$(cold kvm-tiny $B)}}
	res="$work/rebuild"
	rm -rf "$cache/builds/$BR/kvm-tiny/series"
	CCACHE_DISABLE=1 "$bp" build -q -j2 --force --series $S \
		--branch $B --results "$res" >"$res.out" 2>&1 || {
		cat "$res.out"; exit 1; }
	j="$res/build/$B/series/build.json"
	cp "$j" "$out/rebuild-series.json"
	rebuild=$(echo "$(step "$j" config) + $(step "$j" kernel)" | bc)
	# The floor: make compiling only the touched files, then linking.
	src="$cache/worktrees/$BR/src"
	o="$cache/builds/$BR/kvm-tiny/series"
	for f in $(jq -r '.touched[] | select(endswith(".c"))' "$j"); do
		touch "$src/$f"
	done
	t0=$(now)
	# The same command line and environment as backport's make, or
	# kbuild rebuilds everything whose command changed.
	CCACHE_DISABLE=1 KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=backport \
		KBUILD_BUILD_HOST=backport LC_ALL=C make -s -C "$src" O="$o" \
		-j2 "CC=ccache gcc" "HOSTCC=ccache gcc" bzImage \
		>"$work/floor.log" 2>&1
	floor=$(secs "$t0" "$(now)")
	say "cold build:              $cold_s s"
	say "series rebuild:          $rebuild s ($(jq -r '.touched | length' "$j") files touched, $(jq .objects "$j") objects)"
	say "touched files + link:    $floor s"
	say "rebuild / cold:          $(echo "scale=3; $rebuild / $cold_s" | bc)"
	say "rebuild / touched+link:  $(echo "scale=3; $rebuild / $floor" | bc) (target <= 1.3)"
}

bench_parallel() {
	say "== linux-6.12.y and linux-6.1.y: one jobserver vs in turn (-j2, ccache on)"
	"$bp" build -q --baseline-only --branch linux-6.1.y --branch $BR \
		--results "$work/warm" >/dev/null 2>&1 || :
	for mode in sequential parallel; do
		p=1
		[ $mode = parallel ] && p=2
		rm -rf "$cache/builds/linux-6.1.y/kvm-tiny" \
			"$cache/builds/$BR/kvm-tiny"
		t0=$(now)
		"$bp" build -q -j2 --parallel $p --force --baseline-only \
			--branch linux-6.1.y --branch $BR \
			--results "$work/$mode" >"$work/$mode.out" 2>&1 || {
			cat "$work/$mode.out"; exit 1; }
		say "$mode: $(secs "$t0" "$(now)") s"
	done
}

[ -x "$bp" ] || make -C "$top" >/dev/null
"$bp" apply -q --series-dir "$top/series" --series $S \
	--backports "$top/backports" --branch $BR --branch $B \
	>/dev/null || :
[ $# -gt 0 ] || set -- cold rebuild parallel
say "# backport build bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
for b in "$@"; do
	"bench_$b"
done
