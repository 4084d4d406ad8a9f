/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_RUN_H
#define BACKPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>
#include <jansson.h>

#include "util/strbuf.h"

/*
 * run: the bookkeeping of `backport run`: a results directory per run,
 * the content-addressed cache of finished cells, and run.json.
 *
 *	results/runs/<id>/			one run
 *		run.json			the matrix (schema below)
 *		index.html			the report (report.h)
 *		build/<target>/<variant>/	from `backport build`
 *		test/<target>/...		from `backport test`
 *		diff/<series>/<target>.txt	review diffs
 *	results/latest -> runs/<id>
 *
 * A cell is one series on one target. Its key is the SHA-1 of everything
 * its result depends on: the series' mails, the recorded resolutions and
 * renames, the target's commit, the matrix directory (configuration,
 * fragments, selftest sets) and the tool's version. A finished cell is
 * kept in cache_dir()/cells/<key>/ (its build/ and test/ results and
 * cell.json, written last), and a later run with the same key takes it
 * from there instead of building and testing again.
 *
 * run.json:
 *	{ "run": id, "version": tool version, "started": ISO 8601,
 *	  "finished": ISO 8601, "seconds": N, "matrix": path, "repo": path,
 *	  "series": [ { "name", "patches": [ { "file", "subject", "title" } ]
 *	  } ],
 *	  "cells": [ {
 *	    "series", "target", "branch", "key", "cached": bool,
 *	    "apply": apply.h's target JSON (verdicts, details, commits),
 *	    "build": { "baseline": build.json | null,
 *		       "series": build.json | null },
 *	    "test": { "baseline": result.json | null,
 *		      "series": result.json | null,
 *		      "compare": compare.json | null },
 *	    "diff": "diff/<series>/<target>.txt" | null,
 *	    "status": "ok" | "failed" } ] }
 * (build.json, result.json, compare.json: kbuild.h and selftest.h.)
 */

/* A new run id from the current time: "20261122-045500". */
char *run_new_id(void);

/*
 * Add to `sb` the relative path and content of every regular file under
 * `dir` (sorted, recursively); a missing directory adds nothing.
 */
int run_hash_dir(struct strbuf *sb, const char *dir);

/* The key (40 hex + NUL) of the bytes in `inputs`. */
void run_key(char out[41], const struct strbuf *inputs);

/* Copy the directory `from` to `to` (replacing it), or -1. */
int run_copy_dir(const char *from, const char *to);

/* Point `link` at `target` (a relative path), replacing it. */
int run_symlink(const char *target, const char *link);

#endif
