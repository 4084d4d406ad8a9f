// SPDX-License-Identifier: GPL-2.0
/*
 * backport mail: draft the stable mails of a series on its targets: the
 * queued patch in stable form for each patch that applied, the FAILED
 * mail with a recipe for each that did not (stablemail.h). The series is
 * applied again in memory, on every target at once; the mails go to
 * files, one each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/review.h"
#include "lib/results.h"
#include "lib/setup.h"
#include "lib/stablemail.h"
#include "options.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char mail_usage[] =
	"usage: backport mail [<options>] <series> [<target>...]\n"
	"\n"
	"Draft the stable mails of <series> on each <target> (a branch, or\n"
	"<branch>@<rev>; default: every branch of the matrix and each older\n"
	"release listed on it): for each patch that applied, the queued patch in\n"
	"stable form (the original author, [PATCH 6.12.y], \"commit <sha>\n"
	"upstream.\", notes for what was not exact, your Signed-off-by, the\n"
	"backport's diff, and the test summary from results/test/ when there\n"
	"is one); for each that did not, the FAILED mail with the recipe to\n"
	"reproduce it. not-requested and already-present get no mail.\n"
	"For one <target> the mails are <dir>/<nnnn>-[FAILED-]<title>.mbox;\n"
	"for several, all in one <dir> as <target>-<nnnn>-...mbox, ready for\n"
	"`git send-email <dir>`.\n"
	"\n"
	"  --patch <n>           only patch <n> of the series\n"
	"  -o, --output <dir>    where the mails go (default:\n"
	"                        <results>/mail/<series>/<target> for one\n"
	"                        target, else <results>/mail/<series>)\n"
	"  --stdout              print the mails instead of writing files\n"
	"  --results <dir>       the results directory (default: results)\n"
	"  --signoff <ident>     \"Name <email>\" (default: git config user)\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  --no-resolutions      replay no recorded resolution or rename\n"
	"  -q, --quiet           no progress\n";

struct mail_cmd {
	struct common_opts co;
	const char *output, *signoff;
	struct apply_opts opts;
	long patch;
	bool to_stdout;
	/* The targets mailed for (want[]) among the matrix's; me is one. */
	struct setup st;
	struct series s;
	struct apply_target *t;
	bool *want, many;
	size_t nr, me;
	char *sdir, *tests, *dir, *me_signoff;
	time_t now;
	/* How many mails of each kind were written. */
	size_t count[STABLEMAIL_FAILED + 1];
};

static int mail_option(void *data, int ch, const char *arg)
{
	struct mail_cmd *c = data;

	switch (ch) {
	case 'p':
		c->patch = (long)options_number(mail_usage, "--patch", arg, 1,
						100000);
		return 0;
	case 'o':
		c->output = arg;
		return 0;
	case 'S':
		c->to_stdout = true;
		return 0;
	case 's':
		c->signoff = arg;
		return 0;
	}
	return -1;
}

static int parse_options(struct mail_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "patch", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "stdout", no_argument, NULL, 'S' },
		{ "signoff", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int first = options_parse(&c->co,
				  OPT_MATRIX | OPT_REPO | OPT_SERIES_DIR |
					  OPT_BACKPORTS | OPT_RESULTS |
					  OPT_ARGS,
				  argc, argv, mail_usage, longopts, "o:",
				  mail_option, c);

	if (argc - first < 1)
		usage_msg(mail_usage, "want <series> [<target>...]");
	c->opts.backports = c->co.backports;
	return first;
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
	if (c->many)
		path = xstrfmt("%s/%s-%s", dir, c->t[c->me].name, name);
	else
		path = xstrfmt("%s/%s", dir, name);
	for (char *p = path + strlen(dir) + 1; *p; p++)
		if (*p == '/' || *p == '@')
			*p = '-';
	if (mkdir_p(dir, 0755) < 0 ||
	    write_file_atomic(path, text->buf, text->len) < 0)
		die("%s", error_last());
	printf("%s\n", path);
	free(name);
	free(path);
}

/*
 * Apply the series on every target in memory; want[] those of `targets`
 * (argv, `n` of them), or every default target when there is none.
 */
static void apply_all(struct mail_cmd *c, const char *series,
		      char **targets, size_t n)
{
	struct strvec names = STRVEC_INIT;
	git_oid *refs = NULL;
	const char **ref_names = NULL;
	size_t refs_nr;

	if (setup_open(&c->st, c->co.matrix, c->co.repo) < 0 ||
	    series_load(&c->s, c->co.series_dir, series) < 0)
		die("%s", error_last());
	if (c->patch > (long)c->s.nr)
		die("series '%s' has no patch %ld", c->s.name, c->patch);
	/* Every target's tree is a reference for damaged mails. */
	setup_default_targets(&names, &c->st);
	for (size_t k = 0; k < n; k++)
		if (!strvec_has(&names, targets[k]))
			strvec_push(&names, targets[k]);
	if (!names.nr)
		die("no target: name one, or list branches in '%s'",
		    c->co.matrix);
	c->nr = names.nr;
	c->many = n != 1;
	c->t = xcalloc(c->nr, sizeof(*c->t));
	c->want = xcalloc(c->nr, sizeof(*c->want));
	for (size_t i = 0; i < c->nr; i++) {
		apply_target_set(&c->t[i], c->s.name, names.v[i]);
		c->want[i] = !n;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(names.v[i], targets[k]))
				c->want[i] = true;
	}
	if (review_objects_in_memory(c->st.repo) < 0)
		die("%s", error_last());
	progress("applying %s in memory", c->s.name);
	if (review_apply_targets(&refs, &ref_names, &refs_nr, c->t, c->nr,
				 c->want, c->st.repo, &c->s, &c->opts) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < c->nr; i++)
		if (c->want[i] && c->t[i].nr != c->s.nr)
			die("cannot find '%s' in '%s'", c->t[i].name,
			    c->st.repo_path);
	free(refs);
	free(ref_names);
	strvec_clear(&names);
}

