#!/bin/sh
test_description='backport trees: import Debian linux-source packages

Builds small fake linux-source .debs (dpkg-deb) and imports them through
--deb-dir, without apt; the real packages are imported by the SLOW test
at the end, into the shared cache.'

. ./lib-backport.sh

BP="$SHARNESS_BUILD_DIRECTORY/backport"

# make_deb <package> <version> <srcdir> [<changelog>]: a .deb in debs/
# holding usr/src/<package>.tar.xz made from <srcdir> (top directory
# <package>), and usr/share/doc/<package>/changelog.Debian.gz when given.
make_deb() {
	pkg=$1 ver=$2 src=$3 log=${4-}
	rm -rf root &&
	mkdir -p root/DEBIAN root/usr/src stage &&
	if test -n "$log"
	then
		mkdir -p "root/usr/share/doc/$pkg" &&
		gzip -9n <"$log" >"root/usr/share/doc/$pkg/changelog.Debian.gz"
	fi &&
	rm -rf "stage/$pkg" && cp -a "$src" "stage/$pkg" &&
	tar -C stage --owner=0 --group=0 --mtime=@1700000000 --sort=name \
		-cJf "root/usr/src/$pkg.tar.xz" "$pkg" &&
	cat >root/DEBIAN/control <<-EOF &&
	Package: $pkg
	Version: $ver
	Architecture: all
	Maintainer: Test <test@example.com>
	Description: test kernel source
	EOF
	mkdir -p debs &&
	SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zxz \
		--build root "debs/${pkg}_${ver}_all.deb" >/dev/null
}

write_matrix() {
	cat >matrix.conf <<-\EOF
	[matrix]
		repo =
	[release "9.9.1"]
		package = linux-source-9.9
		version = 9.9.1-1
	[release "9.9.2"]
		package = linux-source-9.9
		version = 9.9.2-1
	[branch "linux-9.9.y"]
		release = 9.9.1
		release = 9.9.2
	[build "ignored"]
		config = x86_64_defconfig
	EOF
}

test_expect_success 'set up two fake releases' '
	mkdir -p src1/arch/x86 src1/scripts src1/empty &&
	printf "VERSION = 9\nSUBLEVEL = 1\n" >src1/Makefile &&
	printf "#!/bin/sh\necho hi\n" >src1/scripts/run.sh &&
	chmod +x src1/scripts/run.sh &&
	printf "x86\n" >src1/arch/x86/Kconfig &&
	printf "ignore everything\n/*\n" >src1/.gitignore &&
	ln -s ../../Makefile src1/arch/x86/Makefile.link &&
	cp -a src1 src2 &&
	printf "VERSION = 9\nSUBLEVEL = 2\n" >src2/Makefile &&
	printf "new\n" >src2/arch/x86/new.c &&
	cat >changelog <<-\EOF &&
	linux (9.9.2-1) unstable; urgency=medium

	  * New upstream stable update:
	    https://www.kernel.org/pub/linux/kernel/v9.x/ChangeLog-9.9.2
	    - foo: fix a leak
	    - [armhf] 1234/1: enable interrupts when unhandled user faults are
	      triggered
	    - bar: check the length (CVE-2099-1234)
	    - Revert "foo: fix a leak"
	  * [x86] Enable SOMETHING (Debian change, no title)
	    - not a stable title

	 -- Test <test@example.com>  Tue, 14 Nov 2023 22:13:20 +0000

	linux (9.9.1-1) unstable; urgency=medium

	  * New upstream stable update:
	    https://www.kernel.org/pub/linux/kernel/v9.x/ChangeLog-9.9.1
	    - baz: old fix

	 -- Test <test@example.com>  Mon, 13 Nov 2023 22:13:20 +0000
	EOF
	make_deb linux-source-9.9 9.9.1-1 src1 &&
	make_deb linux-source-9.9 9.9.2-1 src2 changelog &&
	write_matrix
'

test_expect_success '--help prints usage, bad usage exits 129' '
	"$BP" trees --help >out &&
	grep "^usage: backport trees" out &&
	test_expect_code 129 "$BP" trees --bogus 2>err &&
	grep "unknown option" err
