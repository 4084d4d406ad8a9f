// SPDX-License-Identifier: GPL-2.0
/*
 * backport apply: put a series onto every target of the matrix in memory,
 * with a verdict per patch and target, write a commit per applied patch
 * under refs/backport/<series>/<target>, and print the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/grid.h"
#include "lib/setup.h"
#include "options.h"
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
	"  -j, --jobs <n>        targets judged at once (default: one per\n"
	"                        processor)\n"
	"  --dry-run             write no commits and no refs\n"
	"  --all                 every patch in a long series' table (default:\n"
	"                        those that need a look)\n"
	"  --format=<text|json>  output format\n"
	"  -q, --quiet           no progress\n";

struct apply_cmd {
	struct common_opts co;
	struct apply_opts opts;
	bool dry_run;
	bool all_rows;
	unsigned jobs;
};

static int apply_option(void *data, int ch, const char *arg)
{
	struct apply_cmd *c = data;

	switch (ch) {
	case 'A':
		c->opts.all_branches = true;
		return 0;
	case 'F':
		c->opts.max_fuzz =
			(int)options_number(apply_usage, "--fuzz", arg, 0, 3);
		return 0;
	case 'n':
		c->dry_run = true;
		return 0;
	case 'a':
		c->all_rows = true;
		return 0;
	case 'j':
		c->jobs = (unsigned)options_number(apply_usage, "--jobs", arg,
						   1, 1024);
		return 0;
	}
	return -1;
}

static void parse_options(struct apply_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all-branches", no_argument, NULL, 'A' },
		{ "fuzz", required_argument, NULL, 'F' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};

	options_parse(&c->co,
		      OPT_MATRIX | OPT_REPO | OPT_SERIES_DIR | OPT_BACKPORTS |
			      OPT_BRANCH | OPT_SERIES | OPT_FORMAT,
		      argc, argv, apply_usage, longopts, "j:", apply_option, c);
	c->opts.backports = c->co.backports;
}

/* One row per target, a column per patch: a short series. */
static void print_by_target(const struct series *s, struct apply_target *t,
			    size_t nr)
{
	size_t w = 6;

	for (size_t i = 0; i < nr; i++)
		if (strlen(t[i].name) > w)
			w = strlen(t[i].name);
	for (size_t p = 0; p < s->nr; p++)
		printf("  %zu  %s\n", p + 1, s->patches[p].mail->subject);
	printf("\n%-*s", (int)w, "target");
	for (size_t p = 0; p < s->nr; p++)
		printf("  %-18zu", p + 1);
	putchar('\n');
	for (size_t i = 0; i < nr; i++) {
		printf("%-*s", (int)w, t[i].name);
		for (size_t p = 0; p < t[i].nr; p++)
			printf("  %-18s",
			       verdict_name(t[i].patches[p].verdict));
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
}

static void print_table(const struct series *s, struct apply_target *t,
			size_t nr, bool all)
{
	struct strbuf out = STRBUF_INIT;
	struct grid g;

	printf("series %s: %zu patch%s on %zu target%s\n", s->name, s->nr,
	       s->nr == 1 ? "" : "es", nr, nr == 1 ? "" : "s");
	grid_init(&g, s->nr, nr);
	for (size_t p = 0; p < s->nr; p++)
		g.titles[p] = s->patches[p].mail->subj.title ?
				      s->patches[p].mail->subj.title :
				      s->patches[p].mail->subject;
	for (size_t i = 0; i < nr; i++) {
		g.targets[i] = t[i].name;
		for (size_t p = 0; p < t[i].nr && p < s->nr; p++)
			grid_set(&g, p, i, t[i].patches[p].verdict,
				 t[i].patches[p].detail);
	}
	if (grid_fits_by_target(&g, GRID_WIDTH)) {
		print_by_target(s, t, nr);
	} else {
		putchar('\n');
		grid_text(&out, &g, all, GRID_WIDTH);
		fputs(out.buf, stdout);
	}
	for (size_t i = 0; i < nr; i++)
		if (!git_oid_equal(&t[i].tip, &t[i].base))
			printf("%s: %s\n", t[i].name, t[i].ref);
	grid_release(&g);
	strbuf_release(&out);
}

static void announce(const struct apply_target *t, size_t i, size_t nr,
		     void *data)
{
	const struct series *s = data;

	progress("[%zu/%zu] %s: applying %zu patch%s", i + 1, nr, t->name,
		 s->nr, s->nr == 1 ? "" : "es");
}

static bool apply_one_series(struct apply_cmd *c, git_repository *repo,
			     const char *name, json_t *json)
{
	struct series s = SERIES_INIT;
	struct apply_target *t;
	struct apply_opts opts = c->opts;
	git_oid *refs;
	bool failed = false;
	size_t nr = c->co.targets.nr;

	if (series_load(&s, c->co.series_dir, name) < 0)
		die("%s", error_last());
	t = xcalloc(nr, sizeof(*t));
	for (size_t i = 0; i < nr; i++) {
		apply_target_set(&t[i], s.name, c->co.targets.v[i]);
	}
	refs = apply_reference_trees(repo, t, nr, &opts.reference_nr, NULL);
	opts.reference_trees = refs;
	opts.write_commits = true;
	if (apply_series_targets(t, nr, repo, &s, &opts, c->jobs,
				 c->dry_run, announce, &s) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < nr; i++)
		failed |= apply_target_failed(&t[i]);
	if (!c->dry_run && apply_update_refs(repo, t, nr) < 0)
		die("%s", error_last());
	if (json) {
		json_t *targets = json_array();

		for (size_t i = 0; i < nr; i++)
			json_array_append_new(targets,
					      apply_target_to_json(&t[i]));
		json_array_append_new(json,
				      json_pack("{s:s, s:o}", "series", s.name,
						"targets", targets));
	} else {
		print_table(&s, t, nr, c->all_rows);
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
	struct apply_cmd c = { .co = COMMON_OPTS_INIT,
			       .opts = APPLY_OPTS_INIT };
	struct setup st = SETUP_INIT;
	json_t *json = NULL;
	bool failed = false;

	parse_options(&c, argc, argv);
	if (setup_open(&st, c.co.matrix, c.co.repo) < 0)
		die("%s", error_last());
	/*
	 * The commits of a dry run go to memory: later patches still build
	 * on earlier ones, and nothing is written.
	 */
	if (c.dry_run && apply_objects_in_memory(st.repo) < 0)
		die("%s", error_last());
	if (!c.co.targets.nr)
		setup_default_targets(&c.co.targets, &st);
	if (!c.co.series.nr && series_list(&c.co.series, c.co.series_dir) < 0)
		die("%s", error_last());
	if (!c.co.series.nr)
		die("no series in '%s' (import one with 'backport import')",
		    c.co.series_dir);
	if (c.co.format == FORMAT_JSON)
		json = json_array();
	for (size_t i = 0; i < c.co.series.nr; i++) {
		if (i && !json)
			putchar('\n');
		failed |= apply_one_series(&c, st.repo, c.co.series.v[i], json);
	}
	if (json) {
		json_dumpf(json, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(json);
	}
	setup_release(&st);
	common_opts_release(&c.co);
	return failed ? EXIT_CELL_FAILED : EXIT_OK;
}
