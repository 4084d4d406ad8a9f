#!/bin/sh
test_description='report at queue scale: the HTML grid of a 400-patch run, filtered and sorted in a headless browser'
. ./lib-backport.sh

# The queue of test_queue_repo: patches 71-80 conflict on linux-6.1.y,
# 31-40 are already there.
test_expect_success 'setup: 400 patches, a matrix of two branches, a run' '
	test_queue_repo 400 &&
	backport import -q --name q queue >/dev/null &&
	mkdir matrix &&
	write_stable_matrix ../up >matrix/default.conf &&
	test_expect_code 1 backport run -q --no-build --series q >out 2>err &&
	test -f results/latest/index.html
'

test_expect_success 'the page: counts per target, a legend, 400 rows, no network' '
	backport report --format=html -o page.html &&
	grep "<tr><th>linux-6.12.y</th><td>400</td><td>0</td><td>0</td><td>0</td><td>0</td>" page.html &&
	grep "<tr><th>linux-6.1.y</th><td>380</td><td>0</td><td>0</td><td>0</td><td>10</td><td>0</td><td>0</td><td>10</td>" page.html &&
	grep "<p class=\"legend\">legend: <b>ok</b> applied, <b>pres</b> already-present, <b>CONF</b> conflict</p>" page.html &&
	test $(grep -c "^<tr data-n=" page.html) = 400 &&
	! grep -i "src=\|https\?:" page.html
'

test_expect_success 'every cell links to its details on the same page' '
	python3 - page.html <<-\EOF
	import re, sys
	page = open(sys.argv[1]).read()
	ids = set(re.findall(r"id=\"([^\"]+)\"", page))
	cells = re.findall(r"<td class=\"\w+\" data-v=\"[^\"]+\"[^>]*><a href=\"#([^\"]+)\">", page)
	assert len(cells) == 800, len(cells)
	missing = [c for c in cells if c not in ids]
	assert not missing, missing[:5]
	assert "c-q-linux-6-1-y-p71" in cells
	i = page.index("id=\"c-q-linux-6-1-y-p71\"")
	assert "conflict" in page[i:i + 200], page[i:i + 200]
	EOF
'

command -v chromium >/dev/null && test_set_prereq CHROMIUM

# dom <fragment>: the page as headless chromium has it after its script ran.
dom() {
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$PWD/chromium-profile" \
		--dump-dom "file://$PWD/page.html$1" 2>/dev/null
}

# rows <dom> <out>: the grid rows in DOM order, "<n> <shown|hidden>"; in
# <out>.info the line that counts them and how many target columns hide.
rows() {
	python3 - "$1" "$2" <<-\EOF
	import re, sys
	d = open(sys.argv[1]).read()
	with open(sys.argv[2], "w") as out:
	    for m in re.finditer(r"<tr data-n=\"(\d+)\"( hidden=\"\")?>", d):
	        print(m.group(1), "hidden" if m.group(2) else "shown", file=out)
	with open(sys.argv[2] + ".info", "w") as out:
	    print(re.search(r"<span class=\"shown\">([^<]*)</span>", d).group(1), file=out)
	    print("hidden heads:", len(re.findall(r"<th [^>]*data-target=[^>]*hidden", d)), file=out)
	EOF
}

test_expect_success CHROMIUM 'no fragment: every row, in queue order' '
	dom "" >dom0 && rows dom0 r0 &&
	test $(grep -c " shown$" r0) = 400 &&
	sed -n 400p r0 >last &&
	echo "400 shown" >expect && test_cmp expect last &&
	grep "^400 of 400 patches shown$" r0.info
'

test_expect_success CHROMIUM '#verdict=conflict: the ten conflicts, 390 rows hidden' '
	dom "#verdict=conflict" >dom1 && rows dom1 r1 &&
	grep " shown$" r1 >shown &&
	printf "%s\n" 71 72 73 74 75 76 77 78 79 80 | sed "s/$/ shown/" >expect &&
	test_cmp expect shown &&
	test $(grep -c " hidden$" r1) = 390 &&
	grep "^10 of 400 patches shown$" r1.info &&
	grep "^hidden heads: 0$" r1.info
'

test_expect_success CHROMIUM 'a target: its column only, its verdicts' '
	dom "#verdict=already-present&target=linux-6.12.y" >dom2 && rows dom2 r2 &&
	test $(grep -c " shown$" r2) = 0 &&
	grep "^hidden heads: 1$" r2.info &&
	dom "#verdict=already-present,conflict&target=linux-6.1.y" >dom3 &&
	rows dom3 r3 &&
	grep " shown$" r3 | cut -d" " -f1 >shown &&
	printf "%s\n" 31 32 33 34 35 36 37 38 39 40 71 72 73 74 75 76 77 78 79 80 >expect &&
	test_cmp expect shown &&
	grep "^20 of 400 patches shown$" r3.info
'

test_expect_success CHROMIUM 'sorted by a target: worst verdicts first; by title, descending' '
	dom "#sort=linux-6.1.y" >dom4 && rows dom4 r4 &&
	head -n 20 r4 | cut -d" " -f1 >first &&
	printf "%s\n" 71 72 73 74 75 76 77 78 79 80 31 32 33 34 35 36 37 38 39 40 >expect &&
	test_cmp expect first &&
	sed -n 21p r4 >next && echo "1 shown" >expect && test_cmp expect next &&
	test $(grep -c " shown$" r4) = 400 &&
	dom "#verdict=look&sort=title&order=desc" >dom5 && rows dom5 r5 &&
	grep " shown$" r5 | cut -d" " -f1 >shown &&
	printf "%s\n" 80 79 78 77 76 75 74 73 72 71 >expect &&
	test_cmp expect shown &&
	head -n 1 r5 >first && echo "400 hidden" >expect && test_cmp expect first
'

test_done
