#!/bin/sh
test_description='backport mail: queued stable patches and FAILED mails'
. ./lib-backport.sh

gen() {
	for i in $(seq 1 40)
	do
		printf 'int fn_%d(void)\n{\n\treturn %d;\n}\n\n' $i $i
	done
}

SIGNOFF="Stable Maintainer <stable@example.com>"
SQ="'"
UPSTREAM=0123456789abcdef0123456789abcdef01234567

test_expect_success 'setup: upstream, 6.12.111 where patch 2 conflicts, 7.3' '
	git init -q up && (
		cd up &&
		gen >f.c && git add f.c && git commit -q -m base && git tag base &&
		git branch linux-7.3.y &&
		git checkout -q -b linux-6.12.y &&
		sed -i "s/^	return 30;/	return 33;/" f.c &&
		git commit -q -a -m "stable: 33" && git tag v6.12.111 &&
		git checkout -q main &&
		sed -i "s/^	return 10;/	return 1000;/" f.c &&
		git commit -q -a -m "f: bigger ten" -m "Cc: stable@vger.kernel.org" &&
		sed -i "s/^	return 30;/	return 3000;/" f.c &&
		git commit -q -a -m "f: bigger thirty" \
			-m "Cc: stable@vger.kernel.org" &&
		sed -i "s/^	return 20;/	return 2000;/" f.c &&
		git commit -q -a -m "f: only for 7.3" \
			-m "Cc: stable@vger.kernel.org # 7.3.x" &&
		git format-patch -q --thread -o ../mails base
	) &&
	# Patch 2 is a stable backport already: its upstream commit is known.
	sed -i "0,/^Cc: stable/s//commit $UPSTREAM upstream.\n\nCc: stable/" mails/0002-*.patch &&
	grep "^commit $UPSTREAM upstream." mails/0002-*.patch &&
	backport import --name s1 mails
'

test_expect_success 'applied: the queued patch in stable form' '
	backport mail --repo up --signoff "$SIGNOFF" s1 linux-7.3.y >out 2>err &&
	cat out err &&
	test_line_count = 3 out &&
	m=results/mail/s1/linux-7.3.y/0001-f-bigger-ten.mbox &&
	grep "^$m\$" out &&
	grep "^From: A U Thor <author@example.com>$" $m &&
	grep "^Subject: \[PATCH 7.3.y\] f: bigger ten$" $m &&
	grep "^Link: https://lore.kernel.org/r/" $m &&
	! grep "^\[" $m &&
	sed -n "/^Link:/,/^---\$/p" $m >tail &&
	tail -2 tail >end &&
	printf "%s\n" "Signed-off-by: $SIGNOFF" --- >expect &&
	test_cmp expect end &&
	grep "^+	return 1000;" $m &&
	grep "^ f.c | 2 +-" $m
'

test_expect_success 'the upstream commit line, and no Link' '
	m=results/mail/s1/linux-7.3.y/0002-f-bigger-thirty.mbox &&
	sed -n "/^\$/,\$p" $m | sed -n 2p >first &&
	echo "commit $UPSTREAM upstream." >expect &&
	test_cmp expect first &&
	test $(grep -c "^commit $UPSTREAM upstream." $m) = 1 &&
	! grep "^Link:" $m
'

test_expect_success 'mails read back with the mail reader (RFC 822)' '
	mkdir rb && cp results/mail/s1/linux-7.3.y/0001-*.mbox rb/ &&
	backport import --name rb rb &&
	backport show --format=json rb >json &&
	python3 - <<-\EOF
	import json
	p = json.load(open("json"))["patches"][0]
	assert p["title"] == "f: bigger ten", p["title"]
	assert p["prefix"]["text"] == "PATCH 7.3.y", p["prefix"]
	assert p["author"]["email"] == "author@example.com"
	assert p["date"] == "Tue, 14 Nov 2023 22:13:20 +0000", p["date"]
	assert p["stable"]["present"]
	assert p["patch"]["files"][0]["new_path"] == "f.c"
	keys = [t["key"] for t in p["trailers"]]
	assert keys[-1] == "Signed-off-by", keys
	EOF
'

test_expect_success 'a test summary after the ---, when results exist' '
	mkdir -p results/test/linux-7.3.y &&
	cat >results/test/linux-7.3.y/compare.json <<-\EOF &&
	{ "target": "linux-7.3.y", "set": "kvm",
	  "series": { "kernel": "bzImage", "verdict": "passed" },
	  "counts": { "pass": 11, "fixed": 1, "regression": 0, "skip": 2,
		      "still-failing": 0 },
	  "regressions": [] }
	EOF
	backport mail --repo up --signoff "$SIGNOFF" --patch 1 --stdout s1 linux-7.3.y >out &&
	sed -n "/^---\$/,/^diff --git/p" out >notes &&
	grep "^Tests: 12 passed, 0 regressions, 2 skip (selftest set kvm, passed)$" notes &&
	backport mail --repo up --results nowhere --patch 1 --stdout s1 linux-7.3.y >out &&
	! grep "^Tests:" out
'

test_expect_success 'not-requested: no mail, said on stderr' '
	backport mail --repo up --signoff "$SIGNOFF" -o nr s1 linux-6.12.y@v6.12.111 >out 2>err &&
	grep "patch 3: not-requested on linux-6.12.y@v6.12.111: no mail" err &&
	! ls nr/0003-* 2>/dev/null
