#!/bin/sh
test_description='backport diff: the interdiff of a backport against upstream and a newer branch'
. ./lib-backport.sh

# f.c: 40 small functions, five lines each; fn_N's return is line 5N-2.
gen() {
	for i in $(seq 1 40)
	do
		printf 'int fn_%d(void)\n{\n\treturn %d;\n}\n\n' $i $i
	done
}

test_expect_success 'setup: upstream, branches of the default matrix, two series' '
	git init -q up && (
		cd up &&
		gen >f.c && git add f.c && git commit -q -m base && git tag base &&
		git branch linux-7.3.y && git branch linux-6.1.y &&

		# 6.12.111 returns 33 from fn_30; the tip (6.12.117) has
		# three more lines on top and fn_30 as upstream.
		git checkout -q -b linux-6.12.y &&
		sed -i "s/^	return 30;/	return 33;/" f.c &&
		git commit -q -a -m "stable: 33" && git tag v6.12.111 &&
		sed -i "s/^	return 33;/	return 30;/" f.c &&
		sed -i "1i /* one */\n/* two */\n/* three */" f.c &&
		git commit -q -a -m "stable: header" &&

		# 6.1 calls fn_10 fn_ten.
		git checkout -q linux-6.1.y &&
		sed -i "s/fn_10(/fn_ten(/" f.c &&
		git commit -q -a -m "stable: old name" &&
		git checkout -q main &&

		# 1: two hunks, in fn_10 and fn_30.
		sed -i -e "s/^int fn_10(void)/long fn_10(void)/" \
			-e "s/^	return 10;/	return 1000;/" \
			-e "s/^	return 30;/	return 3000;/" f.c &&
		git commit -q -a -m "f: bigger numbers" \
			-m "Cc: stable@vger.kernel.org" &&
		# 2: fn_20, which 7.3 has already.
		sed -i "s/^	return 20;/	return 2000;/" f.c &&
		git commit -q -a -m "f: twenty" -m "Cc: stable@vger.kernel.org" &&
		git format-patch -q --thread -o ../mails base &&
		git checkout -q linux-7.3.y && git cherry-pick main >/dev/null &&
		git checkout -q main
	) &&
	mkdir s1 s2 &&
	cp mails/0001-*.patch s1/ &&
	# The web archive lost the indentation of the second mail.
	sed "s/^\([-+ ]\)	/\1/" mails/0002-*.patch >s2/0001-twenty.patch &&
	backport import --name s1 s1 &&
	backport import --name s2 s2 >out 2>&1 &&
	grep damaged out
'

test_expect_success 'a clean apply gives an empty interdiff' '
	backport diff --repo up s1 linux-7.3.y >out &&
	cat out &&
	grep "^  applied$" out &&
	grep "against upstream: empty interdiff" out &&
	grep "against newer: no newer target than linux-7.3.y" out
'

test_expect_success 'an offset shows as moved by +3' '
	backport diff --repo up s1 linux-6.12.y >out &&
	cat out &&
	grep "^  applied-offset" out &&
	grep "hunk 1: as upstream, moved by +3 (-43,9 +43,9 -> -46,9 +46,9)" out &&
	grep "hunk 2: as upstream, moved by +3" out &&
	grep "against linux-7.3.y (applied, commit" out &&
	grep "hunk 1: as on linux-7.3.y, moved by +3" out
'

test_expect_success 'an adapted line shows up (renames)' '
	mkdir -p backports/linux-6.1.y &&
	echo "fn_10 fn_ten" >backports/linux-6.1.y/renames &&
	backport diff --repo up s1 linux-6.1.y >out &&
	cat out &&
	grep "^  adapted: renames: fn_10 -> fn_ten" out &&
	grep "hunk 1: adapted, 4 lines differ (-43,9 +43,9 -> -43,9 +43,9)" out &&
	grep "^      --int fn_10(void)" out &&
	grep "^      ++long fn_ten(void)" out &&
	grep "hunk 2: as upstream$" out
'

test_expect_success 'the newer-branch comparison follows the matrix order' '
	sed -n "/against linux-6.12.y/,\$p" out >newer &&
	grep "against linux-6.12.y (applied-offset, commit" newer &&
	grep "hunk 1: adapted" newer &&
	grep "hunk 2: as on linux-6.12.y, moved by -3" newer
'

test_expect_success 'setup: a resolution that drops a hunk on 6.12.111' '
	test_expect_code 1 backport apply --repo up --series s1 \
		--branch linux-6.12.y@v6.12.111 --dry-run >out &&
	grep "conflict" out &&
	backport resolve --repo up s1 linux-6.12.y@v6.12.111 >out &&
	wt=results/resolve/s1/linux-6.12.y@v6.12.111 &&
	git -C $wt checkout -q -- f.c &&
	sed -i -e "s/^int fn_10(void)/long fn_10(void)/" \
		-e "s/^	return 10;/	return 1000;/" $wt/f.c &&
	backport record s1 linux-6.12.y@v6.12.111 \
		-m "Dropped the fn_30 hunk: 6.12.111 returns 33" \
		--signoff "Stable Maintainer <stable@example.com>" >out
