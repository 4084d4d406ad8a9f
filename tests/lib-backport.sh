# Shared set-up for the sharness CLI tests: source it after sharness.sh.
#
#   test_description='...'
#   . ./lib-backport.sh

HOME_ORIG=${HOME_ORIG:-$HOME}
export HOME_ORIG
. /usr/share/sharness/sharness.sh

GIT_AUTHOR_NAME='A U Thor'
GIT_AUTHOR_EMAIL='author@example.com'
GIT_COMMITTER_NAME='C O Mitter'
GIT_COMMITTER_EMAIL='committer@example.com'
GIT_AUTHOR_DATE='1700000000 +0000'
GIT_COMMITTER_DATE='1700000000 +0000'
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
export GIT_CONFIG_NOSYSTEM=1
export LC_ALL=C.UTF-8
# No build or test hosts of the user's (matrix.h): HOME is the trash.
unset BACKPORT_CONFIG DISTCC_HOSTS
: "${BACKPORT_TOP:=$(cd "$SHARNESS_TEST_SRCDIR/.." && pwd)}"
SEEDS="$BACKPORT_TOP/../shared/seeds"
BACKPORT_CACHE_DIR="$SHARNESS_TRASH_DIRECTORY/.cache"
export BACKPORT_CACHE_DIR

git config --global init.defaultBranch main
git config --global user.name "$GIT_COMMITTER_NAME"
git config --global user.email "$GIT_COMMITTER_EMAIL"

test -d "$SEEDS" && test_set_prereq SEEDS
test -z "${BACKPORT_SKIP_SLOW:-}" && test_set_prereq SLOW

# The real default trees, provisioned by `backport trees` into a cache
# shared by every test script (BACKPORT_TREES_CACHE, else the user's).
: "${BACKPORT_TREES_DIR:=${XDG_CACHE_HOME:-$HOME_ORIG/.cache}/backport}"

# test_commit_file <file> <content> <message>: write, add and commit.
test_commit_file() {
	mkdir -p "$(dirname "$1")" &&
	printf '%s\n' "$2" >"$1" &&
	git add "$1" &&
	git commit -q -m "$3"
}

# test_line_count <op> <n> <file>, as in git's test-lib.
test_line_count() {
	if test $# != 3; then
		echo "bug in the test script: test_line_count needs 3 args"
		return 1
	fi
	if ! test $(wc -l <"$3") "$1" "$2"; then
		echo "test_line_count: line count for $3 !$1 $2"
		cat "$3"
		return 1
	fi
}

# test_queue_repo <n>: a repository "up" whose main has <n> patches (n >= 80)
# on tag "base", patch k making function k of file c<k/10>.c return one
# more, and the same patches as a quilt queue in "queue/" (with its series
# file). linux-6.12.y is base; linux-6.1.y is base where c07.c changed every
# return (patches 71-80 conflict) and c03.c already has its patches (31-40
# already-present).
test_queue_repo() {
	git init -q up && (
		cd up &&
		python3 - "$1" <<-\EOF &&
		import sys
		for f in range((int(sys.argv[1]) + 9) // 10):
		    with open("c%02d.c" % f, "w") as out:
		        for j in range(10):
		            out.write("int f%02d_%d(void)\n{\n\treturn %d;\n}\n\n" % (f, j, j))
		EOF
		git add . && git commit -q -m base && git tag base &&
		git branch linux-6.12.y &&
		k=0 &&
		while test $k -lt $1
		do
			f=$(printf %02d $((k / 10))) && j=$((k % 10)) &&
			sed -i "/^int f${f}_$j(void)/,/^}/s/return $j;/return $j + 1;/" c$f.c &&
			git commit -q -a -m "c$f: f${f}_$j returns one more" ||
			return 1
			k=$((k + 1))
		done &&
		git format-patch -q -N -o ../queue base &&
		git checkout -q -b linux-6.1.y base &&
		sed -i "s/return \([0-9]\);/return \1 * 1;/" c07.c &&
		git checkout -q main -- c03.c &&
		git commit -q -a -m "6.1: c07 multiplies, c03 backported" &&
		git checkout -q main
	) &&
	(cd queue && ls *.patch >series)
}

# write_stable_matrix <repo>: on stdout, the matrix of the two stable
# branches linux-6.1.y and linux-6.12.y (releases 6.1.1 and 6.12.1) of
# the repository <repo> (a path relative to the matrix file).
write_stable_matrix() {
	cat <<-EOF
	[matrix]
		repo = $1
	[release "6.1.1"]
		package = linux-source-6.1
		version = 6.1.1-1
	[release "6.12.1"]
		package = linux-source-6.12
		version = 6.12.1-1
	[branch "linux-6.1.y"]
		release = 6.1.1
	[branch "linux-6.12.y"]
		release = 6.12.1
	EOF
}
