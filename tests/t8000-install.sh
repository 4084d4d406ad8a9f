#!/bin/sh
test_description='make install into a DESTDIR: the installed binary finds its data, man pages, help, completion'
. ./lib-backport.sh

DEST="$SHARNESS_TRASH_DIRECTORY/dest"
BIN="$DEST/usr/bin/backport"
MAN1="$DEST/usr/share/man/man1"
COMMANDS="import show apply build resolve record diff mail run report patch-id trees test config"

command -v man >/dev/null && test_set_prereq MAN
command -v mandoc >/dev/null && test_set_prereq MANDOC
command -v bash >/dev/null && test_set_prereq BASH

# The installed binary, from elsewhere, without the checkout's help.
installed() {
	(
		cd "$SHARNESS_TRASH_DIRECTORY/elsewhere" &&
		env -u BACKPORT_TOP -u BACKPORT_MATRIX -u BACKPORT_RUNNER \
			PATH="$DEST/usr/bin:/usr/bin:/bin" backport "$@"
	)
}

test_expect_success 'make install DESTDIR= prefix=/usr' '
	make -s -C "$BACKPORT_TOP" install DESTDIR="$DEST" prefix=/usr \
		PROGRAM="$SHARNESS_BUILD_DIRECTORY/backport" >out &&
	test -x "$BIN" &&
	test -f "$DEST/usr/share/backport/matrix/default.conf" &&
	test -f "$DEST/usr/share/backport/matrix/kvm.fragment" &&
	test -x "$DEST/usr/share/backport/guest/runner.sh" &&
	test -f "$DEST/usr/share/bash-completion/completions/backport" &&
	for c in $COMMANDS; do
		test -f "$MAN1/backport-$c.1" || return 1
	done &&
	test -f "$MAN1/backport.1" &&
	mkdir elsewhere
'

test_expect_success 'the installed binary runs from another directory' '
	installed --help >out &&
	grep "^   apply " out &&
	installed --version >out &&
	grep "^backport version " out &&
	grep "^libgit2 1\.[0-9]*\.[0-9]*$" out &&
	grep "^GMime 3\." out &&
	grep "^QEMU " out
'

test_expect_success 'it finds the default matrix in its data directory' '
	installed config --get matrix >out &&
	echo "$DEST/usr/bin/../share/backport/matrix/default.conf" >expect &&
	test_cmp expect out
'

test_expect_success 'import and apply with the installed binary' '
	git init -q elsewhere/up && (
		cd elsewhere/up &&
		printf "int a;\nint b;\nint c;\nint d;\nint e;\n" >f.c &&
		git add f.c && git commit -q -m base && git tag base &&
		git branch linux-6.12.y &&
		sed -i "s/int c;/long c;/" f.c &&
		git commit -q -a -m "f: widen c" &&
		git format-patch -q -o ../mails base
	) &&
	installed import --name s1 mails &&
	test -f elsewhere/series/s1/series &&
	installed apply --repo up --series s1 --branch linux-6.12.y \
		--all-branches >out &&
	grep "^linux-6.12.y  *applied" out &&
	git -C elsewhere/up rev-parse --verify refs/backport/s1/linux-6.12.y
'

test_expect_success MAN 'every installed man page renders with man -l' '
	for p in "$MAN1"/*.1; do
		MANWIDTH=80 man -l "$p" >out 2>err &&
		test_must_be_empty err &&
		grep -q "^NAME" out || { echo "bad page $p"; return 1; }
	done
'

test_expect_success MAN 'backport help <command> opens its page, -h the usage' '
	installed help apply >out &&
	grep "backport-apply" out &&
	grep "applied-offset" out &&
	installed -h apply >out &&
	grep "^usage: backport apply" out &&
	installed apply -h >out &&
	grep "^usage: backport apply" out &&
	test_expect_code 128 installed help nope
'

test_expect_success MANDOC 'the pages are mandoc -T lint clean' '
	mandoc -T lint -W warning "$BACKPORT_TOP"/doc/man/*.1 >lint 2>&1;
	cat lint &&
	test_must_be_empty lint
'

# check_page <backport> <page> <command>: every option that
# `<command> --help` lists is on <page>.
check_page() {
	"$1" "$3" --help >help.txt &&
	mandoc -T ascii "$2" | col -b >page.txt &&
	{
		grep -o -- "--[a-z][a-z0-9-]*" help.txt
		sed -n "s/^ *\(-[a-zA-Z]\)[ ,].*/\1/p" help.txt
	} | sort -u >opts.txt &&
	test -s opts.txt || return 1
	missing=0
	while read -r o; do
		grep -q -e "\(^\|[^a-z0-9-]\)$o\([^a-z0-9-]\|$\)" page.txt ||
		{ echo "$3: $o is not on $2"; missing=1; }
	done <opts.txt
	return $missing
}

