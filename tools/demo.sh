#!/bin/sh
# make demo: the main job on the default matrix, on a fresh machine.
# Provisions the real stable trees (Debian's linux-source packages) into
# the cache, and shows the seed series as imported under series/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/build/default/backport"
cd "$top"

echo "== provisioning the default trees (matrix/default.conf)" >&2
"$bp" trees
echo "== the seed series" >&2
for s in $("$bp" show); do
	"$bp" show "$s"
done
