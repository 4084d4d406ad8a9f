// SPDX-License-Identifier: GPL-2.0
/*
 * backport run: the whole matrix in one command: apply every series on
 * every target (with the recorded resolutions), build the kernels and the
 * selftests, boot them and run the selftest set, compare with the
 * unpatched branch, and write the run's results and report. Finished
 * cells are kept in a content-addressed cache, so a rerun of an unchanged
 * matrix takes seconds, and a run killed halfway redoes only what did not
 * finish.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/report.h"
#include "lib/run.h"
#include "lib/setup.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/usage.h"
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
	"  --no-cache            redo every cell\n"
	"  -j, --jobs <n>        make jobs for all builds together (2)\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  --format=<text|json>  what to print at the end\n"
	"  -q, --quiet           no progress\n";

struct run_cmd {
	const char *results, *matrix, *repo, *series_dir, *backports;
	struct strvec series, targets;
	bool no_build, no_test, no_cache;
	const char *jobs;
	enum output_format format;
};

struct cell {
	char *series, *target, *branch;
	char key[41];
	bool cached;
	bool apply_failed;
	json_t *apply;
};

static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		die("cannot find the backport binary");
	buf[n] = '\0';
	return xstrdup(buf);
}

static void parse_options(struct run_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "series", required_argument, NULL, 's' },
		{ "branch", required_argument, NULL, 'b' },
		{ "results", required_argument, NULL, 'R' },
		{ "no-build", no_argument, NULL, 'N' },
		{ "no-test", no_argument, NULL, 'T' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "matrix", required_argument, NULL, 'm' },
		{ "repo", required_argument, NULL, 'r' },
		{ "series-dir", required_argument, NULL, 'd' },
		{ "backports", required_argument, NULL, 'B' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			strvec_push(&c->series, optarg);
			break;
		case 'b':
			strvec_push(&c->targets, optarg);
			break;
		case 'R':
			c->results = optarg;
			break;
		case 'N':
			c->no_build = c->no_test = true;
			break;
		case 'T':
			c->no_test = true;
			break;
		case 'C':
			c->no_cache = true;
			break;
		case 'j':
			if (atoi(optarg) < 1)
				usage_msg(run_usage, "bad --jobs '%s'", optarg);
			c->jobs = optarg;
			break;
		case 'm':
			c->matrix = optarg;
			break;
		case 'r':
			c->repo = optarg;
			break;
		case 'd':
			c->series_dir = optarg;
			break;
		case 'B':
			c->backports = optarg;
			break;
		case 'f':
			c->format = parse_output_format(optarg, run_usage);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(run_usage, true);
		default:
			usage_msg(run_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (optind != argc)
		usage_msg(run_usage, "unexpected argument '%s'", argv[optind]);
}

/* Apply one series on every target; one cell per target. */
static void apply_cells(struct run_cmd *c, struct setup *st,
			const char *name, struct cell **cells, size_t *nr,
			size_t *alloc, json_t *series_json)
{
	struct apply_opts opts = APPLY_OPTS_INIT;
	struct series s = SERIES_INIT;
	struct apply_target *t;
	git_oid *refs;
	size_t n = c->targets.nr;
	json_t *patches = json_array();

	if (series_load(&s, c->series_dir, name) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < s.nr; i++)
		json_array_append_new(patches, json_pack(
			"{s:s, s:s, s:s}", "file", s.patches[i].file,
			"subject", s.patches[i].mail->subject, "title",
			s.patches[i].mail->subj.title ?
				s.patches[i].mail->subj.title : ""));
	json_array_append_new(series_json, json_pack("{s:s, s:o}", "name",
						     s.name, "patches",
						     patches));
	t = xcalloc(n, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		apply_target_set(&t[i], s.name, c->targets.v[i]);
	}
	refs = apply_reference_trees(st->repo, t, n, &opts.reference_nr,
				     NULL);
	opts.reference_trees = refs;
	opts.backports = c->backports;
	for (size_t i = 0; i < n; i++) {
		struct cell *cl;

		progress("[%zu/%zu] %s: applying %s", i + 1, n, t[i].name,
			 s.name);
		if (apply_series(&t[i], st->repo, &s, &opts) < 0)
			die("%s", error_last());
		ALLOC_GROW(*cells, *nr + 1, *alloc);
		cl = &(*cells)[(*nr)++];
		memset(cl, 0, sizeof(*cl));
		cl->series = xstrdup(s.name);
		cl->target = xstrdup(t[i].name);
		cl->branch = xstrdup(t[i].branch);
		cl->apply_failed = apply_target_failed(&t[i]);
		cl->apply = apply_target_to_json(&t[i]);
	}
	if (apply_update_refs(st->repo, t, n) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < n; i++)
		apply_target_release(&t[i]);
	free(t);
	free(refs);
	series_release(&s);
}

