#!/bin/sh
test_description='backport import of the seed mails: web-archive renderings that lost their whitespace'
. ./lib-backport.sh

test_expect_success SEEDS 'import the two seed mails' '
	backport import --name kvm-x86-mmu "$SEEDS"/*.txt >out &&
	grep "2 patches" out &&
	test_cmp "$SEEDS/kvm-mmu-split-zap_all_fast-v2-6of9.txt" \
		series/kvm-x86-mmu/0002-*.txt
'

test_expect_success SEEDS 'show: subjects, authors, versions, stable tags, damage' '
	backport show kvm-x86-mmu >actual &&
	test_cmp "$BACKPORT_TOP/tests/t1010/expect-show" actual
'

test_expect_success SEEDS 'the series in the repository is what import gives' '
	diff -r "$BACKPORT_TOP/series/kvm-x86-mmu" series/kvm-x86-mmu
'

test_expect_success SEEDS 'json: the fields a script needs' '
	backport show --format=json kvm-x86-mmu >json &&
	python3 - json <<-\EOF
	import json, sys
	s = json.load(open(sys.argv[1]))
	fold, split = s["patches"]
	assert fold["title"].startswith("KVM: x86/mmu: Fold set_external_spte_present()")
	assert fold["prefix"]["version"] == 3 and fold["prefix"]["index"] == 3
	assert fold["prefix"]["total"] == 15
	assert fold["author"]["name"] == "Sean Christopherson"
	assert fold["from"]["name"] == "Yan Zhao"
	assert fold["message_id"] is None and fold["web_archive"]
	assert not fold["stable"]["present"]
	assert split["prefix"]["version"] == 2 and split["prefix"]["index"] == 6
	assert split["prefix"]["total"] == 9
	assert split["author"]["name"] == "Sean Christopherson"
	assert split["stable"]["present"] and split["stable"]["qualifier"] == "6.12.x"
	assert split["stable"]["min"] == "6.12"
	for p in (fold, split):
	    assert p["patch"]["damaged"]
	    kinds = {d["kind"] for d in p["patch"]["damage"]}
	    assert "context-marker-lost" in kinds, kinds
	    assert all(d["line"] > 0 for d in p["patch"]["damage"])
	# The split seed lost its empty lines: its hunks are short.
	assert any(d["kind"] == "hunk-short" for d in split["patch"]["damage"])
	assert not any(d["kind"] == "hunk-short" for d in fold["patch"]["damage"])
	assert [f["new_path"] for f in fold["patch"]["files"]] == ["arch/x86/kvm/mmu/tdp_mmu.c"]
	assert [f["new_path"] for f in split["patch"]["files"]] == ["arch/x86/kvm/mmu/mmu.c"]
	EOF
'

test_expect_success SEEDS 'the damage line numbers point at the damaged lines' '
	backport show --format=json kvm-x86-mmu >json &&
	python3 - json "$SEEDS/kvm-mmu-split-zap_all_fast-v2-6of9.txt" <<-\EOF
	import json, sys
	s = json.load(open(sys.argv[1]))
	lines = open(sys.argv[2]).read().split("\n")
	for d in s["patches"][1]["patch"]["damage"]:
	    if d["kind"] == "context-marker-lost":
	        l = lines[d["line"] - 1]
	        assert l and l[0] not in " +-@", (d, l)
	    if d["kind"] == "hunk-short":
	        assert lines[d["line"] - 1].startswith("@@ "), d
	EOF
'

test_done
