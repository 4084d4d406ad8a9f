// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the selftest module: the set from a matrix file, the
 * test lines, binaries found across the x86/ -> x86_64/ rename, and the
 * classification against the baseline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

#include "lib/matrix.h"
#include "lib/selftest.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"

static char *scratch;

static char *write_conf(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", scratch, name);

	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
	return path;
}

static void test_parse_line(void **state)
{
	struct selftest t;

	assert_int_equal(selftest_parse(&t,
					"timeout=60 kvm_page_table_test "
					"-b 64M  -v 2",
					120),
			 0);
	assert_string_equal(t.name, "kvm_page_table_test");
	assert_int_equal(t.timeout_s, 60);
	assert_int_equal(t.args.nr, 4);
	assert_string_equal(t.args.v[1], "64M");
	assert_string_equal(t.args.v[3], "2");
	selftest_release(&t);

	assert_int_equal(selftest_parse(&t, "x86/state_test", 120), 0);
	assert_int_equal(t.timeout_s, 120);
	assert_int_equal(t.args.nr, 0);
	selftest_release(&t);

	/* arguments that look like options stay arguments */
	assert_int_equal(selftest_parse(&t, "dirty_log_test x=1", 9), 0);
	assert_string_equal(t.args.v[0], "x=1");
	selftest_release(&t);

	assert_int_equal(selftest_parse(&t, "timeout=0 a", 1), -1);
	assert_int_equal(selftest_parse(&t, "timeout=x a", 1), -1);
	assert_int_equal(selftest_parse(&t, "speed=2 a", 1), -1);
	assert_non_null(strstr(error_last(), "unknown option 'speed=2'"));
	assert_int_equal(selftest_parse(&t, "timeout=3", 1), -1);
	assert_non_null(strstr(error_last(), "has no name"));
	assert_int_equal(selftest_parse(&t, "../../bin/sh", 1), -1);
	assert_int_equal(selftest_parse(&t, "/bin/sh", 1), -1);
	assert_int_equal(selftest_parse(&t, "a$(reboot)", 1), -1);
}

/* The set `name` of the matrix file `path`, as the commands read it. */
static int set_load(struct selftest_set *set, const char *path,
		    const char *name)
{
	struct matrix m = MATRIX_INIT;
	int ret = matrix_read(&m, path);

	if (!ret)
		ret = selftest_set_from_matrix(set, &m, name);
	matrix_release(&m);
	return ret;
}

static void test_load_set(void **state)
{
	struct selftest_set set = SELFTEST_SET_INIT;
	char *path = write_conf("m.conf",
				"[branch \"linux-6.12.y\"]\n"
				"\trelease = 6.12.111\n"
				"[selftests \"quick\"]\n"
				"\ttest = a\n"
				"[selftests \"kvm-mmu\"]\n"
				"\t# why\n"
				"\ttimeout = 90\n"
				"\tretries = 2\n"
				"\thugepages = 128\n"
				"\tfuture-key = ignored\n"
				"\ttest = \"set_memory_region_test\"\n"
				"\ttest = \"timeout=60 kvm_page_table_test "
				"-b 64M\" ; comment\n"
				"\ttest = x86/dirty_log_page_splitting_test\n");

	/* the first set by default */
	assert_int_equal(set_load(&set, path, NULL), 0);
	assert_string_equal(set.name, "quick");
	assert_string_equal(set.suite, "kvm");
	assert_int_equal(set.nr, 1);
	selftest_set_release(&set);

	assert_int_equal(set_load(&set, path, "kvm-mmu"), 0);
	assert_int_equal(set.nr, 3);
	assert_int_equal(set.retries, 2);
	assert_int_equal(set.hugepages, 128);
	assert_string_equal(set.tests[0].name, "set_memory_region_test");
	assert_int_equal(set.tests[0].timeout_s, 90);
	assert_int_equal(set.tests[1].timeout_s, 60);
	assert_string_equal(set.tests[1].args.v[1], "64M");
	assert_string_equal(set.tests[2].name,
			    "x86/dirty_log_page_splitting_test");
	selftest_set_release(&set);

	assert_int_equal(set_load(&set, path, "none"), -1);
	assert_non_null(strstr(error_last(), "no tests in selftests 'none'"));
	selftest_set_release(&set);
	free(path);
}

