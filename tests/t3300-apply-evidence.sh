#!/bin/sh
test_description='backport apply: verdicts from evidence

On repositories the test builds: presence by the history (upstream ids,
Debian changelog notes, reverts listed later), presence by content when
the context moved, code that moved to another file, code that exists
nowhere (not-applicable), a helper the branch lacks, a fuzzy landing in
the wrong function, and prerequisites named.'
. ./lib-backport.sh

# The driver every branch starts from ('@' stands for a tab in the
# here-documents, which <<- strips).
write_foo() {
	mkdir -p drivers/foo include/linux &&
	sed "s/^@@/\t\t/; s/^@/\t/" >include/linux/foo.h <<-\EOF &&
	struct foo_dev {
	@int count;
	@int gen;
	@struct mutex lock;
	};

	int foo_probe(struct foo_dev *dev, int flags);
	int foo_remove(struct foo_dev *dev);
	EOF
	sed "s/^@@/\t\t/; s/^@/\t/" >drivers/foo/foo.c <<-\EOF
	// SPDX-License-Identifier: GPL-2.0
	#include <linux/foo.h>

	static int foo_helper(struct foo_dev *dev)
	{
	@return dev->count + 1;
	}

	int foo_probe(struct foo_dev *dev, int flags)
	{
	@int ret;

	@ret = foo_helper(dev);
	@if (ret < 0)
	@@return ret;
	@mutex_lock(&dev->lock);
	@dev->count = ret;
	@mutex_unlock(&dev->lock);
	@return 0;
	}

	int foo_remove(struct foo_dev *dev)
	{
	@mutex_lock(&dev->lock);
	@dev->gen = 0;
	@mutex_unlock(&dev->lock);
	@return 0;
	}
	EOF
}

# verdict <target> <n>, detail <target> <n>: from json
verdict() {
	python3 -c "
import json, sys
t = [t for t in json.load(open('json'))[0]['targets'] if t['target'] == sys.argv[1]][0]
print(t['patches'][int(sys.argv[2]) - 1]['verdict'])" "$1" "$2"
}

detail() {
	python3 -c "
import json, sys
t = [t for t in json.load(open('json'))[0]['targets'] if t['target'] == sys.argv[1]][0]
print(t['patches'][int(sys.argv[2]) - 1]['detail'])" "$1" "$2"
}

test_expect_success 'setup: upstream and its fixes' '
	git init -q up && (
		cd up && write_foo &&
		git add . && git commit -q -m base && git tag base &&
		# 1: a fix in foo_probe().
		sed -i "s/\tdev->count = ret;/\tdev->count = min(ret, 16);/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: clamp the count in foo_probe()" &&
		git tag fix1 &&
		# 2: a fix that calls a helper upstream has and stable lacks.
		printf "\nstatic inline int foo_limit_checked(struct foo_dev *dev)\n{\n\treturn dev->count < 16;\n}\n" >>include/linux/foo.h &&
		git commit -q -a -m "foo: add foo_limit_checked()" &&
		git tag helper &&
		sed -i "s/^\tdev->gen = 0;/\tif (foo_limit_checked(dev))\n\t\tdev->gen = 0;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: reset the generation only when in limits" &&
		git tag fix2
	) &&
	git -C up format-patch -q -o mails-fix1 base..fix1 &&
	git -C up format-patch -q -o mails-fix2 helper..fix2 &&
	backport import --name fix1 up/mails-fix1 &&
	backport import --name fix2 up/mails-fix2
'

