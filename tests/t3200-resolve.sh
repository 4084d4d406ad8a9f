#!/bin/sh
test_description='backport resolve, record, and replay of recorded resolutions and renames'
. ./lib-backport.sh

test_expect_success 'setup: upstream, a series, a branch where it conflicts' '
	git init -q up && (
		cd up &&
		mkdir -p arch/x86/kvm/mmu &&
		cp "$BACKPORT_TOP/tests/t3000/mmu.c" arch/x86/kvm/mmu/mmu.c &&
		git add . && git commit -q -m base && git tag base &&
		git branch linux-6.12.y && git branch linux-6.1.y &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen ^= 1;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Flip the valid generation with xor" \
			-m "Cc: stable@vger.kernel.org" &&
		git format-patch -q --thread -o ../mails base &&
		for b in linux-6.12.y linux-6.1.y
		do
			git checkout -q $b &&
			sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen = !kvm->arch.mmu_valid_gen;/" arch/x86/kvm/mmu/mmu.c &&
			git commit -q -a -m "stable: the generation is a bool" || return 1
		done &&
		git checkout -q main
	) &&
	backport import --name s1 mails &&
	test_expect_code 1 backport apply --repo up --series s1 --branch linux-6.12.y --dry-run >out &&
	grep "^linux-6.12.y  *conflict" out
'

test_expect_success 'resolve makes a worktree with diff3 conflict markers' '
	backport resolve --repo up s1 linux-6.12.y >out &&
	cat out &&
	wt=results/resolve/s1/linux-6.12.y &&
	grep "mmu.c: 3-way merge, with conflict markers (diff3 style)" out &&
	grep "^<<<<<<< linux-6.12.y" $wt/arch/x86/kvm/mmu/mmu.c &&
	grep "^||||||| upstream base" $wt/arch/x86/kvm/mmu/mmu.c &&
	grep "^>>>>>>> patch" $wt/arch/x86/kvm/mmu/mmu.c &&
	grep "backport record s1 linux-6.12.y" out &&
	git -C up rev-parse linux-6.12.y >expect &&
	git -C $wt rev-parse HEAD >actual &&
	test_cmp expect actual
'

test_expect_success 'the user branches and worktree are untouched' '
	git -C up status --porcelain >st && test_must_be_empty st &&
	git -C up symbolic-ref HEAD >head && echo refs/heads/main >expect &&
	test_cmp expect head
'

test_expect_success 'record refuses an unfinished resolution' '
	test_must_fail backport record s1 linux-6.12.y -m note 2>err &&
	grep "conflict marker left" err
'

