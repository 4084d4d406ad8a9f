/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_REVIEW_H
#define BACKPORT_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>
#include <jansson.h>

#include "locate.h"
#include "patch.h"
#include "util/strbuf.h"

/*
 * review: what a backport changed, as an interdiff. Two parsed patches
 * are compared, side `a` (the upstream patch as mailed, or the same
 * patch's backport on a newer branch) and side `b` (the backport as
 * committed on the branch under review), and only what differs is kept:
 *
 *	same		a hunk of `a` is in `b` line for line, at the same place
 *	moved		... at another line (`offset`, the difference of the
 *			line numbers of their first changed lines)
 *	adapted		a hunk of `b` stands for it, but context or changed
 *			lines differ (`interdiff` shows how)
 *	dropped		a hunk of `a` has no counterpart in `b`
 *	added		a hunk of `b` has no counterpart in `a`
 *
 * and per file: the same path, renamed (the hunks went to another path),
 * dropped or added. As git range-diff does, hunk headers do not take
 * part: the lines of a hunk group ('@@' headers left out) are diffed
 * with libgit2 (git_patch_from_buffers), so a hunk that only moved gives
 * an empty interdiff. Hunks are paired by the lines they share;
 * two hunks of one side that the other side has as one (the branch lost
 * or gained lines between them) make one group.
 *
 *	struct review r = REVIEW_INIT;
 *	struct review_opts o = REVIEW_OPTS_INIT;
 *	o.ignore_whitespace = patch_is_damaged(&upstream);
 *	if (review_compare(&r, &upstream, &backport, &o) < 0)
 *		die("%s", error_last());
 *	for (f...) for (h...) r.files[f].hunks[h].kind, .offset, .interdiff
 *	review_release(&r);
 *
 * A damaged mail (patch.h: indentation lost, blanks collapsed, empty
 * lines dropped) is compared with `ignore_whitespace`: lines compare with
 * leading and trailing blanks stripped and inner runs collapsed (as
 * locate.h's whitespace mode), and empty context lines are left out. The
 * lines of its hunks that `apply` re-indented (locate.h repairs) are
 * listed with each group, with how: from a newer tree, or guessed.
 *
 * The module never prints; the git helpers at the end read the
 * repository and return errors that name the commit.
 */

enum review_hunk_kind {
	REVIEW_HUNK_SAME,
	REVIEW_HUNK_MOVED,
	REVIEW_HUNK_ADAPTED,
	REVIEW_HUNK_DROPPED,
	REVIEW_HUNK_ADDED,
	REVIEW_HUNK_KIND_NR,
};

enum review_file_kind {
	REVIEW_FILE_SAME,
	REVIEW_FILE_RENAMED,
	REVIEW_FILE_DROPPED,
	REVIEW_FILE_ADDED,
};

/* One line of side a's hunks that apply rebuilt (a damaged mail). */
struct review_repair {
	size_t hunk; /* 0-based hunk of side a's file */
	size_t line; /* index in that hunk's lines */
	enum locate_repair_how how;
	char *text; /* as rebuilt, without marker; owned */
	const char *from; /* the reference tree's name, or NULL */
};

/*
 * One group: hunks a_first..a_first+a_nr-1 of side a against
 * b_first..b_first+b_nr-1 of side b (0-based; a_nr or b_nr is 0 for
 * added and dropped hunks).
 */
struct review_hunk {
	enum review_hunk_kind kind;
	size_t a_first, a_nr;
	size_t b_first, b_nr;
	char *a_header, *b_header; /* "-6986,6 +6981,24", or NULL */
	long offset; /* b's first change minus a's */
	size_t differ; /* lines only in a or only in b */
	bool context_only; /* adapted: only context differs */
	/*
	 * The interdiff of the group: one line each, "@@" between distant
	 * parts; then ' ' (both), '-' (only a) or '+' (only b), followed by
	 * the patch line with its own marker ("-+\tfoo();"). Common lines
	 * are shown as b has them. Empty unless adapted.
	 */
	struct strbuf interdiff;
	struct review_repair *repairs;
	size_t repairs_nr, repairs_alloc;
};

struct review_file {
	enum review_file_kind kind;
	char *a_path, *b_path; /* NULL on the side that lacks it */
	struct review_hunk *hunks;
	size_t nr, alloc;
};

struct review {
	struct review_file *files;
	size_t nr, alloc;
	size_t counts[REVIEW_HUNK_KIND_NR];
	bool ignore_whitespace;
};

