/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_KBUILD_INTERNAL_H
#define BACKPORT_KBUILD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <git2.h>
#include <jansson.h>

#include "lib/distcc.h"
#include "lib/kbuild.h"
#include "util/strvec.h"

/*
 * kbuild-internal: what the modules of the build step share, and no
 * caller sees (kbuild.h is the API). kbuild.c owns the run (the jobs,
 * the jobserver, the worker threads) and the make of each step;
 * kconfig.c makes the .config, buildlog.c reads the logs, worktree.c
 * keeps the sources and their lock, artefact.c saves and reads back
 * what a build keeps.
 *
 * A worker holds kbuild_error_lock whenever it runs (the error state of
 * error.h is global) and lets go only while it waits: for a make
 * (kbuild_run_step()), for rsync (the series build directory), or for
 * the lock of a worktree. An error that stops a job is recorded in the
 * job with kbuild_job_error() or kbuild_job_error_last(), both
 * returning -1:
 *
 *	kbuild_set_log(w, j, "config.log");
 *	kbuild_make_args(w, &cp);	// make -C <src> O=<odir> CC=...
 *	strvec_push(&cp.args, c->base);
 *	if (kbuild_run_step(w, j, &cp, "config", &ok) < 0)
 *		goto out;		// j->error says why
 *	if (!ok)
 *		kbuild_step_failed(w, j);	// a verdict, from the log
 */

struct child_process;

struct kbuild_run {
	const struct kbuild_config *c;
	const struct kbuild_opts *opts;
	const char *repo_path;
	char *cache;
	char *toolchain;
	/* The distcc hosts, probed; distcc_env NULL: none usable. */
	struct distcc distcc;
	char *distcc_env;
	struct kbuild_job *jobs;
	size_t nr;
	/* Groups of jobs by branch: [start, end) of each. */
	size_t *group_start;
	size_t groups;
	size_t next_group;
	/* The jobserver: a pipe of jobs-1 tokens and our implicit slot. */
	unsigned jobs_nr;
	int js[2];
	bool implicit_free;
	pthread_mutex_t lock;
	size_t running; /* workers still going */
	bool failed;
	bool interrupted;
};

struct worker {
	struct kbuild_run *r;
	git_repository *repo;
	char *src; /* the branch's worktree */
	char *odir;
	char *log; /* the log being written */
	/*
	 * The branch's lock, kept open by every make it runs: held while
	 * any writer of its build directories lives, even one we lost.
	 */
	int lock_fd;
	size_t job; /* index of the job running */
	/* Progress, kept by the main thread. */
	char *seen_log;
	off_t log_off;
	size_t objects;
};

/* kbuild.c: errors, logs and the make of a step. */

extern pthread_mutex_t kbuild_error_lock;

/* Record an error for the job (the global error state is not ours). */
int kbuild_job_error(struct kbuild_job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The last recorded error, as this job's, with context. */
int kbuild_job_error_last(struct kbuild_job *j, const char *what);

/* Append "$ <args>" to `log`. */
void kbuild_append_log(const char *log, const struct strvec *args);
/*
 * Run one command of a step, its output appended to the step's log.
 * *ok: it exited 0. -1 when it could not run, was killed or timed out,
 * or the disk is full: errors, not verdicts.
 */
int kbuild_run_step(struct worker *w, struct kbuild_job *j,
		    struct child_process *cp, const char *what, bool *ok);
/* make -C <src> O=<odir> with ccache, onto cp->args. */
void kbuild_make_args(struct worker *w, struct child_process *cp);
/* The log of the step now running: <results>/<name>. */
void kbuild_set_log(struct worker *w, struct kbuild_job *j, const char *name);
/* A verdict from the log of the failed step. */
void kbuild_step_failed(struct worker *w, struct kbuild_job *j);

/* kconfig.c */

/* "6.12" or "v6.12" as 6012; 0 when not a version. */
unsigned kconfig_parse_version(const char *s);
/* Whether the build directory `odir` has a .config. */
bool kconfig_has_config(const char *odir);
/*
 * make <base>, merge_config.sh -m <fragment>, make olddefconfig; skipped
 * when the stamp says the .config there is current. Then the fragment's
 * options that Kconfig dropped: a verdict.
 */
int kconfig_make(struct worker *w, struct kbuild_job *j);

/* buildlog.c */

void buildlog_set_msg(struct kbuild_msg *out, const char *file, size_t flen,
		      unsigned lineno, const char *msg, size_t mlen,
		      const char *line, size_t len, const char *srcdir);
/* The compile lines ("  CC ...o", "  AS ...o") of complete lines. */
size_t buildlog_count_objects(const char *buf, size_t len);
/*
 * Why a failed make says nothing about the sources, from its log; NULL
 * when the failure is the sources'.
 */
const char *buildlog_machine_failure(const char *log, size_t len);
/* The selftests under `kdir` that make failed to build, onto `out`. */
void buildlog_failed_selftests(struct strvec *out, const char *log,
			       const char *kdir);
/*
 * j->warnings from the warnings database of the build directory `odir`
 * and the kernel log `log` (sources at `src`); the database updated.
 */
void buildlog_update_warnings(struct kbuild_job *j, const char *odir,
			      const char *src, const char *log);
json_t *buildlog_msg_to_json(const struct kbuild_msg *m);
json_t *buildlog_msgs_to_json(const struct kbuild_msgs *m);
void buildlog_msgs_from_json(struct kbuild_msgs *m, json_t *a);

/* worktree.c */

/* The paths that differ between two trees (both names of a rename). */
int worktree_touched_paths(struct strvec *out, git_repository *repo,
			   const git_oid *from, const git_oid *to);
/*
 * Take the lock of a branch's worktree at `path` (open in *fd), waiting
 * for another backport build that holds it, unless interrupted.
 */
int worktree_lock(struct kbuild_run *r, struct kbuild_job *j, const char *path,
		  int *fd);

/* artefact.c */

/* j->key, from the inputs of the build. */
void artefact_key(struct kbuild_run *r, struct kbuild_job *j);
/* Fill the results of `j` from an artefact's build.json. */
int artefact_from_record(struct kbuild_job *j, const char *path);
/* Copy the logs from `from` to `to` (missing ones are skipped). */
int artefact_copy_logs(const char *from, const char *to);
/* Save bzImage, the selftests and the logs, then the record, last. */
int artefact_save(struct worker *w, struct kbuild_job *j,
		  const struct strvec *tests);
/* The job's build.json in its results directory. */
int artefact_write_result(struct kbuild_job *j);

#endif
