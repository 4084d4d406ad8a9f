// SPDX-License-Identifier: GPL-2.0
/*
 * backport build: for each target, build the kernel and the KVM selftests
 * of the unpatched branch (baseline) and of each series applied on it
 * (refs/backport/<series>/<target>), with a verdict each. The work is
 * lib/kbuild's; this file picks the targets and prints.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "builtin.h"
#include "lib/bisect.h"
#include "lib/buildplan.h"
#include "lib/kbuild.h"
#include "lib/setup.h"
#include "options.h"
#include "progress.h"
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
	"  -j, --jobs <n>        make jobs shared by all builds (2; with\n"
	"                        distcc hosts, their slots)\n"
	"  --parallel <n>        branches built at once (1)\n"
	"  --timeout <seconds>   per make invocation (default: none)\n"
	"  --force               build even when the artefact exists\n"
	"  --format=<text|json>  output format\n"
	"  -q, --quiet           no progress\n";

struct build_cmd {
	struct common_opts co;
	const char *config;
	bool baseline_only;
	bool jobs_given;
	struct kbuild_opts opts;
};

static int build_option(void *data, int ch, const char *arg)
{
	struct build_cmd *c = data;

	switch (ch) {
	case 'B':
		c->baseline_only = true;
		return 0;
	case 'c':
		c->config = arg;
		return 0;
	case 'j':
		c->opts.jobs = options_number(build_usage, "--jobs", arg, 1,
					      1024);
		c->jobs_given = true;
		return 0;
	case 'P':
		c->opts.parallel = options_number(build_usage, "--parallel",
						  arg, 1, 1024);
		return 0;
	case 't':
		c->opts.timeout_ms = options_number(build_usage, "--timeout",
						    arg, 1, 1000000) *
				     1000UL;
		return 0;
	case 'F':
		c->opts.force = true;
		return 0;
	}
	return -1;
}

static void parse_options(struct build_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline-only", no_argument, NULL, 'B' },
		{ "config", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};

	options_parse(&c->co,
		      OPT_MATRIX | OPT_REPO | OPT_RESULTS | OPT_SERIES |
			      OPT_BRANCH | OPT_FORMAT,
		      argc, argv, build_usage, longopts, "j:", build_option,
		      c);
	if (!c->opts.jobs)
		c->opts.jobs = c->co.jobs;
	c->opts.results = c->co.results;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
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
		if (j->verdict == KBUILD_BUILD_FAILED && j->bisect) {
			printf("%s: broken by patch %zu of %zu (%.12s %s): ",
			       kbuild_step_name(j->step), j->bisect->index,
			       j->bisect->of, j->bisect->commit,
			       j->bisect->title);
			print_msg(&j->bisect->first_error);
		} else if (j->verdict == KBUILD_BUILD_FAILED) {
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

static void print_json(const struct kbuild_job *jobs, size_t nr)
{
	json_t *a = json_array();

	for (size_t i = 0; i < nr; i++)
		json_array_append_new(a, kbuild_job_to_json(&jobs[i], true));
	json_dumpf(a, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(a);
}

int cmd_build(int argc, char **argv)
{
	struct build_cmd c = { .co = COMMON_OPTS_INIT,
			       .opts = KBUILD_OPTS_INIT };
	struct kbuild_config cfg = KBUILD_CONFIG_INIT;
	struct setup st = SETUP_INIT;
	struct strvec warnings = STRVEC_INIT;
	struct kbuild_job *jobs;
	size_t nr;
	bool failed = false;

	c.opts.jobs = 0; /* -j, else the config's */
	parse_options(&c, argc, argv);
	if (setup_open(&st, c.co.matrix, c.co.repo) < 0 ||
	    kbuild_config_from_matrix(&cfg, &st.matrix, c.config) < 0)
		die("%s", error_last());
	if (!c.co.targets.nr)
		setup_default_targets(&c.co.targets, &st);
	if (c.baseline_only)
		strvec_clear(&c.co.series);
	else if (!c.co.series.nr)
		buildplan_applied_series(&c.co.series, st.repo);
	if (buildplan_make(&jobs, &nr, st.repo, &c.co.targets, &c.co.series) <
	    0)
		die("%s", error_last());
	if (!quiet)
		c.opts.progress = progress_build;
	/* Our makes run in their own process groups: stop them ourselves. */
	c.opts.interrupted = &interrupted;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	c.opts.distcc_hosts = matrix_distcc_hosts(&st.matrix);
	c.opts.jobs_from_hosts = !c.jobs_given;
	c.opts.warnings = &warnings;
	if (kbuild_run(jobs, nr, st.repo_path, &cfg, &c.opts) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < warnings.nr; i++)
		warning("%s", warnings.v[i]);
	strvec_clear(&warnings);
	for (size_t i = 0; i < nr; i++)
		failed |= jobs[i].verdict != KBUILD_BUILT;
	if (c.co.format == FORMAT_JSON)
		print_json(jobs, nr);
	else
		print_table(jobs, nr);
	buildplan_release(jobs, nr);
	kbuild_config_release(&cfg);
	setup_release(&st);
	common_opts_release(&c.co);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}
