// SPDX-License-Identifier: GPL-2.0
/*
 * backport record: take the maintainer's result in the worktree that
 * `backport resolve` made and store it under backports/<branch>/<series>/
 * as a patch in stable form, keyed by the upstream patch-id and the blobs
 * it was resolved against, so that `apply` replays it from then on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/hunkmem.h"
#include "lib/resolution.h"
#include "lib/series.h"
#include "options.h"
#include "util/error.h"
#include "util/fsutil.h"
#include "util/usage.h"
#include "util/xalloc.h"

static const char record_usage[] =
	"usage: backport record [<options>] <series> <target>\n"
	"\n"
	"Record the resolution made in the worktree of 'backport resolve'\n"
	"into backports/<branch>/<series>/.\n"
	"\n"
	"  -m, --message <note>  what was changed, for the \"[ ... ]\" note\n"
	"  --signoff <who>       \"Name <email>\" (default: git config user)\n"
	"  --dir <dir>           the worktree (default:\n"
	"                        results/resolve/<series>/<target>)\n"
	"  --series-dir <dir>    where series are kept (default: series/)\n"
	"  --backports <dir>     where resolutions go (default: backports/)\n";

struct state {
	char *series, *target, *patch, *base, *repo;
};

static char *get_string(git_config *cfg, const char *key, const char *path)
{
	git_buf buf = GIT_BUF_INIT;
	char *out;

	if (git_config_get_string_buf(&buf, cfg, key) < 0)
		die("'%s' lacks %s: was it written by 'backport resolve'?",
		    path, key);
	out = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	return out;
}

static void read_state(struct state *st, const char *path)
{
	git_config *cfg = NULL;

	if (!path_exists(path))
		die("no resolution in progress: '%s' is missing (run 'backport "
		    "resolve' first)", path);
	if (git_config_open_ondisk(&cfg, path) < 0)
		die_last("cannot read '%s'", path);
	st->series = get_string(cfg, "resolve.series", path);
	st->target = get_string(cfg, "resolve.target", path);
	st->patch = get_string(cfg, "resolve.patch", path);
	st->base = get_string(cfg, "resolve.base", path);
	st->repo = get_string(cfg, "resolve.repo", path);
	git_config_free(cfg);
}

/*
 * Remember each hunk of the patch that failed on the target (hunkmem.h):
 * apply it again without resolutions to see which, and keep what the
 * maintainer made of each region. Returns how many were kept.
 */
static size_t remember_hunks(git_repository *wt, const struct series *s,
			     const struct series_patch *sp, const char *target,
			     const char *dir, const char *hunks_dir)
{
	struct apply_opts opts = APPLY_OPTS_INIT;
	struct apply_target t = APPLY_TARGET_INIT;
	const struct apply_patch *ap = NULL;
	size_t kept = 0;

	apply_target_set(&t, s->name, target);
	if (apply_objects_in_memory(wt) < 0 ||
	    apply_series(&t, wt, s, &opts) < 0) {
		warning("cannot remember the hunks: %s", error_last());
		goto out;
	}
	for (size_t i = 0; i < t.nr; i++)
		if (t.patches[i].sp == sp)
			ap = &t.patches[i];
	for (size_t i = 0; ap && i < ap->nr; i++) {
		const struct apply_file *af = &ap->files[i];
		struct strbuf base = STRBUF_INIT, res = STRBUF_INIT;
		char *path = xstrfmt("%s/%s", dir, af->path);
		git_commit *c = NULL;
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;
		git_blob *b = NULL;

		if (!af->loc.failed_nr || af->missing ||
		    git_commit_lookup(&c, wt, &ap->before) < 0 ||
		    git_commit_tree(&tree, c) < 0 ||
		    git_tree_entry_bypath(&e, tree, af->old_path) < 0 ||
		    git_blob_lookup(&b, wt, git_tree_entry_id(e)) < 0 ||
		    strbuf_read_file(&res, path) < 0) {
			error_clear();
			goto next;
		}
		strbuf_add(&base, git_blob_rawcontent(b), git_blob_rawsize(b));
		for (size_t h = 0; h < af->loc.nr; h++) {
			const struct locate_hunk_result *hr = &af->loc.hunks[h];
			char *where;
			bool saved = false;

			if (hr->status != HUNK_FAILED)
				continue;
			where = xstrfmt("recorded on %s: %s hunk %zu", target,
					af->path, h + 1);
			if (hunkmem_save(&saved, hunks_dir,
					 &sp->mail->patch.files[i].hunks[h],
					 base.buf, base.len, hr->pos, res.buf,
					 res.len, where) < 0)
				warning("%s", error_last());
			kept += saved;
			free(where);
		}
next:
		git_blob_free(b);
		git_tree_entry_free(e);
		git_tree_free(tree);
		git_commit_free(c);
		strbuf_release(&base);
		strbuf_release(&res);
		free(path);
	}
out:
	apply_target_release(&t);
	return kept;
}

