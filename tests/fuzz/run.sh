#!/bin/sh
# Run each harness of BUILD (make fuzz) over its corpus, one after the
# other, with the libFuzzer options given (e.g. -max_total_time=120 or
# -runs=500), its dictionary and artifacts under BUILD/artifacts/. Prints
# one summary line per harness: runs, execs/s, coverage, features and
# corpus size from libFuzzer's last status line; exits non-zero when a
# harness found something (its log: BUILD/logs/<parser>.log).
# FUZZ_TIMEOUT (seconds, default 10) is libFuzzer's per-input limit; it
# counts wall time, so on a machine shared with other work (a niced run)
# raise it or a starved process reports a false timeout.
#
#	sh tests/fuzz/run.sh build/fuzz -max_total_time=120 [parser...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh BUILD OPTION [parser...]}
opt=${2:?usage: run.sh BUILD OPTION [parser...]}
shift 2
[ $# -gt 0 ] || set -- console ktap mail matrix patch resolution series
# GLib's and GMime's tables live as long as the process: not leaks.
: "${LSAN_OPTIONS:=suppressions=$top/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS
mkdir -p "$build/artifacts" "$build/logs"
rc=0
for p in "$@"; do
	prog="$build/tests/fuzz/fuzz-$p"
	log="$build/logs/$p.log"
	mkdir -p "$build/corpus/$p"
	dict=""
	[ -f "$top/tests/fuzz/dict/$p.dict" ] &&
		dict="-dict=$top/tests/fuzz/dict/$p.dict"
	# shellcheck disable=SC2086
	"$prog" $opt $dict -max_len=65536 -timeout=${FUZZ_TIMEOUT:-10} -rss_limit_mb=2048 \
		-artifact_prefix="$build/artifacts/$p-" -print_final_stats=1 \
		"$build/corpus/$p" >"$log" 2>&1
	r=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	execs=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
	printf '%-10s rc=%s execs/s=%s %s\n' "$p" "$r" "${execs:-?}" \
		"$(printf '%s' "$last" | sed 's/ *lim:.*//; s/ *exec\/s:.*//')"
	[ $r = 0 ] || rc=1
done
exit $rc
