/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_TESTRUN_H
#define BACKPORT_TESTRUN_H

#include <signal.h>
#include <stdbool.h>

#include <jansson.h>

#include "selftest.h"

/*
 * testrun: the test step over many kernels: each target's series kernel
 * and its baseline (from their build.json, or given), each booted with
 * the selftest set (selftest.h), and each target's series compared with
 * its baseline. Results go where results.h says.
 *
 *	struct testrun t = TESTRUN_INIT;
 *	t.results = "results";
 *	testrun_add_built(&t, "linux-6.12.y", "baseline", NULL, &why);
 *	testrun_add_built(&t, "linux-6.12.y", "series", "s1", &why);
 *	for (size_t i = 0; i < t.nr; i++)
 *		if (testrun_boot(&t, i, &set, &opts) < 0)
 *			... error_last(), the kernel's error ...
 *	cmp = testrun_compare(&t, "linux-6.12.y", NULL);
 *	testrun_release(&t);
 */
struct testrun_kernel {
	char *target;
	char *variant;		/* "baseline" or "series" */
	char *kernel;		/* bzImage */
	char *selftests;	/* the selftests' directory */
	struct selftest_run run;
	bool ran;
	char *error;		/* why it could not run; NULL */
	/* Hosts that failed it before it ran on another (their errors). */
	struct strvec host_errors;
};

struct testrun {
	const char *results;	/* borrowed */
	struct testrun_kernel *k;
	size_t nr, alloc;
	/*
	 * The ssh hosts to run on (remote.h), borrowed; none: here.
	 * testrun_boot_hosts() runs them all at once; testrun_boot() takes
	 * the next in turn (next_host) and, when it fails (ssh), the next,
	 * each host tried once (the errors in host_errors).
	 */
	const struct remote_host *hosts;
	size_t hosts_nr;
	size_t next_host;
};

#define TESTRUN_INIT { .results = "results" }

void testrun_release(struct testrun *t);

void testrun_add(struct testrun *t, const char *target, const char *variant,
		 const char *kernel, const char *selftests);

/*
 * Add `target`'s `variant` as its build.json says. For the series
 * variant, `series` (may be NULL: any) must be the series built. Returns
 * 1 when added; 0, with *why (owned) saying why, when there is nothing
 * to boot (not built, failed, another series); -1 on a bad build.json.
 */
int testrun_add_built(struct testrun *t, const char *target,
		      const char *variant, const char *series, char **why);

/*
 * Boot kernel `i` and run `set` (on the next of t->hosts, if any).
 * Returns 0 with its results (whatever the tests did), or -1 when it
 * could not run (error set and kept in t->k[i].error; with hosts, when
 * it could run on none of them, the errors of each in host_errors).
 */
int testrun_boot(struct testrun *t, size_t i, const struct selftest_set *set,
		 const struct selftest_opts *opts);

/*
 * Boot every kernel of `t` on t->hosts, all hosts at once, one QEMU per
 * host at a time (FIELD.md: one TCG guest per host): each host's thread
 * takes the next kernel nobody has taken, in order. A host that fails
 * (ssh) leaves the run, and its kernel goes to a host that has not tried
 * it; with none left, the kernel could not run (k->error, naming the
 * hosts). `done` (may be NULL) is called for each kernel when it is
 * finished, ran or not, one call at a time, from the hosts' threads;
 * opts->progress is called from them too. `interrupted` (may be NULL):
 * no kernel is started once it is set. Returns 0 when every kernel ran.
 */
int testrun_boot_hosts(struct testrun *t, const struct selftest_set *set,
		       const struct selftest_opts *opts,
		       void (*done)(void *data, size_t i), void *data,
		       volatile sig_atomic_t *interrupted);

/* The run of `target`'s `variant`, when it ran. */
const struct selftest_run *testrun_find(const struct testrun *t,
					const char *target,
					const char *variant);

/*
 * The series of `target` against its baseline (either may be missing:
 * the one that ran alone), written to compare.json. NULL when neither
 * ran (no error set), or when compare.json cannot be written (error set).
 * counts[SELFTEST_CHANGE_NR] (optional) as selftest_compare_to_json().
 */
json_t *testrun_compare(const struct testrun *t, const char *target,
			unsigned *counts);

#endif
