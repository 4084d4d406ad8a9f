#!/bin/sh
# make bench: every benchmark of bench/, each against the tools users use
# today, in one run. Slow (kernel builds included); not a test.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
rc=0
for b in trees apply queue corpus build test hosts; do
	[ -f "$dir/$b.sh" ] || continue
	echo "== bench/$b.sh"
	sh "$dir/$b.sh" || rc=1
done
echo "== bench/parsers.sh" && sh "$dir/parsers.sh" || rc=1
exit $rc
