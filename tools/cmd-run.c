// SPDX-License-Identifier: GPL-2.0
/*
 * backport run: the whole matrix in one command: apply every series on
 * every target (with the recorded resolutions), build the kernels and the
 * selftests, boot them and run the selftest set, compare with the
 * unpatched branch, and write the run's results and report. Each step is
 * the library's, called here in turn; each cell gets one status
 * (cell.h). Finished cells are kept in a content-addressed cache, so a
 * rerun of an unchanged matrix takes seconds, and a run killed halfway
 * redoes only what did not finish.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/buildplan.h"
#include "lib/cell.h"
#include "lib/report.h"
#include "lib/results.h"
#include "lib/review.h"
#include "lib/reviewdiff.h"
#include "lib/run.h"
#include "lib/setup.h"
#include "lib/testrun.h"
#include "options.h"
#include "progress.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/xalloc.h"
#include "version.h"

static const char run_usage[] =
	"usage: backport run [<options>] [--series <name>]... "
	"[--branch <b>[@<rev>]]...\n"
	"\n"
	"Apply, build and test every series on every target of the matrix,\n"
	"and write the report to <results>/runs/<id>/ (<results>/latest).\n"
	"\n"
	"  --series <name>       a series under series/ (default: each)\n"
	"  --branch <b>[@<rev>]  a target (default: the matrix's)\n"
	"  --results <dir>       where runs go (default: results)\n"
	"  --no-build            apply only\n"
	"  --no-test             apply and build, do not boot\n"
	"  --no-cache            redo every cell, builds included\n"
	"  -j, --jobs <n>        make jobs for all builds together (2)\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  --format=<text|json>  what to print at the end\n"
	"  -q, --quiet           no progress\n";

struct cell {
	char *series, *target, *branch;
	char key[41];
	bool cached;
	bool apply_failed;
	bool build_asked, test_asked;
	json_t *apply;
	struct strvec errors;	/* steps that could not run */
	json_t *json;		/* run.json's cell, when done */
};

struct run {
	struct common_opts co;
	bool no_build, no_test, no_cache;
	unsigned jobs;
	bool jobs_given;
	struct setup st;
	char *run_dir;
	struct cell *cells;
	size_t nr, alloc;
	/* The step configurations, or why a step cannot run. */
	struct kbuild_config cfg;
	char *cfg_error;
	struct selftest_set set;
	char *set_error;
	/* [test] hosts: where the kernels boot, over ssh; none: here. */
	struct remote_host *hosts;
	size_t hosts_nr;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int run_option(void *data, int ch, const char *arg)
{
	struct run *r = data;

	switch (ch) {
	case 'N':
		r->no_build = r->no_test = true;
		return 0;
	case 'T':
		r->no_test = true;
		return 0;
	case 'C':
		r->no_cache = true;
		return 0;
	case 'j':
		r->jobs = options_number(run_usage, "--jobs", arg, 1, 1024);
		r->jobs_given = true;
		return 0;
	}
	return -1;
}

static void parse_options(struct run *r, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-build", no_argument, NULL, 'N' },
		{ "no-test", no_argument, NULL, 'T' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};

	options_parse(&r->co,
		      OPT_MATRIX | OPT_REPO | OPT_SERIES_DIR | OPT_BACKPORTS |
			      OPT_BRANCH | OPT_SERIES | OPT_RESULTS |
			      OPT_FORMAT,
		      argc, argv, run_usage, longopts, "j:", run_option, r);
	if (!r->jobs)
		r->jobs = r->co.jobs;
}

/* The results of one series' cells: <run>/cells/<series>/. */
static char *series_root(const struct run *r, const char *series)
{
	return results_run_series(r->run_dir, series);
}

static void cell_error(struct cell *cl, const char *step, const char *msg)
{
	strvec_pushf(&cl->errors, "%s: %s", step, msg);
}

static struct cell *find_cell(struct run *r, const char *series,
			      const char *target)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->cells[i].series, series) &&
		    !strcmp(r->cells[i].target, target))
			return &r->cells[i];
	return NULL;
}

static json_t *series_patches(const struct series *s)
{
	json_t *patches = json_array();

	for (size_t i = 0; i < s->nr; i++)
		json_array_append_new(patches, json_pack(
			"{s:s, s:s, s:s}", "file", s->patches[i].file,
			"subject", s->patches[i].mail->subject, "title",
			s->patches[i].mail->subj.title ?
				s->patches[i].mail->subj.title : ""));
	return patches;
}

