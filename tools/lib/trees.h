/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_TREES_H
#define BACKPORT_TREES_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "lib/matrix.h"

/*
 * Tree provisioning: the real stable trees of the matrix in a git
 * repository, one commit per release imported from its Debian package,
 * on branches named as in linux-stable (refs/heads/linux-6.12.y) and
 * tagged refs/tags/v<release> (lightweight).
 *
 * The default repository is bare, at <cache>/linux.git (<cache>/<trees>.git
 * when the matrix names its `trees`), where <cache> is
 * cache_dir() (BACKPORT_CACHE_DIR, else $XDG_CACHE_HOME/backport); the
 * packages are kept in <cache>/debs. A user's own repository (--repo, or
 * `repo` in the matrix) is only read: trees_check() says whether it has
 * the branches and tags; backport never writes to it.
 *
 * Determinism: a commit's author and committer are "backport trees
 * <trees@backport.invalid>", dated by the mtime of the tarball inside the
 * .deb (the package's SOURCE_DATE_EPOCH, +0000); its message names the
 * release, package, version and the .deb's SHA256; its parent is the
 * commit of the previous release of the branch. The same matrix and
 * packages give the same commit ids in any repository.
 *
 * Safety: refs move only after a release's commit is complete (tag, then
 * branch, each with the expected old value), under a lock on the
 * repository, so an interrupted run leaves unreferenced objects only and
 * the next one redoes that release. A release whose tag already holds a
 * commit of the right package and version is not imported again; a
 * changed parent (a release added before it) only rewrites the commit.
 *
 *	struct trees_opts opts = TREES_OPTS_INIT;
 *	struct trees_result res = TREES_RESULT_INIT;
 *	opts.progress = show_progress;		// may stay NULL
 *	if (trees_provision(&res, m, &opts) < 0)
 *		die("%s", error_last());
 *	for (size_t i = 0; i < res.branches_nr; i++)
 *		... res.branches[i].state, .tip, .releases[j].action ...
 *	trees_result_release(&res);
 *
 * The tree of a release is imported from its package by tarball.h, into
 * one new pack (pack.h); fetching the package is debpkg.h's.
 */

/*
 * Each release commit carries a note with the upstream stable patches
 * its Debian changelog lists (changelog.h: "<release>\t<title>" lines,
 * oldest first), written at import or by a later run that finds it
 * missing: a Debian tree has one commit per release, and this is the
 * history `apply` searches for a patch that is already there. And each
 * release's tree gets its word index in the cache (wordindex.h).
 */
#define TREES_CHANGELOG_NOTES "refs/notes/backport/changelog"

enum trees_action {
	TREES_PRESENT, /* the tag already holds the right commit */
	TREES_IMPORTED, /* imported from its package now */
	TREES_RELINKED, /* same tree, commit rewritten: new parent */
	TREES_MISSING, /* user repository: no such tag */
};

enum trees_state {
	TREES_UP_TO_DATE,
	TREES_CREATED,
	TREES_UPDATED,
	TREES_BRANCH_MISSING, /* user repository: no such branch */
};

struct trees_release_result {
	const struct matrix_source *source; /* borrowed from the matrix */
	enum trees_action action;
	git_oid commit;
	/* Only when imported: */
	size_t files;
	double fetch_seconds, import_seconds;
	bool downloaded;
	char sha256[65];
};

struct trees_branch_result {
	const struct matrix_branch *branch; /* borrowed from the matrix */
	enum trees_state state;
	git_oid tip;
	struct trees_release_result *releases;
	size_t releases_nr, releases_alloc;
};

struct trees_result {
	char *repo; /* the repository's path */
	bool user_repo;
	struct trees_branch_result *branches;
	size_t branches_nr, branches_alloc;
};

#define TREES_RESULT_INIT \
	{                 \
		0         \
	}

void trees_result_init(struct trees_result *r);
void trees_result_release(struct trees_result *r);

enum trees_phase {
	TREES_FETCHING, /* finding or downloading the package */
	TREES_READING, /* reading the tarball, writing blobs */
	TREES_WRITING, /* writing trees, commit and refs */
	TREES_INDEXING, /* the word index of a tree (wordindex.h) */
};

struct trees_progress {
	size_t nr, total; /* this release among those to import */
	const char *branch;
	const char *release;
	const char *package;
	const char *version;
	enum trees_phase phase;
	size_t files;
	unsigned long long bytes; /* uncompressed, read so far */
};

struct trees_opts {
	/* The user's repository (only read), else NULL: see trees_repo(). */
	const char *repo;
	/* Where linux.git and debs/ live; NULL: cache_dir(). */
	const char *cache;
	/* Local packages, looked for before the cache and apt; may be NULL. */
	const char *deb_dir;
	/*
	 * Limits: only these branches, and the branches of these releases
	 * up to that release. Both empty: every branch. Borrowed.
	 */
	const char *const *branches;
	size_t branches_nr;
	const char *const *releases;
	size_t releases_nr;
	/* Called from the calling thread during long work; may be NULL. */
	void (*progress)(const struct trees_progress *p, void *data);
	void *progress_data;
};

#define TREES_OPTS_INIT \
	{               \
		0       \
	}

/*
 * Set p->phase and hand `p` to opts->progress, if any: for the modules
 * that do the long work of trees_provision() (tarball.h).
 */
void trees_report(const struct trees_opts *opts, struct trees_progress *p,
		  enum trees_phase phase);

/*
 * The repository holding the matrix's trees: opts->repo, else the
 * matrix's `repo`, else the default one. `*user` tells which. Caller
 * frees.
 */
char *trees_repo(const struct matrix *m, const struct trees_opts *opts,
		 bool *user);

/*
 * Create or update the default repository: for each selected branch, each
 * of its releases is imported if its tag does not hold it yet, then the
 * branch is moved to the last one. With a user repository, only check
 * (trees_check()). Returns 0, or -1 with an error naming the package,
 * the path in it or the ref; what was complete before stays.
 */
int trees_provision(struct trees_result *res, const struct matrix *m,
		    const struct trees_opts *opts);

/*
 * Report which of the selected branches and release tags a repository
 * has, writing nothing: refs/heads/<branch> (else
 * refs/remotes/origin/<branch>) and refs/tags/v<release>.
 */
int trees_check(struct trees_result *res, const struct matrix *m,
		const struct trees_opts *opts);

#endif
