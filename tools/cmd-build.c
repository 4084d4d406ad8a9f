// SPDX-License-Identifier: GPL-2.0
/*
 * backport build: for each target, build the kernel and the KVM selftests
 * of the unpatched branch (baseline) and of each series applied on it
 * (refs/backport/<series>/<target>), with a verdict each. The work is
 * lib/kbuild's; this file picks the targets and prints.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

#include "builtin.h"
#include "lib/kbuild.h"
#include "lib/matrix.h"
#include "lib/trees.h"
#include "util/error.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char build_usage[] =
	"usage: backport build [<options>] [--series <name>]... "
	"[--branch <branch>[@<rev>]]...\n"
	"\n"
	"Build, for each target, the kernel (bzImage) and the KVM selftests\n"
	"of the branch (baseline) and of each series applied on it by\n"
	"'backport apply' (refs/backport/<series>/<target>), in worktrees and\n"
	"build directories under the cache. A build whose inputs did not\n"
	"change is not done again.\n"
	"\n"
	"  --series <name>       a series applied with 'backport apply'\n"
	"                        (repeatable; default: each under\n"
	"                        refs/backport/)\n"
	"  --branch <b>[@<rev>]  a target (repeatable; default: every branch\n"
	"                        of the matrix and each older release on it)\n"
	"  --baseline-only       build the branches only\n"
	"  --config <name>       the [config] of the matrix (default: the\n"
	"                        matrix's `config`)\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --results <dir>       where logs and build.json go (results)\n"
	"  -j, --jobs <n>        make jobs shared by all builds (2)\n"
	"  --parallel <n>        branches built at once (1)\n"
	"  --timeout <seconds>   per make invocation (default: none)\n"
	"  --force               build even when the artefact exists\n"
	"  --format=<text|json>  output format\n"
	"  -q, --quiet           no progress\n";

struct build_cmd {
	const char *matrix;
	const char *repo;
	const char *config;
	struct strvec series;
	struct strvec targets;
	bool baseline_only;
	struct kbuild_opts opts;
	enum output_format format;
};

static unsigned parse_count(const char *arg, const char *what)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (*end || !n || n > 1024)
		usage_msg(build_usage, "bad %s '%s'", what, arg);
	return n;
}

static void parse_options(struct build_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "series", required_argument, NULL, 's' },
		{ "branch", required_argument, NULL, 'b' },
		{ "baseline-only", no_argument, NULL, 'B' },
		{ "config", required_argument, NULL, 'c' },
		{ "matrix", required_argument, NULL, 'm' },
		{ "repo", required_argument, NULL, 'r' },
		{ "results", required_argument, NULL, 'R' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qhj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			strvec_push(&c->series, optarg);
			break;
		case 'b':
			strvec_push(&c->targets, optarg);
			break;
		case 'B':
			c->baseline_only = true;
			break;
		case 'c':
			c->config = optarg;
			break;
		case 'm':
			c->matrix = optarg;
			break;
		case 'r':
			c->repo = optarg;
			break;
		case 'R':
			c->opts.results = optarg;
			break;
		case 'j':
			c->opts.jobs = parse_count(optarg, "job count");
			break;
		case 'P':
			c->opts.parallel =
				parse_count(optarg, "parallel count");
			break;
		case 't':
			c->opts.timeout_ms =
				parse_count(optarg, "timeout") * 1000UL;
			break;
		case 'F':
			c->opts.force = true;
			break;
		case 'f':
			c->format = parse_output_format(optarg, build_usage);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(build_usage, true);
		default:
			usage_msg(build_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (optind != argc)
		usage_msg(build_usage, "unexpected argument '%s'",
			  argv[optind]);
}

/* Every branch tip of the matrix, and each older release on it. */
static void matrix_targets(struct strvec *out, const struct matrix *m)
{
	for (size_t i = 0; i < m->branches_nr; i++) {
		const struct matrix_branch *b = m->branches[i];

		for (size_t k = 0; k + 1 < b->sources_nr; k++)
			strvec_pushf(out, "%s@v%s", b->name,
				     b->sources[k]->name);
		strvec_push(out, b->name);
	}
}

/* The series names under refs/backport/. */
static void applied_series(struct strvec *out, git_repository *repo)
{
	git_reference_iterator *it = NULL;
	const char *name;

	if (git_reference_iterator_glob_new(&it, repo, "refs/backport/*") < 0)
		return;
	while (!git_reference_next_name(&name, it)) {
		const char *p = name + strlen("refs/backport/");
		const char *slash = strchr(p, '/');
		char *s;
		bool seen = false;

		if (!slash)
			continue;
		s = xstrndup(p, slash - p);
		for (size_t i = 0; i < out->nr; i++)
			seen |= !strcmp(out->v[i], s);
		if (!seen)
			strvec_push(out, s);
		free(s);
	}
	git_reference_iterator_free(it);
}

