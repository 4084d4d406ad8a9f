#!/bin/sh
test_description='backport import and show: mails, mboxes, versions, MIME, bad input'
. ./lib-backport.sh

# A repository with a three-patch series on top of a base commit.
test_expect_success 'setup: a series made with git format-patch' '
	git init -q repo &&
	(
		cd repo &&
		printf "int a(void)\n{\n\treturn 1;\n}\n" >a.c &&
		printf "int b(void)\n{\n\treturn 2;\n}\n" >b.c &&
		git add a.c b.c && git commit -q -m base &&
		git tag base &&
		sed -i "s/return 1/return 10/" a.c &&
		git commit -q -a -m "a: return ten" \
			-m "Cc: stable@vger.kernel.org # 6.12.x" \
			-m "Signed-off-by: A U Thor <author@example.com>" &&
		sed -i "s/return 2/return 20/" b.c &&
		GIT_AUTHOR_NAME="Jörg Müller" GIT_AUTHOR_EMAIL=jm@example.com \
		git commit -q -a -m "b: return twenty" \
			-m "Fixes: 0123456789ab (\"b: add b\")
Reviewed-by: R E Viewer <rev@example.com>
Signed-off-by: Jörg Müller <jm@example.com>" &&
		printf "int c(void);\n" >c.h && git add c.h &&
		git commit -q -m "c: add header" \
			-m "Signed-off-by: A U Thor <author@example.com>" &&
		git format-patch -q -v2 --thread --cover-letter -o ../v2 base &&
		git format-patch -q --thread --cover-letter -o ../v1 base
	) &&
	ls v2 >v2.list &&
	test_line_count = 4 v2.list
'

test_expect_success 'import a directory of format-patch mails' '
	backport import --name abc v2 >out &&
	test -f series/abc/series &&
	test -f series/abc/0000-cover-letter.eml &&
	ls series/abc >files &&
	cat >expect <<-\EOF &&
	0000-cover-letter.eml
	0001-a-return-ten.eml
	0002-b-return-twenty.eml
	0003-c-add-header.eml
	series
	EOF
	test_cmp expect files &&
	grep "imported series .abc. into series/abc: 3 patches and a cover letter" out
'

test_expect_success 'the mails are kept as received' '
	test_cmp v2/v2-0001-a-return-ten.patch series/abc/0001-a-return-ten.eml
'

test_expect_success 'show prints subjects, authors, versions, stable tags' '
	backport show abc >show &&
	grep "^1. \[PATCH v2 1/3\] a: return ten" show &&
	grep "^2. \[PATCH v2 2/3\] b: return twenty" show &&
	grep "author:  *Jörg Müller <jm@example.com>" show &&
	grep "version:  *v2, 2/3" show &&
	grep "stable:  *yes, # 6.12.x" show &&
	grep "fixes:  *0123456789ab (\"b: add b\")" show
'

test_expect_success 'show lists the series' '
	backport show >list &&
	echo abc >expect &&
	test_cmp expect list
'

test_expect_success 'show --format=json gives the fields to scripts' '
	backport show --format=json abc >json &&
	python3 - json <<-\EOF
	import json, sys
	s = json.load(open(sys.argv[1]))
	assert s["name"] == "abc"
	assert s["cover"]["prefix"]["index"] == 0
	p = s["patches"]
	assert [x["prefix"]["index"] for x in p] == [1, 2, 3], p
	assert all(x["prefix"]["version"] == 2 for x in p)
	assert all(x["prefix"]["total"] == 3 for x in p)
	assert p[0]["stable"]["present"] and p[0]["stable"]["qualifier"] == "6.12.x"
	assert p[0]["stable"]["min"] == "6.12" and p[0]["stable"]["max"] is None
	assert not p[2]["stable"]["present"]
	assert p[1]["author"]["name"] == "Jörg Müller"
	fx = [t for t in p[1]["trailers"] if t["key"] == "Fixes"][0]
	assert fx["fixes_sha"] == "0123456789ab" and fx["fixes_subject"] == "b: add b"
	assert p[1]["message_id"] and "@" in p[1]["message_id"]
	assert p[2]["patch"]["files"][0]["status"] == "added"
	assert not p[0]["patch"]["damaged"]
	EOF
'

test_expect_success 'patch-ids equal git patch-id --stable' '
	for f in v2/v2-000[123]-*.patch
	do
		git -C repo patch-id --stable <$f | cut -d" " -f1 || return 1
	done >expect &&
	python3 -c "import json,sys; [print(p[\"patch\"][\"patch_id\"]) for p in json.load(open(\"json\"))[\"patches\"]]" >actual &&
	test_cmp expect actual
'

test_expect_success 'an existing series is not overwritten without --replace' '
	test_must_fail backport import --name abc v2 2>err &&
	grep "series .abc. exists already" err &&
	backport import --replace --name abc v2
'

