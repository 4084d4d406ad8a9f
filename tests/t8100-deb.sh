#!/bin/sh
test_description='make deb: a lintian-clean package that installs and runs'
. ./lib-backport.sh

command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null &&
	command -v lintian >/dev/null && test_set_prereq DEB
test "$(id -u)" = 0 && test_set_prereq ROOT

# No space in the path: dpkg-buildpackage builds there.
PKG=$(mktemp -d /tmp/backport-deb.XXXXXX)
DEB="$PKG/backport_0.1_amd64.deb"

test_expect_success SLOW,DEB 'make deb builds it and lintian passes' '
	make -s -C "$BACKPORT_TOP" deb DEB_DIR="$PKG" >log 2>&1 ||
	{ tail -40 log; return 1; }
	test -f "$DEB"
'

test_expect_success SLOW,DEB 'it holds the binary, data, man pages and completion' '
	dpkg-deb -c "$DEB" | sed "s|.* \./|/|" >files &&
	grep "^/usr/bin/backport$" files &&
	grep "^/usr/share/backport/matrix/default.conf$" files &&
	grep "^/usr/share/backport/guest/runner.sh$" files &&
	grep "^/usr/share/bash-completion/completions/backport$" files &&
	grep "^/usr/share/man/man1/backport.1.gz$" files &&
	grep "^/usr/share/man/man1/backport-apply.1.gz$" files &&
	test $(grep -c "^/usr/share/man/man1/backport.*\.1\.gz$" files) = 15
'

test_expect_success SLOW,DEB 'Depends and Recommends' '
	dpkg-deb -f "$DEB" Depends >depends &&
	dpkg-deb -f "$DEB" Recommends >recommends &&
	cat depends recommends &&
	grep "libgit2-1\.8 (>= 1\.8" depends &&
	grep "libgmime-3\.0-0" depends &&
	grep "qemu-system-x86" depends &&
	grep "busybox-static" depends &&
	grep -w "b4" recommends
'

test_expect_success SLOW,DEB 'extracted, /usr/bin/backport runs and finds its data' '
	dpkg-deb -x "$DEB" root &&
	env -u BACKPORT_TOP root/usr/bin/backport --version >out &&
	grep "^backport version 0\.1" out &&
	grep "^libgit2 1\.8\." out &&
	(cd / && env -u BACKPORT_TOP "$SHARNESS_TRASH_DIRECTORY/root/usr/bin/backport" config --get matrix) >out &&
	grep "root/usr/bin/../share/backport/matrix/default.conf$" out
'

test_expect_success SLOW,DEB,ROOT 'dpkg -i into a scratch root' '
	mkdir -p scratch/var/lib/dpkg/info scratch/var/lib/dpkg/updates &&
	touch scratch/var/lib/dpkg/status &&
	dpkg --root="$SHARNESS_TRASH_DIRECTORY/scratch" --force-depends \
		--force-not-root -i "$DEB" >log 2>&1 || { cat log; return 1; }
	dpkg --root="$SHARNESS_TRASH_DIRECTORY/scratch" -L backport >listed &&
	grep "^/usr/bin/backport$" listed &&
	env -u BACKPORT_TOP scratch/usr/bin/backport --version >out &&
	grep "^backport version 0\.1" out
'

rm -rf "$PKG"
test_done
