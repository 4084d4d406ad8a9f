#!/bin/sh
test_description='backport build on distcc: a real distccd on 127.0.0.1

The toy kernel of t4000 built with [build] distcc-hosts naming a distccd
started here: its compile jobs go through the daemon (its statistics and
build.json say so); with the daemon stopped the build still succeeds,
locally, with a warning.'
. ./lib-backport.sh

. "$BACKPORT_TOP/tests/lib-toykernel.sh"
. "$BACKPORT_TOP/tests/lib-hosts.sh"

# The kernel cannot be built in a path with spaces (the trash directory).
BACKPORT_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/t4100-cache.XXXXXX") &&
export BACKPORT_CACHE_DIR
# distccd runs as nobody when we are root: a directory it can write.
D=$(mktemp -d "${TMPDIR:-/tmp}/t4110-distccd.XXXXXX") && chmod 777 "$D"
cleanup 'stop_daemon "$D"; rm -rf "$BACKPORT_CACHE_DIR" "$D"'
unset DISTCC_HOSTS

test_expect_success DISTCC 'setup: a toy kernel, a distccd, a matrix naming it' '
	git init -q up && (
		cd up && write_toy_kernel &&
		git add . && git commit -q -m "9.9.1" && git tag v9.9.1 &&
		git branch linux-9.9.y
	) &&
	start_distccd "$D" &&
	host=127.0.0.1:$(cat "$D/port")/4 &&
	echo "$host" >host &&
	{
		write_toy_matrix &&
		cat <<-EOF
		[build]
			distcc-hosts = "--randomize $host,lzo"
		EOF
	} >matrix.conf
'

test_expect_success DISTCC 'the compiles go through the daemon' '
	backport build --matrix matrix.conf --baseline-only >out 2>err &&
	cat out err &&
	grep "^linux-9.9.y  *baseline  *built" out &&
	! grep "warning:" err &&
	test "$(distccd_stat "$D" dcc_compile_ok)" -ge 3 &&
	grep "COMPILE_OK.*/main.c" "$D/distccd.log" &&
	grep "COMPILE_OK.*/helper.c" "$D/distccd.log" &&
	grep "COMPILE_OK.*/other.c" "$D/distccd.log"
'

test_expect_success DISTCC 'build.json: which host compiled how many units' '
	b=results/build/linux-9.9.y/baseline/build.json &&
	host=$(cat host) &&
	jq -r ".distcc.hosts[0].host, .distcc.hosts[0].slots, .distcc.hosts[0].up, .distcc.units[\"$host,lzo\"], .distcc.fallbacks, (.distcc.warnings | length)" $b >actual &&
	printf "%s\n" "$host,lzo" 4 true 3 0 0 >expect &&
	test_cmp expect actual &&
	test -s results/build/linux-9.9.y/baseline/distcc.log
'

# DISTCC_HOSTS from the environment when the matrix names none. The
# build directory goes, and CCACHE_RECACHE compiles again rather than
# take ccache's objects: every unit is compiled.
test_expect_success DISTCC 'DISTCC_HOSTS with a host that is down: left out, warned' '
	dead=127.0.0.1:$(free_port)/2 &&
	sed "/^\[build\]/,\$d" matrix.conf >env.conf &&
	rm -rf "$BACKPORT_CACHE_DIR/builds" &&
	DISTCC_HOSTS="$dead $(cat host)" CCACHE_RECACHE=1 backport build \
		--matrix env.conf --baseline-only --force >out 2>err &&
	cat err &&
	grep "^linux-9.9.y  *baseline  *built" out &&
	grep "^warning: distcc host .$dead. is down (connection refused on port [0-9]*): compiling without it$" err &&
	! grep "no distcc host answers" err &&
	b=results/build/linux-9.9.y/baseline/build.json &&
	jq -r ".distcc.units[\"$(cat host)\"], .distcc.units[\"$dead\"], .distcc.hosts[0].up" $b >actual &&
	printf "%s\n" 3 null false >expect &&
	test_cmp expect actual
'

# The user's config: its [build] (and [test]) only, under the matrix's.
test_expect_success DISTCC 'the hosts from the user config' '
	cat >user.config <<-EOF &&
	[build]
		distcc-hosts = $(cat host)
	[config "toy"]
		base = no-such-config
	EOF
	rm -rf "$BACKPORT_CACHE_DIR/builds" &&
	BACKPORT_CONFIG="$PWD/user.config" CCACHE_RECACHE=1 backport build \
		--matrix env.conf --baseline-only --force >out 2>err &&
	grep "^linux-9.9.y  *baseline  *built" out &&
	b=results/build/linux-9.9.y/baseline/build.json &&
	test "$(jq -r ".distcc.units[\"$(cat host)\"]" $b)" = 3
'

test_expect_success DISTCC 'the daemon stopped: built locally, with a warning' '
	stop_daemon "$D" &&
	rm -rf "$BACKPORT_CACHE_DIR/builds" &&
	CCACHE_RECACHE=1 backport build --matrix matrix.conf --baseline-only --force \
		--format=json >out.json 2>err &&
	cat err &&
	jq -e ".[0].verdict == \"built\" and (.[0].cached | not)" out.json &&
	grep "^warning: distcc host .$(cat host),lzo. is down (connection refused on port $(cat "$D/port")): compiling without it$" err &&
	grep "^warning: no distcc host answers: compiling locally$" err &&
	b=results/build/linux-9.9.y/baseline/build.json &&
	jq -e ".distcc.hosts[0].up == false and .distcc.units == {} and (.distcc.warnings | length) == 2" $b
'

test_expect_success 'no distcc hosts: no distcc record, as before' '
	git init -q plain && (
		cd plain && write_toy_kernel && git add . &&
		git commit -q -m "9.9.1" && git tag v9.9.1 &&
		git branch linux-9.9.y
	) &&
	printf "%s\n" CONFIG_64BIT=y >plain.fragment &&
	sed -e "/^\[build\]/,\$d" -e "s/repo = up/repo = plain/" \
		-e "s/toy.fragment/plain.fragment/" matrix.conf >plain.conf &&
	backport build --matrix plain.conf --baseline-only --results plainres \
		>out 2>err &&
	! grep warning err &&
	jq -e "has(\"distcc\") | not" plainres/build/linux-9.9.y/baseline/build.json
'

# Also after a failure (sharness cleans up only after success).
test_expect_success 'stop the daemons' '
	stop_daemon "$D"
'

test_done
