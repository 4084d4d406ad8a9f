// SPDX-License-Identifier: GPL-2.0
/*
 * blame: the commit that last changed a line. See blame.h.
 */
#include "blame.h"
#include "util/error.h"

/* Whether `c` has a parent: a first commit changed nothing, it began. */
static int has_parent(git_repository *repo, const git_oid *c)
{
	git_commit *commit = NULL;
	int n;

	if (git_commit_lookup(&commit, repo, c) < 0)
		return error_git("cannot read commit %.12s", git_oid_tostr_s(c));
	n = (int)git_commit_parentcount(commit);
	git_commit_free(commit);
	return n > 0;
}

static int summary_of(struct strbuf *out, git_repository *repo,
		      const git_oid *c)
{
	git_commit *commit = NULL;
	const char *s;

	if (git_commit_lookup(&commit, repo, c) < 0)
		return error_git("cannot read commit %.12s", git_oid_tostr_s(c));
	s = git_commit_summary(commit);
	strbuf_addf(out, "%.12s ('%s')", git_oid_tostr_s(c), s ? s : "");
	git_commit_free(commit);
	return 0;
}

int blame_line(struct strbuf *out, git_repository *repo,
	       const git_oid *commit, const char *path, long line,
	       const git_oid *oldest)
{
	git_blame_options o;
	const git_blame_hunk *h;
	git_blame *b = NULL;
	int ret = 0, parent;

	if (line <= 0)
		return 0;
	if (git_blame_options_init(&o, GIT_BLAME_OPTIONS_VERSION) < 0)
		return error_git("cannot set up blame");
	git_oid_cpy(&o.newest_commit, commit);
	if (oldest)
		git_oid_cpy(&o.oldest_commit, oldest);
	o.min_line = o.max_line = (size_t)line;
	if (git_blame_file(&b, repo, path, &o) < 0) {
		/* A line past the end, a path not in the commit: no story. */
		error_clear();
		return 0;
	}
	h = git_blame_get_hunk_byline(b, (size_t)line);
	if (!h || h->boundary || git_oid_is_zero(&h->final_commit_id))
		goto out;
	if (oldest && git_oid_equal(&h->final_commit_id, oldest))
		goto out;
	parent = has_parent(repo, &h->final_commit_id);
	if (parent <= 0) {
		ret = parent;
		goto out;
	}
	ret = summary_of(out, repo, &h->final_commit_id) < 0 ? -1 : 1;
out:
	git_blame_free(b);
	return ret;
}
