#!/bin/sh
test_description='backport build: verdicts, caching and worktrees on a toy kernel

A tiny tree whose Makefile mimics the kernel targets that backport build
calls (tinyconfig, olddefconfig, bzImage, headers, kselftest-all) and
scripts/kconfig/merge_config.sh, compiling real C with gcc.'
. ./lib-backport.sh

. "$BACKPORT_TOP/tests/lib-toykernel.sh"

# The kernel cannot be built in a path with spaces, like the trash
# directory's: the cache goes to a directory of its own.
BACKPORT_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/t4000-cache.XXXXXX") &&
export BACKPORT_CACHE_DIR
CACHE=$BACKPORT_CACHE_DIR

test_expect_success 'setup: a toy kernel on linux-9.9.y, a matrix' '
	git init -q up && (
		cd up && write_toy_kernel &&
		git add . && git commit -q -m "9.9.1" && git tag v9.9.1 &&
		echo "/* 9.9.2 */" >>kernel/other.c &&
		git commit -q -a -m "9.9.2" && git tag v9.9.2 &&
		git branch linux-9.9.y &&
		git branch linux-9.8.y v9.9.1
	) &&
	printf "%s\n" CONFIG_64BIT=y CONFIG_KVM=y CONFIG_KVM_AMD=y >toy.fragment &&
	cat >matrix.conf <<-\EOF
	[matrix]
		repo = up
		config = toy
	[release "9.9.1"]
		package = linux-source-9.9
		version = 9.9.1-1
	[release "9.9.2"]
		package = linux-source-9.9
		version = 9.9.2-1
	[branch "linux-9.9.y"]
		release = 9.9.1
		release = 9.9.2
	[config "toy"]
		base = tinyconfig
		fragment = toy.fragment
	[config "toy-unknown"]
		base = tinyconfig
		fragment = unknown.fragment
	[config "toy-optional"]
		base = tinyconfig
		fragment = unknown.fragment
		optional = NO_SUCH_OPTION < 10.0
	[config "toy-slow"]
		base = slowconfig
	EOF
'

# A series that adds an unused variable (a new warning) to helper.c.
test_expect_success 'setup: series s1 applied on both targets' '
	(
		cd up &&
		for t in v9.9.1 linux-9.9.y; do
			git checkout -q --detach $t &&
			sed -i "s/return x \* 2;/int unused_var;\n\treturn x * 2;/" kernel/helper.c &&
			git commit -q -a -m "helper: s1" &&
			name=linux-9.9.y && test $t = v9.9.1 && name=linux-9.9.y@v9.9.1
			git update-ref refs/backport/s1/$name HEAD || return 1
		done &&
		git checkout -q main
	)
'

test_expect_success 'build: baseline and series of two targets' '
	backport build --matrix matrix.conf --series s1 >out 2>err &&
	cat out &&
	grep "^linux-9.9.y@v9.9.1  *baseline  *built  *bzImage, 2 selftests (1 failed to build)$" out &&
	grep "^linux-9.9.y@v9.9.1  *series  *built  *bzImage, 2 selftests (1 failed to build), 1 new warning$" out &&
	grep "^linux-9.9.y  *baseline  *built" out &&
	grep "^linux-9.9.y  *series  *built" out &&
	grep "^linux-9.9.y series: new warning: kernel/helper.c:3:.*unused variable .unused_var." out
'

test_expect_success 'build.json: verdict, artefacts, selftests, warnings' '
	r=results/build/linux-9.9.y@v9.9.1 &&
	jq -r ".verdict, .variant, .step, .selftests.built, .selftests.failed[0], .config" \
		$r/baseline/build.json >actual &&
	cat >expect <<-\EOF &&
	built
	baseline
	null
	2
	dirty_log_test
	toy
	EOF
	test_cmp expect actual &&
	test -f "$(jq -r .bzImage $r/baseline/build.json)" &&
	test -x "$(jq -r .selftests.dir $r/baseline/build.json)/x86_64/svm_vmcall_test" &&
	test -x "$(jq -r .selftests.dir $r/baseline/build.json)/demand_paging_test" &&
	test -f $r/baseline/kernel.log && test -f $r/baseline/config.log &&
	test -f $r/baseline/selftests.log &&
	jq -r ".touched[], .new_warnings[0].file, .new_warnings[0].message" \
		$r/series/build.json >actual &&
	cat >expect <<-\EOF &&
	kernel/helper.c
	kernel/helper.c
	unused variable '"'"'unused_var'"'"' [-Wunused-variable]
	EOF
	test_cmp expect actual &&
	jq -e ".new_warnings == [] and .touched == []" $r/baseline/build.json
'

test_expect_success 'the series build compiles only what the series touched' '
	grep "^  CC " results/build/linux-9.9.y@v9.9.1/series/kernel.log >cc &&
	echo "  CC      kernel/helper.o" >expect &&
	test_cmp expect cc &&
	grep -F "(.config is current" results/build/linux-9.9.y@v9.9.1/series/config.log &&
	! grep "^\$ make" results/build/linux-9.9.y@v9.9.1/series/config.log
