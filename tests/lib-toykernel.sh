# A toy kernel for the build and run tests: a tiny tree whose Makefile
# mimics the kernel targets that backport build calls (tinyconfig,
# olddefconfig, bzImage, headers, kselftest-all) and
# scripts/kconfig/merge_config.sh, compiling real C with gcc.
#
# Its "bzImage" is vmlinux, or $TOY_BZIMAGE (a real kernel to boot) when
# set, or, when a source names BOOT_<WORD>, a file holding that word (a
# kernel the fake QEMU of lib-guest.sh plays). $TOY_SLOW makes each
# compile take 31.7 s, $TOY_KILL kills it with SIGKILL.

# The toy kernel: kernel/*.c make the "bzImage"; the selftests under
# tools/testing/selftests/kvm, one of which never builds. Kconfig.symbols
# lists the options that exist: olddefconfig drops the others.
write_toy_kernel() {
	mkdir -p kernel scripts/kconfig tools/testing/selftests/kvm/x86_64 &&
	cat >Makefile <<-\EOF &&
	.RECIPEPREFIX := >
	O ?= .
	srctree := $(CURDIR)
	CC ?= gcc
	SRCS := $(wildcard $(srctree)/kernel/*.c)
	OBJS := $(patsubst $(srctree)/%.c,$(O)/%.o,$(SRCS))
	TESTS := $(patsubst $(srctree)/tools/testing/selftests/kvm/%.c,$(O)/kselftest/kvm/%,$(wildcard $(srctree)/tools/testing/selftests/kvm/*.c $(srctree)/tools/testing/selftests/kvm/x86_64/*.c))
	SYMS := $(shell cat $(srctree)/Kconfig.symbols)

	.PHONY: tinyconfig slowconfig olddefconfig bzImage headers kselftest-all
	tinyconfig:
	> @mkdir -p $(O)
	> @printf 'CONFIG_64BIT=y\n# CONFIG_KVM is not set\n' >$(O)/.config
	slowconfig:
	> @sleep 31.4
	olddefconfig:
	> @grep -E '^(# )?CONFIG_($(shell echo $(SYMS) | tr " " "|"))[= ]' $(O)/.config >$(O)/.config.new; \
	>  mv $(O)/.config.new $(O)/.config
	$(O)/%.o: $(srctree)/%.c
	> @mkdir -p $(dir $@)
	> @echo "  CC      $*.o"
	> @if [ -n "$$TOY_CONC_LOG" ]; then echo + >>$$TOY_CONC_LOG; sleep 0.3; echo - >>$$TOY_CONC_LOG; fi
	> @if [ -n "$$TOY_SLOW" ]; then sleep 31.7; fi
	> @if [ -n "$$TOY_KILL" ]; then kill -9 $$$$; fi
	> @$(CC) -Wall -c -o $@ $<
	bzImage: $(OBJS)
	> @mkdir -p $(O)/arch/x86/boot
	> @echo "  LD      vmlinux"
	> @$(CC) -o $(O)/vmlinux $(OBJS)
	> @m=$$(grep -ho "BOOT_[A-Z]*" $(SRCS) | head -n 1); \
	>  if [ -n "$$m" ]; then echo "$$m" >$(O)/arch/x86/boot/bzImage; \
	>  elif [ -n "$$TOY_BZIMAGE" ]; then cp "$$TOY_BZIMAGE" $(O)/arch/x86/boot/bzImage; \
	>  else cp $(O)/vmlinux $(O)/arch/x86/boot/bzImage; fi
	headers:
	> @mkdir -p $(O)/usr/include/linux
	> @echo "  HDRINST usr/include/linux/kvm.h"
	> @echo '#define KVM_API 12' >$(O)/usr/include/linux/kvm.h
	$(O)/kselftest/kvm/%: $(srctree)/tools/testing/selftests/kvm/%.c
	> @mkdir -p $(dir $@)
	> @echo "  CC      $@"
	> @$(CC) $(EXTRA_CFLAGS) -I$(O)/usr/include -o $@ $<
	kselftest-all: $(TESTS)
	EOF
	cat >scripts/kconfig/merge_config.sh <<-\EOF &&
	#!/bin/sh
	# merge_config.sh -m -O <dir> <base> <fragment>...: later wins.
	while [ $# -gt 0 ]; do
		case $1 in
		-m) shift ;;
		-O) out=$2; shift 2 ;;
		*) break ;;
		esac
	done
	base=$1; shift
	cp "$base" "$out/.merged"
	for f in "$@"; do
		grep -E "^(# )?CONFIG_" "$f" | while read -r line; do
			name=$(echo "$line" | sed -E "s/^(# )?(CONFIG_[A-Za-z0-9_]*).*/\2/")
			grep -v -E "^(# )?$name[= ]" "$out/.merged" >"$out/.merged.new"
			echo "$line" >>"$out/.merged.new"
			mv "$out/.merged.new" "$out/.merged"
		done
	done
	mv "$out/.merged" "$out/.config"
	EOF
	chmod +x scripts/kconfig/merge_config.sh &&
	printf '%s\n' 64BIT KVM KVM_AMD DEBUG_FS >Kconfig.symbols &&
	cat >kernel/main.c <<-\EOF &&
	int helper(int x);

	int main(void)
	{
		return helper(0);
	}
	EOF
	cat >kernel/helper.c <<-\EOF &&
	int helper(int x)
	{
		return x * 2;
	}
	EOF
	cat >kernel/other.c <<-\EOF &&
	int other(void)
	{
		return 3;
	}
	EOF
	cat >tools/testing/selftests/kvm/demand_paging_test.c <<-\EOF &&
	#include <linux/kvm.h>
	int main(void) { return KVM_API - 12; }
	EOF
	cat >tools/testing/selftests/kvm/x86_64/svm_vmcall_test.c <<-\EOF &&
	int main(void) { return 0; }
	EOF
	cat >tools/testing/selftests/kvm/dirty_log_test.c <<-\EOF
	int main(void) { TEST_ASSERT_EQ(1, 1); return 0; }
	EOF
}

# The matrix of the toy kernel on stdout: the target linux-9.9.y (release
# 9.9.1) built with config "toy", tinyconfig and toy.fragment (written
# here: CONFIG_64BIT, CONFIG_KVM). A test appends its own sections.
write_toy_matrix() {
	printf "%s\n" CONFIG_64BIT=y CONFIG_KVM=y >toy.fragment &&
	cat <<-\EOF
	[matrix]
		repo = up
		config = toy
	[release "9.9.1"]
		package = linux-source-9.9
		version = 9.9.1-1
	[branch "linux-9.9.y"]
		release = 9.9.1
	[config "toy"]
		base = tinyconfig
		fragment = toy.fragment
	EOF
}

# The selftests section of a toy matrix that runs tests: two tests, short
# limits, no retries.
write_toy_selftests() {
	cat <<-\EOF
	[selftests "toy"]
		timeout = 10
		retries = 0
		grace = 3
		boot-timeout = 60
		memory = 1024
		test = demand_paging_test
		test = x86_64/svm_vmcall_test
	EOF
}
