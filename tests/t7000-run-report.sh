#!/bin/sh
test_description='backport run (apply only) and backport report: run.json, text, HTML in a browser'
. ./lib-backport.sh

test_expect_success 'setup: a repository, a matrix naming it, a series' '
	git init -q up && (
		cd up &&
		mkdir -p arch/x86/kvm/mmu &&
		cp "$BACKPORT_TOP/tests/t3000/mmu.c" arch/x86/kvm/mmu/mmu.c &&
		git add . && git commit -q -m base && git tag base &&
		git branch linux-6.12.y && git branch linux-6.1.y &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen ^= 1;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Flip the valid generation with xor" \
			-m "Cc: stable@vger.kernel.org # 6.12.x" &&
		git format-patch -q -o ../mails base &&
		git checkout -q linux-6.12.y &&
		sed -i "s|#include \"mmu.h\"|#include \"mmu.h\"\n#include \"spte.h\"|" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "stable: flush" && git checkout -q main
	) &&
	mkdir matrix &&
	write_stable_matrix ../up >matrix/default.conf &&
	backport import --name s1 mails
'

test_expect_success 'run applies every cell and prints the matrix' '
	backport run --no-build >out 2>err &&
	cat out &&
	grep "^linux-6.1.y  *not-requested" out &&
	grep "^linux-6.12.y  *applied-offset .* ok$" out &&
	grep "^report: .*/results/runs/.*/index.html" out &&
	test -L results/latest &&
	test -f results/latest/run.json &&
	test -f results/latest/index.html
'

test_expect_success 'run writes refs in our namespace only' '
	git -C up for-each-ref --format="%(refname)" refs/backport >refs &&
	cat >expect <<-\EOF &&
	refs/backport/s1/linux-6.1.y
	refs/backport/s1/linux-6.12.y
	EOF
	test_cmp expect refs &&
	git -C up status --porcelain >st && test_must_be_empty st
'

test_expect_success 'run.json: the documented fields' '
	python3 - results/latest/run.json <<-\EOF
	import json, sys
	r = json.load(open(sys.argv[1]))
	for k in ("run", "version", "started", "finished", "seconds",
	          "matrix", "repo", "series", "cells"):
	    assert k in r, k
	assert r["series"][0]["name"] == "s1"
	assert r["series"][0]["patches"][0]["title"] == "KVM: x86/mmu: Flip the valid generation with xor"
	cells = {c["target"]: c for c in r["cells"]}
	assert set(cells) == {"linux-6.1.y", "linux-6.12.y"}
	for c in cells.values():
	    for k in ("series", "target", "branch", "key", "cached", "apply",
	              "build", "test", "diff", "status"):
	        assert k in c, k
	    assert len(c["key"]) == 40
	    assert c["status"] == "ok"
	    assert c["build"]["baseline"] is None
	assert cells["linux-6.12.y"]["apply"]["patches"][0]["verdict"] == "applied-offset"
	assert cells["linux-6.1.y"]["apply"]["patches"][0]["verdict"] == "not-requested"
	EOF
'

test_expect_success 'report prints the same matrix, and JSON' '
	backport report >text &&
	grep "^linux-6.12.y  *applied-offset" text &&
	backport report --format=json >json &&
	test_cmp results/latest/run.json json
'

test_expect_success 'report --format=html writes the page' '
	backport report --format=html -o page.html &&
	grep "<table class=\"matrix\"" page.html &&
	grep "class=\"warn\"><a href=\"#c-s1-linux-6-12-y\">applied-offset</a>" page.html
'

test_expect_success 'HTML: one id per cell, every link lands, though names read alike' '
	backport import --name s1.x mails &&
	backport import --name s1-x mails &&
	backport run --no-build >out &&
	python3 - results/latest/index.html <<-\EOF
	import re, sys
	page = open(sys.argv[1]).read()
	ids = re.findall(r"id=\"([^\"]*)\"", page)
	assert len(ids) == len(set(ids)), sorted(ids)
	assert "c-s1-x-linux-6-12-y" in ids and "c-s1-x-linux-6-12-y~2" in ids, ids
	for h in re.findall(r"href=\"#([^\"]*)\"", page):
	    assert h in ids, h
	EOF
	rm -r series/s1.x series/s1-x
'

test_expect_success 'a failed cell makes run exit 1' '
	(
		cd up && git checkout -q linux-6.12.y &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen++;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "stable: differs" && git checkout -q main
	) &&
	test_expect_code 1 backport run --no-build --series s1 >out &&
	grep "^linux-6.12.y  *conflict .* apply-failed$" out &&
	grep "^  linux-6.12.y: patch 0001-.*: conflict: " out &&
	grep "class=\"bad\" title=\"linux-6.12.y: patch 0001-" results/latest/index.html &&
	python3 -c "import json; c=[c for c in json.load(open(\"results/latest/run.json\"))[\"cells\"] if c[\"target\"]==\"linux-6.12.y\"][0]; assert c[\"status\"]==\"apply-failed\", c[\"status\"]; assert \"conflict\" in c[\"reason\"], c[\"reason\"]"
'

test_expect_success 'a damaged run.json is an error naming the file and field' '
	cp results/latest/run.json good.json &&
	test_when_finished "cp good.json results/latest/run.json" &&
	echo "[]" >results/latest/run.json &&
	test_expect_code 128 backport report 2>err &&
	grep "run.json: not a run of backport: no .series. and .cells. arrays" err &&
	jq "del(.cells[1].target)" good.json >results/latest/run.json &&
	test_expect_code 128 backport report --format=html -o x.html 2>err &&
	grep "run.json: not a run of backport: cells\[1\].target is missing" err &&
	! test -e x.html &&
	jq ".series[0].name = 3" good.json >results/latest/run.json &&
	test_expect_code 128 backport report --format=json 2>err &&
	grep "series\[0\].name is not a string" err
'

test_expect_success 'a verdict report does not know makes its cell an error, not ok' '
	cp results/latest/run.json good.json &&
	test_when_finished "cp good.json results/latest/run.json" &&
	jq "(.cells[] | select(.target == \"linux-6.1.y\") | .apply.patches[0].verdict) = \"applied-sideways\"" \
		good.json >results/latest/run.json &&
	backport report >out &&
	grep "^linux-6.1.y  *applied-sideways .* error$" out &&
	grep "linux-6.1.y: patch 0001-.*: unknown verdict .applied-sideways." out
'

test_expect_success 'a run that does not exist is a clear error' '
	test_expect_code 128 backport report --run 19700101-000000 2>err &&
	grep "no run in" err
'

command -v chromium >/dev/null && test_set_prereq CHROMIUM

test_expect_success CHROMIUM 'the page in a headless browser shows the matrix' '
	u="$PWD/chromium-profile" &&
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$u" \
		--dump-dom "file://$PWD/results/latest/index.html" >dom 2>/dev/null &&
	grep "<table class=\"matrix\"" dom &&
	grep ">linux-6.12.y</a></th>" dom &&
	grep ">conflict</a></td>" dom &&
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$u" \
		--window-size=1200,800 --screenshot="$PWD/page.png" \
		"file://$PWD/results/latest/index.html" >/dev/null 2>&1 &&
	test -s page.png &&
	python3 -c "
import struct
d = open(\"page.png\", \"rb\").read()
assert d[:8] == b\"\\x89PNG\\r\\n\\x1a\\n\"
w, h = struct.unpack(\">II\", d[16:24])
assert (w, h) == (1200, 800), (w, h)
"
'

test_done
