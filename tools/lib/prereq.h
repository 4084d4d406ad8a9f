/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_PREREQ_H
#define BACKPORT_PREREQ_H

#include <stdbool.h>

struct judge;

/*
 * prereq: the prerequisites of a patch within its queue: the earlier
 * patches of the series that add lines its hunks need (context or
 * removed lines the file lacks without them) to the same file. Read
 * from the target's verdicts so far (apply_target.patches before j->ap),
 * written to ap->needs as "<file> (<verdict> here)".
 *
 *	prereq_vacuous_removals(j);	// after evidence_classify()
 *	...
 *	prereq_find(j, true);		// among the patches that did not go in
 *	if (j->ap->needs.nr)
 *		... VERDICT_DEPENDS ...
 */

/*
 * Fill ap->needs. `failing`: from the hunks that could not go in, among
 * the patches that did not go in either (the file as it stands now);
 * else from every hunk, among the patches that went in (the file as the
 * branch had it before the series).
 */
void prereq_find(struct judge *j, bool failing);

/*
 * A removal found done proves nothing when the lines it removes are ones
 * an earlier patch that did not go in adds: such hunks become JH_UNKNOWN
 * (evidence.h), their reason naming that patch.
 */
void prereq_vacuous_removals(struct judge *j);

#endif
