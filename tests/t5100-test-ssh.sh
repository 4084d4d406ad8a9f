#!/bin/sh
test_description='backport test on other hosts over ssh

A real sshd on a loopback port, with a key made here, is the "remote"
host (this machine, another directory): a kernel booted through it gives
the same results as booted here; a host that refuses the connection is
an error naming it, and with another host the run goes on there.'
. ./lib-backport.sh

. "$BACKPORT_TOP/tests/lib-guest.sh"
. "$BACKPORT_TOP/tests/lib-hosts.sh"

# sshd wants its files in a path without spaces, unlike the trash's.
# Each run is of a series kernel alone: status incomplete, exit 1.
S=$(mktemp -d "${TMPDIR:-/tmp}/t5100-ssh.XXXXXX")
cleanup 'stop_daemon "$S"; rm -rf "$S"'

fake() {
	mkdir -p "$(dirname "$1")" &&
	printf '#!/bin/sh\n%s\n' "$2" >"$1" &&
	chmod +x "$1"
}

test_expect_success SSHD 'setup: an sshd on 127.0.0.1, fake selftests, matrices' '
	start_sshd "$S" &&
	fake tests/pass_test "echo TAP version 13; echo 1..1; echo ok 1 one" &&
	fake tests/fail_test "echo \"==== Test Assertion Failure ====\"; exit 254" &&
	fake tests/skip_test "echo \"1..0 # SKIP - Requirement not met\"; exit 4" &&
	cat >local.conf <<-\EOF &&
	[selftests "three"]
		timeout = 60
		retries = 0
		memory = 1024
		test = pass_test
		test = fail_test
		test = skip_test
	[selftests "hang"]
		timeout = 1
		retries = 0
		memory = 1024
		test = pass_test
		test = after_test
	EOF
	refused=$(free_port) &&
	echo "ssh://$(id -un)@127.0.0.1:$refused" >refused &&
	echo "ssh://$(id -un)@127.0.0.1:$(cat "$S/port")" >good &&
	cp local.conf remote.conf &&
	cat >>remote.conf <<-EOF &&
	[test]
		hosts = $(cat good)
		ssh-options = "$(cat "$S/ssh-options")"
		remote-dir = $S/remote
	EOF
	sed "s|^hosts = .*|hosts = $(cat refused)|" remote.conf >refused.conf &&
	sed "s|^hosts = .*|hosts = $(cat refused) $(cat good)|" remote.conf >both.conf &&
	grep "^hosts = ssh://.*:$refused$" refused.conf &&
	grep "^hosts = ssh://.*:$refused ssh://" both.conf
'

test_expect_success SSHD 'a host that refuses the connection: an error naming it' '
	test_expect_code 128 backport test --matrix refused.conf --target one \
		--kernel /dev/null --selftests tests --results res-refused \
		>out 2>err &&
	cat err &&
	grep "^fatal: target .one. (series): host .$(cat refused).: cannot reach it: ssh: connect to host 127.0.0.1 port [0-9]*: Connection refused; no ssh host left to run it$" err
'

test_expect_success SSHD 'the test hosts from the user config' '
	sed -n "/^\[test\]/,\$p" refused.conf >user.config &&
	test_expect_code 128 env BACKPORT_CONFIG="$PWD/user.config" \
		backport test --matrix local.conf --target one \
		--kernel /dev/null --selftests tests --results res-user \
		>out 2>err &&
	grep "^fatal: target .one. (series): host .$(cat refused).: cannot reach it: " err
'

test_expect_success SSHD,QEMU 'the same kernel, here and through ssh' '
	test_expect_code 1 backport test --matrix local.conf --target one \
		--kernel "$KERNEL" --selftests tests --results res-local \
		--format=json >local.json 2>local.err &&
	test_expect_code 1 backport test --matrix remote.conf --target one \
		--kernel "$KERNEL" --selftests tests --results res-remote \
		--format=json >remote.json 2>remote.err &&
	cat remote.err &&
	jq -r ".[0].tests[] | \"\(.name) \(.series) \(.change)\"" local.json >expect &&
	cat >expect.tests <<-\EOF &&
	pass_test pass pass
	fail_test fail fail
	skip_test skip skip
	EOF
	test_cmp expect.tests expect &&
	jq -r ".[0].tests[] | \"\(.name) \(.series) \(.change)\"" remote.json >actual &&
	test_cmp expect actual &&
	for f in res-local res-remote; do
		jq -r ".verdict, (.tests[] | \"\(.name) \(.status) \(.exit_code) \(.reason)\")" \
			$f/test/one/series/result.json >$f.summary || return 1
	done &&
	test_cmp res-local.summary res-remote.summary &&
	test_cmp res-local/test/one/series/ktap.log res-remote/test/one/series/ktap.log
'

test_expect_success SSHD,QEMU 'the remote run: its host, its files there, QEMU gone' '
	r=res-remote/test/one/series/result.json &&
	jq -r ".host" $r >actual &&
	cat good >expect &&
	test_cmp expect actual &&
	jq -e ".host == null" res-local/test/one/series/result.json &&
	jq -r ".qemu | index(\"-kernel\") as \$i | .[\$i + 1], .[\$i + 3]" $r >actual &&
	printf "%s\n" "$S/remote/one/series/$(basename "$KERNEL")" \
		"$S/remote/one/series/initramfs.cpio" >expect &&
	test_cmp expect actual &&
	cmp "$KERNEL" "$S/remote/one/series/$(basename "$KERNEL")" &&
	cmp res-remote/test/one/series/initramfs.cpio \
		"$S/remote/one/series/initramfs.cpio" &&
	grep "^ok 1 pass_test" res-remote/test/one/series/console.log &&
	p=$(cat "$S/remote/one/series/qemu.pid") &&
	! kill -0 "$p" 2>/dev/null
