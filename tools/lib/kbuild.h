/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_KBUILD_H
#define BACKPORT_KBUILD_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include <git2.h>
#include <jansson.h>

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
 * A worktree moves from one commit to another by writing only the paths
 * git_diff_tree_to_tree() names (each file through a temporary and
 * rename(2)), so make's timestamps rebuild only what changed; its state
 * file says "tree <old>\npending <new>" while it moves, so an interrupted
 * move is finished by rewriting both diffs. The series variant's build
 * directory is first made a copy of the baseline's (rsync -a --delete,
 * timestamps kept): the series build then compiles only what the series
 * touched and links.
 *
 * The key of an artefact is the SHA-1 of the inputs: the tree id, the
 * configuration (its base, the fragment's text, the optional options),
 * whether selftests are built, and the toolchain (`gcc --version`,
 * `make --version`). An artefact whose build.json exists is complete and
 * is used again without building; anything else under artefacts/ is
 * half-written and redone.
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
 * that could not start, an interrupted build; they name the target and
 * the step.
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
 * NEEDSWORK: a build failed by the machine (the OOM killer, a compiler
 * crash) is recorded as a verdict like any other; --force redoes it.
 * NEEDSWORK: warnings in headers are kept across builds of a directory
 * even when no longer emitted; only compiled .c files refresh theirs.
 * NEEDSWORK: only x86_64 (bzImage).
 */

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

/* An option that may be missing, for some versions: "X if >= 7.3". */
struct kbuild_optional {
	char *option;		/* without CONFIG_ */
	char op[3];		/* "" (always), "<", "<=", ">", ">=", "=" */
	unsigned version;	/* 703 */
};

/*
 * A build configuration, from the matrix file:
 *
 *	[matrix]
 *		config = kvm-tiny
 *	[config "kvm-tiny"]
 *		base = tinyconfig		# a make target
 *		fragment = kvm.fragment		# relative to the matrix
 *		optional = X86_IOPL_IOPERM	# multi-valued
 *		optional = PROC_SYSCTL >= 7.3
 *		selftests = kvm			# or "none"
 */
struct kbuild_config {
	char *name;
	char *base;
	char *fragment;		/* absolute path, or NULL */
	struct strbuf fragment_text;
	struct kbuild_optional *optional;
	size_t optional_nr, optional_alloc;
	bool selftests;
};

#define KBUILD_CONFIG_INIT { .fragment_text = STRBUF_INIT }

void kbuild_config_init(struct kbuild_config *c);
void kbuild_config_release(struct kbuild_config *c);

/*
 * Read configuration `name` (NULL: the matrix's `config`, else
 * "kvm-tiny") from the matrix `m` (matrix_read() or matrix_load()). A
 * relative fragment is found beside the matrix file. Returns 0, or -1
 * with an error naming the file and section (no such section, no base,
 * a fragment that cannot be read, a bad `optional`).
 */
struct matrix;
int kbuild_config_from_matrix(struct kbuild_config *c, const struct matrix *m,
			      const char *name);

/* Whether `option` (no CONFIG_) may be missing on `version` (6012). */
bool kbuild_option_is_optional(const struct kbuild_config *c,
			       const char *option, unsigned version);

/*
 * The options of `fragment` that `dotconfig` does not hold as asked
 * ("CONFIG_X=y" absent or different; "# CONFIG_X is not set" set),
 * leaving out the optional ones, pushed as "CONFIG_X" onto `missing`.
 */
void kbuild_check_config(struct strvec *missing, const char *dotconfig,
			 const struct kbuild_config *c, unsigned version);

/* A compiler or linker message: file relative to the tree. */
struct kbuild_msg {
	char *file;		/* NULL when none */
	unsigned line;
	char *message;
	char *text;		/* the line as logged */
};

struct kbuild_msgs {
	struct kbuild_msg *v;
	size_t nr, alloc;
};

#define KBUILD_MSGS_INIT { 0 }

void kbuild_msg_release(struct kbuild_msg *m);
void kbuild_msgs_release(struct kbuild_msgs *m);
void kbuild_msgs_add(struct kbuild_msgs *m, const char *file, unsigned line,
		     const char *message, const char *text);

/*
 * The first error of a build log: gcc's "file:line:col: error:" and
 * "fatal error:", ld's "file:line: undefined reference", "ld: ...
 * error", else make's first "*** [...] Error" line. Paths under
 * `srcdir` (may be NULL) are made relative. Returns true when found.
 */
bool kbuild_first_error(struct kbuild_msg *out, const char *log,
			const char *srcdir);

/* Every "file:line:col: warning: message" of a log, in order, unique. */
void kbuild_parse_warnings(struct kbuild_msgs *out, const char *log,
			   const char *srcdir);

/*
 * The .c files a log compiled ("  CC      path.o" lines), as source
 * paths, onto `out`.
 */
void kbuild_parse_compiled(struct strvec *out, const char *log);

/*
 * The warnings of `series` in the `touched` files that `baseline` does
 * not have (compared by file and message, not line: lines move).
 */
void kbuild_new_warnings(struct kbuild_msgs *out,
			 const struct kbuild_msgs *series,
			 const struct kbuild_msgs *baseline,
			 const struct strvec *touched);

/* One build: a target and a variant. Set the inputs, read the results. */
struct kbuild_job {
	/* Inputs. */
	char *target;		/* "linux-6.12.y@v6.12.111" */
	char *branch;		/* "linux-6.12.y" */
	char *variant;		/* "baseline" or "series" */
	char *series;		/* NULL for baseline */
	unsigned version;	/* 6012 */
	git_oid commit;
	/* The baseline job of the same target, for a series; borrowed. */
	struct kbuild_job *baseline;

	/* Results. */
	git_oid tree;
	char *config;		/* the configuration's name */
	char *toolchain;	/* "gcc ... ; GNU Make 4.3" */
	enum kbuild_verdict verdict;
	enum kbuild_step step;	/* running now; the failed one at the end */
	struct kbuild_msg first_error;
	struct strvec missing;	/* options dropped by Kconfig */
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
	char *results;		/* its results directory */
	char *error;		/* set when it stopped on an error */
	/* Progress, written by the worker. */
	size_t objects_total;	/* a hint from the last full build, or 0 */
	double started;
};

void kbuild_job_init(struct kbuild_job *j);
void kbuild_job_release(struct kbuild_job *j);
/* `series` NULL for the baseline variant. */
void kbuild_job_set(struct kbuild_job *j, const char *target,
		    const char *branch, const char *series,
		    const git_oid *commit);

struct kbuild_progress {
	size_t nr, total;	/* the job among all */
	const struct kbuild_job *job;
	enum kbuild_step step;
	size_t objects;		/* compiled so far in this step */
	size_t objects_total;	/* 0: unknown */
	double elapsed;		/* seconds in this job */
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
};

#define KBUILD_OPTS_INIT { NULL, "results", 2, 1, 0, false, NULL, NULL, NULL }

/*
 * Build the jobs, from the repository at `repo_path` (only read), with
 * configuration `c`. A series job must follow its baseline job in
 * `jobs`. Returns 0 when every job has a verdict, -1 on the first error
 * (the job's `error` says which step of which target; the others still
 * finish or stop cleanly).
 */
int kbuild_run(struct kbuild_job *jobs, size_t nr, const char *repo_path,
	       const struct kbuild_config *c, const struct kbuild_opts *opts);

/*
 * Move the worktree at `dir` (with its state file `state`) to `tree`,
 * writing only what changed. Returns 0, or -1 with an error naming the
 * path. Exposed for tests.
 */
int kbuild_sync_worktree(git_repository *repo, const char *dir,
			 const char *state, const git_oid *tree,
			 size_t *written);

/* A job as build.json (see above). Caller owns it. */
json_t *kbuild_job_to_json(const struct kbuild_job *j, bool for_results);

#endif