#define REVIEW_INIT                      \
	{                                \
		NULL, 0, 0, { 0 }, false \
	}

struct review_opts {
	/* Side a is a damaged mail: compare ignoring whitespace. */
	bool ignore_whitespace;
	/*
	 * Optional: side a's files located on the branch (one per file of
	 * a, in order), for their repairs; `loc_from[i]` names the tree
	 * file i was repaired from (NULL: unknown). Borrowed.
	 */
	const struct locate_result *loc;
	const char *const *loc_from;
	size_t loc_nr;
};

#define REVIEW_OPTS_INIT             \
	{                            \
		false, NULL, NULL, 0 \
	}

void review_init(struct review *r);
void review_release(struct review *r);

/*
 * Compare `a` with `b` into `r` (released first). Returns 0, or -1 when
 * libgit2 fails to diff (error recorded).
 */
int review_compare(struct review *r, const struct patch *a,
		   const struct patch *b, const struct review_opts *opts);

/* True when no hunk was moved, adapted, dropped or added. */
bool review_is_empty(const struct review *r);

/* True when nothing but positions changed (same and moved only). */
bool review_is_unchanged(const struct review *r);

/* "same", "moved", "adapted", "dropped", "added". */
const char *review_hunk_kind_name(enum review_hunk_kind k);
/* "same", "renamed", "dropped", "added". */
const char *review_file_kind_name(enum review_file_kind k);

/*
 * The review as JSON: {empty, ignore_whitespace, counts {same, moved,
 * adapted, dropped, added}, files [{kind, a_path, b_path, hunks [{kind,
 * a_hunks [1-based], b_hunks, a_header, b_header, offset, differ,
 * context_only, interdiff, repaired [{hunk, line, how, from, text}]}]}]}. Caller owns.
 */
json_t *review_to_json(const struct review *r);

/*
 * The diff of `commit` against its first parent, in git's format
 * (renames found), into `diff`, and its diffstat into `stat` (may be
 * NULL). Appends.
 */
int review_commit_diff(struct strbuf *diff, struct strbuf *stat,
		       git_repository *repo, const git_oid *commit);

/*
 * Locate each file of the damaged patch `p` on the tree of commit `at`,
 * as apply does (whitespace mode, the first of `refs`, trees newest
 * first, that holds the file as reference), to learn which lines it
 * rebuilt. Fills `out` (p->nr results, caller releases each and frees)
 * and `from` (p->nr indices into refs, or -1 when no reference held the
 * file; caller frees).
 */
int review_locate_repairs(struct locate_result **out, long **from,
			  git_repository *repo, const git_oid *at,
			  const struct patch *p, const git_oid *refs,
			  size_t refs_nr);

/*
 * Add an in-memory object store to `repo` with the highest priority, so
 * that the objects `apply` writes (blobs, trees, commits) never reach
 * the disk: a review reapplies a series without touching the
 * repository, which may be the user's own and read-only.
 */
int review_objects_in_memory(git_repository *repo);

/*
 * The order of targets from older to newer: the branch's version, then
 * the release ("linux-6.12.y@v6.12.111" before "linux-6.12.y", whose tip
 * is its newest release). <0, 0, >0 as strcmp.
 */
struct apply_target;
int review_target_cmp(const struct apply_target *a,
		      const struct apply_target *b);

/*
 * Apply `s` onto the targets `t` (named with apply_target_set()) as
 * `backport apply` does: every target's base is resolved first, and the
 * base trees, newest version first, are the references that damaged
 * mails are repaired from. Only the targets with `want[i]` set (NULL:
 * every one) are applied, and of those only the ones whose branch or
 * release exists (t[i].nr stays 0 for the others). `refs` gets the reference trees and
 * `ref_names` the target each is (borrowed from `t`); the caller frees
 * both arrays. Call review_objects_in_memory() first to keep the commits
 * off the disk.
 */
struct apply_opts;
struct series;
int review_apply_targets(git_oid **refs, const char ***ref_names,
			 size_t *refs_nr, struct apply_target *t, size_t nr,
			 const bool *want, git_repository *repo,
			 const struct series *s, const struct apply_opts *opts);

/*
 * NEEDSWORK: hunks are paired by the lines they share, so a hunk whose
 * every line was rewritten shows as dropped plus added; groups
 * are not forced into file order. NEEDSWORK: ignore_whitespace equates
 * "int x" with "int  x" only, as locate does; lines a damaged mail
 * folded or split are not recognised.
 */

#endif
