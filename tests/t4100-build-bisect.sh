#!/bin/sh
test_description='backport build/run bisect a queue whose build fails: the patch that broke it, in the cell reason

A toy kernel (lib-toykernel.sh) and a queue of 8 patches whose 5th does
not compile: the series build fails, the baseline builds, and the commits
of the queue are bisected with incremental builds in the series build
directory.'
. ./lib-backport.sh
. "$BACKPORT_TOP/tests/lib-toykernel.sh"

# The kernel cannot be built in a path with spaces, like the trash
# directory's: the cache goes to a directory of its own.
BACKPORT_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/t4100-cache.XXXXXX") &&
export BACKPORT_CACHE_DIR
CACHE=$BACKPORT_CACHE_DIR

# q<n>: a patch that adds kernel/q<n>.c; the 5th breaks helper.c.
test_expect_success 'setup: a toy kernel, a queue of 8 patches, the 5th broken' '
	git init -q up && (
		cd up && write_toy_kernel &&
		git add . && git commit -q -m "9.9.1" && git tag v9.9.1 &&
		git branch linux-9.9.y &&
		for n in 1 2 3 4 5 6 7 8
		do
			if test $n = 5
			then
				sed -i "s/return x \* 2;/return x * 2 +;/" kernel/helper.c &&
				git commit -q -a -m "helper: breaks" \
					-m "Cc: stable@vger.kernel.org"
			else
				printf "int q$n(void)\n{\n\treturn $n;\n}\n" >kernel/q$n.c &&
				git add kernel/q$n.c &&
				git commit -q -m "q$n: add q$n()" \
					-m "Cc: stable@vger.kernel.org"
			fi || return 1
		done &&
		git format-patch -q -o ../mails v9.9.1
	) &&
	backport import -q --name q mails &&
	write_toy_matrix >matrix.conf
'

cell() {
	jq -r ".cells[0].$1" results/latest/run.json
}

test_expect_success 'run: build-failed, the reason names the 5th patch and its error' '
	test_expect_code 1 backport run --matrix matrix.conf --series q \
		--no-test >out 2>err &&
	test "$(cell status)" = build-failed &&
	cell reason >reason &&
	cat reason &&
	echo "linux-9.9.y series: kernel: build broken by 0005-helper-breaks.eml: kernel/helper.c:3: expected expression before '"'"';'"'"' token" >expect &&
	test_cmp expect reason
'

test_expect_success 'build.json: broken_by, found in three incremental builds' '
	d=results/latest/cells/q/build/linux-9.9.y/series &&
	j=$d/build.json &&
	jq -r ".broken_by.title, .broken_by.index, .broken_by.of, .broken_by.builds, .broken_by.first_error.file" $j >actual &&
	printf "%s\n" "helper: breaks" 5 8 3 kernel/helper.c >expect &&
	test_cmp expect actual &&
	git -C up rev-parse "refs/backport/q/linux-9.9.y~3" >want &&
	jq -r .broken_by.commit $j >got &&
	test_cmp want got &&
	git -C up log -1 --format=%s "$(cat got)" >subject &&
	echo "helper: breaks" >expect && test_cmp expect subject &&
	ls $d/bisect-*.log >logs &&
	test_line_count = 3 logs &&
	# Incremental: in the series build directory, no probe compiles
	# what no patch of the queue changed (main.c, other.c).
	grep -h "^  CC      kernel/" $(cat logs) >compiled &&
	grep "^  CC      kernel/helper\.o" compiled &&
	! grep "^  CC      kernel/\(main\|other\)\.o" compiled
'

test_expect_success 'build: the table names the patch; a second run keeps it (cached)' '
	test_expect_code 1 backport build --matrix matrix.conf --series q >out &&
	cat out &&
	grep "^linux-9.9.y  *series  *build-failed  *kernel: broken by patch 5 of 8 ([0-9a-f]\{12\} helper: breaks): kernel/helper.c:3: expected expression" out &&
	grep "(cached)$" out >cached && test_line_count = 2 cached &&
	test_expect_code 1 backport run --matrix matrix.conf --series q \
		--no-test >out 2>err &&
	cell reason >reason2 &&
	test_cmp reason reason2 &&
	backport report >text &&
	grep "build broken by 0005-helper-breaks.eml: kernel/helper.c:3: " text &&
	backport report --format=html -o page.html &&
	grep "build broken by 0005-helper-breaks.eml: kernel/helper.c:3: " page.html
'

test_expect_success 'a queue that builds: nothing bisected' '
	(
		cd up && git checkout -q -b good v9.9.1 &&
		for n in 1 2 3
		do
			printf "int q$n(void)\n{\n\treturn $n;\n}\n" >kernel/q$n.c &&
			git add kernel/q$n.c &&
			git commit -q -m "q$n: add q$n()" \
				-m "Cc: stable@vger.kernel.org" || return 1
		done &&
		git format-patch -q -o ../good v9.9.1 && git checkout -q main
	) &&
	backport import -q --name good good &&
	backport run --matrix matrix.conf --series good --no-test >out 2>err &&
	test "$(cell status)" = ok &&
	d=results/latest/cells/good/build/linux-9.9.y/series &&
	jq -e ".broken_by == null" $d/build.json &&
	! ls $d/bisect-*.log
'

test_done