static void add_cell(struct run *r, const char *series,
		     const struct apply_target *t)
{
	struct cell *cl;

	ALLOC_GROW(r->cells, r->nr + 1, r->alloc);
	cl = &r->cells[r->nr++];
	memset(cl, 0, sizeof(*cl));
	cl->series = xstrdup(series);
	cl->target = xstrdup(t->name);
	cl->branch = xstrdup(t->branch);
	cl->apply_failed = apply_target_failed(t);
	cl->apply = apply_target_to_json(t);
	strvec_init(&cl->errors);
}

/* Apply one series on every target; one cell per target. */
static void apply_cells(struct run *r, const char *name, json_t *series_json)
{
	struct apply_opts opts = APPLY_OPTS_INIT;
	struct series s = SERIES_INIT;
	size_t n = r->co.targets.nr;
	struct apply_target *t = xcalloc(n, sizeof(*t));
	git_oid *refs;

	if (series_load(&s, r->co.series_dir, name) < 0)
		die("%s", error_last());
	json_array_append_new(series_json,
			      json_pack("{s:s, s:o}", "name", s.name,
					"patches", series_patches(&s)));
	for (size_t i = 0; i < n; i++)
		apply_target_set(&t[i], s.name, r->co.targets.v[i]);
	refs = apply_reference_trees(r->st.repo, t, n, &opts.reference_nr,
				     NULL);
	opts.reference_trees = refs;
	opts.backports = r->co.backports;
	for (size_t i = 0; i < n; i++) {
		progress("[%zu/%zu] %s: applying %s", i + 1, n, t[i].name,
			 s.name);
		if (apply_series(&t[i], r->st.repo, &s, &opts) < 0)
			die("%s", error_last());
		add_cell(r, s.name, &t[i]);
	}
	if (apply_update_refs(r->st.repo, t, n) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < n; i++)
		apply_target_release(&t[i]);
	free(t);
	free(refs);
	series_release(&s);
}

/* Everything a cell's result depends on, hashed. */
static void cell_key(struct cell *cl, const struct run *r)
{
	struct strbuf in = STRBUF_INIT;
	char *series_dir = xstrfmt("%s/%s", r->co.series_dir, cl->series);
	char *matrix_dir = xstrdup(r->st.matrix_path);
	char *slash = strrchr(matrix_dir, '/');

	if (slash)
		*slash = '\0';
	else
		strcpy(matrix_dir, ".");
	strbuf_addf(&in, "backport %s\ncell %s %s\nbase %s\n", BACKPORT_VERSION,
		    cl->series, cl->target,
		    json_string_value(json_object_get(cl->apply, "base")));
	if (run_hash_dir(&in, series_dir) < 0 ||
	    (r->co.backports && run_hash_dir(&in, r->co.backports) < 0) ||
	    run_hash_dir(&in, matrix_dir) < 0)
		die("%s", error_last());
	run_key(cl->key, &in);
	strbuf_release(&in);
	free(series_dir);
	free(matrix_dir);
}

static char *cell_cache(const char *key)
{
	char *cache = cache_dir(), *p = xstrfmt("%s/cells/%s", cache, key);

	free(cache);
	return p;
}

static const char *const kinds[] = { "build", "test" };

/* Take a finished cell from the cache into the run; false if not there. */
static bool restore_cell(const struct run *r, const struct cell *cl)
{
	char *dir = cell_cache(cl->key), *done = xstrfmt("%s/cell.json", dir);
	char *root = series_root(r, cl->series);
	bool ok = path_exists(done);

	for (size_t i = 0; ok && i < ARRAY_SIZE(kinds); i++) {
		char *from = xstrfmt("%s/%s", dir, kinds[i]);
		char *to = xstrfmt("%s/%s/%s", root, kinds[i], cl->target);

		if (is_directory(from) && run_copy_dir(from, to) < 0)
			die("%s", error_last());
		free(from);
		free(to);
	}
	free(root);
	free(dir);
	free(done);
	return ok;
}

/* Keep a finished cell in the cache; cell.json is written last. */
static void save_cell(const struct run *r, const struct cell *cl)
{
	char *dir = cell_cache(cl->key), *done = xstrfmt("%s/cell.json", dir);
	char *root = series_root(r, cl->series);

	remove_tree(dir);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char *from = xstrfmt("%s/%s/%s", root, kinds[i], cl->target);
		char *to = xstrfmt("%s/%s", dir, kinds[i]);

		if (is_directory(from) && run_copy_dir(from, to) < 0)
			warning("cannot cache cell %s: %s", cl->target,
				error_last());
		free(from);
		free(to);
	}
	if (mkdir_p(dir, 0755) < 0 || results_write_json(done, cl->json) < 0)
		warning("cannot cache cell %s: %s", cl->target, error_last());
	free(root);
	free(dir);
	free(done);
}

