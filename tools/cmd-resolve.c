// SPDX-License-Identifier: GPL-2.0
/*
 * backport resolve: give the maintainer a worktree (in our own directory)
 * at a target's backport state with the failing patch applied as far as
 * it goes: diff3 conflict markers where a 3-way merge was possible, the
 * rejected hunks beside the file otherwise, and what to do next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/setup.h"
#include "options.h"
#include "util/cfgtext.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/run-command.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char resolve_usage[] =
	"usage: backport resolve [<options>] <series> <target>\n"
	"\n"
	"Make a worktree at <target>'s backport state (the patches of\n"
	"<series> before the first one that failed) with that patch applied\n"
	"as far as it goes, for the maintainer to finish. Record the result\n"
	"with 'backport record <series> <target>'.\n"
	"\n"
	"  --patch <n>           the patch to resolve (default: the first\n"
	"                        that failed)\n"
	"  --dir <dir>           the worktree (default:\n"
	"                        results/resolve/<series>/<target>)\n"
	"  --force               replace an existing worktree there\n"
	"  --matrix <file>       the matrix (default: matrix/default.conf)\n"
	"  --repo <path>         the repository (default: the matrix's)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     recorded resolutions (default: backports/)\n"
	"  --no-resolutions      replay no recorded resolution or rename\n";

static bool needs_resolving(enum verdict v)
{
	return v == VERDICT_CONFLICT || v == VERDICT_DEPENDS ||
	       v == VERDICT_STALE_RESOLUTION;
}

static int run_git(const char *gitdir, struct strvec *args, const char *what)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf out = STRBUF_INIT;
	int ret = 0;

	strvec_push(&cp.args, "git");
	if (gitdir)
		strvec_pushf(&cp.args, "--git-dir=%s", gitdir);
	for (size_t i = 0; i < args->nr; i++)
		strvec_push(&cp.args, args->v[i]);
	cp.out = &out;
	cp.timeout_ms = 600 * 1000;
	if (run_command(&cp) < 0)
		ret = -1;
	else if (cp.exit_code != 0)
		ret = error_set("%s failed (git exited with %d)", what,
				cp.exit_code);
	child_process_release(&cp);
	strbuf_release(&out);
	return ret;
}

static void write_in(const char *dir, const char *path, const struct strbuf *sb)
{
	char *p = xstrfmt("%s/%s", dir, path);

	if (write_file_atomic(p, sb->buf, sb->len) < 0)
		die("%s", error_last());
	free(p);
}

/* Write the failing patch's files into the worktree; report each. */
static void write_attempt(const char *dir, const struct apply_patch *ap,
			  const struct patch *patch)
{
	for (size_t i = 0; i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];
		const struct locate_result *r = &af->loc;

		if (af->missing) {
			printf("  %s: missing on the branch; the patch is in "
			       "the series\n", af->path);
			continue;
		}
		if (af->merged) {
			write_in(dir, af->path, &af->merge_out);
			printf("  %s: 3-way merge%s\n", af->path,
			       af->merge_conflict ?
			       ", with conflict markers (diff3 style)" : "");
			continue;
		}
		write_in(dir, af->path, &r->out);
		printf("  %s: %zu of %zu hunks applied", af->path,
		       r->applied_nr, r->nr);
		if (r->already_nr)
			printf(", %zu already there", r->already_nr);
		if (r->failed_nr) {
			struct strbuf rej = STRBUF_INIT;
			char *name = xstrfmt("%s.rej", af->path);

			locate_rej_file(&rej, &patch->files[i], r);
			write_in(dir, name, &rej);
			printf(", %zu rejected -> %s", r->failed_nr, name);
			strbuf_release(&rej);
			free(name);
		}
		putchar('\n');
	}
}

static void write_state(const char *path, const char *series,
			const char *target, const char *file,
			const git_oid *before, const char *repo,
			const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[GIT_OID_SHA1_HEXSIZE + 1];

	git_oid_tostr(hex, sizeof(hex), before);
	strbuf_addstr(&sb, "# written by `backport resolve`, read by "
			   "`backport record`\n[resolve]\n");
	cfgtext_value(&sb, "series", series);
	cfgtext_value(&sb, "target", target);
	cfgtext_value(&sb, "patch", file);
	cfgtext_value(&sb, "base", hex);
	cfgtext_value(&sb, "repo", repo);
	cfgtext_value(&sb, "worktree", dir);
	if (write_file_atomic(path, sb.buf, sb.len) < 0)
		die("%s", error_last());
	strbuf_release(&sb);
}

struct resolve_cmd {
	struct common_opts co;
	const char *dir_opt;
	bool force;
	long want;
};

static int resolve_option(void *data, int ch, const char *arg)
{
	struct resolve_cmd *c = data;

	switch (ch) {
	case 'p':
		c->want = (long)options_number(resolve_usage, "--patch", arg,
					       1, 100000);
		return 0;
	case 'd':
		c->dir_opt = arg;
		return 0;
	case 'f':
		c->force = true;
		return 0;
	}
	return -1;
}

