#!/bin/sh
# Seed the corpus of each harness (make fuzz): copy the test fixtures
# of its format, the seed mails (../shared/seeds), tests/fuzz/seeds/<parser>
# and the regression inputs into DIR/<parser>/, next to what fuzzing
# added there. Only adds files; never removes any.
#
#	sh tests/fuzz/corpus.sh DIR
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: corpus.sh DIR}
fx="$top/tests/fixtures"

# seed PARSER FILE...: copy each regular file, named after its origin.
seed() {
	parser=$1
	shift
	mkdir -p "$out/$parser"
	for f in "$@"; do
		[ -f "$f" ] || continue
		case $f in */README) continue ;; esac
		name=$(printf '%s' "${f#"$top"/}" | tr -c 'A-Za-z0-9._-' '_')
		cp "$f" "$out/$parser/seed-$name"
	done
}

seed mail "$fx"/mail/* "$fx"/patch/*.eml "$fx"/patch/*.txt \
	"$top"/../shared/seeds/*
seed patch "$fx"/patch/* "$fx"/locate/*.patch \
	"$fx"/mail/0001-mm-return-ten-from-a.patch
seed ktap "$fx"/ktap/*
seed console "$fx"/console/* "$fx"/ktap/*.log
seed matrix "$top"/matrix/*.conf
for p in console ktap mail matrix patch resolution series; do
	seed $p "$top"/tests/fuzz/seeds/$p/* "$top"/tests/fuzz/regress/$p/*
done
