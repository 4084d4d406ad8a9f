// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the cell status (tools/lib/cell.c): each status from the
 * documents that make it, the order among them, and the reason naming
 * target, variant and test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "lib/cell.h"

/* A cell that is ok: applied, both built, both completed, all pass. */
static const char ok_cell[] =
	"{\"target\": \"linux-6.12.y\","
	" \"apply\": {\"patches\": [{\"file\": \"0001.eml\","
	"   \"verdict\": \"applied\", \"detail\": \"\"}]},"
	" \"build\": {\"baseline\": {\"verdict\": \"built\","
	"   \"selftests\": {\"failed\": [\"a_test\"]}},"
	"   \"series\": {\"verdict\": \"built\", \"step\": \"done\","
	"   \"selftests\": {\"failed\": [\"a_test\"]}}},"
	" \"test\": {\"baseline\": {\"variant\": \"baseline\","
	"   \"verdict\": \"completed\"},"
	"   \"series\": {\"variant\": \"series\", \"verdict\": \"completed\","
	"   \"boots\": [{\"end\": \"exited\"}], \"events\": []},"
	"   \"compare\": {\"tests\": [{\"name\": \"t1\", \"baseline\": \"pass\","
	"   \"series\": \"pass\", \"change\": \"pass\"}]}},"
	" \"steps\": {\"build\": true, \"test\": true},"
	" \"errors\": []}";

static json_t *cell(void)
{
	json_error_t e;
	json_t *j = json_loads(ok_cell, 0, &e);

	if (!j)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

/* Set `path` ("a.b.c") of `j` to `v` (stolen). */
static void set(json_t *j, const char *path, json_t *v)
{
	char *p = strdup(path), *dot, *key = p;

	while ((dot = strchr(key, '.'))) {
		*dot = '\0';
		j = json_object_get(j, key);
		key = dot + 1;
	}
	json_object_set_new(j, key, v);
	free(p);
}

static enum cell_status status(json_t *j, const char *want_reason)
{
	char *reason;
	enum cell_status st = cell_status(j, &reason);

	if (want_reason && !strstr(reason, want_reason))
		fail_msg("reason '%s' lacks '%s'", reason, want_reason);
	free(reason);
	json_decref(j);
	return st;
}

static json_t *test_change(const char *name, const char *base,
			   const char *ser, const char *change)
{
	return json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "name", name,
			 "baseline", base, "series", ser, "change", change,
			 "reason", "");
}

static void test_ok(void **state)
{
	(void)state;
	assert_int_equal(status(cell(), ""), CELL_OK);
	assert_string_equal(cell_status_name(CELL_OK), "ok");
}

static void test_apply_failed_first(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "apply.patches", json_pack("[{s:s, s:s, s:s}]", "file",
					  "0001.eml", "verdict", "conflict",
					  "detail", "hunk 2 at x.c:10"));
	set(j, "build.series.verdict", json_string("build-failed"));
	assert_int_equal(status(j, "linux-6.12.y: patch 0001.eml: conflict: "
				   "hunk 2 at x.c:10"),
			 CELL_APPLY_FAILED);
}

/* A verdict this tool does not know is no green; a failure still wins. */
static void test_unknown_verdict_is_error(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "apply.patches", json_pack("[{s:s, s:s}]", "file", "0001.eml",
					  "verdict", "applied-sideways"));
	assert_int_equal(status(j, "linux-6.12.y: patch 0001.eml: unknown "
				   "verdict 'applied-sideways'"),
			 CELL_ERROR);
	j = cell();
	set(j, "apply.patches",
	    json_pack("[{s:s, s:s}, {s:s, s:s, s:s}]", "file", "0001.eml",
		      "verdict", "applied-sideways", "file", "0002.eml",
		      "verdict", "conflict", "detail", "hunk 1"));
	assert_int_equal(status(j, "patch 0002.eml: conflict"),
			 CELL_APPLY_FAILED);
}

