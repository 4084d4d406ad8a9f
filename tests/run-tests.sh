#!/bin/sh
# Run every test: the cmocka unit tests (tests/unit, built into
# $BUILD/tests/unit) and the sharness CLI tests (tests/t*.sh), all under
# the sanitizers the build used. Each speaks TAP; this script counts the
# results and ends with one line: "N passed, N failed, N skipped".
#
#   BUILD=build/san sh tests/run-tests.sh [t1000-import.sh ...]
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$top/${BUILD:-build/default}" && pwd) || exit 128
results="$top/tests/test-results"
# Not removed as a whole: several runs may share it.
mkdir -p "$results"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98"
export CMOCKA_MESSAGE_OUTPUT=TAP
export SHARNESS_BUILD_DIRECTORY="$build"
export BACKPORT_TOP="$top"
export GIT_CONFIG_NOSYSTEM=1

passed=0
failed=0
skipped=0
failures=""

# Count one TAP stream (file $2) for test program $1.
count() {
	p=$(grep -c '^ok [0-9]*\( -\|$\)' "$2")
	s=$(grep -c '^ok [0-9]* # [Ss][Kk][Ii][Pp]' "$2")
	f=$(grep -c '^not ok ' "$2")
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		# Died before reporting (sanitizer, crash): one failure.
		f=1
	fi
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [ "$f" != 0 ]; then
		failures="$failures $1"
		echo "FAIL: $1 (see tests/test-results/$1.out)"
		grep '^not ok ' "$2" | sed 's/^/    /'
	else
		echo "ok:   $1 ($p passed, $s skipped)"
	fi
}

if [ $# -eq 0 ]; then
	set -- "$build"/tests/unit/test-* "$top"/tests/t[0-9]*.sh
fi

for t in "$@"; do
	case "$t" in
	*.d) continue ;;
	*.sh)
		case "$t" in /*) ;; *) t="$top/tests/$t" ;; esac
		name=$(basename "$t" .sh)
		(cd "$top/tests" && sh "$t" -v) >"$results/$name.out" 2>&1
		rc=$?
		;;
	*)
		name=$(basename "$t")
		"$t" >"$results/$name.out" 2>&1
		rc=$?
		;;
	esac
	count "$name" "$results/$name.out" "$rc"
done

echo
if [ -n "$failures" ]; then
	echo "failed:$failures"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