static void test_load_errors(void **state)
{
	struct selftest_set set = SELFTEST_SET_INIT;
	char *path = write_conf("bad.conf", "[selftests \"s\"]\n"
					    "\ttest = a\n"
					    "\ttest = a\n");

	assert_int_equal(set_load(&set, path, NULL), -1);
	assert_non_null(strstr(error_last(), "selftests 's'"));
	assert_non_null(strstr(error_last(), "twice"));
	selftest_set_release(&set);
	free(path);

	path = write_conf("bad2.conf", "[selftests \"s\"]\n"
				       "\tretries = many\n"
				       "\ttest = a\n");
	assert_int_equal(set_load(&set, path, NULL), -1);
	assert_non_null(strstr(error_last(), "bad number 'many'"));
	selftest_set_release(&set);
	free(path);

	path = write_conf("none.conf", "[matrix]\n\trepo =\n");
	assert_int_equal(set_load(&set, path, NULL), -1);
	assert_non_null(strstr(error_last(), "no [selftests] section"));
	selftest_set_release(&set);
	free(path);
}

static void touch_exec(const char *path)
{
	assert_int_equal(write_file_atomic(path, "#!/bin/sh\n", 10), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_find_binary(void **state)
{
	char *dir = xstrfmt("%s/kvm", scratch);
	char *p;

	p = xstrfmt("%s/x86_64", dir);
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	p = xstrfmt("%s/x86_64/state_test", dir);
	touch_exec(p);
	free(p);
	p = xstrfmt("%s/demand_paging_test", dir);
	touch_exec(p);
	free(p);

	p = selftest_find_binary(dir, "demand_paging_test");
	assert_non_null(p);
	free(p);
	/* 7.x's name finds 6.x's directory, and back */
	p = selftest_find_binary(dir, "x86/state_test");
	assert_non_null(p);
	assert_non_null(strstr(p, "/x86_64/state_test"));
	free(p);
	p = selftest_find_binary(dir, "x86_64/state_test");
	assert_non_null(p);
	free(p);
	assert_null(selftest_find_binary(dir, "x86/smm_test"));
	assert_null(selftest_find_binary(dir, "x86_64"));
	free(dir);
}

static void test_classify(void **state)
{
	static const struct {
		enum selftest_status base, series;
		enum selftest_change want;
	} cases[] = {
		{ SELFTEST_PASS, SELFTEST_PASS, SELFTEST_CH_PASS },
		{ SELFTEST_PASS, SELFTEST_FAIL, SELFTEST_CH_REGRESSION },
		{ SELFTEST_PASS, SELFTEST_TIMEOUT, SELFTEST_CH_REGRESSION },
		{ SELFTEST_PASS, SELFTEST_CRASH, SELFTEST_CH_REGRESSION },
		{ SELFTEST_FAIL, SELFTEST_PASS, SELFTEST_CH_FIXED },
		{ SELFTEST_CRASH, SELFTEST_PASS, SELFTEST_CH_FIXED },
		{ SELFTEST_FAIL, SELFTEST_FAIL, SELFTEST_CH_STILL_FAILING },
		{ SELFTEST_TIMEOUT, SELFTEST_CRASH, SELFTEST_CH_STILL_FAILING },
		{ SELFTEST_PASS, SELFTEST_SKIP, SELFTEST_CH_SKIP },
		{ SELFTEST_SKIP, SELFTEST_PASS, SELFTEST_CH_PASS },
		{ SELFTEST_SKIP, SELFTEST_FAIL, SELFTEST_CH_FAIL },
		{ SELFTEST_NOT_RUN, SELFTEST_FAIL, SELFTEST_CH_FAIL },
		{ SELFTEST_PASS, SELFTEST_FLAKY, SELFTEST_CH_FLAKY },
		{ SELFTEST_FLAKY, SELFTEST_FAIL, SELFTEST_CH_FLAKY },
		{ SELFTEST_FLAKY, SELFTEST_PASS, SELFTEST_CH_FLAKY },
		{ SELFTEST_PASS, SELFTEST_NOT_RUN, SELFTEST_CH_NOT_RUN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum selftest_change c =
			selftest_classify(cases[i].base, cases[i].series);

		if (c != cases[i].want)
			fail_msg("%s -> %s: %s, want %s",
				 selftest_status_name(cases[i].base),
				 selftest_status_name(cases[i].series),
				 selftest_change_name(c),
				 selftest_change_name(cases[i].want));
	}
	assert_string_equal(selftest_change_name(SELFTEST_CH_STILL_FAILING),
			    "still-failing");
	assert_string_equal(selftest_status_name(SELFTEST_NOT_RUN), "not-run");
	assert_true(selftest_status_is_failure(SELFTEST_TIMEOUT));
	assert_false(selftest_status_is_failure(SELFTEST_FLAKY));
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/test-selftest.XXXXXX";

	if (!mkdtemp(tmpl))
		return -1;
	scratch = xstrdup(tmpl);
	git_libgit2_init();
	return 0;
}

static int teardown(void **state)
{
	remove_tree(scratch);
	free(scratch);
	git_libgit2_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_load_set),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_find_binary),
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
