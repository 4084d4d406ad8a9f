// SPDX-License-Identifier: GPL-2.0
/*
 * backport mail: draft the stable mails of a series on one target: the
 * queued patch in stable form for each patch that applied, the FAILED
 * mail with a recipe for each that did not (stablemail.h). The series is
 * applied again in memory; the mails go to files, one each.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/review.h"
#include "lib/setup.h"
#include "lib/stablemail.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char mail_usage[] =
	"usage: backport mail [<options>] <series> <target>\n"
	"\n"
	"Draft the stable mails of <series> on <target> (a branch, or\n"
	"<branch>@<rev>): for each patch that applied, the queued patch in\n"
	"stable form (the original author, [PATCH 6.12.y], \"commit <sha>\n"
	"upstream.\", notes for what was not exact, your Signed-off-by, the\n"
	"backport's diff, and the test summary from results/test/ when there\n"
	"is one); for each that did not, the FAILED mail with the recipe to\n"
	"reproduce it. not-requested and already-present get no mail.\n"
	"\n"
	"  --patch <n>           only patch <n> of the series\n"
	"  -o, --output <dir>    where the mails go (default:\n"
	"                        results/mail/<series>/<target>)\n"
	"  --stdout              print the mails instead of writing files\n"
	"  --results <dir>       the results directory (default: results)\n"
	"  --signoff <ident>     \"Name <email>\" (default: git config user)\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  -q, --quiet           no progress\n";

struct mail_cmd {
	const char *matrix, *repo, *series_dir, *results, *output;
	const char *signoff;
	struct apply_opts opts;
	long patch;
	bool to_stdout;
};

static void parse_options(struct mail_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "patch", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "stdout", no_argument, NULL, 'S' },
		{ "results", required_argument, NULL, 'R' },
		{ "signoff", required_argument, NULL, 's' },
		{ "matrix", required_argument, NULL, 'm' },
		{ "repo", required_argument, NULL, 'r' },
		{ "series-dir", required_argument, NULL, 'd' },
		{ "backports", required_argument, NULL, 'B' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			c->patch = atol(optarg);
			if (c->patch < 1)
				usage_msg(mail_usage, "bad --patch '%s'",
					  optarg);
			break;
		case 'o':
			c->output = optarg;
			break;
		case 'S':
			c->to_stdout = true;
			break;
		case 'R':
			c->results = optarg;
			break;
		case 's':
			c->signoff = optarg;
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
			c->opts.backports = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(mail_usage, true);
		default:
			usage_msg(mail_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		usage_msg(mail_usage, "want <series> and <target>");
}

/* The backporter: --signoff, else git config user.name/user.email. */
static char *signoff_of(const struct mail_cmd *c, git_repository *repo)
{
	git_signature *sig = NULL;
	char *s;

	if (c->signoff)
		return xstrdup(c->signoff);
	if (git_signature_default(&sig, repo) < 0) {
		error_clear();
		warning("no user.name/user.email in the git config: signing "
			"off as 'backport <backport@localhost>' (use "
			"--signoff)");
		return xstrdup("backport <backport@localhost>");
	}
	s = xstrfmt("%s <%s>", sig->name, sig->email);
	git_signature_free(sig);
	return s;
}

/* Commands that put patches 1..index-1 on, as they went on the target. */
static void recipe_before(struct strvec *out, const struct apply_target *t,
			  size_t index, const char *series_dir)
{
	for (size_t k = 0; k < index; k++) {
		const struct apply_patch *ap = &t->patches[k];
		const struct mail *m = ap->sp->mail;

		if (!verdict_is_applied(ap->verdict))
			continue;
		if (ap->verdict == VERDICT_RESOLVED_RECORDED && ap->resolution)
			strvec_pushf(out, "git am %s/%s", ap->resolution->dir,
				     ap->resolution->file);
		else if (m->upstream_commit)
			strvec_pushf(out, "git cherry-pick -x %s",
				     m->upstream_commit);
		else
			strvec_pushf(out, "git am -3 %s/%s", series_dir,
				     ap->sp->file);
	}
}

static void emit(const struct mail_cmd *c, const char *dir,
		 const struct stablemail *sm, const struct strbuf *text)
{
	char *name, *path;

	if (c->to_stdout) {
		fwrite(text->buf, 1, text->len, stdout);
		putchar('\n');
		return;
	}
	name = stablemail_file_name(sm);
	path = xstrfmt("%s/%s", dir, name);
	if (mkdir_p(dir, 0755) < 0 ||
	    write_file_atomic(path, text->buf, text->len) < 0)
		die("%s", error_last());
	printf("%s\n", path);
	free(name);
	free(path);
}

