/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_SETUP_H
#define BACKPORT_SETUP_H

#include <stdbool.h>

#include <git2.h>

#include "matrix.h"
#include "util/strvec.h"

/*
 * setup: what every command that works on the matrix starts with: find
 * and load the matrix file, and open the repository that holds its
 * branches (--repo, else the matrix's `repo`, else the default one that
 * `backport trees` provisions).
 *
 *	struct setup s = SETUP_INIT;
 *	if (setup_open(&s, matrix_opt, repo_opt) < 0)
 *		die("%s", error_last());
 *	... s.matrix, s.repo ...
 *	setup_release(&s);
 */
struct setup {
	struct matrix matrix;
	char *matrix_path;
	char *repo_path;
	bool user_repo;		/* the user's own repository: read only */
	git_repository *repo;
};

#define SETUP_INIT { MATRIX_INIT, NULL, NULL, false, NULL }

int setup_open(struct setup *s, const char *matrix_opt, const char *repo_opt);
void setup_release(struct setup *s);

/* Every branch tip of the matrix, and each older release listed on it. */
void setup_default_targets(struct strvec *out, const struct setup *s);

#endif