test_expect_success 'setup: stable branches' '
	(
		cd up &&
		# The fix is in, and a later change rewrote the lines around it.
		git checkout -q -b reworked base &&
		sed -i "s/\tdev->count = ret;/\tdev->count = min(ret, 16);/" drivers/foo/foo.c &&
		sed -i "s/^\tret = foo_helper(dev);/\tret = foo_helper(dev);\n\tdev->gen++;/" drivers/foo/foo.c &&
		sed -i "s/^\tmutex_lock(&dev->lock);\$/\tspin_lock(\&dev->slock);/; s/^\tmutex_unlock(&dev->lock);\$/\tspin_unlock(\&dev->slock);/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: switch to a spinlock" &&
		# The file moved: drivers/foo/foo.c is drivers/foo/core.c.
		git checkout -q -b moved base &&
		git mv drivers/foo/foo.c drivers/foo/core.c &&
		git commit -q -m "foo: rename foo.c" &&
		# Moved, and the fix is in.
		git checkout -q -b moved-fixed moved &&
		sed -i "s/\tdev->count = ret;/\tdev->count = min(ret, 16);/" drivers/foo/core.c &&
		git commit -q -a -m "foo: clamp the count in foo_probe()" &&
		# No foo driver at all.
		git checkout -q -b nofoo base &&
		git rm -q -r drivers/foo include/linux/foo.h &&
		echo "int bar;" >bar.c && git add bar.c &&
		git commit -q -m "no foo" &&
		git checkout -q main
	)
'

test_expect_success 'presence by content: the context moved, the change is there' '
	backport apply --repo up --series fix1 --branch reworked --dry-run \
		--format=json >json &&
	test "$(verdict reworked 1)" = already-present &&
	detail reworked 1 >d && cat d &&
	grep "every hunk.s change found: 1 by content in its function" d
'

test_expect_success 'moved file: the code is in another file now' '
	test_expect_code 1 backport apply --repo up --series fix1 --branch moved \
		--dry-run --format=json >json &&
	test "$(verdict moved 1)" = conflict &&
	detail moved 1 >d && cat d &&
	grep "drivers/foo/foo.c hunk 1 (-14,7): its code is in drivers/foo/core.c now" d
'

test_expect_success 'moved file with the fix in it: already-present, where' '
	backport apply --repo up --series fix1 --branch moved-fixed --dry-run \
		--format=json >json &&
	test "$(verdict moved-fixed 1)" = already-present &&
	python3 - <<-\EOF
	import json
	p = json.load(open("json"))[0]["targets"][0]["patches"][0]
	h = p["files"][0]["hunks"][0]
	assert h["status"] == "missing-file", h
	assert h["judged"] == "present" and h["where"] == "drivers/foo/core.c", h
	EOF
'

test_expect_success 'not-applicable only when the code exists nowhere' '
	backport apply --repo up --series fix1 --branch nofoo --dry-run \
		--format=json >json &&
	test "$(verdict nofoo 1)" = not-applicable &&
	detail nofoo 1 >d && cat d &&
	grep "drivers/foo/foo.c does not exist on nofoo" d &&
	grep "the code it changes exists nowhere on nofoo" d
'

# Where the branch has history, the commit a Fixes: tag names being on it
# means the bug came to the branch: not-applicable needs its absence too.
test_expect_success 'not-applicable only when the commit Fixes: names is absent' '
	(
		cd up && git checkout -q -b nofoo-culprit base &&
		sed -i "s/^\tdev->gen = 0;/\tdev->gen = 1;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: add foo_limit_checked()" &&
		git rm -q -r drivers/foo include/linux/foo.h &&
		echo "int bar;" >bar.c && git add bar.c &&
		git commit -q -m "no foo" &&
		git checkout -q main
	) &&
	culprit=$(git -C up rev-parse --short=12 nofoo-culprit^) &&
	mkdir fixes-mail &&
	awk -v f="Fixes: $culprit (\"foo: add foo_limit_checked()\")" \
		"/^---\$/ && !done { print \"\"; print f; done = 1 } { print }" \
		up/mails-fix1/0001-*.patch >fixes-mail/0001.patch &&
	grep "^Fixes: $culprit" fixes-mail/0001.patch &&
	backport import --name fixes fixes-mail &&
	test_expect_code 1 backport apply --repo up --series fixes \
		--branch nofoo-culprit --dry-run --format=json >json &&
	test "$(verdict nofoo-culprit 1)" = conflict &&
	detail nofoo-culprit 1 >d && cat d &&
	grep "^the commit its Fixes: names ($culprit .foo: add foo_limit_checked().) is on nofoo-culprit, in its history: the bug is there" d &&
	# Without the culprit in its history: not-applicable, as before.
	backport apply --repo up --series fixes --branch nofoo --dry-run \
		--format=json >json &&
	test "$(verdict nofoo 1)" = not-applicable
