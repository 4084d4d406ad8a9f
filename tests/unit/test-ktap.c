// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/ktap: KTAP v1 and kselftest's TAP 13, nesting,
 * directives, interleaved console lines, truncation, "Bail out!", the
 * printer and its round trip. Fixtures: tests/fixtures/ktap/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/ktap.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void read_fixture(struct strbuf *sb, const char *name)
{
	const char *top = getenv("BACKPORT_TOP");
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/tests/fixtures/ktap/%s", top ? top : ".", name);
	if (strbuf_read_file(sb, path.buf) < 0)
		fail_msg("%s", error_last());
	strbuf_release(&path);
}

static void parse_fixture(struct ktap_test *run, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	read_fixture(&sb, name);
	assert_int_equal(ktap_parse_buffer(run, sb.buf, sb.len), 0);
	strbuf_release(&sb);
}

static void parse_string(struct ktap_test *run, const char *text)
{
	assert_int_equal(ktap_parse_buffer(run, text, strlen(text)), 0);
}

static bool has_diag(const struct ktap_test *t, const char *text)
{
	for (size_t i = 0; i < t->diag_nr; i++)
		if (!strcmp(t->diag[i], text))
			return true;
	return false;
}

static void test_kselftest_run(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	unsigned counts[KTAP_RESULT_NR];
	struct ktap_test *t;

	parse_fixture(&run, "kselftest-kvm.log");
	assert_string_equal(run.version, "TAP version 13");
	assert_int_equal(run.plan, 15);
	assert_int_equal(run.subtests_nr, 15);
	ktap_test_count(&run, counts);
	assert_int_equal(counts[KTAP_PASS], 11);
	assert_int_equal(counts[KTAP_SKIP], 2);
	assert_int_equal(counts[KTAP_FAIL], 1);
	assert_int_equal(counts[KTAP_TIMEOUT], 1);
	assert_int_equal(run.result, KTAP_TIMEOUT);

	t = &run.subtests[0];
	assert_int_equal(t->number, 1);
	assert_string_equal(t->name, "selftests: kvm: set_memory_region_test");
	assert_string_equal(ktap_test_short_name(t), "set_memory_region_test");
	assert_true(has_diag(t, "Allowed number of memory slots: 32764"));
	assert_true(has_diag(t, "selftests: kvm: set_memory_region_test"));
	assert_int_equal(t->line, 12);

	/* The kernel message between diagnostics is not one of them. */
	t = ktap_test_find(&run, "kvm_page_table_test");
	assert_non_null(t);
	assert_int_equal(t->result, KTAP_PASS);
	assert_int_equal(t->diag_nr, 4);

	t = ktap_test_find(&run, "x86_64/dirty_log_page_splitting_test");
	assert_int_equal(t->result, KTAP_SKIP);
	assert_null(t->reason);
	assert_true(has_diag(t, "1..0 # SKIP - Requirement not met: "
				"nr_hugepages >= 128"));

	/* exit=254, with the test's own TAP nested behind "# ". */
	t = &run.subtests[10];
	assert_int_equal(t->result, KTAP_FAIL);
	assert_string_equal(t->reason, "exit=254");
	assert_int_equal(t->exit_code, 254);
	assert_string_equal(t->version, "TAP version 13");
	assert_int_equal(t->plan, 2);
	assert_int_equal(t->subtests_nr, 2);
	assert_int_equal(t->subtests[0].result, KTAP_FAIL);
	assert_string_equal(t->subtests[0].name,
			    "svm_nested_soft_inject_test: int3");
	assert_int_equal(t->subtests[1].result, KTAP_MISSING);
	assert_string_equal(t->bail_out, "1 failed");
	assert_true(has_diag(t, "==== Test Assertion Failure ===="));
	assert_true(has_diag(t, "Totals: pass:0 fail:1 xfail:0 xpass:0 "
				"skip:0 error:0"));
	assert_true(ktap_result_is_failure(t->result));

	t = ktap_test_find(&run, "selftests: kvm: kvm_binary_stats_test");
	assert_int_equal(t->result, KTAP_PASS);
	assert_int_equal(t->subtests_nr, 4);
	assert_string_equal(t->subtests[3].name, "vm3");

	t = &run.subtests[14];
	assert_int_equal(t->result, KTAP_TIMEOUT);
	assert_string_equal(t->reason, "120 seconds");
	assert_int_equal(t->exit_code, -1);
	assert_true(has_diag(t, ""));
	ktap_test_release(&run);
}

