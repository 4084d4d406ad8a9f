/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_BLAME_H
#define BACKPORT_BLAME_H

#include <git2.h>

#include "util/strbuf.h"

/*
 * blame: which commit last changed lines of a branch, as `git blame -L
 * N,M` says, for the detail of a conflict ("the line that differs was
 * last changed by 0123456789ab ('foo: rework bar')"). On a real stable
 * clone that names the stable patch that moved the code under the fix;
 * on a tree imported one release per commit it names the release.
 *
 * The walk is bounded by `oldest` (the end of the history walked for
 * provenance, provenance.h): lines older than that, or from the
 * branch's first commit, have no story to tell and give 0. A line a
 * commit deleted leaves no trace that blame sees (as with git blame).
 *
 *	struct strbuf who = STRBUF_INIT;
 *	if (blame_lines(&who, repo, &commit, "mm/x.c", 41, 47, &oldest) > 0)
 *		... who.buf is "0123456789ab ('foo: fix bar')" ...
 */

/*
 * Who last changed lines `from`..`to` (1-based, inclusive) of `path` in
 * `commit`: the newest commit (by commit time) among those that made
 * one of them what it is. 1 with "<sha12> ('<summary>')" appended to
 * `out`, 0 when nothing can be said (lines of the first commit or older
 * than `oldest`, no such lines), -1 on a repository error. `oldest` may
 * be NULL: the whole history.
 */
int blame_lines(struct strbuf *out, git_repository *repo,
		const git_oid *commit, const char *path, long from, long to,
		const git_oid *oldest);

#endif
