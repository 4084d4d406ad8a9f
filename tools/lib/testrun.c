// SPDX-License-Identifier: GPL-2.0
/*
 * testrun: the test step over many kernels. See testrun.h.
 */
#include <pthread.h>
#include <stdint.h>
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

/* ---- the hosts at once ---- */

enum kstate { K_PENDING, K_RUNNING, K_DONE };

struct hosts_run {
	struct testrun *t;
	const struct selftest_set *set;
	const struct selftest_opts *opts;
	void (*done)(void *data, size_t i);
	void *data;
	volatile sig_atomic_t *interrupted;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum kstate *state;
	bool *tried; /* [kernel * hosts_nr + host] */
	bool *gone; /* hosts that failed */
	size_t running;
};

struct host_worker {
	struct hosts_run *hr;
	size_t host;
};

/* The next kernel this host may take, or SIZE_MAX; under the lock. */
static size_t next_kernel(struct hosts_run *hr, size_t h, bool *wait)
{
	size_t n = hr->t->hosts_nr;

	*wait = false;
	if (hr->interrupted && *hr->interrupted)
		return SIZE_MAX;
	for (size_t i = 0; i < hr->t->nr; i++) {
		if (hr->state[i] == K_RUNNING)
			*wait = true; /* it may come back from a failed host */
		if (hr->state[i] == K_PENDING && !hr->tried[i * n + h])
			return i;
	}
	return SIZE_MAX;
}

/* Kernel i is finished (ran, or failed): tell the caller. */
static void finish(struct hosts_run *hr, size_t i)
{
	hr->state[i] = K_DONE;
	if (hr->done)
		hr->done(hr->data, i);
}

/* Host h failed kernel i: it leaves; the kernel waits for another. */
static void host_failed(struct hosts_run *hr, size_t i, size_t h)
{
	struct testrun *t = hr->t;
	size_t n = t->hosts_nr;

	strvec_push(&t->k[i].host_errors, t->k[i].error);
	hr->gone[h] = true;
	for (size_t j = 0; j < t->nr; j++)
		hr->tried[j * n + h] = true;
	hr->state[i] = K_PENDING;
	for (size_t j = 0; j < t->nr; j++) {
		bool left = false;

		for (size_t g = 0; g < n; g++)
			left |= !hr->gone[g] && !hr->tried[j * n + g];
		if (hr->state[j] == K_PENDING && !left) {
			free(t->k[j].error);
			t->k[j].error =
				j == i ? xstrfmt("%s; no ssh host left to "
						 "run it",
						 error_last()) :
					 xstrfmt("target '%s' (%s): no ssh "
						 "host left to run it",
						 t->k[j].target,
						 t->k[j].variant);
			finish(hr, j);
		}
	}
}

/* No thread for host h: as if it had failed before it took a kernel. */
static void host_failed_to_start(struct hosts_run *hr, size_t h)
{
	hr->gone[h] = true;
	for (size_t j = 0; j < hr->t->nr; j++)
		hr->tried[j * hr->t->hosts_nr + h] = true;
}

static void *host_main(void *data)
{
	struct host_worker *w = data;
	struct hosts_run *hr = w->hr;
	struct selftest_opts o = *hr->opts;

	o.host = &hr->t->hosts[w->host];
	pthread_mutex_lock(&hr->lock);
	while (!hr->gone[w->host]) {
		bool wait;
		size_t i = next_kernel(hr, w->host, &wait);
		int ret;

		if (i == SIZE_MAX) {
			if (!wait)
				break;
			pthread_cond_wait(&hr->cond, &hr->lock);
			continue;
		}
		hr->state[i] = K_RUNNING;
		pthread_mutex_unlock(&hr->lock);
		ret = boot_once(hr->t, i, hr->set, &o);
		pthread_mutex_lock(&hr->lock);
		if (ret < 0 && hr->t->k[i].run.host_failed)
			host_failed(hr, i, w->host);
		else
			finish(hr, i);
		pthread_cond_broadcast(&hr->cond);
	}
	hr->running--;
	pthread_cond_broadcast(&hr->cond);
	pthread_mutex_unlock(&hr->lock);
	error_clear(); /* this thread's (error.h) */
	return NULL;
}

int testrun_boot_hosts(struct testrun *t, const struct selftest_set *set,
		       const struct selftest_opts *opts,
		       void (*done)(void *data, size_t i), void *data,
		       volatile sig_atomic_t *interrupted)
{
	struct hosts_run hr = { .t = t,
				.set = set,
				.opts = opts,
				.done = done,
				.data = data,
				.interrupted = interrupted };
	size_t n = t->hosts_nr;
	struct host_worker *w = xcalloc(n, sizeof(*w));
	pthread_t *th = xcalloc(n, sizeof(*th));
	bool *started = xcalloc(n, sizeof(*started));
	int ret = 0;

	pthread_mutex_init(&hr.lock, NULL);
	pthread_cond_init(&hr.cond, NULL);
	hr.state = xcalloc(t->nr, sizeof(*hr.state));
	hr.tried = xcalloc(t->nr * n, sizeof(*hr.tried));
	hr.gone = xcalloc(n, sizeof(*hr.gone));
	for (size_t i = 0; i < t->nr; i++)
		strvec_clear(&t->k[i].host_errors);
	pthread_mutex_lock(&hr.lock);
	for (size_t h = 0; h < n; h++) {
		w[h].hr = &hr;
		w[h].host = h;
		started[h] = !pthread_create(&th[h], NULL, host_main, &w[h]);
		hr.running += started[h];
		if (!started[h])
			host_failed_to_start(&hr, h);
	}
	pthread_mutex_unlock(&hr.lock);
	for (size_t h = 0; h < n; h++)
		if (started[h])
			pthread_join(th[h], NULL);
	for (size_t i = 0; i < t->nr; i++)
		if (!t->k[i].ran) {
			if (!t->k[i].error)
				t->k[i].error = xstrfmt(
					"target '%s' (%s): not run (interrupted, "
					"or no thread for the hosts)",
					t->k[i].target, t->k[i].variant);
			ret = error_set("%s", t->k[i].error);
		}
	pthread_cond_destroy(&hr.cond);
	pthread_mutex_destroy(&hr.lock);
	free(hr.state);
	free(hr.tried);
	free(hr.gone);
	free(started);
	free(th);
	free(w);
	return ret;
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
