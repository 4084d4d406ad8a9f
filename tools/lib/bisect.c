// SPDX-License-Identifier: GPL-2.0
/*
 * bisect: the patch of a queue that breaks its build. See bisect.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/bisect.h"
#include "lib/kbuild-internal.h"
#include "util/error.h"
#include "util/run-command.h"
#include "util/xalloc.h"

void bisect_free(struct bisect *b)
{
	if (!b)
		return;
	free(b->commit);
	free(b->title);
	kbuild_msg_release(&b->first_error);
	free(b);
}

json_t *bisect_to_json(const struct bisect *b)
{
	if (!b)
		return json_null();
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "commit", b->commit,
			 "title", b->title ? b->title : "", "index",
			 (json_int_t)b->index, "of", (json_int_t)b->of,
			 "builds", (json_int_t)b->builds, "first_error",
			 b->first_error.message ?
				 buildlog_msg_to_json(&b->first_error) :
				 json_null());
}

static char *dup_or_null(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? xstrdup(s) : NULL;
}

struct bisect *bisect_from_json(json_t *o)
{
	struct bisect *b;
	json_t *e = json_object_get(o, "first_error");

	if (!json_is_object(o) ||
	    !json_string_value(json_object_get(o, "commit")))
		return NULL;
	b = xcalloc(1, sizeof(*b));
	b->commit = dup_or_null(o, "commit");
	b->title = dup_or_null(o, "title");
	b->index = json_integer_value(json_object_get(o, "index"));
	b->of = json_integer_value(json_object_get(o, "of"));
	b->builds = json_integer_value(json_object_get(o, "builds"));
	if (json_is_object(e)) {
		b->first_error.file = dup_or_null(e, "file");
		b->first_error.line =
			json_integer_value(json_object_get(e, "line"));
		b->first_error.message = dup_or_null(e, "message");
		b->first_error.text = dup_or_null(e, "text");
	}
	return b;
}

/*
 * The commits from the baseline's (excluded) to the series' (included),
 * oldest first, along first parents; false when the chain does not reach
 * the baseline's commit within `max` commits.
 */
static bool queue_commits(git_oid **out, size_t *nr, git_repository *repo,
			  const git_oid *base, const git_oid *tip, size_t max)
{
	git_oid *v = xcalloc(max + 1, sizeof(*v));
	git_oid cur = *tip;
	size_t n = 0;

	while (n < max && !git_oid_equal(&cur, base)) {
		git_commit *c = NULL;
		bool root;

		if (git_commit_lookup(&c, repo, &cur) < 0) {
			error_clear();
			break;
		}
		v[n++] = cur;
		root = !git_commit_parentcount(c);
		if (!root)
			cur = *git_commit_parent_id(c, 0);
		git_commit_free(c);
		if (root)
			break;
	}
	if (!git_oid_equal(&cur, base)) {
		free(v);
		return false;
	}
	for (size_t i = 0; i < n / 2; i++) {
		git_oid t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	*out = v;
	*nr = n;
	return true;
}

/* The worktree's state file: next to its src directory. */
static char *state_path(const char *src)
{
	const char *slash = strrchr(src, '/');

	return xstrfmt("%.*s/state", (int)(slash ? slash - src : 0), src);
}

/*
 * Build the kernel of `commit` in the series build directory: *ok when
 * it builds, else its first error in `err`.
 */
static int probe(struct worker *w, struct kbuild_job *j, const git_oid *commit,
		 bool *ok, struct kbuild_msg *err)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf log = STRBUF_INIT;
	char *state = state_path(w->src);
	char *name = xstrfmt("bisect-%.12s.log", git_oid_tostr_s(commit));
	git_commit *c = NULL;
	size_t written;
	int ret = -1;

	if (git_commit_lookup(&c, w->repo, commit) < 0) {
		error_git("cannot read commit %s", git_oid_tostr_s(commit));
		kbuild_job_error_last(j, "bisect");
		goto out;
	}
	if (kbuild_sync_worktree(w->repo, w->src, state, git_commit_tree_id(c),
				 &written) < 0) {
		kbuild_job_error_last(j, "bisect");
		goto out;
	}
	kbuild_set_log(w, j, name);
	unlink(w->log);
	kbuild_make_args(w, &cp);
	strvec_push(&cp.args, "bzImage");
	if (kbuild_run_step(w, j, &cp, "bisect", ok) < 0)
		goto out;
	if (!*ok) {
		if (strbuf_read_file(&log, w->log) < 0)
			error_clear();
		kbuild_msg_release(err);
		if (!kbuild_first_error(err, log.buf, w->src))
			buildlog_set_msg(err, NULL, 0, 0,
					 "failed with no message", 22,
					 "failed with no message", 22, NULL);
	}
	ret = 0;
out:
	git_commit_free(c);
	child_process_release(&cp);
	strbuf_release(&log);
	free(state);
	free(name);
	return ret;
}

static void copy_msg(struct kbuild_msg *to, const struct kbuild_msg *from)
{
	kbuild_msg_release(to);
	to->file = from->file ? xstrdup(from->file) : NULL;
	to->line = from->line;
	to->message = from->message ? xstrdup(from->message) : NULL;
	to->text = from->text ? xstrdup(from->text) : NULL;
}

static struct bisect *culprit(git_repository *repo, const git_oid *commit,
			      size_t index, size_t of)
{
	struct bisect *b = xcalloc(1, sizeof(*b));
	git_commit *c = NULL;

	b->commit = xstrdup(git_oid_tostr_s(commit));
	if (!git_commit_lookup(&c, repo, commit))
		b->title = xstrdup(git_commit_summary(c) ?: "");
	else
		error_clear();
	git_commit_free(c);
	b->index = index;
	b->of = of;
	return b;
}

/*
 * Commits v[0..n): the baseline (before v[0]) builds, v[n-1] does not.
 * good/bad are indices into the sequence baseline=0, v[0]=1, ...
 */
int bisect_kernel(struct worker *w, struct kbuild_job *j)
{
	struct kbuild_msg err = { 0 }, bad_err = { 0 };
	git_oid *v = NULL;
	size_t n = 0, good = 0, bad, builds = 0;
	int ret = 0;

	if (!j->baseline || j->baseline->verdict != KBUILD_BUILT ||
	    j->verdict != KBUILD_BUILD_FAILED || j->step != KBUILD_STEP_KERNEL)
		return 0;
	if (!queue_commits(&v, &n, w->repo, &j->baseline->commit, &j->commit,
			   100000))
		return 0;
	if (n < 2) {
		free(v);
		return 0;
	}
	bad = n;
	copy_msg(&bad_err, &j->first_error);
	while (bad - good > 1) {
		size_t mid = good + (bad - good) / 2;
		bool ok;

		ret = probe(w, j, &v[mid - 1], &ok, &err);
		if (ret < 0)
			goto out;
		builds++;
		if (ok) {
			good = mid;
		} else {
			bad = mid;
			copy_msg(&bad_err, &err);
		}
	}
	j->bisect = culprit(w->repo, &v[bad - 1], bad, n);
	j->bisect->builds = builds;
	copy_msg(&j->bisect->first_error, &bad_err);
out:
	kbuild_set_log(w, j, "kernel.log");
	kbuild_msg_release(&err);
	kbuild_msg_release(&bad_err);
	free(v);
	return ret;
}
