#!/bin/sh
test_description='backport test: boot kernels in QEMU, run a selftest set, compare with the baseline

The guest is Debian'"'"'s bookworm kernel (it boots under TCG in seconds)
with fake selftests: shell scripts that pass, fail, skip, flake, hang
past their timeout or panic the kernel. The real KVM selftests on a
real tree are in t5010-test-real.sh.'
. ./lib-backport.sh

. "$BACKPORT_TOP/tests/lib-guest.sh"

# fake NAME BODY: a fake selftest in the series and baseline trees.
fake() {
	mkdir -p "$(dirname "$1")" &&
	printf '#!/bin/sh\n%s\n' "$2" >"$1" &&
	chmod +x "$1"
}

test_expect_success 'setup: fake selftests and a matrix' '
	for t in series baseline
	do
		fake $t/pass_test "echo TAP version 13; echo 1..1; echo ok 1 one" &&
		fake $t/fail_test "echo \"==== Test Assertion Failure ====\"; exit 254" &&
		fake $t/skip_test "echo \"1..0 # SKIP - Requirement not met: KVM_CAP_X\"; exit 4" &&
		fake $t/x86_64/renamed_test "exit 0" &&
		fake $t/flaky_test "test -e /tmp/f && exit 0; : >/tmp/f; exit 1" &&
		fake $t/after_test "exit 0" || return 1
	done &&
	fake series/regress_test "echo broken; exit 1" &&
	fake baseline/regress_test "exit 0" &&
	fake series/fixed_test "exit 0" &&
	fake baseline/fixed_test "exit 1" &&
	fake series/slow_test "sleep 100" &&
	fake baseline/slow_test "exit 0" &&
	fake series/crash_test "echo c >/proc/sysrq-trigger; sleep 10" &&
	fake baseline/crash_test "exit 0" &&
	cat >m.conf <<-\EOF &&
	[selftests "fake"]
		timeout = 20
		retries = 1
		memory = 1024
		test = pass_test
		test = "fail_test -x 1"
		test = skip_test
		test = x86/renamed_test
		test = not_in_tree_test
		test = flaky_test
		test = regress_test
		test = fixed_test
		test = "timeout=2 slow_test"
		test = crash_test
		test = after_test
	[selftests "one"]
		timeout = 1
		retries = 0
		memory = 1024
		test = pass_test
		test = after_test
	EOF
	cat >empty.conf <<-\EOF
	[branch "x"]
		release = 1
	EOF
'

test_expect_success 'test --help' '
	backport test --help >out &&
	grep "^usage: backport test" out &&
	grep -- "--baseline-kernel" out
'

test_expect_success 'usage errors exit 129' '
	test_expect_code 129 backport test --kernel k 2>err &&
	grep "go together" err &&
	test_expect_code 129 backport test --bogus 2>err &&
	grep "unknown option" err &&
	test_expect_code 129 backport test --kernel k --selftests s \
		--branch b 2>err &&
	test_expect_code 129 backport test --accel warp --kernel k \
		--selftests s --matrix m.conf 2>err &&
	grep "unknown accelerator" err
'

test_expect_success 'a matrix without a selftest set is a fatal error' '
	test_expect_code 128 backport test --matrix empty.conf \
		--kernel k --selftests s 2>err &&
	grep "no \[selftests\] section" err &&
	test_expect_code 128 backport test --matrix m.conf --set nope \
		--kernel k --selftests s 2>err &&
	grep "matrix .*m.conf.* no tests in selftests .nope." err
'

test_expect_success 'no builds and no --kernel: nothing to test' '
	test_expect_code 128 backport test --matrix m.conf \
		--results none 2>err &&
	grep "nothing to test" err
'

test_expect_success QEMU 'series and baseline: results and regressions' '
	test_expect_code 1 backport test --matrix m.conf --target fake@v1 \
		--kernel "$KERNEL" --selftests series \
		--baseline-kernel "$KERNEL" --baseline-selftests baseline \
		>out 2>err &&
	cat err out &&
	r=results/test/fake@v1 &&
	test -s $r/series/console.log &&
	test -s $r/series/ktap.log &&
	test -s $r/baseline/result.json &&
	jq -r ".tests[] | \"\(.name) \(.baseline) \(.series) \(.change)\"" \
		$r/compare.json >actual &&
	cat >expect <<-\EOF &&
	pass_test pass pass pass
	fail_test fail fail still-failing
	skip_test skip skip skip
	x86/renamed_test pass pass pass
	not_in_tree_test skip skip skip
	flaky_test flaky flaky flaky
	regress_test pass fail regression
	fixed_test fail pass fixed
	slow_test pass timeout regression
	crash_test pass crash regression
	after_test pass pass pass
	EOF
	test_cmp expect actual &&
	jq -r ".regressions | join(\" \")" $r/compare.json >actual &&
	echo "regress_test slow_test crash_test" >expect &&
	test_cmp expect actual &&
	jq -e ".counts.regression == 3 and .counts.fixed == 1" $r/compare.json
'

test_expect_success QEMU 'skips say why, failures give the exit status' '
	r=results/test/fake@v1/series/result.json &&
	jq -r ".tests[] | select(.status != \"pass\") |
		\"\(.name): \(.reason)\"" $r >actual &&
	grep "^skip_test: - Requirement not met: KVM_CAP_X$" actual &&
	grep "^not_in_tree_test: not in this tree$" actual &&
	grep "^fail_test: exit=254$" actual &&
	grep "^flaky_test: flaky: passed on attempt 2" actual &&
	grep "^slow_test: 2 seconds$" actual &&
	grep "^crash_test: Kernel panic - not syncing: sysrq triggered crash$" actual &&
	jq -e ".tests[1].exit_code == 254 and .tests[1].args == [\"-x\", \"1\"]" $r
