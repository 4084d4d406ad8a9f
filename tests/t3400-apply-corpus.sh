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

# The queue as stable maintainers keep it: the quilt directory itself.
test_expect_success TREES 'the quilt queue onto 6.12.107 and 6.12.117: the same verdicts' '
	backport import -q --series-dir quilt "$QUEUE" &&
	backport apply -q --matrix "$BACKPORT_TOP/matrix/corpus.conf" \
		--series-dir quilt --series releases-6.12.111 \
		--branch linux-6.12.y@v6.12.107 --branch linux-6.12.y \
		--dry-run --format=json >quilt.json;
	test $? -le 1 &&
	python3 - <<-\EOF
	import json
	def cells(path, want):
	    out = {}
	    for t in json.load(open(path))[0]["targets"]:
	        if t["target"] in want:
	            out[t["target"]] = [(p["title"], p["verdict"]) for p in t["patches"]]
	    return out
	want = ("linux-6.12.y@v6.12.107", "linux-6.12.y")
	a, b = cells("json", want), cells("quilt.json", want)
	assert sorted(a) == sorted(b) == sorted(want), (sorted(a), sorted(b))
	for t in want:
	    assert len(b[t]) == 80, (t, len(b[t]))
	    assert a[t] == b[t], t
	# Where they shipped later: nothing of the queue is missing on 6.12.117.
	assert all(v in ("already-present", "not-requested") for _, v in b["linux-6.12.y"]), b["linux-6.12.y"]
	EOF
'

test_done
