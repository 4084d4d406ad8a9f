// SPDX-License-Identifier: GPL-2.0
/*
 * kbuild: the build step. Jobs (a target and a variant each), the
 * threads that build the branches, the GNU make jobserver they share,
 * the make of each step (kernel, headers, KVM selftests) with its log,
 * and progress. The nouns a build is made of live apart: kconfig.c (the
 * .config), buildlog.c (what a log says), worktree.c (the sources),
 * artefact.c (what is kept, build.json). See kbuild.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/bisect.h"
#include "lib/kbuild-internal.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/xalloc.h"

static const char *const verdict_names[] = {
	[KBUILD_NOT_BUILT] = "not-built",
	[KBUILD_BUILT] = "built",
	[KBUILD_BUILD_FAILED] = "build-failed",
};

static const char *const step_names[] = {
	[KBUILD_STEP_NONE] = "none",
	[KBUILD_STEP_SYNC] = "sync",
	[KBUILD_STEP_CONFIG] = "config",
	[KBUILD_STEP_KERNEL] = "kernel",
	[KBUILD_STEP_HEADERS] = "headers",
	[KBUILD_STEP_SELFTESTS] = "selftests",
	[KBUILD_STEP_DONE] = "done",
};

const char *kbuild_verdict_name(enum kbuild_verdict v)
{
	return verdict_names[v];
}

const char *kbuild_step_name(enum kbuild_step s)
{
	return step_names[s];
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- jobs ---- */

void kbuild_job_init(struct kbuild_job *j)
{
	memset(j, 0, sizeof(*j));
	strvec_init(&j->missing);
	strvec_init(&j->touched);
	strvec_init(&j->selftests_failed);
}

void kbuild_job_release(struct kbuild_job *j)
{
	free(j->target);
	free(j->branch);
	free(j->variant);
	free(j->series);
	kbuild_msg_release(&j->first_error);
	bisect_free(j->bisect);
	strvec_clear(&j->missing);
	kbuild_msgs_release(&j->warnings);
	kbuild_msgs_release(&j->new_warnings);
	strvec_clear(&j->touched);
	free(j->artefacts);
	free(j->bzimage);
	free(j->selftests_dir);
	free(j->gen_init_cpio);
	strvec_clear(&j->selftests_failed);
	free(j->results);
	free(j->error);
	free(j->config);
	free(j->toolchain);
	json_decref(j->distcc);
	kbuild_job_init(j);
}

void kbuild_job_set(struct kbuild_job *j, const char *target,
		    const char *branch, const char *series,
		    const git_oid *commit)
{
	j->target = xstrdup(target);
	j->branch = xstrdup(branch);
	j->series = series ? xstrdup(series) : NULL;
	j->variant = xstrdup(series ? "series" : "baseline");
	skip_prefix(branch, "linux-", &branch);
	j->version = kconfig_parse_version(branch);
	git_oid_cpy(&j->commit, commit);
}

/* ---- the jobserver ---- */

/*
 * A slot of the jobserver for one make: ours (true), or a token read
 * from the pipe (false). The read end is non-blocking (make 4.3 makes it
 * so anyway), so we wait for whichever comes first.
 */
static bool acquire_slot(struct kbuild_run *r)
{
	char c;

	for (;;) {
		struct pollfd pfd = { .fd = r->js[0], .events = POLLIN };

		pthread_mutex_lock(&r->lock);
		if (r->implicit_free) {
			r->implicit_free = false;
			pthread_mutex_unlock(&r->lock);
			return true;
		}
		pthread_mutex_unlock(&r->lock);
		if (read(r->js[0], &c, 1) == 1)
			return false;
		poll(&pfd, 1, 100);
	}
}

static void release_slot(struct kbuild_run *r, bool implicit)
{
	pthread_mutex_lock(&r->lock);
	if (implicit)
		r->implicit_free = true;
	else if (write(r->js[1], "+", 1) < 0)
		r->failed = true; /* cannot happen: the pipe has room */
	pthread_mutex_unlock(&r->lock);
}

/* ---- steps ---- */

/*
 * The error state (error.h) is global: a worker holds this lock whenever
 * it runs, and lets go only while it waits for a make (run_command()).
 */