'

test_expect_success SSHD,QEMU 'a guest hung there is killed there, a verdict here' '
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
	test_expect_code 1 backport test --matrix remote.conf --set hang \
		--target hang --kernel "$KERNEL" --selftests tests \
		--runner hang.sh --grace 3 --max-boots 1 --results res-hang \
		>out 2>err &&
	cat err &&
	r=res-hang/test/hang/series/result.json &&
	jq -r ".verdict, .boots[0].end, .tests[0].status, .tests[1].status, .host" \
		$r >actual &&
	printf "hung\nhung\npass\ntimeout\n%s\n" "$(cat good)" >expect &&
	test_cmp expect actual &&
	p=$(cat "$S/remote/hang/series/qemu.pid") &&
	{ ! test -d /proc/$p || grep -q ") Z" /proc/$p/stat; }
'

# Two kernels (baseline and series), a host for each at once: the
# refusing host takes one while the good one runs the other, and leaves.
test_expect_success SSHD,QEMU 'a host that refuses: its kernel runs on the next one' '
	backport test --matrix both.conf --target one --kernel "$KERNEL" \
		--selftests tests --baseline-kernel "$KERNEL" \
		--baseline-selftests tests --results res-both --format=json \
		>both.json 2>both.err &&
	cat both.err &&
	grep "^warning: target .one. (.*): host .$(cat refused).: cannot reach it: .*Connection refused; ran on host .$(cat good). instead$" both.err &&
	jq -r ".[0].tests[] | \"\(.name) \(.baseline) \(.series) \(.change)\"" both.json >actual &&
	cat >expect <<-\EOF &&
	pass_test pass pass pass
	fail_test fail fail still-failing
	skip_test skip skip skip
	EOF
	test_cmp expect actual &&
	for v in baseline series; do
		jq -e ".host == \"$(cat good)\"" res-both/test/one/$v/result.json ||
		return 1
	done
'

# The same sshd under two names: two hosts, one kernel each, at once.
test_expect_success SSHD,QEMU 'two hosts: the kernels spread over them' '
	other="ssh://$(id -un)@localhost:$(cat "$S/port")" &&
	sed "s|^hosts = .*|hosts = $(cat good) $other|" remote.conf >two.conf &&
	backport test --matrix two.conf --target one --kernel "$KERNEL" \
		--selftests tests --baseline-kernel "$KERNEL" \
		--baseline-selftests tests --results res-two --format=json \
		>two.json 2>two.err &&
	cat two.err &&
	jq -r ".[0].tests[] | \"\(.name) \(.baseline) \(.series) \(.change)\"" two.json >actual &&
	test_cmp expect actual &&
	for v in baseline series; do
		jq -r .host res-two/test/one/$v/result.json || return 1
	done | sort >hosts &&
	printf "%s\n" "$(cat good)" "$other" | sort >expect.hosts &&
	test_cmp expect.hosts hosts
'

# A host that drops mid-run: while the guest hangs in its second test,
# the sshd sessions are killed (the children of our sshd, by their
# ids): that run is an error naming the host, its QEMU there is killed
# when the host answers again, and the kernel runs on the other host.
test_expect_success SSHD,QEMU 'a host that drops mid-run: the kernel runs on the other' '
	other="ssh://$(id -un)@localhost:$(cat "$S/port")" &&
	sed "s|^hosts = .*|hosts = $(cat good) $other|" remote.conf >drop.conf &&
	log=res-drop/test/drop/series/console.log || return 1
	{
		backport test --matrix drop.conf --set hang --target drop \
			--kernel "$KERNEL" --selftests tests --runner hang.sh \
			--grace 3 --max-boots 1 --results res-drop \
			>drop.out 2>drop.err
		echo $? >drop.rc
	} &
	while ! test -e drop.rc && ! grep -q "# running after_test" $log 2>/dev/null
	do
		sleep 0.2
	done &&
	first=$(cat "$S/remote/drop/series/qemu.pid") &&
	kill $(ps -o pid= --ppid "$(cat "$S/pid")") &&
	while ! test -e drop.rc; do sleep 0.2; done &&
	cat drop.err &&
	test "$(cat drop.rc)" = 1 &&
	grep "^warning: target .drop. (series): boot: host .\(.*\).: ssh failed (the connection was refused or dropped): .*; ran on host .\(.*\). instead$" drop.err >w &&
	a=$(sed "s/.*: host .\([^ ]*\).: ssh failed.*/\1/" w) &&
	b=$(sed "s/.*; ran on host .\([^ ]*\). instead$/\1/" w) &&
	test "$a" != "$b" &&
	r=res-drop/test/drop/series/result.json &&
	jq -r ".verdict, .host" $r >actual &&
	printf "hung\n%s\n" "$b" >expect &&
	test_cmp expect actual &&
	{ ! test -d /proc/$first || grep -q ") Z" /proc/$first/stat; }
'

# Also after a failure (sharness cleans up only after success).
test_expect_success 'stop the daemons' '
	stop_daemon "$S"
'

test_done
