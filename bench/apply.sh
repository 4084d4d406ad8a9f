#!/bin/sh
# bench/apply.sh: backport apply against what stable maintainers do
# today, in one run, on the real trees (~/.cache/backport/linux.git,
# provisioned by `backport trees`):
#
#  1. the seed split patch (repaired so git can read it: the
#     resolution recorded for 6.12.111, as a mail) onto 4 branches:
#     `backport apply` vs a loop of `git checkout -f B && git am -3`;
#  2. every file that changed between 6.12.111 and 6.12.117 as a series
#     of one mail per file, replayed onto 6.12.111: `backport apply` vs
#     `git am`, both results checked byte-identical to 6.12.117.
#
# Prints the times and the ratios. Not a test: no limits here.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/build/default/backport"
cache="${BACKPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backport}"
repo="$cache/linux.git"
work=$(mktemp -d /tmp/backport-bench-apply.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost

now() { date +%s.%N; }
ratio() { python3 -c "print('%.1f' % ($1 / $2))"; }

"$bp" trees -q >/dev/null
cd "$work"
mkdir series
git --git-dir="$repo" worktree add -q --detach wt v6.12.111

# 1. the split patch, repaired, on four branches.
"$bp" apply --series-dir "$top/series" --backports "$top/backports" \
	--series kvm-x86-mmu --branch linux-6.12.y@v6.12.111 -q >/dev/null || true
git --git-dir="$repo" format-patch -q -1 --stdout \
	refs/backport/kvm-x86-mmu/linux-6.12.y@v6.12.111 >split.mbox
"$bp" import -q --series-dir series --name split split.mbox >/dev/null
branches="linux-6.1.y linux-6.12.y@v6.12.111 linux-6.12.y linux-7.3.y"
set --
for b in $branches; do set -- "$@" --branch "$b"; done
t0=$(now)
"$bp" apply -q --series-dir series --series split --dry-run "$@" >ours.txt || true
t1=$(now)
for b in $branches; do
	rev=${b#*@}
	[ "$rev" = "$b" ] && rev=$b
	git -C wt checkout -q -f "$rev" 2>/dev/null
	git -C wt am -q -3 ../split.mbox >/dev/null 2>&1 || git -C wt am --abort >/dev/null 2>&1 || true
done
t2=$(now)
ours=$(python3 -c "print('%.2f' % ($t1 - $t0))")
theirs=$(python3 -c "print('%.2f' % ($t2 - $t1))")
echo "seed split onto 4 branches: backport apply ${ours} s, git checkout + git am -3 loop ${theirs} s: $(ratio "$theirs" "$ours")x faster"

# 2. replay 6.12.111..6.12.117, one mail per file.
# Text files only: a mail carries no binary diff.
git --git-dir="$repo" diff --no-renames --numstat v6.12.111 v6.12.117 |
	awk -F'\t' '$1 != "-" { print $3 }' >files
n=$(wc -l <files)
mkdir replay
i=0
while read -r f; do
	i=$((i + 1))
	{
		printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
		printf 'From: bench <bench@localhost>\n'
		printf 'Date: Mon, 2 Nov 2026 00:00:00 +0000\n'
		printf 'Subject: [PATCH %d/%d] replay %s\n\n' "$i" "$n" "$f"
		printf 'Replay of %s from 6.12.117.\n---\n' "$f"
		git --git-dir="$repo" diff --no-renames --full-index v6.12.111 v6.12.117 -- "$f"
		printf -- '-- \n2.39.5\n\n'
	} >"replay/$(printf %04d "$i").patch"
done <files
cat replay/*.patch >replay.mbox
"$bp" import -q --series-dir series --name replay replay >/dev/null
t0=$(now)
"$bp" apply -q --series-dir series --series replay --branch linux-6.12.y@v6.12.111 \
	--no-resolutions >/dev/null
t1=$(now)
git -C wt checkout -q -f v6.12.111
git -C wt am -q replay.mbox 2>/dev/null || git -C wt am -q ../replay.mbox
t2=$(now)
ref=refs/backport/replay/linux-6.12.y@v6.12.111
if git --git-dir="$repo" diff --quiet "$ref" v6.12.117; then ok_ours=identical; else ok_ours=DIFFERENT; fi
if git -C wt diff --quiet HEAD v6.12.117; then ok_git=identical; else ok_git=DIFFERENT; fi
ours=$(python3 -c "print('%.2f' % ($t1 - $t0))")
theirs=$(python3 -c "print('%.2f' % ($t2 - $t1))")
echo "replay of $n files 6.12.111 -> 6.12.117: backport apply ${ours} s ($ok_ours to 6.12.117), git am ${theirs} s ($ok_git): $(ratio "$theirs" "$ours")x faster"
git --git-dir="$repo" update-ref -d "$ref"
git --git-dir="$repo" worktree remove --force wt