pthread_mutex_t kbuild_error_lock = PTHREAD_MUTEX_INITIALIZER;

int kbuild_job_error(struct kbuild_job *j, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(j->error);
	j->error = strbuf_detach(&sb, NULL);
	return -1;
}

/* The last recorded error, as this job's, with context. */
int kbuild_job_error_last(struct kbuild_job *j, const char *what)
{
	kbuild_job_error(j, "%s: %s: %s", j->target, what, error_last());
	return -1;
}

static void make_env(struct kbuild_run *r, struct kbuild_job *j,
		     struct child_process *cp)
{
	strvec_pushf(&cp->env, "MAKEFLAGS= -j%u --jobserver-auth=%d,%d",
		     r->jobs_nr, r->js[0], r->js[1]);
	strvec_push(&cp->env, "MAKELEVEL");
	strvec_push(&cp->env, "MFLAGS");
	strvec_push(&cp->env, "MAKEOVERRIDES");
	strvec_pushf(&cp->env, "CCACHE_DIR=%s/ccache", r->cache);
	strvec_push(&cp->env, "CCACHE_NOHASHDIR=1");
	if (r->distcc_env) {
		strvec_push(&cp->env, "CCACHE_PREFIX=distcc");
		strvec_pushf(&cp->env, "DISTCC_HOSTS=%s", r->distcc_env);
		strvec_pushf(&cp->env, "DISTCC_DIR=%s/distcc", r->cache);
		strvec_pushf(&cp->env, "DISTCC_LOG=%s/distcc.log", j->results);
	}
	strvec_push(&cp->env, "KBUILD_BUILD_TIMESTAMP=@0");
	strvec_push(&cp->env, "KBUILD_BUILD_USER=backport");
	strvec_push(&cp->env, "KBUILD_BUILD_HOST=backport");
	strvec_push(&cp->env, "LC_ALL=C");
	strvec_push(&cp->env, "ARCH");
	strvec_push(&cp->env, "CROSS_COMPILE");
	strvec_push(&cp->env, "KBUILD_OUTPUT");
}

void kbuild_append_log(const char *log, const struct strvec *args)
{
	FILE *f = fopen(log, "a");

	if (!f)
		return;
	fputs("$", f);
	for (size_t i = 0; i < args->nr; i++)
		fprintf(f, " %s", args->v[i]);
	fputc('\n', f);
	fclose(f);
}

/* The logs and the record of a build in its results directory. */
static const char *const step_logs[] = { "config.log", "kernel.log",
					 "selftests.log", "distcc.log",
					 "build.json" };

/*
 * Run one command of a step, its output appended to the step's log.
 * *ok: it exited 0. -1 when it could not run, was killed or timed out,
 * or the disk is full: errors, not verdicts.
 */
int kbuild_run_step(struct worker *w, struct kbuild_job *j,
		    struct child_process *cp, const char *what, bool *ok)
{
	struct kbuild_run *r = w->r;
	bool implicit;
	int ret;

	*ok = false;
	cp->log_path = w->log;
	cp->keep_fd = w->lock_fd;
	cp->timeout_ms = r->opts->timeout_ms;
	make_env(r, j, cp);
	kbuild_append_log(w->log, &cp->args);
	pthread_mutex_unlock(&kbuild_error_lock);
	implicit = acquire_slot(r);
	ret = run_command(cp);
	release_slot(r, implicit);
	pthread_mutex_lock(&kbuild_error_lock);
	if (ret < 0)
		return kbuild_job_error_last(j, what);
	pthread_mutex_lock(&r->lock);
	ret = r->interrupted;
	pthread_mutex_unlock(&r->lock);
	if (ret)
		return kbuild_job_error(j, "%s: %s: interrupted", j->target,
					what);
	if (cp->timed_out)
		return kbuild_job_error(j, "%s: %s: timed out after %lu s",
					j->target, what, cp->timeout_ms / 1000);
	if (cp->signal)
		return kbuild_job_error(j, "%s: %s: killed by signal %d",
					j->target, what, cp->signal);
	if (cp->exit_code) {
		struct strbuf sb = STRBUF_INIT;

		const char *machine = NULL;

		if (strbuf_read_file(&sb, w->log) == 0)
			machine = buildlog_machine_failure(sb.buf, sb.len);
		strbuf_release(&sb);
		if (machine)
			return kbuild_job_error(j,
						"%s: %s: %s (see '%s'): not a "
						"verdict on the sources",
						j->target, what, machine,
						w->log);
		return 0;
	}
	*ok = true;
	return 0;
}

