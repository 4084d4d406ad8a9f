/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_KBUILD_H
#define BACKPORT_KBUILD_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include <git2.h>
#include <jansson.h>

#include "lib/artefact.h"
#include "lib/buildlog.h"
#include "lib/kconfig.h"
#include "lib/worktree.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * kbuild: build a kernel (bzImage) and its KVM selftests for each target
 * and variant (the unpatched branch, "baseline", and the series applied
 * on it, "series"), in our own directories, with a verdict each.
 *
 * Directories (under the cache, cache_dir() unless opts->cache):
 *
 *	worktrees/<branch>/src		the branch's sources; `state` holds
 *					the tree written there
 *	builds/<branch>/<config>/<variant>	the O= directory
 *	ccache/				CCACHE_DIR
 *	artefacts/<key>/		bzImage, kselftest/kvm/..., logs,
 *					build.json (written last)
 *
 * The build step is this header's kbuild_run(); the nouns it is made of
 * have their own modules, whose headers this one includes: kconfig.h
 * (the configuration and its .config), buildlog.h (what a log says),
 * worktree.h (a branch's sources, moved from commit to commit by
 * writing only what changed), artefact.h (the artefact kept by a hash
 * of its inputs, and build.json). kbuild.c runs the jobs, their makes
 * and the jobserver they share.
 *
 * The series variant's build directory is first made a copy of the
 * baseline's (rsync -a --delete, timestamps kept): the series build
 * then compiles only what the series touched and links.
 *
 * An artefact is kept by the key of its inputs (artefact.h): one whose
 * build.json exists is complete and is used again without building.
 *
 * Steps of one build, each with its log in the results directory
 * (results/build/<target>/<variant>/): config.log (make <base>,
 * scripts/kconfig/merge_config.sh -m, make olddefconfig, then a check
 * that every option of the fragment survived), kernel.log (make
 * bzImage), selftests.log (make headers, then make -k TARGETS=kvm
 * EXTRA_CFLAGS=-static kselftest-all). All make processes of a run share
 * one GNU make jobserver of opts->jobs slots.
 *
 * A build that fails is a verdict (KBUILD_BUILD_FAILED with the step and
 * the first error of its log), not an error. Errors (-1) are what stops
 * the run from knowing: the repository, the file system (a full disk
 * included: "no space left" in a log is an error, not a verdict), a make
 * that could not start, an interrupted build, and a build the machine
 * failed (the OOM killer, a compiler killed by a signal, make
 * terminated, the branch lock lost); they name the target and the step.
 * An error is never stored as an artefact: the next run builds again.
 *
 * build.json, one per target and variant, in the results directory and
 * (without "cached", "logs" and "results") in the artefact:
 *
 *	{
 *	  "target": "linux-6.12.y@v6.12.111",
 *	  "branch": "linux-6.12.y",
 *	  "variant": "baseline" | "series",
 *	  "series": "kvm-x86-mmu" | null,
 *	  "commit": "<sha1>", "tree": "<sha1>",
 *	  "config": "kvm-tiny",
 *	  "key": "<sha1 of the inputs>",
 *	  "toolchain": "gcc (Debian 12.2.0-14+deb12u1) 12.2.0; GNU Make 4.3",
 *	  "verdict": "built" | "build-failed",
 *	  "step": null | "config" | "kernel" | "headers" | "selftests",
 *	  "first_error": null | {"file", "line", "message", "text"},
 *	  "broken_by": null | {"commit", "title", ...},	// bisect.h
 *	  "missing_options": ["CONFIG_FOO", ...],
 *	  "warnings": [{"file", "line", "message"}, ...],
 *	  "new_warnings": [...],	// series: in files it touched, not
 *					// in the baseline's warnings
 *	  "touched": ["arch/x86/kvm/mmu/mmu.c", ...],	// series only
 *	  "artefacts": "<cache>/artefacts/<key>",
 *	  "bzImage": "<cache>/artefacts/<key>/bzImage" | null,
 *	  "selftests": null | {"dir": "<cache>/artefacts/<key>/kselftest/kvm",
 *			       "built": 66, "failed": ["dirty_log_test"]},
 *	  "gen_init_cpio": "<path>" | null,
 *	  "seconds": {"config": 4.1, "kernel": 371.0, "selftests": 40.2},
 *	  "objects": 1840,		// compile lines in kernel.log
 *	  "distcc": {...},		// only with distcc hosts: distcc.h
 *	  "cached": false,		// results only: artefact reused
 *	  "results": "/abs/results/build/<target>/<variant>",
 *	  "logs": {"config": ".../config.log", "kernel": ...,
 *		   "selftests": ...}
 *	}
 *
 * Paths are absolute. The selftests directory keeps the kernel's layout
 * (x86_64/ or x86/ below it) and holds only the executables.
 *
 * NEEDSWORK: the targets of one branch share its worktree and build in
 * order; only different branches build in parallel. Two backport builds
 * on one cache take turns on a branch (a lock in worktrees/<branch>/).
 * NEEDSWORK: the error state (error.c) is global: a worker thread holds
 * a lock on it except while it waits for a make, and keeps its own
 * message in its job; but run_command() failing to start a make (during
 * that wait) could race with another worker's error.
 * NEEDSWORK: a make killed by a timeout takes the jobserver tokens it
 * held with it: the rest of that run has fewer slots.
 * NEEDSWORK: only x86_64 (bzImage).
 *
 * With distcc hosts (opts->distcc_hosts, distcc.h), each make runs with
 * CCACHE_PREFIX=distcc, DISTCC_HOSTS (the hosts that answered a probe)
 * and DISTCC_LOG=<results>/distcc.log, from which build.json's "distcc"
 * counts the units each host compiled. No host answering is a warning
 * (opts->warnings) and a local build, never a failure.
 */

