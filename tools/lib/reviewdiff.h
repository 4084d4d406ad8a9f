/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_REVIEWDIFF_H
#define BACKPORT_REVIEWDIFF_H

#include <stdbool.h>

#include <git2.h>
#include <jansson.h>

#include "apply.h"
#include "series.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * reviewdiff: the review of one target's backport of a series, what
 * `backport diff` prints and `backport run` keeps beside each cell. The
 * series is applied again in memory on the target and on the newer
 * targets (nothing is written to the repository), and each applied
 * patch's commit is compared (review.h) with the upstream patch as
 * mailed and with the same patch's backport on the next newer target
 * where it applied.
 *
 *	struct reviewdiff_opts o = REVIEWDIFF_OPTS_INIT;
 *	struct strbuf text = STRBUF_INIT;
 *	o.apply = &apply_opts;
 *	if (review_objects_in_memory(repo) < 0)	// once per repository
 *		return -1;
 *	if (reviewdiff_make(&text, NULL, repo, &matrix_targets, &series,
 *			    "linux-6.12.y", &o) < 0)
 *		return -1;	// error set: the target, or the repository
 */
struct reviewdiff_opts {
	long patch;		/* only this patch (1-based); 0: each */
	bool against_newer;	/* only the comparison with newer */
	const struct apply_opts *apply; /* how the series is applied */
};

#define REVIEWDIFF_OPTS_INIT { 0, false, NULL }

/*
 * Review `s` on `target` (a branch or <branch>@<rev>), with `targets`
 * (the matrix's) as the newer ones to compare with. The text goes to
 * `text` when it is set, else the JSON document (owned) to *json:
 * { "series", "target", "patches": [ { "index", "file", "title",
 * "verdict", "detail", "commit", "upstream_commit", "upstream": review |
 * null, "newer": { "target", "verdict", "commit", "skipped", "review" } |
 * null } ] }. Returns 0, or -1 with an error.
 */
int reviewdiff_make(struct strbuf *text, json_t **json, git_repository *repo,
		    const struct strvec *targets, const struct series *s,
		    const char *target, const struct reviewdiff_opts *o);

#endif
