#!/bin/sh
test_description='backport apply: verdicts on repositories the test builds'
. ./lib-backport.sh

# An mmu.c-like file with real-looking kernel code: tests/t3000/mmu.c.
write_base() {
	cp "$BACKPORT_TOP/tests/t3000/mmu.c" "$1"
}

test_expect_success 'setup: upstream and a stable branch' '
	git init -q up && (
		cd up &&
		mkdir -p arch/x86/kvm/mmu &&
		write_base arch/x86/kvm/mmu/mmu.c &&
		echo "int x;" >arch/x86/kvm/x86.c &&
		git add . && git commit -q -m base && git tag base &&
		git branch linux-6.12.y &&
		git branch linux-6.1.y &&

		# 1: a one-line change in kvm_mmu_zap_all_fast().
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen ^= 1;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Flip the valid generation with xor" \
			-m "Cc: stable@vger.kernel.org # 6.12.x" &&
		# 2: a change in kvm_mmu_init_vm(), builds on nothing.
		sed -i "s/spin_lock_init(&kvm->arch.mmu_unsync_pages_lock);/spin_lock_init(\&kvm->arch.mmu_unsync_pages_lock);\n\tkvm->arch.n_max_mmu_pages = 0;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Reset the page limit at init" &&
		git format-patch -q -o ../mails base
	) &&
	ls mails >list && test_line_count = 2 list
'

test_expect_success 'import the series' '
	backport import --name s1 mails
'

# The stable branch moves lines: patch 1 lands at an offset.
test_expect_success 'setup: linux-6.12.y has more lines on top' '
	(
		cd up && git checkout -q linux-6.12.y &&
		sed -i "s|#include \"mmu.h\"|#include \"mmu.h\"\n#include \"tdp_mmu.h\"\n#include \"spte.h\"\n#include \"mmutrace.h\"|" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "stable: more includes" &&
		git checkout -q main
	)
'

test_expect_success 'applied and applied-offset' '
	git -C up rev-parse linux-6.12.y linux-6.1.y >before &&
	backport apply --repo up --series s1 --branch linux-6.12.y \
		--branch linux-6.1.y --all-branches >out &&
	cat out &&
	grep "^linux-6.12.y  *applied-offset  *applied-offset" out &&
	grep "^linux-6.1.y  *applied  *applied" out &&
	git -C up rev-parse linux-6.12.y linux-6.1.y >after &&
	test_cmp before after
'

test_expect_success 'the result is a commit per patch on our own ref' '
	git -C up rev-list refs/backport/s1/linux-6.1.y ^linux-6.1.y >commits &&
	test_line_count = 2 commits &&
	git -C up diff main refs/backport/s1/linux-6.1.y >diff &&
	test_must_be_empty diff &&
	git -C up log -1 --format="%an <%ae>%n%s" refs/backport/s1/linux-6.1.y~1 >log &&
	cat >expect <<-\EOF &&
	A U Thor <author@example.com>
	KVM: x86/mmu: Flip the valid generation with xor
	EOF
	test_cmp expect log &&
	git -C up branch applied refs/backport/s1/linux-6.1.y &&
	git -C up log -1 --format=%b refs/backport/s1/linux-6.12.y~1 >body &&
	grep "^\[ backport to linux-6.12.y: applied-offset: " body
'

test_expect_success 'the worktree, index and HEAD of the repository are untouched' '
	git -C up status --porcelain >status &&
	test_must_be_empty status &&
	echo refs/heads/main >expect &&
	git -C up symbolic-ref HEAD >actual &&
	test_cmp expect actual
'

test_expect_success 'not-requested: the stable tag excludes 6.1' '
	backport apply --repo up --series s1 --branch linux-6.1.y >out &&
	grep "^linux-6.1.y  *not-requested  *applied" out &&
	grep "stable tag .# 6.12.x. does not ask for 6.1; would be applied" out
'

test_expect_success 'already-present: running again on the result' '
	backport apply --repo up --series s1 --branch applied --all-branches --dry-run >out &&
	grep "^applied  *already-present  *already-present" out
'