static bool resolve(git_oid *out, git_repository *repo, const char *spec)
{
	git_object *o = NULL;
	char *s = xstrfmt("%s^{commit}", spec);
	bool ok = !git_revparse_single(&o, repo, s);

	if (ok)
		git_oid_cpy(out, git_object_id(o));
	git_object_free(o);
	free(s);
	return ok;
}

static void base_commit(git_oid *out, git_repository *repo, const char *target,
			const char *branch, const char *rev)
{
	char *spec;

	if (rev) {
		if (!resolve(out, repo, rev))
			die("target '%s': no commit '%s'", target, rev);
		return;
	}
	spec = xstrfmt("refs/heads/%s", branch);
	if (!resolve(out, repo, spec)) {
		free(spec);
		spec = xstrfmt("refs/remotes/origin/%s", branch);
		if (!resolve(out, repo, spec))
			die("target '%s': no branch '%s' (run 'backport "
			    "trees --branch %s')",
			    target, branch, branch);
	}
	free(spec);
}

/*
 * The jobs: per target its baseline, then each series; targets of one
 * branch together (they share its worktree).
 */
static struct kbuild_job *make_jobs(struct build_cmd *c, git_repository *repo,
				    size_t *nr)
{
	size_t per = 1 + c->series.nr, n = 0;
	struct kbuild_job *jobs = xcalloc(c->targets.nr * per, sizeof(*jobs));
	bool *done = xcalloc(c->targets.nr, sizeof(*done));

	for (size_t i = 0; i < c->targets.nr; i++) {
		char *bi = xstrndup(c->targets.v[i],
				    strcspn(c->targets.v[i], "@"));

		for (size_t t = i; t < c->targets.nr; t++) {
			const char *spec = c->targets.v[t];
			char *branch = xstrdup(spec), *at = strchr(branch, '@');
			size_t base = n;
			git_oid oid;

			if (at)
				*at++ = '\0';
			if (done[t] || strcmp(branch, bi)) {
				free(branch);
				continue;
			}
			done[t] = true;
			base_commit(&oid, repo, spec, branch, at);
			kbuild_job_init(&jobs[n]);
			kbuild_job_set(&jobs[n++], spec, branch, NULL, &oid);
			for (size_t s = 0; s < c->series.nr; s++) {
				char *ref = xstrfmt("refs/backport/%s/%s",
						    c->series.v[s], spec);

				if (!resolve(&oid, repo, ref))
					die("no '%s' (run 'backport apply "
					    "--series %s --branch %s' first)",
					    ref, c->series.v[s], spec);
				kbuild_job_init(&jobs[n]);
				kbuild_job_set(&jobs[n], spec, branch,
					       c->series.v[s], &oid);
				jobs[n++].baseline = &jobs[base];
				free(ref);
			}
			free(branch);
		}
		free(bi);
	}
	free(done);
	*nr = n;
	return jobs;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void show_progress(const struct kbuild_progress *p, void *data)
{
	static enum kbuild_step last_step;
	static const struct kbuild_job *last_job;
	static time_t last_time;
	time_t now = time(NULL);
	const char *what;
	int el = (int)p->elapsed;

	(void)data;
	if (p->job == last_job && p->step == last_step && now - last_time < 15)
		return;
	last_job = p->job;
	last_step = p->step;
	last_time = now;
	switch (p->step) {
	case KBUILD_STEP_SYNC:
		what = "updating the worktree";
		break;
	case KBUILD_STEP_CONFIG:
		what = "configuring";
		break;
	case KBUILD_STEP_KERNEL:
		what = "building";
		break;
	case KBUILD_STEP_HEADERS:
		what = "installing headers";
		break;
	case KBUILD_STEP_SELFTESTS:
		what = "building selftests";
		break;
	default:
		return;
	}
	if (p->objects_total)
		progress("[%zu/%zu] %s %s: %s (%zu/%zu objects, %dm%02ds)",
			 p->nr, p->total, p->job->target, p->job->variant, what,
			 p->objects, p->objects_total, el / 60, el % 60);
	else if (p->objects)
		progress("[%zu/%zu] %s %s: %s (%zu objects, %dm%02ds)", p->nr,
			 p->total, p->job->target, p->job->variant, what,
			 p->objects, el / 60, el % 60);
	else
		progress("[%zu/%zu] %s %s: %s (%dm%02ds)", p->nr, p->total,
			 p->job->target, p->job->variant, what, el / 60,
			 el % 60);
}

/* "file:line: message", else the line as logged. */
static void print_msg(const struct kbuild_msg *m)
{
	if (m->file)
		printf("%s:%u: %s", m->file, m->line, m->message);
	else
		printf("%s", m->text ? m->text : m->message ? m->message : "");
}

static void print_table(const struct kbuild_job *jobs, size_t nr)
{
	int w = 6;

	for (size_t i = 0; i < nr; i++)
		if ((int)strlen(jobs[i].target) > w)
			w = strlen(jobs[i].target);
	printf("%-*s  %-8s  %-12s  %s\n", w, "target", "variant", "verdict",
	       "detail");
	for (size_t i = 0; i < nr; i++) {
		const struct kbuild_job *j = &jobs[i];

		printf("%-*s  %-8s  %-12s  ", w, j->target, j->variant,
		       kbuild_verdict_name(j->verdict));
		if (j->verdict == KBUILD_BUILD_FAILED) {
			printf("%s: ", kbuild_step_name(j->step));
			print_msg(&j->first_error);
		} else {
			printf("bzImage");
			if (j->selftests_dir)
				printf(", %zu selftests", j->selftests_built);
			if (j->selftests_failed.nr)
				printf(" (%zu failed to build)",
				       j->selftests_failed.nr);
			if (j->new_warnings.nr)
				printf(", %zu new warning%s",
				       j->new_warnings.nr,
				       j->new_warnings.nr == 1 ? "" : "s");
		}
		printf("%s\n", j->cached ? " (cached)" : "");
	}
	for (size_t i = 0; i < nr; i++)
		for (size_t k = 0; k < jobs[i].new_warnings.nr; k++) {
			printf("%s %s: new warning: ", jobs[i].target,
			       jobs[i].variant);
			print_msg(&jobs[i].new_warnings.v[k]);
			putchar('\n');
		}
}

int cmd_build(int argc, char **argv)
{
	struct build_cmd c = { .series = STRVEC_INIT,
			       .targets = STRVEC_INIT,
			       .opts = KBUILD_OPTS_INIT };
	struct kbuild_config cfg = KBUILD_CONFIG_INIT;
	struct trees_opts topts = TREES_OPTS_INIT;
	struct matrix m = MATRIX_INIT;
	git_repository *repo = NULL;
	struct kbuild_job *jobs;
	char *matrix_path, *repo_path;
	size_t nr;
	bool user, failed = false;
	int ret;

	parse_options(&c, argc, argv);
	matrix_path = matrix_find_path(c.matrix);
	if (matrix_load(&m, matrix_path) < 0)
		die("%s", error_last());
	if (kbuild_config_load(&cfg, matrix_path, c.config) < 0)
		die("%s", error_last());
	topts.repo = c.repo;
	repo_path = trees_repo(&m, &topts, &user);
	if (git_repository_open_ext(&repo, repo_path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		die_last("cannot open repository '%s'%s", repo_path,
			 user ? "" : " (run 'backport trees' first)");
	if (!c.targets.nr)
		matrix_targets(&c.targets, &m);
	if (!c.series.nr && !c.baseline_only)
		applied_series(&c.series, repo);
	if (c.baseline_only)
		strvec_clear(&c.series);
	jobs = make_jobs(&c, repo, &nr);
	git_repository_free(repo);
	if (!quiet)
		c.opts.progress = show_progress;
	/* Our makes run in their own process groups: stop them ourselves. */
	c.opts.interrupted = &interrupted;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	ret = kbuild_run(jobs, nr, repo_path, &cfg, &c.opts);
	if (ret < 0)
		die("%s", error_last());
	for (size_t i = 0; i < nr; i++)
		failed |= jobs[i].verdict != KBUILD_BUILT;
	if (c.format == FORMAT_JSON) {
		json_t *a = json_array();

		for (size_t i = 0; i < nr; i++)
			json_array_append_new(a, kbuild_job_to_json(&jobs[i],
								    true));
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(a);
	} else {
		print_table(jobs, nr);
	}
	for (size_t i = 0; i < nr; i++)
		kbuild_job_release(&jobs[i]);
	free(jobs);
	kbuild_config_release(&cfg);
	matrix_release(&m);
	free(matrix_path);
	free(repo_path);
	strvec_clear(&c.series);
	strvec_clear(&c.targets);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}