/* Refuse what is not finished: .rej/.orig files, conflict markers. */
static void check_finished(const char *dir, const git_diff_delta *d)
{
	const char *p = d->new_file.path;
	struct strbuf sb = STRBUF_INIT;
	char *full;
	unsigned line = 1;

	if (ends_with(p, ".rej") || ends_with(p, ".orig"))
		die("'%s/%s' is still there: apply what it says, then delete "
		    "it", dir, p);
	if (d->status == GIT_DELTA_DELETED)
		return;
	full = xstrfmt("%s/%s", dir, p);
	if (strbuf_read_file(&sb, full) < 0)
		die("%s", error_last());
	for (const char *s = sb.buf; *s; s++) {
		if ((s == sb.buf || s[-1] == '\n') &&
		    (starts_with(s, "<<<<<<< ") || starts_with(s, ">>>>>>> ") ||
		     starts_with(s, "||||||| ")))
			die("%s:%u: conflict marker left", full, line);
		line += *s == '\n';
	}
	strbuf_release(&sb);
	free(full);
}

static char *default_signoff(git_repository *repo)
{
	git_signature *sig = NULL;
	char *out = NULL;

	if (git_signature_default(&sig, repo) == 0) {
		out = xstrfmt("%s <%s>", sig->name, sig->email);
		git_signature_free(sig);
	}
	error_clear();
	return out;
}

struct record_cmd {
	struct common_opts co;
	const char *note, *signoff, *dir_opt;
	const char *backports;	/* where resolutions go, made if missing */
	char *dir;		/* the worktree */
	struct state st;
	struct series s;
	const struct series_patch *sp;
	git_repository *wt;
	git_oid base_oid;
	struct resolution_file *files;
	size_t nr;
	git_buf text;		/* the worktree's diff */
};

static int record_option(void *data, int ch, const char *arg)
{
	struct record_cmd *c = data;

	switch (ch) {
	case 'm':
		c->note = arg;
		return 0;
	case 'S':
		c->signoff = arg;
		return 0;
	case 'd':
		c->dir_opt = arg;
		return 0;
	case 'B':
		c->backports = arg;
		return 0;
	}
	return -1;
}

static int parse_options(struct record_cmd *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "signoff", required_argument, NULL, 'S' },
		{ "dir", required_argument, NULL, 'd' },
		/* not OPT_BACKPORTS: the directory may not exist yet */
		{ "backports", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	int first = options_parse(&c->co, OPT_SERIES_DIR | OPT_ARGS, argc,
				  argv, record_usage, longopts, "m:",
				  record_option, c);

	if (argc - first != 2)
		usage_msg(record_usage, "want <series> and <target>");
	if (!c->backports)
		c->backports = c->co.backports_dir;
	return first;
}

/* The state `backport resolve` left, and the patch it is about. */
static void load(struct record_cmd *c, const char *series, const char *target)
{
	char *state_path;

	c->dir = c->dir_opt ? xstrdup(c->dir_opt) :
			      xstrfmt("%s/resolve/%s/%s", c->co.results, series,
				      target);
	state_path = xstrfmt("%s.state", c->dir);
	read_state(&c->st, state_path);
	free(state_path);
	if (strcmp(c->st.series, series) || strcmp(c->st.target, target))
		die("'%s' is the resolution of '%s' on '%s', not of '%s' on "
		    "'%s'",
		    c->dir, c->st.series, c->st.target, series, target);
	if (series_load(&c->s, c->co.series_dir, c->st.series) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < c->s.nr; i++)
		if (!strcmp(c->s.patches[i].file, c->st.patch))
			c->sp = &c->s.patches[i];
	if (!c->sp)
		die("series '%s' has no patch '%s' any more", c->s.name,
		    c->st.patch);
	if (git_repository_open(&c->wt, c->dir) < 0)
		die_last("cannot open the worktree '%s'", c->dir);
	if (git_oid_fromstr(&c->base_oid, c->st.base) < 0)
		die("bad base '%s' in '%s.state'", c->st.base, c->dir);
}

