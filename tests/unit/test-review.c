// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the interdiff (tools/lib/review.c): a patch against
 * itself, against a copy at another line, with a changed line, and with
 * a hunk left out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <git2.h>

#include "lib/patch.h"
#include "lib/review.h"
#include "util/error.h"

#define HUNK1(at, line)                                                    \
	"@@ -" at ",7 +" at ",7 @@\n int fn_10(void)\n {\n-\treturn 10;\n" \
	"+\treturn " line ";\n }\n \n int fn_11(void)\n"
#define HUNK2                                                        \
	"@@ -100,7 +100,7 @@\n int fn_30(void)\n {\n-\treturn 30;\n" \
	"+\treturn 3000;\n }\n \n int fn_31(void)\n"
#define HEAD "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n"

static void parse(struct patch *p, const char *text)
{
	if (patch_parse(p, text, strlen(text), 1, "test") < 0)
		fail_msg("%s", error_last());
}

static void compare(struct review *r, const char *a, const char *b)
{
	struct patch pa = PATCH_INIT, pb = PATCH_INIT;

	parse(&pa, a);
	parse(&pb, b);
	assert_int_equal(review_compare(r, &pa, &pb, NULL), 0);
	patch_release(&pa);
	patch_release(&pb);
}

static void test_same(void **state)
{
	struct review r = REVIEW_INIT;
	const char *p = HEAD HUNK1("46", "1000") HUNK2;

	(void)state;
	compare(&r, p, p);
	assert_true(review_is_empty(&r));
	assert_int_equal(r.counts[REVIEW_HUNK_SAME], 2);
	review_release(&r);
}

static void test_moved_adapted_dropped(void **state)
{
	struct review r = REVIEW_INIT;
	const struct review_hunk *h;

	(void)state;
	compare(&r, HEAD HUNK1("46", "1000") HUNK2, HEAD HUNK1("49", "999"));
	assert_false(review_is_empty(&r));
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.files[0].nr, 2);
	h = &r.files[0].hunks[0];
	assert_int_equal(h->kind, REVIEW_HUNK_ADAPTED);
	assert_int_equal(h->offset, 3);
	assert_int_equal(h->differ, 2);
	assert_false(h->context_only);
	assert_non_null(strstr(h->interdiff.buf, "-+\treturn 1000;\n"));
	assert_non_null(strstr(h->interdiff.buf, "++\treturn 999;\n"));
	assert_int_equal(r.files[0].hunks[1].kind, REVIEW_HUNK_DROPPED);
	review_release(&r);

	compare(&r, HEAD HUNK1("46", "1000"), HEAD HUNK1("40", "1000"));
	assert_int_equal(r.files[0].hunks[0].kind, REVIEW_HUNK_MOVED);
	assert_int_equal(r.files[0].hunks[0].offset, -6);
	assert_true(review_is_unchanged(&r));
	review_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_moved_adapted_dropped),
	};
	int ret;

	git_libgit2_init();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return ret;
}
