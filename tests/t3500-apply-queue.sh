#!/bin/sh
test_description='a queue of 300 patches: a table that stays readable (patches as rows, targets as columns)'
. ./lib-backport.sh

# test_queue_repo (lib-backport.sh): patch k makes function k return one
# more; on linux-6.1.y patches 71-80 fail and 31-40 are present.
test_expect_success 'setup: 300 patches, as a quilt queue' '
	test_queue_repo 300 &&
	backport import -q --name q queue >/dev/null &&
	test $(ls series/q/*.eml | wc -l) = 300
'

targets="--branch linux-6.12.y --branch linux-6.1.y"

within_120() {
	awk -v f="$1" "length(\$0) > 120 { print f \": \" length(\$0) \": \" \$0; bad = 1 } END { exit bad }" "$1"
}

test_expect_success 'apply: counts per target, then only the rows that need a look' '
	test_expect_code 1 backport apply -q --repo up --series q $targets \
		--all-branches --dry-run >out &&
	within_120 out &&
	grep "^linux-6.12.y  *300  *0  *0  *0  *0  *0  *0  *0  *0  *0$" out &&
	grep "^linux-6.1.y  *280  *0  *0  *0  *10  *0  *0  *10  *0  *0$" out &&
	grep "^10 of 300 patches need a look (--all shows every patch):" out &&
	grep "^   #  patch  *6.12.y 6.1.y$" out &&
	grep -c "^  [ 0-9][0-9]  c07: f07_[0-9] returns one more  *ok  *CONF$" out >n &&
	echo 10 >expect && test_cmp expect n &&
	! grep "c03: f03_" out &&
	grep "^legend: ok applied, CONF conflict$" out &&
	grep "^linux-6.1.y, patch 71, conflict: c07.c hunk 1" out
'

test_expect_success 'apply --all: every row, still within 120 columns' '
	test_expect_code 1 backport apply -q --repo up --series q $targets \
		--all-branches --dry-run --all >all &&
	within_120 all &&
	grep -c "^ *[0-9][0-9]*  c[0-9][0-9]: f[0-9_]* returns one more " all >n &&
	echo 300 >expect && test_cmp expect n &&
	grep "^  31  c03: f03_0 returns one more  *ok  *pres$" all &&
	grep "legend: ok applied, pres already-present, CONF conflict$" all
'

test_expect_success 'the rows shown are the patches whose verdicts need a look (JSON)' '
	test_expect_code 1 backport apply -q --repo up --series q $targets \
		--all-branches --dry-run --format=json >json &&
	python3 - json out <<-\EOF
	import json, re, sys
	look = {"applied-fuzz", "merged-3way", "adapted", "partially-present",
	        "depends", "conflict", "stale-resolution"}
	targets = json.load(open(sys.argv[1]))[0]["targets"]
	want = sorted({i + 1 for t in targets
	               for i, p in enumerate(t["patches"]) if p["verdict"] in look})
	got = sorted(int(m.group(1)) for m in
	             (re.match(r"^ *(\d+)  c\d\d: ", l) for l in open(sys.argv[2])) if m)
	assert want == got, (want, got)
	EOF
'

test_expect_success 'a short series keeps a row per target' '
	mkdir short && cp queue/0001-*.patch queue/0002-*.patch short/ &&
	backport import -q --name short short >/dev/null &&
	backport apply -q --repo up --series short --branch linux-6.12.y \
		--all-branches --dry-run >out &&
	grep "^linux-6.12.y  *applied  *applied *$" out &&
	! grep "need a look" out
'

test_expect_success 'report of a run of the queue: statuses per target, then the rows' '
	mkdir -p results/runs/r1 &&
	python3 - json results/runs/r1/run.json <<-\EOF &&
	import json, sys
	targets = json.load(open(sys.argv[1]))[0]["targets"]
	run = {"run": "r1", "version": "test", "seconds": 1,
	       "series": [{"name": "q", "patches":
	                   [{"subject": "[PATCH] " + p["title"], "title": p["title"]}
	                    for p in targets[0]["patches"]]}],
	       "cells": [{"series": "q", "target": t["target"],
	                  "apply": {"patches": t["patches"]},
	                  "build": {"baseline": None, "series": None},
	                  "test": None, "cached": False} for t in targets]}
	json.dump(run, open(sys.argv[2], "w"))
	EOF
	ln -s runs/r1 results/latest &&
	backport report --no-color >rep &&
	within_120 rep &&
	grep "^series q: 300 patches$" rep &&
	grep "^10 of 300 patches need a look" rep &&
	backport report --no-color --all >repall &&
	within_120 repall &&
	test $(grep -c "returns one more" repall) = 300
'

test_done