static void test_nested_ktap(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct ktap_test *suite, *t;

	parse_fixture(&run, "nested.ktap");
	assert_string_equal(run.version, "KTAP version 1");
	assert_int_equal(run.subtests_nr, 3);
	assert_int_equal(run.result, KTAP_FAIL);
	assert_true(has_diag(&run, "Totals: pass:4 fail:1 skip:1 total:6"));

	suite = &run.subtests[0];
	assert_string_equal(suite->name, "kvm_mmu");
	assert_int_equal(suite->result, KTAP_FAIL);
	assert_int_equal(suite->plan, 3);
	assert_int_equal(suite->subtests_nr, 3);
	assert_true(has_diag(suite, "kvm_mmu: pass:2 fail:1 skip:0 total:3"));
	assert_true(has_diag(suite, "Subtest: kvm_mmu"));

	t = &suite->subtests[1];
	assert_string_equal(t->name, "test_zap_range");
	assert_int_equal(t->result, KTAP_FAIL);
	assert_int_equal(t->diag_nr, 3);
	assert_string_equal(t->diag[2], "    sptes_zapped == 511 (0x1ff)");

	/* Three levels, the innermost without a plan. */
	t = &suite->subtests[2];
	assert_int_equal(t->result, KTAP_PASS);
	assert_int_equal(t->plan, -1);
	assert_int_equal(t->subtests_nr, 3);
	assert_int_equal(t->subtests[2].result, KTAP_SKIP);
	assert_string_equal(t->subtests[2].reason, "1G pages not supported");
	assert_true(has_diag(t, "test_page_sizes: pass:2 fail:0 skip:1 "
				"total:3"));

	/* Two-space indentation, XFAIL and TODO. */
	t = &run.subtests[1];
	assert_int_equal(t->result, KTAP_PASS);
	assert_int_equal(t->subtests_nr, 2);
	assert_int_equal(t->subtests[0].result, KTAP_XFAIL);
	assert_string_equal(t->subtests[0].reason, "known to fail under TCG");
	assert_int_equal(t->subtests[1].result, KTAP_XFAIL);
	assert_string_equal(t->subtests[1].reason, "nobody fixed it");

	t = &run.subtests[2];
	assert_int_equal(t->result, KTAP_SKIP);
	assert_string_equal(t->reason, "no tests");
	ktap_test_release(&run);
}

/* Our runner's KTAP prints back byte for byte. */
static void test_runner_round_trip(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;

	read_fixture(&in, "runner.ktap");
	assert_int_equal(ktap_parse_buffer(&run, in.buf, in.len), 0);
	assert_int_equal(run.subtests[1].result, KTAP_SKIP);
	assert_string_equal(run.subtests[1].reason, "nr_hugepages=0, need 128");
	assert_int_equal(run.subtests[2].exit_code, 254);
	assert_int_equal(run.subtests[3].result, KTAP_TIMEOUT);
	assert_int_equal(run.subtests[4].result, KTAP_ERROR);
	assert_int_equal(run.subtests[5].subtests_nr, 2);
	ktap_print(&out, &run);
	assert_string_equal(out.buf, in.buf);
	ktap_test_release(&run);
	strbuf_release(&in);
	strbuf_release(&out);
}

