#!/bin/sh
test_description='backport run tells the truth: one status per cell, its reason, the exit code

A toy kernel (lib-toykernel.sh) on linux-9.9.y, one series per case,
each run through `backport run`: a matrix without [config], a series
that does not compile, a series kernel that panics at boot, a guest that
hangs, tests not run, a selftest binary missing, a compile killed by a
signal, `kill -9` of run during a build. The kernels that boot are
Debian'"'"'s; the ones that panic or hang are played by a fake QEMU
(lib-guest.sh).'
. ./lib-backport.sh
. "$BACKPORT_TOP/tests/lib-toykernel.sh"
. "$BACKPORT_TOP/tests/lib-guest.sh"

# The kernel cannot be built in a path with spaces, like the trash
# directory's: the cache goes to a directory of its own.
BACKPORT_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/t7200-cache.XXXXXX") &&
export BACKPORT_CACHE_DIR
CACHE=$BACKPORT_CACHE_DIR
TOY_BZIMAGE=$KERNEL
export TOY_BZIMAGE

# series NAME MESSAGE COMMAND: a one-patch series made by COMMAND in up/.
series() {
	(
		cd up && git checkout -q -b "$1" main &&
		sh -c "$3" &&
		git add -A && git commit -q -m "$2" \
			-m "Cc: stable@vger.kernel.org" &&
		git format-patch -q -1 -o "../mails/$1" &&
		git checkout -q main
	) &&
	backport import -q --name "$1" "mails/$1"
}

# cell FIELD: a field of the run's only cell.
cell() {
	jq -r ".cells[0].$1" results/latest/run.json
}

test_expect_success 'setup: a toy kernel, a matrix, a series per case' '
	git init -q up && (
		cd up && write_toy_kernel &&
		cat >tools/testing/selftests/kvm/dirty_log_test.c <<-\EOF &&
		int main(void) { return 0; }
		EOF
		git add . && git commit -q -m "9.9.1" && git tag v9.9.1 &&
		git branch linux-9.9.y
	) &&
	{ write_toy_matrix && write_toy_selftests; } >matrix.conf &&
	sed -n "/^\[config/,\$!p" matrix.conf >noconfig.conf &&
	series ok "other: return 4" "sed -i s/3/4/ kernel/other.c" &&
	series broken "helper: broken" "sed -i \"s/x \\* 2;/x * 2 +;/\" kernel/helper.c" &&
	series panic "main: panics" "echo \"/* BOOT_PANIC */\" >>kernel/main.c" &&
	series hang "main: hangs" "echo \"/* BOOT_HANG */\" >>kernel/main.c" &&
	series stops "main: stops" "echo \"/* BOOT_STOPS */\" >>kernel/main.c" &&
	series lost "kvm: drop svm_vmcall_test" \
		"git rm -q tools/testing/selftests/kvm/x86_64/svm_vmcall_test.c" &&
	write_fake_qemu fakebin
'
PATH=$PWD/fakebin:$PATH

test_expect_success 'no [config] and no [selftests]: error, exit 1' '
	test_expect_code 1 backport run --matrix noconfig.conf --series ok \
		>out 2>err &&
	cat out &&
	test "$(cell status)" = error &&
	cell reason >reason &&
	grep "no \[config \"toy\"\] with a base" reason &&
	jq -r ".cells[0].errors[]" results/latest/run.json >errors &&
	grep "^build: .*no \[config" errors &&
	grep "^test: .*selftests" errors &&
	grep "^linux-9.9.y .* error$" out &&
	grep "^  linux-9.9.y: build: .*no \[config" out
'

test_expect_success 'a series that does not compile: build-failed at its line' '
	test_expect_code 1 backport run --matrix matrix.conf --series broken \
		>out 2>err &&
	test "$(cell status)" = build-failed &&
	cell reason >reason &&
	grep "^linux-9.9.y series: kernel: kernel/helper.c:3: .*expected expression" reason &&
	grep "^linux-9.9.y .* build-failed$" out
'

test_expect_success QEMU 'the happy path: ok, exit 0' '
	backport run --matrix matrix.conf --series ok >out 2>err &&
	test "$(cell status)" = ok &&
	test "$(cell reason)" = "" &&
	test "$(cell test.series.verdict)" = completed &&
	test "$(cell test.compare.counts.pass)" = 2 &&
	grep "^linux-9.9.y .* ok$" out
'

test_expect_success QEMU 'the series kernel panics at boot, the baseline boots: crashed' '
	test_expect_code 1 backport run --matrix matrix.conf --series panic \
		>out 2>err &&
	test "$(cell status)" = crashed &&
	test "$(cell test.baseline.verdict)" = completed &&
	cell reason >reason &&
	grep "^linux-9.9.y series: the kernel panicked: Kernel panic - not syncing: broken backport" reason &&
	grep "^linux-9.9.y .* crashed$" out
'

test_expect_success QEMU 'a guest that hangs: hung' '
	test_expect_code 1 backport run --matrix matrix.conf --series hang \
		>out 2>err &&
	test "$(cell status)" = hung &&
	cell reason >reason &&
	grep "^linux-9.9.y series: the guest hung (test 1 still running after [0-9]* s: the guest is hung)" reason
'

test_expect_success QEMU 'tests not run: incomplete, naming the test' '
	test_expect_code 1 backport run --matrix matrix.conf --series stops \
		>out 2>err &&
	test "$(cell status)" = incomplete &&
	test "$(cell reason)" = "linux-9.9.y series: x86_64/svm_vmcall_test was not run"
'

test_expect_success QEMU 'a selftest binary the series lost: incomplete, naming it' '
	test_expect_code 1 backport run --matrix matrix.conf --series lost \
		>out 2>err &&
	test "$(cell status)" = incomplete &&
	cell reason >reason &&
	grep "^linux-9.9.y series: x86_64/svm_vmcall_test skipped: not in this tree, but ran on the baseline (pass)" reason
'

test_expect_success 'a compile killed by a signal: error, kept nowhere, redone next time' '
	test_expect_code 1 env TOY_KILL=1 backport run --matrix matrix.conf \
		--series ok --no-test --no-cache >out 2>err &&
	test "$(cell status)" = error &&
	cell reason >reason &&
	grep "^linux-9.9.y: build: .*killed" reason &&
	backport run --matrix matrix.conf --series ok --no-test >out 2>err &&
	test "$(cell status)" = ok &&
	test "$(cell build.series.verdict)" = built
'

test_expect_success 'kill -9 of run during a build: no make left, the rerun is true' '
	(
		TOY_SLOW=1 setsid backport run --matrix matrix.conf --series ok \
			--no-test --no-cache >killed.out 2>killed.err &
		echo $! >pid
	) &&
	i=0 &&
	while ! pgrep -f "sleep 31.7" >/dev/null && test $i -lt 600
	do
		sleep 0.1; i=$((i + 1))
	done &&
	pgrep -f "sleep 31.7" >/dev/null &&
	kill -KILL $(cat pid) &&
	i=0 &&
	while pgrep -f "sleep 31.7" >/dev/null && test $i -lt 100
	do
		sleep 0.1; i=$((i + 1))
	done &&
	! pgrep -f "sleep 31.7" &&
	backport run --matrix matrix.conf --series ok --no-test >out 2>err &&
	test "$(cell status)" = ok &&
	test "$(cell build.series.verdict)" = built &&
	test "$(cell cached)" = false
'

rm -rf "$CACHE"
test_done
