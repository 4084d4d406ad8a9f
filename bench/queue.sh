#!/bin/sh
# bench/queue.sh: a stable queue at its real size, against what a
# maintainer runs today, in one run: the 80 patches of the 6.12.111 queue
# (../shared/corpus/releases-6.12.111, a quilt queue) onto the five trees
# of matrix/corpus.conf.
#
#   backport import <queue> && backport apply  (in memory, five targets)
#   for each target: git checkout -f <target> && git am -3 <queue>, with
#   git am --skip past each patch that fails (a worktree of the same
#   repository)
#
# Prints wall time and peak RSS of each and the ratio. Not a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/build/default/backport"
cache="${BACKPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backport}"
queue="${BACKPORT_CORPUS:-$top/../shared/corpus/releases-6.12.111}"
if [ ! -f "$queue/series" ]; then
	echo "bench/queue.sh: skipped, no queue at $queue"
	exit 0
fi
work=$(mktemp -d /tmp/backport-bench-queue.XXXXXX)
trap 'git --git-dir="$cache/corpus.git" worktree remove -f "$work/wt" 2>/dev/null; rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost

"$bp" trees -q --matrix "$top/matrix/corpus.conf" >/dev/null
n=$(grep -v '^#' "$queue/series" | grep -c .)

/usr/bin/time -f "%e %M" -o "$work/t.bp" sh -c '
	"$1" import -q --series-dir "$2/series" "$3" >/dev/null &&
	"$1" apply -q --dry-run --matrix "$4" --series-dir "$2/series" \
		--format=json >"$2/apply.json" || test $? = 1
' - "$bp" "$work" "$queue" "$top/matrix/corpus.conf"
read -r bp_s bp_kb <"$work/t.bp"

targets="linux-6.1.y v6.12.107 v6.12.111 linux-6.12.y linux-7.3.y"
git --git-dir="$cache/corpus.git" worktree add -q --detach "$work/wt" v6.12.111
/usr/bin/time -f "%e %M" -o "$work/t.git" sh -c '
	cd "$1/wt" || exit 1
	for t in $2; do
		git checkout -q -f --detach "$t" || exit 1
		git am -q -3 $(grep -v "^#" "$3/series" | sed "s|^|$3/|") \
			>/dev/null 2>&1 ||
		while test -d "$(git rev-parse --git-path rebase-apply)"; do
			git am -q --skip >/dev/null 2>&1 || :
		done
	done
' - "$work" "$targets" "$queue"
read -r git_s git_kb <"$work/t.git"

echo "queue: $n patches (quilt, series order) x 5 targets"
echo "backport import + apply: ${bp_s} s, peak RSS $((bp_kb / 1024)) MB"
echo "git checkout + git am -3 loop: ${git_s} s, peak RSS $((git_kb / 1024)) MB"
python3 -c "print('ratio (git loop / backport): %.1fx' % ($git_s / $bp_s))"
