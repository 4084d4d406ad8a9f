/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_EVIDENCE_H
#define BACKPORT_EVIDENCE_H

#include <stddef.h>

struct apply_patch;
struct judge;

/*
 * evidence: how each hunk of a patch stands on the branch, the evidence
 * judge.c decides the verdict from. It owns apply_file.how, .pres and
 * .where (allocated here, one per hunk) and the tally of them. A hunk
 * locate applies is forward, one whose post-image it found is reverse;
 * a hunk that failed is judged by content in its function (presence.h),
 * then in the file where its function lives now (its directory, the
 * word index), then against the whole tree (names.h: is the code it
 * changes named anywhere?). A file the branch lacks is looked for under
 * its name elsewhere first.
 *
 *	struct tally c;
 *
 *	if (evidence_classify(j) < 0)	// fills ap->files[i].how[k]
 *		return VERDICT__COUNT;
 *	evidence_tally(&c, j->ap);
 *	if (!c.forward && c.gone)
 *		... judge_hunk_name(ap->files[i].how[k]) is "gone" ...
 */

/*
 * How one hunk was judged (apply_file.how). A hunk whose post-image is
 * not where locate looks is still judged: by content in its function
 * (presence.h), in the file where its function lives now, and against
 * the whole tree (wordindex.h).
 */
enum judge_hunk {
	JH_FORWARD, /* applies: its change is not there */
	JH_REVERSE, /* its post-image is there (reverse applies) */
	JH_PRESENT, /* its change found by content in its function */
	JH_MISSING, /* its function is there, its change is not */
	JH_REWORKED, /* removed lines gone, added lines not: rewritten */
	JH_GONE, /* its code exists nowhere on the branch */
	JH_UNKNOWN, /* its code is not where it was; not proven gone */
	JH__COUNT,
};

/*
 * Hunks by how they stand; `still` counts the missing ones whose removed
 * lines are back and most added ones not (the change was undone).
 */
struct tally {
	size_t total, forward, reverse, present, missing, still, reworked, gone,
		unknown;
};

/*
 * How each hunk of each located file of j->ap stands (apply_file.how),
 * with the presence found (.pres) and the file it was found in when not
 * its own (.where). 0, or -1 on error (the repository, the word index).
 */
int evidence_classify(struct judge *j);

/* Count the hunks of `ap` by how they stand. */
void evidence_tally(struct tally *c, const struct apply_patch *ap);

#endif