'

test_expect_success 'a helper the branch lacks: conflict, not applied' '
	(cd up && git branch stable-nohelper base) &&
	test_expect_code 1 backport apply --repo up --series fix2 \
		--branch stable-nohelper --dry-run --format=json >json &&
	test "$(verdict stable-nohelper 1)" = conflict &&
	detail stable-nohelper 1 >d && cat d &&
	grep "applies, but calls foo_limit_checked(), which stable-nohelper lacks" d &&
	# With the helper on the branch, it applies.
	(cd up && git branch stable-helper helper) &&
	backport apply --repo up --series fix2 --branch stable-helper \
		--dry-run --format=json >json &&
	test "$(verdict stable-helper 1)" = applied
'

# A hunk whose outer context is gone where it belongs: with fuzz its
# middle line matches in the function next door, where GNU patch puts it.
test_expect_success 'fuzz never lands in another function' '
	(
		cd up && git checkout -q -b gen base &&
		sed -i "s/^\tdev->count = ret;/\tdev->count = ret;\n\tdev->gen = 0;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: reset the generation in probe" &&
		git format-patch -q -o ../mails-gen base..gen &&
		git checkout -q -b other base &&
		sed -i "/^int foo_probe/,/^}/{s/^\tmutex_lock(&dev->lock);\$/\tguard(mutex)(\&dev->lock);/; /^\tmutex_unlock(&dev->lock);\$/d}" drivers/foo/foo.c &&
		sed -i "s/^\tdev->gen = 0;\$/\tdev->count = ret;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: guard() in probe; remove counts" &&
		git checkout -q main
	) &&
	backport import --name gen mails-gen &&
	git -C up show other:drivers/foo/foo.c >foo.c &&
	(cat mails-gen/0001-*.patch | patch --dry-run -F2 foo.c >gnu || true) &&
	cat gnu && grep "succeeded at .* with fuzz" gnu &&
	test_expect_code 1 backport apply --repo up --series gen --branch other \
		--dry-run --fuzz 2 --format=json >json &&
	test "$(verdict other 1)" != applied-fuzz &&
	python3 - <<-\EOF
	import json
	p = json.load(open("json"))[0]["targets"][0]["patches"][0]
	assert p["verdict"] not in ("applied", "applied-offset", "applied-fuzz"), p
	h = p["files"][0]["hunks"][0]
	assert h["status"] == "failed", h
	assert "would land in \x27int foo_remove(struct foo_dev *dev)\x27" in h["reason"], h
	EOF
'

test_expect_success 'setup: a Debian-like release with a changelog note' '
	(
		cd up && git checkout -q -b linux-9.9.y base &&
		sed -i "s/\tdev->count = ret;/\tdev->count = min(ret, 16);/" drivers/foo/foo.c &&
		sed -i "s/^\tint ret;/\tint ret, tries = 3;/" drivers/foo/foo.c &&
		sed -i "s/^\tmutex_unlock(&dev->lock);/\tdev->gen++;\n\tmutex_unlock(\&dev->lock);/" drivers/foo/foo.c &&
		git commit -q -a -m "Linux 9.9.3 from Debian" && git tag v9.9.3 &&
		printf "Upstream stable patches listed in the changelog of linux-source-9.9 9.9.3-1, oldest first (1)\n\n9.9.3\tfoo: clamp the count in foo_probe()\n" >note &&
		git notes --ref refs/notes/backport/changelog add -F note v9.9.3 &&
		# A later release reverts it: listed, then reverted.
		git checkout -q -b linux-9.8.y base &&
		git commit -q --allow-empty -m "Linux 9.8.2 from Debian" &&
		printf "Upstream stable patches listed in the changelog of linux-source-9.8 9.8.2-1, oldest first (2)\n\n9.8.1\tfoo: clamp the count in foo_probe()\n9.8.2\tRevert \"foo: clamp the count in foo_probe()\"\n" >note &&
		git notes --ref refs/notes/backport/changelog add -F note linux-9.8.y &&
		git checkout -q main
	)
