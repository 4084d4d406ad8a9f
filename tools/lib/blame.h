/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_BLAME_H
#define BACKPORT_BLAME_H

#include <git2.h>

#include "util/strbuf.h"

/*
 * blame: which commit last changed a line of a branch, as `git blame -L
 * N,N` says, for the detail of a conflict ("the line that differs was
 * last changed by 0123456789ab ('foo: rework bar')"). On a real stable
 * clone that names the stable patch that moved the code under the fix;
 * on a tree imported one release per commit it names the release.
 *
 * The walk is bounded by `oldest` (the end of the history walked for
 * provenance, provenance.h): a line older than that, or one from the
 * branch's first commit, has no story to tell and gives 0.
 *
 *	struct strbuf who = STRBUF_INIT;
 *	if (blame_line(&who, repo, &commit, "mm/x.c", 41, &oldest) > 0)
 *		... who.buf is "0123456789ab ('foo: fix bar')" ...
 */

/*
 * Who last changed line `line` (1-based) of `path` in `commit`: 1 with
 * "<sha12> ('<summary>')" appended to `out`, 0 when nothing can be said
 * (a line of the first commit or older than `oldest`, no such line),
 * -1 on a repository error. `oldest` may be NULL: the whole history.
 */
int blame_line(struct strbuf *out, git_repository *repo,
	       const git_oid *commit, const char *path, long line,
	       const git_oid *oldest);

#endif