/* Print, parse the printout, print again: the same text. */
static void check_round_trip(const char *fixture, const char *golden)
{
	struct ktap_test run = KTAP_TEST_INIT, again = KTAP_TEST_INIT;
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT;
	struct strbuf want = STRBUF_INIT;

	parse_fixture(&run, fixture);
	ktap_print(&one, &run);
	if (golden) {
		read_fixture(&want, golden);
		assert_string_equal(one.buf, want.buf);
	}
	parse_string(&again, one.buf);
	ktap_print(&two, &again);
	assert_string_equal(one.buf, two.buf);
	assert_int_equal(again.result, run.result);
	ktap_test_release(&run);
	ktap_test_release(&again);
	strbuf_release(&one);
	strbuf_release(&two);
	strbuf_release(&want);
}

static void test_print_golden(void **state)
{
	check_round_trip("kselftest-kvm.log", "kselftest-kvm.out");
	check_round_trip("nested.ktap", "nested.out");
	check_round_trip("truncated.log", "truncated.out");
	check_round_trip("bailout.log", NULL);
	check_round_trip("skip-all.log", NULL);
}

/* The guest died in test 3, inside its second subtest. */
static void test_truncated(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct ktap_test *t;

	parse_fixture(&run, "truncated.log");
	assert_int_equal(run.subtests_nr, 6);
	assert_int_equal(run.result, KTAP_INCOMPLETE);
	assert_int_equal(run.subtests[0].result, KTAP_PASS);
	assert_int_equal(run.subtests[1].result, KTAP_PASS);
	t = &run.subtests[2];
	assert_int_equal(t->number, 3);
	assert_int_equal(t->result, KTAP_INCOMPLETE);
	assert_string_equal(t->name, "selftests: kvm: dirty_log_test");
	assert_string_equal(t->reason, "output ended");
	assert_true(has_diag(t, "Testing Log Mode 'clear-log'"));
	assert_int_equal(t->subtests_nr, 3);
	assert_int_equal(t->subtests[0].result, KTAP_PASS);
	assert_int_equal(t->subtests[1].result, KTAP_INCOMPLETE);
	assert_int_equal(t->subtests[2].result, KTAP_MISSING);
	for (int i = 3; i < 6; i++) {
		assert_int_equal(run.subtests[i].number, i + 1);
		assert_int_equal(run.subtests[i].result, KTAP_MISSING);
		assert_null(run.subtests[i].name);
	}
	ktap_test_release(&run);
}

/* The same, told that the guest panicked, and fed as it arrives. */
static void test_truncated_crash_streaming(void **state)
{
	struct ktap_parser p = KTAP_PARSER_INIT;
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char *name = NULL;
	unsigned nr = 0;

	read_fixture(&sb, "truncated.log");
	assert_false(ktap_parser_in_progress(&p, &nr, &name));
	for (size_t i = 0; i < sb.len; i += 7)
		assert_int_equal(ktap_parser_write(&p, sb.buf + i,
						   sb.len - i < 7 ? sb.len - i :
								    7),
				 0);
	assert_true(ktap_parser_in_progress(&p, &nr, &name));
	assert_int_equal(nr, 3);
	assert_string_equal(name, "selftests: kvm: dirty_log_test");
	ktap_parser_crash(&p, "Kernel panic - not syncing: Fatal exception");
	assert_int_equal(ktap_parser_finish(&p, &run), 0);
	assert_int_equal(run.result, KTAP_CRASH);
	assert_int_equal(run.subtests[2].result, KTAP_CRASH);
	assert_string_equal(run.subtests[2].reason,
			    "Kernel panic - not syncing: Fatal exception");
	assert_int_equal(run.subtests[2].subtests[1].result, KTAP_CRASH);
	assert_int_equal(run.subtests[3].result, KTAP_MISSING);

	/* Finished: no more input. */
	assert_int_equal(ktap_parser_feed(&p, "ok 4 x", 6), -1);
	assert_non_null(strstr(error_last(), "finished"));
	assert_int_equal(ktap_parser_finish(&p, &run), -1);
	error_clear();
	ktap_parser_release(&p);
	ktap_test_release(&run);
	strbuf_release(&sb);
}

