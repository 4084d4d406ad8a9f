/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_MATRIX_H
#define BACKPORT_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The matrix: which stable branches backport works on, and where their
 * trees come from. One file in git-config syntax (matrix/default.conf),
 * read with libgit2's config API:
 *
 *	[matrix]
 *		repo =			# empty: the default repository
 *		trees = corpus		# default repository <cache>/corpus.git
 *	[release "6.12.111"]
 *		package = linux-source-6.12
 *		version = 6.12.111-1~deb12u1
 *	[branch "linux-6.12.y"]
 *		release = 6.12.111	# multi-valued, oldest first
 *		release = 6.12.117
 *
 *	[build]
 *		distcc-hosts = "host1/8,lzo host2/16"	# distcc.h
 *	[test]
 *		hosts = user@a ssh://root@b:2222	# remote.h
 *		ssh-options = "-i key -o Compression=no"
 *		remote-dir = /var/tmp/backport
 *
 * The file is read here only (matrix_read()): every value is kept in
 * m->entries, and the sections of other modules are read from there:
 * [config "<name>"] by kbuild_config_from_matrix() and [selftests
 * "<name>"] by selftest_set_from_matrix(). Sections and keys nobody
 * knows are ignored.
 *
 *	struct matrix m = MATRIX_INIT;
 *	if (matrix_load(&m, path) < 0)
 *		die("%s", error_last());
 *	for (size_t i = 0; i < m.branches_nr; i++)
 *		use(m.branches[i]);
 *	matrix_release(&m);
 */

/* A kernel release and the Debian package its tree is imported from. */
struct matrix_source {
	char *name;	/* "6.12.111": tag v6.12.111 */
	char *package;	/* "linux-source-6.12" */
	char *version;	/* "6.12.111-1~deb12u1" */
};

/* A stable branch: its releases, oldest first (each borrowed). */
struct matrix_branch {
	char *name;	/* "linux-6.12.y" */
	struct matrix_source **sources;
	size_t sources_nr, sources_alloc;
	/* The names as read, resolved to `sources` at the end of loading. */
	char **names;
	size_t names_nr, names_alloc;
};

/* One value of the file: [section "sub"] key = value. */
struct matrix_entry {
	char *section;	/* lower case, as git-config makes it */
	char *sub;	/* "" when the section has none */
	char *key;	/* lower case */
	char *value;
	bool user;	/* from the user's config, not the matrix */
};

struct matrix {
	char *path;	/* the file it was read from */
	/*
	 * Every value of the file, in order: the sections this module
	 * interprets and the others, [config] (kbuild.h) and [selftests]
	 * (selftest.h), which their modules read from here.
	 */
	struct matrix_entry *entries;
	size_t entries_nr, entries_alloc;
	/*
	 * The user's own repository (absolute; a relative `repo` resolves
	 * against the matrix file's directory), or NULL for the default one.
	 */
	char *repo;
	/*
	 * The name of the default repository under the cache
	 * (<cache>/<trees>.git), NULL for "linux": a matrix whose branches
	 * list other releases than the default one's keeps its trees apart,
	 * so that neither rewrites the other's release commits.
	 */
	char *trees;
	struct matrix_source **sources;	/* in file order */
	size_t sources_nr, sources_alloc;
	struct matrix_branch **branches;	/* in file order */
	size_t branches_nr, branches_alloc;
};

#define MATRIX_INIT { 0 }

void matrix_init(struct matrix *m);
/* Free everything `m` holds; it may be loaded again. */
void matrix_release(struct matrix *m);

/*
 * Read `path` into `m` (which must be empty). Returns 0, or -1 with an
 * error naming the file and the section: a branch listing an unknown
 * release, a release without package or version, a release in two
 * branches, a name that cannot be a ref.
 */
int matrix_load(struct matrix *m, const char *path);

/*
 * Only read `path`'s values into m->entries (the one reader of the
 * file); nothing is interpreted. Returns 0, or -1 with an error.
 *
 * The user's config (matrix_user_config_path(), git-config syntax) is
 * read first, its [build] and [test] sections only: where the build
 * and test hosts of this user are (distcc.h, remote.h). The matrix's
 * own values come after, and win.
 */
int matrix_read(struct matrix *m, const char *path);

/*
 * The user's config: $BACKPORT_CONFIG (empty: none), else
 * $HOME/.config/backport/config. NULL when none; caller frees.
 */
char *matrix_user_config_path(void);

/* The last value of section.sub.key (sub "" for none), or NULL. */
const char *matrix_get(const struct matrix *m, const char *section,
		       const char *sub, const char *key);

/*
 * The distcc hosts: [build] distcc-hosts (empty: none), else
 * $DISTCC_HOSTS, else NULL. Borrowed.
 */
const char *matrix_distcc_hosts(const struct matrix *m);

/* Lookups; NULL when absent. Borrowed. */
struct matrix_source *matrix_find_source(const struct matrix *m,
					 const char *name);
struct matrix_branch *matrix_find_branch(const struct matrix *m,
					 const char *name);
/* The branch that lists release `name`, or NULL. */
struct matrix_branch *matrix_branch_of(const struct matrix *m,
				       const char *name);

/*
 * Where the matrix file is: `opt` (--matrix) when given, else
 * $BACKPORT_MATRIX, else matrix/default.conf found by datadir_find():
 * in the current directory, $BACKPORT_TOP, the binary's source tree or
 * the installed data directory. Caller frees.
 */
char *matrix_find_path(const char *opt);

#endif
