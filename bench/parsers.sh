#!/bin/sh
# Scaling of the parsers that read what arrives from outside: an mbox of
# 1k/4k/16k mails, one mail of 1k/4k/16k sibling multiparts, and KTAP of
# 1k/4k/16k results (in order, and in descending order). Prints the CPU
# time of each parse and the time per item relative to the 1k input: a
# linear parser keeps that ratio flat (about 1.0); a quadratic one shows
# about 4 and 16.
#
#	sh bench/parsers.sh		(after `make`; BUILD=build/default)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/${BUILD:-build/default}"
PKGS="libgit2 gmime-3.0 jansson libarchive liblzma"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-parsers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$build/libbackport.a" ]; then
	echo "error: no '$build/libbackport.a': run make first" >&2
	exit 1
fi
# shellcheck disable=SC2046
${CC:-cc} -std=gnu11 -O2 -D_GNU_SOURCE -I"$top/tools" \
	$(pkg-config --cflags $PKGS) -o "$tmp/parse-time" \
	"$top/tests/fuzz/parse-time.c" "$build/libbackport.a" \
	$(pkg-config --libs $PKGS)

# An mbox of $1 small patch mails.
gen_mbox() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			printf "From 1234567890abcdef Mon Sep 17 00:00:00 2001\n"
			printf "From: A U Thor <author@example.org>\n"
			printf "Date: Mon, 1 Jun 2026 10:00:00 +0000\n"
			printf "Subject: [PATCH %d/%d] mm: change number %d\n", i, n, i
			printf "Message-ID: <%d@example.org>\n\n", i
			printf "Change number %d.\n\nSigned-off-by: A U Thor <author@example.org>\n---\n", i
			printf "diff --git a/f%d.c b/f%d.c\n--- a/f%d.c\n+++ b/f%d.c\n", i, i, i, i
			printf "@@ -1,3 +1,3 @@\n a\n-b\n+c\n d\n\n"
		}
	}'
}

# One mail of $1 sibling multiparts, each with one text part.
gen_multipart() {
	awk -v n="$1" 'BEGIN {
		printf "From: A U Thor <author@example.org>\n"
		printf "Subject: [PATCH] many parts\nMIME-Version: 1.0\n"
		printf "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
		printf "--outer\nContent-Type: text/plain\n\nThe message.\n\n"
		for (i = 1; i <= n; i++) {
			printf "--outer\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i
			printf "--b%d\nContent-Type: text/plain\n\nx\n--b%d--\n", i, i
		}
		printf "--outer--\n"
	}'
}

# KTAP with $1 results; $2 = desc for descending numbers.
gen_ktap() {
	awk -v n="$1" -v order="$2" 'BEGIN {
		printf "KTAP version 1\n1..%d\n", n
		for (i = 1; i <= n; i++) {
			k = order == "desc" ? n + 1 - i : i
			printf "# running test_%d\nok %d test_%d\n", k, k, k
		}
	}'
}

printf '%-16s %8s %10s %10s %8s\n' input items bytes seconds ratio
for what in mbox multipart ktap ktap-desc; do
	base=""
	for n in 1024 4096 16384; do
		f="$tmp/$what-$n"
		case $what in
		mbox) gen_mbox $n >"$f"; kind=mail ;;
		multipart) gen_multipart $n >"$f"; kind=mail ;;
		ktap) gen_ktap $n asc >"$f"; kind=ktap ;;
		ktap-desc) gen_ktap $n desc >"$f"; kind=ktap ;;
		esac
		secs=$("$tmp/parse-time" $kind "$f" | cut -d' ' -f1)
		bytes=$(wc -c <"$f")
		# Time per item, relative to the smallest input's.
		ratio=$(awk -v s="$secs" -v n=$n -v b="$base" 'BEGIN {
			if (b == "") { print "1.00"; exit }
			split(b, x, " ")
			if (x[1] <= 0) { print "-"; exit }
			printf "%.2f\n", (s / n) / (x[1] / x[2])
		}')
		[ -n "$base" ] || base="$secs $n"
		printf '%-16s %8d %10d %10s %8s\n' $what $n $bytes $secs $ratio
	done
done