void kbuild_make_args(struct worker *w, struct child_process *cp)
{
	strvec_pushl(&cp->args, "make", "-C", w->src, NULL);
	strvec_pushf(&cp->args, "O=%s", w->odir);
	strvec_pushl(&cp->args, "CC=ccache gcc", "HOSTCC=ccache gcc", NULL);
}

void kbuild_set_log(struct worker *w, struct kbuild_job *j, const char *name)
{
	char *log = xstrfmt("%s/%s", j->results, name);

	pthread_mutex_lock(&w->r->lock);
	free(w->log);
	w->log = log;
	pthread_mutex_unlock(&w->r->lock);
}

/* A verdict from the log of the failed step. */
void kbuild_step_failed(struct worker *w, struct kbuild_job *j)
{
	struct strbuf sb = STRBUF_INIT;

	j->verdict = KBUILD_BUILD_FAILED;
	kbuild_msg_release(&j->first_error);
	if (strbuf_read_file(&sb, w->log) < 0)
		error_clear();
	if (!kbuild_first_error(&j->first_error, sb.buf, w->src))
		buildlog_set_msg(&j->first_error, NULL, 0, 0,
				 "failed with no message", 22,
				 "failed with no message", 22, NULL);
	strbuf_release(&sb);
}

static int step_kernel(struct worker *w, struct kbuild_job *j)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf log = STRBUF_INIT;
	char *bz = xstrfmt("%s/arch/x86/boot/bzImage", w->odir);
	bool ok;
	int ret = -1;

	j->step = KBUILD_STEP_KERNEL;
	kbuild_set_log(w, j, "kernel.log");
	kbuild_make_args(w, &cp);
	strvec_push(&cp.args, "bzImage");
	if (kbuild_run_step(w, j, &cp, "kernel", &ok) < 0)
		goto out;
	if (strbuf_read_file(&log, w->log) < 0)
		error_clear();
	j->objects = buildlog_count_objects(log.buf, log.len);
	buildlog_update_warnings(j, w->odir, w->src, log.buf);
	if (!ok || !path_exists(bz))
		kbuild_step_failed(w, j);
	ret = 0;
out:
	strbuf_release(&log);
	child_process_release(&cp);
	free(bz);
	return ret;
}

/* Executables (ELF) under `dir`, as paths relative to `top`. */
static void list_executables(struct strvec *out, const char *top,
			     const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		path = xstrfmt("%s/%s", dir, e->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode)) {
			list_executables(out, top, path);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			char magic[4] = { 0 };
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd >= 0 && read(fd, magic, 4) == 4 &&
			    !memcmp(magic, "\177ELF", 4))
				strvec_push(out, path + strlen(top) + 1);
			if (fd >= 0)
				close(fd);
		}
		free(path);
	}
	closedir(d);
}

static bool selftests_makefile(struct worker *w)
{
	char *path = xstrfmt("%s/tools/testing/selftests/kvm/Makefile", w->src);
	bool ret = path_exists(path);

	free(path);
	return ret;
}

