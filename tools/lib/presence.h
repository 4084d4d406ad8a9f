/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_PRESENCE_H
#define BACKPORT_PRESENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/lines.h"

struct patch;
struct patch_hunk;

/*
 * presence: is a hunk's change in a file when its context moved? The
 * reverse-apply check (locate.h: HUNK_ALREADY_APPLIED) needs the hunk's
 * post-image, context included; later patches change that context all
 * the time, and then neither forward nor reverse application matches.
 * This looks at the change itself, inside the function it belongs to:
 *
 *   A hunk's change is present when its added lines stand in the
 *   function its header names (or, without a header, the definitions it
 *   spans), in order, and the lines it removes are gone from where they
 *   stand.
 *
 * A pure module: a hunk and a file's lines in, a state out.
 *
 *	struct lines f = LINES_INIT;
 *	struct presence r;
 *	lines_split(&f, buf, len);
 *	presence_check(&r, hunk, patch, &f, 0);
 *	r.state, r.from, r.to, r.reason
 *	presence_release(&r);
 *
 * Lines are compared whitespace-normalised (util/lines.h); blank and
 * trivial lines (braces, bare returns, labels: fewer than five
 * identifier characters) prove nothing and are left out, and so are
 * lines a hunk both removes and adds (moved, or re-indented).
 *
 * Where: the function is found by its header (scope.h); for a hunk
 * without a header, by the rarest of its context lines that the file
 * holds, taking the definition around it (not with PRESENCE_BY_NAME).
 * Without either the state is PRESENCE_UNKNOWN: the code the hunk
 * changes is not in this file.
 *
 * A hunk that only removes lines shows its change only through its
 * context: present when two of its context lines stand close together
 * (within its new length and ten lines) with the removed lines gone
 * from between; otherwise PRESENCE_REWORKED.
 *
 * "Gone from where they stand": a removed line counts as still there
 * when it stands between the first and last added line found, or
 * within the hunk's old length of them (for a hunk that only removes,
 * near its context lines, else anywhere in the function). A removed line
 * that is also elsewhere in the function (a second unlock) is not
 * evidence.
 */

enum presence_state {
	PRESENCE_UNKNOWN, /* its function is not in the file */
	PRESENCE_PRESENT, /* the change is there */
	/*
 * The function is there and the change positively is not: a line
	 * it removes still stands, or (a hunk that only adds) its context
	 * stands without any of its added lines.
	 */
	PRESENCE_MISSING,
	/*
	 * The function is there, the lines it removes are gone, its added
	 * lines are not (all) there: rewritten since, in a way that tells
	 * neither "present" nor "missing". For a hunk that only removes
	 * lines, also: its context cannot be found to show the removal.
	 */
	PRESENCE_REWORKED,
};

/* presence_check() flags. */
enum {
	/* Find the function by its header only, never by context. */
	PRESENCE_BY_NAME = 1 << 0,
};

struct presence {
	enum presence_state state;
	/* The function looked in, 1-based lines; 0 when none. */
	long from, to;
	/* PRESENT: where the first added line stands (1-based), or 0. */
	long at;
	/* MISSING: a removed line still there (1-based), or 0. */
	long still;
	/* PRESENT by its removed lines being gone alone (none it adds). */
	bool removal;
	/* Its added lines that count, and how many of them stand. */
	size_t added, added_found;
	/* One line: what decided, naming lines ("2 of 3 added lines ..."). */
	char *reason;
};

void presence_release(struct presence *r);

/*
 * Judge hunk `h` of patch `p` (may be NULL) on the file `f`. Lines that
 * another hunk of `p` adds back or removes (code the patch moves, within
 * a file or between files) are not evidence. `r` is overwritten.
 */
void presence_check(struct presence *r, const struct patch_hunk *h,
		    const struct patch *p, const struct lines *f,
		    unsigned flags);

/*
 * Does a line count as evidence (not blank, not trivial)? `norm` is
 * ws_normalize()d.
 */
bool presence_line_counts(const char *norm, size_t nlen);

#endif
