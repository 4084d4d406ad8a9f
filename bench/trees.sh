#!/bin/sh
# Bench (not a test): import one real tree with `backport trees` against
# the plain way, `tar xJf && git add -A && git commit`, on the same .deb,
# in one run. Reports wall time and peak RSS of each (/usr/bin/time -v)
# and the ratio.
#
#   sh bench/trees.sh [release]		# default 6.12.111
#
# The .deb comes from the user's cache ($BACKPORT_CACHE_DIR, else
# $XDG_CACHE_HOME/backport, else ~/.cache/backport), downloaded by apt on
# first use; the work happens in a scratch directory under $TMPDIR.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/${BUILD:-build/default}/backport"
release=${1:-6.12.111}
cache=${BACKPORT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/backport}
matrix="$top/matrix/default.conf"

pkg=$(git config -f "$matrix" "release.$release.package")
ver=$(git config -f "$matrix" "release.$release.version")
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-trees.XXXXXX")
trap 'rm -rf "$work"' EXIT

deb=$(ls "$cache"/debs/"${pkg}_${ver}"_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	mkdir -p "$cache/debs"
	(cd "$work" && apt-get download -q "$pkg=$ver")
	mv "$work"/*.deb "$cache/debs/"
	deb=$(ls "$cache"/debs/"${pkg}_${ver}"_*.deb | head -1)
fi
mkdir "$work/debs"
ln -s "$deb" "$work/debs/"

measure() {	# measure <name> <command...>: "<seconds> <peak KB>"
	name=$1
	shift
	/usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
		"$work/$name.time" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
	echo "$wall $rss"
}

sync
set -- $(measure backport env BACKPORT_CACHE_DIR="$work/cache" "$bp" trees \
	-q --matrix "$matrix" --deb-dir "$work/debs" --release "$release")
bp_s=$1 bp_kb=$2

# The plain way, on the tarball inside the same .deb (extracting it from
# the .deb is not counted).
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" >"$work/src.tar.xz"
mkdir "$work/plain"
cat >"$work/plain.sh" <<'EOF'
set -e
cd "$1"
tar xJf ../src.tar.xz
cd linux-source-*
git init -q
git add -A -f
git -c user.name=b -c user.email=b@b commit -q -m import
EOF
sync
set -- $(measure plain sh "$work/plain.sh" "$work/plain")
plain_s=$1 plain_kb=$2

echo "release $release ($pkg $ver), $(nproc) cores"
printf '%-40s %8.2f s %8d KB peak RSS\n' "backport trees" "$bp_s" "$bp_kb"
printf '%-40s %8.2f s %8d KB peak RSS\n' "tar xJf && git add -A && git commit" \
	"$plain_s" "$plain_kb"
echo "ratio: $(echo "$plain_s $bp_s" | awk '{ printf "%.2f", $1 / $2 }')x faster"
t1=$(git -C "$work/cache/linux.git" rev-parse "v$release^{tree}")
t2=$(git -C "$work"/plain/linux-source-* rev-parse "HEAD^{tree}")
if [ "$t1" = "$t2" ]; then
	echo "same tree: $t1"
else
	echo "trees differ: $t1 $t2"
	exit 1
fi