static int step_selftests(struct worker *w, struct kbuild_job *j,
			  struct strvec *tests)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strvec failed = STRVEC_INIT, stale = STRVEC_INIT;
	struct strbuf log = STRBUF_INIT;
	char *kdir = xstrfmt("%s/kselftest/kvm", w->odir);
	bool ok;
	int ret = -1;

	j->step = KBUILD_STEP_HEADERS;
	kbuild_set_log(w, j, "selftests.log");
	/*
	 * The build directory is shared by every build of the branch: a
	 * test the tree no longer has must not stay behind from an
	 * earlier build. Only the programs go; make relinks them from
	 * their objects.
	 */
	list_executables(&stale, kdir, kdir);
	for (size_t i = 0; i < stale.nr; i++) {
		char *p = xstrfmt("%s/%s", kdir, stale.v[i]);
		int bad = unlink(p) < 0 && errno != ENOENT;

		if (bad)
			kbuild_job_error(
				j, "%s: selftests: cannot remove '%s': %s",
				j->target, p, strerror(errno));
		free(p);
		if (bad)
			goto out;
	}
	kbuild_make_args(w, &cp);
	strvec_push(&cp.args, "headers");
	if (kbuild_run_step(w, j, &cp, "headers", &ok) < 0)
		goto out;
	if (!ok) {
		kbuild_step_failed(w, j);
		ret = 0;
		goto out;
	}
	child_process_release(&cp);
	j->step = KBUILD_STEP_SELFTESTS;
	kbuild_make_args(w, &cp);
	strvec_pushl(&cp.args, "-k", "TARGETS=kvm", "EXTRA_CFLAGS=-static",
		     "kselftest-all", NULL);
	if (kbuild_run_step(w, j, &cp, "selftests", &ok) < 0)
		goto out;
	if (!ok && selftests_makefile(w)) {
		/*
		 * tools/testing/selftests/Makefile clears MAKEFLAGS when
		 * run from the kernel's (make -rR): -k does not reach the
		 * kvm directory, and the tests after the first that fails
		 * are not built. Build the rest there directly, as that
		 * Makefile would, with -k.
		 */
		child_process_release(&cp);
		strvec_pushl(&cp.args, "make", "-k", "-C", NULL);
		strvec_pushf(&cp.args, "%s/tools/testing/selftests/kvm",
			     w->src);
		strvec_pushf(&cp.args, "OUTPUT=%s", kdir);
		strvec_pushf(&cp.args, "O=%s", w->odir);
		strvec_pushf(&cp.args, "KHDR_INCLUDES=-isystem %s/usr/include",
			     w->odir);
		strvec_pushl(&cp.args, "EXTRA_CFLAGS=-static", "CC=ccache gcc",
			     NULL);
		if (kbuild_run_step(w, j, &cp, "selftests", &ok) < 0)
			goto out;
	}
	list_executables(tests, kdir, kdir);
	if (strbuf_read_file(&log, w->log) < 0)
		error_clear();
	buildlog_failed_selftests(&failed, log.buf, kdir);
	/* A test that failed in one pass may have been built by another. */
	for (size_t i = 0; i < failed.nr; i++)
		if (!strvec_has(tests, failed.v[i]))
			strvec_push(&j->selftests_failed, failed.v[i]);
	if (!tests->nr)
		kbuild_step_failed(w, j);
	ret = 0;
out:
	strvec_clear(&failed);
	strvec_clear(&stale);
	strbuf_release(&log);
	child_process_release(&cp);
	free(kdir);
	return ret;
}

/* build.json's "distcc": the hosts and who compiled what. */
static void record_distcc(struct kbuild_run *r, struct kbuild_job *j)
{
	struct distcc_counts c = DISTCC_COUNTS_INIT;
	char *log;

	if (!r->distcc.nr)
		return;
	log = xstrfmt("%s/distcc.log", j->results);
	distcc_count_log(&c, log);
	json_decref(j->distcc);
	j->distcc = distcc_to_json(&r->distcc, &c);
	distcc_counts_release(&c);
	free(log);
}

/*
 * The distcc hosts of opts->distcc_hosts that answer, and -j from their
 * slots. Hosts that are down are warnings; none left: a local build.
 */
static int setup_distcc(struct kbuild_run *r, unsigned *jobs)
{
	const struct kbuild_opts *o = r->opts;
	char *dir;
	int ret;

	if (!o->distcc_hosts || !*o->distcc_hosts)
		return 0;
	if (distcc_parse(&r->distcc, o->distcc_hosts) < 0)
		return -1;
	dir = xstrfmt("%s/distcc", r->cache); /* DISTCC_DIR: its state */
	ret = mkdir_p(dir, 0755);
	free(dir);
	if (ret < 0)
		return -1;
	distcc_probe(&r->distcc, 2000);
	for (size_t i = 0; o->warnings && i < r->distcc.warnings.nr; i++)
		strvec_push(o->warnings, r->distcc.warnings.v[i]);
	if (!distcc_usable(&r->distcc))
		return 0;
	r->distcc_env = distcc_hosts_env(&r->distcc);
	if (o->jobs_from_hosts && distcc_slots(&r->distcc) > *jobs)
		*jobs = distcc_slots(&r->distcc);
	return 0;
}