'

test_expect_success 'a dropped hunk, and against the newer 6.12.y' '
	backport diff --repo up s1 linux-6.12.y@v6.12.111 >out &&
	cat out &&
	grep "^  resolved-recorded" out &&
	grep "hunk 1: as upstream$" out &&
	grep "hunk 2: dropped (-145,7 +145,7)" out &&
	sed -n "/against linux-6.12.y/,\$p" out >newer &&
	grep "hunk 1: as on linux-6.12.y, moved by -3" newer &&
	grep "hunk 2: dropped" newer
'

test_expect_success '--against-newer and --patch' '
	backport diff --repo up --against-newer --patch 1 s1 linux-6.12.y@v6.12.111 >out &&
	! grep "against upstream" out &&
	grep "against linux-6.12.y" out &&
	test_expect_code 128 backport diff --repo up --patch 3 s1 linux-7.3.y 2>err &&
	grep "has no patch 3" err &&
	test_expect_code 128 backport diff --repo up s1 linux-9.9.y 2>err &&
	grep "cannot find .linux-9.9.y." err &&
	test_expect_code 129 backport diff --repo up s1 2>err
'

test_expect_success 'a damaged mail: repaired lines are marked' '
	backport diff --repo up s2 linux-6.12.y >out &&
	cat out &&
	grep "^  applied-fuzz" out &&
	grep "a damaged mail, compared ignoring whitespace; 1 line re-indented from a newer tree, 0 guessed" out &&
	grep "repaired: +	return 2000;   \[re-indented from linux-7.3.y\]" out
'

test_expect_success 'a patch that did not apply says so' '
	backport diff --repo up s2 linux-7.3.y >out &&
	grep "^  already-present" out &&
	grep "not applied on linux-7.3.y: nothing to review" out
'

test_expect_success 'JSON fields' '
	backport diff --repo up --format=json s1 linux-6.12.y@v6.12.111 >json &&
	python3 - <<-\EOF
	import json
	r = json.load(open("json"))
	assert r["series"] == "s1" and r["target"] == "linux-6.12.y@v6.12.111"
	p = r["patches"][0]
	for k in ("index", "file", "title", "verdict", "detail", "commit",
		  "upstream_commit", "upstream", "newer"):
	    assert k in p, k
	assert p["verdict"] == "resolved-recorded" and len(p["commit"]) == 40
	u = p["upstream"]
	assert u["empty"] is False and u["counts"]["dropped"] == 1
	f = u["files"][0]
	assert f["kind"] == "same" and f["a_path"] == "f.c"
	h = f["hunks"]
	assert [x["kind"] for x in h] == ["same", "dropped"], h
	for k in ("a_hunks", "b_hunks", "a_header", "b_header", "offset",
		  "differ", "context_only", "interdiff", "repaired"):
	    assert k in h[0], k
	n = p["newer"]
	assert n["target"] == "linux-6.12.y" and n["verdict"] == "applied-offset"
	assert n["review"]["counts"]["moved"] == 1
	EOF
'

test_expect_success 'JSON: repairs of a damaged mail' '
	backport diff --repo up --format=json s2 linux-6.12.y >json &&
	python3 - <<-\EOF
	import json
	p = json.load(open("json"))["patches"][0]
	u = p["upstream"]
	assert u["ignore_whitespace"] and u["repaired_from_reference"] == 1
	r = u["files"][0]["hunks"][0]["repaired"][0]
	assert r["how"] == "reference" and r["from"] == "linux-7.3.y", r
	assert r["text"] == "\treturn 2000;"
	EOF
'

# The real trees live in the user's cache, shared with every other run.
test_expect_success SLOW,SEEDS 'real trees: provision' '
	BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport" backport trees -q &&
	test_set_prereq TREES
'

test_expect_success TREES 'real trees: kvm-x86-mmu on 6.12.111, adapted hunk 3, repairs marked' '
	BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport" backport diff \
		--series-dir "$BACKPORT_TOP/series" \
		--backports "$BACKPORT_TOP/backports" \
		kvm-x86-mmu linux-6.12.y@v6.12.111 >out &&
	cat out &&
	grep "^  not-applicable" out &&
	grep "^  resolved-recorded: recorded on linux-6.12.y@v6.12.111" out &&
	grep "hunk 2: as upstream, moved by" out &&
	grep "hunk 3: adapted" out &&
	grep "hunk 4: as upstream, moved by" out &&
	grep "^      +.*void kvm_mmu_init_vm(struct kvm \*kvm)" out &&
	grep "repaired: +	lockdep_assert_held_write(&kvm->mmu_lock);   \[re-indented from linux-7.3.y\]" out &&
	grep "repaired: .*\[indentation guessed\]" out &&
	grep "against newer: not applied on any newer target (linux-6.12.y: partially-present" out
'

test_done
