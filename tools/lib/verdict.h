/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_VERDICT_H
#define BACKPORT_VERDICT_H

#include <stdbool.h>

/*
 * verdict: the fixed vocabulary that says what happened to one patch on
 * one branch. Every command and the JSON output use these names.
 *
 *	applied			every hunk applied where its header says
 *	applied-offset		applied, some hunks at another line
 *	applied-fuzz		applied with outer context lines ignored
 *	merged-3way		applied by a 3-way merge from the preimage blob
 *	already-present		the change is there already
 *	partially-present	a reworked form: some hunks present, others not
 *	not-applicable		the files or functions it touches do not exist
 *	not-requested		the stable tag's range excludes the branch
 *	depends			an earlier patch it builds on did not apply
 *	conflict		some hunk does not apply; each one says why
 *	resolved-recorded	a recorded resolution applied
 *	adapted			applied after known identifier renames
 *	stale-resolution	a recorded resolution no longer matches
 *
 * A fuzzy or repaired result is never reported as `applied`.
 */
enum verdict {
	VERDICT_APPLIED,
	VERDICT_APPLIED_OFFSET,
	VERDICT_APPLIED_FUZZ,
	VERDICT_MERGED_3WAY,
	VERDICT_ALREADY_PRESENT,
	VERDICT_PARTIALLY_PRESENT,
	VERDICT_NOT_APPLICABLE,
	VERDICT_NOT_REQUESTED,
	VERDICT_DEPENDS,
	VERDICT_CONFLICT,
	VERDICT_RESOLVED_RECORDED,
	VERDICT_ADAPTED,
	VERDICT_STALE_RESOLUTION,
	VERDICT__COUNT,
};

/* "applied-offset", ... */
const char *verdict_name(enum verdict v);
/* Parse a name back; -1 when unknown. */
int verdict_from_name(const char *name);
/* Whether the patch's change is in the result (applied in some form). */
bool verdict_is_applied(enum verdict v);
/* Whether the verdict makes the cell fail (exit code 1). */
bool verdict_is_failure(enum verdict v);
/* At most 5 characters, for tables: "ok", "off", "fuzz", "conf", ... */
const char *verdict_short(enum verdict v);
/*
 * Whether a maintainer must look before signing: the change went in
 * changed or not at all (fuzz, 3-way, adapted, partially-present,
 * depends, conflict, stale-resolution).
 */
bool verdict_needs_look(enum verdict v);

#endif