/* ---- running ---- */

/*
 * How many objects a cold build of this branch and configuration
 * compiled last time: the total shown in progress. 0 when unknown.
 */
static size_t read_count(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;

	if (strbuf_read_file(&sb, path) < 0)
		error_clear();
	else
		n = strtoul(sb.buf, NULL, 10);
	strbuf_release(&sb);
	return n;
}

static void write_count(const char *path, size_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu\n", n);
	if (write_file_atomic(path, buf, strlen(buf)) < 0)
		error_clear(); /* only a progress hint */
}

/* The build directory of the series starts as a copy of the baseline's. */
static int clone_build_dir(struct worker *w, struct kbuild_job *j,
			   const char *from)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	int ret = 0;

	if (!is_directory(from))
		return 0;
	strvec_pushl(&cp.args, "rsync", "-a", "--delete", NULL);
	strvec_pushf(&cp.args, "%s/", from);
	strvec_pushf(&cp.args, "%s/", w->odir);
	cp.log_path = w->log;
	pthread_mutex_unlock(&kbuild_error_lock);
	ret = run_command(&cp);
	pthread_mutex_lock(&kbuild_error_lock);
	if (ret < 0)
		ret = kbuild_job_error_last(j, "copying the baseline build");
	else if (cp.exit_code)
		ret = kbuild_job_error(j,
				       "%s: copying the baseline build '%s' "
				       "failed (see '%s')",
				       j->target, from, w->log);
	child_process_release(&cp);
	return ret;
}