'

test_expect_success 'import creates branch, tags and commits' '
	BACKPORT_CACHE_DIR="$PWD/c1" "$BP" trees --matrix matrix.conf \
		--deb-dir debs >out 2>err &&
	grep "^linux-9.9.y: created " out &&
	grep "v9.9.1 imported" out &&
	grep "v9.9.2 imported" out &&
	git -C c1/linux.git rev-parse --verify refs/heads/linux-9.9.y &&
	git -C c1/linux.git rev-parse --verify refs/tags/v9.9.1 &&
	test "$(git -C c1/linux.git rev-parse linux-9.9.y)" = \
		"$(git -C c1/linux.git rev-parse v9.9.2)" &&
	test "$(git -C c1/linux.git rev-parse v9.9.2^)" = \
		"$(git -C c1/linux.git rev-parse v9.9.1)" &&
	test_must_fail git -C c1/linux.git rev-parse --verify -q v9.9.1^ &&
	test -d c1/linux.git/objects/pack
'

test_expect_success 'commits name package and version, fixed author' '
	git -C c1/linux.git log -1 --format="%an <%ae> %at%n%B" v9.9.2 >msg &&
	grep "^backport trees <trees@backport.invalid> 1700000000$" msg &&
	grep "^Package: linux-source-9.9$" msg &&
	grep "^Version: 9.9.2-1$" msg &&
	grep "^Release: 9.9.2$" msg &&
	sha=$(sha256sum debs/linux-source-9.9_9.9.2-1_all.deb | cut -d" " -f1) &&
	grep "^Deb-SHA256: $sha$" msg
'

test_expect_success 'each release keeps its changelog titles in a note' '
	git -C c1/linux.git notes --ref refs/notes/backport/changelog \
		show v9.9.2 >note &&
	head -1 note >first &&
	grep "changelog of linux-source-9.9 9.9.2-1, oldest first (5)" first &&
	sed 1,2d note >titles &&
	printf "%s\t%s\n" >expect \
		9.9.1 "baz: old fix" \
		9.9.2 "foo: fix a leak" \
		9.9.2 "[armhf] 1234/1: enable interrupts when unhandled user faults are triggered" \
		9.9.2 "bar: check the length" \
		9.9.2 "Revert \"foo: fix a leak\"" &&
	test_cmp expect titles &&
	git -C c1/linux.git notes --ref refs/notes/backport/changelog \
		show v9.9.1 >note1 &&
	grep "oldest first (0)" note1
'

test_expect_success 'tree is byte-identical to the tarball' '
	rm -rf x && mkdir x &&
	git -C c1/linux.git archive v9.9.2 | tar -C x -xf - &&
	rm -rf y && mkdir y && tar -C y -xJf root/usr/src/linux-source-9.9.tar.xz &&
	rmdir y/linux-source-9.9/empty &&
	diff -r x y/linux-source-9.9 &&
	git -C c1/linux.git ls-tree -r v9.9.2 >tree &&
	grep "^100755 blob .*	scripts/run.sh$" tree &&
	grep "^120000 blob .*	arch/x86/Makefile.link$" tree &&
	grep "^100644 blob .*	.gitignore$" tree &&
	test_line_count = 6 tree &&
	git -C c1/linux.git fsck --strict --no-dangling
'

test_expect_success 'a second run does nothing' '
	ls c1/linux.git/objects/pack >packs.before &&
	BACKPORT_CACHE_DIR="$PWD/c1" "$BP" trees --matrix matrix.conf \
		--deb-dir debs >out 2>err &&
	grep "^linux-9.9.y: up to date " out &&
	grep "v9.9.1 present" out &&
	grep "v9.9.2 present" out &&
	ls c1/linux.git/objects/pack >packs.after &&
	test_cmp packs.before packs.after
'

