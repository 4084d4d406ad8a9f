// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/kbuild's pure parts: the first error and the
 * warnings of real gcc and ld output (captured from gcc 12 with
 * LC_ALL=C, as backport build runs it), the compiled files, the warning
 * diff, optional options and the fragment check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/kbuild.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#define SRC "/root/.cache/backport/worktrees/linux-6.12.y/src"

/* make bzImage on a tree whose mmu.c has a syntax error. */
static const char compile_log[] =
	"  CC      arch/x86/kvm/x86.o\n"
	"  CC      arch/x86/kvm/mmu/mmu.o\n" SRC
	"/arch/x86/kvm/mmu/mmu.c: In function 'kvm_mmu_zap_all_fast':\n" SRC
	"/arch/x86/kvm/mmu/mmu.c:4:13: warning: suggest parentheses "
	"around assignment used as truth value [-Wparentheses]\n"
	"    4 |         if (a = 1)\n"
	"      |             ^\n" SRC
	"/arch/x86/kvm/mmu/mmu.c:6:16: warning: implicit declaration of "
	"function 'g' [-Wimplicit-function-declaration]\n"
	"    6 |         return g(a) +;\n"
	"      |                ^\n" SRC
	"/arch/x86/kvm/mmu/mmu.c:6:22: error: expected expression before "
	"';' token\n"
	"    6 |         return g(a) +;\n"
	"      |                      ^\n" SRC
	"/arch/x86/kvm/mmu/mmu.c:3:13: warning: unused variable 'unused' "
	"[-Wunused-variable]\n"
	"    3 |         int unused;\n"
	"make[5]: *** [" SRC "/scripts/Makefile.build:229: "
	"arch/x86/kvm/mmu/mmu.o] Error 1\n"
	"make[4]: *** [" SRC "/scripts/Makefile.build:478: arch/x86/kvm/mmu] "
	"Error 2\n"
	"make: *** [Makefile:224: __sub-make] Error 2\n";

static const char fatal_log[] =
	"  CC      arch/x86/kvm/x86.o\n"
	"In file included from " SRC "/arch/x86/kvm/x86.c:22:\n" SRC
	"/arch/x86/kvm/x86.h:1:10: fatal error: missing.h: No such file "
	"or directory\n"
	"    1 | #include \"missing.h\"\n"
	"      |          ^~~~~~~~~~~\n"
	"compilation terminated.\n"
	"make[4]: *** [scripts/Makefile.build:229: arch/x86/kvm/x86.o] Error 1\n";

static const char link_log[] =
	"  LD      vmlinux.o\n"
	"/usr/bin/ld: /tmp/ccKuYUTl.o: in function `main':\n" SRC
	"/arch/x86/kvm/z.c:2: undefined reference to `undefined_fn'\n"
	"collect2: error: ld returned 1 exit status\n";

static const char make_only_log[] =
	"  SYNC    include/config/auto.conf\n"
	"make[2]: *** No rule to make target 'arch/x86/kvm/new.o', needed by "
	"'arch/x86/kvm/built-in.a'.  Stop.\n"
	"make: *** [Makefile:224: __sub-make] Error 2\n";

static void test_first_error_compile(void **state)
{
	struct kbuild_msg m;

	(void)state;
	assert_true(kbuild_first_error(&m, compile_log, SRC));
	assert_string_equal(m.file, "arch/x86/kvm/mmu/mmu.c");
	assert_int_equal(m.line, 6);
	assert_string_equal(m.message, "expected expression before ';' token");
	assert_true(strstr(m.text, ":6:22: error: ") != NULL);
	kbuild_msg_release(&m);
}

static void test_first_error_fatal(void **state)
{
	struct kbuild_msg m;

	(void)state;
	assert_true(kbuild_first_error(&m, fatal_log, SRC));
	assert_string_equal(m.file, "arch/x86/kvm/x86.h");
	assert_int_equal(m.line, 1);
	assert_string_equal(m.message, "missing.h: No such file or directory");
	kbuild_msg_release(&m);
}

static void test_first_error_link(void **state)
{
	struct kbuild_msg m;

	(void)state;
	assert_true(kbuild_first_error(&m, link_log, SRC));
	assert_string_equal(m.file, "arch/x86/kvm/z.c");
	assert_int_equal(m.line, 2);
	assert_string_equal(m.message, "undefined reference to `undefined_fn'");
	kbuild_msg_release(&m);
}

static void test_first_error_make(void **state)
{
	struct kbuild_msg m;

	(void)state;
	assert_true(kbuild_first_error(&m, make_only_log, SRC));
	assert_null(m.file);
	assert_true(strstr(m.message, "No rule to make target") != NULL);
	kbuild_msg_release(&m);
	assert_false(
		kbuild_first_error(&m, "  CC      a.o\n  LD  vmlinux\n", SRC));
	kbuild_msg_release(&m);
}

static void test_warnings(void **state)
{
	struct kbuild_msgs w = KBUILD_MSGS_INIT;

	(void)state;
	kbuild_parse_warnings(&w, compile_log, SRC);
	assert_int_equal(w.nr, 3);
	assert_string_equal(w.v[0].file, "arch/x86/kvm/mmu/mmu.c");
	assert_int_equal(w.v[0].line, 4);
	assert_string_equal(w.v[0].message,
			    "suggest parentheses around assignment used as "
			    "truth value [-Wparentheses]");
	assert_string_equal(w.v[2].message,
			    "unused variable 'unused' [-Wunused-variable]");
	/* The same warning twice (a header) is kept once. */
	kbuild_parse_warnings(&w, compile_log, SRC);
	assert_int_equal(w.nr, 3);
	kbuild_msgs_release(&w);
}