static int run_job(struct worker *w, struct kbuild_job *j)
{
	struct kbuild_run *r = w->r;
	const char *name = r->c->name;
	struct strvec tests = STRVEC_INIT;
	char *record = NULL, *base_dir = NULL, *hint = NULL;
	bool cold;
	git_commit *commit = NULL;
	double t;
	int ret = -1;

	j->started = now_seconds();
	j->step = KBUILD_STEP_SYNC;
	j->results = xstrfmt("%s/build/%s/%s", r->opts->results, j->target,
			     j->variant);
	if (mkdir_p(j->results, 0755) < 0) {
		kbuild_job_error_last(j, "results");
		goto out;
	}
	if (j->results[0] != '/') {
		char *abs = realpath(j->results, NULL);

		if (abs) {
			free(j->results);
			j->results = abs;
		}
	}
	/* This build's logs only: an earlier one's say nothing of it. */
	for (size_t k = 0; k < ARRAY_SIZE(step_logs); k++) {
		char *old = xstrfmt("%s/%s", j->results, step_logs[k]);

		unlink(old);
		free(old);
	}
	if (git_commit_lookup(&commit, w->repo, &j->commit) < 0) {
		error_git("cannot read commit %s", git_oid_tostr_s(&j->commit));
		kbuild_job_error_last(j, "sync");
		goto out;
	}
	git_oid_cpy(&j->tree, git_commit_tree_id(commit));
	if (j->baseline &&
	    worktree_touched_paths(&j->touched, w->repo, &j->baseline->tree,
				   &j->tree) < 0) {
		kbuild_job_error_last(j, "sync");
		goto out;
	}
	free(j->config);
	free(j->toolchain);
	j->config = xstrdup(r->c->name);
	j->toolchain = xstrdup(r->toolchain);
	artefact_key(r, j);
	j->artefacts = xstrfmt("%s/artefacts/%s", r->cache, j->key);
	record = xstrfmt("%s/build.json", j->artefacts);
	if (!r->opts->force && path_exists(record)) {
		char *logs = xstrfmt("%s/logs", j->artefacts);

		j->cached = true;
		ret = artefact_from_record(j, record);
		if (!ret)
			ret = artefact_copy_logs(logs, j->results);
		free(logs);
		if (ret < 0) {
			kbuild_job_error_last(j, "reading artefacts");
			goto out;
		}
		goto done;
	}
	for (size_t i = 0; i < 3; i++) {
		static const char *const l[] = { "config.log", "kernel.log",
						 "selftests.log" };
		char *p = xstrfmt("%s/%s", j->results, l[i]);

		unlink(p);
		free(p);
	}
	t = now_seconds();
	free(w->odir);
	w->odir = xstrfmt("%s/builds/%s/%s/%s", r->cache, j->branch, name,
			  j->variant);
	base_dir =
		xstrfmt("%s/builds/%s/%s/baseline", r->cache, j->branch, name);
	kbuild_set_log(w, j, "config.log");
	if (j->baseline && clone_build_dir(w, j, base_dir) < 0)
		goto out;
	if (mkdir_p(w->odir, 0755) < 0) {
		kbuild_job_error_last(j, "build directory");
		goto out;
	}
	hint = xstrfmt("%s/builds/%s/%s/cold-objects", r->cache, j->branch,
		       name);
	cold = !path_exists(w->odir) || !kconfig_has_config(w->odir);
	if (cold)
		j->objects_total = read_count(hint);
	j->seconds[KBUILD_STEP_SYNC] = now_seconds() - t;
	t = now_seconds();
	if (kconfig_make(w, j) < 0)
		goto out;
	j->seconds[KBUILD_STEP_CONFIG] = now_seconds() - t;
	if (j->verdict == KBUILD_BUILD_FAILED)
		goto save;
	t = now_seconds();
	if (step_kernel(w, j) < 0 || bisect_kernel(w, j) < 0)
		goto out;
	if (cold && j->verdict != KBUILD_BUILD_FAILED)
		write_count(hint, j->objects);
	j->seconds[KBUILD_STEP_KERNEL] = now_seconds() - t;
	if (j->verdict == KBUILD_BUILD_FAILED || !r->c->selftests)
		goto save;
	t = now_seconds();
	if (step_selftests(w, j, &tests) < 0)
		goto out;
	j->seconds[KBUILD_STEP_SELFTESTS] = now_seconds() - t;
save:
	if (j->verdict != KBUILD_BUILD_FAILED)
		j->verdict = KBUILD_BUILT;
	record_distcc(r, j);
	if (artefact_save(w, j, &tests) < 0)
		goto out;
done:
	if (j->verdict == KBUILD_BUILT)
		j->step = KBUILD_STEP_DONE;
	if (j->baseline && j->baseline->verdict != KBUILD_NOT_BUILT)
		kbuild_new_warnings(&j->new_warnings, &j->warnings,
				    &j->baseline->warnings, &j->touched);
	ret = artefact_write_result(j);
out:
	git_commit_free(commit);
	strvec_clear(&tests);
	free(record);
	free(base_dir);
	free(hint);
	return ret;
}