'

test_expect_success 'changelog provenance: the title listed, the evidence named' '
	backport apply --repo up --series fix1 --branch linux-9.9.y --dry-run \
		--format=json >json &&
	test "$(verdict linux-9.9.y 1)" = already-present &&
	detail linux-9.9.y 1 >d && cat d &&
	grep "^title listed under 9.9.3 in the changelog of linux-source-9.9 9.9.3-1" d
'

test_expect_success 'a revert listed after the patch: not present, it applies' '
	backport apply --repo up --series fix1 --branch linux-9.8.y --dry-run \
		--format=json >json &&
	test "$(verdict linux-9.8.y 1)" = applied &&
	detail linux-9.8.y 1 >d && cat d &&
	grep "Revert. listed under 9.8.2" d
'

test_expect_success 'an upstream id in the history: already-present, which commit' '
	up=$(git -C up rev-parse fix1) &&
	(
		cd up && git checkout -q -b stable-marked base &&
		sed -i "s/\tdev->count = ret;/\tdev->count = min(ret, 16);/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: a backport under another title" \
			-m "[ Upstream commit $up ]" &&
		git checkout -q main
	) &&
	mkdir stable-mail &&
	python3 - "$up" <<-\EOF &&
	import sys, glob
	src = glob.glob("up/mails-fix1/0001-*.patch")[0]
	head, body = open(src).read().split("\n\n", 1)
	open("stable-mail/0001.patch", "w").write(
	    head + "\n\ncommit " + sys.argv[1] + " upstream.\n\n" + body)
	EOF
	backport import --name marked stable-mail &&
	backport apply --repo up --series marked --branch stable-marked \
		--dry-run --format=json >json &&
	test "$(verdict stable-marked 1)" = already-present &&
	detail stable-marked 1 >d && cat d &&
	grep "^upstream $(echo $up | cut -c1-12) named in commit [0-9a-f]* (.foo: a backport under another title.)" d
'

test_expect_success 'the upstream commit in the ancestry (a clone with mainline)' '
	up=$(git -C up rev-parse fix1) &&
	git -C up branch with-mainline fix1 &&
	backport apply --repo up --series marked --branch with-mainline \
		--dry-run --format=json >json &&
	test "$(verdict with-mainline 1)" = already-present &&
	detail with-mainline 1 >d && cat d &&
	grep "^upstream $(echo $up | cut -c1-12) is in the branch.s history" d
'

# A stable backport goes in whole: most of its hunks found, the code of
# the others rewritten since (their removed lines gone, their added lines
# not there), it went in and was reworked after.
test_expect_success 'a hunk reworked since and the rest there: already-present' '
	fix3="s/^\treturn dev->count + 1;/\treturn dev->count + 2;/; s/^\tdev->count = ret;/\tdev->count = min(ret, 16);/; s/^\tdev->gen = 0;/\tdev->gen = -1;/" &&
	(
		cd up && git checkout -q -b fix3 base &&
		sed -i "$fix3" drivers/foo/foo.c &&
		git commit -q -a -m "foo: three small fixes" &&
		git format-patch -q -o ../mails-fix3 base..fix3 &&
		git checkout -q -b fix3-reworked base &&
		sed -i "$fix3" drivers/foo/foo.c &&
		git commit -q -a -m "stable: foo fixes" &&
		sed -i "s/^\tdev->gen = -1;/\tdev->gen = foo_next_generation(dev);/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: generations from a helper" &&
		git checkout -q -b fix3-half fix3-reworked &&
		sed -i "s/^\tdev->count = min(ret, 16);/\tdev->count = foo_clamp_count(ret);/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: clamp in a helper" &&
		git checkout -q main
	) &&
	mkdir stable-fix3 &&
	python3 - "$(git -C up rev-parse fix3)" <<-\EOF &&
	import sys, glob
	src = glob.glob("mails-fix3/0001-*.patch")[0]
	head, body = open(src).read().split("\n\n", 1)
	open("stable-fix3/0001.patch", "w").write(
	    head + "\n\ncommit " + sys.argv[1] + " upstream.\n\n" + body)
	EOF
	backport import --name fix3 stable-fix3 &&
	backport apply --repo up --series fix3 --branch fix3-reworked --dry-run \
		--format=json >json &&
	test "$(verdict fix3-reworked 1)" = already-present &&
	detail fix3-reworked 1 >d && cat d &&
	grep "^2 of 3 hunks. change found: .*changed since: drivers/foo/foo.c hunk 3 (-22,7)\$" d