/* The cells of `series` a step has to do; each marked as asked. */
static void pending_targets(struct run *r, const char *series,
			    struct strvec *out, bool build)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct cell *cl = &r->cells[i];

		if (cl->cached || cl->apply_failed ||
		    strcmp(cl->series, series))
			continue;
		if (build)
			cl->build_asked = true;
		else
			cl->test_asked = true;
		strvec_push(out, cl->target);
	}
}

/* A step that failed for every cell in `targets`. */
static void step_failed(struct run *r, const char *series,
			const struct strvec *targets, const char *step,
			const char *msg)
{
	for (size_t i = 0; i < targets->nr; i++)
		cell_error(find_cell(r, series, targets->v[i]), step, msg);
}

/* After kbuild_run() failed: each job's error, else the run's. */
static void build_errors(struct run *r, const char *series,
			 const struct kbuild_job *jobs, size_t nr,
			 const struct strvec *targets, const char *msg)
{
	bool any = false;

	for (size_t i = 0; i < nr; i++)
		if (jobs[i].error) {
			cell_error(find_cell(r, series, jobs[i].target),
				   "build", jobs[i].error);
			any = true;
		}
	if (!any)
		step_failed(r, series, targets, "build", msg);
}

static void build_series(struct run *r, const char *series)
{
	struct strvec targets = STRVEC_INIT, one = STRVEC_INIT;
	struct kbuild_opts o = KBUILD_OPTS_INIT;
	struct strvec warnings = STRVEC_INIT;
	char *root = series_root(r, series);
	struct kbuild_job *jobs = NULL;
	size_t nr = 0;

	pending_targets(r, series, &targets, true);
	strvec_push(&one, series);
	if (!targets.nr)
		goto out;
	if (r->cfg_error) {
		step_failed(r, series, &targets, "build", r->cfg_error);
		goto out;
	}
	if (buildplan_make(&jobs, &nr, r->st.repo, &targets, &one) < 0) {
		step_failed(r, series, &targets, "build", error_last());
		goto out;
	}
	o.results = root;
	o.jobs = r->jobs;
	o.jobs_from_hosts = !r->jobs_given;
	o.distcc_hosts = matrix_distcc_hosts(&r->st.matrix);
	o.warnings = &warnings;
	o.force = r->no_cache;
	o.progress = quiet ? NULL : progress_build;
	o.interrupted = &interrupted;
	progress("%s: building %zu target%s", series, targets.nr,
		 targets.nr == 1 ? "" : "s");
	if (kbuild_run(jobs, nr, r->st.repo_path, &r->cfg, &o) < 0)
		build_errors(r, series, jobs, nr, &targets, error_last());
	for (size_t i = 0; i < warnings.nr; i++)
		warning("%s", warnings.v[i]);
out:
	strvec_clear(&warnings);
	buildplan_release(jobs, nr);
	strvec_clear(&targets);
	strvec_clear(&one);
	free(root);
}

/* Both kernels of a target, when both were built; else nothing. */
static void add_kernels(struct testrun *t, const char *target,
			const char *series)
{
	struct results_build b = RESULTS_BUILD_INIT, s = RESULTS_BUILD_INIT;

	if (results_read_build(&b, t->results, target, "baseline") > 0 &&
	    results_read_build(&s, t->results, target, "series") > 0 &&
	    b.built && s.built && s.series && !strcmp(s.series, series)) {
		testrun_add(t, target, "baseline", b.bzimage, b.selftests);
		testrun_add(t, target, "series", s.bzimage, s.selftests);
	}
	error_clear();
	results_build_release(&b);
	results_build_release(&s);
}

struct hosts_done {
	struct run *r;
	const char *series;
	struct testrun *t;
};

/* A kernel finished on an ssh host (testrun_boot_hosts()). */
static void host_done(void *data, size_t i)
{
	struct hosts_done *d = data;
	const struct testrun_kernel *k = &d->t->k[i];

	if (!k->ran) {
		cell_error(find_cell(d->r, d->series, k->target), "test",
			   k->error);
		return;
	}
	for (size_t h = 0; h < k->host_errors.nr; h++)
		warning("%s; ran on host '%s' instead", k->host_errors.v[h],
			k->run.host);
	progress("%s (%s): %s on '%s' in %.0f s", k->target, k->variant,
		 selftest_run_verdict(&k->run), k->run.host, k->run.total_s);
}

