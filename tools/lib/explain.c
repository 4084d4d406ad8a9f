// SPDX-License-Identifier: GPL-2.0
/*
 * explain: the words of a verdict's detail that name hunks: which were
 * inexact, which are there already, and why each one that stops the
 * patch does. See explain.h.
 */
#include "evidence.h"
#include "explain.h"
#include "judge.h"
#include "util/strbuf.h"

/* "mmu.c hunk 3 (@@ -6986,6 +6981,24 @@): reason" for each failing hunk. */
void explain_status(struct strbuf *sb, const struct apply_patch *ap,
		    const struct patch *p, enum locate_hunk_status want,
		    const char *what)
{
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;
		const struct patch_file *pf = &p->files[i];

		for (size_t h = 0; h < r->nr; h++) {
			const struct locate_hunk_result *hr = &r->hunks[h];

			if (hr->status != want)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : "; ", ap->files[i].path, h + 1,
				    pf->hunks[h].old_start,
				    pf->hunks[h].old_count);
			if (what)
				strbuf_addf(sb, " %s", what);
			else if (hr->reason)
				strbuf_addf(sb, ": %s", hr->reason);
			first = false;
		}
	}
}

/* "mmu.c hunk 3 (-6986,6)" for each hunk judged `how`, with `what`. */
void explain_list(struct strbuf *sb, const struct judge *j, int how,
		  const char *what)
{
	const struct apply_patch *ap = j->ap;
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];

		for (size_t k = 0; k < af->hunks_nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];

			if (af->how[k] != how)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : ", ", af->path, k + 1,
				    h->old_start, h->old_count);
			if (af->where[k])
				strbuf_addf(sb, " in %s", af->where[k]);
			if (what)
				strbuf_addf(sb, " %s", what);
			first = false;
		}
	}
}

/* The reasons of each hunk that stops the patch, for a conflict. */
void explain_hunks(struct strbuf *sb, const struct judge *j)
{
	const struct apply_patch *ap = j->ap;
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];

		for (size_t k = 0; k < af->hunks_nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];
			const struct locate_hunk_result *hr =
				k < af->loc.nr ? &af->loc.hunks[k] : NULL;
			int how = af->how[k];

			if (how == JH_FORWARD || how == JH_REVERSE ||
			    how == JH_PRESENT)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : "; ", af->path, k + 1,
				    h->old_start, h->old_count);
			first = false;
			if (af->missing && !af->where[k])
				strbuf_addstr(sb, ": no such file");
			else if (af->where[k])
				strbuf_addf(sb, ": its code is in %s now (%s)",
					    af->where[k], af->pres[k].reason);
			else if (hr && hr->reason && af->pres[k].reason)
				strbuf_addf(sb, ": %s (%s)", hr->reason,
					    af->pres[k].reason);
			else if (hr && hr->reason)
				strbuf_addf(sb, ": %s", hr->reason);
			else if (af->pres[k].reason)
				strbuf_addf(sb, ": %s", af->pres[k].reason);
			if (how == JH_GONE)
				strbuf_addstr(sb, ", nowhere on the branch");
		}
	}
}

/* "... (every hunk's change found: 2 by reverse apply, 1 by content)" */
void explain_present(struct strbuf *d, const struct judge *j,
		     const struct tally *c)
{
	if (d->len)
		strbuf_addstr(d, "; ");
	if (c->reverse + c->present) {
		if (c->reworked || c->missing)
			strbuf_addf(d, "%zu of %zu hunks' change found:",
				    c->reverse + c->present, c->total);
		else
			strbuf_addf(d, "every hunk's change found:");
		if (c->reverse)
			strbuf_addf(d, " %zu by reverse apply", c->reverse);
		if (c->present)
			strbuf_addf(d, "%s %zu by content in %s",
				    c->reverse ? "," : "", c->present,
				    c->present == 1 ? "its function" :
						      "their functions");
	}
	if (c->gone) {
		strbuf_addstr(d, c->reverse + c->present ? "; " : "");
		explain_list(d, j, JH_GONE,
			     "changes code that exists nowhere "
			     "on the branch now");
	}
	if (c->reworked || c->missing) {
		strbuf_addstr(d, "; changed since: ");
		explain_list(d, j, JH_REWORKED, NULL);
		if (c->reworked && c->missing)
			strbuf_addstr(d, ", ");
		explain_list(d, j, JH_MISSING, NULL);
	}
}
