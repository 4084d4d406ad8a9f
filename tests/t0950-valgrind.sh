#!/bin/sh
test_description='valgrind-clean: the unit tests and the commands under valgrind

The rest of the suite runs under ASan and UBSan; this script runs the
unsanitized build (make check builds it in build/vg, or
BACKPORT_VALGRIND_BUILD) under valgrind memcheck: no invalid read or
write, no use of an uninitialised value, no definitely or indirectly
lost block. Each command of the main path on a repository the test
builds, and, with QEMU, one whole run that builds a toy kernel and
tests it in a guest.'
. ./lib-backport.sh
. "$BACKPORT_TOP/tests/lib-toykernel.sh"
. "$BACKPORT_TOP/tests/lib-guest.sh"

VG_BUILD=${BACKPORT_VALGRIND_BUILD:-$BACKPORT_TOP/build/vg}
command -v valgrind >/dev/null && test -x "$VG_BUILD/backport" &&
	test_set_prereq VALGRIND

# The kernel cannot be built in a path with spaces (the trash directory).
BACKPORT_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/t0950-cache.XXXXXX") &&
export BACKPORT_CACHE_DIR
cleanup 'rm -rf "$BACKPORT_CACHE_DIR"'
TOY_BZIMAGE=$KERNEL
export TOY_BZIMAGE

# vg PROGRAM ARGS...: PROGRAM under memcheck; its own exit code, or 99
# for what memcheck found (its report: vg.log, shown on stderr). The
# keeper that run-command forks for each command is a copy of the
# program that never execs: its exit is not the program's.
vg() {
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--child-silent-after-fork=yes \
		--error-exitcode=99 --log-file=vg.log "$@"
	rc=$?
	if test -s vg.log; then
		cat vg.log >&2
		return 99
	fi
	return $rc
}

# bp ARGS...: the valgrind build's backport.
bp() {
	vg "$VG_BUILD/backport" "$@"
}

test_expect_success VALGRIND 'the unit tests' '
	for t in "$VG_BUILD"/tests/unit/test-*
	do
		case $t in *.d) continue ;; esac
		vg "$t" >unit.out 2>&1 || {
			echo "$t: exit $?" && cat unit.out && return 1
		}
	done
'

test_expect_success VALGRIND 'memcheck does see a leak (the check can fail)' '
	cat >leak.c <<-\EOF &&
	#include <stdlib.h>
	int main(void) { void *p = malloc(64); p = 0; return p != 0; }
	EOF
	cc -g -O0 -o leak leak.c &&
	test_expect_code 99 vg ./leak
'

test_expect_success VALGRIND 'setup: a repository, a matrix, a series' '
	git init -q up && (
		cd up &&
		mkdir -p arch/x86/kvm/mmu &&
		cp "$BACKPORT_TOP/tests/t3000/mmu.c" arch/x86/kvm/mmu/mmu.c &&
		git add . && git commit -q -m base && git tag base &&
		git branch linux-6.12.y && git branch linux-6.1.y &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen ^= 1;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Flip the valid generation with xor" \
			-m "Cc: stable@vger.kernel.org # 6.1.x" &&
		git format-patch -q -o ../mails base
	) &&
	mkdir matrix &&
	write_stable_matrix ../up >matrix/default.conf
'

test_expect_success VALGRIND 'import, show, patch-id, config' '
	bp import --name s1 mails >out &&
	bp show s1 >out &&
	grep "Flip the valid generation" out &&
	bp patch-id mails/0001-*.patch >out &&
	test_line_count = 1 out &&
	bp config >out
'

test_expect_success VALGRIND,SEEDS 'import of the web-archive seeds' '
	bp import --name seeds "$SEEDS" >out &&
	bp show seeds >out
'

test_expect_success VALGRIND 'apply, diff, mail' '
	bp apply --series s1 >out &&
	grep "^linux-6.12.y: refs/backport/s1/linux-6.12.y" out &&
	bp diff --repo up s1 linux-6.12.y >out &&
	bp mail s1 linux-6.12.y >out
'

test_expect_success VALGRIND 'run (apply only) and report in every format' '
	bp run --no-build --series s1 >out &&
	grep "^linux-6.12.y  *applied" out &&
	bp report >out &&
	bp report --format=json >out.json &&
	bp report --format=html -o page.html &&
	grep "<table class=\"matrix\"" page.html
'

test_expect_success VALGRIND,QEMU 'a whole run: toy kernel built, tested in a guest' '
	git init -q toy && (
		cd toy && write_toy_kernel &&
		cat >tools/testing/selftests/kvm/dirty_log_test.c <<-\EOF &&
		int main(void) { return 0; }
		EOF
		git add . && git commit -q -m "9.9.1" && git tag v9.9.1 &&
		git branch linux-9.9.y &&
		sed -i s/3/4/ kernel/other.c &&
		git commit -q -a -m "other: return 4" -m "Cc: stable@vger.kernel.org" &&
		git format-patch -q -1 -o ../toymails
	) &&
	bp import -q --name ok toymails &&
	{ write_toy_matrix && write_toy_selftests; } |
		sed "s/^repo = up$/repo = toy/" >toy.conf &&
	bp run --matrix toy.conf --series ok >out &&
	cat out &&
	test "$(jq -r ".cells[0].status" results/latest/run.json)" = ok &&
	test "$(jq -r ".cells[0].test.compare.counts.pass" results/latest/run.json)" = 2
'

test_done
