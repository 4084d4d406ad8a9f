/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_EXPLAIN_H
#define BACKPORT_EXPLAIN_H

#include "locate.h"
#include "util/strbuf.h"

struct apply_patch;
struct judge;
struct patch;
struct tally;

/*
 * explain: the words of a verdict's detail (judge.detail) that name the
 * hunks: which landed inexactly, which are there already and how that
 * was found, and why each hunk that stops the patch does. A hunk is
 * named "<path> hunk <n> (-<old start>,<old count>)", "in <file>" when
 * its code was found elsewhere. Appends to `sb`; never fails.
 *
 *	explain_list(d, j, JH_REVERSE, "already present");
 *	strbuf_addstr(d, "; missing: ");
 *	explain_hunks(d, j);	// "mm.c hunk 2 (-10,6): context not found"
 */

/*
 * Each hunk that locate left with status `want`: with `what`, else with
 * its reason ("mm.c hunk 3 (-6986,6): 1 context line(s) ignored ...").
 */
void explain_status(struct strbuf *sb, const struct apply_patch *ap,
		    const struct patch *p, enum locate_hunk_status want,
		    const char *what);

/* Each hunk judged `how` (evidence.h: JH_*), followed by `what` if any. */
void explain_list(struct strbuf *sb, const struct judge *j, int how,
		  const char *what);

/* The reasons of each hunk that stops the patch, for a conflict. */
void explain_hunks(struct strbuf *sb, const struct judge *j);

/*
 * How a change was found present: "every hunk's change found: 2 by
 * reverse apply, 1 by content in its function", the hunks whose code is
 * gone, and those changed since.
 */
void explain_present(struct strbuf *d, const struct judge *j,
		     const struct tally *c);

#endif