/* A build that stopped ("not-built") or a result not ours is no green. */
static void test_unknown_build_and_test_verdicts(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build.baseline.verdict", json_string("not-built"));
	assert_int_equal(status(j, "linux-6.12.y baseline: the build result "
				   "says 'not-built'"),
			 CELL_ERROR);
	j = cell();
	set(j, "build.series.verdict", json_null());
	assert_int_equal(status(j, "linux-6.12.y series: the build result "
				   "says ''"),
			 CELL_ERROR);
	j = cell();
	set(j, "test.series.verdict", json_string("passed-mostly"));
	assert_int_equal(status(j, "linux-6.12.y series: the test result "
				   "says 'passed-mostly'"),
			 CELL_ERROR);
}

static void test_build_failed(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build.series.verdict", json_string("build-failed"));
	set(j, "build.series.step", json_string("kernel"));
	set(j, "build.series.first_error",
	    json_pack("{s:s, s:i, s:s}", "file", "mm/x.c", "line", 12,
		      "message", "error: expected ';'"));
	assert_int_equal(status(j, "linux-6.12.y series: kernel: mm/x.c:12: "
				   "error: expected ';'"),
			 CELL_BUILD_FAILED);
}

/* A bisected queue: the patch of the breaking commit, by commit or title. */
static void test_build_broken_by(void **state)
{
	json_t *j = cell(), *k;

	(void)state;
	set(j, "apply.patches",
	    json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "file",
		      "0001-a.patch", "verdict", "applied", "commit", "aaaa",
		      "title", "a", "file", "0002-b.patch", "verdict",
		      "applied", "commit", "bbbb", "title", "b"));
	set(j, "build.series.verdict", json_string("build-failed"));
	set(j, "build.series.step", json_string("kernel"));
	set(j, "build.series.first_error",
	    json_pack("{s:s, s:i, s:s}", "file", "mm/y.c", "line", 3,
		      "message", "error: later"));
	set(j, "build.series.broken_by",
	    json_pack("{s:s, s:s, s:{s:s, s:i, s:s}}", "commit", "bbbb",
		      "title", "b", "first_error", "file", "mm/x.c", "line",
		      41, "message", "error: first"));
	k = json_deep_copy(j);
	assert_int_equal(status(j, "linux-6.12.y series: kernel: build broken "
				   "by 0002-b.patch: mm/x.c:41: error: first"),
			 CELL_BUILD_FAILED);
	/* A cached build names an earlier apply's commit: by title. */
	set(k, "build.series.broken_by.commit", json_string("cccc"));
	assert_int_equal(status(k, "build broken by 0002-b.patch: mm/x.c:41"),
			 CELL_BUILD_FAILED);
}

static void test_selftest_lost_in_build(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build.series.selftests.failed",
	    json_pack("[s, s]", "a_test", "b_test"));
	assert_int_equal(status(j, "selftest b_test does not build"),
			 CELL_BUILD_FAILED);
}

static void test_baseline_not_built_is_error(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build.baseline.verdict", json_string("build-failed"));
	assert_int_equal(status(j, "baseline: does not build"), CELL_ERROR);
}

static void test_no_build_json_is_error(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build.series", json_null());
	assert_int_equal(status(j, "series: no build result"), CELL_ERROR);
}

static void test_not_asked_is_not_error(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build", json_pack("{s:n, s:n}", "baseline", "series"));
	set(j, "test", json_pack("{s:n, s:n, s:n}", "baseline", "series",
				 "compare"));
	set(j, "steps", json_pack("{s:b, s:b}", "build", 0, "test", 0));
	assert_int_equal(status(j, ""), CELL_OK);
}

static void test_crashed(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "test.series.verdict", json_string("crashed"));
	set(j, "test.series.events",
	    json_pack("[{s:s, s:s}]", "kind", "panic", "first_line",
		      "Kernel panic - not syncing: x"));
	assert_int_equal(status(j, "series: the kernel panicked: Kernel panic"),
			 CELL_CRASHED);
}

static void test_crash_on_both_is_not_crashed(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "test.series.verdict", json_string("crashed"));
	set(j, "test.baseline.verdict", json_string("crashed"));
	assert_int_equal(status(j, ""), CELL_OK);
}