'

test_expect_success 'the worktree moves by writing only changed files' '
	src=$CACHE/worktrees/linux-9.9.y/src &&
	git -C up rev-parse "refs/backport/s1/linux-9.9.y^{tree}" >expect &&
	sed -n "s/^tree //p" $CACHE/worktrees/linux-9.9.y/state >actual &&
	test_cmp expect actual &&
	grep unused_var $src/kernel/helper.c &&
	grep "9.9.2" $src/kernel/other.c &&
	! test -e up/.git/index.lock &&
	git -C up status --porcelain >status && test_must_be_empty status &&
	stat -c "%i %y" $src/kernel/main.c $src/Makefile >before &&
	stat -c "%i %y" $src/kernel/other.c >other-before &&
	backport build --matrix matrix.conf --baseline-only \
		--branch linux-9.9.y@v9.9.1 >out &&
	stat -c "%i %y" $src/kernel/main.c $src/Makefile >after &&
	test_cmp before after &&
	stat -c "%i %y" $src/kernel/other.c >other-after &&
	! test_cmp other-before other-after &&
	! grep "9.9.2" $src/kernel/other.c
'

test_expect_success 'a second run builds nothing: every artefact is cached' '
	backport build --matrix matrix.conf --series s1 --format=json >out.json 2>err &&
	jq -r ".[] | \"\(.target) \(.variant) \(.verdict) \(.cached)\"" out.json >actual &&
	cat >expect <<-\EOF &&
	linux-9.9.y@v9.9.1 baseline built true
	linux-9.9.y@v9.9.1 series built true
	linux-9.9.y baseline built true
	linux-9.9.y series built true
	EOF
	test_cmp expect actual &&
	jq -e ".[1].new_warnings | length == 1" out.json &&
	jq -e ".[0].logs.kernel | test(\"kernel.log$\")" out.json &&
	test -s "$(jq -r ".[0].logs.kernel" out.json)"
'

test_expect_success 'a series with a broken patch: build-failed, first error' '
	(
		cd up && git checkout -q --detach linux-9.9.y &&
		sed -i "s/return x \* 2;/return x * 2 +;/" kernel/helper.c &&
		git commit -q -a -m broken &&
		git update-ref refs/backport/broken/linux-9.9.y HEAD &&
		git checkout -q main
	) &&
	test_expect_code 1 backport build --matrix matrix.conf --series broken \
		--branch linux-9.9.y >out 2>err &&
	cat out &&
	grep "^linux-9.9.y  *baseline  *built .*(cached)$" out &&
	grep "^linux-9.9.y  *series  *build-failed  *kernel: kernel/helper.c:3: expected expression before .;. token$" out &&
	j=results/build/linux-9.9.y/series/build.json &&
	jq -r ".verdict, .step, .first_error.file, .first_error.line, .first_error.message, .bzImage" $j >actual &&
	cat >expect <<-\EOF &&
	build-failed
	kernel
	kernel/helper.c
	3
	expected expression before '"'"';'"'"' token
	null
	EOF
	test_cmp expect actual
'

test_expect_success 'a failed build is a verdict kept as well: not redone' '
	test_expect_code 1 backport build --matrix matrix.conf --series broken \
		--branch linux-9.9.y --format=json >out.json &&
	jq -r ".[1] | \"\(.verdict) \(.cached) \(.first_error.file)\"" out.json >actual &&
	echo "build-failed true kernel/helper.c" >expect &&
	test_cmp expect actual
'

test_expect_success 'a fragment option Kconfig drops: build-failed naming it' '
	printf "%s\n" CONFIG_KVM=y CONFIG_NO_SUCH_OPTION=y >unknown.fragment &&
	test_expect_code 1 backport build --matrix matrix.conf \
		--config toy-unknown --baseline-only --branch linux-9.9.y \
		--format=json >out.json &&
	jq -r ".[0] | .verdict, .step, .missing_options[0], .first_error.text" out.json >actual &&
	cat >expect <<-\EOF &&
	build-failed
	config
	CONFIG_NO_SUCH_OPTION
	unknown.fragment:2: CONFIG_NO_SUCH_OPTION requested by the fragment is not in .config (dropped by Kconfig)
	EOF
	test_cmp expect actual
'

test_expect_success 'an option marked optional for the version may be dropped' '
	backport build --matrix matrix.conf --config toy-optional \
		--baseline-only --branch linux-9.9.y >out &&
	grep "^linux-9.9.y  *baseline  *built" out
'