test_expect_success 'already-present by the post-image, when the title differs' '
	(
		cd up && git checkout -q -b reworded linux-6.1.y &&
		git cherry-pick main~1 >/dev/null &&
		git commit -q --amend -m "KVM: x86: something else" &&
		git checkout -q main
	) &&
	backport apply --repo up --series s1 --branch reworded --all-branches --dry-run >out &&
	grep "^reworded  *already-present  *applied" out &&
	grep "every hunk.s change found: 1 by reverse apply" out
'

test_expect_success 'not-applicable: the file does not exist' '
	(
		cd up && git checkout -q -b nofile linux-6.1.y &&
		git rm -q arch/x86/kvm/mmu/mmu.c && git commit -q -m "no mmu" &&
		git checkout -q main
	) &&
	test_expect_code 0 backport apply --repo up --series s1 --branch nofile --all-branches --dry-run >out &&
	grep "^nofile  *not-applicable  *not-applicable" out &&
	grep "patch 1, not-applicable: arch/x86/kvm/mmu/mmu.c does not exist on nofile; .*hunk 1 (-29,7): the code it changes exists nowhere on nofile" out
'

test_expect_success 'not-applicable: the function does not exist' '
	(
		cd up && git checkout -q -b nofunc linux-6.1.y &&
		sed -i "/^static void kvm_mmu_zap_all_fast/,/^}/d" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "no zap all fast" &&
		git checkout -q main
	) &&
	backport apply --repo up --series s1 --branch nofunc --all-branches --dry-run >out &&
	grep "^nofunc  *not-applicable  *applied" out
'

test_expect_success 'conflict: the context differs, with the hunk and the reason' '
	(
		cd up && git checkout -q -b differs linux-6.1.y &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen++;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "differs" &&
		git checkout -q main
	) &&
	test_expect_code 1 backport apply --repo up --series s1 --branch differs --all-branches --dry-run >out &&
	grep "^differs  *conflict  *applied" out &&
	grep "differs, patch 1, conflict: arch/x86/kvm/mmu/mmu.c hunk 1 (-" out
'

test_expect_success 'merged-3way: the preimage blob is in the repository' '
	(
		cd up && git checkout -q -b moved linux-6.1.y &&
		sed -i "29s|^\$|\t/* Zap everything, fast. */|" arch/x86/kvm/mmu/mmu.c &&
		sed -i "s/write_unlock(&kvm->mmu_lock);/write_unlock(\&kvm->mmu_lock);\n\tkvm_flush_remote_tlbs(kvm);/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "moved" &&
		git checkout -q main
	) &&
	backport apply --repo up --series s1 --branch moved --all-branches --fuzz 0 >out &&
	cat out &&
	grep "^moved  *merged-3way" out &&
	git -C up show refs/backport/s1/moved~1:arch/x86/kvm/mmu/mmu.c >merged &&
	grep "kvm->arch.mmu_valid_gen ^= 1;" merged &&
	grep "Zap everything, fast" merged &&
	grep "kvm_flush_remote_tlbs(kvm);" merged
'

test_expect_success 'depends: a later patch builds on one that did not apply' '
	(
		cd up && git checkout -q -b dep main &&
		sed -i "s/kvm->arch.mmu_valid_gen ^= 1;/kvm->arch.mmu_valid_gen ^= 1;\n\tkvm->arch.zap_count++;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Count fast zaps" &&
		git format-patch -q -o ../mails-dep main~2 &&
		git checkout -q main
	) &&
	backport import --name dep mails-dep &&
	test_expect_code 1 backport apply --repo up --series dep --branch differs --all-branches --dry-run >out &&
	grep "^differs  *conflict  *applied  *depends" out &&
	grep "patch 3, depends: needs 0001-kvm-x86-mmu-flip-the-valid-generation-with-xor.eml (conflict here), which did not go in" out
'

test_expect_success 'fuzz is never reported as clean' '
	(
		cd up && git checkout -q -b fuzzy linux-6.1.y &&
		sed -i "29s|^\$|\t/* Zap everything, fast. */|" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "fuzzy" &&
		git checkout -q main
	) &&
	backport apply --repo up --series s1 --branch fuzzy --all-branches --dry-run --fuzz 2 >out &&
	grep "^fuzzy  *applied-fuzz  *applied" out &&
	grep "fuzzy, patch 1, applied-fuzz: arch/x86/kvm/mmu/mmu.c hunk 1 (-29,7): " out &&
	backport apply --repo up --series s1 --branch fuzzy --all-branches --dry-run --fuzz 0 >out &&
	grep "^fuzzy  *merged-3way" out
