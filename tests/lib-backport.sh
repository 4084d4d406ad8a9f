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
