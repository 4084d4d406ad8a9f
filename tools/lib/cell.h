/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_CELL_H
#define BACKPORT_CELL_H

#include <stdbool.h>

#include <jansson.h>

/*
 * cell: one series on one target, and the one status that says whether
 * it is good. `run`, `test`, `report` and the HTML page all ask this
 * function, so a cell cannot be green in one and red in another.
 *
 *	char *reason;
 *	enum cell_status st = cell_status(cell_json, &reason);
 *	printf("%s: %s\n", cell_status_name(st), reason);
 *	free(reason);
 *
 * The cell document is run.json's (run.h): "target", "apply" (apply.h's
 * target), "build": {"baseline", "series"} (build.json or null), "test":
 * {"baseline", "series", "compare"} (result.json, compare.json or null),
 * "steps": {"build": bool, "test": bool} (the steps asked for; absent:
 * what the results show), and "errors": [strings] (a step that could not
 * run: bad matrix, missing tool, killed, interrupted).
 *
 * The status is CELL_OK, or the first that holds of:
 *
 *	apply-failed	a patch did not go in (conflict, depends, stale)
 *	build-failed	the series kernel or its selftests did not build
 *	boot-failed	the series kernel did not reach the test runner
 *	crashed		the series kernel panicked
 *	hung		the series guest hung
 *	regression	a test passed on the baseline and fails with the series
 *	incomplete	a test was not run (the guest died first), or a series
 *			result has nothing to compare with
 *	error		a step could not run, or gave nothing (no build.json,
 *			no result.json), or the baseline cannot be built or
 *			booted (nothing to compare with), or a patch's
 *			verdict is not one of verdict.h's
 *
 * with a one-line reason naming the target, the variant and the test.
 */
enum cell_status {
	CELL_OK,
	CELL_APPLY_FAILED,
	CELL_BUILD_FAILED,
	CELL_BOOT_FAILED,
	CELL_CRASHED,
	CELL_HUNG,
	CELL_REGRESSION,
	CELL_INCOMPLETE,
	CELL_ERROR,
	CELL__COUNT,
};

/* "ok", "apply-failed", ...; the names in run.json and reports. */
const char *cell_status_name(enum cell_status s);

/* The status of `cell` (see above); *reason (may be NULL) is owned. */
enum cell_status cell_status(const json_t *cell, char **reason);

#endif