static void test_bail_out(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;

	parse_fixture(&run, "bailout.log");
	assert_string_equal(run.bail_out, "/dev/kvm is missing");
	assert_int_equal(run.subtests_nr, 4);
	assert_int_equal(run.subtests[1].result, KTAP_PASS);
	assert_int_equal(run.subtests[2].result, KTAP_MISSING);
	assert_int_equal(run.subtests[3].result, KTAP_MISSING);
	assert_true(has_diag(&run, "/dev/kvm: No such file or directory"));
	assert_true(ktap_result_is_failure(run.result));
	ktap_test_release(&run);

	/* Bail out with nothing missing still fails the run. */
	parse_string(&run, "KTAP version 1\n1..1\nok 1 a\nBail out!\n");
	assert_string_equal(run.bail_out, "");
	assert_int_equal(run.result, KTAP_FAIL);
	ktap_test_release(&run);
}

static void test_skip_all_and_empty(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;

	parse_fixture(&run, "skip-all.log");
	assert_int_equal(run.plan, 0);
	assert_int_equal(run.subtests_nr, 0);
	assert_int_equal(run.result, KTAP_SKIP);
	ktap_test_release(&run);

	/* Boot log only: no KTAP at all. */
	parse_string(&run, "[    0.000000] Linux version 6.1.192\n"
			   "ok 1 not a result before the version line\n");
	assert_int_equal(run.result, KTAP_MISSING);
	assert_int_equal(run.subtests_nr, 0);
	ktap_test_release(&run);

	/* A version line and nothing else. */
	parse_string(&run, "KTAP version 1\n");
	assert_int_equal(run.result, KTAP_INCOMPLETE);
	ktap_test_release(&run);
}

/* printk prefixes, CRLF, "- name", lower-case directives, noise. */
static void test_line_forms(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;

	parse_string(&run, "[    1.101010][    T1] KTAP version 1\r\n"
			   "[    1.101011][    T1] 1..6\r\n"
			   "[    1.101012][    T1]     # Subtest: suite\r\n"
			   "[    1.101013][    T1]     KTAP version 1\r\n"
			   "[    1.101014][    T1]     1..1\r\n"
			   "[    1.200000] kvm: Nested Paging enabled\r\n"
			   "[    1.101015][    T1]     ok 1 case\r\n"
			   "[    1.101016][    T1] ok 1 suite\r\n"
			   "ok 2 - dash name # skip not here\n"
			   "not ok 3 tabbed\t# Skipped: no vmx\n"
			   "ok 4 passed # rcode=0\n"
			   "ok 5 okay # SKIPPY is not a directive\n"
			   "okay 6 is not a result\n"
			   "ok 6\n"
			   "ok 7 beyond the plan\n");
	assert_int_equal(run.subtests_nr, 7);
	assert_string_equal(run.subtests[0].name, "suite");
	assert_int_equal(run.subtests[0].subtests_nr, 1);
	assert_int_equal(run.subtests[0].subtests[0].result, KTAP_PASS);
	assert_string_equal(run.subtests[1].name, "dash name");
	assert_int_equal(run.subtests[1].result, KTAP_SKIP);
	assert_string_equal(run.subtests[1].reason, "not here");
	assert_string_equal(run.subtests[2].name, "tabbed");
	assert_int_equal(run.subtests[2].result, KTAP_SKIP);
	assert_string_equal(run.subtests[2].reason, "no vmx");
	assert_int_equal(run.subtests[3].result, KTAP_PASS);
	assert_string_equal(run.subtests[3].reason, "rcode=0");
	assert_int_equal(run.subtests[4].result, KTAP_PASS);
	assert_string_equal(run.subtests[4].reason,
			    "SKIPPY is not a directive");
	assert_null(run.subtests[5].name);
	assert_int_equal(run.subtests[5].number, 6);
	assert_int_equal(run.subtests[6].number, 7);
	ktap_test_release(&run);
}

