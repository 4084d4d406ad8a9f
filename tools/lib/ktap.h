/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_KTAP_H
#define BACKPORT_KTAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/*
 * ktap: a parser for the test results a guest prints on its serial
 * console: KTAP version 1 (Documentation/dev-tools/ktap.rst) and the
 * TAP 13 of kselftest's runner.sh, and a printer that writes a result
 * tree back as KTAP version 1.
 *
 * What it understands:
 *
 *  - version lines ("KTAP version 1", "TAP version 13"), plans ("1..N"),
 *    results ("ok 1 name", "not ok 2 - name # DIRECTIVE reason"),
 *    diagnostics ("# text"), "Bail out! reason";
 *  - directives SKIP, TODO, XFAIL, TIMEOUT and ERROR (case-insensitive),
 *    other text after '#' kept as the reason ("# exit=254" also sets
 *    exit_code), and three of our own: CRASH, INCOMPLETE and MISSING,
 *    which ktap_print() writes so that its output parses back the same;
 *  - nested tests: a version line indented by spaces or tabs (KUnit: two
 *    or four spaces) or by "# " (kselftest runner.sh prefixes each test's
 *    own TAP output with "# ") opens a level of subtests, which the next
 *    result line at the outer level closes;
 *  - printk timestamps ("[   12.345678] ", also "[    T1] " caller ids)
 *    are stripped; lines that are none of the above (kernel messages on
 *    the same serial line, boot chatter before the first version line)
 *    are ignored, as the KTAP spec says of "unknown lines";
 *  - a stream that stops early (the guest died): tests with a result
 *    keep it, the test in progress at each level becomes INCOMPLETE (or
 *    CRASH after ktap_parser_crash()), planned tests that never ran are
 *    MISSING, and so are holes in the numbering (a result number of 0 or
 *    above 100000 is taken as the next number); results may come in any
 *    order.
 *
 * Hostile input is bounded by its size, not by the numbers it declares:
 * the MISSING tests made up for a whole run are at most 1024 plus one
 * per 8 bytes of input; past that, one MISSING test per level stands for
 * the rest of it (its reason says how many; ktap_test.unlisted counts
 * them) and the printout of such a run is not a fixed point. Version
 * lines nested deeper than 32 levels are ignored.
 *
 * The test in progress is the one after the highest result number at its
 * level.
 * Its name is taken from the first marker since that result: "# Subtest:
 * NAME" (KUnit), "# selftests: SUITE: NAME" (runner.sh, kept whole so it
 * matches the result line) or "# running NAME" (our runner).
 *
 *	struct ktap_parser p = KTAP_PARSER_INIT;
 *	struct ktap_test run = KTAP_TEST_INIT;
 *
 *	while ((line = next_line(&len)))
 *		ktap_parser_feed(&p, line, len);
 *	if (guest_panicked)
 *		ktap_parser_crash(&p, "Kernel panic - not syncing: ...");
 *	ktap_parser_finish(&p, &run);		// run.subtests: the tests
 *	ktap_parser_release(&p);
 *	...
 *	ktap_test_release(&run);
 *
 * or ktap_parse_buffer(&run, buf, len) for a whole log at once.
 *
 * NEEDSWORK: a kernel message that lands in the middle of a result line
 * (printk does not wait for userspace to finish its line) breaks that
 * line; we do not try to splice it back together.
 * NEEDSWORK: TAP 14's "Subtest:" form without a nested version line and
 * YAML blocks ("  ---" ... "  ...") are not understood; YAML lines are
 * ignored as unknown lines.
 * NEEDSWORK: only "# " lines are kept as diagnostics; unknown lines
 * (kernel messages, a test's output that runner.sh did not prefix) are
 * dropped here: the console scanner (console.h) sees them.
 * NEEDSWORK: diagnostics between a nested version line and its plan go
 * to the parent (KUnit's "# Subtest:"), so in a level without a plan all
 * of those before its first result do.
 * NEEDSWORK: a second top-level version line (say a second run on the
 * same console) is ignored; its results join the first run.
 */

enum ktap_result {
	KTAP_PASS,
	KTAP_FAIL,
	KTAP_SKIP,
	KTAP_XFAIL, /* "# XFAIL", or "not ok ... # TODO" */
	KTAP_TIMEOUT,
	KTAP_ERROR,
	KTAP_CRASH, /* in progress when the guest crashed */
	KTAP_INCOMPLETE, /* in progress when the output stopped */
	KTAP_MISSING, /* planned, never started */
	KTAP_RESULT_NR
};

/* Keep at most this many diagnostic lines per test (the last ones). */
#define KTAP_MAX_DIAG 200

struct ktap_test {
	char *name; /* the description, or NULL */
	unsigned number; /* 1-based; 0 for the root of a run */
	enum ktap_result result;
	char *reason; /* text after the directive / '#', or NULL */
	int exit_code; /* from "# exit=N", else -1 */
	unsigned line; /* input line of the result line, or 0 */

	/* Diagnostic lines before the result, without "# ". */
	char **diag;
	size_t diag_nr, diag_alloc;
	size_t diag_dropped; /* older lines dropped beyond KTAP_MAX_DIAG */

	/* Subtests; for the root of a run, the top-level tests. */
	char *version; /* their version line, e.g. "TAP version 13" */
	int plan; /* their plan "1..N", or -1 */
	char *bail_out; /* "Bail out!" reason ("" if none), or NULL */
	struct ktap_test *subtests;
	size_t subtests_nr, subtests_alloc;
	/*
	 * Planned subtests without a result that are not listed: beyond
	 * the parser's allowance of made-up MISSING tests (see below), the
	 * last listed MISSING subtest stands for them and says how many.
	 */
	unsigned unlisted;
};

#define KTAP_TEST_INIT                      \
	{                                   \
		.exit_code = -1, .plan = -1 \
	}

void ktap_test_init(struct ktap_test *t);
void ktap_test_release(struct ktap_test *t);

/* "pass", "fail", "skip", "xfail", "timeout", "error", "crash", ... */
const char *ktap_result_name(enum ktap_result r);
/* Does this result count as a failure (all but pass, skip, xfail)? */
bool ktap_result_is_failure(enum ktap_result r);

/*
 * The name without runner.sh's "selftests: SUITE: " prefix, e.g.
 * "x86_64/state_test" for "selftests: kvm: x86_64/state_test"; "" when
 * the test has no name. Borrowed.
 */
const char *ktap_test_short_name(const struct ktap_test *t);

/* The direct subtest called `name` (full or short name), or NULL. */
struct ktap_test *ktap_test_find(const struct ktap_test *t, const char *name);

/* Count the direct subtests of `t` by result into counts[KTAP_RESULT_NR]. */
void ktap_test_count(const struct ktap_test *t, unsigned *counts);

struct ktap_level;

struct ktap_parser {
	unsigned lineno; /* lines fed so far */
	bool seen_version; /* a top-level version line came */
	bool finished;
	char *crash_reason;
	size_t bytes; /* input fed so far */
	size_t placeholders; /* MISSING tests made up so far */
	struct strbuf partial; /* ktap_parser_write()'s unfinished line */
	/* private: the open levels, 0 = top */
	struct ktap_level *levels;
	size_t levels_nr, levels_alloc;
};

#define KTAP_PARSER_INIT               \
	{                              \
		.partial = STRBUF_INIT \
	}

void ktap_parser_init(struct ktap_parser *p);
void ktap_parser_release(struct ktap_parser *p);

/*
 * Feed one line, with or without its "\n" or "\r\n" (text with several
 * newlines is taken as several lines). Returns 0, or -1 with the error
 * recorded after ktap_parser_finish().
 */
int ktap_parser_feed(struct ktap_parser *p, const char *line, size_t len);

/*
 * Feed raw output as it arrives, in pieces of any size; an unfinished
 * last line waits for the next call or for ktap_parser_finish().
 */
int ktap_parser_write(struct ktap_parser *p, const char *buf, size_t len);

/*
 * Is a top-level test running now? If so, set *number (1-based) and
 * *name (the marker's name, or NULL when none was printed; borrowed,
 * valid until the next feed). For attributing console events.
 */
bool ktap_parser_in_progress(const struct ktap_parser *p, unsigned *number,
			     const char **name);

/*
 * The guest crashed: at ktap_parser_finish(), the tests in progress
 * become KTAP_CRASH with `reason` (e.g. the panic line) rather than
 * KTAP_INCOMPLETE.
 */
void ktap_parser_crash(struct ktap_parser *p, const char *reason);

/*
 * End the stream and move the run into `out` (the root: number 0, its
 * subtests are the top-level tests), which the caller releases with
 * ktap_test_release(). The root's result sums up the top-level tests:
 * the worst failure, else skip when all were skipped, else pass; with no
 * version line at all it is KTAP_MISSING (KTAP_CRASH after a crash).
 * Returns 0, or -1 when called twice.
 */
int ktap_parser_finish(struct ktap_parser *p, struct ktap_test *out);

/* Parse a whole log into `out`; see ktap_parser_finish(). */
int ktap_parse_buffer(struct ktap_test *out, const char *buf, size_t len);

/*
 * Append `run` (a root as ktap_parser_finish() makes it) to `out` as
 * KTAP version 1: nested levels indented by two spaces, each test's
 * diagnostics before its subtests and result line, the root's own
 * diagnostics at the end; each plan is the highest test number. The
 * printout parses back to the same tree, and printing is a fixed point:
 * print(parse(print(x))) == print(x). Our runner's KTAP (one top-level
 * test per selftest, "# running NAME" markers, SKIP/TIMEOUT/ERROR
 * directives, "# exit=N") prints back byte for byte.
 */
void ktap_print(struct strbuf *out, const struct ktap_test *run);

#endif
