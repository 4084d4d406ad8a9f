/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_BUILDPLAN_H
#define BACKPORT_BUILDPLAN_H

#include <git2.h>

#include "kbuild.h"
#include "util/strvec.h"

/*
 * buildplan: the kernels to build for targets and series. Per target its
 * baseline (the branch's tip, or the release a target names: "<branch>"
 * or "<branch>@<rev>"), then each series applied on it by `backport apply`
 * (refs/backport/<series>/<target>); the targets of one branch come
 * together, as they share its worktree (kbuild.h).
 *
 *	struct kbuild_job *jobs;
 *	size_t nr;
 *	if (buildplan_make(&jobs, &nr, repo, &targets, &series) < 0)
 *		return -1;
 *	... kbuild_run(jobs, nr, ...) ...
 *	buildplan_release(jobs, nr);
 */

/* The commit of `target`, or -1 with an error naming it. */
int buildplan_base(git_oid *out, git_repository *repo, const char *target);

/* The jobs (see above), or -1 with an error naming target and ref. */
int buildplan_make(struct kbuild_job **jobs, size_t *nr,
		   git_repository *repo, const struct strvec *targets,
		   const struct strvec *series);
void buildplan_release(struct kbuild_job *jobs, size_t nr);

/* The names of the series under refs/backport/, in ref order. */
void buildplan_applied_series(struct strvec *out, git_repository *repo);

#endif
