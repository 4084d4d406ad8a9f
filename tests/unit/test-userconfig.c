// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the user's defaults (tools/lib/userconfig.c): the order
 * command line > environment > project file > user file > built-in,
 * paths relative to the project, and the errors that name the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include <git2.h>

#include "lib/userconfig.h"
#include "util/error.h"

static char dir[] = "/tmp/test-userconfig-XXXXXX";
static char user[64], project[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	git_libgit2_init();
	if (!mkdtemp(dir))
		return -1;
	snprintf(user, sizeof(user), "%s/user", dir);
	snprintf(project, sizeof(project), "%s/project", dir);
	unsetenv("BACKPORT_SERIES_DIR");
	unsetenv("BACKPORT_MATRIX");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(user);
	unlink(project);
	rmdir(dir);
	git_libgit2_shutdown();
	return 0;
}

static void test_builtin_defaults(void **state)
{
	struct userconfig uc = USERCONFIG_INIT;
	struct userconfig_value v;

	(void)state;
	assert_int_equal(userconfig_load_files(&uc, NULL, "/nonexistent", "/"),
			 0);
	userconfig_effective(&v, &uc, USERCONFIG_SERIES_DIR, NULL);
	assert_string_equal(v.value, "series");
	assert_string_equal(v.origin, "default");
	userconfig_effective(&v, &uc, USERCONFIG_JOBS, NULL);
	assert_string_equal(v.value, "2");
	userconfig_effective(&v, &uc, USERCONFIG_MATRIX, NULL);
	assert_null(v.value);
	userconfig_release(&uc);
}

static void test_precedence(void **state)
{
	struct userconfig uc = USERCONFIG_INIT;
	struct userconfig_value v;
	char origin[128];

	(void)state;
	write_file(user, "[backport]\n\tseriesDir = /u/series\n"
			 "\tjobs = 8\n\tresults = /u/results\n");
	write_file(project, "[backport]\n\tseriesdir = proj-series\n"
			    "\tjobs = 3\n");
	assert_int_equal(userconfig_load_files(&uc, user, project, "/p"), 0);

	userconfig_effective(&v, &uc, USERCONFIG_RESULTS, NULL);
	assert_string_equal(v.value, "/u/results");
	snprintf(origin, sizeof(origin), "file:%s", user);
	assert_string_equal(v.origin, origin);

	userconfig_effective(&v, &uc, USERCONFIG_JOBS, NULL);
	assert_string_equal(v.value, "3");
	userconfig_effective(&v, &uc, USERCONFIG_SERIES_DIR, NULL);
	assert_string_equal(v.value, "/p/proj-series");
	snprintf(origin, sizeof(origin), "file:%s", project);
	assert_string_equal(v.origin, origin);

	setenv("BACKPORT_SERIES_DIR", "/env/series", 1);
	userconfig_effective(&v, &uc, USERCONFIG_SERIES_DIR, NULL);
	assert_string_equal(v.value, "/env/series");
	assert_string_equal(v.origin, "env:BACKPORT_SERIES_DIR");

	userconfig_effective(&v, &uc, USERCONFIG_SERIES_DIR, "cli");
	assert_string_equal(v.value, "cli");
	assert_string_equal(v.origin, "command line");
	unsetenv("BACKPORT_SERIES_DIR");
	userconfig_release(&uc);
}

static void test_bad_jobs_names_the_file(void **state)
{
	struct userconfig uc = USERCONFIG_INIT;

	(void)state;
	write_file(user, "[backport]\n\tjobs = many\n");
	assert_int_equal(userconfig_load_files(&uc, user, NULL, NULL), -1);
	assert_non_null(strstr(error_last(), "'many'"));
	assert_non_null(strstr(error_last(), user));
	userconfig_release(&uc);
}

static void test_syntax_error_names_the_file(void **state)
{
	struct userconfig uc = USERCONFIG_INIT;

	(void)state;
	write_file(user, "[backport\n\tjobs = 2\n");
	assert_int_equal(userconfig_load_files(&uc, user, NULL, NULL), -1);
	assert_non_null(strstr(error_last(), user));
	userconfig_release(&uc);
}

static void test_key_lookup(void **state)
{
	(void)state;
	assert_int_equal(userconfig_key_lookup("seriesDir"),
			 USERCONFIG_SERIES_DIR);
	assert_int_equal(userconfig_key_lookup("backport.JOBS"),
			 USERCONFIG_JOBS);
	assert_int_equal(userconfig_key_lookup("other.jobs"), -1);
	assert_int_equal(userconfig_key_lookup("nope"), -1);
	assert_string_equal(userconfig_key_name(USERCONFIG_SERIES_DIR),
			    "backport.seriesdir");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_defaults),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_bad_jobs_names_the_file),
		cmocka_unit_test(test_syntax_error_names_the_file),
		cmocka_unit_test(test_key_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