static void boot_kernels(struct run *r, const char *series,
			 struct testrun *t)
{
	struct selftest_opts o = SELFTEST_OPTS_INIT;
	struct progress_test pt = { 0, t->nr };
	struct hosts_done d = { r, series, t };

	o.progress = progress_test;
	o.data = &pt;
	o.ssh_options = matrix_get(&r->st.matrix, "test", "", "ssh-options");
	o.remote_dir = matrix_get(&r->st.matrix, "test", "", "remote-dir");
	t->hosts = r->hosts;
	t->hosts_nr = r->hosts_nr;
	if (r->hosts_nr) {
		pt.total = 0;
		o.accel = GUEST_ACCEL_AUTO; /* each host's /dev/kvm decides */
		progress("booting %zu kernel%s on %zu ssh host%s", t->nr,
			 t->nr == 1 ? "" : "s", r->hosts_nr,
			 r->hosts_nr == 1 ? "" : "s");
		testrun_boot_hosts(t, &r->set, &o, host_done, &d, &interrupted);
		error_clear();
		return;
	}
	for (size_t i = 0; i < t->nr && !interrupted; i++) {
		const struct testrun_kernel *k = &t->k[i];

		pt.current = i;
		progress("[%zu/%zu] %s (%s): booting, %zu test%s", i + 1,
			 t->nr, k->target, k->variant, r->set.nr,
			 r->set.nr == 1 ? "" : "s");
		if (testrun_boot(t, i, &r->set, &o) < 0)
			cell_error(find_cell(r, series, k->target), "test",
				   k->error);
	}
}

static void test_series(struct run *r, const char *series)
{
	struct strvec targets = STRVEC_INIT;
	struct testrun t = TESTRUN_INIT;
	char *root = series_root(r, series);

	t.results = root;
	pending_targets(r, series, &targets, false);
	if (targets.nr && r->set_error) {
		step_failed(r, series, &targets, "test", r->set_error);
		goto out;
	}
	for (size_t i = 0; i < targets.nr; i++)
		add_kernels(&t, targets.v[i], series);
	boot_kernels(r, series, &t);
	for (size_t i = 0; i < targets.nr; i++) {
		json_t *cmp = testrun_compare(&t, targets.v[i], NULL);

		if (!cmp && testrun_find(&t, targets.v[i], "series"))
			cell_error(find_cell(r, series, targets.v[i]), "test",
				   error_last());
		json_decref(cmp);
	}
out:
	testrun_release(&t);
	strvec_clear(&targets);
	free(root);
}

/* <dir>/<target>/<rest> as JSON, or null (a bad file is the cell's error). */
static json_t *read_result(struct cell *cl, const char *root, const char *kind,
			   const char *rest)
{
	char *path = xstrfmt("%s/%s/%s/%s", root, kind, cl->target, rest);
	json_t *j = NULL;

	if (results_read_json(&j, path) < 0) {
		cell_error(cl, kind, error_last());
		j = NULL;
	}
	free(path);
	return j ? j : json_null();
}

/* The review diff (reviewdiff.h), written beside the run; NULL on error. */
static char *review_diff(struct run *r, struct cell *cl,
			 const struct series *s)
{
	struct reviewdiff_opts o = REVIEWDIFF_OPTS_INIT;
	struct apply_opts aopts = APPLY_OPTS_INIT;
	struct strvec targets = STRVEC_INIT;
	struct strbuf text = STRBUF_INIT;
	char *rel = results_diff_path(NULL, cl->series, cl->target);
	char *path = results_diff_path(r->run_dir, cl->series, cl->target);
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	aopts.backports = r->co.backports;
	o.apply = &aopts;
	setup_default_targets(&targets, &r->st);
	if (reviewdiff_make(&text, NULL, r->st.repo, &targets, s, cl->target,
			    &o) < 0 ||
	    mkdir_p(dir, 0755) < 0 ||
	    write_file_atomic(path, text.buf, text.len) < 0) {
		cell_error(cl, "review diff", error_last());
		free(rel);
		rel = NULL;
	}
	strvec_clear(&targets);
	strbuf_release(&text);
	free(path);
	free(dir);
	return rel;
}