test_expect_success MANDOC 'every option of each --help is on its page' '
	for c in $COMMANDS; do
		check_page backport "$BACKPORT_TOP/doc/man/backport-$c.1" $c ||
		return 1
	done
'

test_expect_success MANDOC 'the check fails on a page that lacks an option' '
	sed "/^\.It Fl -fuzz/,/^\.It Fl -dry-run/{/^\.It Fl -dry-run/!d}" \
		"$BACKPORT_TOP/doc/man/backport-apply.1" >short.1 &&
	! grep -e "Fl -fuzz" short.1 &&
	test_must_fail check_page backport short.1 apply >out &&
	grep "apply: --fuzz is not on short.1" out
'

test_expect_success MANDOC 'the pages name every verdict and cell status' '
	sed -n "1,/^};/s/^\t\[VERDICT_[A-Z0-9_]*\] = \"\([a-z0-9-]*\)\",$/\1/p" \
		"$BACKPORT_TOP/tools/lib/verdict.c" >verdicts &&
	test_line_count = 13 verdicts &&
	sed -n "s/^\t\[CELL_[A-Z_]*\] = \"\([a-z-]*\)\",$/\1/p" \
		"$BACKPORT_TOP/tools/lib/cell.c" >cells &&
	test_line_count = 9 cells &&
	mandoc -T ascii "$BACKPORT_TOP/doc/man/backport-apply.1" | col -b >apply.txt &&
	mandoc -T ascii "$BACKPORT_TOP/doc/man/backport-run.1" | col -b >run.txt &&
	mandoc -T ascii "$BACKPORT_TOP/doc/man/backport.1" | col -b >main.txt &&
	while read -r v; do
		grep -q -w -- "$v" apply.txt && grep -q -w -- "$v" main.txt ||
		{ echo "verdict $v missing"; return 1; }
	done <verdicts &&
	while read -r v; do
		grep -q -w -- "$v" run.txt && grep -q -w -- "$v" main.txt ||
		{ echo "cell status $v missing"; return 1; }
	done <cells
'

# complete <words...>: what the installed completion offers for the last.
complete_words() {
	PATH="$DEST/usr/bin:$PATH" bash -c '
		. "$0"
		complete -p backport
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_backport
		printf "%s\n" "${COMPREPLY[@]}"
	' "$DEST/usr/share/bash-completion/completions/backport" "$@"
}

test_expect_success BASH 'completion: commands and options' '
	complete_words backport ap >out &&
	printf "complete -F _backport backport\napply\n" >expect &&
	test_cmp expect out &&
	complete_words backport apply --bra >out &&
	printf "complete -F _backport backport\n--branch\n" >expect &&
	test_cmp expect out &&
	complete_words backport report --format=h >out &&
	grep "^--format=html$" out
'

test_expect_success BASH 'completion: series and matrix targets' '
	(
		cd elsewhere &&
		complete_words backport apply --series "" >../out &&
		complete_words backport apply --branch linux-6.1 >../targets
	) &&
	grep "^s1$" out &&
	grep "^linux-6.1.y$" targets &&
	grep "^linux-6.12.y@v6.12.111$" targets &&
	! grep "^linux-7" targets
'

test_expect_success 'the README points nowhere outside the repository' '
	sed -n "4,5p" "$BACKPORT_TOP/README.md" >head &&
	grep "^make demo " head && grep "^make check " head &&
	! grep -n "\.\./shared\|FIELD\.md\|\](\.\./" "$BACKPORT_TOP/README.md"
'

test_expect_success 'make uninstall removes what install put' '
	make -s -C "$BACKPORT_TOP" uninstall DESTDIR="$DEST" prefix=/usr &&
	find "$DEST" -type f >left &&
	test_must_be_empty left
'

test_done
