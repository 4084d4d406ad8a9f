#!/bin/sh
test_description='backport mail at queue scale: every mail of every target in one run, one file each, ready for git send-email'
. ./lib-backport.sh

SIGNOFF="Stable Maintainer <stable@example.com>"

# The queue of test_queue_repo: on linux-6.1.y patches 71-80 conflict and
# 31-40 are already there (no mail); every patch applies on linux-6.12.y.
test_expect_success 'setup: a queue of 120 patches, a matrix of two branches' '
	test_queue_repo 120 &&
	backport import -q --name q queue >/dev/null &&
	write_stable_matrix up >m.conf
'

test_expect_success 'one run: a mail per cell that makes one, in one directory' '
	backport mail --matrix m.conf --signoff "$SIGNOFF" -o out q >paths 2>err &&
	test_line_count = 230 paths &&
	ls out >files &&
	test_line_count = 230 files &&
	sed "s|^out/||" paths | sort >listed &&
	test_cmp files listed &&
	grep "^230 mails: 220 queued, 10 FAILED$" err &&
	grep "^linux-6.12.y-0001-c00-f00_0-returns-one-more.mbox$" files &&
	grep "^linux-6.1.y-0071-FAILED-c07-f07_0-returns-one-more.mbox$" files &&
	! grep "^linux-6.1.y-00\(3[1-9]\|40\)-" files
'

test_expect_success 'the mails match the cells: stable form where applied, FAILED where not' '
	backport apply -q --matrix m.conf --series q --dry-run --format=json >json || test $? = 1 &&
	python3 - json out <<-\EOF
	import json, os, re, sys
	queued = {"applied", "applied-offset", "applied-fuzz", "merged-3way",
	          "resolved-recorded", "adapted"}
	failed = {"conflict", "depends", "stale-resolution", "not-applicable",
	          "partially-present"}
	want = {}
	for t in json.load(open(sys.argv[1]))[0]["targets"]:
	    for i, p in enumerate(t["patches"]):
	        kind = ("queued" if p["verdict"] in queued else
	                "FAILED" if p["verdict"] in failed else None)
	        if kind:
	            want[(t["target"], i + 1)] = (kind, p["title"])
	got = {}
	for f in os.listdir(sys.argv[2]):
	    m = re.match(r"(linux-[0-9.]+y)-(\d{4})-", f)
	    text = open(os.path.join(sys.argv[2], f)).read()
	    subj = re.search(r"^Subject: (.*)$", text, re.M).group(1)
	    branch = m.group(1).replace("linux-", "").replace(".y", "")
	    if subj.startswith("FAILED: "):
	        assert subj == "FAILED: patch \"%s\" failed to apply to %s-stable tree" % (
	            want[(m.group(1), int(m.group(2)))][1], branch), subj
	        kind = "FAILED"
	    else:
	        assert subj.startswith("[PATCH %s.y] " % branch), subj
	        assert "\n---\n" in text and "\ndiff --git a/" in text, f
	        kind = "queued"
	    got[(m.group(1), int(m.group(2)))] = (kind, subj.split("] ", 1)[-1].split("\"")[1 if kind == "FAILED" else 0])
	assert got.keys() == want.keys(), sorted(set(got) ^ set(want))[:5]
	for k in want:
	    assert got[k] == want[k], (k, got[k], want[k])
	assert sum(1 for v in want.values() if v[0] == "FAILED") == 10
	EOF
'

test_expect_success 'git mailinfo reads every mail: author, subject, the patch' '
	for f in out/*.mbox
	do
		git mailinfo msg patch <"$f" >info &&
		grep "^Author: " info >/dev/null &&
		grep "^Subject: ." info >/dev/null &&
		grep "^diff --git a/c[0-9]*.c b/c[0-9]*.c$" patch >/dev/null || {
			echo "$f" && cat info && return 1
		}
	done &&
	git mailinfo msg patch <out/linux-6.1.y-0071-FAILED-c07-f07_0-returns-one-more.mbox >info &&
	grep "^Author: Stable Maintainer$" info &&
	grep "^Email: stable@example.com$" info &&
	git mailinfo -k msg patch <out/linux-6.12.y-0120-c11-f11_9-returns-one-more.mbox >info &&
	grep "^Author: A U Thor$" info &&
	grep "^Subject: \[PATCH 6.12.y\] c11: f11_9 returns one more$" info
'

# git-email and the Perl module it needs come with `make deps`.
git send-email --help >/dev/null 2>&1 && perl -MMail::Address -e 1 2>/dev/null &&
	test_set_prereq SEND_EMAIL

test_expect_success SEND_EMAIL 'git send-email takes the directory as it is (dry run)' '
	git send-email --dry-run --to x@example.org --confirm=never \
		--smtp-server=/bin/true --no-format-patch out >sent 2>err ||
		{ cat err; return 1; } &&
	grep -c "^Dry-OK. Log says:$" sent >n &&
	echo 230 >expect && test_cmp expect n &&
	grep -c "^Result: OK$" sent >n && test_cmp expect n &&
	grep "^Subject: FAILED: patch \"c07: f07_3 returns one more\" failed to apply to 6.1-stable tree$" sent &&
	grep "^Subject: \[PATCH 6.12.y\] c00: f00_0 returns one more$" sent &&
	grep "^Sendmail: /bin/true -i x@example.org author@example.com stable@example.com$" sent
'

test_expect_success 'targets named: only theirs; one target keeps its own directory' '
	backport mail -q --matrix m.conf --signoff "$SIGNOFF" -o one q linux-6.1.y >paths &&
	test_line_count = 110 paths &&
	grep "^one/0071-FAILED-c07-f07_0-returns-one-more.mbox$" paths &&
	backport mail -q --matrix m.conf --signoff "$SIGNOFF" -o two --patch 75 q linux-6.1.y linux-6.12.y >paths &&
	cat >expect <<-\EOF &&
	two/linux-6.1.y-0075-FAILED-c07-f07_4-returns-one-more.mbox
	two/linux-6.12.y-0075-c07-f07_4-returns-one-more.mbox
	EOF
	test_cmp expect paths
'

test_done