/* The cell's JSON (run.h) from what the steps left, and its status. */
static void finish_cell(struct run *r, struct cell *cl, const struct series *s)
{
	char *root = series_root(r, cl->series), *reason, *diff = NULL;
	enum cell_status st;
	json_t *j;

	j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O}", "series", cl->series,
		      "target", cl->target, "branch", cl->branch, "key",
		      cl->key, "cached", cl->cached, "apply", cl->apply);
	json_object_set_new(j, "build", json_pack("{s:o, s:o}",
		"baseline", read_result(cl, root, "build", "baseline/build.json"),
		"series", read_result(cl, root, "build", "series/build.json")));
	json_object_set_new(j, "test", json_pack("{s:o, s:o, s:o}",
		"baseline", read_result(cl, root, "test", "baseline/result.json"),
		"series", read_result(cl, root, "test", "series/result.json"),
		"compare", read_result(cl, root, "test", "compare.json")));
	if (!cl->apply_failed)
		diff = review_diff(r, cl, s);
	json_object_set_new(j, "diff", diff ? json_string(diff) : json_null());
	json_object_set_new(j, "steps", json_pack("{s:b, s:b}", "build",
		cl->build_asked || cl->cached, "test",
		cl->test_asked || (cl->cached && !r->no_test)));
	json_object_set_new(j, "errors", json_array());
	for (size_t i = 0; i < cl->errors.nr; i++)
		json_array_append_new(json_object_get(j, "errors"),
				      json_string(cl->errors.v[i]));
	st = cell_status(j, &reason);
	json_object_set_new(j, "status", json_string(cell_status_name(st)));
	json_object_set_new(j, "reason", json_string(reason));
	cl->json = j;
	/* Only a cell that went through every step, and not by error. */
	if (!cl->cached && cl->build_asked && cl->test_asked &&
	    st != CELL_ERROR)
		save_cell(r, cl);
	free(reason);
	free(diff);
	free(root);
}

/* Every cell's JSON and status; true when some cell is not ok. */
static bool finish_cells(struct run *r)
{
	bool failed = false;

	/* The reviews apply again: their commits stay in memory. */
	if (review_objects_in_memory(r->st.repo) < 0)
		die("%s", error_last());
	for (size_t k = 0; k < r->co.series.nr; k++) {
		struct series s = SERIES_INIT;

		if (series_load(&s, r->co.series_dir, r->co.series.v[k]) < 0)
			die("%s", error_last());
		for (size_t i = 0; i < r->nr; i++) {
			struct cell *cl = &r->cells[i];

			if (strcmp(cl->series, s.name))
				continue;
			finish_cell(r, cl, &s);
			failed |= strcmp(json_string_value(json_object_get(
						 cl->json, "status")),
					 "ok");
		}
		series_release(&s);
	}
	return failed;
}

static char *iso_time(time_t t)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/* run.json, index.html and results/latest; returns run.json's object. */
static json_t *write_run(struct run *r, const char *id, const char *results,
			 time_t start, json_t *series_json)
{
	json_t *cells = json_array(), *run;
	char *started = iso_time(start), *finished = iso_time(time(NULL));
	char *path = xstrfmt("%s/run.json", r->run_dir);
	char *rel = xstrfmt("runs/%s", id);
	struct strbuf html = STRBUF_INIT;

	for (size_t i = 0; i < r->nr; i++)
		json_array_append(cells, r->cells[i].json);
	run = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:O, s:o}",
			"run", id, "version", BACKPORT_VERSION, "started",
			started, "finished", finished, "seconds",
			(json_int_t)(time(NULL) - start), "matrix",
			r->st.matrix_path, "repo", r->st.repo_path, "series",
			series_json, "cells", cells);
	if (results_write_json(path, run) < 0)
		die("%s", error_last());
	free(path);
	report_html(&html, run, r->run_dir);
	path = xstrfmt("%s/index.html", r->run_dir);
	if (write_file_atomic(path, html.buf, html.len) < 0)
		die("%s", error_last());
	free(path);
	path = results_run_dir(results, NULL);
	if (run_symlink(rel, path) < 0)
		die("%s", error_last());
	free(path);
	free(rel);
	free(started);
	free(finished);
	strbuf_release(&html);
	return run;
}