struct bisect;

enum kbuild_verdict {
	KBUILD_NOT_BUILT,
	KBUILD_BUILT,
	KBUILD_BUILD_FAILED,
};

enum kbuild_step {
	KBUILD_STEP_NONE,
	KBUILD_STEP_SYNC,
	KBUILD_STEP_CONFIG,
	KBUILD_STEP_KERNEL,
	KBUILD_STEP_HEADERS,
	KBUILD_STEP_SELFTESTS,
	KBUILD_STEP_DONE,
};

const char *kbuild_verdict_name(enum kbuild_verdict v);
const char *kbuild_step_name(enum kbuild_step s);

/* One build: a target and a variant. Set the inputs, read the results. */
struct kbuild_job {
	/* Inputs. */
	char *target; /* "linux-6.12.y@v6.12.111" */
	char *branch; /* "linux-6.12.y" */
	char *variant; /* "baseline" or "series" */
	char *series; /* NULL for baseline */
	unsigned version; /* 6012 */
	git_oid commit;
	/* The baseline job of the same target, for a series; borrowed. */
	struct kbuild_job *baseline;

	/* Results. */
	git_oid tree;
	char *config; /* the configuration's name */
	char *toolchain; /* "gcc ... ; GNU Make 4.3" */
	enum kbuild_verdict verdict;
	enum kbuild_step step; /* running now; the failed one at the end */
	struct kbuild_msg first_error;
	/* A series that did not build: the commit that broke it (bisect.h). */
	struct bisect *bisect;
	struct strvec missing; /* options dropped by Kconfig */
	struct kbuild_msgs warnings;
	struct kbuild_msgs new_warnings;
	struct strvec touched;
	char key[41];
	bool cached;
	char *artefacts;
	char *bzimage;
	char *selftests_dir;
	char *gen_init_cpio;
	size_t selftests_built;
	struct strvec selftests_failed;
	double seconds[KBUILD_STEP_DONE];
	size_t objects;
	json_t *distcc; /* build.json's "distcc", or NULL: not used */
	char *results; /* its results directory */
	char *error; /* set when it stopped on an error */
	/* Progress, written by the worker. */
	size_t objects_total; /* a hint from the last full build, or 0 */
	double started;
};

void kbuild_job_init(struct kbuild_job *j);
void kbuild_job_release(struct kbuild_job *j);
/* `series` NULL for the baseline variant. */
void kbuild_job_set(struct kbuild_job *j, const char *target,
		    const char *branch, const char *series,
		    const git_oid *commit);

struct kbuild_progress {
	size_t nr, total; /* the job among all */
	const struct kbuild_job *job;
	enum kbuild_step step;
	size_t objects; /* compiled so far in this step */
	size_t objects_total; /* 0: unknown */
	double elapsed; /* seconds in this job */
};

struct kbuild_opts {
	/* Where worktrees, builds, ccache and artefacts are: NULL cache_dir(). */
	const char *cache;
	/* The results directory (its build/ subdirectory is used). */
	const char *results;
	/* Slots of the shared jobserver (make -jN), at least 1. */
	unsigned jobs;
	/* Branches built at the same time (each a thread); 1: in order. */
	unsigned parallel;
	/* Per make invocation; 0: none. */
	unsigned long timeout_ms;
	/* Build again even when the artefact exists. */
	bool force;
	/* Called from the calling thread about once a second; may be NULL. */
	void (*progress)(const struct kbuild_progress *p, void *data);
	void *progress_data;
	/*
	 * Set (from a signal handler) to stop: every make of the run is
	 * killed with its process group, and kbuild_run() fails with
	 * "interrupted". May be NULL.
	 */
	volatile sig_atomic_t *interrupted;
	/*
	 * distcc's DISTCC_HOSTS (distcc.h), or NULL: compile here. With
	 * jobs_from_hosts, `jobs` becomes the slots of the hosts that are
	 * up (when more).
	 */
	const char *distcc_hosts;
	bool jobs_from_hosts;
	/* Warnings of the run (a distcc host down), for the caller. */
	struct strvec *warnings;
};

#define KBUILD_OPTS_INIT                                        \
	{                                                       \
		.results = "results", .jobs = 2, .parallel = 1, \
	}

/*
 * Build the jobs, from the repository at `repo_path` (only read), with
 * configuration `c`. A series job must follow its baseline job in
 * `jobs`. Returns 0 when every job has a verdict, -1 on the first error
 * (the job's `error` says which step of which target; the others still
 * finish or stop cleanly).
 */
int kbuild_run(struct kbuild_job *jobs, size_t nr, const char *repo_path,
	       const struct kbuild_config *c, const struct kbuild_opts *opts);

#endif
