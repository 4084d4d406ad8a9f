/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_EMIT_H
#define BACKPORT_EMIT_H

#include "lib/locate-internal.h"

/*
 * emit: the emitter of the hunk locator, which writes res->out
 * (locate.h) as the hunks land, in order: the file's own lines up to a
 * hunk, then the hunk's new side, old lines taken verbatim from the
 * file. Internal to the locator (locate-internal.h). lc->fpos is the
 * first line of the file not written yet, lc->out_lines the lines
 * written so far.
 *
 * The '+' lines of a damaged hunk are rebuilt on the way: taken from
 * opts.reference where it holds the hunk's post-image (or the line is
 * there once, byte for byte), else indented as the lines written before
 * suggest; each rebuilt line is added to the hunk's `repairs`.
 *
 *	emit_hunk(lc, hr, hc, lv, pre, map, hit.pos, end);
 *	lc->min_pos = end;			// lc->fpos is `end` now
 *	...
 *	emit_file(lc, lc->fpos, lc->file.nr);	// the rest of the file
 */

/* Write the file's lines [from, to) as they are. */
void emit_file(struct locator *lc, long from, long to);

/*
 * Write the hunk whose old side (pattern `pre`) matched file lines
 * [start, end) as `map` says: the file from lc->fpos up to it, then its
 * new side. Sets hr->out_pos, adds hr->repairs, and marks the lines it
 * removes in lc->removed.
 */
void emit_hunk(struct locator *lc, struct locate_hunk_result *hr,
	       const struct hunkctx *hc, const struct level *lv,
	       const struct pattern *pre, const long *map, long start,
	       long end);

#endif