int cmd_mail(int argc, char **argv)
{
	struct mail_cmd c = { .opts = APPLY_OPTS_INIT, .results = "results" };
	struct apply_target *t;
	struct series s = SERIES_INIT;
	struct setup st = SETUP_INIT;
	struct strvec names = STRVEC_INIT;
	git_oid *refs = NULL;
	const char **ref_names = NULL;
	size_t refs_nr, nr, me = 0;
	char *signoff, *dir, *sdir, *tests = NULL, *cmp;
	bool *want;
	time_t now = time(NULL);

	c.series_dir = getenv("BACKPORT_SERIES_DIR");
	c.opts.backports = "backports";
	parse_options(&c, argc, argv);
	if (!c.series_dir || !*c.series_dir)
		c.series_dir = "series";
	if (c.opts.backports && !is_directory(c.opts.backports))
		c.opts.backports = NULL;
	if (setup_open(&st, c.matrix, c.repo) < 0 ||
	    series_load(&s, c.series_dir, argv[optind]) < 0)
		die("%s", error_last());
	if (c.patch > (long)s.nr)
		die("series '%s' has no patch %ld", s.name, c.patch);

	/* Every target's tree is a reference for damaged mails. */
	setup_default_targets(&names, &st);
	for (me = 0; me < names.nr; me++)
		if (!strcmp(names.v[me], argv[optind + 1]))
			break;
	if (me == names.nr)
		strvec_push(&names, argv[optind + 1]);
	nr = names.nr;
	t = xcalloc(nr, sizeof(*t));
	want = xcalloc(nr, sizeof(*want));
	for (size_t i = 0; i < nr; i++) {
		apply_target_set(&t[i], s.name, names.v[i]);
	}
	want[me] = true;
	if (review_objects_in_memory(st.repo) < 0)
		die("%s", error_last());
	progress("%s: applying %s in memory", t[me].name, s.name);
	if (review_apply_targets(&refs, &ref_names, &refs_nr, t, nr, want,
				 st.repo, &s, &c.opts) < 0)
		die("%s", error_last());
	if (t[me].nr != s.nr)
		die("cannot find '%s' in '%s'", t[me].name, st.repo_path);

	signoff = signoff_of(&c, st.repo);
	dir = c.output ? xstrdup(c.output) :
			 xstrfmt("results/mail/%s/%s", s.name, t[me].name);
	sdir = xstrfmt("%s/%s", c.series_dir, s.name);
	cmp = xstrfmt("%s/test/%s/compare.json", c.results, t[me].name);
	if (stablemail_test_summary(&tests, cmp) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < t[me].nr; i++) {
		const struct apply_patch *ap = &t[me].patches[i];
		struct stablemail sm = STABLEMAIL_INIT;
		struct strbuf diff = STRBUF_INIT, stat = STRBUF_INIT;
		struct strbuf text = STRBUF_INIT;
		struct strvec before = STRVEC_INIT;
		char hex[GIT_OID_SHA1_HEXSIZE + 1];
		char *file = xstrfmt("%s/%s", sdir, ap->sp->file);

		if (c.patch && (long)i + 1 != c.patch)
			goto next;
		sm.upstream = ap->sp->mail;
		sm.series = s.name;
		sm.target = t[me].name;
		sm.branch = t[me].branch;
		sm.rev = t[me].rev;
		sm.index = i + 1;
		sm.total = s.nr;
		sm.verdict = ap->verdict;
		sm.detail = ap->detail;
		sm.signoff = signoff;
		sm.series_file = file;
		sm.now = now;
		switch (stablemail_kind(ap->verdict)) {
		case STABLEMAIL_NONE:
			progress("patch %zu: %s on %s: no mail", i + 1,
				 verdict_name(ap->verdict), t[me].name);
			goto next;
		case STABLEMAIL_QUEUED:
			if (!ap->has_commit)
				die("patch %zu on '%s': no commit", i + 1,
				    t[me].name);
			git_oid_tostr(hex, sizeof(hex), &ap->commit);
			if (review_commit_diff(&diff, &stat, st.repo,
					       &ap->commit) < 0)
				die("%s", error_last());
			sm.commit = hex;
			sm.diff = diff.buf;
			sm.diffstat = stat.buf;
			sm.tests = tests;
			if (ap->verdict == VERDICT_RESOLVED_RECORDED &&
			    ap->resolution)
				sm.resolution = ap->resolution->mail;
			break;
		case STABLEMAIL_FAILED:
			recipe_before(&before, &t[me], i, sdir);
			sm.before = &before;
			break;
		}
		stablemail_format(&text, &sm);
		emit(&c, dir, &sm, &text);
next:
		free(file);
		strbuf_release(&diff);
		strbuf_release(&stat);
		strbuf_release(&text);
		strvec_clear(&before);
	}
	for (size_t i = 0; i < nr; i++)
		apply_target_release(&t[i]);
	free(t);
	free(want);
	free(refs);
	free(ref_names);
	free(signoff);
	free(dir);
	free(sdir);
	free(cmp);
	free(tests);
	strvec_clear(&names);
	series_release(&s);
	setup_release(&st);
	return EXIT_OK;
}
