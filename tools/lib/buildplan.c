// SPDX-License-Identifier: GPL-2.0
/*
 * buildplan: the kernels to build for targets and series. See buildplan.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buildplan.h"
#include "util/error.h"
#include "util/xalloc.h"

static bool resolve(git_oid *out, git_repository *repo, const char *spec)
{
	git_object *o = NULL;
	char *s = xstrfmt("%s^{commit}", spec);
	bool ok = !git_revparse_single(&o, repo, s);

	if (ok)
		git_oid_cpy(out, git_object_id(o));
	git_object_free(o);
	free(s);
	return ok;
}

int buildplan_base(git_oid *out, git_repository *repo, const char *target)
{
	const char *at = strchr(target, '@');
	char *branch = xstrndup(target, at ? (size_t)(at - target) :
					     strlen(target));
	char *spec = NULL;
	int ret = 0;

	if (at) {
		if (!resolve(out, repo, at + 1))
			ret = error_set("target '%s': no commit '%s'", target,
					at + 1);
		goto out;
	}
	spec = xstrfmt("refs/heads/%s", branch);
	if (resolve(out, repo, spec))
		goto out;
	free(spec);
	spec = xstrfmt("refs/remotes/origin/%s", branch);
	if (!resolve(out, repo, spec))
		ret = error_set("target '%s': no branch '%s' (run 'backport "
				"trees --branch %s')",
				target, branch, branch);
out:
	free(spec);
	free(branch);
	return ret;
}

/* The baseline job of `target`, then one per series. */
static int add_target(struct kbuild_job *jobs, size_t *n, git_repository *repo,
		      const char *target, const struct strvec *series)
{
	size_t base = *n;
	char *branch = xstrndup(target, strcspn(target, "@"));
	git_oid oid;
	int ret = -1;

	if (buildplan_base(&oid, repo, target) < 0)
		goto out;
	kbuild_job_init(&jobs[*n]);
	kbuild_job_set(&jobs[(*n)++], target, branch, NULL, &oid);
	for (size_t s = 0; s < series->nr; s++) {
		char *ref = xstrfmt("refs/backport/%s/%s", series->v[s],
				    target);
		bool ok = resolve(&oid, repo, ref);

		if (!ok)
			error_set("no '%s' (run 'backport apply --series %s "
				  "--branch %s' first)",
				  ref, series->v[s], target);
		free(ref);
		if (!ok)
			goto out;
		kbuild_job_init(&jobs[*n]);
		kbuild_job_set(&jobs[*n], target, branch, series->v[s], &oid);
		jobs[(*n)++].baseline = &jobs[base];
	}
	ret = 0;
out:
	free(branch);
	return ret;
}

int buildplan_make(struct kbuild_job **jobs, size_t *nr,
		   git_repository *repo, const struct strvec *targets,
		   const struct strvec *series)
{
	size_t per = 1 + series->nr, n = 0;
	struct kbuild_job *j = xcalloc(targets->nr * per + 1, sizeof(*j));
	bool *done = xcalloc(targets->nr + 1, sizeof(*done));
	int ret = 0;

	for (size_t i = 0; i < targets->nr && !ret; i++) {
		size_t len = strcspn(targets->v[i], "@");

		/* Every target of this branch, in the order given. */
		for (size_t t = i; t < targets->nr && !ret; t++) {
			const char *spec = targets->v[t];

			if (done[t] || strcspn(spec, "@") != len ||
			    strncmp(spec, targets->v[i], len))
				continue;
			done[t] = true;
			ret = add_target(j, &n, repo, spec, series);
		}
	}
	free(done);
	if (ret < 0) {
		buildplan_release(j, n);
		j = NULL;
		n = 0;
	}
	*jobs = j;
	*nr = n;
	return ret;
}

void buildplan_release(struct kbuild_job *jobs, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		kbuild_job_release(&jobs[i]);
	free(jobs);
}

void buildplan_applied_series(struct strvec *out, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	const char *name;

	if (git_reference_iterator_glob_new(&it, repo, "refs/backport/*") < 0)
		return;
	while (!git_reference_next_name(&name, it)) {
		const char *p = name + strlen("refs/backport/");
		const char *slash = strchr(p, '/');
		char *s;

		if (!slash)
			continue;
		s = xstrndup(p, slash - p);
		if (!strvec_has(out, s))
			strvec_push(out, s);
		free(s);
	}
	git_reference_iterator_free(it);
}