'

test_expect_success 'conflict: the FAILED mail with the recipe' '
	m=nr/0002-FAILED-f-bigger-thirty.mbox &&
	grep "^$m\$" out &&
	cat $m &&
	grep "^Subject: FAILED: patch \"f: bigger thirty\" failed to apply to 6.12-stable tree$" $m &&
	grep "^From: Stable Maintainer <stable@example.com>$" $m &&
	grep "^To: A U Thor <author@example.com>$" $m &&
	grep "^Cc: <stable@vger.kernel.org>$" $m &&
	grep "^It is patch 2 of 3 of the series .s1.: conflict:$" $m &&
	grep "f.c hunk 1 (-145,7): lines differ at 148" $m &&
	sed -n "/^git checkout/,/^git send-email/p" $m >recipe &&
	cat >expect <<-EOF &&
	git checkout v6.12.111
	git am -3 series/s1/0001-f-bigger-ten.eml
	git cherry-pick -x $UPSTREAM
	# <resolve conflicts, build, test, etc.>
	git commit -s
	git send-email --to ${SQ}<stable@vger.kernel.org>${SQ} --subject-prefix ${SQ}PATCH 6.12.y${SQ} HEAD^..
	EOF
	test_cmp expect recipe &&
	grep "^backport resolve s1 linux-6.12.y@v6.12.111 --patch 2$" $m &&
	grep "^backport record s1 linux-6.12.y@v6.12.111 -m" $m &&
	grep "^------------------ original commit in Linus.s tree" $m &&
	grep "^+	return 3000;" $m
' 

test_expect_success 'the FAILED mail reads back' '
	mkdir rf && cp nr/0002-FAILED-*.mbox rf/ &&
	backport import --name rf rf &&
	backport show --format=json rf >json &&
	python3 - <<-\EOF
	import json
	p = json.load(open("json"))["patches"][0]
	assert p["subject"].startswith("FAILED: patch"), p["subject"]
	assert p["from"]["email"] == "stable@example.com"
	assert p["in_reply_to"], p
	EOF
'

test_expect_success 'resolved-recorded: the recorded note in the queued patch' '
	backport resolve --repo up s1 linux-6.12.y@v6.12.111 >out &&
	wt=results/resolve/s1/linux-6.12.y@v6.12.111 &&
	git -C $wt checkout -q -- f.c &&
	sed -i "s/^	return 33;/	return 3300;/" $wt/f.c &&
	backport record s1 linux-6.12.y@v6.12.111 \
		-m "Fixed conflict: 6.12.111 returns 33, made it 3300" \
		--signoff "$SIGNOFF" >out &&
	backport mail --repo up --signoff "$SIGNOFF" --stdout --patch 2 \
		s1 linux-6.12.y@v6.12.111 >m &&
	cat m &&
	grep "^Subject: \[PATCH 6.12.y\] f: bigger thirty$" m &&
	grep "^commit $UPSTREAM upstream.$" m &&
	grep "^\[ Fixed conflict: 6.12.111 returns 33, made it 3300 \]$" m &&
	test $(grep -c "^Signed-off-by: $SIGNOFF" m) = 1 &&
	grep "^+	return 3300;" m
'

test_expect_success 'the signoff comes from git config by default' '
	git -C up config user.name "Config User" &&
	git -C up config user.email config@example.com &&
	backport mail --repo up --stdout --patch 1 s1 linux-7.3.y >m &&
	grep "^Signed-off-by: Config User <config@example.com>$" m
'

test_expect_success 'usage and errors' '
	test_expect_code 129 backport mail &&
	printf "[matrix]\n\trepo = up\n" >empty.conf &&
	test_expect_code 128 backport mail --matrix empty.conf s1 2>err &&
	grep "no target: name one, or list branches in .empty.conf." err &&
	test_expect_code 128 backport mail --repo up s1 linux-9.9.y 2>err &&
	grep "cannot find" err &&
	test_expect_code 128 backport mail --repo up nosuch linux-7.3.y
'

test_expect_success SLOW,SEEDS 'real trees: provision' '
	BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport" backport trees -q &&
	test_set_prereq TREES
'

test_expect_success TREES 'real trees: kvm-x86-mmu on 6.12.111, the queued patch' '
	BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport" backport mail \
		--series-dir "$BACKPORT_TOP/series" \
		--backports "$BACKPORT_TOP/backports" --signoff "$SIGNOFF" \
		-o real kvm-x86-mmu linux-6.12.y@v6.12.111 >out &&
	cat out &&
	m=real/0002-kvm-x86-mmu-split-kvm_mmu_zap_all_fast-into-front-an.mbox &&
	grep "^Subject: \[PATCH 6.12.y\] KVM: x86/mmu: Split kvm_mmu_zap_all_fast() into \"front\" and \"back\" halves" $m &&
	grep "^From: Sean Christopherson <seanjc@" $m &&
	grep "^\[ Fixed conflict in hunk 3: " $m &&
	grep "^Signed-off-by: $SIGNOFF" $m &&
	grep "^+static void __kvm_mmu_zap_all_fast_front_half(struct kvm \*kvm)" $m &&
	test -f real/0001-FAILED-kvm-x86-mmu-fold-set_external_spte_present-into-its-s.mbox &&
	mkdir rr && cp $m rr/ && backport import --name rr rr
'

test_done
