// SPDX-License-Identifier: GPL-2.0
/*
 * backport diff: the review diff of one target's backport of a series
 * (lib/reviewdiff): each applied patch's commit against the upstream
 * patch as mailed and against the same patch's backport on the next
 * newer target of the matrix. Nothing is written to the repository.
 */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"
#include "lib/review.h"
#include "lib/reviewdiff.h"
#include "lib/setup.h"
#include "options.h"
#include "util/error.h"

static const char diff_usage[] =
	"usage: backport diff [<options>] <series> <target>\n"
	"\n"
	"Review the backport of <series> on <target> (a branch, or\n"
	"<branch>@<rev>): each applied patch's commit against the upstream\n"
	"patch, and against the same patch's backport on the next newer\n"
	"target of the matrix where it applied, as an interdiff that shows\n"
	"only what changed: hunks moved (by how many lines), lines adapted,\n"
	"hunks dropped or added, files renamed. Lines of a damaged mail that\n"
	"were re-indented are marked. Nothing is written.\n"
	"\n"
	"  --patch <n>           only patch <n> of the series\n"
	"  --against-newer       only the comparison with the newer target\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  --no-resolutions      replay no recorded resolution or rename\n"
	"  --format=<text|json>  output format\n"
	"  -q, --quiet           no progress\n";

struct diff_cmd {
	struct common_opts co;
	struct reviewdiff_opts o;
};

static int diff_option(void *data, int ch, const char *arg)
{
	struct diff_cmd *c = data;

	switch (ch) {
	case 'p':
		c->o.patch = (long)options_number(diff_usage, "--patch", arg,
						  1, 100000);
		return 0;
	case 'N':
		c->o.against_newer = true;
		return 0;
	}
	return -1;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "patch", required_argument, NULL, 'p' },
		{ "against-newer", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff_cmd c = { .co = COMMON_OPTS_INIT,
			      .o = REVIEWDIFF_OPTS_INIT };
	struct apply_opts aopts = APPLY_OPTS_INIT;
	struct strvec targets = STRVEC_INIT;
	struct strbuf text = STRBUF_INIT;
	struct series s = SERIES_INIT;
	struct setup st = SETUP_INIT;
	json_t *json = NULL;
	int first;

	first = options_parse(&c.co,
			      OPT_MATRIX | OPT_REPO | OPT_SERIES_DIR |
				      OPT_BACKPORTS | OPT_FORMAT | OPT_ARGS,
			      argc, argv, diff_usage, longopts, "",
			      diff_option, &c);
	if (argc - first != 2)
		usage_msg(diff_usage, "want <series> and <target>");
	aopts.backports = c.co.backports;
	c.o.apply = &aopts;
	if (setup_open(&st, c.co.matrix, c.co.repo) < 0 ||
	    series_load(&s, c.co.series_dir, argv[first]) < 0)
		die("%s", error_last());
	setup_default_targets(&targets, &st);
	if (review_objects_in_memory(st.repo) < 0)
		die("%s", error_last());
	progress("%s: applying %s in memory", argv[first + 1], s.name);
	if (reviewdiff_make(c.co.format == FORMAT_JSON ? NULL : &text,
			    c.co.format == FORMAT_JSON ? &json : NULL, st.repo,
			    &targets, &s, argv[first + 1], &c.o) < 0)
		die("%s", error_last());
	if (json) {
		json_dumpf(json, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		fputs(text.buf, stdout);
	}
	json_decref(json);
	strbuf_release(&text);
	strvec_clear(&targets);
	series_release(&s);
	setup_release(&st);
	common_opts_release(&c.co);
	return EXIT_OK;
}
