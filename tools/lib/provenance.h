/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_PROVENANCE_H
#define BACKPORT_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "changelog.h"
#include "util/strbuf.h"
#include "util/strset.h"

struct mail;

/*
 * provenance: does a branch's history say a patch is already there? The
 * way the kernel CNA's verhaal and ChromeOS findmissing decide "already
 * backported", from what the history records, before anything is read
 * of the code:
 *
 *  - the upstream commit itself in the branch's ancestry (a clone that
 *    holds mainline, as linux-stable does: a newer branch has it);
 *  - an upstream id: a commit whose message names the patch's upstream
 *    commit ("commit <sha> upstream.", "[ Upstream commit <sha> ]",
 *    "(cherry picked from commit <sha>)", any line with "upstream" and
 *    the 40-hex id);
 *  - the same title as a commit of the history;
 *  - the same stable patch-id as a commit of the history (computed only
 *    when asked, for commits that change at most 100 files);
 *  - on trees imported from Debian packages (one commit per release),
 *    the changelog note `backport trees` keeps with each release commit
 *    (trees.h): the patch's title listed under a stable release of the
 *    branch's own series (6.12.x for a 6.12 target).
 *
 * Reverts count: a later commit "This reverts commit <id>." or titled
 * `Revert "<title>"`, or a later `Revert "<title>"` in the changelog,
 * undoes the evidence (and a later re-application restores it).
 *
 *	struct provenance pv = PROVENANCE_INIT;
 *	if (provenance_load(&pv, repo, &base, 6012, 30000) < 0)
 *		return -1;
 *	r = provenance_find(&evidence, &pv, mail, false);
 *	provenance_release(&pv);
 *
 * The walk stops at `depth` commits or at the branch point (a commit
 * tagged v<major>.<minor>, mainline's release the branch started from).
 * What it finds is evidence for the verdict, and the verdict's detail
 * names it; apply.h says how it is weighed against the code.
 */

struct provenance_mark {
	char upstream[41];
	git_oid commit;
};

struct provenance_title {
	char *key; /* changelog_title_key() of the summary */
	git_oid commit;
};

struct provenance_pid {
	char id[41];
	git_oid commit;
};

struct provenance {
	git_repository *repo;
	git_oid tip;
	unsigned version;
	/* Commits walked, newest first. */
	git_oid *walk;
	size_t walk_nr, walk_alloc;
	/* Upstream ids named in messages, newest first; reverted skipped. */
	struct provenance_mark *marks;
	size_t marks_nr, marks_alloc;
	/* Summaries, newest first (reverts included, as "Revert ..."). */
	struct provenance_title *titles;
	size_t titles_nr, titles_alloc;
	/* Commits a later commit reverts. */
	git_oid *reverted;
	size_t reverted_nr, reverted_alloc;
	/* The newest changelog note: its entries of our series. */
	struct changelog log;
	char *log_name; /* "linux-source-6.12 6.12.111-1~deb12u1" */
	/* The log's titles without their arch tag: a quick "not listed". */
	struct strset listed;
	/* Patch-ids of the walked commits, computed on first need. */
	bool pids_loaded;
	struct provenance_pid *pids;
	size_t pids_nr, pids_alloc;
};

#define PROVENANCE_INIT \
	{               \
		0       \
	}

void provenance_release(struct provenance *pv);

/*
 * Read the history of `tip` (the target's base) into `pv`: messages,
 * summaries and the newest changelog note. `version` (6012) selects the
 * changelog entries of the branch's series; 0 takes every entry.
 */
int provenance_load(struct provenance *pv, git_repository *repo,
		    const git_oid *tip, unsigned version, unsigned depth);

enum provenance_found {
	PROVENANCE_NONE, /* the history says nothing */
	PROVENANCE_PRESENT, /* this very change: `evidence` says where */
	/*
	 * A commit or changelog entry of the same title: this change, or
	 * another version of it (a list posting's v2 and v3 share a title).
	 */
	PROVENANCE_TITLE,
	PROVENANCE_REVERTED, /* it was there and was reverted */
};

/*
 * Look for `m` (its upstream id, title and patch-id; patch-ids only when
 * `by_patch_id`) in the history. Appends the evidence to `out`, e.g.
 * "upstream 0123456789ab named in commit 89abcdef0123 ('foo: fix')" or
 * "title listed under 6.12.111 in the changelog of linux-source-6.12
 * 6.12.111-1~deb12u1". Returns an enum provenance_found, or -1 when the
 * repository failed.
 */
int provenance_find(struct strbuf *out, struct provenance *pv,
		    const struct mail *m, bool by_patch_id);

/*
 * Is `upstream` (a 40-hex id) named by a commit of the history that was
 * not reverted? For a Fixes: tag: a fix whose culprit is absent does not
 * apply. Returns the commit or NULL.
 */
const git_oid *provenance_has_upstream(const struct provenance *pv,
				       const char *upstream);

/*
 * Is the commit `sha` (7 to 40 hex digits) titled `title` (either may be
 * NULL) on the branch: in its ancestry, named as upstream by a commit of
 * the history, a commit of the same title, or its title listed in the
 * changelog note? What a Fixes: tag names: the bug it fixes came with
 * that commit. 1 with the evidence appended to `out`, else 0.
 */
int provenance_has_commit(struct strbuf *out, struct provenance *pv,
			  const char *sha, const char *title);

#endif
