// SPDX-License-Identifier: GPL-2.0
/*
 * testrun: the test step over many kernels. See testrun.h.
 */
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "testrun.h"
#include "util/error.h"
#include "util/xalloc.h"

void testrun_release(struct testrun *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		struct testrun_kernel *k = &t->k[i];

		free(k->target);
		free(k->variant);
		free(k->kernel);
		free(k->selftests);
		free(k->error);
		strvec_clear(&k->host_errors);
		selftest_run_release(&k->run);
	}
	free(t->k);
	t->k = NULL;
	t->nr = t->alloc = 0;
}

void testrun_add(struct testrun *t, const char *target, const char *variant,
		 const char *kernel, const char *selftests)
{
	struct testrun_kernel *k;

	ALLOC_GROW(t->k, t->nr + 1, t->alloc);
	k = &t->k[t->nr++];
	memset(k, 0, sizeof(*k));
	k->target = xstrdup(target);
	k->variant = xstrdup(variant);
	k->kernel = xstrdup(kernel);
	k->selftests = xstrdup(selftests);
	strvec_init(&k->host_errors);
	selftest_run_init(&k->run);
}

int testrun_add_built(struct testrun *t, const char *target,
		      const char *variant, const char *series, char **why)
{
	struct results_build b = RESULTS_BUILD_INIT;
	int ret = results_read_build(&b, t->results, target, variant);

	*why = NULL;
	if (ret < 0) {
		goto out;
	} else if (!ret) {
		*why = xstrfmt("%s (%s): no build", target, variant);
	} else if (series && !strcmp(variant, "series") &&
		   (!b.series || strcmp(b.series, series))) {
		*why = xstrfmt("%s (%s): a build of series '%s', not '%s'",
			       target, variant, b.series ? b.series : "(none)",
			       series);
		ret = 0;
	} else if (!b.built) {
		*why = xstrfmt("%s (%s) was not built (%s)", target, variant,
			       b.verdict ? b.verdict : "no verdict");
		ret = 0;
	} else {
		testrun_add(t, target, variant, b.bzimage, b.selftests);
	}
out:
	results_build_release(&b);
	return ret;
}

static int boot_once(struct testrun *t, size_t i,
		     const struct selftest_set *set,
		     const struct selftest_opts *opts)
{
	struct testrun_kernel *k = &t->k[i];
	struct selftest_run *r = &k->run;

	selftest_run_release(r);
	r->target = xstrdup(k->target);
	r->variant = xstrdup(k->variant);
	r->kernel = xstrdup(k->kernel);
	r->selftests = xstrdup(k->selftests);
	r->dir = results_test_dir(t->results, k->target, k->variant);
	free(k->error);
	k->error = NULL;
	if (selftest_run(r, set, opts) < 0) {
		k->error = xstrdup(error_last());
		return -1;
	}
	k->ran = true;
	return 0;
}

int testrun_boot(struct testrun *t, size_t i, const struct selftest_set *set,
		 const struct selftest_opts *opts)
{
	struct testrun_kernel *k = &t->k[i];
	struct selftest_opts o = *opts;

	strvec_clear(&k->host_errors);
	if (!t->hosts_nr)
		return boot_once(t, i, set, opts);
	for (size_t tries = 0; tries < t->hosts_nr; tries++) {
		o.host = &t->hosts[t->next_host++ % t->hosts_nr];
		if (!boot_once(t, i, set, &o))
			return 0;
		if (!k->run.host_failed)
			return -1;
		strvec_push(&k->host_errors, k->error);
	}
	return -1;
}

const struct selftest_run *testrun_find(const struct testrun *t,
					const char *target,
					const char *variant)
{
	for (size_t i = 0; i < t->nr; i++)
		if (t->k[i].ran && !strcmp(t->k[i].target, target) &&
		    !strcmp(t->k[i].variant, variant))
			return &t->k[i].run;
	return NULL;
}

json_t *testrun_compare(const struct testrun *t, const char *target,
			unsigned *counts)
{
	const struct selftest_run *ser = testrun_find(t, target, "series");
	const struct selftest_run *base = testrun_find(t, target, "baseline");
	char *path;
	json_t *cmp;

	if (!ser) {
		ser = base; /* a baseline alone */
		base = NULL;
	}
	if (!ser)
		return NULL;
	cmp = selftest_compare_to_json(base, ser, counts);
	path = results_compare_path(t->results, target);
	if (results_write_json(path, cmp) < 0) {
		json_decref(cmp);
		cmp = NULL;
	}
	free(path);
	return cmp;
}