/* Holes in the numbering are missing tests. */
static void test_holes(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;

	parse_string(&run, "KTAP version 1\n"
			   "1..4\n"
			   "ok 1 a\n"
			   "ok 3 c\n"
			   "  KTAP version 1\n"
			   "  1..2\n"
			   "    KTAP version 1\n"
			   "    1..1\n"
			   "  ok 1 inner\n"
			   "ok 4 d\n");
	assert_int_equal(run.subtests_nr, 4);
	assert_int_equal(run.subtests[1].number, 2);
	assert_int_equal(run.subtests[1].result, KTAP_MISSING);
	assert_int_equal(run.subtests[3].result, KTAP_PASS);
	assert_int_equal(run.subtests[3].subtests_nr, 2);
	assert_int_equal(run.subtests[3].subtests[0].result, KTAP_PASS);
	assert_int_equal(run.subtests[3].subtests[0].subtests_nr, 1);
	assert_int_equal(run.subtests[3].subtests[0].subtests[0].result,
			 KTAP_MISSING);
	assert_int_equal(run.subtests[3].subtests[1].result, KTAP_MISSING);
	ktap_test_release(&run);
}

/* An outer result line closes levels whose own result never came. */
static void test_lost_result_line(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct ktap_test *t;

	parse_string(&run, "KTAP version 1\n"
			   "1..1\n"
			   "  KTAP version 1\n"
			   "  1..2\n"
			   "  # Subtest: lost\n"
			   "    KTAP version 1\n"
			   "    1..1\n"
			   "    ok 1 deep\n"
			   "ok 1 top\n");
	t = &run.subtests[0];
	assert_int_equal(t->result, KTAP_PASS);
	assert_int_equal(t->subtests_nr, 2);
	assert_int_equal(t->subtests[0].result, KTAP_INCOMPLETE);
	assert_string_equal(t->subtests[0].name, "lost");
	assert_string_equal(t->subtests[0].reason, "no result line");
	assert_int_equal(t->subtests[0].subtests[0].result, KTAP_PASS);
	assert_int_equal(t->subtests[1].result, KTAP_MISSING);
	ktap_test_release(&run);
}

static void test_diag_cap(void **state)
{
	struct ktap_parser p = KTAP_PARSER_INIT;
	struct ktap_test run = KTAP_TEST_INIT;
	char line[64];

	ktap_parser_feed(&p, "KTAP version 1\n1..1\n", 20);
	for (int i = 0; i < KTAP_MAX_DIAG + 50; i++) {
		int n = snprintf(line, sizeof(line), "# line %d\n", i);

		assert_int_equal(ktap_parser_feed(&p, line, n), 0);
	}
	ktap_parser_feed(&p, "ok 1 chatty", 11);
	assert_int_equal(ktap_parser_finish(&p, &run), 0);
	assert_int_equal(run.subtests[0].diag_nr, KTAP_MAX_DIAG);
	assert_int_equal(run.subtests[0].diag_dropped, 50);
	assert_string_equal(run.subtests[0].diag[0], "line 50");
	ktap_parser_release(&p);
	ktap_test_release(&run);
}

/*
 * Line soup: random lines glued from fragments of every kind. Nothing
 * may crash, and printing is a fixed point: print(parse(print(x))) ==
 * print(x).
 */
static const char *const soup_fragments[] = {
	"KTAP version 1",
	"TAP version 13",
	"1..3",
	"1..0 # SKIP x",
	"ok 1 a",
	"not ok 2 b # TIMEOUT 5",
	"ok 3 c # SKIP",
	"# diag",
	"#",
	"Bail out! z",
	"  ",
	"    ",
	"# ",
	"\t",
	"#\t",
	"[   1.000000] ",
	"[    T1] ",
	"ok 99999999999 x",
	"1..99999999",
	"not ok 4 # exit=7",
	"# Subtest: s",
	"# running r",
	"# selftests: kvm: q",
	"ok",
	"ok 0",
	"#PF: x",
	"[1.",
	"- x",
	"# KTAP version 1",
	"x",
	" # TODO",
};

static unsigned soup_next(unsigned *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return (*seed >> 16) & 0x7fff;
}