/* The queued patch's commit and test summary into `sm`. */
static void queued(struct mail_cmd *c, const struct apply_patch *ap,
		   size_t i, struct stablemail *sm, struct strbuf *diff,
		   struct strbuf *stat, char *hex)
{
	if (!ap->has_commit)
		die("patch %zu on '%s': no commit", i + 1, c->t[c->me].name);
	git_oid_tostr(hex, GIT_OID_SHA1_HEXSIZE + 1, &ap->commit);
	if (review_commit_diff(diff, stat, c->st.repo, &ap->commit) < 0)
		die("%s", error_last());
	sm->commit = hex;
	sm->diff = diff->buf;
	sm->diffstat = stat->buf;
	sm->tests = c->tests;
	if (ap->verdict == VERDICT_RESOLVED_RECORDED && ap->resolution)
		sm->resolution = ap->resolution->mail;
}

/* The mail of patch `i`, when its verdict makes one. */
static void mail_one(struct mail_cmd *c, size_t i)
{
	const struct apply_target *t = &c->t[c->me];
	const struct apply_patch *ap = &t->patches[i];
	struct stablemail sm = STABLEMAIL_INIT;
	struct strbuf diff = STRBUF_INIT, stat = STRBUF_INIT;
	struct strbuf text = STRBUF_INIT;
	struct strvec before = STRVEC_INIT;
	char hex[GIT_OID_SHA1_HEXSIZE + 1];
	char *file = xstrfmt("%s/%s", c->sdir, ap->sp->file);

	sm.upstream = ap->sp->mail;
	sm.series = c->s.name;
	sm.target = t->name;
	sm.branch = t->branch;
	sm.rev = t->rev;
	sm.index = i + 1;
	sm.total = c->s.nr;
	sm.verdict = ap->verdict;
	sm.detail = ap->detail;
	sm.signoff = c->me_signoff;
	sm.series_file = file;
	sm.now = c->now;
	switch (stablemail_kind(ap->verdict)) {
	case STABLEMAIL_NONE:
		progress("patch %zu: %s on %s: no mail", i + 1,
			 verdict_name(ap->verdict), t->name);
		goto out;
	case STABLEMAIL_QUEUED:
		queued(c, ap, i, &sm, &diff, &stat, hex);
		break;
	case STABLEMAIL_FAILED:
		recipe_before(&before, t, i, c->sdir);
		sm.before = &before;
		break;
	}
	stablemail_format(&text, &sm);
	emit(c, c->dir, &sm, &text);
	c->count[stablemail_kind(ap->verdict)]++;
out:
	free(file);
	strbuf_release(&diff);
	strbuf_release(&stat);
	strbuf_release(&text);
	strvec_clear(&before);
}

/* The mails of every patch on target c->me. */
static void mail_target(struct mail_cmd *c)
{
	const char *name = c->t[c->me].name;
	char *cmp = results_find_compare(c->co.results, c->s.name, name);

	if (stablemail_test_summary(&c->tests, cmp) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < c->t[c->me].nr; i++)
		if (!c->patch || (long)i + 1 == c->patch)
			mail_one(c, i);
	free(cmp);
	free(c->tests);
	c->tests = NULL;
}

int cmd_mail(int argc, char **argv)
{
	struct mail_cmd c = { .co = COMMON_OPTS_INIT, .opts = APPLY_OPTS_INIT,
			      .st = SETUP_INIT, .s = SERIES_INIT };
	int first = parse_options(&c, argc, argv);

	c.now = time(NULL);
	apply_all(&c, argv[first], argv + first + 1, argc - first - 1);
	c.me_signoff = signoff_of(&c, c.st.repo);
	c.sdir = xstrfmt("%s/%s", c.co.series_dir, c.s.name);
	for (c.me = 0; c.me < c.nr; c.me++) {
		if (!c.want[c.me])
			continue;
		free(c.dir);
		c.dir = c.output ? xstrdup(c.output) :
			c.many	 ? xstrfmt("%s/mail/%s", c.co.results,
					   c.s.name) :
				   xstrfmt("%s/mail/%s/%s", c.co.results,
					   c.s.name, c.t[c.me].name);
		mail_target(&c);
	}
	progress("%zu mails: %zu queued, %zu FAILED",
		 c.count[STABLEMAIL_QUEUED] + c.count[STABLEMAIL_FAILED],
		 c.count[STABLEMAIL_QUEUED], c.count[STABLEMAIL_FAILED]);
	for (size_t i = 0; i < c.nr; i++)
		apply_target_release(&c.t[i]);
	free(c.t);
	free(c.want);
	free(c.me_signoff);
	free(c.dir);
	free(c.sdir);
	series_release(&c.s);
	setup_release(&c.st);
	common_opts_release(&c.co);
	if (fflush(stdout) || ferror(stdout))
		die("cannot write to stdout");
	return EXIT_OK;
}