static void test_boot_failed_and_hung(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "test.series.verdict", json_string("boot-failed"));
	set(j, "test.series.boots",
	    json_pack("[{s:s, s:s}]", "end", "no-ktap", "detail",
		      "no KTAP within 120 s of boot"));
	assert_int_equal(status(j, "series: does not boot: no KTAP"),
			 CELL_BOOT_FAILED);
	j = cell();
	set(j, "test.series.verdict", json_string("hung"));
	assert_int_equal(status(j, "series: the guest hung"), CELL_HUNG);
}

static void test_baseline_not_booting_is_error(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "test.baseline.verdict", json_string("boot-failed"));
	assert_int_equal(status(j, "baseline: does not boot"), CELL_ERROR);
}

static void test_regression_and_incomplete(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "test.compare.tests",
	    test_change("dirty_log_test", "pass", "fail", "regression"));
	assert_int_equal(status(j, "series: dirty_log_test fail, passes on "
				   "the baseline"),
			 CELL_REGRESSION);
	j = cell();
	set(j, "test.compare.tests",
	    test_change("dirty_log_test", "pass", "not-run", "not-run"));
	assert_int_equal(status(j, "dirty_log_test was not run"),
			 CELL_INCOMPLETE);
	j = cell();
	set(j, "test.compare.tests",
	    test_change("x86/t", "pass", "skip", "skip"));
	assert_int_equal(status(j, "x86/t skipped, but ran on the baseline"),
			 CELL_INCOMPLETE);
	j = cell();
	set(j, "test.compare.tests", test_change("x86/t", "skip", "skip",
						 "skip"));
	assert_int_equal(status(j, ""), CELL_OK);
	j = cell();
	set(j, "test.compare.tests", test_change("x86/t", "fail", "fail",
						 "still-failing"));
	assert_int_equal(status(j, ""), CELL_OK);
}

static void test_missing_test_results(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "test.compare", json_null());
	assert_int_equal(status(j, "series: no test result"), CELL_ERROR);
	j = cell();
	set(j, "test.baseline", json_null());
	assert_int_equal(status(j, "baseline: no test result"), CELL_ERROR);
	/* A kernel booted alone (backport test --kernel) needs none. */
	j = cell();
	set(j, "test.baseline", json_null());
	set(j, "steps.baseline", json_false());
	assert_int_equal(status(j, ""), CELL_OK);
}

static void test_step_error_comes_first(void **state)
{
	json_t *j = cell();

	(void)state;
	set(j, "build.series", json_null());
	set(j, "errors", json_pack("[s]", "build: killed by signal 9"));
	assert_int_equal(status(j, "linux-6.12.y: build: killed by signal 9"),
			 CELL_ERROR);
}

static void test_order(void **state)
{
	json_t *j = cell();

	(void)state;
	/* A build failure hides what the (older) test results say. */
	set(j, "build.series.verdict", json_string("build-failed"));
	set(j, "test.series.verdict", json_string("crashed"));
	assert_int_equal(status(j, NULL), CELL_BUILD_FAILED);
	/* A crash comes before the regressions it causes. */
	j = cell();
	set(j, "test.series.verdict", json_string("crashed"));
	set(j, "test.compare.tests",
	    test_change("t1", "pass", "crash", "regression"));
	assert_int_equal(status(j, NULL), CELL_CRASHED);
	assert_string_equal(cell_status_name(CELL_INCOMPLETE), "incomplete");
	assert_string_equal(cell_status_name(CELL__COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_apply_failed_first),
		cmocka_unit_test(test_unknown_verdict_is_error),
		cmocka_unit_test(test_unknown_build_and_test_verdicts),
		cmocka_unit_test(test_build_failed),
		cmocka_unit_test(test_build_broken_by),
		cmocka_unit_test(test_selftest_lost_in_build),
		cmocka_unit_test(test_baseline_not_built_is_error),
		cmocka_unit_test(test_no_build_json_is_error),
		cmocka_unit_test(test_not_asked_is_not_error),
		cmocka_unit_test(test_crashed),
		cmocka_unit_test(test_crash_on_both_is_not_crashed),
		cmocka_unit_test(test_boot_failed_and_hung),
		cmocka_unit_test(test_baseline_not_booting_is_error),
		cmocka_unit_test(test_regression_and_incomplete),
		cmocka_unit_test(test_missing_test_results),
		cmocka_unit_test(test_step_error_comes_first),
		cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
