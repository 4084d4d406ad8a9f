/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_RESULTS_H
#define BACKPORT_RESULTS_H

#include <jansson.h>

#include "util/strvec.h"

/*
 * results: the layout of a results directory (`results/`, or a run's
 * `results/runs/<id>/`) and the documents in it. Every path under it is
 * made here.
 *
 *	build/<target>/<variant>/	build.json (kbuild.h), config.log,
 *					kernel.log, selftests.log
 *	test/<target>/<variant>/	result.json (selftest.h),
 *					console.log, ktap.log
 *	test/<target>/compare.json	the series against its baseline
 *	diff/<series>/<target>.txt	the review diff (reviewdiff.h)
 *	runs/<id>/			a run of `backport run` (run.h)
 *	latest -> runs/<id>		the last run
 *
 * <variant> is "baseline" or "series".
 *
 *	struct results_build b = RESULTS_BUILD_INIT;
 *	if (results_read_build(&b, "results", "linux-6.12.y", "series") > 0
 *	    && b.built)
 *		... b.bzimage, b.selftests ...
 *	results_build_release(&b);
 */

char *results_build_dir(const char *results, const char *target,
			const char *variant);
char *results_test_dir(const char *results, const char *target,
		       const char *variant);
char *results_compare_path(const char *results, const char *target);
/* Relative to `results` when it is NULL. */
char *results_diff_path(const char *results, const char *series,
			const char *target);

/* A run's directory, <results>/runs/<id>; the latest run's when id is NULL. */
char *results_run_dir(const char *results, const char *id);

/*
 * Where `backport run` keeps a series' results in a run directory:
 * <run>/cells/<series>/, a results directory of the layout above.
 */
char *results_run_series(const char *run_dir, const char *series);

/*
 * The compare.json of `series` on `target`: the latest run's
 * (<results>/latest/cells/<series>/...) when it has one, else the one
 * `backport test` left (<results>/test/<target>/compare.json). The path
 * is returned even when neither exists.
 */
char *results_find_compare(const char *results, const char *series,
			   const char *target);

/* What build.json says about a build that a test can boot. */
struct results_build {
	char *verdict; /* "built", "build-failed" */
	char *series; /* NULL for the baseline */
	char *bzimage; /* NULL unless built */
	char *selftests; /* their directory; NULL unless built */
	bool built; /* built, with a bzImage and selftests */
};

#define RESULTS_BUILD_INIT                    \
	{                                     \
		NULL, NULL, NULL, NULL, false \
	}

/*
 * Read build.json of `target`'s `variant`. Returns 1 when read, 0 when
 * there is none, -1 (error set, naming the file) when it cannot be read.
 */
int results_read_build(struct results_build *b, const char *results,
		       const char *target, const char *variant);
void results_build_release(struct results_build *b);

/* The targets with a directory under <results>/build/, sorted. */
void results_built_targets(struct strvec *out, const char *results);

/* A JSON file, or NULL (no error) when it does not exist; -1: bad. */
int results_read_json(json_t **out, const char *path);

/* Write `json` to `path` (directories made, atomically), or -1. */
int results_write_json(const char *path, json_t *json);

#endif
