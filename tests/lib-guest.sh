# Guests for the test and run tests.
#
# KERNEL: Debian's kernel (it boots under TCG in seconds), cached where
# every run (and CI) finds it again; the QEMU prerequisite is set when it
# and QEMU are there.
#
# write_fake_qemu DIR: DIR/qemu-system-x86_64, a QEMU that plays the
# guest of a kernel file holding one word (lib-toykernel.sh), and runs
# the real QEMU for a real kernel:
#	BOOT_PANIC	panics at boot
#	BOOT_HANG	starts the first test and hangs (and prints
#			nothing on a later boot)
#	BOOT_STOPS	runs the first test, then powers off (and prints
#			nothing on a later boot)

KCACHE="$BACKPORT_TREES_DIR/test-kernel"
debian_kernel() {
	ls "$KCACHE"/vmlinuz-* 2>/dev/null | head -n 1
}
if command -v qemu-system-x86_64 >/dev/null &&
   test -x /bin/busybox &&
   file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'
then
	if test -z "$(debian_kernel)" && command -v apt-get >/dev/null; then
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		      sed -n "s/^ *Depends: \(linux-image-[0-9].*\)/\1/p" |
		      head -n 1)
		tmp=$(mktemp -d) &&
		(cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) &&
		dpkg-deb -x "$tmp"/*.deb "$tmp/x" &&
		mkdir -p "$KCACHE" &&
		cp "$tmp"/x/boot/vmlinuz-* "$KCACHE"/
		rm -rf "$tmp"
	fi
	KERNEL=$(debian_kernel)
	test -n "$KERNEL" && test_set_prereq QEMU
fi


write_fake_qemu() {
	mkdir -p "$1" &&
	real=$(command -v qemu-system-x86_64) &&
	cat >"$1/qemu-system-x86_64" <<-EOF &&
	#!/bin/sh
	k= app= prev=
	for a in "\$@"; do
		case \$prev in
		-kernel) k=\$a ;;
		-append) app=\$a ;;
		esac
		prev=\$a
	done
	case \$(head -c 16 "\$k" 2>/dev/null) in
	BOOT_PANIC*)
		echo "Linux version 9.9.1 (toy)"
		echo "Kernel panic - not syncing: broken backport"
		echo "---[ end Kernel panic - not syncing: broken backport ]---"
		exit 0 ;;
	BOOT_HANG*)
		case \$app in *backport.first=*) exit 0 ;; esac
		printf "KTAP version 1\n1..2\n# running demand_paging_test\n"
		exec sleep 600 ;;
	BOOT_STOPS*)
		case \$app in *backport.first=*) exit 0 ;; esac
		printf "KTAP version 1\n1..2\n# running demand_paging_test\n"
		printf "ok 1 demand_paging_test\n"
		exit 0 ;;
	esac
	exec "$real" "\$@"
	EOF
	chmod +x "$1/qemu-system-x86_64"
}