'

test_expect_success 'as many hunks reworked as found: partially-present, not present' '
	backport apply --repo up --series fix3 --branch fix3-half \
		--dry-run --format=json >json &&
	test "$(verdict fix3-half 1)" = partially-present &&
	detail fix3-half 1 >d && cat d &&
	grep "^drivers/foo/foo.c hunk 1 (-3,7) already present; missing: " d
'

# A list posting may be a version that never landed as it is (a v2 where
# v3 went in): its reworked hunks may be where the versions differ.
test_expect_success 'a posting without an upstream id: reworked hunks keep it partial' '
	backport import --name fix3-posting mails-fix3 &&
	backport apply --repo up --series fix3-posting --branch fix3-reworked \
		--dry-run --format=json >json &&
	test "$(verdict fix3-reworked 1)" = partially-present
'

test_expect_success 'prerequisites: a patch that needs two that did not go in' '
	(
		cd up && git checkout -q -b pre base &&
		sed -i "s/^\t\treturn ret;/\t\treturn ret;\n\tdev->gen = flags;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: record the flags" &&
		sed -i "s/^\tmutex_lock(&dev->lock);\$/\tmutex_lock(\&dev->lock);\n\tdev->count += flags;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: count the flags" &&
		sed -i "s/^\tdev->gen = flags;/\tdev->gen = flags;\n\tdev->count = 0;/" drivers/foo/foo.c &&
		git commit -q -a -m "foo: start from zero" &&
		git format-patch -q -o ../mails-pre base..pre &&
		# The branch changed the lines the first two change.
		git checkout -q -b pre-stable base &&
		sed -i "s/^\t\treturn ret;/\t\treturn -EINVAL;/; s/^\tmutex_lock(&dev->lock);\$/\tmutex_lock_nested(\&dev->lock, 1);/" drivers/foo/foo.c &&
		git commit -q -a -m "stable: other lines" &&
		git checkout -q main
	) &&
	backport import --name pre mails-pre &&
	test_expect_code 1 backport apply --repo up --series pre --branch pre-stable \
		--dry-run --format=json >json &&
	test "$(verdict pre-stable 1)" = conflict &&
	test "$(verdict pre-stable 2)" = depends &&
	test "$(verdict pre-stable 3)" = depends &&
	# The branch has history: the commit that changed the line is named.
	detail pre-stable 1 >d && cat d &&
	stable=$(git -C up rev-parse --short=12 pre-stable) &&
	grep "; lines 13-18 of drivers/foo/foo.c last changed by $stable (.stable: other lines.)\$" d &&
	detail pre-stable 3 >d && cat d &&
	grep "^needs 0001-foo-record-the-flags.eml (conflict here), 0002-foo-count-the-flags.eml (depends here), which did not go in" d
'

test_expect_success 'and when they went in: applied, after them' '
	backport apply --repo up --series pre --branch base --dry-run \
		--format=json >json 2>err || { cat err; false; } &&
	test "$(verdict base 3)" = applied &&
	detail base 3 >d && cat d &&
	grep "after 0001-foo-record-the-flags.eml (applied here), 0002-foo-count-the-flags.eml (applied here)" d
'

test_done