static void test_compiled(void **state)
{
	struct strvec sv = STRVEC_INIT;

	(void)state;
	kbuild_parse_compiled(&sv, compile_log);
	assert_int_equal(sv.nr, 2);
	assert_string_equal(sv.v[0], "arch/x86/kvm/x86.c");
	assert_string_equal(sv.v[1], "arch/x86/kvm/mmu/mmu.c");
	strvec_clear(&sv);
}

static void test_new_warnings(void **state)
{
	struct kbuild_msgs base = KBUILD_MSGS_INIT, series = KBUILD_MSGS_INIT;
	struct kbuild_msgs out = KBUILD_MSGS_INIT;
	struct strvec touched = STRVEC_INIT;

	(void)state;
	/* The baseline had the parentheses warning at another line. */
	kbuild_msgs_add(&base, "arch/x86/kvm/mmu/mmu.c", 40,
			"suggest parentheses around assignment used as "
			"truth value [-Wparentheses]",
			NULL);
	kbuild_msgs_add(&base, "arch/x86/kvm/x86.c", 7, "old one", NULL);
	kbuild_parse_warnings(&series, compile_log, SRC);
	kbuild_msgs_add(&series, "arch/x86/kvm/x86.c", 9, "untouched file",
			NULL);
	strvec_push(&touched, "arch/x86/kvm/mmu/mmu.c");
	kbuild_new_warnings(&out, &series, &base, &touched);
	assert_int_equal(out.nr, 2);
	assert_true(strstr(out.v[0].message, "implicit declaration") != NULL);
	assert_int_equal(out.v[0].line, 6);
	assert_true(strstr(out.v[1].message, "unused variable") != NULL);
	kbuild_msgs_release(&base);
	kbuild_msgs_release(&series);
	kbuild_msgs_release(&out);
	strvec_clear(&touched);
}

static void add_optional(struct kbuild_config *c, const char *opt,
			 const char *op, unsigned version)
{
	ALLOC_GROW(c->optional, c->optional_nr + 1, c->optional_alloc);
	c->optional[c->optional_nr].option = xstrdup(opt);
	strcpy(c->optional[c->optional_nr].op, op);
	c->optional[c->optional_nr++].version = version;
}

static void test_optional(void **state)
{
	struct kbuild_config c = KBUILD_CONFIG_INIT;

	(void)state;
	add_optional(&c, "X86_IOPL_IOPERM", "", 0);
	add_optional(&c, "PROC_SYSCTL", ">=", 7003);
	assert_true(kbuild_option_is_optional(&c, "X86_IOPL_IOPERM", 6001));
	assert_true(kbuild_option_is_optional(&c, "PROC_SYSCTL", 7003));
	assert_true(kbuild_option_is_optional(&c, "PROC_SYSCTL", 8000));
	assert_false(kbuild_option_is_optional(&c, "PROC_SYSCTL", 6012));
	assert_false(kbuild_option_is_optional(&c, "KVM", 6012));
	kbuild_config_release(&c);
}

static void test_check_config(void **state)
{
	struct kbuild_config c = KBUILD_CONFIG_INIT;
	struct strvec missing = STRVEC_INIT;
	const char *dotconfig = "CONFIG_64BIT=y\n"
				"CONFIG_KVM=y\n"
				"CONFIG_KVM_AMD=m\n"
				"CONFIG_SYSCTL=y\n"
				"CONFIG_DEBUG_FS=y\n";

	(void)state;
	strbuf_addstr(&c.fragment_text, "# comment\n"
					"CONFIG_64BIT=y\n"
					"CONFIG_KVM=y\n"
					"CONFIG_KVM_AMD=y\n"
					"CONFIG_PROC_SYSCTL=y\n"
					"CONFIG_NO_SUCH=y\n"
					"# CONFIG_DEBUG_FS is not set\n"
					"# CONFIG_EXPERT is not set\n");
	add_optional(&c, "PROC_SYSCTL", ">=", 7003);
	kbuild_check_config(&missing, dotconfig, &c, 7003);
	assert_int_equal(missing.nr, 3);
	assert_string_equal(missing.v[0], "CONFIG_KVM_AMD");
	assert_string_equal(missing.v[1], "CONFIG_NO_SUCH");
	assert_string_equal(missing.v[2], "CONFIG_DEBUG_FS");
	strvec_clear(&missing);
	kbuild_check_config(&missing, dotconfig, &c, 6012);
	assert_int_equal(missing.nr, 4);
	assert_string_equal(missing.v[1], "CONFIG_PROC_SYSCTL");
	strvec_clear(&missing);
	kbuild_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_error_compile),
		cmocka_unit_test(test_first_error_fatal),
		cmocka_unit_test(test_first_error_link),
		cmocka_unit_test(test_first_error_make),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_compiled),
		cmocka_unit_test(test_new_warnings),
		cmocka_unit_test(test_optional),
		cmocka_unit_test(test_check_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