test_expect_success 'a half-written artefact (no build.json) is built again' '
	j=results/build/linux-9.9.y/baseline/build.json &&
	backport build --matrix matrix.conf --baseline-only \
		--branch linux-9.9.y --format=json >out.json &&
	a=$(jq -r ".[0].artefacts" out.json) &&
	rm "$a/build.json" && rm -f "$a/bzImage" &&
	backport build --matrix matrix.conf --baseline-only \
		--branch linux-9.9.y --format=json >out.json &&
	jq -e ".[0].cached == false and .[0].verdict == \"built\"" out.json &&
	test -f "$a/bzImage" && test -f "$a/build.json"
'

test_expect_success 'an interrupted worktree move is finished on the next run' '
	st=$CACHE/worktrees/linux-9.9.y/state &&
	src=$CACHE/worktrees/linux-9.9.y/src &&
	echo "pending $(git -C up rev-parse "refs/backport/broken/linux-9.9.y^{tree}")" >>$st &&
	sed -i "s/return x \* 2;/return x * 2 +;/" $src/kernel/helper.c &&
	backport build --matrix matrix.conf --baseline-only --force \
		--branch linux-9.9.y >out &&
	grep "^linux-9.9.y  *baseline  *built" out &&
	! grep "pending" $st &&
	git -C up show linux-9.9.y:kernel/helper.c >expect &&
	test_cmp expect $src/kernel/helper.c
'

test_expect_success 'a make that times out: an error naming target and step' '
	test_expect_code 128 backport build --matrix matrix.conf \
		--config toy-slow --baseline-only --branch linux-9.9.y \
		--timeout 1 2>err &&
	grep "linux-9.9.y: config: timed out" err
'

test_expect_success 'an interrupted build stops its makes and records nothing' '
	backport build --matrix matrix.conf --config toy-slow --baseline-only \
		--branch linux-9.9.y --results rint >out 2>err &
	pid=$! &&
	sleep 2 &&
	pgrep -f "sleep 31.4" >/dev/null &&
	kill -TERM $pid &&
	test_expect_code 128 wait $pid &&
	grep "interrupted" err &&
	sleep 1 &&
	! pgrep -f "sleep 31.4" &&
	! test -e rint/build/linux-9.9.y/baseline/build.json
'

test_expect_success 'two builds on one cache take turns on a worktree' '
	flock $CACHE/worktrees/linux-9.9.y/lock sleep 3 &
	sleep 1 &&
	start=$(date +%s) &&
	backport build --matrix matrix.conf --baseline-only --force \
		--branch linux-9.9.y >out &&
	test $(($(date +%s) - start)) -ge 1 &&
	grep "^linux-9.9.y  *baseline  *built" out &&
	wait
'

test_expect_success 'no applied series ref: a clear error' '
	test_expect_code 128 backport build --matrix matrix.conf \
		--series nosuch --branch linux-9.9.y 2>err &&
	grep "refs/backport/nosuch/linux-9.9.y" err
'

# Two branches built at once share one jobserver: with -j1, never two
# compiles at the same time.
max_concurrency() {
	awk '/\+/ { n++; if (n > m) m = n } /-/ { n-- } END { print m }' "$1"
}

test_expect_success 'the jobserver is shared by the branches built at once' '
	(cd up && git branch linux-9.7.y v9.9.1 && git checkout -q linux-9.7.y &&
	 echo "int third(void) { return 1; }" >kernel/third.c &&
	 echo "int fourth(void) { return 1; }" >kernel/fourth.c &&
	 git add kernel && git commit -q -m more && git checkout -q main) &&
	TOY_CONC_LOG=$PWD/conc1 && export TOY_CONC_LOG &&
	backport build --matrix matrix.conf --baseline-only --parallel 2 -j 1 \
		--force --results r1 --branch linux-9.8.y --branch linux-9.7.y >out &&
	test $(grep -c built out) = 2 &&
	test $(grep -c + conc1) -ge 8 &&
	test "$(max_concurrency conc1)" = 1 &&
	rm -rf "$CACHE/builds/linux-9.8.y" "$CACHE/builds/linux-9.7.y" &&
	TOY_CONC_LOG=$PWD/conc2 &&
	backport build --matrix matrix.conf --baseline-only --parallel 2 -j 2 \
		--force --results r2 --branch linux-9.8.y --branch linux-9.7.y >out &&
	test $(grep -c + conc2) -ge 8 &&
	test "$(max_concurrency conc2)" -le 2 &&
	unset TOY_CONC_LOG
'

test_expect_success '--help and bad options' '
	backport build --help >out &&
	grep "^usage: backport build" out &&
	test_expect_code 129 backport build --jobs 0 &&
	test_expect_code 129 backport build --frobnicate
'

test_expect_success 'a cache directory with a space is refused' '
	test_expect_code 128 env BACKPORT_CACHE_DIR="$PWD/a b" backport build \
		--matrix matrix.conf --baseline-only --branch linux-9.9.y 2>err &&
	grep "has a space or a colon" err
'

rm -rf "$CACHE"
test_done