static void test_soup(void **state)
{
	unsigned seed = 42;

	for (int round = 0; round < 200; round++) {
		struct ktap_test run = KTAP_TEST_INIT, again = KTAP_TEST_INIT;
		struct strbuf in = STRBUF_INIT, one = STRBUF_INIT;
		struct strbuf two = STRBUF_INIT;
		unsigned lines = soup_next(&seed) % 60;

		for (unsigned i = 0; i < lines; i++) {
			unsigned parts = 1 + soup_next(&seed) % 3;

			while (parts--)
				strbuf_addstr(
					&in,
					soup_fragments[soup_next(&seed) %
						       ARRAY_SIZE(
							       soup_fragments)]);
			strbuf_addch(&in, '\n');
		}
		parse_string(&run, in.buf);
		ktap_print(&one, &run);
		parse_string(&again, one.buf);
		ktap_print(&two, &again);
		assert_string_equal(one.buf, two.buf);
		ktap_test_release(&run);
		ktap_test_release(&again);
		strbuf_release(&in);
		strbuf_release(&one);
		strbuf_release(&two);
	}
}

static void test_names(void **state)
{
	assert_string_equal(ktap_result_name(KTAP_PASS), "pass");
	assert_string_equal(ktap_result_name(KTAP_INCOMPLETE), "incomplete");
	assert_string_equal(ktap_result_name(KTAP_RESULT_NR), "unknown");
	assert_false(ktap_result_is_failure(KTAP_XFAIL));
	assert_false(ktap_result_is_failure(KTAP_SKIP));
	assert_true(ktap_result_is_failure(KTAP_MISSING));
}

/* ---- hostile input (tests/fuzz/regress/ktap) -------------------------- */

static void read_regress(struct strbuf *sb, const char *name)
{
	const char *top = getenv("BACKPORT_TOP");
	char *path =
		xstrfmt("%s/tests/fuzz/regress/ktap/%s", top ? top : ".", name);

	if (strbuf_read_file(sb, path) < 0)
		fail_msg("%s", error_last());
	free(path);
}

/* print(parse(print(x))) == print(x); returns print(x) in `out`. */
static void check_fixed_point(struct strbuf *out, const struct ktap_test *run)
{
	struct ktap_test again = KTAP_TEST_INIT;
	struct strbuf two = STRBUF_INIT;

	ktap_print(out, run);
	assert_int_equal(ktap_parse_buffer(&again, out->buf, out->len), 0);
	ktap_print(&two, &again);
	assert_string_equal(two.buf, out->buf);
	ktap_test_release(&again);
	strbuf_release(&two);
}

/* Results in any order: the highest number says what ran (was a false INCOMPLETE). */
static void test_out_of_order(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	read_regress(&sb, "out-of-order-plan-3");
	assert_int_equal(ktap_parse_buffer(&run, sb.buf, sb.len), 0);
	assert_int_equal(run.subtests_nr, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(run.subtests[i].number, i + 1);
		assert_int_equal(run.subtests[i].result, KTAP_PASS);
	}
	assert_string_equal(run.subtests[0].name, "a");
	assert_int_equal(run.result, KTAP_PASS);
	ktap_test_release(&run);

	/* A result without a number after them is the one after the highest. */
	parse_string(&run, "KTAP version 1\n1..4\nok 3 c\nok 1 a\nok 0 d\n");
	assert_int_equal(run.subtests_nr, 4);
	assert_int_equal(run.subtests[1].result, KTAP_MISSING);
	assert_int_equal(run.subtests[3].number, 4);
	assert_string_equal(run.subtests[3].name, "d");
	ktap_test_release(&run);
	strbuf_release(&sb);
}

/* 2000 results in descending order come out sorted, equal numbers in order. */
static void test_descending(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	read_regress(&sb, "descending-2000");
	strbuf_addstr(&sb, "ok 7 again\n");
	assert_int_equal(ktap_parse_buffer(&run, sb.buf, sb.len), 0);
	assert_int_equal(run.subtests_nr, 2001);
	for (size_t i = 1; i < run.subtests_nr; i++)
		assert_true(run.subtests[i - 1].number <=
			    run.subtests[i].number);
	assert_string_equal(run.subtests[6].name, "t7");
	assert_string_equal(run.subtests[7].name, "again");
	assert_int_equal(run.result, KTAP_PASS);
	ktap_test_release(&run);
	strbuf_release(&sb);
}

