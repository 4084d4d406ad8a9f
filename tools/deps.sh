#!/bin/sh
# Install every Debian package backport needs on a Debian 12 (bookworm)
# machine: adds bookworm-backports (libgit2 >= 1.8, QEMU 10) and trixie /
# trixie-backports pinned low so only the linux-source-7.* packages come
# from there. Idempotent; run as root. Set BACKPORT_DEPS=minimal to skip
# the kernel build and QEMU toolchain.
set -eu

stamp=/var/lib/backport-deps.stamp
want="$(cat "$0")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(printf '%s' "$want" | sha1sum)" ] &&
   [ "${BACKPORT_DEPS_FORCE:-}" = "" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "error: 'make deps' must run as root (apt-get install)" >&2
	exit 1
fi

src=/etc/apt/sources.list.d/backport.sources
cat > "$src.tmp" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
mv "$src.tmp" "$src"

pref=/etc/apt/preferences.d/backport
cat > "$pref.tmp" <<'PREF'
# backport: nothing from trixie unless asked for by name ...
Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: *
Pin: release n=trixie-backports
Pin-Priority: 50

# ... except the kernel source packages of the 7.x stable trees.
Package: linux-source-7.*
Pin: release n=trixie-backports
Pin-Priority: 500
PREF
mv "$pref.tmp" "$pref"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q

bpo=bookworm-backports
apt-get install -y -q --no-install-recommends \
	build-essential pkg-config git git-email libmailtools-perl \
	ca-certificates xz-utils \
	libgit2-dev/$bpo libgit2-1.8/$bpo \
	libgmime-3.0-dev libglib2.0-dev libjansson-dev libarchive-dev \
	liblzma-dev \
	libcmocka-dev sharness b4 valgrind jq python3 \
	clang libclang-rt-14-dev \
	mandoc man-db bash-completion \
	debhelper dpkg-dev fakeroot lintian

if [ "${BACKPORT_DEPS:-full}" != minimal ]; then
	apt-get install -y -q --no-install-recommends \
		bc bison flex libelf-dev libssl-dev cpio kmod rsync ccache \
		busybox-static chromium distcc openssh-server openssh-client
	apt-get install -y -q --no-install-recommends -t $bpo \
		qemu-system-x86
fi

printf '%s' "$want" | sha1sum > "$stamp"
