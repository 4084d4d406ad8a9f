/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_APPLY_H
#define BACKPORT_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "hunkmem.h"
#include "linecache.h"
#include "locate.h"
#include "presence.h"
#include "provenance.h"
#include "resolution.h"
#include "series.h"
#include "verdict.h"
#include "wordindex.h"
#include "util/strset.h"

/*
 * apply: put a series onto one target (a branch tip, or a branch at a
 * given release) in memory with libgit2: no checkout, no index, no
 * worktree. Each patch gets a verdict (verdict.h) with the detail behind
 * it; each applied patch becomes a commit on top of the previous one, and
 * the last commit is what the target's ref in our own namespace
 * (refs/backport/<series>/<target>) will point to. Refs are written only
 * by apply_update_refs(), all together, at the end.
 *
 *	struct apply_target t = APPLY_TARGET_INIT;
 *	struct apply_opts opts = APPLY_OPTS_INIT;
 *	apply_target_set(&t, "kvm-x86-mmu", "linux-6.12.y@v6.12.111");
 *	if (apply_series(&t, repo, &series, &opts) < 0)
 *		return -1;	// the repository failed us: not a verdict
 *	for (i...) t.patches[i].verdict, .detail, .files[k].loc.hunks ...
 *	if (apply_update_refs(repo, &t, 1) < 0)
 *		return -1;
 *	apply_target_release(&t);
 *
 * How one patch is judged (judge.h has the rules, the README "How a
 * verdict is decided" the reasons):
 *  1. the hunk locator (locate.h), file by file: applied /
 *     applied-offset / applied-fuzz, fuzz and offsets only inside the
 *     function the hunk names; else a 3-way merge when the preimage blob
 *     of the `index` line is in the repository (merged-3way).
 *  2. what did not apply gets its evidence: already-present by history
 *     (provenance.h) or by content (presence.h), partially-present,
 *     depends on earlier patches of the series that did not go in,
 *     not-applicable only when some hunk's code provably exists nowhere
 *     on the target (wordindex.h), else conflict with every failing
 *     hunk's reason; an applied patch that calls a helper the target
 *     lacks is a conflict naming it.
 *  3. a conflict, depends or not-applicable is replayed from what was
 *     recorded (replay.c): a resolution in backports/ for this branch or
 *     another (resolved-recorded, or stale-resolution), a hunk resolved
 *     before (hunkmem.h), a file renamed on the target (adapted).
 *  4. not-requested: the stable tag's range excludes the target's
 *     version (unless opts->all_branches); the detail says what the
 *     verdict would have been.
 */

struct apply_file {
	char *path; /* the path on the target (new name) */
	char *old_path; /* where it was read from */
	bool missing; /* the file to modify is not there */
	struct locate_result loc;
	bool merged; /* content comes from a 3-way merge */
	bool merge_conflict; /* the 3-way merge left markers */
	struct strbuf merge_out; /* merge result (with markers) */
	git_oid blob; /* new content, when applied */
	bool deleted;
	/*
	 * Per hunk of the patch file (pf->nr, even when the file is
	 * missing): how it was judged (enum judge_hunk in judge.c), its
	 * change found by content (presence.h) and where, when not here.
	 */
	int *how;
	struct presence *pres;
	char **where;
	size_t hunks_nr;
};

struct apply_patch {
	const struct series_patch *sp; /* borrowed from the series */
	enum verdict verdict;
	/* For not-requested: what applying would have given. */
	enum verdict would_be;
	char *detail; /* one line: why, in words */
	struct apply_file *files;
	size_t nr, alloc;
	/* Lines of a damaged mail rebuilt: from a reference / guessed. */
	size_t repaired_from_reference, repaired_guessed;
	git_oid commit; /* when applied */
	bool has_commit;
	git_oid before; /* the backport state it went onto */
	/* resolved-recorded / stale-resolution: the one used; borrowed. */
	const struct resolution *resolution;
	bool reused; /* recorded on another branch */
	/* adapted: the renames used ("from -> to"). */
	struct strvec renames;
	/* What the history says (provenance.h), or NULL. */
	char *history;
	/* Earlier patches of the series it builds on (their files). */
	struct strvec needs;
};

