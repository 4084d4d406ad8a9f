// SPDX-License-Identifier: GPL-2.0
/*
 * blame: the commit that last changed a line. See blame.h.
 */
#include <stdint.h>

#include "blame.h"
#include "util/error.h"

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

/*
 * The commit time of `c` into *t, or -1 there when it tells no story (a
 * first commit began the file, it changed nothing). 0, or -1 on error.
 */
static int story_time(int64_t *t, git_repository *repo, const git_oid *c)
{
	git_commit *commit = NULL;

	if (git_commit_lookup(&commit, repo, c) < 0)
		return error_git("cannot read commit %.12s", git_oid_tostr_s(c));
	*t = git_commit_parentcount(commit) ? git_commit_time(commit) : -1;
	git_commit_free(commit);
	return 0;
}

int blame_lines(struct strbuf *out, git_repository *repo,
		const git_oid *commit, const char *path, long from, long to,
		const git_oid *oldest)
{
	git_blame_options o;
	git_blame *b = NULL;
	const git_oid *best = NULL;
	int64_t best_time = -1;
	int ret = 0;

	if (from <= 0 || to < from)
		return 0;
	if (git_blame_options_init(&o, GIT_BLAME_OPTIONS_VERSION) < 0)
		return error_git("cannot set up blame");
	git_oid_cpy(&o.newest_commit, commit);
	if (oldest)
		git_oid_cpy(&o.oldest_commit, oldest);
	o.min_line = (size_t)from;
	o.max_line = (size_t)to;
	if (git_blame_file(&b, repo, path, &o) < 0) {
		/* Lines past the end, a path not in the commit: no story. */
		error_clear();
		return 0;
	}
	for (size_t i = 0; i < git_blame_get_hunk_count(b); i++) {
		const git_blame_hunk *h = git_blame_get_hunk_byindex(b, i);
		int64_t t = -1;

		if (h->boundary || git_oid_is_zero(&h->final_commit_id) ||
		    (oldest && git_oid_equal(&h->final_commit_id, oldest)))
			continue;
		if (story_time(&t, repo, &h->final_commit_id) < 0) {
			ret = -1;
			goto out;
		}
		if (t > best_time) {
			best_time = t;
			best = &h->final_commit_id;
		}
	}
	if (best)
		ret = summary_of(out, repo, best) < 0 ? -1 : 1;
out:
	git_blame_free(b);
	return ret;
}