/* Everything a cell's result depends on, hashed. */
static void cell_key(struct cell *cl, const struct run_cmd *c,
		     const struct setup *st)
{
	struct strbuf in = STRBUF_INIT;
	char *series_dir = xstrfmt("%s/%s", c->series_dir, cl->series);
	char *matrix_dir = xstrdup(st->matrix_path);
	char *slash = strrchr(matrix_dir, '/');

	if (slash)
		*slash = '\0';
	else
		strcpy(matrix_dir, ".");
	strbuf_addf(&in, "backport %s\ncell %s %s\nbase %s\n", BACKPORT_VERSION,
		    cl->series, cl->target,
		    json_string_value(json_object_get(cl->apply, "base")));
	if (run_hash_dir(&in, series_dir) < 0 ||
	    (c->backports && run_hash_dir(&in, c->backports) < 0) ||
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

/* Take a finished cell from the cache into the run; false if not there. */
static bool restore_cell(struct cell *cl, const char *run_dir)
{
	char *dir = cell_cache(cl->key), *done = xstrfmt("%s/cell.json", dir);
	static const char *const kinds[] = { "build", "test" };
	bool ok = path_exists(done);

	for (size_t i = 0; ok && i < 2; i++) {
		char *from = xstrfmt("%s/%s", dir, kinds[i]);
		char *to = xstrfmt("%s/%s/%s", run_dir, kinds[i], cl->target);

		if (is_directory(from) && run_copy_dir(from, to) < 0)
			die("%s", error_last());
		free(from);
		free(to);
	}
	free(dir);
	free(done);
	return ok;
}

/* Keep a finished cell in the cache; cell.json is written last. */
static void save_cell(const struct cell *cl, const char *run_dir,
		      json_t *cell_json)
{
	char *dir = cell_cache(cl->key), *done = xstrfmt("%s/cell.json", dir);
	static const char *const kinds[] = { "build", "test" };
	char *text;

	remove_tree(dir);
	for (size_t i = 0; i < 2; i++) {
		char *from = xstrfmt("%s/%s/%s", run_dir, kinds[i], cl->target);
		char *to = xstrfmt("%s/%s", dir, kinds[i]);

		if (is_directory(from) && run_copy_dir(from, to) < 0)
			warning("cannot cache cell %s: %s", cl->target,
				error_last());
		free(from);
		free(to);
	}
	text = json_dumps(cell_json, JSON_INDENT(2));
	if (mkdir_p(dir, 0755) < 0 ||
	    write_file_atomic(done, text, strlen(text)) < 0)
		warning("cannot cache cell %s: %s", cl->target, error_last());
	free(text);
	free(dir);
	free(done);
}

/* Run `backport <cmd>` for the cells not taken from the cache. */
static int run_step(const char *self, const char *cmd, const char *series,
		    const struct cell *cells, size_t nr, const char *run_dir,
		    const struct run_cmd *c, const char *log)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	size_t n = 0;
	int ret = 0;

	strvec_pushl(&cp.args, self, cmd, "--series", series, "--results",
		     run_dir, NULL);
	for (size_t i = 0; i < nr; i++)
		if (!cells[i].cached && !strcmp(cells[i].series, series)) {
			strvec_pushl(&cp.args, "--branch", cells[i].target,
				     NULL);
			n++;
		}
	if (!n)
		goto out;
	if (c->matrix)
		strvec_pushl(&cp.args, "--matrix", c->matrix, NULL);
	if (c->repo)
		strvec_pushl(&cp.args, "--repo", c->repo, NULL);
	if (!strcmp(cmd, "build") && c->jobs)
		strvec_pushl(&cp.args, "-j", c->jobs, NULL);
	if (quiet)
		strvec_push(&cp.args, "-q");
	cp.out = &out;
	progress("%s: %s %zu target%s", series, cmd, n, n == 1 ? "" : "s");
	if (run_command(&cp) < 0)
		ret = -1;
	else if (cp.exit_code != 0 && cp.exit_code != 1)
		ret = error_set("'backport %s' failed (exit %d%s%s)", cmd,
				cp.exit_code, cp.signal ? ", signal " : "",
				cp.signal ? strsignal(cp.signal) : "");
	write_file_atomic(log, out.buf, out.len);
out:
	child_process_release(&cp);
	strbuf_release(&out);
	return ret;
}

/* <dir>/<target>/<rest> as JSON, or null. */
static json_t *read_json_or_null(const char *dir, const char *target,
				 const char *rest)
{
	char *path = xstrfmt("%s/%s/%s", dir, target, rest);
	json_t *j = NULL;

	if (run_read_json(&j, path) < 0) {
		warning("%s", error_last());
		j = NULL;
	}
	free(path);
	return j ? j : json_null();
}

static bool cell_failed(json_t *cj, bool apply_failed)
{
	json_t *b = json_object_get(cj, "build");
	json_t *cmp = json_object_get(json_object_get(cj, "test"), "compare");

	if (apply_failed)
		return true;
	for (const char *v = "baseline";; v = "series") {
		json_t *x = json_object_get(b, v);

		if (json_is_object(x) &&
		    !strcmp(json_string_value(json_object_get(x, "verdict")) ?:
				    "", "build-failed"))
			return true;
		if (!strcmp(v, "series"))
			break;
	}
	return json_array_size(json_object_get(cmp, "regressions")) > 0;
}

/* The cell's JSON from what the steps left in the run directory. */
static json_t *cell_json(const struct cell *cl, const char *run_dir,
			 const char *self, const struct run_cmd *c)
{
	const char *t = cl->target;
	char *d = xstrfmt("%s/build", run_dir);
	char *e = xstrfmt("%s/test", run_dir);
	char *diff_rel = xstrfmt("diff/%s/%s.txt", cl->series, t);
	char *diff = xstrfmt("%s/%s", run_dir, diff_rel);
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	json_t *j;
	char *tmp;

	j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O}", "series", cl->series,
		      "target", t, "branch", cl->branch, "key", cl->key,
		      "cached", cl->cached, "apply", cl->apply);
	json_object_set_new(j, "build", json_pack("{s:o, s:o}",
		"baseline", read_json_or_null(d, t, "baseline/build.json"),
		"series", read_json_or_null(d, t, "series/build.json")));
	json_object_set_new(j, "test", json_pack("{s:o, s:o, s:o}",
		"baseline", read_json_or_null(e, t, "baseline/result.json"),
		"series", read_json_or_null(e, t, "series/result.json"),
		"compare", read_json_or_null(e, t, "compare.json")));
	/* The review diff, when the diff command can make one. */
	strvec_pushl(&cp.args, self, "diff", "--series-dir", c->series_dir,
		     cl->series, t, NULL);
	if (c->backports)
		strvec_pushl(&cp.args, "--backports", c->backports, NULL);
	if (c->matrix)
		strvec_pushl(&cp.args, "--matrix", c->matrix, NULL);
	if (c->repo)
		strvec_pushl(&cp.args, "--repo", c->repo, NULL);
	cp.out = &out;
	cp.no_stderr = true;
	cp.timeout_ms = 120 * 1000;
	tmp = xstrdup(diff);
	*strrchr(tmp, '/') = '\0';
	if (!run_command(&cp) && !cp.exit_code && out.len &&
	    !mkdir_p(tmp, 0755) && !write_file_atomic(diff, out.buf, out.len))
		json_object_set_new(j, "diff", json_string(diff_rel));
	else
		json_object_set_new(j, "diff", json_null());
	error_clear();
	free(tmp);
	json_object_set_new(j, "status", json_string(
		cell_failed(j, cl->apply_failed) ? "failed" : "ok"));
	child_process_release(&cp);
	strbuf_release(&out);
	free(d);
	free(e);
	free(diff);
	free(diff_rel);
	return j;
}