'

test_expect_success QEMU 'a panic is attributed, and a new boot runs the rest' '
	r=results/test/fake@v1/series/result.json &&
	jq -r ".boots[] | \"\(.first) \(.end)\"" $r >actual &&
	printf "1 panic\n11 exited\n" >expect &&
	test_cmp expect actual &&
	jq -r ".verdict" $r >actual &&
	echo crashed >expect &&
	test_cmp expect actual &&
	jq -r ".events[] | select(.kind == \"panic\") | .test" $r >actual &&
	echo crash_test >expect &&
	test_cmp expect actual &&
	jq -e ".tests[9].events == [0] and .tests[10].boot == 2" $r &&
	grep "Kernel panic - not syncing: sysrq triggered crash" \
		results/test/fake@v1/series/console.log
'

test_expect_success QEMU 'ktap.log holds the merged results as KTAP' '
	k=results/test/fake@v1/series/ktap.log &&
	head -n 2 $k >actual &&
	printf "KTAP version 1\n1..11\n" >expect &&
	test_cmp expect actual &&
	grep "^ok 3 skip_test # SKIP - Requirement not met: KVM_CAP_X$" $k &&
	grep -q "^not ok 9 slow_test # TIMEOUT 2 seconds$" $k &&
	grep -q "^not ok 10 crash_test # CRASH" $k &&
	grep "^ok 11 after_test$" $k
'

test_expect_success QEMU 'the text report and progress' '
	grep "^fake@v1: selftests .fake., 11 tests$" out &&
	grep "^  regressions: 3 (regress_test, slow_test, crash_test)$" out &&
	grep "^  console: panic at line [0-9]* during crash_test: Kernel panic" out &&
	grep "^\[1/2\] fake@v1 (series): pass_test ... [0-9]* s pass$" err &&
	grep "^\[2/2\] fake@v1 (baseline): completed in" err
'

test_expect_success QEMU '--format=json prints the comparisons' '
	backport test --matrix m.conf --set one --target one \
		--kernel "$KERNEL" --selftests baseline --format=json \
		>out.json 2>err &&
	jq -e "length == 1 and .[0].target == \"one\" and
		.[0].baseline == null and .[0].series.verdict == \"completed\" and
		(.[0].tests | map(.change) == [\"pass\", \"pass\"]) and
		.[0].results == \"results/test/one\"" out.json &&
	jq -e ".boot_s > 0 and .first_test_s >= .boot_s and
		.total_s >= .first_test_s and .accel == \"tcg\" and
		(.qemu | index(\"-no-reboot\")) and
		(.qemu | index(\"none\"))" results/test/one/series/result.json
'

test_expect_success QEMU 'a hung guest is killed and becomes a verdict' '
	cat >hang.sh <<-\EOF &&
	#!/bin/sh
	/bin/busybox mount -t proc proc /proc
	echo "KTAP version 1"
	echo "1..2"
	echo "# running pass_test"
	echo "ok 1 pass_test"
	echo "# running after_test"
	while :; do /bin/busybox sleep 3600; done
	EOF
	test_expect_code 1 backport test --matrix m.conf --set one \
		--target hang --kernel "$KERNEL" --selftests series \
		--runner hang.sh --grace 3 --max-boots 1 >out 2>err &&
	cat err &&
	r=results/test/hang/series/result.json &&
	jq -r ".verdict, .boots[0].end, .tests[0].status, .tests[1].status" \
		$r >actual &&
	printf "hung\nhung\npass\ntimeout\n" >expect &&
	test_cmp expect actual &&
	jq -r ".tests[1].reason" $r | grep "the guest is hung"
'

test_expect_success QEMU 'a kernel that panics at boot gives a verdict, and the run goes on' '
	test_expect_code 1 backport test --matrix m.conf --set one \
		--target panic --kernel "$KERNEL" --selftests series \
		--baseline-kernel "$KERNEL" --baseline-selftests baseline \
		--append "rdinit=/nonexistent root=/dev/nonexistent" \
		--boot-timeout 60 >out 2>err &&
	for v in series baseline
	do
		r=results/test/panic/$v/result.json &&
		jq -r ".verdict, .boots[0].end, (.tests | map(.status) | join(\" \"))" \
			$r >actual &&
		printf "crashed\npanic\nnot-run not-run\n" >expect &&
		test_cmp expect actual || return 1
	done &&
	jq -r ".events[0].kind" results/test/panic/series/result.json >actual &&
	echo panic >expect &&
	test_cmp expect actual
'

test_expect_success QEMU 'a broken initramfs (no runner output) is a boot failure' '
	printf "#!/bin/sh\necho hello\n/bin/busybox reboot -f\n" >quiet.sh &&
	test_expect_code 1 backport test --matrix m.conf --set one \
		--target quiet --kernel "$KERNEL" --selftests series \
		--runner quiet.sh >out 2>err &&
	jq -r ".verdict, .boots[0].end" results/test/quiet/series/result.json >actual &&
	printf "boot-failed\nno-ktap\n" >expect &&
	test_cmp expect actual
'

test_expect_success QEMU '--accel auto falls back to TCG when KVM cannot boot' '
	backport test --matrix m.conf --set one --target auto --accel auto \
		--kernel "$KERNEL" --selftests baseline >out 2>err &&
	grep "^accel: " err &&
	jq -r .verdict results/test/auto/series/result.json >actual &&
	echo completed >expect &&
	test_cmp expect actual
'

test_done
