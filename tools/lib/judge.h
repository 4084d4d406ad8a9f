/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_JUDGE_H
#define BACKPORT_JUDGE_H

#include <stdbool.h>

#include <git2.h>

#include "apply.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * judge: how one patch gets its verdict on one target, inside apply (the
 * order is apply.h's); internal to apply.c, replay.c and the modules of
 * the judge. judge.c locates the patch's files (locate.h), tries a 3-way
 * merge, and decides the verdict from the evidence the others gather:
 *
 *   evidence.h  how each hunk stands on the branch (apply_file.how)
 *   names.h     the identifiers it uses, the helpers the branch lacks
 *   prereq.h    the earlier patches of the queue it needs (ap->needs)
 *   explain.h   the words of the detail that name its hunks
 *   replay.c    a recorded resolution, known renames (judge_replay)
 *
 *	struct judge j = { repo, tree, opts, target, apply_patch, patch };
 *	judge_locate_files(&j, &problems);	// ap->files
 *	v = judge_located(&j, &problems);	// the verdict, j.detail
 *	v = judge_replay(&j, v, &copy);		// resolutions, renames
 */
struct judge {
	git_repository *repo;
	git_tree *tree; /* the tree the patch goes onto */
	const struct apply_opts *opts;
	struct apply_target *t;
	struct apply_patch *ap;
	const struct patch *patch;
	struct strbuf detail;
	/* Replaying a recorded resolution: no fuzz, no whitespace games. */
	bool exact;
	/* The mail was damaged (kept when renames rewrite a copy). */
	bool damaged;
	/* The whole series, and this patch's place in it. */
	const struct series *series;
	size_t index;
};

/*
 * The content of `path` in `tree`. *found is false when it is not there;
 * a directory or a submodule there is reported in *kind.
 */
int judge_read_path(struct strbuf *out, bool *found, git_filemode_t *mode,
		    const char **kind, git_repository *repo, git_tree *tree,
		    const char *path);

/*
 * `path` of the tree the patch goes onto (j->tree) into `out` (reset
 * first): 1 found, 0 not there (or not a file), -1 error.
 */
int judge_content_at(struct judge *j, const char *path, struct strbuf *out);

/*
 * The word index of the target's base tree, loaded on first need and
 * kept in the target; NULL on error.
 */
const struct wordindex *judge_words(struct judge *j);

/* Locate every file of j->patch on j->tree. Fills ap->files. */
int judge_locate_files(struct judge *j, struct strvec *problems);

/* Hunks of the located files: all, failed, already there, worst status. */
void judge_count_hunks(const struct apply_patch *ap, size_t *total,
		       size_t *failed, size_t *already,
		       enum locate_hunk_status *worst);

/* The verdict of a patch whose files were located; VERDICT__COUNT: error. */
enum verdict judge_located(struct judge *j, struct strvec *problems);

/*
 * A patch that failed: its recorded resolution, else the known renames
 * (replay.c). Returns the new verdict, or `v` unchanged (with ap->files
 * as they were) when neither helps; VERDICT__COUNT on error. `copy`
 * holds a renamed patch if one is used.
 */
enum verdict judge_replay(struct judge *j, enum verdict v, struct patch *copy);

/* The patch went in: what it adds is on the branch from now on. */
void judge_went_in(struct judge *j);

/* "forward", "reverse", "present", ... of apply_file.how (evidence.c). */
const char *judge_hunk_name(int how);

/* In apply.c. */
void apply_file_release(struct apply_file *f);

#endif
