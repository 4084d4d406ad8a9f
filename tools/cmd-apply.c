// SPDX-License-Identifier: GPL-2.0
/*
 * backport apply: put a series onto every target of the matrix in memory,
 * with a verdict per patch and target, write a commit per applied patch
 * under refs/backport/<series>/<target>, and print the table.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/setup.h"
#include "util/fsutil.h"
#include "util/error.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char apply_usage[] =
	"usage: backport apply [<options>] [--series <name>] "
	"[--branch <branch>[@<rev>]]...\n"
	"\n"
	"Apply a series onto each target in memory: no checkout, and the\n"
	"user's branches, index and worktree are never touched. Applied\n"
	"patches become commits on refs/backport/<series>/<target>.\n"
	"\n"
	"  --series <name>       the series under series/ (default: each)\n"
	"  --branch <b>[@<rev>]  a target: a branch tip, or the branch at a\n"
	"                        release tag or commit (repeatable; default:\n"
	"                        every branch of the matrix, and each older\n"
	"                        release listed on it)\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --all-branches        ignore stable tags (no not-requested)\n"
	"  --backports <dir>     recorded resolutions and renames (default:\n"
	"                        backports/)\n"
	"  --no-resolutions      replay no recorded resolution or rename\n"
	"  --fuzz <n>            most context lines fuzz may drop (2)\n"
	"  --dry-run             write no commits and no refs\n"
	"  --format=<text|json>  output format\n"
	"  -q, --quiet           no progress\n";

struct apply_cmd {
	const char *series_dir;
	const char *matrix;
	const char *repo;
	struct strvec series;
	struct strvec targets;
	struct apply_opts opts;
	bool dry_run;
	enum output_format format;
};

static void parse_options(struct apply_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "series", required_argument, NULL, 's' },
		{ "branch", required_argument, NULL, 'b' },
		{ "matrix", required_argument, NULL, 'm' },
		{ "repo", required_argument, NULL, 'r' },
		{ "series-dir", required_argument, NULL, 'd' },
		{ "all-branches", no_argument, NULL, 'A' },
		{ "fuzz", required_argument, NULL, 'F' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "backports", required_argument, NULL, 'B' },
		{ "no-resolutions", no_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			strvec_push(&c->series, optarg);
			break;
		case 'b':
			strvec_push(&c->targets, optarg);
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
		case 'A':
			c->opts.all_branches = true;
			break;
		case 'F':
			c->opts.max_fuzz = atoi(optarg);
			if (c->opts.max_fuzz > 3)
				usage_msg(apply_usage, "--fuzz is at most 3");
			break;
		case 'n':
			c->dry_run = true;
			break;
		case 'B':
			c->opts.backports = optarg;
			break;
		case 'R':
			c->opts.backports = NULL;
			break;
		case 'f':
			c->format = parse_output_format(optarg, apply_usage);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(apply_usage, true);
		default:
			usage_msg(apply_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (optind != argc)
		usage_msg(apply_usage, "unexpected argument '%s'", argv[optind]);
}

static void print_table(const struct series *s, struct apply_target *t,
			size_t nr)
{
	size_t w = 6;

	for (size_t i = 0; i < nr; i++)
		if (strlen(t[i].name) > w)
			w = strlen(t[i].name);
	printf("series %s: %zu patch%s on %zu target%s\n", s->name, s->nr,
	       s->nr == 1 ? "" : "es", nr, nr == 1 ? "" : "s");
	for (size_t p = 0; p < s->nr; p++)
		printf("  %zu  %s\n", p + 1, s->patches[p].mail->subject);
	printf("\n%-*s", (int)w, "target");
	for (size_t p = 0; p < s->nr; p++)
		printf("  %-18zu", p + 1);
	putchar('\n');
	for (size_t i = 0; i < nr; i++) {
		printf("%-*s", (int)w, t[i].name);
		for (size_t p = 0; p < t[i].nr; p++)
			printf("  %-18s", verdict_name(t[i].patches[p].verdict));
		putchar('\n');
	}
	putchar('\n');
	for (size_t i = 0; i < nr; i++) {
		for (size_t p = 0; p < t[i].nr; p++) {
			const struct apply_patch *ap = &t[i].patches[p];

			if (!ap->detail || !*ap->detail)
				continue;
			printf("%s, patch %zu, %s: %s\n", t[i].name, p + 1,
			       verdict_name(ap->verdict), ap->detail);
		}
	}
	for (size_t i = 0; i < nr; i++)
		if (!git_oid_equal(&t[i].tip, &t[i].base))
			printf("%s: %s\n", t[i].name, t[i].ref);
}

static bool apply_one_series(struct apply_cmd *c, git_repository *repo,
			     const char *name, json_t *json)
{
	struct series s = SERIES_INIT;
	struct apply_target *t;
	struct apply_opts opts = c->opts;
	git_oid *refs;
	bool failed = false;
	size_t nr = c->targets.nr;

	if (series_load(&s, c->series_dir, name) < 0)
		die("%s", error_last());
	t = xcalloc(nr, sizeof(*t));
	for (size_t i = 0; i < nr; i++) {
		apply_target_set(&t[i], s.name, c->targets.v[i]);
	}
	refs = apply_reference_trees(repo, t, nr, &opts.reference_nr, NULL);
	opts.reference_trees = refs;
	opts.write_commits = true;
	for (size_t i = 0; i < nr; i++) {
		progress("[%zu/%zu] %s: applying %zu patch%s", i + 1, nr,
			 t[i].name, s.nr, s.nr == 1 ? "" : "es");
		if (apply_series(&t[i], repo, &s, &opts) < 0)
			die("%s", error_last());
		failed |= apply_target_failed(&t[i]);
	}
	if (!c->dry_run && apply_update_refs(repo, t, nr) < 0)
		die("%s", error_last());
	if (json) {
		json_t *targets = json_array();

		for (size_t i = 0; i < nr; i++)
			json_array_append_new(targets,
					      apply_target_to_json(&t[i]));
		json_array_append_new(json, json_pack("{s:s, s:o}", "series",
						      s.name, "targets",
						      targets));
	} else {
		print_table(&s, t, nr);
	}
	for (size_t i = 0; i < nr; i++)
		apply_target_release(&t[i]);
	free(t);
	free(refs);
	series_release(&s);
	return failed;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_cmd c = { .series = STRVEC_INIT, .targets = STRVEC_INIT,
			       .opts = APPLY_OPTS_INIT };
	struct setup st = SETUP_INIT;
	json_t *json = NULL;
	bool failed = false;

	c.series_dir = getenv("BACKPORT_SERIES_DIR");
	c.opts.backports = "backports";
	parse_options(&c, argc, argv);
	if (!c.series_dir || !*c.series_dir)
		c.series_dir = "series";
	if (c.opts.backports && !is_directory(c.opts.backports))
		c.opts.backports = NULL;
	if (setup_open(&st, c.matrix, c.repo) < 0)
		die("%s", error_last());
	/*
	 * The commits of a dry run go to memory: later patches still build
	 * on earlier ones, and nothing is written.
	 */
	if (c.dry_run && apply_objects_in_memory(st.repo) < 0)
		die("%s", error_last());
	if (!c.targets.nr)
		setup_default_targets(&c.targets, &st);
	if (!c.series.nr && series_list(&c.series, c.series_dir) < 0)
		die("%s", error_last());
	if (!c.series.nr)
		die("no series in '%s' (import one with 'backport import')",
		    c.series_dir);
	if (c.format == FORMAT_JSON)
		json = json_array();
	for (size_t i = 0; i < c.series.nr; i++) {
		if (i && !json)
			putchar('\n');
		failed |= apply_one_series(&c, st.repo, c.series.v[i], json);
	}
	if (json) {
		json_dumpf(json, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(json);
	}
	setup_release(&st);
	strvec_clear(&c.series);
	strvec_clear(&c.targets);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}