/* Sync the worktree, then build; the state file is the branch's. */
static int run_group(struct worker *w, size_t start, size_t end)
{
	struct kbuild_run *r = w->r;
	struct kbuild_job *first = &r->jobs[start];
	char *wt = xstrfmt("%s/worktrees/%s", r->cache, first->branch);
	char *state = xstrfmt("%s/state", wt);
	char *lock = xstrfmt("%s/lock", wt);
	int fd = -1, ret = -1;

	w->src = xstrfmt("%s/src", wt);
	if (mkdir_p(wt, 0755) < 0) {
		kbuild_job_error_last(first, "sync");
		goto out;
	}
	if (git_repository_open_ext(&w->repo, r->repo_path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		error_git("cannot open repository '%s'", r->repo_path);
		kbuild_job_error_last(first, "sync");
		goto out;
	}
	pthread_mutex_lock(&r->lock);
	w->job = start;
	pthread_mutex_unlock(&r->lock);
	if (worktree_lock(r, first, lock, &fd) < 0)
		goto out;
	w->lock_fd = fd;
	for (size_t i = start; i < end; i++) {
		struct kbuild_job *j = &r->jobs[i];
		git_commit *c = NULL;
		size_t written;
		int err;

		pthread_mutex_lock(&r->lock);
		w->job = i;
		if (r->interrupted) {
			pthread_mutex_unlock(&r->lock);
			kbuild_job_error(j, "%s: interrupted", j->target);
			goto out;
		}
		pthread_mutex_unlock(&r->lock);
		if (git_commit_lookup(&c, w->repo, &j->commit) < 0) {
			error_git("cannot read commit %s",
				  git_oid_tostr_s(&j->commit));
			kbuild_job_error_last(j, "sync");
			goto out;
		}
		err = kbuild_sync_worktree(w->repo, w->src, state,
					   git_commit_tree_id(c), &written);
		git_commit_free(c);
		if (err < 0) {
			kbuild_job_error_last(j, "sync");
			goto out;
		}
		if (run_job(w, j) < 0)
			goto out;
	}
	ret = 0;
out:
	w->lock_fd = -1;
	if (fd >= 0)
		close(fd);
	git_repository_free(w->repo);
	w->repo = NULL;
	free(w->src);
	w->src = NULL;
	free(wt);
	free(state);
	free(lock);
	return ret;
}

static void *worker_main(void *data)
{
	struct worker *w = data;
	struct kbuild_run *r = w->r;

	pthread_mutex_lock(&kbuild_error_lock);
	for (;;) {
		size_t g;

		pthread_mutex_lock(&r->lock);
		g = r->next_group++;
		pthread_mutex_unlock(&r->lock);
		if (g >= r->groups)
			break;
		if (run_group(w, r->group_start[g], r->group_start[g + 1]) <
		    0) {
			pthread_mutex_lock(&r->lock);
			r->failed = true;
			pthread_mutex_unlock(&r->lock);
		}
	}
	error_clear(); /* this thread's (error.h); the jobs keep theirs */
	pthread_mutex_unlock(&kbuild_error_lock);
	pthread_mutex_lock(&r->lock);
	r->running--;
	w->job = SIZE_MAX;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static char *first_line(const char *prog)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	char *nl, *s;

	strvec_pushl(&cp.args, prog, "--version", NULL);
	cp.out = &out;
	cp.timeout_ms = 30000;
	if (run_command(&cp) < 0 || cp.exit_code) {
		error_clear();
		strbuf_addstr(&out, "unknown");
	}
	nl = strchr(out.buf, '\n');
	s = nl ? xstrndup(out.buf, nl - out.buf) : xstrdup(out.buf);
	strbuf_release(&out);
	child_process_release(&cp);
	return s;
}

/* Count the compile lines the log gained since last time. */
static void poll_progress(struct worker *w, const char *log)
{
	char buf[65536];
	int fd;

	if (!w->seen_log || strcmp(w->seen_log, log)) {
		free(w->seen_log);
		w->seen_log = xstrdup(log);
		w->log_off = 0;
		w->objects = 0;
	}
	fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), w->log_off);
		char *last;

		if (n <= 0)
			break;
		last = memrchr(buf, '\n', n);
		if (!last)
			break;
		w->objects += buildlog_count_objects(buf, last + 1 - buf);
		w->log_off += last + 1 - buf;
	}
	close(fd);
}

static void report_progress(struct kbuild_run *r, struct worker *workers,
			    size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		struct worker *w = &workers[i];
		struct kbuild_progress p = { 0 };
		char *log;

		pthread_mutex_lock(&r->lock);
		if (w->job >= r->nr) {
			pthread_mutex_unlock(&r->lock);
			continue;
		}
		p.nr = w->job + 1;
		p.job = &r->jobs[w->job];
		p.step = p.job->step;
		log = w->log ? xstrdup(w->log) : NULL;
		pthread_mutex_unlock(&r->lock);
		if (log && (p.step == KBUILD_STEP_KERNEL ||
			    p.step == KBUILD_STEP_SELFTESTS))
			poll_progress(w, log);
		else
			w->objects = 0;
		free(log);
		p.total = r->nr;
		p.objects = w->objects;
		p.objects_total = p.job->objects_total;
		p.elapsed = p.job->started ? now_seconds() - p.job->started : 0;
		r->opts->progress(&p, r->opts->progress_data);
	}
}

static void group_jobs(struct kbuild_run *r)
{
	r->group_start = xcalloc(r->nr + 1, sizeof(*r->group_start));
	for (size_t i = 0; i < r->nr; i++)
		if (!i || strcmp(r->jobs[i].branch, r->jobs[i - 1].branch))
			r->group_start[r->groups++] = i;
	r->group_start[r->groups] = r->nr;
}