/* What the maintainer changed in the worktree: files and diff. */
static void diff_worktree(struct record_cmd *c)
{
	git_commit *base = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts;

	if (git_commit_lookup(&base, c->wt, &c->base_oid) < 0 ||
	    git_commit_tree(&tree, base) < 0)
		die_last("cannot read the base %s", c->st.base);
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.flags = GIT_DIFF_INCLUDE_UNTRACKED |
		      GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		      GIT_DIFF_SHOW_UNTRACKED_CONTENT;
	if (git_diff_tree_to_workdir(&diff, c->wt, tree, &dopts) < 0)
		die_last("cannot diff the worktree '%s'", c->dir);
	if (!git_diff_num_deltas(diff))
		die("nothing changed in '%s': nothing to record", c->dir);
	c->files = xcalloc(git_diff_num_deltas(diff), sizeof(*c->files));
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct resolution_file *f = &c->files[c->nr++];
		char *full = xstrfmt("%s/%s", c->dir, d->new_file.path);

		check_finished(c->dir, d);
		f->path = xstrdup(d->new_file.path);
		git_oid_cpy(&f->before, &d->old_file.id);
		if (d->status != GIT_DELTA_DELETED &&
		    git_blob_create_from_disk(&f->after, c->wt, full) < 0)
			die_last("cannot store '%s'", full);
		free(full);
	}
	if (git_diff_to_buf(&c->text, diff, GIT_DIFF_FORMAT_PATCH) < 0)
		die_last("cannot format the diff of '%s'", c->dir);
	git_diff_free(diff);
	git_tree_free(tree);
	git_commit_free(base);
}

/* Store it under backports/<branch>/<series>/<patch>.patch. */
static void record(struct record_cmd *c, const char *branch)
{
	struct resolution_record rec = { 0 };
	char *file = xstrdup(c->st.patch), *path = NULL, *who, *hunks;
	size_t kept;

	if (strrchr(file, '.'))
		*strrchr(file, '.') = '\0';
	rec.file = xstrfmt("%s.patch", file);
	who = c->signoff ? xstrdup(c->signoff) : default_signoff(c->wt);
	rec.root = c->backports;
	rec.branch = branch;
	rec.series = c->s.name;
	rec.upstream = c->sp->mail;
	rec.target = c->st.target;
	rec.base = &c->base_oid;
	rec.diff = c->text.ptr;
	rec.files = c->files;
	rec.nr = c->nr;
	rec.note = c->note;
	rec.signoff = who;
	if (resolution_record(&path, &rec) < 0)
		die("%s", error_last());
	printf("recorded %s (%zu file%s) for '%s' on %s\n", path, c->nr,
	       c->nr == 1 ? "" : "s", c->sp->mail->subj.title, c->st.target);
	hunks = xstrfmt("%s/%s/%s/hunks", c->backports, branch, c->s.name);
	kept = remember_hunks(c->wt, &c->s, c->sp, c->st.target, c->dir,
			      hunks);
	if (kept)
		printf("remembered %zu conflict hunk%s in %s\n", kept,
		       kept == 1 ? "" : "s", hunks);
	printf("'backport apply' replays it from now on: resolved-recorded\n");
	free(hunks);
	free((char *)rec.file);
	free(file);
	free(path);
	free(who);
}

int cmd_record(int argc, char **argv)
{
	struct record_cmd c = { .co = COMMON_OPTS_INIT,
				.backports = NULL,
				.s = SERIES_INIT,
				.text = GIT_BUF_INIT };
	int first = parse_options(&c, argc, argv);
	char *branch;

	load(&c, argv[first], argv[first + 1]);
	diff_worktree(&c);
	branch = xstrndup(c.st.target, strcspn(c.st.target, "@"));
	record(&c, branch);
	for (size_t i = 0; i < c.nr; i++)
		free(c.files[i].path);
	free(c.files);
	free(branch);
	git_buf_dispose(&c.text);
	git_repository_free(c.wt);
	series_release(&c.s);
	free(c.st.series);
	free(c.st.target);
	free(c.st.patch);
	free(c.st.base);
	free(c.st.repo);
	free(c.dir);
	common_opts_release(&c.co);
	return EXIT_OK;
}
