/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_REPORT_H
#define BACKPORT_REPORT_H

#include <stdbool.h>

#include <jansson.h>

#include "util/strbuf.h"

/*
 * report: a run (run.json, see run.h) rendered for people: the matrix of
 * series x target with the apply verdict of every patch, the builds, the
 * tests and the regressions against the unpatched branch.
 *
 *	report_text(&sb, run, isatty(1), false);	// terminal, colour optional
 *	report_html(&sb, run, run_dir);		// a static page
 *
 * The page needs no server: every link (logs, test results, review diffs)
 * is relative to the run's directory, where index.html is written.
 */

/*
 * The terminal matrix. A series whose verdicts fit in GRID_WIDTH columns
 * with a row per target gets that; a longer one a row per target for its
 * builds, tests and status, then its patches as rows (grid.h): those that
 * need a look, or every one with `all`.
 */
void report_text(struct strbuf *out, json_t *run, bool color, bool all);

/*
 * The HTML page. `run_dir` is the absolute directory of the run, to make
 * the paths in run.json relative to it.
 */
void report_html(struct strbuf *out, json_t *run, const char *run_dir);

/*
 * 0 when `run` has the shape report_text() and report_html() read: a
 * "series" array of {"name", "patches": [...]} and a "cells" array of
 * {"series", "target", "apply": {"patches": [{"verdict"}, ...]}}; else -1
 * and an error naming the first field that is wrong ("cells[2].target is
 * missing"). A verdict the tool does not know makes its cell an error
 * (cell.h), not a refusal.
 */
int report_check_run(json_t *run);

/* "ok", "warn", "bad" or "none": the colour class of a verdict/status. */
const char *report_class(const char *verdict);

#endif
