/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_GUARD_H
#define BACKPORT_GUARD_H

#include <stdbool.h>

#include "lib/locate-internal.h"

/*
 * guard: the checks against a false clean (locate.h's "No false clean")
 * that a hunk matched anywhere but exactly at its header position must
 * pass before locate.c takes the match. Internal to the locator: each
 * takes its state (locate-internal.h). A guard returns NULL when the
 * landing is fine, else the reason to refuse it, which the caller owns
 * (it becomes the hunk's `reason`, and the hunk HUNK_FAILED).
 *
 *	char *why = guard_ambiguous(lc, hc, lv, pre, guess, &hit);
 *
 *	if (!why)
 *		why = guard_duplicate(lc, hc, lv, pre, map, hit.pos, end);
 *	if (!why)
 *		why = guard_scope(lc, hc, hit.pos - old_before(hc, lv->a),
 *				  lv->fuzz ? "fuzzy" : "inexact");
 *	if (why) {
 *		hr->status = HUNK_FAILED;
 *		hr->reason = why;
 *	}
 */

/*
 * The old side matched at [pos, end) (file lines of pattern `pre` in
 * `map`): its '+' lines are already there near it (a run of them within
 * 200 lines, a single one right next to it), or one of them defines a
 * function the file already defines outside the lines the patch removes.
 */
char *guard_duplicate(const struct locator *lc, const struct hunkctx *hc,
		      const struct level *lv, const struct pattern *pre,
		      const long *map, long pos, long end);

/* With fuzz: `pre` matches at a second place besides `hit`. */
char *guard_ambiguous(const struct locator *lc, const struct hunkctx *hc,
		      const struct level *lv, const struct pattern *pre,
		      long guess, const struct hit *hit);

/*
 * In C source: a hunk whose first line would stand at `start` lands in
 * another definition than the one its header names (scope.h), and not in
 * one the patch itself adds. `how` ("fuzzy", "inexact") is for the
 * reason.
 */
char *guard_scope(const struct locator *lc, const struct hunkctx *hc,
		  long start, const char *how);

/* Whether a post-image found away from its place is out of scope. */
bool guard_out_of_scope(const struct locator *lc, const struct hunkctx *hc,
			long start);

#endif
