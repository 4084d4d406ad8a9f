/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_STABLEMAIL_H
#define BACKPORT_STABLEMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "mail.h"
#include "verdict.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * stablemail: the mails a stable maintainer sends about one patch on one
 * branch, drafted from the verdict (FIELD.md section 3):
 *
 *  - a patch that applied (applied, applied-offset, applied-fuzz,
 *    merged-3way, resolved-recorded, adapted) gets the queued patch in
 *    stable form: From: the original author, Subject: [PATCH 6.12.y]
 *    <title>, a body that starts "commit <sha> upstream." (else a Link:
 *    to the Message-ID), the original message, "[ ... ]" notes for what
 *    was not exact, the backporter's Signed-off-by, "---", a test summary
 *    when there is one, the diffstat and the diff of the backport commit;
 *  - a patch that did not apply (conflict, depends, stale-resolution,
 *    not-applicable, partially-present) gets the FAILED mail: "FAILED:
 *    patch "<title>" failed to apply to 6.12-stable tree", why, and the
 *    recipe to reproduce and resubmit it (git cherry-pick -x, or backport
 *    resolve/record), with the original patch quoted below;
 *  - not-requested and already-present get no mail.
 *
 * Mails are mbox entries (a "From " line first), RFC 822 with MIME
 * headers for UTF-8 bodies; non-ASCII header text is RFC 2047-encoded.
 * The module formats into a buffer; it never prints or writes files.
 *
 *	struct stablemail sm = STABLEMAIL_INIT;
 *	sm.upstream = mail; sm.verdict = ap->verdict; ...
 *	if (stablemail_kind(sm.verdict) != STABLEMAIL_NONE)
 *		stablemail_format(&out, &sm);
 */

enum stablemail_kind {
	STABLEMAIL_NONE,
	STABLEMAIL_QUEUED,
	STABLEMAIL_FAILED,
};

struct stablemail {
	const struct mail *upstream; /* the series' mail */
	/* resolved-recorded: the recorded patch (its note, its message). */
	const struct mail *resolution;
	const char *series;
	const char *target; /* "linux-6.12.y@v6.12.111" */
	const char *branch; /* "linux-6.12.y" */
	const char *rev; /* "v6.12.111", or NULL for the tip */
	size_t index, total; /* 1-based position in the series */
	enum verdict verdict;
	const char *detail;
	/* Queued: the backport commit, its diff and diffstat. */
	const char *commit;
	const char *diff, *diffstat;
	const char *signoff; /* "Name <email>" of the backporter */
	const char *tests; /* "Tests: ..." line, or NULL */
	/* FAILED: the mail's path under series/, for `git am`. */
	const char *series_file;
	/* FAILED: commands that put the earlier patches of the series on. */
	const struct strvec *before;
	time_t now; /* the Date: of a FAILED mail */
};

#define STABLEMAIL_INIT \
	{               \
		0       \
	}

/* Which mail a verdict gets. */
enum stablemail_kind stablemail_kind(enum verdict v);

/* Format the mail into `out` (appending). NONE formats nothing. */
void stablemail_format(struct strbuf *out, const struct stablemail *sm);

/*
 * A file name for the mail: "0002-<slug of the title>.mbox", with
 * "FAILED-" before the slug for a FAILED mail. Caller frees.
 */
char *stablemail_file_name(const struct stablemail *sm);

/*
 * The one-line test summary of `path` (results/test/<target>/
 * compare.json, written by `backport test`): "Tests: 12 passed, 0
 * regressions" and the other non-zero counts, from its "summary" object
 * (name: number) or string when there is one, else from its "counts"
 * (selftest.h: pass, fixed, regression, ...). *out is NULL when the file
 * does not exist. Returns -1 (error naming the file) when it does not
 * parse as JSON.
 */
int stablemail_test_summary(char **out, const char *path);

/*
 * NEEDSWORK: the FAILED recipe checks out the target and replays the
 * earlier patches one by one; it cannot name a commit of the backport
 * state, which lives only in memory. NEEDSWORK: To:/Cc: are the author
 * and stable@vger.kernel.org only; the patch's other Cc's and the
 * maintainers of the files are not added.
 */

#endif
