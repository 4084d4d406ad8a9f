#!/bin/sh
# The in-guest runner of `backport test`, installed as /init in the
# initramfs that tools/lib/guest.c writes. It mounts what the KVM
# selftests need, runs each test of /backport/tests with a timeout, and
# prints KTAP version 1 on the console (see tools/lib/ktap.h):
#
#	KTAP version 1
#	1..N
#	# running NAME			before each test
#	# <the test's own output>	prefixed by "# "
#	ok N NAME			exit 0
#	ok N NAME # SKIP reason		exit 4 (KSFT_SKIP), or not in this tree
#	ok N NAME # flaky: ...		failed, then passed on a retry
#	not ok N NAME # exit=N		any other exit status
#	not ok N NAME # TIMEOUT N seconds
#	not ok N NAME # ERROR reason	cannot be run
#	# backport: done
#
# then it reboots (QEMU runs with -no-reboot, so it exits).
#
# /backport/tests holds one test a line, fields separated by tabs:
# NAME, TIMEOUT (seconds), BINARY (under /backport/bin, or "-" when the
# tree does not have it), then the arguments (split at blanks).
# /backport/config sets RETRIES and HUGEPAGES. The kernel command line's
# backport.first=K starts at test K (a later boot after a crash).

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox --install -s /bin 2>/dev/null
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/hugepages
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null

RETRIES=0
HUGEPAGES=0
. /backport/config

FIRST=1
for word in $(cat /proc/cmdline); do
	case "$word" in
	backport.first=*) FIRST=${word#backport.first=} ;;
	esac
done

if [ "$HUGEPAGES" -gt 0 ]; then
	echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages 2>/dev/null
fi

# run_attempt BINARY TIMEOUT ARGS...: run once; sets RC and TIMED_OUT. The test leads its own session, so that a timeout kills it
# and whatever it started (which would hold the pipe open); its output
# goes to the console prefixed by "# " and to /tmp/out.
run_attempt() {
	bin=$1
	tmo=$2
	shift 2
	rm -f /tmp/pid /tmp/rc /tmp/timedout
	(
		sleep "$tmo"
		pgid=$(cat /tmp/pid 2>/dev/null) || exit 0
		: >/tmp/timedout
		kill -TERM -- "-$pgid" 2>/dev/null
		sleep 5
		kill -KILL -- "-$pgid" 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	watchdog=$!
	sh -c 'cd /tmp || exit 1
		setsid "$@" </dev/null &
		echo $! >/tmp/pid
		wait $!
		echo $? >/tmp/rc' sh "/backport/bin/$bin" "$@" 2>&1 |
		tee /tmp/out | sed 's/^/# /'
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	RC=$(cat /tmp/rc 2>/dev/null)
	[ -n "$RC" ] || RC=255
	TIMED_OUT=
	[ -e /tmp/timedout ] && TIMED_OUT=1
}

# What kselftest prints when it skips: "1..0 # SKIP reason" or
# "# SKIP reason" or "ok 1 ... # SKIP reason"; the last such line.
skip_reason() {
	r=$(grep -i '# *skip' /tmp/out | tail -n 1 | sed 's/.*# *[Ss][Kk][Ii][Pp][^ ]* *//')
	[ -n "$r" ] || r=$(tail -n 1 /tmp/out)
	[ -n "$r" ] || r="exit 4 (KSFT_SKIP)"
	echo "$r"
}

# run_test N NAME TIMEOUT BINARY ARGS...
run_test() {
	n=$1
	name=$2
	tmo=$3
	bin=$4
	shift 4
	echo "# running $name"
	if [ "$bin" = - ]; then
		echo "ok $n $name # SKIP not in this tree"
		return
	fi
	if [ ! -x "/backport/bin/$bin" ]; then
		echo "not ok $n $name # ERROR cannot exec /backport/bin/$bin"
		return
	fi
	attempt=1
	fails=""
	while :; do
		run_attempt "$bin" "$tmo" "$@"
		if [ "$RC" = 0 ]; then
			if [ -n "$fails" ]; then
				echo "ok $n $name # flaky: passed on attempt $attempt after$fails"
			else
				echo "ok $n $name"
			fi
			return
		fi
		if [ "$RC" = 4 ]; then
			echo "ok $n $name # SKIP $(skip_reason)"
			return
		fi
		if [ -n "$TIMED_OUT" ]; then
			result="TIMEOUT $tmo seconds"
			fails="$fails timeout"
		else
			result="exit=$RC"
			fails="$fails exit=$RC"
		fi
		if [ "$attempt" -gt "$RETRIES" ]; then
			echo "not ok $n $name # $result"
			return
		fi
		echo "# attempt $attempt failed ($result), retrying"
		attempt=$((attempt + 1))
	done
}

total=$(grep -c . /backport/tests)
echo "KTAP version 1"
echo "1..$total"
n=0
tab=$(printf '\t')
while IFS="$tab" read -r name tmo bin args; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	[ "$n" -ge "$FIRST" ] || continue
	# shellcheck disable=SC2086 # arguments split at blanks on purpose
	run_test "$n" "$name" "$tmo" "$bin" $args </dev/null
done </backport/tests
echo "# backport: done"
sync
reboot -f
# Not reached unless reboot failed: do not let init exit (a panic).
while :; do sleep 3600; done
