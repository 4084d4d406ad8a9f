// SPDX-License-Identifier: GPL-2.0
/*
 * backport record: take the maintainer's result in the worktree that
 * `backport resolve` made and store it under backports/<branch>/<series>/
 * as a patch in stable form, keyed by the upstream patch-id and the blobs
 * it was resolved against, so that `apply` replays it from then on.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "builtin.h"
#include "lib/apply.h"
#include "lib/hunkmem.h"
#include "lib/resolution.h"
#include "lib/series.h"
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
	"  -m <note>             what was changed, for the \"[ ... ]\" note\n"
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

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "signoff", required_argument, NULL, 'S' },
		{ "dir", required_argument, NULL, 'd' },
		{ "series-dir", required_argument, NULL, 's' },
		{ "backports", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *note = NULL, *signoff = NULL, *dir_opt = NULL;
	const char *series_dir = getenv("BACKPORT_SERIES_DIR");
	const char *backports = "backports";
	struct state st = { 0 };
	struct series s = SERIES_INIT;
	struct resolution_file *files = NULL;
	struct resolution_record rec = { 0 };
	const struct series_patch *sp = NULL;
	git_repository *wt = NULL;
	git_commit *base = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_buf text = GIT_BUF_INIT;
	git_oid base_oid;
	char *dir, *state_path, *branch, *file, *path = NULL, *who = NULL;
	size_t nr = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			note = optarg;
			break;
		case 'S':
			signoff = optarg;
			break;
		case 'd':
			dir_opt = optarg;
			break;
		case 's':
			series_dir = optarg;
			break;
		case 'B':
			backports = optarg;
			break;
		case 'h':
			usage(record_usage, true);
		default:
			usage_msg(record_usage, "unknown option '%s'",
				  argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		usage_msg(record_usage, "want <series> and <target>");
	if (!series_dir || !*series_dir)
		series_dir = "series";
	dir = dir_opt ? xstrdup(dir_opt) :
		xstrfmt("results/resolve/%s/%s", argv[optind],
			argv[optind + 1]);
	state_path = xstrfmt("%s.state", dir);
	read_state(&st, state_path);
	if (strcmp(st.series, argv[optind]) || strcmp(st.target, argv[optind + 1]))
		die("'%s' is the resolution of '%s' on '%s', not of '%s' on "
		    "'%s'", dir, st.series, st.target, argv[optind],
		    argv[optind + 1]);
	if (series_load(&s, series_dir, st.series) < 0)
		die("%s", error_last());
	for (size_t i = 0; i < s.nr; i++)
		if (!strcmp(s.patches[i].file, st.patch))
			sp = &s.patches[i];
	if (!sp)
		die("series '%s' has no patch '%s' any more", s.name, st.patch);

	if (git_repository_open(&wt, dir) < 0)
		die_last("cannot open the worktree '%s'", dir);
	if (git_oid_fromstr(&base_oid, st.base) < 0 ||
	    git_commit_lookup(&base, wt, &base_oid) < 0 ||
	    git_commit_tree(&tree, base) < 0)
		die_last("cannot read the base %s", st.base);
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.flags = GIT_DIFF_INCLUDE_UNTRACKED |
		      GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		      GIT_DIFF_SHOW_UNTRACKED_CONTENT;
	if (git_diff_tree_to_workdir(&diff, wt, tree, &dopts) < 0)
		die_last("cannot diff the worktree '%s'", dir);
	if (!git_diff_num_deltas(diff))
		die("nothing changed in '%s': nothing to record", dir);
	files = xcalloc(git_diff_num_deltas(diff), sizeof(*files));
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		char *full;

		check_finished(dir, d);
		files[nr].path = xstrdup(d->new_file.path);
		git_oid_cpy(&files[nr].before, &d->old_file.id);
		full = xstrfmt("%s/%s", dir, d->new_file.path);
		if (d->status != GIT_DELTA_DELETED &&
		    git_blob_create_from_disk(&files[nr].after, wt, full) < 0)
			die_last("cannot store '%s'", full);
		free(full);
		nr++;
	}
	if (git_diff_to_buf(&text, diff, GIT_DIFF_FORMAT_PATCH) < 0)
		die_last("cannot format the diff of '%s'", dir);

	branch = xstrdup(st.target);
	if (strchr(branch, '@'))
		*strchr(branch, '@') = '\0';
	file = xstrdup(st.patch);
	if (strrchr(file, '.'))
		*strrchr(file, '.') = '\0';
	{
		char *f = xstrfmt("%s.patch", file);

		free(file);
		file = f;
	}
	who = signoff ? xstrdup(signoff) : default_signoff(wt);
	rec.root = backports;
	rec.branch = branch;
	rec.series = s.name;
	rec.file = file;
	rec.upstream = sp->mail;
	rec.target = st.target;
	rec.base = &base_oid;
	rec.diff = text.ptr;
	rec.files = files;
	rec.nr = nr;
	rec.note = note;
	rec.signoff = who;
	if (resolution_record(&path, &rec) < 0)
		die("%s", error_last());
	printf("recorded %s (%zu file%s) for '%s' on %s\n", path, nr,
	       nr == 1 ? "" : "s", sp->mail->subj.title, st.target);
	{
		char *hunks = xstrfmt("%s/%s/%s/hunks", backports, branch,
				      s.name);
		size_t kept = remember_hunks(wt, &s, sp, st.target, dir,
					     hunks);

		if (kept)
			printf("remembered %zu conflict hunk%s in %s\n", kept,
			       kept == 1 ? "" : "s", hunks);
		free(hunks);
	}
	printf("'backport apply' replays it from now on: resolved-recorded\n");

	for (size_t i = 0; i < nr; i++)
		free(files[i].path);
	free(files);
	free(path);
	free(who);
	free(file);
	free(branch);
	git_buf_dispose(&text);
	git_diff_free(diff);
	git_tree_free(tree);
	git_commit_free(base);
	git_repository_free(wt);
	series_release(&s);
	free(st.series);
	free(st.target);
	free(st.patch);
	free(st.base);
	free(st.repo);
	free(dir);
	free(state_path);
	return EXIT_OK;
}