test_expect_success 'without the preimage blob: the rejected hunk beside the file' '
	mkdir noindex &&
	sed "s/^index .*/index 1111111..2222222 100644/" mails/*.patch >noindex/1.patch &&
	backport import --name s1-noindex noindex &&
	backport resolve --repo up --dir wt2 s1-noindex linux-6.12.y >out &&
	grep "1 rejected -> arch/x86/kvm/mmu/mmu.c.rej" out &&
	grep "^-	kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;" wt2/arch/x86/kvm/mmu/mmu.c.rej &&
	test_must_fail backport record --dir wt2 s1-noindex linux-6.12.y -m note 2>err &&
	grep "mmu.c.rej. is still there" err &&
	test_must_fail backport resolve --repo up --dir wt2 s1-noindex linux-6.12.y 2>err &&
	grep "exists" err
'

test_expect_success 'record stores the resolution in stable form' '
	wt=results/resolve/s1/linux-6.12.y &&
	git -C $wt checkout -q -- arch/x86/kvm/mmu/mmu.c &&
	sed -i "s/kvm->arch.mmu_valid_gen = !kvm->arch.mmu_valid_gen;/kvm->arch.mmu_valid_gen ^= 1;/" $wt/arch/x86/kvm/mmu/mmu.c &&
	backport record s1 linux-6.12.y -m "Fixed conflict: the generation is a bool on 6.12" \
		--signoff "Stable Maintainer <stable@example.com>" >out &&
	p=backports/linux-6.12.y/s1/0001-kvm-x86-mmu-flip-the-valid-generation-with-xor.patch &&
	test -f $p &&
	grep "^Subject: \[PATCH 6.12.y\] KVM: x86/mmu: Flip the valid generation with xor" $p &&
	grep "^From: A U Thor <author@example.com>" $p &&
	grep "^Link: https://lore.kernel.org/r/" $p &&
	grep "^\[ Fixed conflict: the generation is a bool on 6.12 \]" $p &&
	grep "^Signed-off-by: Stable Maintainer <stable@example.com>" $p &&
	grep "^+	kvm->arch.mmu_valid_gen ^= 1;" $p &&
	pid=$(cat mails/*.patch | git -C up patch-id --stable | cut -d" " -f1) &&
	grep "patch-id = $pid" backports/linux-6.12.y/s1/resolutions &&
	grep "target = linux-6.12.y" backports/linux-6.12.y/s1/resolutions
'

test_expect_success 'apply replays it: resolved-recorded' '
	backport apply --repo up --series s1 --branch linux-6.12.y >out &&
	grep "^linux-6.12.y  *resolved-recorded" out &&
	git -C up show refs/backport/s1/linux-6.12.y:arch/x86/kvm/mmu/mmu.c >mmu.c &&
	grep "kvm->arch.mmu_valid_gen ^= 1;" mmu.c &&
	! grep "mmu_valid_gen = !kvm" mmu.c &&
	git -C up log -1 --format=%B refs/backport/s1/linux-6.12.y >msg &&
	grep "^\[ Fixed conflict: the generation is a bool on 6.12 \]" msg
'

test_expect_success 'without resolutions it is a conflict again' '
	test_expect_code 1 backport apply --repo up --series s1 --branch linux-6.12.y --no-resolutions --dry-run >out &&
	grep "^linux-6.12.y  *conflict" out
'

test_expect_success 'the branch moved: replayed at an offset' '
	(
		cd up && git checkout -q linux-6.12.y &&
		sed -i "s|#include \"mmu.h\"|#include \"mmu.h\"\n#include \"spte.h\"|" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "stable: include spte.h" && git checkout -q main
	) &&
	backport apply --repo up --series s1 --branch linux-6.12.y --dry-run >out &&
	grep "^linux-6.12.y  *resolved-recorded" out &&
	grep "1 hunk at an offset" out
'

test_expect_success 'the branch moved next to it: 3-way merge of the resolution' '
	(
		cd up && git checkout -q linux-6.12.y &&
		sed -i "s/^	kvm_zap_obsolete_pages(kvm);/	kvm_zap_obsolete_pages(kvm);\n	kvm_flush_remote_tlbs(kvm);/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "stable: flush" && git checkout -q main
	) &&
	backport apply --repo up --series s1 --branch linux-6.12.y >out &&
	grep "^linux-6.12.y  *resolved-recorded" out &&
	grep "3-way merge of the resolution" out &&
	git -C up show refs/backport/s1/linux-6.12.y:arch/x86/kvm/mmu/mmu.c >mmu.c &&
	grep "kvm->arch.mmu_valid_gen ^= 1;" mmu.c &&
	grep "kvm_flush_remote_tlbs(kvm);" mmu.c
'

test_expect_success 'the branch changed the resolved line: stale-resolution, never applied' '
	(
		cd up && git checkout -q -b moved-on linux-6.12.y &&
		sed -i "s/kvm->arch.mmu_valid_gen = !kvm->arch.mmu_valid_gen;/WRITE_ONCE(kvm->arch.mmu_valid_gen, !kvm->arch.mmu_valid_gen);/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "stable: WRITE_ONCE" && git checkout -q main
	) &&
	mkdir -p backports/moved-on &&
	cp -r backports/linux-6.12.y/s1 backports/moved-on/ &&
	test_expect_code 1 backport apply --repo up --series s1 --branch moved-on --dry-run >out &&
	cat out &&
	grep "^moved-on  *stale-resolution" out &&
	grep "no longer applies: arch/x86/kvm/mmu/mmu.c changed (3-way merge conflicts)" out &&
	rm -r backports/moved-on
'

test_expect_success 'another branch reuses the resolution, and says so' '
	backport apply --repo up --series s1 --branch linux-6.1.y >out &&
	grep "^linux-6.1.y  *resolved-recorded" out &&
	grep "reused the resolution recorded on linux-6.12.y" out
'

test_expect_success 'a resolution is never used for another patch' '
	(
		cd up && git checkout -q -b other base &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen = 1 - kvm->arch.mmu_valid_gen;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Flip the valid generation arithmetically" &&
		git format-patch -q -o ../mails-other base && git checkout -q main
	) &&
	backport import --name s2 mails-other &&
	test_expect_code 1 backport apply --repo up --series s2 --branch linux-6.12.y --dry-run >out &&
	grep "^linux-6.12.y  *conflict" out
'

test_expect_success 'record remembered the conflict hunk' '
	ls backports/linux-6.12.y/s1/hunks >hunks &&
	test_line_count = 1 hunks &&
	head -1 backports/linux-6.12.y/s1/hunks/* >header &&
	grep "^# backport hunk resolution v1: before=0 after=0: recorded on linux-6.12.y: arch/x86/kvm/mmu/mmu.c hunk 1" header &&
	grep "kvm->arch.mmu_valid_gen ^= 1;" backports/linux-6.12.y/s1/hunks/*
'

test_expect_success 'the same conflict hunk in another patch is resolved from memory' '
	(
		cd up && git checkout -q -b v2 base &&
		sed -i "s/kvm->arch.mmu_valid_gen = kvm->arch.mmu_valid_gen ? 0 : 1;/kvm->arch.mmu_valid_gen ^= 1;/" arch/x86/kvm/mmu/mmu.c &&
		sed -i "s/^	spin_lock_init(&kvm->arch.mmu_unsync_pages_lock);/	spin_lock_init(\&kvm->arch.mmu_unsync_pages_lock);\n	kvm->arch.n_max_mmu_pages = 0;/" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "KVM: x86/mmu: Flip the generation and reset the page limit" &&
		git format-patch -q -o ../mails-v2 base && git checkout -q main
	) &&
	backport import --name s3 mails-v2 &&
	test_expect_code 1 backport apply --repo up --series s3 --branch linux-6.1.y --no-resolutions --dry-run >out &&
	grep "^linux-6.1.y  *conflict" out &&
	backport apply --repo up --series s3 --branch linux-6.1.y >out &&
	cat out &&
	grep "^linux-6.1.y  *resolved-recorded" out &&
	grep "reused 1 remembered hunk resolution: recorded on linux-6.12.y: arch/x86/kvm/mmu/mmu.c hunk 1" out &&
	git -C up show refs/backport/s3/linux-6.1.y:arch/x86/kvm/mmu/mmu.c >mmu.c &&
	grep "kvm->arch.mmu_valid_gen ^= 1;" mmu.c &&
	grep "kvm->arch.n_max_mmu_pages = 0;" mmu.c &&
	! grep "mmu_valid_gen = !kvm" mmu.c
'

test_expect_success 'renames: a patch that fails only on known renames is adapted' '
	(
		cd up && git checkout -q -b linux-5.15.y base &&
		sed -i "s/mmu_valid_gen/mmu_gen/g" arch/x86/kvm/mmu/mmu.c &&
		git commit -q -a -m "old name" && git checkout -q main
	) &&
	test_expect_code 1 backport apply --repo up --series s1 --branch linux-5.15.y --no-resolutions --dry-run >out &&
	grep "^linux-5.15.y  *conflict" out &&
	mkdir -p backports/linux-5.15.y &&
	printf "# upstream on-branch\nmmu_valid_gen mmu_gen\n" >backports/linux-5.15.y/renames &&
	backport apply --repo up --series s1 --branch linux-5.15.y >out &&
	grep "^linux-5.15.y  *adapted" out &&
	grep "renames: mmu_valid_gen -> mmu_gen" out &&
	git -C up show refs/backport/s1/linux-5.15.y:arch/x86/kvm/mmu/mmu.c >mmu.c &&
	grep "kvm->arch.mmu_gen ^= 1;" mmu.c
'

test_expect_success 'renames with a placeholder' '
	mkdir -p backports/x &&
	printf "kvm_x86_call(%%1) -> static_call(kvm_x86_%%1)\n" >backports/x/renames &&
	cat backports/x/renames &&
	rm -r backports/x
'

test_expect_success 'a bad renames file names its line' '
	printf "one-field-only\n" >backports/linux-5.15.y/renames &&
	test_expect_code 128 backport apply --repo up --series s1 --branch linux-5.15.y --dry-run 2>err &&
	grep "backports/linux-5.15.y/renames:1: want" err
'

test_done
