#!/bin/sh
test_description='backport patch-id: the ids of git patch-id --stable, damaged mails, bad input'
. ./lib-backport.sh

# line_count_is <n> <file>: <file> has <n> lines.
line_count_is() {
	test "$(wc -l <"$2")" -eq "$1" || {
		echo "$2 has $(wc -l <"$2") lines, not $1"
		return 1
	}
}

# commit_all <message>: commit everything in the work tree.
commit_all() {
	git add -A &&
	git commit -q -m "$1"
}

test_expect_success 'setup: a repository with varied commits' '
	git init -q repo &&
	(
		cd repo &&
		printf "int main(void)\n{\n\treturn 0;\n}\n" >main.c &&
		commit_all "add main.c" &&
		printf "int main(void)\n{\n\treturn 1;\n}\n" >main.c &&
		commit_all "modify main.c" &&
		seq 1 100 >numbers && commit_all "add numbers" &&
		seq 1 100 | sed -e "s/^10$/ten/" -e "s/^90$/ninety/" >numbers &&
		commit_all "two hunks" &&
		printf "a\nb\nc" >nonl && commit_all "no newline at end" &&
		printf "a\nb\nc\n" >nonl && commit_all "add newline at end" &&
		printf "a\nB\nc" >nonl && commit_all "still no newline" &&
		git mv numbers numbers.txt && commit_all "pure rename" &&
		seq 1 100 | sed -e "s/^10$/ten/" -e "s/^90$/NINETY/" >numbers.txt &&
		git mv numbers.txt nums && commit_all "rename with change" &&
		chmod +x main.c && commit_all "mode change" &&
		chmod -x main.c &&
		printf "int main(void)\n{\n\treturn 2;\n}\n" >main.c &&
		commit_all "mode change and edit" &&
		git rm -q nonl && commit_all "delete file" &&
		printf "line1\r\nline2\r\n" >crlf.txt && commit_all "crlf content" &&
		printf "line1\r\nLINE2\r\nline3\r\n" >crlf.txt &&
		commit_all "crlf edit" &&
		printf "grüße\nnaïve café ☃\n" >unicode.txt &&
		commit_all "unicode content" &&
		printf "x\n" >"späße.txt" && commit_all "unicode name" &&
		printf "y\n" >"with space.txt" && commit_all "name with space" &&
		printf "y\nz\n" >"with space.txt" &&
		commit_all "edit name with space" &&
		mkdir -p dir/sub &&
		printf "one\n" >dir/sub/a.c &&
		printf "two\n" >dir/b.h &&
		printf "three\n" >top.S &&
		commit_all "three files" &&
		printf "one\nuno\n" >dir/sub/a.c &&
		printf "deux\n" >dir/b.h &&
		git rm -q top.S &&
		commit_all "modify two files, delete one" &&
		: >empty && commit_all "empty file" &&
		git rm -q empty && commit_all "delete empty file" &&
		cp main.c copy.c && printf "/* c */\n" >>copy.c &&
		commit_all "copy" &&
		seq 1 20 >short && commit_all "add short" &&
		seq 1 20 | sed "s/^1$/first/" >short && commit_all "first line" &&
		seq 1 20 | sed -e "s/^1$/first/" -e "s/^20$/last/" >short &&
		commit_all "last line" &&
		printf "\t  indented\tline  \n" >ws && commit_all "whitespace" &&
		printf "\t  indented  line  \n\n\n" >ws &&
		commit_all "whitespace change" &&
		printf "tab\there\n" >"tab	name" && commit_all "tab in name" &&
		chmod +x short && seq 1 21 >short && git mv short short2 &&
		commit_all "rename, mode change and edit" &&
		git commit -q --allow-empty -m "empty commit" &&
		git format-patch -q --root -M -C -o ../mails HEAD
	) &&
	git -C repo rev-list HEAD >commits &&
	line_count_is 31 commits &&
	ls mails >mail.list &&
	line_count_is 31 mail.list
'

test_expect_success 'each format-patch mail: the id and commit of git' '
	for m in mails/*.patch
	do
		git patch-id --stable <"$m" || return 1
	done >expect &&
	line_count_is 30 expect &&
	for m in mails/*.patch
	do
		backport patch-id "$m" || return 1
	done >actual &&
	test_cmp expect actual
'

test_expect_success 'several files in one call' '
	backport patch-id --stable mails/*.patch >actual &&
	test_cmp expect actual
'

test_expect_success 'git log -p on stdin, as git patch-id reads it' '
	git -C repo log -p -M -C >log &&
	git patch-id --stable <log >expect.log &&
	line_count_is 30 expect.log &&
	backport patch-id <log >actual.log &&
	test_cmp expect.log actual.log
'

test_expect_success 'an mbox of the whole series on stdin' '
	git -C repo format-patch --root -M -C --stdout HEAD >series.mbox &&
	git patch-id --stable <series.mbox >expect.mbox &&
	backport patch-id - <series.mbox >actual.mbox &&
	test_cmp expect.mbox actual.mbox
'

test_expect_success 'a bare diff gets the zero commit' '
	git -C repo diff HEAD~8 HEAD >bare.diff &&
	git patch-id --stable <bare.diff >expect &&
	grep " 0000000000000000000000000000000000000000$" expect &&
	backport patch-id bare.diff >actual &&
	test_cmp expect actual
'

# Damage as the web archive did it: whitespace gone, blanks collapsed,
# empty lines dropped. The id does not change.
test_expect_success 'a stripped copy of a mail keeps the id of the intact one' '
	(
		cd repo &&
		printf "int f(int x)\n{\n\tint y;\n\n\ty = x;\n\tif (y)\n\t\treturn y;\n\n\treturn 0;\n}\n" >f.c &&
		commit_all "add f" &&
		printf "int f(int x)\n{\n\tint y;\n\n\ty = x + 1;\n\tif (y)\n\t\treturn y;\n\n\n\treturn -1;\n}\n" >f.c &&
		commit_all "change f" &&
		git format-patch -q -1 -o ../damage
	) &&
	intact=$(ls damage/*.patch) &&
	sed -e "s/^[[:space:]]*//" -e "s/[[:space:]]*$//" \
		-e "s/[[:space:]]\{1,\}/ /g" -e "/^$/d" "$intact" >stripped &&
	! test_cmp "$intact" stripped &&
	git patch-id --stable <"$intact" >expect &&
	backport patch-id stripped >actual &&
	test_cmp expect actual &&
	git patch-id --stable <stripped >git-on-stripped &&
	! test_cmp expect git-on-stripped