static int parse_options(struct resolve_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "patch", required_argument, NULL, 'p' },
		{ "dir", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int first = options_parse(&c->co,
				  OPT_MATRIX | OPT_REPO | OPT_SERIES_DIR |
					  OPT_BACKPORTS | OPT_ARGS,
				  argc, argv, resolve_usage, longopts, "",
				  resolve_option, c);

	if (argc - first != 2)
		usage_msg(resolve_usage, "want <series> and <target>");
	return first;
}

/* The patch to resolve: --patch, else the first that failed. */
static const struct apply_patch *pick(const struct resolve_cmd *c,
				      const struct apply_target *t,
				      const struct series *s)
{
	const struct apply_patch *ap = NULL;

	for (size_t i = 0; i < t->nr && !ap; i++)
		if (c->want ? (long)i + 1 == c->want :
			      needs_resolving(t->patches[i].verdict))
			ap = &t->patches[i];
	if (!ap && c->want)
		die("series '%s' has no patch %ld", s->name, c->want);
	if (!ap)
		die("nothing to resolve: no patch of '%s' fails on '%s'",
		    s->name, t->name);
	if (!needs_resolving(ap->verdict) && !c->want)
		die("patch '%s' is %s on '%s'", ap->sp->file,
		    verdict_name(ap->verdict), t->name);
	return ap;
}

/* A worktree at `hex` in `dir` (an old one removed with --force). */
static void make_worktree(const struct resolve_cmd *c, git_repository *repo,
			  const char *dir, const char *hex)
{
	struct strvec args = STRVEC_INIT;
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/');

	if (path_exists(dir)) {
		if (!c->force)
			die("'%s' exists (a resolution in progress?): record "
			    "it, or use --force to start over", dir);
		strvec_pushl(&args, "worktree", "remove", "--force", dir, NULL);
		if (run_git(git_repository_path(repo), &args,
			    "git worktree remove") < 0)
			error_clear();
		strvec_clear(&args);
		if (remove_tree(dir) < 0)
			die("%s", error_last());
	}
	if (slash) {
		*slash = '\0';
		if (mkdir_p(parent, 0755) < 0)
			die("%s", error_last());
	}
	free(parent);
	strvec_pushl(&args, "worktree", "add", "--detach", "--quiet", dir, hex,
		     NULL);
	if (run_git(git_repository_path(repo), &args, "git worktree add") < 0)
		die("cannot make the worktree '%s': %s", dir, error_last());
	strvec_clear(&args);
}

static void explain(const struct apply_target *t, const struct series *s,
		    const struct apply_patch *ap, const char *dir,
		    const char *hex)
{
	printf("resolve: %s, patch %zu '%s': %s\n", t->name,
	       (size_t)(ap - t->patches) + 1, ap->sp->mail->subj.title,
	       verdict_name(ap->verdict));
	if (ap->detail && *ap->detail)
		printf("  %s\n", ap->detail);
	printf("worktree: %s (at %.12s, the patches before it applied)\n",
	       dir, hex);
	write_attempt(dir, ap,
		      ap->resolution &&
				      ap->verdict == VERDICT_STALE_RESOLUTION ?
			      &ap->resolution->mail->patch :
			      &ap->sp->mail->patch);
	if (patch_is_damaged(&ap->sp->mail->patch))
		printf("note: the mail was damaged (whitespace); the hunks "
		       "that applied were repaired against the tree, the "
		       "rejected ones are as the mail has them\n");
	printf("\nEdit the files until the patch is right for %s (resolve "
	       "conflict markers, apply what the .rej files say and delete "
	       "them), then run:\n  backport record %s %s -m \"<what you "
	       "changed>\"\n",
	       t->name, s->name, t->name);
}

int cmd_resolve(int argc, char **argv)
{
	struct resolve_cmd c = { .co = COMMON_OPTS_INIT };
	struct apply_opts opts = APPLY_OPTS_INIT;
	struct apply_target t = APPLY_TARGET_INIT;
	struct series s = SERIES_INIT;
	struct setup st = SETUP_INIT;
	const struct apply_patch *ap;
	char *dir, *state, hex[GIT_OID_SHA1_HEXSIZE + 1];
	int first = parse_options(&c, argc, argv);

	opts.backports = c.co.backports;
	if (setup_open(&st, c.co.matrix, c.co.repo) < 0 ||
	    series_load(&s, c.co.series_dir, argv[first]) < 0)
		die("%s", error_last());
	apply_target_set(&t, s.name, argv[first + 1]);
	if (apply_series(&t, st.repo, &s, &opts) < 0)
		die("%s", error_last());
	ap = pick(&c, &t, &s);
	dir = c.dir_opt ?
		      xstrdup(c.dir_opt) :
		      xstrfmt("%s/resolve/%s/%s", c.co.results, s.name, t.name);
	state = xstrfmt("%s.state", dir);
	git_oid_tostr(hex, sizeof(hex), &ap->before);
	make_worktree(&c, st.repo, dir, hex);
	write_state(state, s.name, t.name, ap->sp->file, &ap->before,
		    st.repo_path, dir);
	explain(&t, &s, ap, dir, hex);
	free(dir);
	free(state);
	apply_target_release(&t);
	series_release(&s);
	setup_release(&st);
	common_opts_release(&c.co);
	return EXIT_OK;
}