test_expect_success 'same packages give the same commit ids elsewhere' '
	BACKPORT_CACHE_DIR="$PWD/c2" "$BP" trees -q --matrix matrix.conf \
		--deb-dir debs >out &&
	test "$(git -C c1/linux.git rev-parse v9.9.1 v9.9.2)" = \
		"$(git -C c2/linux.git rev-parse v9.9.1 v9.9.2)"
'

test_expect_success '--format=json reports branches and releases' '
	BACKPORT_CACHE_DIR="$PWD/c1" "$BP" trees --matrix matrix.conf \
		--deb-dir debs --format=json >out.json &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
assert d[\"user_repository\"] is False
b = d[\"branches\"][0]
assert b[\"branch\"] == \"linux-9.9.y\", b
assert b[\"state\"] == \"up to date\", b
assert [r[\"tag\"] for r in b[\"releases\"]] == [\"v9.9.1\", \"v9.9.2\"]
assert all(r[\"action\"] == \"present\" for r in b[\"releases\"])
assert b[\"tip\"] == b[\"releases\"][1][\"commit\"]
"
'

test_expect_success '--release limits the import to one release' '
	BACKPORT_CACHE_DIR="$PWD/c3" "$BP" trees -q --matrix matrix.conf \
		--deb-dir debs --release 9.9.1 >out &&
	grep "v9.9.1 imported" out &&
	! grep v9.9.2 out &&
	test "$(git -C c3/linux.git rev-parse linux-9.9.y)" = \
		"$(git -C c1/linux.git rev-parse v9.9.1)" &&
	BACKPORT_CACHE_DIR="$PWD/c3" "$BP" trees -q --matrix matrix.conf \
		--deb-dir debs >out &&
	grep "^linux-9.9.y: updated " out &&
	grep "v9.9.2 imported" out
'

test_expect_success 'a release inserted before relinks the later commit' '
	mkdir -p src15 && cp -a src1/. src15/ &&
	echo 15 >src15/VERSION15 &&
	make_deb linux-source-9.9 9.9.15-1 src15 &&
	cat >matrix15.conf <<-\EOF &&
	[release "9.9.1"]
		package = linux-source-9.9
		version = 9.9.1-1
	[release "9.9.15"]
		package = linux-source-9.9
		version = 9.9.15-1
	[release "9.9.2"]
		package = linux-source-9.9
		version = 9.9.2-1
	[branch "linux-9.9.y"]
		release = 9.9.1
		release = 9.9.15
		release = 9.9.2
	EOF
	BACKPORT_CACHE_DIR="$PWD/c1" "$BP" trees -q --matrix matrix15.conf \
		--deb-dir debs >out &&
	grep "v9.9.15 imported" out &&
	grep "v9.9.2 relinked" out &&
	test "$(git -C c1/linux.git rev-parse v9.9.2^)" = \
		"$(git -C c1/linux.git rev-parse v9.9.15)" &&
	test "$(git -C c1/linux.git rev-parse v9.9.2^{tree})" = \
		"$(git -C c2/linux.git rev-parse v9.9.2^{tree})"
'

test_expect_success 'unknown branch or release: clear error' '
	test_must_fail "$BP" trees --matrix matrix.conf --deb-dir debs \
		--branch linux-1.0.y 2>err &&
	grep "no branch .linux-1.0.y." err
'

test_expect_success 'matrix errors name the file and release' '
	printf "[branch \"b\"]\n\trelease = 1.2\n" >bad.conf &&
	test_expect_code 128 "$BP" trees --matrix bad.conf 2>err &&
	grep "bad.conf.*release .1.2., which has no \[release\] section" err &&
	printf "[release \"1.2\"]\n\tpackage = p\n" >bad2.conf &&
	test_expect_code 128 "$BP" trees --matrix bad2.conf 2>err &&
	grep "release .1.2. needs both" err &&
	test_expect_code 128 "$BP" trees --matrix nonexistent.conf 2>err &&
	grep "nonexistent.conf. does not exist" err
'

test_expect_success 'missing package version: error names the package' '
	sed "s/9.9.2-1/9.9.2-7/" matrix.conf >missing.conf &&
	test_must_fail env BACKPORT_CACHE_DIR="$PWD/c4" "$BP" trees -q \
		--matrix missing.conf --deb-dir debs 2>err &&
	grep "linux-source-9.9=9.9.2-7" err &&
	test_must_fail git -C c4/linux.git rev-parse --verify -q v9.9.2
'

test_expect_success 'setup fake apt-get that fails' '
	mkdir -p fakebin &&
	printf "#!/bin/sh\necho \"E: Version nope was not found\" >&2\nexit 100\n" \
		>fakebin/apt-get &&
	printf "#!/bin/sh\nexit 100\n" >fakebin/apt-cache &&
	chmod +x fakebin/apt-get fakebin/apt-cache
'

test_expect_success 'apt failure (no network): error, no ref' '
	test_must_fail env BACKPORT_CACHE_DIR="$PWD/c5" \
		PATH="$PWD/fakebin:$PATH" "$BP" trees -q \
		--matrix missing.conf --deb-dir debs 2>err &&
	grep "cannot download package .linux-source-9.9=9.9.2-7. with apt-get: E: Version nope was not found" err &&
	git -C c5/linux.git rev-parse --verify v9.9.1 &&
	test_must_fail git -C c5/linux.git rev-parse --verify -q v9.9.2 &&
	test_must_fail git -C c5/linux.git rev-parse --verify -q linux-9.9.y
'

test_expect_success 'truncated .deb: error names the package, no ref' '
	mkdir -p bad &&
	deb=debs/linux-source-9.9_9.9.1-1_all.deb &&
	head -c $(($(wc -c <$deb) * 2 / 3)) $deb \
		>bad/linux-source-9.9_9.9.1-1_all.deb &&
	test_expect_code 128 env BACKPORT_CACHE_DIR="$PWD/c6" "$BP" trees -q \
		--matrix matrix.conf --deb-dir bad 2>err &&
	grep "package .bad/linux-source-9.9_9.9.1-1_all.deb.: corrupt" err &&
	test_must_fail git -C c6/linux.git rev-parse --verify -q v9.9.1 &&
	test_must_fail git -C c6/linux.git rev-parse --verify -q linux-9.9.y
'

test_expect_success 'a path escaping the tree is rejected' '
	rm -rf evil root && mkdir -p evil/linux-source-9.9 root/usr/src root/DEBIAN &&
	echo x >evil/linux-source-9.9/a &&
	echo pwned >evil/escape &&
	python3 -c "
import tarfile
with tarfile.open(\"root/usr/src/linux-source-9.9.tar.xz\", \"w:xz\") as t:
    t.add(\"evil/linux-source-9.9/a\", \"linux-source-9.9/a\")
    t.add(\"evil/escape\", \"linux-source-9.9/../escape\")
" &&
	printf "Package: linux-source-9.9\nVersion: 9.9.1-1\nArchitecture: all\nMaintainer: T <t@e>\nDescription: d\n" \
		>root/DEBIAN/control &&
	mkdir -p evil-debs &&
	dpkg-deb --root-owner-group --build root \
		evil-debs/linux-source-9.9_9.9.1-1_all.deb >/dev/null &&
	test_expect_code 128 env BACKPORT_CACHE_DIR="$PWD/c7" "$BP" trees -q \
		--matrix matrix.conf --deb-dir evil-debs --release 9.9.1 2>err &&
	grep "path .linux-source-9.9/../escape. has a .... component" err &&
	test_must_fail git -C c7/linux.git rev-parse --verify -q v9.9.1
'

test_expect_success 'a symlink to outside the tree is rejected' '
	rm -rf evil root && mkdir -p evil/linux-source-9.9 root/usr/src root/DEBIAN &&
	echo x >evil/linux-source-9.9/a &&
	ln -s /etc/passwd evil/linux-source-9.9/passwd &&
	tar -C evil -cJf root/usr/src/linux-source-9.9.tar.xz linux-source-9.9 &&
	printf "Package: linux-source-9.9\nVersion: 9.9.1-1\nArchitecture: all\nMaintainer: T <t@e>\nDescription: d\n" \
		>root/DEBIAN/control &&
	dpkg-deb --root-owner-group --build root \
		evil-debs/linux-source-9.9_9.9.1-1_all.deb >/dev/null &&
	test_expect_code 128 env BACKPORT_CACHE_DIR="$PWD/c8" "$BP" trees -q \
		--matrix matrix.conf --deb-dir evil-debs --release 9.9.1 2>err &&
	grep "symlink .linux-source-9.9/passwd. points outside the tree (./etc/passwd.)" err &&
	rm evil/linux-source-9.9/passwd &&
	ln -s ../../etc/passwd evil/linux-source-9.9/up &&
	tar -C evil -cJf root/usr/src/linux-source-9.9.tar.xz linux-source-9.9 &&
	dpkg-deb --root-owner-group --build root \
		evil-debs/linux-source-9.9_9.9.1-1_all.deb >/dev/null &&
	test_expect_code 128 env BACKPORT_CACHE_DIR="$PWD/c8" "$BP" trees -q \
		--matrix matrix.conf --deb-dir evil-debs --release 9.9.1 2>err &&
	grep "symlink .linux-source-9.9/up. points outside" err &&
	test_must_fail git -C c8/linux.git rev-parse --verify -q v9.9.1
'

test_expect_success '--repo: a user repository is only checked' '
	git init -q user &&
	(cd user && test_commit_file f one "one") &&
	git -C user branch linux-9.9.y &&
	git -C user tag v9.9.1 &&
	git -C user for-each-ref >refs.before &&
	test_expect_code 1 "$BP" trees --matrix matrix.conf --repo user \
		>out 2>err &&
	grep "v9.9.1 present" out &&
	grep "v9.9.2 missing" out &&
	git -C user tag v9.9.2 &&
	"$BP" trees --matrix matrix.conf --repo user >out &&
	grep "^linux-9.9.y: up to date" out &&
	git -C user for-each-ref | grep -v v9.9.2 >refs.after &&
	test_cmp refs.before refs.after
'

# The real trees, into the shared cache that later runs (and CI) reuse.
REAL_CACHE="${BACKPORT_TREES_DIR}"
apt-cache madison linux-source-6.12 2>/dev/null | grep -q 6.12.117-1 &&
	test_set_prereq APT

test_expect_success SLOW,APT 'real: provision linux-6.12.y (6.12.111, 6.12.117)' '
	BACKPORT_CACHE_DIR="$REAL_CACHE" "$BP" trees \
		--matrix "$BACKPORT_TOP/matrix/default.conf" \
		--branch linux-6.12.y >real.out 2>real.err &&
	cat real.out &&
	grep "^linux-6.12.y: " real.out &&
	git -C "$REAL_CACHE/linux.git" rev-parse --verify v6.12.117
'

test_expect_success SLOW,APT 'real: v6.12.117 matches the package' '
	deb=$(ls "$REAL_CACHE"/debs/linux-source-6.12_6.12.117-1~deb12u1_*.deb) &&
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-6.12.tar.xz >real.tar.xz &&
	rm -rf real && mkdir real &&
	tar -C real -xJf real.tar.xz &&
	(cd real/linux-source-6.12 && find . ! -type d | wc -l) >count.tar &&
	git -C "$REAL_CACHE/linux.git" ls-tree -r v6.12.117 | wc -l >count.git &&
	test_cmp count.tar count.git &&
	git -C "$REAL_CACHE/linux.git" ls-tree -r --name-only v6.12.117 |
		awk "NR % 1700 == 1" >sample &&
	test_line_count -ge 50 sample &&
	while read f
	do
		git -C "$REAL_CACHE/linux.git" cat-file blob "v6.12.117:$f" >blob &&
		if test -L "real/linux-source-6.12/$f"
		then
			printf "%s" "$(readlink "real/linux-source-6.12/$f")" >want
		else
			cp "real/linux-source-6.12/$f" want
		fi &&
		cmp blob want || return 1
	done <sample &&
	git -C "$REAL_CACHE/linux.git" fsck --no-dangling
'

test_done