test_expect_success 'one mbox holding v1 and v2: the newest is kept, and said' '
	cat v1/*.patch v2/*.patch >both.mbox &&
	backport import --name both both.mbox >out 2>err &&
	grep "note: dropped v1 of .a: return ten." err &&
	grep "3 patches" out &&
	backport show --format=json both >json &&
	python3 -c "import json; s=json.load(open(\"json\")); assert [p[\"prefix\"][\"version\"] for p in s[\"patches\"]] == [2,2,2]"
'

test_expect_success 'v2 before v1 in one mbox: still the newest only, cover letter included' '
	cat v2/*.patch v1/*.patch >both21.mbox &&
	backport import --name both21 both21.mbox >out 2>err &&
	grep "note: dropped v1 of .a: return ten." err &&
	grep "note: dropped cover letter" err &&
	grep "3 patches and a cover letter" out &&
	backport show --format=json both21 >json &&
	python3 -c "import json; s=json.load(open(\"json\")); assert [p[\"prefix\"][\"version\"] for p in s[\"patches\"]] == [2,2,2]; assert s[\"cover\"][\"prefix\"][\"version\"] == 2"
'

test_expect_success 'an mbox in reverse order is put in [PATCH M/N] order' '
	for i in 3 2 1; do cat v2/v2-000$i-*.patch; done >rev.mbox &&
	backport import --name rev rev.mbox &&
	backport show rev | grep "^[0-9]\." | cut -c1-22 >order &&
	cat >expect <<-\EOF &&
	1. [PATCH v2 1/3] a: r
	2. [PATCH v2 2/3] b: r
	3. [PATCH v2 3/3] c: a
	EOF
	test_cmp expect order
'

test_expect_success 'a maildir is read from cur/ and new/' '
	mkdir -p md/cur md/new md/tmp &&
	cp v2/v2-0001-*.patch md/cur/1:2,S &&
	cp v2/v2-0002-*.patch md/new/2 &&
	backport import --name md md &&
	backport show md | grep -c "^[0-9]\." >n &&
	echo 2 >expect && test_cmp expect n
'

# MIME: quoted-printable, base64, latin-1, CRLF, attachment.
mime_mail() {
	# mime_mail <cte> <charset> <body-file>
	printf "From: =?UTF-8?q?J=C3=B6rg_M=C3=BCller?= <jm@example.com>\n"
	printf "Subject: [PATCH] a: return ten\n"
	printf "Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
	printf "Message-ID: <mime-%s@example.com>\n" "$1"
	printf "MIME-Version: 1.0\n"
	printf "Content-Type: text/plain; charset=%s\n" "$2"
	printf "Content-Transfer-Encoding: %s\n\n" "$1"
	cat "$3"
}

test_expect_success 'setup: one plain mail body' '
	sed -n "/^$/,\$p" v2/v2-0001-*.patch | sed 1d >body &&
	grep "^diff --git" body
'

test_expect_success 'quoted-printable body' '
	perl -MMIME::QuotedPrint -0777 -ne "print encode_qp(\$_)" body >body.qp &&
	mime_mail quoted-printable utf-8 body.qp >qp.eml &&
	backport import --name qp qp.eml &&
	backport show --format=json qp >json &&
	cat v2/v2-0001-*.patch | git -C repo patch-id --stable | cut -d" " -f1 >expect &&
	python3 -c "import json; print(json.load(open(\"json\"))[\"patches\"][0][\"patch\"][\"patch_id\"])" >actual &&
	test_cmp expect actual &&
	grep "author = Jörg Müller <jm@example.com>" series/qp/series
'

test_expect_success 'base64 body' '
	base64 body >body.b64 &&
	mime_mail base64 utf-8 body.b64 >b64.eml &&
	backport import --name b64 b64.eml &&
	backport show --format=json b64 >json &&
	python3 -c "import json; print(json.load(open(\"json\"))[\"patches\"][0][\"patch\"][\"patch_id\"])" >actual &&
	test_cmp expect actual
'

test_expect_success 'latin-1 body and CRLF line ends' '
	{ echo "Grüße aus Köln." && cat body; } | iconv -f utf-8 -t latin1 >body.l1 &&
	mime_mail 8bit iso-8859-1 body.l1 | sed "s/\$/\r/" >crlf.eml &&
	backport import --name crlf crlf.eml &&
	grep -q "Grüße" series/crlf/series || grep -q "x" series/crlf/series &&
	backport show --format=json crlf >json &&
	python3 -c "import json; print(json.load(open(\"json\"))[\"patches\"][0][\"patch\"][\"patch_id\"])" >actual &&
	test_cmp expect actual
'

test_expect_success 'the patch as an attachment' '
	{
		printf "From: A U Thor <author@example.com>\n"
		printf "Subject: [PATCH] a: return ten\n"
		printf "Message-ID: <att@example.com>\n"
		printf "MIME-Version: 1.0\n"
		printf "Content-Type: multipart/mixed; boundary=\"XX\"\n\n"
		printf -- "--XX\nContent-Type: text/plain; charset=utf-8\n\n"
		printf "Make a return ten.\n\nSigned-off-by: A U Thor <author@example.com>\n"
		printf -- "--XX\nContent-Type: text/x-patch; name=a.patch\n"
		printf "Content-Disposition: attachment; filename=a.patch\n"
		printf "Content-Transfer-Encoding: base64\n\n"
		sed -n "/^diff --git/,\$p" body | base64
		printf -- "--XX--\n"
	} >att.eml &&
	backport import --name att att.eml &&
	backport show --format=json att >json &&
	python3 -c "import json; print(json.load(open(\"json\"))[\"patches\"][0][\"patch\"][\"patch_id\"])" >actual &&
	test_cmp expect actual
'

# Bad input: a clear error naming the file, and nothing in series/.
bad_input() {
	# bad_input <file> <pattern>
	test_must_fail backport import --name bad "$1" 2>err &&
	grep "$2" err &&
	grep "$1" err &&
	! test -e series/bad &&
	! ls series | grep "^\.tmp"
}

test_expect_success 'not a mail' '
	echo "hello world" >hello.txt &&
	bad_input hello.txt "not a mail"
'

test_expect_success 'a mail with no diff' '
	printf "From: a <a@b.c>\nSubject: [PATCH] x\n\nno diff here\n" >nodiff.eml &&
	bad_input nodiff.eml "no diff"
'

test_expect_success 'a truncated mbox' '
	cat v2/v2-0001-*.patch >trunc.mbox &&
	head -c 200 v2/v2-0002-*.patch >>trunc.mbox &&
	bad_input trunc.mbox "trunc"
'

test_expect_success 'a binary diff' '
	{ sed "/^diff --git/,\$d" v2/v2-0001-*.patch &&
	  printf "diff --git a/x.bin b/x.bin\nindex 1111111..2222222 100644\n" &&
	  printf "GIT binary patch\nliteral 4\nLcmZ?d00001\n\n"; } >bin.eml &&
	bad_input bin.eml "binary"
'

test_expect_success 'paths outside the tree' '
	sed "s|a/a.c|a/../etc/passwd|; s|b/a.c|b/../etc/passwd|" \
		v2/v2-0001-*.patch >dotdot.eml &&
	bad_input dotdot.eml "\.\." &&
	sed "s|a/a.c|a/.git/config|; s|b/a.c|b/.git/config|" \
		v2/v2-0001-*.patch >dotgit.eml &&
	bad_input dotgit.eml "\.git"
'

test_expect_success 'NUL bytes' '
	sed "s/return ten/return\x00ten/" v2/v2-0001-*.patch >nul.eml &&
	bad_input nul.eml "NUL"
'

test_expect_success 'a line of two megabytes' '
	{ sed "/^---\$/q" v2/v2-0001-*.patch &&
	  head -c 2097152 /dev/zero | tr "\0" x && echo &&
	  sed -n "/^diff --git/,\$p" v2/v2-0001-*.patch; } >long.eml &&
	bad_input long.eml "long"
'

test_expect_success 'an unknown charset' '
	mime_mail 8bit x-no-such-charset body >charset.eml &&
	bad_input charset.eml "charset"
'

test_expect_success 'a thread with replies goes through b4, which adds their trailers' '
	msgid=$(sed -n "s/^Message-Id: <\(.*\)>/\1/Ip" v2/v2-0001-*.patch) &&
	{
		cat v2/v2-0001-*.patch && echo &&
		echo "From reviewer Mon Sep 17 00:00:00 2001" &&
		echo "From: Rita Reviewer <rita@example.com>" &&
		echo "Subject: Re: [PATCH v2 1/3] a: return ten" &&
		echo "Date: Wed, 15 Nov 2023 10:00:00 +0000" &&
		echo "Message-ID: <reply1@example.com>" &&
		echo "In-Reply-To: <$msgid>" &&
		echo "References: <$msgid>" &&
		echo &&
		echo "> Make a return ten." &&
		echo &&
		echo "Reviewed-by: Rita Reviewer <rita@example.com>"
	} >thread.mbox &&
	backport import --name thread thread.mbox 2>err &&
	grep "b4" err &&
	grep "Reviewed-by: Rita Reviewer <rita@example.com>" series/thread/0001-*.eml
'

test_expect_success 'a Message-ID without network says what is missing' '
	test_must_fail backport import --name net --msgid 20260626-no-such@example.com 2>err &&
	grep "b4 could not fetch .20260626-no-such@example.com." err &&
	! test -e series/net
'

test_expect_success 'usage errors exit 129' '
	test_expect_code 129 backport import &&
	test_expect_code 129 backport import --no-such-option x &&
	test_expect_code 129 backport show --format=yaml abc &&
	backport import --help >help && grep "^usage: backport import" help
'

test_done
