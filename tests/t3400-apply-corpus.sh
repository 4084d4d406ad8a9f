#!/bin/sh
test_description='backport apply on the corpus of real stable patches

The 80 patches of ../shared/corpus/releases-6.12.111 on the five trees of
matrix/corpus.conf, scored against the ground truth established by hand
(bench/corpus/truth.tsv): no cell may be false-clean (an applied verdict
where the truth is not "applies", or a commit unlike what git apply
makes), falsely not-applicable or falsely already-present. Skipped,
visibly, without the corpus.'
. ./lib-backport.sh

BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport"
export BACKPORT_CACHE_DIR
QUEUE="$BACKPORT_TOP/../shared/corpus/releases-6.12.111"
test -f "$QUEUE/series" && test_set_prereq CORPUS

test_expect_success SLOW,CORPUS 'provision the corpus trees' '
	backport trees -q --matrix "$BACKPORT_TOP/matrix/corpus.conf" >out &&
	for v in v6.1.192 v6.12.107 v6.12.111 v6.12.117 v7.3.4
	do
		git --git-dir="$BACKPORT_CACHE_DIR/corpus.git" rev-parse \
			--verify -q $v >/dev/null || return 1
	done &&
	test_set_prereq TREES
'

test_expect_success TREES 'import the queue in its series order' '
	grep -v "^#" "$QUEUE/series" | sed "s|^|$QUEUE/|" >files &&
	backport import -q --series-dir series --name corpus $(cat files) &&
	ls series/corpus/*.eml >mails &&
	test_line_count = 80 mails
'

test_expect_success TREES 'apply it on the five trees' '
	backport apply -q --matrix "$BACKPORT_TOP/matrix/corpus.conf" \
		--series-dir series --series corpus --format=json >json;
	test $? -le 1 &&
	python3 -c "import json; assert len(json.load(open(\"json\"))[0][\"targets\"]) == 5"
'

test_expect_success TREES 'no false-clean, false not-applicable or false already-present cell' '
	python3 "$BACKPORT_TOP/bench/corpus/score.py" \
		"$BACKPORT_TOP/bench/corpus/truth.tsv" \
		"$BACKPORT_CACHE_DIR/corpus.git" "$QUEUE" json --check >score &&
	cat score &&
	grep "^backport .* false-clean 0, false not-applicable 0, false already-present 0$" score
'

test_expect_success TREES 'every already-present names its evidence' '
	python3 - <<-\EOF
	import json
	for t in json.load(open("json"))[0]["targets"]:
	    for p in t["patches"]:
	        if p["verdict"] == "already-present":
	            d = p["detail"]
	            assert any(w in d for w in (
	                "changelog of", "named in commit", "branch\x27s history",
	                "same title", "patch-id found", "every hunk\x27s change found",
	                "hunks\x27 change found")), (t["target"], p["file"], d)
	EOF
'

test_done
