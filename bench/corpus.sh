#!/bin/sh
# bench/corpus.sh: how right the verdicts are on real stable patches.
#
# The 80 patches of ../shared/corpus/releases-6.12.111 (80 x 5 = 400
# cells) on the five trees of matrix/corpus.conf, scored against the
# ground truth established by hand (bench/corpus/truth.tsv, TRUTH.md),
# beside the two-line script users write today (git apply --check, else
# git apply -R --check -> already present, else conflict), in one run:
# cells right / total, false-clean (an applied verdict where the truth
# is anything else, or a commit that differs from what git apply makes
# of the same patch), false not-applicable, false already-present; and
# the time and peak memory of `backport apply` on the 5 trees.
#
# Not a test: no limits here (t3400 asserts the zero classes).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/build/default/backport"
queue="${BACKPORT_CORPUS:-$top/../shared/corpus/releases-6.12.111}"
cache="${BACKPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backport}"
if [ ! -f "$queue/series" ]; then
	echo "bench/corpus.sh: skipped, no corpus at $queue"
	exit 0
fi
work=$(mktemp -d /tmp/backport-bench-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$bp" trees -q --matrix "$top/matrix/corpus.conf" >/dev/null
files=$(grep -v '^#' "$queue/series" | sed "s|^|$queue/|")
# shellcheck disable=SC2086
"$bp" import -q --series-dir "$work/series" --name corpus $files >/dev/null
# Commits are written (to refs/backport/corpus/*, our namespace) so that
# each landing can be compared with git apply's.
/usr/bin/time -f "%e %M" -o "$work/time" \
	"$bp" apply -q --matrix "$top/matrix/corpus.conf" \
	--series-dir "$work/series" --series corpus --format=json \
	>"$work/apply.json" || true
read -r secs kb <<-EOT
$(tail -1 "$work/time")
EOT
echo "corpus: $(grep -vc '^#' "$queue/series") patches x 5 trees"
python3 "$top/bench/corpus/score.py" "$top/bench/corpus/truth.tsv" \
	"$cache/corpus.git" "$queue" "$work/apply.json" --script
echo "backport apply: ${secs} s, peak RSS $((kb / 1024)) MB"
