/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_TARBALL_H
#define BACKPORT_TARBALL_H

#include <stddef.h>

#include <git2.h>

#include "lib/trees.h"

/*
 * tarball: the kernel source tarball of a Debian linux-source package,
 * imported into a repository's object database as one git tree, for
 * trees.c to commit. Fetching the package is debpkg.h's; the commit, its
 * refs and notes are trees.c's.
 *
 *	struct tarball_info info = { 0 };
 *	if (tarball_import(&info, repo, "/cache/debs/linux-source-6.12_...deb",
 *			   "linux-source-6.12", &progress, opts) < 0)
 *		return -1;	// error names the package and the path
 *	... info.tree, info.files, info.sha256, info.mtime ...
 *
 * Import the tarball usr/src/<package>.tar.* of the .deb at `deb_path`
 * into `repo`'s object database as a tree: its top directory stripped,
 * regular files as blobs (100644, or 100755 when executable), symlinks as
 * 120000, hardlinks resolved, empty directories dropped. A path that is
 * absolute, has "..", "." or ".git", or lies outside the top directory,
 * and a symlink pointing outside the tree are errors naming the package
 * and the path. Nothing is extracted to disk: one thread decompresses
 * while this one hashes and writes, into one new pack (pack.h).
 * `info->files` gets the number of files, `sha256` the .deb's hash,
 * `mtime` the tarball's mtime. `progress` is reported through `opts`
 * (trees_report()) in the phases TREES_READING and TREES_WRITING.
 */
struct tarball_info {
	git_oid tree;
	size_t files;
	char sha256[65];
	long long mtime;
};

int tarball_import(struct tarball_info *info, git_repository *repo,
		   const char *deb_path, const char *package,
		   struct trees_progress *progress,
		   const struct trees_opts *opts);

#endif
