/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_BISECT_H
#define BACKPORT_BISECT_H

#include <stddef.h>

#include <jansson.h>

#include "lib/buildlog.h"

/*
 * bisect: the patch of a queue that breaks its build. The series variant
 * of a target is the whole queue's result (refs/backport/<series>/
 * <target>: a commit per applied patch, on the baseline's commit). When
 * its kernel does not build and the baseline's does, the build step
 * (kbuild.c, while it holds the branch's worktree) bisects the commits
 * between: each probe moves the worktree to a commit (writing only what
 * changed) and makes bzImage again in the series build directory, so
 * each compiles only what differs from the last; about log2(n) probes,
 * each logged in the results directory as bisect-<commit>.log.
 *
 * The result is the first commit whose kernel does not build, with the
 * first error of its build; a queue of one commit is not bisected (its
 * commit is the one). In build.json (kbuild.h) it is "broken_by":
 *
 *	{ "commit": "<sha1>", "title": "<its subject>",
 *	  "index": 5, "of": 8,		// 1-based, among the commits
 *	  "builds": 3,			// probes built
 *	  "first_error": {"file", "line", "message", "text"} }
 *
 * and the cell's reason (cell.c) names the patch file that made the
 * commit: "build broken by 0005-foo.patch: kernel/x.c:41: ...".
 *
 * NEEDSWORK: only the kernel step (not the configuration, not the
 * selftests). A queue whose first-parent chain does not reach the
 * baseline's commit is not bisected.
 */
struct bisect {
	char *commit; /* hex */
	char *title;
	size_t index, of;
	size_t builds;
	struct kbuild_msg first_error;
};

struct worker;
struct kbuild_job;

/*
 * Bisect the failed series job `j` (see above): j->bisect is set when
 * the culprit is found. Not bisecting (a baseline that did not build, a
 * failure outside the kernel step) is no error. -1 on an error of the
 * build (kbuild_run_step()), recorded in the job.
 */
int bisect_kernel(struct worker *w, struct kbuild_job *j);

void bisect_free(struct bisect *b);
json_t *bisect_to_json(const struct bisect *b);
/* From build.json's "broken_by"; NULL when it is not an object. */
struct bisect *bisect_from_json(json_t *o);

#endif
