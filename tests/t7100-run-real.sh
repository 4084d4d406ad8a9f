#!/bin/sh
test_description='backport run end to end on a real tree, the cell cache, and a killed run (SLOW)

One cell: the seed series on linux-6.12.y at 6.12.111 (its conflict
resolved by the recorded resolution), built and booted with its baseline.
The kernels come from the shared cache when t4000/t5010 built them.'
. ./lib-backport.sh

BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport"
export BACKPORT_CACHE_DIR
T=linux-6.12.y@v6.12.111

command -v qemu-system-x86_64 >/dev/null && test_set_prereq QEMU

run_real() {
	backport run --series-dir "$BACKPORT_TOP/series" \
		--backports "$BACKPORT_TOP/backports" --series kvm-x86-mmu \
		--branch $T "$@"
}

cell() {
	python3 -c "
import json, sys
r = json.load(open('results/latest/run.json'))
c = r['cells'][0]
print(eval(sys.argv[1]))" "$1"
}

# The cell is ok (exit 0) or a regression the selftests found (exit 1):
# never an error, a crash or tests not run on a kernel that builds.
status_matches_exit() {
	st=$(cell "c[\"status\"]") &&
	echo "status: $st, exit $1" &&
	case "$st" in
	ok) test "$1" = 0 ;;
	regression) test "$1" = 1 ;;
	*) false ;;
	esac
}

test_expect_success SLOW,QEMU 'provision linux-6.12.y' '
	backport trees -q --branch linux-6.12.y &&
	test_set_prereq TREES
'

test_expect_success TREES 'a run: apply, build, boot, selftests, report' '
	run_real --no-cache >out 2>err;
	rc=$? &&
	cat out &&
	status_matches_exit $rc &&
	test "$(cell "c[\"apply\"][\"patches\"][1][\"verdict\"]")" = resolved-recorded &&
	test "$(cell "c[\"build\"][\"baseline\"][\"verdict\"]")" = built &&
	test "$(cell "c[\"build\"][\"series\"][\"verdict\"]")" = built &&
	test "$(cell "c[\"test\"][\"series\"][\"verdict\"]")" = completed &&
	test "$(cell "c[\"test\"][\"baseline\"][\"verdict\"]")" = completed &&
	test "$(cell "len(c[\"test\"][\"compare\"][\"tests\"]) >= 6")" = True &&
	test "$(cell "c[\"cached\"]")" = False &&
	test -f results/latest/index.html &&
	grep "$T" out &&
	cp results/latest/run.json first.json &&
	test_set_prereq RAN
'

test_expect_success RAN 'the review diff of the cell is in the run' '
	test "$(cell "c[\"diff\"] is not None")" = True &&
	grep "hunk 3" "results/latest/$(cell "c[\"diff\"]")"
'

test_expect_success RAN 'a second run with nothing changed takes the cell from the cache' '
	run_real >out2 2>err2;
	status_matches_exit $? &&
	test "$(cell "c[\"cached\"]")" = True &&
	grep "taken from the cache" err2 &&
	python3 - first.json results/latest/run.json <<-\EOF
	import json, sys
	a, b = (json.load(open(p))["cells"][0] for p in sys.argv[1:3])
	assert a["key"] == b["key"]
	assert [p["verdict"] for p in a["apply"]["patches"]] == \
	       [p["verdict"] for p in b["apply"]["patches"]]
	assert a["test"]["compare"]["tests"] == b["test"]["compare"]["tests"]
	assert a["status"] == b["status"]
	EOF
'

test_expect_success RAN 'a run killed while it boots is completed by the next run' '
	(
		setsid sh -c "exec backport run --series-dir \"$BACKPORT_TOP/series\" \
			--backports \"$BACKPORT_TOP/backports\" --series kvm-x86-mmu \
			--branch $T --no-cache >killed.out 2>killed.err" &
		echo $! >pid
	) &&
	pid=$(cat pid) &&
	i=0 &&
	while ! grep -q "test" killed.err 2>/dev/null && test $i -lt 600
	do
		sleep 1; i=$((i + 1))
	done &&
	sleep 20 &&
	kill -TERM -- -$pid 2>/dev/null; sleep 2; kill -KILL -- -$pid 2>/dev/null;
	latest=$(readlink results/latest) &&
	run_real >out3 2>err3;
	test $? -le 1 &&
	test "$(readlink results/latest)" != "$latest" &&
	test "$(cell "c[\"test\"][\"series\"][\"verdict\"]")" = completed
'

test_done
