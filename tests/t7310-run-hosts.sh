#!/bin/sh
test_description='backport run with its builds on distcc and its tests over ssh

The toy kernel of t7200 on linux-9.9.y and one series, run through
`backport run` with [build] distcc-hosts naming a real distccd and
[test] hosts a real sshd, both on 127.0.0.1: the cell is ok, compiled
there and booted there (Debian'"'"'s kernel stands in for the toy
bzImage); with a host that refuses the connection the cell is an
error naming the host.'
. ./lib-backport.sh
. "$BACKPORT_TOP/tests/lib-toykernel.sh"
. "$BACKPORT_TOP/tests/lib-guest.sh"
. "$BACKPORT_TOP/tests/lib-hosts.sh"

# Paths without spaces (the kernel's build, sshd, distccd as nobody).
BACKPORT_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/t7300-cache.XXXXXX") &&
export BACKPORT_CACHE_DIR
S=$(mktemp -d "${TMPDIR:-/tmp}/t7300-ssh.XXXXXX")
D=$(mktemp -d "${TMPDIR:-/tmp}/t7300-distccd.XXXXXX") && chmod 777 "$D"
cleanup 'stop_daemon "$S"; stop_daemon "$D"; rm -rf "$S" "$D" "$BACKPORT_CACHE_DIR"'
TOY_BZIMAGE=$KERNEL
export TOY_BZIMAGE
unset DISTCC_HOSTS

cell() {
	jq -r ".cells[0].$1" results/latest/run.json
}

test_expect_success SSHD,DISTCC 'setup: a toy kernel, a series, the hosts, a matrix' '
	git init -q up && (
		cd up && write_toy_kernel &&
		cat >tools/testing/selftests/kvm/dirty_log_test.c <<-\EOF &&
		int main(void) { return 0; }
		EOF
		git add . && git commit -q -m "9.9.1" && git tag v9.9.1 &&
		git branch linux-9.9.y &&
		git checkout -q -b ok &&
		sed -i s/3/4/ kernel/other.c &&
		git commit -q -a -m "other: return 4" \
			-m "Cc: stable@vger.kernel.org" &&
		git format-patch -q -1 -o ../mails/ok &&
		git checkout -q main
	) &&
	backport import -q --name ok mails/ok &&
	start_sshd "$S" &&
	start_distccd "$D" &&
	echo "ssh://$(id -un)@127.0.0.1:$(cat "$S/port")" >good &&
	echo "ssh://$(id -un)@127.0.0.1:$(free_port)" >refused &&
	{
		write_toy_matrix && write_toy_selftests &&
		cat <<-EOF
		[build]
			distcc-hosts = 127.0.0.1:$(cat "$D/port")/4
		[test]
			hosts = $(cat good)
			ssh-options = "$(cat "$S/ssh-options")"
			remote-dir = $S/remote
		EOF
	} >matrix.conf &&
	mkdir refused-matrix && cp toy.fragment refused-matrix/ &&
	sed -e "s|^hosts = .*|hosts = $(cat refused)|" -e "s|^repo = up|repo = ../up|" \
		matrix.conf >refused-matrix/matrix.conf &&
	grep "^hosts = $(cat refused)$" refused-matrix/matrix.conf
'

test_expect_success SSHD,DISTCC,QEMU 'the cell built on distcc, tested over ssh: ok' '
	backport run --matrix matrix.conf --series ok >out 2>err &&
	cat out &&
	test "$(cell status)" = ok &&
	test "$(cell test.compare.counts.pass)" = 2 &&
	find -L results/latest/ -name result.json -exec jq -r .host {} \; >hosts &&
	printf "%s\n" "$(cat good)" "$(cat good)" >expect &&
	test_cmp expect hosts &&
	find -L results/latest/ -name build.json -path "*/baseline/*" >b &&
	test "$(jq -r ".distcc.units[\"127.0.0.1:$(cat "$D/port")/4\"]" $(head -n 1 b))" = 3
'

test_expect_success SSHD,DISTCC,QEMU 'a test host that refuses: an error cell naming it' '
	test_expect_code 1 backport run --matrix refused-matrix/matrix.conf \
		--series ok >out 2>err &&
	cat out &&
	test "$(cell status)" = error &&
	cell reason >reason &&
	cat reason &&
	grep "host .$(cat refused).: cannot reach it: .*Connection refused; no ssh host left to run it" reason
'

# Also after a failure (sharness cleans up only after success).
test_expect_success 'stop the daemons' '
	stop_daemon "$S" && stop_daemon "$D"
'

test_done
