// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pure modules behind the evidence of a verdict:
 * scope (which definition a line sits in, as hunk headers name it),
 * presence (a hunk's change found by content in its function) and
 * changelog (the stable titles of a Debian changelog).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/changelog.h"
#include "lib/patch.h"
#include "lib/presence.h"
#include "lib/scope.h"
#include "util/error.h"
#include "util/lines.h"

static const char file_c[] =
	"#include <linux/slab.h>\n"			/* 1 */
	"\n"						/* 2 */
	"static int helper(int x)\n"			/* 3 */
	"{\n"						/* 4 */
	"\treturn x + 1;\n"				/* 5 */
	"}\n"						/* 6 */
	"\n"						/* 7 */
	"int foo_probe(struct device *dev, int flags)\n" /* 8 */
	"{\n"						/* 9 */
	"\tint ret;\n"					/* 10 */
	"\n"						/* 11 */
	"\tret = helper(flags);\n"			/* 12 */
	"\tif (ret < 0)\n"				/* 13 */
	"\t\tgoto out;\n"				/* 14 */
	"\tmutex_lock(&dev->lock);\n"			/* 15 */
	"\tdev->count = ret;\n"				/* 16 */
	"\tmutex_unlock(&dev->lock);\n"			/* 17 */
	"out:\n"					/* 18 */
	"\treturn ret;\n"				/* 19 */
	"}\n"						/* 20 */
	"\n"						/* 21 */
	"static void foo_remove(struct device *dev)\n"	/* 22 */
	"{\n"						/* 23 */
	"\tdev->count = 0;\n"				/* 24 */
	"}\n";						/* 25 */

static void split(struct lines *f, const char *text)
{
	*f = (struct lines)LINES_INIT;
	lines_split(f, text, strlen(text));
}

static void test_scope_heads(void **state)
{
	(void)state;
	assert_true(scope_is_head("int foo(void)", 13));
	assert_true(scope_is_head("static const struct x tbl[] = {", 31));
	assert_false(scope_is_head("out:", 4));
	assert_false(scope_is_head("\tint x;", 7));
	assert_false(scope_is_head("#define X 1", 11));
	assert_false(scope_is_head("}", 1));
}

static void test_scope_names(void **state)
{
	const char *name;
	size_t n;

	(void)state;
	assert_true(scope_name("static int foo_probe(struct device *dev)", 40,
			       &name, &n));
	assert_int_equal(n, 9);
	assert_memory_equal(name, "foo_probe", 9);
	assert_true(scope_name("SYSCALL_DEFINE3(open, const char *, f)", 38,
			       &name, &n));
	assert_memory_equal(name, "SYSCALL_DEFINE3(open", n);
	/* A header cut at 40 characters (GNU diff -p) still fits. */
	assert_true(scope_is_named("static inline bool ivpu_bo_is_snooped(st",
				   "static inline bool ivpu_bo_is_snooped(struct "
				   "ivpu_bo *bo)",
				   56));
	/* A changed signature keeps its function. */
	assert_true(scope_is_named("int foo_probe(struct device *dev)",
				   "static long foo_probe(struct device *d, int f)",
				   46));
	assert_false(scope_is_named("int foo_probe(struct device *dev)",
				    "int foo_remove(struct device *dev)", 34));
}

static void test_scope_where(void **state)
{
	struct lines f;
	long git, gnu;

	(void)state;
	split(&f, file_c);
	assert_int_equal(scope_find(&f, "int foo_probe(struct device *dev, int "
					"flags)",
				    0),
			 7);
	assert_int_equal(scope_end(&f, 7), 19);
	assert_int_equal(scope_end(&f, 2), 5);
	/* Line 19 (0-based 18): git skips the label, GNU diff does not. */
	scope_before(&f, 18, &git, &gnu);
	assert_int_equal(git, 7);
	assert_int_equal(gnu, 17);
	assert_true(scope_same(&f, 18, "int foo_probe(struct device *dev, int "));
	assert_true(scope_same(&f, 18, "out:"));
	assert_false(scope_same(&f, 23, "int foo_probe(struct device *dev)"));
	assert_true(scope_same(&f, 0, ""));
	assert_false(scope_same(&f, 10, ""));
	lines_release(&f);
}

static void parse(struct patch *p, const char *diff)
{
	patch_init(p);
	if (patch_parse(p, diff, strlen(diff), 1, "test") < 0)
		fail_msg("%s", error_last());
}

static enum presence_state judge(const char *diff, const char *text,
				 struct presence *r)
{
	struct patch p;
	struct lines f;
	enum presence_state st;

	parse(&p, diff);
	split(&f, text);
	presence_check(r, &p.files[0].hunks[0], &p, &f, 0);
	st = r->state;
	lines_release(&f);
	patch_release(&p);
	return st;
}

/* The fix: set dev->count under the lock only after checking it. */
static const char fix[] =
	"--- a/foo.c\n"
	"+++ b/foo.c\n"
	"@@ -13,5 +13,7 @@ int foo_probe(struct device *dev, int flags)\n"
	" \tif (ret < 0)\n"
	" \t\tgoto out;\n"
	" \tmutex_lock(&dev->lock);\n"
	"-\tdev->count = ret;\n"
	"+\tif (dev->count < ret)\n"
	"+\t\tdev->count = ret;\n"
	" \tmutex_unlock(&dev->lock);\n";

static void test_presence_missing(void **state)
{
	struct presence r;

	(void)state;
	/*
	 * "dev->count = ret;" is removed and added back re-indented: no
	 * evidence. The function stands with its context and without the
	 * added check: positively missing.
	 */
	assert_int_equal(judge(fix, file_c, &r), PRESENCE_MISSING);
	assert_int_equal(r.still, 0);
	assert_int_equal(r.added, 1);
	assert_int_equal(r.added_found, 0);
	assert_int_equal(r.from, 8);
	assert_int_equal(r.to, 20);
	presence_release(&r);
	/* A fix that removes a line: that line still stands. */
	assert_int_equal(judge("--- a/foo.c\n+++ b/foo.c\n"
			       "@@ -15,3 +15,3 @@ int foo_probe(struct device "
			       "*dev, int flags)\n"
			       " \tmutex_lock(&dev->lock);\n"
			       "-\tdev->count = ret;\n"
			       "+\tdev->count = max(dev->count, ret);\n"
			       " \tmutex_unlock(&dev->lock);\n",
			       file_c, &r),
			 PRESENCE_MISSING);
	assert_int_equal(r.still, 16);
	presence_release(&r);
}

static void test_presence_moved_context(void **state)
{
	/* The fix is in, and a later patch rewrote the lines around it. */
	static const char later[] =
		"int foo_probe(struct device *dev, int flags)\n"
		"{\n"
		"\tint ret = helper(flags);\n"
		"\n"
		"\tif (ret < 0)\n"
		"\t\treturn ret;\n"
		"\tguard(mutex)(&dev->lock);\n"
		"\tif (dev->count < ret)\n"
		"\t\tdev->count = ret;\n"
		"\treturn ret;\n"
		"}\n"
		"\n"
		"static void foo_remove(struct device *dev)\n"
		"{\n"
		"\tdev->count = ret;\n"
		"}\n";
	struct presence r;

	(void)state;
	/* dev->count = ret; in foo_remove() is another function. */
	assert_int_equal(judge(fix, later, &r), PRESENCE_PRESENT);
	assert_int_equal(r.at, 8);
	presence_release(&r);
}

static void test_presence_other_function(void **state)
{
	/* The added lines stand, but in another function: not present. */
	static const char elsewhere[] =
		"int foo_probe(struct device *dev, int flags)\n"
		"{\n"
		"\treturn helper(flags);\n"
		"}\n"
		"\n"
		"static void foo_remove(struct device *dev)\n"
		"{\n"
		"\tif (dev->count < ret)\n"
		"\t\tdev->count = ret;\n"
		"}\n";
	struct presence r;

	(void)state;
	assert_int_not_equal(judge(fix, elsewhere, &r), PRESENCE_PRESENT);
	presence_release(&r);
}

static void test_presence_unknown(void **state)
{
	static const char other[] = "int bar(void)\n{\n\treturn 0;\n}\n";
	struct presence r;

	(void)state;
	assert_int_equal(judge(fix, other, &r), PRESENCE_UNKNOWN);
	presence_release(&r);
}

static void test_presence_reworked(void **state)
{
	/* The old line is gone, the new ones are not there: rewritten. */
	static const char rewritten[] =
		"int foo_probe(struct device *dev, int flags)\n"
		"{\n"
		"\tint ret = helper(flags);\n"
		"\n"
		"\tif (ret < 0)\n"
		"\t\treturn ret;\n"
		"\tatomic_max(&dev->count_atomic, ret);\n"
		"\treturn ret;\n"
		"}\n";
	struct presence r;

	(void)state;
	assert_int_equal(judge(fix, rewritten, &r), PRESENCE_REWORKED);
	presence_release(&r);
}

static void test_presence_moved_lines(void **state)
{
	/*
	 * A patch that moves a line between two hunks: the line it removes
	 * in one hunk and adds in the other is not evidence either way.
	 */
	static const char move[] =
		"--- a/foo.c\n"
		"+++ b/foo.c\n"
		"@@ -12,4 +12,3 @@ int foo_probe(struct device *dev, int flags)\n"
		" \tret = helper(flags);\n"
		"-\tdev->count = ret;\n"
		" \tif (ret < 0)\n"
		" \t\tgoto out;\n"
		"@@ -22,3 +21,4 @@ out:\n"
		" static void foo_remove(struct device *dev)\n"
		" {\n"
		"+\tdev->count = ret;\n"
		" \tdev->count = 0;\n";
	static const char text[] =
		"int foo_probe(struct device *dev, int flags)\n"
		"{\n"
		"\tint ret;\n"
		"\tret = helper(flags);\n"
		"\tdev->count = ret;\n"
		"\tif (ret < 0)\n"
		"\t\tgoto out;\n"
		"out:\n"
		"\treturn ret;\n"
		"}\n";
	struct patch p;
	struct lines f;
	struct presence r;

	(void)state;
	parse(&p, move);
	split(&f, text);
	presence_check(&r, &p.files[0].hunks[0], &p, &f, 0);
	/* Without the other hunk it would be "missing": a line still there. */
	assert_int_not_equal(r.state, PRESENCE_MISSING);
	presence_release(&r);
	presence_check(&r, &p.files[0].hunks[0], NULL, &f, 0);
	assert_int_equal(r.state, PRESENCE_MISSING);
	presence_release(&r);
	lines_release(&f);
	patch_release(&p);
}

static const char changelog_text[] =
	"linux (6.12.111-1) trixie-security; urgency=high\n"
	"\n"
	"  * New upstream stable update:\n"
	"    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.110\n"
	"    - foo: fix a leak in foo_probe()\n"
	"    - [armhf] 9484/1: enable interrupts when unhandled user faults are\n"
	"      triggered\n"
	"    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.111\n"
	"    - bar: check the length (CVE-2026-12345)\n"
	"    - Revert \"foo: fix a leak in foo_probe()\"\n"
	"  * [x86] Enable FOO (Debian's own change)\n"
	"    - not a stable title\n"
	"\n"
	" -- Ben Hutchings <benh@debian.org>  Wed, 30 Sep 2026 19:26:53 +0200\n"
	"\n"
	"linux (6.12.107-1) trixie-security; urgency=high\n"
	"\n"
	"  * New upstream stable update:\n"
	"    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.107\n"
	"    - baz: older fix\n"
	"\n"
	" -- Ben Hutchings <benh@debian.org>  Wed, 02 Sep 2026 19:26:53 +0200\n";

static void test_changelog(void **state)
{
	struct changelog cl = CHANGELOG_INIT, back = CHANGELOG_INIT;
	char *note;

	(void)state;
	changelog_parse(&cl, changelog_text, strlen(changelog_text));
	assert_int_equal(cl.nr, 5);
	/* Oldest upload first, each entry's releases in order. */
	assert_string_equal(cl.v[0].release, "6.12.107");
	assert_string_equal(cl.v[0].title, "baz: older fix");
	assert_string_equal(cl.v[2].title,
			    "[armhf] 9484/1: enable interrupts when unhandled "
			    "user faults are triggered");
	assert_string_equal(cl.v[3].release, "6.12.111");
	assert_string_equal(cl.v[3].title, "bar: check the length");
	assert_string_equal(cl.v[4].title,
			    "Revert \"foo: fix a leak in foo_probe()\"");
	note = changelog_format(&cl);
	changelog_parse_note(&back, note);
	assert_int_equal(back.nr, cl.nr);
	assert_string_equal(back.v[2].title, cl.v[2].title);
	free(note);
	changelog_release(&back);
	changelog_release(&cl);
}

static void test_changelog_titles(void **state)
{
	(void)state;
	assert_true(changelog_title_matches("foo: fix", "foo: fix"));
	/* Debian writes the arch tag for the "ARM:" prefix. */
	assert_true(changelog_title_matches("[armhf] 9484/1: enable x",
					    "ARM: 9484/1: enable x"));
	assert_true(changelog_title_matches("[arm64] fixmap: x",
					    "arm64: fixmap: x"));
	/* An arm64 patch of the same subject is not the arm one. */
	assert_false(changelog_title_matches("[arm64] Handle KCOV x",
					     "arm: Handle KCOV x"));
	assert_true(changelog_title_matches("[amd64] KVM: x86: y",
					    "KVM: x86: y"));
	assert_false(changelog_title_matches("foo: fix", "foo: fix more"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_heads),
		cmocka_unit_test(test_scope_names),
		cmocka_unit_test(test_scope_where),
		cmocka_unit_test(test_presence_missing),
		cmocka_unit_test(test_presence_moved_context),
		cmocka_unit_test(test_presence_other_function),
		cmocka_unit_test(test_presence_unknown),
		cmocka_unit_test(test_presence_reworked),
		cmocka_unit_test(test_presence_moved_lines),
		cmocka_unit_test(test_changelog),
		cmocka_unit_test(test_changelog_titles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