static char *iso_time(time_t t)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

int cmd_run(int argc, char **argv)
{
	struct run_cmd c = { .series = STRVEC_INIT, .targets = STRVEC_INIT };
	struct setup st = SETUP_INIT;
	struct cell *cells = NULL;
	size_t nr = 0, alloc = 0, cached = 0;
	json_t *run, *series_json = json_array(), *cells_json = json_array();
	char *id, *runs, *run_dir, *self = self_path(), *text, *path;
	char abs_results[PATH_MAX];
	struct strbuf html = STRBUF_INIT, out = STRBUF_INIT;
	time_t start = time(NULL);
	bool failed = false;
	char *started, *finished;

	c.series_dir = getenv("BACKPORT_SERIES_DIR");
	c.backports = "backports";
	c.results = "results";
	parse_options(&c, argc, argv);
	if (!c.series_dir || !*c.series_dir)
		c.series_dir = "series";
	if (c.backports && !is_directory(c.backports))
		c.backports = NULL;
	if (setup_open(&st, c.matrix, c.repo) < 0)
		die("%s", error_last());
	if (!c.targets.nr)
		setup_default_targets(&c.targets, &st);
	if (!c.series.nr && series_list(&c.series, c.series_dir) < 0)
		die("%s", error_last());
	if (!c.series.nr)
		die("no series in '%s' (import one with 'backport import')",
		    c.series_dir);
	if (mkdir_p(c.results, 0755) < 0 || !realpath(c.results, abs_results))
		die("cannot use results directory '%s'", c.results);
	id = run_new_id();
	runs = xstrfmt("%s/runs", abs_results);
	run_dir = xstrfmt("%s/%s", runs, id);
	if (mkdir_p(run_dir, 0755) < 0)
		die("%s", error_last());
	started = iso_time(start);

	for (size_t i = 0; i < c.series.nr; i++)
		apply_cells(&c, &st, c.series.v[i], &cells, &nr, &alloc,
			    series_json);
	for (size_t i = 0; i < nr; i++) {
		cell_key(&cells[i], &c, &st);
		if (!c.no_cache && !c.no_build &&
		    restore_cell(&cells[i], run_dir)) {
			cells[i].cached = true;
			cached++;
		}
	}
	if (cached)
		progress("%zu of %zu cells unchanged: taken from the cache",
			 cached, nr);
	for (size_t i = 0; i < c.series.nr; i++) {
		char *blog = xstrfmt("%s/build.out", run_dir);
		char *tlog = xstrfmt("%s/test.out", run_dir);

		if (!c.no_build && run_step(self, "build", c.series.v[i], cells,
					    nr, run_dir, &c, blog) < 0)
			error("%s", error_last());
		if (!c.no_test && run_step(self, "test", c.series.v[i], cells,
					   nr, run_dir, &c, tlog) < 0)
			error("%s", error_last());
		free(blog);
		free(tlog);
	}
	for (size_t i = 0; i < nr; i++) {
		json_t *cj = cell_json(&cells[i], run_dir, self, &c);

		failed |= !strcmp(json_string_value(json_object_get(cj,
								    "status")),
				  "failed");
		/* Only a cell that went through every step is kept. */
		if (!cells[i].cached && !c.no_build && !c.no_test &&
		    json_is_object(json_object_get(json_object_get(cj, "build"),
						   "baseline")) &&
		    json_is_object(json_object_get(json_object_get(cj, "test"),
						   "baseline")))
			save_cell(&cells[i], run_dir, cj);
		json_array_append_new(cells_json, cj);
	}
	finished = iso_time(time(NULL));
	run = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o}",
			"run", id, "version", BACKPORT_VERSION, "started",
			started, "finished", finished,
			"seconds", (json_int_t)(time(NULL) - start), "matrix",
			st.matrix_path, "repo", st.repo_path, "series",
			series_json, "cells", cells_json);
	text = json_dumps(run, JSON_INDENT(2));
	path = xstrfmt("%s/run.json", run_dir);
	{
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s\n", text);
		if (write_file_atomic(path, sb.buf, sb.len) < 0)
			die("%s", error_last());
		strbuf_release(&sb);
	}
	free(path);
	report_html(&html, run, run_dir);
	path = xstrfmt("%s/index.html", run_dir);
	if (write_file_atomic(path, html.buf, html.len) < 0)
		die("%s", error_last());
	free(path);
	path = xstrfmt("%s/latest", abs_results);
	{
		char *rel = xstrfmt("runs/%s", id);

		if (run_symlink(rel, path) < 0)
			die("%s", error_last());
		free(rel);
	}
	free(path);
	if (c.format == FORMAT_JSON) {
		fputs(text, stdout);
		putchar('\n');
	} else {
		report_text(&out, run, isatty(1));
		fputs(out.buf, stdout);
		printf("\nreport: %s/index.html\n", run_dir);
	}
	free(text);
	for (size_t i = 0; i < nr; i++) {
		free(cells[i].series);
		free(cells[i].target);
		free(cells[i].branch);
		json_decref(cells[i].apply);
	}
	free(cells);
	json_decref(run);
	strbuf_release(&html);
	strbuf_release(&out);
	free(started);
	free(finished);
	free(id);
	free(runs);
	free(run_dir);
	free(self);
	setup_release(&st);
	strvec_clear(&c.series);
	strvec_clear(&c.targets);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}