'

test_expect_success 'the fixtures: stripped copies have the intact id' '
	fixtures="$BACKPORT_TOP/tests/fixtures/patch" &&
	git patch-id --stable <"$fixtures/split-intact.eml" >expect &&
	backport patch-id "$fixtures/split-stripped.eml" >actual &&
	test_cmp expect actual &&
	backport patch-id "$fixtures/split-stripped-noempty.eml" >actual &&
	test_cmp expect actual
'

test_expect_success SEEDS 'the seed mails: one id each, no commit' '
	backport patch-id "$SEEDS"/*.txt >seeds &&
	line_count_is 2 seeds &&
	! grep -v "^[0-9a-f]\{40\} 0\{40\}$" seeds
'

test_expect_success '--help prints the usage on stdout' '
	backport patch-id --help >out &&
	grep "^usage: backport patch-id" out &&
	backport patch-id -h >out &&
	grep "^usage: backport patch-id" out
'

test_expect_success 'an unknown option is a usage error' '
	test_expect_code 129 backport patch-id --verbatim mails/0001* 2>err &&
	grep "unknown option .--verbatim." err &&
	grep "^usage: backport patch-id" err
'

test_expect_success 'a missing file is fatal and named' '
	test_expect_code 128 backport patch-id no-such.patch 2>err &&
	grep "no-such.patch" err
'

test_expect_success 'a file with no diff prints nothing, as git does' '
	printf "just text\n" >text.txt &&
	git patch-id --stable <text.txt >expect &&
	test_must_be_empty expect &&
	backport patch-id text.txt >actual 2>err &&
	test_must_be_empty actual &&
	grep "warning: text.txt: no diff found" err &&
	git patch-id --stable <mails/0031-empty-commit.patch >expect &&
	backport patch-id mails/0031-empty-commit.patch >actual &&
	test_cmp expect actual
'

# bad_diff <file> <path>: a one-hunk diff of <path>.
bad_diff() {
	printf "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n-a\n+b\n" \
		"$2" "$2" "$2" "$2" >"$1"
}

test_expect_success 'a binary diff is refused' '
	(
		cd repo &&
		printf "\000\001\002" >blob.bin && commit_all "binary" &&
		git format-patch -q -1 -o ../binary
	) &&
	test_must_fail backport patch-id binary/*.patch 2>err &&
	grep "binary/0001-binary.patch:[0-9]*: binary diff" err &&
	git -C repo show HEAD >nobinary.diff &&
	grep "^Binary files" nobinary.diff &&
	test_must_fail backport patch-id nobinary.diff 2>err &&
	grep "nobinary.diff:[0-9]*: binary diff" err
'

test_expect_success 'a path with ../ is refused' '
	bad_diff dotdot.diff "../etc/passwd" &&
	test_must_fail backport patch-id dotdot.diff 2>err &&
	grep "dotdot.diff:1: path .\.\./etc/passwd. leaves the tree" err
'

test_expect_success 'an absolute path is refused' '
	printf -- "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n" \
		>abs.diff &&
	printf "diff --git a/x b/x\n" | cat - abs.diff >abs-git.diff &&
	test_must_fail backport patch-id abs-git.diff 2>err &&
	grep "abs-git.diff:2: absolute path ./etc/passwd." err &&
	bad_diff abs2.diff "/etc/shadow" &&
	test_must_fail backport patch-id abs2.diff 2>err &&
	grep "abs2.diff:1: absolute path ./etc/shadow." err
'

test_expect_success 'a .git/ path is refused' '
	bad_diff dotgit.diff ".git/hooks/pre-commit" &&
	test_must_fail backport patch-id dotgit.diff 2>err &&
	grep "dotgit.diff:1: path .\.git/hooks/pre-commit. touches .git" err &&
	bad_diff subgit.diff "sub/.git/config" &&
	test_must_fail backport patch-id subgit.diff 2>err &&
	grep "subgit.diff:1: path .sub/\.git/config. touches .git" err
'

test_expect_success 'a NUL byte is refused' '
	printf "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\000c\n" \
		>nul.diff &&
	test_must_fail backport patch-id nul.diff 2>err &&
	grep "nul.diff:6: NUL byte" err
'

test_expect_success 'a malformed hunk header is refused' '
	printf "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1\n-a\n+b\n" \
		>hunk.diff &&
	test_must_fail backport patch-id hunk.diff 2>err &&
	grep "hunk.diff:4: malformed hunk header" err
'

test_done