int kbuild_run(struct kbuild_job *jobs, size_t nr, const char *repo_path,
	       const struct kbuild_config *c, const struct kbuild_opts *opts)
{
	struct kbuild_run r = { .c = c,
				.opts = opts,
				.repo_path = repo_path,
				.jobs = jobs,
				.nr = nr,
				.implicit_free = true,
				.js = { -1, -1 } };
	struct worker *workers = NULL;
	pthread_t *threads = NULL;
	size_t nw;
	unsigned jobs_nr = opts->jobs ? opts->jobs : 1;
	char *gcc, *make;
	int ret = -1;

	distcc_init(&r.distcc);
	r.cache = opts->cache ? xstrdup(opts->cache) : cache_dir();
	if (strpbrk(r.cache, " :")) {
		error_set("cache directory '%s' has a space or a colon: the "
			  "kernel cannot be built there (set "
			  "BACKPORT_CACHE_DIR)",
			  r.cache);
		goto out;
	}
	gcc = first_line("gcc");
	make = first_line("make");
	r.toolchain = xstrfmt("%s; %s", gcc, make);
	free(gcc);
	free(make);
	pthread_mutex_init(&r.lock, NULL);
	if (setup_distcc(&r, &jobs_nr) < 0)
		goto out;
	r.jobs_nr = jobs_nr;
	if (pipe(r.js) < 0) {
		error_errno("cannot create the jobserver pipe");
		goto out;
	}
	if (fcntl(r.js[0], F_SETFL, O_NONBLOCK) < 0) {
		error_errno("cannot set up the jobserver pipe");
		goto out;
	}
	for (unsigned i = 1; i < jobs_nr; i++)
		if (write(r.js[1], "+", 1) != 1) {
			error_errno("cannot fill the jobserver pipe");
			goto out;
		}
	group_jobs(&r);
	nw = opts->parallel ? opts->parallel : 1;
	if (nw > r.groups)
		nw = r.groups;
	workers = xcalloc(nw, sizeof(*workers));
	threads = xcalloc(nw, sizeof(*threads));
	r.running = nw;
	for (size_t i = 0; i < nw; i++) {
		workers[i].r = &r;
		workers[i].job = SIZE_MAX;
		workers[i].lock_fd = -1;
		if (pthread_create(&threads[i], NULL, worker_main,
				   &workers[i])) {
			error_set("cannot start a build thread");
			/* Let the started ones finish: no new groups. */
			pthread_mutex_lock(&r.lock);
			r.next_group = r.groups;
			r.running -= nw - i;
			pthread_mutex_unlock(&r.lock);
			nw = i;
			r.failed = true;
			break;
		}
	}
	for (;;) {
		size_t running;

		pthread_mutex_lock(&r.lock);
		running = r.running;
		pthread_mutex_unlock(&r.lock);
		if (!running)
			break;
		if (opts->interrupted && *opts->interrupted) {
			pthread_mutex_lock(&r.lock);
			r.next_group = r.groups;
			r.interrupted = true;
			pthread_mutex_unlock(&r.lock);
			kill_all_commands();
		}
		if (opts->progress)
			report_progress(&r, workers, nw);
		usleep(running ? 500 * 1000 : 0);
	}
	for (size_t i = 0; i < nw; i++)
		pthread_join(threads[i], NULL);
	ret = 0;
	if (r.interrupted) {
		ret = error_set("interrupted: the next run goes on from here");
		goto out;
	}
	for (size_t i = 0; i < nr; i++)
		if (jobs[i].error) {
			ret = error_set("%s", jobs[i].error);
			break;
		}
	if (!ret && r.failed)
		ret = -1;
out:
	for (size_t i = 0; workers && i < nw; i++) {
		free(workers[i].odir);
		free(workers[i].log);
		free(workers[i].seen_log);
	}
	free(workers);
	free(threads);
	free(r.group_start);
	if (r.js[0] >= 0)
		close(r.js[0]);
	if (r.js[1] >= 0)
		close(r.js[1]);
	pthread_mutex_destroy(&r.lock);
	free(r.toolchain);
	free(r.distcc_env);
	distcc_release(&r.distcc);
	free(r.cache);
	return ret;
}
