#!/bin/sh
# make demo: the main job on the default matrix, on a fresh machine.
#  1. provision the real stable trees (Debian's linux-source packages)
#     into the cache: backport trees;
#  2. run the seed series (series/kvm-x86-mmu, imported from
#     ../shared/seeds) on every target of matrix/default.conf: apply with
#     the recorded resolutions (backports/), build each kernel and its
#     KVM selftests, boot them in QEMU and compare with the unpatched
#     branch: backport run;
#  3. print the matrix and where the HTML report is.
# A second `make demo` takes the finished cells from the cache.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/build/default/backport"
cd "$top"

if [ ! -f series/kvm-x86-mmu/series ] && [ -d ../shared/seeds ]; then
	"$bp" import --name kvm-x86-mmu ../shared/seeds/*.txt
fi
echo "== backport trees" >&2
"$bp" trees
echo "== backport run" >&2
rc=0
"$bp" run "$@" || rc=$?
echo "== the HTML report: $top/results/latest/index.html" >&2
# Exit 1 means a cell failed: that is a result of the demo, not an error.
[ "$rc" -le 1 ]