struct apply_target {
	char *name; /* "linux-6.12.y" or "linux-6.12.y@v6.12.111" */
	char *branch; /* "linux-6.12.y" */
	char *rev; /* "v6.12.111", or NULL for the branch tip */
	unsigned version; /* 6012, from the branch name; 0 unknown */
	char *ref; /* refs/backport/<series>/<name> */
	git_oid base; /* the commit the series is applied on */
	git_oid tip; /* the last commit written (or base) */
	struct apply_patch *patches;
	size_t nr, alloc;
	/* Loaded from opts->backports for this branch. */
	struct resolution_store store;
	struct resolution_store others; /* other branches': reusable */
	struct hunkmem hunks; /* remembered conflict hunks */
	struct renames renames;
	/* Loaded on first need: the branch's history, its base's words. */
	struct provenance history;
	bool history_loaded;
	struct wordindex words;
	bool words_loaded;
	/* Files read to judge by content, split once. */
	struct linecache lines;
	/* Identifiers of the '+' lines of the patches that went in. */
	struct strset added_names;
	/* Paths the patches judged so far change. */
	struct strset touched;
	/* Identifiers of the series' '+' lines. */
	struct strset series_added;
	/* The same per patch of the series (series_nr of them). */
	struct strset *patch_added;
	size_t series_nr;
	bool series_names;
};

#define APPLY_TARGET_INIT \
	{                 \
		0         \
	}

struct apply_opts {
	/* Ignore the stable tags: try every branch. */
	bool all_branches;
	/* Most context lines fuzz may drop. */
	unsigned max_fuzz;
	/*
	 * Commits to search back for an already-applied patch (the walk
	 * also stops at the branch point, provenance.h).
	 */
	unsigned history_depth;
	/*
	 * Trees where the series may already be present (newer branches),
	 * newest first: the reference for rebuilding damaged '+' lines.
	 */
	const git_oid *reference_trees;
	size_t reference_nr;
	/* Write commits (objects) for applied patches. */
	bool write_commits;
	/*
	 * Where recorded resolutions and renames are (backports/), or NULL
	 * to use none.
	 */
	const char *backports;
	/* Where word indexes are kept (wordindex.h); NULL: cache_dir(). */
	const char *cache;
};

#define APPLY_OPTS_INIT                                    \
	{                                                  \
		false, 2, 50000, NULL, 0, true, NULL, NULL \
	}

void apply_target_init(struct apply_target *t);
void apply_target_release(struct apply_target *t);

/*
 * Name a target of `series` from "<branch>" (its tip) or
 * "<branch>@<rev>" (a release tag or commit). The version comes from a
 * "linux-X.Y.y" branch name, else from the rev.
 */
void apply_target_set(struct apply_target *t, const char *series,
		      const char *spec);

/* 6012 from "linux-6.12.y" (or "6.12", "v6.12.111"); 0 if none. */
unsigned apply_parse_version(const char *name);

/*
 * Apply `s` onto the target in `repo`. Returns 0 when every patch has a
 * verdict (conflicts included), -1 when the repository failed us (the
 * branch does not exist, an object is missing, the repository is
 * shallow), with an error naming the target.
 */
int apply_series(struct apply_target *t, git_repository *repo,
		 const struct series *s, const struct apply_opts *opts);

/* Called as each target starts (from its worker thread, one at a time). */
typedef void apply_start_fn(const struct apply_target *t, size_t i,
			    size_t nr, void *data);

/*
 * apply_series() for each of `nr` targets, `jobs` at a time (0: one per
 * processor), each worker with its own handle on `repo` (libgit2 wants
 * one per thread); with `in_memory` their objects stay in memory as
 * apply_objects_in_memory() does. The targets are independent: each has
 * its own history, index and caches. -1 with the first target's error
 * when one failed.
 */
int apply_series_targets(struct apply_target *t, size_t nr,
			 git_repository *repo, const struct series *s,
			 const struct apply_opts *opts, unsigned jobs,
			 bool in_memory, apply_start_fn *start, void *data);

/*
 * Point each target's ref at its tip, all in one transaction: every ref
 * is locked first, so either all are written or none. Targets whose
 * series applied nothing get a ref on their base, so that later steps
 * find them.
 */
int apply_update_refs(git_repository *repo, struct apply_target *targets,
		      size_t nr);

/*
 * The trees of the targets (set with apply_target_set()), newest
 * version first: the references for repairing damaged mails
 * (opts->reference_trees). Sets each target's `base`; targets that do
 * not resolve are left out. `names` (may be NULL) gets the target of
 * each tree, borrowed from `t`. Caller frees both arrays.
 */
git_oid *apply_reference_trees(git_repository *repo, struct apply_target *t,
			       size_t nr, size_t *out_nr, const char ***names);

/*
 * Send every object written to `repo` from now on to memory (a dry
 * run: commits are made, so later patches build on earlier ones, but
 * nothing reaches the disk).
 */
int apply_objects_in_memory(git_repository *repo);

/* Worst verdict of a target (for exit codes): true when one failed. */
bool apply_target_failed(const struct apply_target *t);

/* The result of a target as JSON. Caller owns it. */
#include <jansson.h>
json_t *apply_target_to_json(const struct apply_target *t);

#endif
