#!/bin/sh
# bench/queue.sh: a stable queue at its real size, against what a
# maintainer runs today, onto the five trees of matrix/corpus.conf:
#
#  1. the 80 patches of the 6.12.111 queue (../shared/corpus/
#     releases-6.12.111, a quilt queue);
#  2. a queue of BENCH_QUEUE_N (default 1000; 0 skips it) patches made
#     from two Debian releases, as bench/apply.sh does: one patch per
#     text file that changed between 6.12.111 and 6.12.117, in path
#     order, as a quilt queue.
#
# Each is timed both ways:
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
big="${BENCH_QUEUE_N:-1000}"
repo="$cache/corpus.git"
work=$(mktemp -d /tmp/backport-bench-queue.XXXXXX)
trap 'git --git-dir="$repo" worktree remove -f "$work/wt" 2>/dev/null; rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
targets="linux-6.1.y v6.12.107 v6.12.111 linux-6.12.y linux-7.3.y"

# bench <name> <queue dir>: both ways, one line each and the ratio.
bench() {
	rm -rf "$work/series"
	n=$(grep -v '^#' "$2/series" | grep -c .)
	/usr/bin/time -f "%e %M" -o "$work/t.bp" sh -c '
		"$1" import -q --series-dir "$2/series" --name q "$3" \
			>/dev/null &&
		"$1" apply -q --dry-run --matrix "$4" --series-dir "$2/series" \
			--format=json >"$2/apply.json" || test $? = 1
	' - "$bp" "$work" "$2" "$top/matrix/corpus.conf"
	read -r bp_s bp_kb <"$work/t.bp"
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
	' - "$work" "$targets" "$2"
	read -r git_s git_kb <"$work/t.git"
	echo "$1: $n patches (quilt, series order) x 5 targets"
	echo "  backport import + apply: ${bp_s} s, peak RSS $((bp_kb / 1024)) MB"
	echo "  git checkout + git am -3 loop: ${git_s} s, peak RSS $((git_kb / 1024)) MB"
	python3 -c "print('  ratio (git loop / backport): %.1fx' % ($git_s / $bp_s))"
}

# generated <n> <dir>: a quilt queue of the first <n> text files that
# changed between 6.12.111 and 6.12.117, one patch each.
generated() {
	mkdir -p "$2"
	git --git-dir="$repo" diff --no-renames --numstat v6.12.111 v6.12.117 |
		awk -F'\t' '$1 != "-" { print $3 }' | head -n "$1" >"$work/files"
	i=0
	while read -r f; do
		i=$((i + 1))
		p=$(printf %04d "$i").patch
		{
			printf 'From: bench <bench@localhost>\n'
			printf 'Date: Mon, 2 Nov 2026 00:00:00 +0000\n'
			printf 'Subject: [PATCH] replay %s\n\n' "$f"
			printf 'Replay of %s from 6.12.117.\n---\n' "$f"
			git --git-dir="$repo" diff --no-renames --full-index \
				v6.12.111 v6.12.117 -- "$f"
			printf -- '-- \n2.39.5\n'
		} >"$2/$p"
		echo "$p" >>"$2/series"
	done <"$work/files"
}

"$bp" trees -q --matrix "$top/matrix/corpus.conf" >/dev/null
git --git-dir="$repo" worktree add -q --detach "$work/wt" v6.12.111
if [ -f "$queue/series" ]; then
	bench "the 6.12.111 queue" "$queue"
else
	echo "bench/queue.sh: the 6.12.111 queue skipped, none at $queue"
fi
if [ "$big" -gt 0 ]; then
	generated "$big" "$work/big"
	bench "6.12.111..6.12.117, a patch per file" "$work/big"
fi
