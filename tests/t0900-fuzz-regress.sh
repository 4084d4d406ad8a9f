#!/bin/sh
test_description='hostile input: the regression inputs of the fuzz harnesses through the CLI (import, show), and series file overrides found by name'
. ./lib-backport.sh

REGRESS="$BACKPORT_TOP/tests/fuzz/regress"

# exits_cleanly CMD...: CMD ends with 0 or 128 (an error it explains on
# stderr), not with a crash or a sanitizer report. Output: out, err.
exits_cleanly() {
	"$@" >out 2>err
	rc=$?
	case $rc in
	0 | 128) return 0 ;;
	esac
	echo "exit $rc: $*"
	cat err
	return 1
}

test_expect_success 'a web-archive head whose From: comes after another line (was SIGSEGV)' '
	printf "[\nm\nFrom:" >x &&
	test_expect_code 128 backport import x 2>err &&
	grep "x. has no diff" err &&
	! test -e series/x
'

test_expect_success 'import: every mail regression input ends in a result or an error' '
	for f in "$REGRESS"/mail/*
	do
		rm -rf series &&
		exits_cleanly backport import --name r "$f" || return 1
	done
'

test_expect_success 'setup: a series with a cover letter and two patches' '
	git init -q repo &&
	(
		cd repo &&
		printf "int a(void)\n{\n\treturn 1;\n}\n" >a.c &&
		git add a.c && git commit -q -m base && git tag base &&
		sed -i "s/return 1/return 10/" a.c &&
		git commit -q -a -m "a: return ten" \
			-m "Cc: stable@vger.kernel.org # 6.12.x" &&
		sed -i "s/return 10/return 20/" a.c &&
		git commit -q -a -m "a: return twenty" \
			-m "Cc: stable@vger.kernel.org # 6.6.x" &&
		git format-patch -q --cover-letter -o ../mails base
	) &&
	backport import --name s mails &&
	cp series/s/series series.orig &&
	ls series/s >files &&
	cat >expect <<-\EOF &&
	0000-cover-letter.eml
	0001-a-return-ten.eml
	0002-a-return-twenty.eml
	series
	EOF
	test_cmp expect files
'

# stable_of N: patch N's stable qualifier in show --format=json, or "no".
stable_of() {
	backport show --format=json s >json &&
	python3 -c "
import json, sys
p = json.load(open(\"json\"))[\"patches\"][$1 - 1]
s = p[\"stable\"]
print(p[\"file\"], s[\"qualifier\"] if s[\"present\"] and s[\"qualifier\"] else (\"yes\" if s[\"present\"] else \"no\"))
"
}

test_expect_success 'a cover section, then a patch section of the same file (was SIGSEGV)' '
	cat series.orig >series/s/series &&
	cat >>series/s/series <<-\EOF &&
	[cover "0009-x.eml"]
		subject = x
	[patch "0009-x.eml"]
		stable = no
	EOF
	cp mails/0001-*.patch series/s/0009-x.eml &&
	test_expect_code 128 backport show s 2>err &&
	grep "series/s/series.: two cover letters, .0000-cover-letter.eml. and .0009-x.eml." err &&
	cat series.orig >series/s/series &&
	cat >>series/s/series <<-\EOF &&
	[patch "0000-cover-letter.eml"]
		stable = no
	EOF
	test_expect_code 128 backport show s 2>err &&
	grep "series/s/series.: .0000-cover-letter.eml. is both the cover letter and a patch" err
'

test_expect_success 'an override in a repeated section lands on its own patch' '
	cat series.orig >series/s/series &&
	cat >>series/s/series <<-\EOF &&
	[patch "0001-a-return-ten.eml"]
		stable = no
	EOF
	echo "0001-a-return-ten.eml no" >expect &&
	stable_of 1 >actual &&
	test_cmp expect actual &&
	echo "0002-a-return-twenty.eml 6.6.x" >expect &&
	stable_of 2 >actual &&
	test_cmp expect actual &&
	backport show s >show &&
	grep -c "^[0-9]*\. " show >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect_success 'an override in a section before its patch lands on that patch' '
	{
		printf "[patch \"0002-a-return-twenty.eml\"]\n\tstable = 5.15+\n" &&
		cat series.orig
	} >series/s/series &&
	echo "0001-a-return-ten.eml 6.12.x" >expect &&
	stable_of 2 >actual &&
	test_cmp expect actual &&
	echo "0002-a-return-twenty.eml 5.15+" >expect &&
	stable_of 1 >actual &&
	test_cmp expect actual
'

test_expect_success 'every series regression input ends in a result or an error' '
	cp "$BACKPORT_TOP"/tests/fuzz/seeds/series/three-files series.three &&
	mkdir -p series/r &&
	cp mails/0000-cover-letter.patch series/r/0000-cover-letter.eml &&
	cp mails/0001-*.patch series/r/0001-a.eml &&
	cp mails/0002-*.patch series/r/0002-b.txt &&
	for f in "$REGRESS"/series/* series.three
	do
		cp "$f" series/r/series &&
		exits_cleanly backport show r || return 1
	done
'

test_done