'

# The trap of FIELD.md: on a tree where the split is already there in a
# reworked form, GNU patch with fuzz "applies" a hunk and leaves two
# definitions of kvm_mmu_zap_all_fast().
test_expect_success 'no false clean: a fuzzy apply that would duplicate a definition' '
	fx="$BACKPORT_TOP/tests/fixtures/locate" &&
	git init -q trap && mkdir -p trap/arch/x86/kvm/mmu &&
	cp "$fx/mmu-trap.c" trap/arch/x86/kvm/mmu/mmu.c &&
	git -C trap add . && git -C trap commit -q -m reworked &&
	git -C trap branch -m linux-6.12.y &&
	{
		printf "From: Sean Christopherson <seanjc@google.com>\n" &&
		printf "Subject: [PATCH] KVM: x86/mmu: Split kvm_mmu_zap_all_fast()\n\n" &&
		printf "Split it.\n---\n" && cat "$fx/split.patch"
	} >split.eml &&
	backport import --name trap split.eml &&
	backport apply --repo trap --series trap --branch linux-6.12.y --dry-run --fuzz 2 >out &&
	grep "^linux-6.12.y  *partially-present" out &&
	grep "hunk 3 (-111,6) already present; missing: .*hunk 4 (-152,14)" out &&
	backport apply --repo trap --series trap --branch linux-6.12.y --dry-run --fuzz 2 --format=json >json &&
	python3 - <<-\EOF
	import json
	p = json.load(open("json"))[0]["targets"][0]["patches"][0]
	h = p["files"][0]["hunks"][2]
	assert h["status"] == "failed", h
	assert "would duplicate definition of \x27kvm_mmu_zap_all_fast()\x27" in h["reason"], h
	assert "refusing fuzzy apply" in h["reason"], h
	assert h["judged"] == "present", h
	EOF
'

test_expect_success 'GNU patch falls into that trap' '
	(cd trap && patch -p1 -F3 -f --dry-run <"$BACKPORT_TOP/tests/fixtures/locate/split.patch" >../gnu || true) &&
	grep "Hunk #3 succeeded at 121 with fuzz" gnu
'

test_expect_success 'a branch that does not exist is a clear error' '
	test_expect_code 128 backport apply --repo up --series s1 --branch linux-9.9.y 2>err &&
	grep "branch .linux-9.9.y. does not exist" err &&
	test_expect_code 128 backport apply --repo up --series s1 --branch linux-6.1.y@v9.9.9 2>err &&
	grep "no release or commit .v9.9.9." err
'

test_expect_success 'a shallow repository is refused' '
	git clone -q --depth 1 --no-local --branch linux-6.1.y up shallow &&
	test_expect_code 128 backport apply --repo shallow --series s1 --branch linux-6.1.y 2>err &&
	grep "shallow" err
'

test_expect_success 'json: verdicts, hunks and commits' '
	backport apply --repo up --series s1 --branch linux-6.12.y --all-branches --format=json >json &&
	python3 - json <<-\EOF
	import json, sys
	r = json.load(open(sys.argv[1]))
	t = r[0]["targets"][0]
	assert r[0]["series"] == "s1"
	assert t["target"] == "linux-6.12.y" and t["ref"] == "refs/backport/s1/linux-6.12.y"
	p = t["patches"]
	assert [x["verdict"] for x in p] == ["applied-offset", "applied-offset"], p
	h = p[0]["files"][0]["hunks"][0]
	assert h["status"] == "offset" and h["offset"] == 3, h
	assert all(len(x["commit"]) == 40 for x in p)
	assert t["tip"] == p[1]["commit"]
	EOF
'

test_expect_success 'usage' '
	test_expect_code 129 backport apply --no-such &&
	backport apply --help >help && grep "^usage: backport apply" help
'

test_done
