#!/bin/sh
test_description='backport test end to end on a real tree: apply, build, boot, selftests

linux-6.12.y at 6.12.111 with the seed series (its conflict resolved by
the recorded resolution in backports/) and its baseline: both built by
backport build, both booted in QEMU with the matrix'"'"'s selftest set, and
the series compared with the baseline.'
. ./lib-backport.sh

# The real trees, builds and ccache live in the user's cache, shared
# with every other run (and CI).
BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport"
export BACKPORT_CACHE_DIR
T=linux-6.12.y@v6.12.111

command -v qemu-system-x86_64 >/dev/null && test_set_prereq QEMU

test_expect_success SLOW,QEMU 'provision linux-6.12.y' '
	backport trees -q --branch linux-6.12.y &&
	git --git-dir="$BACKPORT_CACHE_DIR/linux.git" rev-parse --verify -q \
		v6.12.111 >/dev/null &&
	test_set_prereq TREES
'

test_expect_success TREES 'apply the seed series on 6.12.111' '
	backport apply -q --series-dir "$BACKPORT_TOP/series" \
		--series kvm-x86-mmu --backports "$BACKPORT_TOP/backports" \
		--branch $T --format=json >apply.json;
	cat apply.json &&
	git --git-dir="$BACKPORT_CACHE_DIR/linux.git" rev-parse --verify -q \
		refs/backport/kvm-x86-mmu/$T >/dev/null
'

test_expect_success TREES 'build the baseline and the series' '
	backport build --series kvm-x86-mmu --branch $T >build.out 2>build.err;
	cat build.out &&
	for v in baseline series
	do
		jq -e ".verdict == \"built\"" results/build/$T/$v/build.json ||
		return 1
	done &&
	test_set_prereq BUILT
'

test_expect_success BUILT 'boot both and run the selftest set' '
	backport test --series kvm-x86-mmu --branch $T >out 2>err;
	echo $? >rc &&
	cat err out &&
	test "$(cat rc)" -le 1 &&
	for v in baseline series
	do
		r=results/test/$T/$v/result.json &&
		jq -e ".verdict == \"completed\"" $r &&
		test -s results/test/$T/$v/console.log &&
		test -s results/test/$T/$v/ktap.log || return 1
	done
'

test_expect_success BUILT 'the set ran on both, compared with the baseline' '
	c=results/test/$T/compare.json &&
	jq -r ".tests[] | \"\(.name) \(.baseline) \(.series) \(.change)\"" $c >actual &&
	cat actual &&
	grep "^set_memory_region_test pass pass pass$" actual &&
	grep "^memslot_modification_stress_test pass pass pass$" actual &&
	grep "^x86/svm_nested_soft_inject_test fail fail still-failing$" actual &&
	jq -e ".regressions == []" $c &&
	test "$(cat rc)" = 0
'

test_done
