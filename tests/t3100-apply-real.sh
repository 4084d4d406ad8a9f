#!/bin/sh
test_description='backport apply of the seed series on the real stable trees (FIELD.md section 1)'
. ./lib-backport.sh

# The real trees live in the user's cache, shared with every other run.
BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport"
export BACKPORT_CACHE_DIR

test_expect_success SLOW,SEEDS 'provision the default trees' '
	backport trees -q >out &&
	for v in v6.1.192 v6.12.111 v6.12.117 v7.3.4
	do
		git --git-dir="$BACKPORT_CACHE_DIR/linux.git" rev-parse \
			--verify -q $v >/dev/null || return 1
	done &&
	test_set_prereq TREES
'

apply_seeds() {
	backport apply --series-dir "$BACKPORT_TOP/series" --series kvm-x86-mmu \
		--backports "$BACKPORT_TOP/backports" --format=json "$@" >json
}

# verdict <target> <patch 1..2>: the verdict from json
verdict() {
	python3 -c "
import json, sys
r = json.load(open('json'))[0]
t = [t for t in r['targets'] if t['target'] == sys.argv[1]][0]
print(t['patches'][int(sys.argv[2]) - 1]['verdict'])" "$1" "$2"
}

detail() {
	python3 -c "
import json, sys
r = json.load(open('json'))[0]
t = [t for t in r['targets'] if t['target'] == sys.argv[1]][0]
print(t['patches'][int(sys.argv[2]) - 1]['detail'])" "$1" "$2"
}

test_expect_success TREES 'apply the seeds on the default matrix' '
	apply_seeds --no-resolutions --dry-run;
	test $? -le 1 &&
	python3 -c "import json; print(sorted(t[\"target\"] for t in json.load(open(\"json\"))[0][\"targets\"]))" >targets &&
	grep "linux-6.12.y@v6.12.111" targets
'

test_expect_success TREES 'split on 6.1.192: its stable tag does not ask for 6.1' '
	test "$(verdict linux-6.1.y 2)" = not-requested &&
	detail linux-6.1.y 2 >d && cat d &&
	grep "stable tag .# 6.12.x. does not ask for 6.1; would be conflict" d &&
	grep "mmu.c hunk 4 (-7578,14): its code is in arch/x86/kvm/x86.c now" d
'

test_expect_success TREES 'split on 6.12.111: conflict in hunk 3' '
	test "$(verdict linux-6.12.y@v6.12.111 2)" = conflict &&
	detail linux-6.12.y@v6.12.111 2 >d && cat d &&
	grep "mmu.c hunk 3 (-6986,6)" d &&
	! grep "hunk [124] " d
'

test_expect_success TREES 'split on 6.12.117, 7.2.12, 7.3.4: there in a reworked form' '
	for t in linux-6.12.y linux-7.2.y linux-7.3.y
	do
		test "$(verdict $t 2)" = partially-present &&
		detail $t 2 >d &&
		grep "hunk 1 (-6921,20) already present" d &&
		grep "hunk 2 (-6971,8) already present" d &&
		grep "hunk 3 (-6986,6) already present" d &&
		grep "hunk 4 (-7578,14): " d || return 1
	done
'

test_expect_success TREES 'fold on 6.1 and 6.12: not applicable, no mirror roots there' '
	for t in linux-6.1.y linux-6.12.y@v6.12.111 linux-6.12.y
	do
		test "$(verdict $t 1)" = not-applicable &&
		detail $t 1 | grep "is_mirror_sptep()" || return 1
	done
'

test_expect_success TREES 'fold on 7.3.4: its code was reworked again upstream' '
	test "$(verdict linux-7.3.y 1)" = partially-present
'

test_expect_success TREES 'no patch is ever reported applied where it is not' '
	python3 - <<-\EOF
	import json
	r = json.load(open("json"))[0]
	for t in r["targets"]:
	    for p in t["patches"]:
	        assert p["verdict"] not in ("applied", "applied-offset",
	                                    "applied-fuzz"), (t["target"], p)
	EOF
'

test_expect_success TREES 'the damaged mails were repaired against the tree, not guessed blindly' '
	python3 - <<-\EOF
	import json
	r = json.load(open("json"))[0]
	t = [t for t in r["targets"] if t["target"] == "linux-6.12.y@v6.12.111"][0]
	hunks = t["patches"][1]["files"][0]["hunks"]
	ok = [h for h in hunks if h["status"] != "failed"]
	assert len(ok) == 3, hunks
	assert all(h["whitespace"] for h in ok), ok
	EOF
'

test_expect_success TREES 'with the recorded resolution: resolved-recorded on 6.12.111' '
	apply_seeds &&
	test "$(verdict linux-6.12.y@v6.12.111 2)" = resolved-recorded &&
	detail linux-6.12.y@v6.12.111 2 | grep "recorded on linux-6.12.y@v6.12.111" &&
	test "$(verdict linux-6.12.y 2)" = partially-present &&
	test "$(verdict linux-6.1.y 2)" = not-requested
'

test_expect_success TREES 'the resolved split matches what stable took in 6.12.117' '
	g="git --git-dir=$BACKPORT_CACHE_DIR/linux.git" &&
	ref=refs/backport/kvm-x86-mmu/linux-6.12.y@v6.12.111 &&
	$g show $ref:arch/x86/kvm/mmu/mmu.c >ours.c &&
	$g show v6.12.117:arch/x86/kvm/mmu/mmu.c >stable.c &&
	region() {
		sed -n "/^static void __kvm_mmu_zap_all_fast_front_half/,/^[a-z]* kvm_mmu_init_vm/p" "$1" |
		sed "s/^int kvm_mmu_init_vm/void kvm_mmu_init_vm/"
	} &&
	region ours.c >ours.region &&
	region stable.c >stable.region &&
	test_line_count -gt 40 ours.region &&
	test_cmp stable.region ours.region &&
	grep -c "__kvm_mmu_zap_all_fast_back_half(kvm);" ours.c >n &&
	echo 2 >expect && test_cmp expect n
'

test_done
