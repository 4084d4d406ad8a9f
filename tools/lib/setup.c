// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "setup.h"
#include "trees.h"
#include "util/error.h"
#include "util/strvec.h"

int setup_open(struct setup *s, const char *matrix_opt, const char *repo_opt)
{
	struct trees_opts topts = TREES_OPTS_INIT;

	s->matrix_path = matrix_find_path(matrix_opt);
	if (matrix_load(&s->matrix, s->matrix_path) < 0)
		return -1;
	topts.repo = repo_opt;
	s->repo_path = trees_repo(&s->matrix, &topts, &s->user_repo);
	if (git_repository_open_ext(&s->repo, s->repo_path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return error_git("cannot open repository '%s'%s",
				 s->repo_path,
				 s->user_repo ? "" :
					" (run 'backport trees' first)");
	return 0;
}

void setup_release(struct setup *s)
{
	git_repository_free(s->repo);
	matrix_release(&s->matrix);
	free(s->matrix_path);
	free(s->repo_path);
	memset(s, 0, sizeof(*s));
}

void setup_default_targets(struct strvec *out, const struct setup *s)
{
	const struct matrix *m = &s->matrix;

	for (size_t i = 0; i < m->branches_nr; i++) {
		const struct matrix_branch *b = m->branches[i];

		for (size_t k = 0; k + 1 < b->sources_nr; k++)
			strvec_pushf(out, "%s@v%s", b->name,
				     b->sources[k]->name);
		strvec_push(out, b->name);
	}
}