/* Tests in the whole tree. */
static size_t count_tree(const struct ktap_test *t)
{
	size_t n = t->subtests_nr;

	for (size_t i = 0; i < t->subtests_nr; i++)
		n += count_tree(&t->subtests[i]);
	return n;
}

/*
 * Plans and numbers up to 100000 at every level: the MISSING tests made
 * up stay within 1024 plus one per 8 bytes of input, one more per level
 * says how many it stands for.
 */
static void test_placeholders_bounded(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	const struct ktap_test *last;

	(void)state;
	read_regress(&sb, "nested-plans-100000");
	assert_int_equal(ktap_parse_buffer(&run, sb.buf, sb.len), 0);
	assert_true(count_tree(&run) <= 1024 + sb.len / 8 + 2 * 12);
	assert_int_equal(run.result, KTAP_INCOMPLETE);
	ktap_test_release(&run);

	parse_string(&run, "KTAP version 1\n1..100000\nok 1 first\n");
	/* first, the one in progress, the made-up ones and the marker */
	assert_true(run.subtests_nr <= 1 + 1 + 1024 + 40 / 8 + 1);
	last = &run.subtests[run.subtests_nr - 1];
	assert_int_equal(last->result, KTAP_MISSING);
	assert_int_equal(last->number, run.subtests_nr);
	assert_int_equal(run.unlisted, 100000 - run.subtests_nr);
	assert_non_null(
		strstr(last->reason, "more planned tests without a result"));
	/* What is listed still prints and parses back the same. */
	check_fixed_point(&out, &run);
	ktap_test_release(&run);

	/* A plan within the allowance lists every test. */
	parse_string(&run, "KTAP version 1\n1..1000\nok 1 first\n");
	assert_int_equal(run.subtests_nr, 1000);
	assert_int_equal(run.unlisted, 0);
	ktap_test_release(&run);
	strbuf_release(&sb);
	strbuf_release(&out);
}

/* Empty names and names that start with "- ": printing is a fixed point. */
static void test_empty_names(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;

	(void)state;
	read_regress(&sb, "empty-and-dash-names");
	assert_int_equal(ktap_parse_buffer(&run, sb.buf, sb.len), 0);
	assert_int_equal(run.subtests_nr, 3);
	assert_null(run.subtests[0].name);
	assert_string_equal(run.subtests[0].subtests[0].name, "- y");
	assert_string_equal(run.subtests[1].name, "-");
	assert_string_equal(run.subtests[2].name, "z");
	check_fixed_point(&out, &run);
	assert_non_null(strstr(out.buf, "\n  ok 1 - - y\n"));
	ktap_test_release(&run);
	strbuf_release(&sb);
	strbuf_release(&out);
}

/* Version lines nested past 32 levels are ignored. */
static void test_depth_cap(void **state)
{
	struct ktap_test run = KTAP_TEST_INIT;
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	const struct ktap_test *t;
	unsigned depth = 0;

	(void)state;
	read_regress(&sb, "nested-40-levels");
	assert_int_equal(ktap_parse_buffer(&run, sb.buf, sb.len), 0);
	for (t = &run; t->subtests_nr; t = &t->subtests[0])
		depth++;
	assert_true(depth <= 32);
	check_fixed_point(&out, &run);
	ktap_test_release(&run);
	strbuf_release(&sb);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kselftest_run),
		cmocka_unit_test(test_nested_ktap),
		cmocka_unit_test(test_runner_round_trip),
		cmocka_unit_test(test_print_golden),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_crash_streaming),
		cmocka_unit_test(test_bail_out),
		cmocka_unit_test(test_skip_all_and_empty),
		cmocka_unit_test(test_line_forms),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_lost_result_line),
		cmocka_unit_test(test_diag_cap),
		cmocka_unit_test(test_soup),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_descending),
		cmocka_unit_test(test_placeholders_bounded),
		cmocka_unit_test(test_empty_names),
		cmocka_unit_test(test_depth_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
