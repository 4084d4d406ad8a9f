/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_WORKTREE_H
#define BACKPORT_WORKTREE_H

#include <stddef.h>

#include <git2.h>

/*
 * worktree: a branch's sources under the cache (kbuild.h is the build
 * step's entry point and includes this header):
 *
 *	worktrees/<branch>/src		the sources
 *	worktrees/<branch>/state	the tree written there
 *	worktrees/<branch>/lock		held by the backport build using it
 *
 * A worktree moves from one commit to another by writing only the paths
 * git_diff_tree_to_tree() names (each file through a temporary and
 * rename(2)), so make's timestamps rebuild only what changed; its state
 * file says "tree <old>\npending <new>" while it moves, so an interrupted
 * move is finished by rewriting both diffs. The lock (flock(2)) is taken
 * by the build step before the first move and kept open by every make
 * of the branch.
 *
 *	size_t written;
 *
 *	if (kbuild_sync_worktree(repo, "<cache>/worktrees/linux-6.12.y/src",
 *				 "<cache>/worktrees/linux-6.12.y/state",
 *				 git_commit_tree_id(commit), &written) < 0)
 *		return -1;	// error_last() names the path
 *	... `written` files were written (0: already there) ...
 */

/*
 * Move the worktree at `dir` (with its state file `state`) to `tree`,
 * writing only what changed. Returns 0, or -1 with an error naming the
 * path. Exposed for tests.
 */
int kbuild_sync_worktree(git_repository *repo, const char *dir,
			 const char *state, const git_oid *tree,
			 size_t *written);

#endif
