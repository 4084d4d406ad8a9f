#!/bin/sh
test_description='backport import of a quilt queue: series order, missing and unlisted files'
. ./lib-backport.sh

# Three stable-queue style patches (commit X upstream.), whose names sort
# in another order than the queue applies them.
test_expect_success 'setup: a quilt queue' '
	git init -q repo &&
	(
		cd repo &&
		printf "int a(void)\n{\n\treturn 1;\n}\n" >a.c &&
		git add a.c && git commit -q -m base &&
		for n in 2 3 4; do
			sed -i "s/return [0-9]*/return $n/" a.c &&
			git commit -q -a -m "a: return $n" \
				-m "commit 0123456789abcdef0123456789abcdef0123456$n upstream." \
				-m "Signed-off-by: A U Thor <author@example.com>" ||
			return 1
		done &&
		git format-patch -q -N -o ../fp HEAD~3
	) &&
	mkdir -p queue-6.12 &&
	cp fp/0001-*.patch queue-6.12/zz-a-return-2.patch &&
	cp fp/0002-*.patch queue-6.12/mm-a-return-3.patch &&
	cp fp/0003-*.patch queue-6.12/aa-a-return-4.patch &&
	cat >queue-6.12/series <<-\EOF
	# the queue for 6.12
	zz-a-return-2.patch

	mm-a-return-3.patch -p1
	aa-a-return-4.patch # the last one
	EOF
'

test_expect_success 'a queue is imported in its series order, named after its directory' '
	backport import queue-6.12 >out 2>err &&
	cat out err &&
	grep "3 patches" out &&
	backport show --format=json queue-6.12 >json &&
	python3 - json <<-\EOF
	import json, sys
	s = json.load(open(sys.argv[1]))
	assert s["name"] == "queue-6.12", s["name"]
	titles = [p["title"] for p in s["patches"]]
	assert titles == ["a: return 2", "a: return 3", "a: return 4"], titles
	EOF
'

test_expect_success 'the patches keep their stable form' '
	grep -l "^commit 0123456789abcdef0123456789abcdef01234562 upstream\.$" \
		series/queue-6.12/0001-*.eml
'

test_expect_success 'a release directory is named with its parent' '
	mkdir -p releases &&
	cp -r queue-6.12 releases/6.12.111 &&
	backport import -q releases/6.12.111 &&
	test -f series/releases-6.12.111/series
'

test_expect_success 'a listed file that is missing is named with its line' '
	cp -r queue-6.12 q2 &&
	rm q2/mm-a-return-3.patch &&
	test_must_fail backport import q2 2>err &&
	cat err &&
	grep "q2/series:4: .mm-a-return-3.patch. is listed but there is no such file" err &&
	! test -e series/q2
'

test_expect_success 'a patch file the series does not list is a warning' '
	cp -r queue-6.12 q3 &&
	cp fp/0001-*.patch q3/extra.patch &&
	backport import q3 2>err &&
	grep "warning: .q3/extra.patch. is not listed in q3/series" err &&
	test $(ls series/q3/*.eml | wc -l) = 3
'

test_expect_success 'a strip level other than -p1 is refused with its line' '
	cp -r queue-6.12 q4 &&
	sed -i "s/^mm-a-return-3.patch.*/mm-a-return-3.patch -p0/" q4/series &&
	test_must_fail backport import q4 2>err &&
	grep "q4/series:4: option .-p0." err
'

test_expect_success 'a name outside the queue is refused' '
	cp -r queue-6.12 q5 &&
	echo "../fp/0001-a-return-2.patch" >>q5/series &&
	test_must_fail backport import q5 2>err &&
	grep "q5/series:6: .*outside the queue" err
'

test_expect_success 'an empty series file is an error' '
	mkdir q6 &&
	echo "# nothing yet" >q6/series &&
	test_must_fail backport import q6 2>err &&
	grep "q6/series lists no patches" err
'

test_expect_success '--name wins over the directory' '
	backport import -q --name mine queue-6.12 &&
	test -f series/mine/series
'

corpus="$BACKPORT_TOP/../shared/corpus/releases-6.12.111"
if test -f "$corpus/series"; then
	test_set_prereq CORPUS
else
	say "skipping the real queue: no corpus at $corpus"
fi

test_expect_success CORPUS 'the real 6.12.111 queue imports in its order' '
	backport import -q --series-dir real "$corpus" &&
	grep -v "^#" "$corpus/series" | grep -c . >want &&
	ls real/releases-6.12.111/*.eml | wc -l >have &&
	test_cmp want have &&
	backport show --series-dir real --format=json releases-6.12.111 >json &&
	python3 - json "$corpus" <<-\EOF
	import json, sys, re
	s = json.load(open(sys.argv[1]))
	names = [l.split()[0] for l in open(sys.argv[2] + "/series")
	         if l.strip() and not l.startswith("#")]
	titles = []
	for n in names:
	    subj = re.search(r"^Subject: (.*)$", open(sys.argv[2] + "/" + n,
	                     errors="replace").read(), re.M).group(1)
	    titles.append(subj)
	got = [p["subject"] for p in s["patches"]]
	assert len(got) == len(titles)
	for g, t in zip(got, titles):
	    assert g.startswith(t[:30]) or t.startswith(g[:30]), (g, t)
	EOF
'

test_done