/* What the build and test steps need, or why they cannot run. */
static void load_steps(struct run *r)
{
	if (!r->no_build &&
	    kbuild_config_from_matrix(&r->cfg, &r->st.matrix, NULL) < 0)
		r->cfg_error = xstrdup(error_last());
	if (!r->no_test &&
	    (selftest_set_from_matrix(&r->set, &r->st.matrix, NULL) < 0 ||
	     remote_hosts_from_matrix(&r->hosts, &r->hosts_nr,
				      &r->st.matrix) < 0))
		r->set_error = xstrdup(error_last());
	error_clear();
}

static void start(struct run *r, char **id, char **results)
{
	char abs[PATH_MAX];

	if (setup_open(&r->st, r->co.matrix, r->co.repo) < 0)
		die("%s", error_last());
	if (!r->co.targets.nr)
		setup_default_targets(&r->co.targets, &r->st);
	if (!r->co.series.nr && series_list(&r->co.series, r->co.series_dir) < 0)
		die("%s", error_last());
	if (!r->co.series.nr)
		die("no series in '%s' (import one with 'backport import')",
		    r->co.series_dir);
	if (mkdir_p(r->co.results, 0755) < 0 || !realpath(r->co.results, abs))
		die("cannot use results directory '%s'", r->co.results);
	*results = xstrdup(abs);
	*id = run_new_id();
	r->run_dir = results_run_dir(abs, *id);
	if (mkdir_p(r->run_dir, 0755) < 0)
		die("%s", error_last());
	load_steps(r);
}

/* Cells whose key is in the cache are taken from there. */
static void restore_cells(struct run *r)
{
	size_t cached = 0;

	for (size_t i = 0; i < r->nr; i++) {
		struct cell *cl = &r->cells[i];

		cell_key(cl, r);
		if (!r->no_cache && !r->no_build && !cl->apply_failed &&
		    restore_cell(r, cl)) {
			cl->cached = true;
			cached++;
		}
	}
	if (cached)
		progress("%zu of %zu cells unchanged: taken from the cache",
			 cached, r->nr);
}

static void build_and_test(struct run *r)
{
	struct sigaction sa = { .sa_handler = on_signal }, old[3];
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < r->co.series.nr; i++) {
		/* Our makes run in process groups of their own: stop them. */
		for (size_t k = 0; k < ARRAY_SIZE(sigs); k++)
			sigaction(sigs[k], &sa, &old[k]);
		if (!r->no_build)
			build_series(r, r->co.series.v[i]);
		for (size_t k = 0; k < ARRAY_SIZE(sigs); k++)
			sigaction(sigs[k], &old[k], NULL);
		if (interrupted)
			die("interrupted");
		if (!r->no_test)
			test_series(r, r->co.series.v[i]);
	}
}

static void release(struct run *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->cells[i].series);
		free(r->cells[i].target);
		free(r->cells[i].branch);
		json_decref(r->cells[i].apply);
		json_decref(r->cells[i].json);
		strvec_clear(&r->cells[i].errors);
	}
	free(r->cells);
	kbuild_config_release(&r->cfg);
	selftest_set_release(&r->set);
	free(r->cfg_error);
	free(r->set_error);
	remote_hosts_free(r->hosts, r->hosts_nr);
	free(r->run_dir);
	setup_release(&r->st);
	common_opts_release(&r->co);
}

static void print_run(const struct run *r, json_t *run, int format)
{
	struct strbuf out = STRBUF_INIT;

	if (format == FORMAT_JSON) {
		json_dumpf(run, stdout, JSON_INDENT(2));
		putchar('\n');
		return;
	}
	report_text(&out, run, isatty(1), false);
	fputs(out.buf, stdout);
	printf("\nreport: %s/index.html\n", r->run_dir);
	strbuf_release(&out);
}

int cmd_run(int argc, char **argv)
{
	struct run r = { .co = COMMON_OPTS_INIT, .cfg = KBUILD_CONFIG_INIT,
			 .set = SELFTEST_SET_INIT };
	json_t *series_json = json_array(), *run;
	time_t t0 = time(NULL);
	char *id, *results;
	bool failed = false;

	parse_options(&r, argc, argv);
	start(&r, &id, &results);
	for (size_t i = 0; i < r.co.series.nr; i++)
		apply_cells(&r, r.co.series.v[i], series_json);
	restore_cells(&r);
	build_and_test(&r);
	failed = finish_cells(&r);
	run = write_run(&r, id, results, t0, series_json);
	print_run(&r, run, r.co.format);
	json_decref(run);
	json_decref(series_json);
	release(&r);
	free(id);
	free(results);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}
