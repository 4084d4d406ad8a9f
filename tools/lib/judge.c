// SPDX-License-Identifier: GPL-2.0
/*
 * judge: the verdict of one patch on one tree, from where its hunks land
 * (locate.h) and how each one stands (evidence.h). See judge.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blame.h"
#include "evidence.h"
#include "explain.h"
#include "judge.h"
#include "names.h"
#include "prereq.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void join(struct strbuf *sb, const struct strvec *v, size_t max)
{
	for (size_t i = 0; i < v->nr && i < max; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", v->v[i]);
	if (v->nr > max)
		strbuf_addf(sb, " and %zu more", v->nr - max);
}

/*
 * The content of `path` in `tree`. *found is false when it is not there;
 * a directory or a submodule there is reported in *kind.
 */
int judge_read_path(struct strbuf *out, bool *found, git_filemode_t *mode,
		    const char **kind, git_repository *repo, git_tree *tree,
		    const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int ret;

	*found = false;
	*kind = NULL;
	ret = git_tree_entry_bypath(&e, tree, path);
	if (ret == GIT_ENOTFOUND)
		return 0;
	if (ret < 0)
		return error_git("cannot look up '%s'", path);
	*mode = git_tree_entry_filemode(e);
	if (*mode == GIT_FILEMODE_TREE) {
		*kind = "a directory";
	} else if (*mode == GIT_FILEMODE_COMMIT) {
		*kind = "a submodule";
	} else if (*mode == GIT_FILEMODE_LINK) {
		*kind = "a symbolic link";
	} else {
		if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
			git_tree_entry_free(e);
			return error_git("cannot read blob of '%s'", path);
		}
		strbuf_add(out, git_blob_rawcontent(blob),
			   git_blob_rawsize(blob));
		git_blob_free(blob);
	}
	*found = true;
	git_tree_entry_free(e);
	return 0;
}

static int reference_content(struct strbuf *out, struct judge *j,
			     const char *path)
{
	for (size_t i = 0; i < j->opts->reference_nr; i++) {
		git_tree *tree = NULL;
		const char *kind;
		git_filemode_t mode;
		bool found;
		int ret;

		if (git_tree_lookup(&tree, j->repo,
				    &j->opts->reference_trees[i]) < 0)
			return error_git("cannot read reference tree");
		ret = judge_read_path(out, &found, &mode, &kind, j->repo, tree,
				      path);
		git_tree_free(tree);
		if (ret < 0)
			return -1;
		if (found && !kind)
			return 1;
		strbuf_reset(out);
	}
	return 0;
}

/* Locate every file of the patch. Fills ap->files. */
int judge_locate_files(struct judge *j, struct strvec *problems)
{
	const struct patch *p = j->patch;
	struct apply_patch *ap = j->ap;
	int ret = 0;

	for (size_t i = 0; i < p->nr && !ret; i++) {
		const struct patch_file *pf = &p->files[i];
		struct apply_file *af;
		struct strbuf cur = STRBUF_INIT, ref = STRBUF_INIT;
		struct locate_opts lo = LOCATE_OPTS_INIT;
		const char *kind = NULL;
		const char *src = pf->old_path ? pf->old_path : pf->new_path;
		git_filemode_t mode = GIT_FILEMODE_BLOB;
		bool found = false;

		ALLOC_GROW(ap->files, ap->nr + 1, ap->alloc);
		af = &ap->files[ap->nr++];
		memset(af, 0, sizeof(*af));
		locate_result_init(&af->loc);
		strbuf_init(&af->merge_out, 0);
		af->path = xstrdup(pf->new_path ? pf->new_path : pf->old_path);
		af->old_path = xstrdup(src);
		af->deleted = pf->status == PATCH_FILE_DELETED;

		ret = judge_read_path(&cur, &found, &mode, &kind, j->repo,
				      j->tree, src);
		if (ret < 0)
			goto next;
		if (kind) {
			strvec_pushf(problems, "'%s' is %s on the branch", src,
				     kind);
			af->missing = true;
			goto next;
		}
		if (!found && pf->status != PATCH_FILE_ADDED) {
			af->missing = true;
			goto next;
		}
		lo.max_fuzz = j->exact ? 0 : j->opts->max_fuzz;
		lo.ignore_whitespace = j->damaged && !j->exact;
		if (j->damaged && !j->exact) {
			ret = reference_content(&ref, j, af->path);
			if (ret < 0)
				goto next;
			ret = 0;
			if (ref.len) {
				lo.reference = ref.buf;
				lo.reference_len = ref.len;
			}
		}
		ret = locate_apply(&af->loc, pf, cur.buf, cur.len, &lo);
		if (ret < 0)
			error_prefix("'%s' on '%s': ", af->path, j->t->name);
next:
		strbuf_release(&cur);
		strbuf_release(&ref);
	}
	return ret;
}

void judge_count_hunks(const struct apply_patch *ap, size_t *total,
		       size_t *failed, size_t *already,
		       enum locate_hunk_status *worst)
{
	*total = *failed = *already = 0;
	*worst = HUNK_APPLIED;
	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;

		for (size_t h = 0; h < r->nr; h++) {
			enum locate_hunk_status st = r->hunks[h].status;

			(*total)++;
			if (st == HUNK_FAILED)
				(*failed)++;
			else if (st == HUNK_ALREADY_APPLIED)
				(*already)++;
			else if (st > *worst)
				*worst = st;
		}
	}
}

/* Count the rebuilt lines of a damaged mail. */
static void count_repairs(struct apply_patch *ap)
{
	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;

		for (size_t h = 0; h < r->nr; h++)
			for (size_t k = 0; k < r->hunks[h].repairs_nr; k++) {
				if (r->hunks[h].repairs[k].how ==
				    REPAIR_FROM_REFERENCE)
					ap->repaired_from_reference++;
				else
					ap->repaired_guessed++;
			}
	}
}

/*
 * 3-way: when the preimage blob named on a failing file's `index` line
 * is in the repository, apply the file's hunks to it (they must land
 * exactly) and merge that into the branch's content. Returns 1 when
 * every failing file merged cleanly, 0 when not possible, -1 on error.
 */
static int try_three_way(struct judge *j)
{
	struct apply_patch *ap = j->ap;
	git_odb *odb = NULL;
	int all_clean = 1, tried = 0, ret = 0;

	if (git_repository_odb(&odb, j->repo) < 0)
		return error_git("cannot open object database");
	for (size_t i = 0; i < ap->nr && ret >= 0; i++) {
		struct apply_file *af = &ap->files[i];
		const struct patch_file *pf = &j->patch->files[i];
		struct locate_result pre = LOCATE_RESULT_INIT;
		git_merge_file_input base, ours, theirs;
		git_merge_file_options mo;
		git_merge_file_result res = { 0 };
		struct strbuf cur = STRBUF_INIT;
		git_blob *blob = NULL;
		git_oid full, prefix;
		const char *kind;
		git_filemode_t mode;
		bool found;

		git_merge_file_input_init(&base, GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_input_init(&ours, GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_input_init(&theirs,
					  GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_options_init(&mo,
					    GIT_MERGE_FILE_OPTIONS_VERSION);
		if (!af->loc.failed_nr)
			continue;
		if (!pf->old_oid ||
		    strspn(pf->old_oid, "0") == strlen(pf->old_oid) ||
		    git_oid_fromstrn(&prefix, pf->old_oid,
				     strlen(pf->old_oid)) < 0 ||
		    git_odb_exists_prefix(&full, odb, &prefix,
					  strlen(pf->old_oid)) < 0 ||
		    git_blob_lookup(&blob, j->repo, &full) < 0) {
			error_clear();
			all_clean = 0;
			continue;
		}
		tried = 1;
		if (locate_apply(&pre, pf, git_blob_rawcontent(blob),
				 git_blob_rawsize(blob), NULL) < 0 ||
		    pre.failed_nr || pre.already_nr) {
			error_clear();
			all_clean = 0;
			goto next;
		}
		if (judge_read_path(&cur, &found, &mode, &kind, j->repo,
				    j->tree, af->old_path) < 0) {
			ret = -1;
			goto next;
		}
		base.ptr = git_blob_rawcontent(blob);
		base.size = git_blob_rawsize(blob);
		base.path = af->old_path;
		ours.ptr = cur.buf;
		ours.size = cur.len;
		ours.path = af->old_path;
		theirs.ptr = pre.out.buf;
		theirs.size = pre.out.len;
		theirs.path = af->path;
		mo.ancestor_label = "upstream base";
		mo.our_label = j->t->name;
		mo.their_label = "patch";
		mo.flags = GIT_MERGE_FILE_STYLE_DIFF3;
		if (git_merge_file(&res, &base, &ours, &theirs, &mo) < 0) {
			ret = error_git("3-way merge of '%s'", af->path);
			goto next;
		}
		strbuf_reset(&af->merge_out);
		strbuf_add(&af->merge_out, res.ptr, res.len);
		af->merged = true;
		af->merge_conflict = !res.automergeable;
		if (!res.automergeable)
			all_clean = 0;
		git_merge_file_result_free(&res);
next:
		strbuf_release(&cur);
		locate_result_release(&pre);
		git_blob_free(blob);
	}
	git_odb_free(odb);
	if (ret < 0)
		return -1;
	return tried && all_clean;
}

/* applied, applied-offset or applied-fuzz, with what was not exact. */
static enum verdict judge_applied(struct judge *j,
				  enum locate_hunk_status worst)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	size_t repaired = ap->repaired_from_reference + ap->repaired_guessed;

	if (worst == HUNK_APPLIED)
		return VERDICT_APPLIED;
	if (worst == HUNK_OFFSET) {
		strbuf_addstr(d, "hunks moved: ");
		for (size_t i = 0; i < ap->nr; i++)
			for (size_t h = 0; h < ap->files[i].loc.nr; h++) {
				const struct locate_hunk_result *hr =
					&ap->files[i].loc.hunks[h];

				if (hr->status == HUNK_OFFSET)
					strbuf_addf(d,
						    "%s hunk %zu by %+ld "
						    "lines; ",
						    ap->files[i].path, h + 1,
						    hr->offset);
			}
		strbuf_setlen(d, d->len - 2);
		return VERDICT_APPLIED_OFFSET;
	}
	explain_status(d, ap, j->patch, HUNK_FUZZ, NULL);
	if (d->len && repaired)
		strbuf_addstr(d, "; ");
	if (repaired)
		strbuf_addf(d,
			    "damaged mail repaired against the tree: %zu "
			    "added line%s re-indented from a newer tree, %zu "
			    "guessed from their neighbours",
			    ap->repaired_from_reference,
			    ap->repaired_from_reference == 1 ? "" : "s",
			    ap->repaired_guessed);
	return VERDICT_APPLIED_FUZZ;
}

/* ---- the evidence of the target, loaded on first need ---- */

static int load_history(struct judge *j)
{
	struct apply_target *t = j->t;

	if (t->history_loaded)
		return 0;
	if (provenance_load(&t->history, j->repo, &t->base, t->version,
			    j->opts->history_depth) < 0)
		return -1;
	t->history_loaded = true;
	return 0;
}

/* The word index of the target's base tree, loaded on first need. */
const struct wordindex *judge_words(struct judge *j)
{
	struct apply_target *t = j->t;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int ret;

	if (t->words_loaded)
		return &t->words;
	if (git_commit_lookup(&c, j->repo, &t->base) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		error_git("cannot read the tree of '%s'", t->name);
		git_commit_free(c);
		return NULL;
	}
	ret = wordindex_get(&t->words, j->repo, tree, j->opts->cache);
	git_tree_free(tree);
	git_commit_free(c);
	if (ret < 0)
		return NULL;
	t->words_loaded = true;
	return &t->words;
}

/* Read `path` of the tree the patch goes onto; 1 found, 0 not, -1 error. */
int judge_content_at(struct judge *j, const char *path, struct strbuf *out)
{
	const char *kind;
	git_filemode_t mode;
	bool found;

	strbuf_reset(out);
	if (judge_read_path(out, &found, &mode, &kind, j->repo, j->tree, path) <
	    0)
		return -1;
	return found && !kind;
}

void judge_went_in(struct judge *j)
{
	names_of(&j->t->added_names, j->patch, PATCH_LINE_ADD);
}

/* ---- the verdict, from the evidence (evidence.h, names.h, prereq.h) ---- */

/* Is every merged file what the branch has already? */
static bool merge_changes_nothing(struct judge *j)
{
	struct strbuf cur = STRBUF_INIT;
	bool same = true;

	for (size_t i = 0; i < j->ap->nr && same; i++) {
		const struct apply_file *af = &j->ap->files[i];

		if (!af->merged)
			continue;
		same = judge_content_at(j, af->old_path, &cur) > 0 &&
		       cur.len == af->merge_out.len &&
		       !memcmp(cur.buf, af->merge_out.buf, cur.len);
	}
	error_clear();
	strbuf_release(&cur);
	return same;
}

/*
 * "; lines 175-181 of x.c last changed by 0123456789ab ('foo')": for the
 * first hunk that stops the patch in its own file, where its best
 * landing differs or around a line it removes that still stands, the
 * newest commit of the branch that made those lines what they are
 * (blame.h), within the history walked.
 */
static int blame_first_conflict(struct strbuf *d, struct judge *j)
{
	const struct provenance *pv = &j->t->history;
	const git_oid *oldest = pv->walk_nr ? &pv->walk[pv->walk_nr - 1] :
					      NULL;
	struct strbuf who = STRBUF_INIT;

	/* A branch of one commit has no history to tell. */
	if (pv->walk_nr < 2)
		return 0;
	for (size_t i = 0; i < j->ap->nr; i++) {
		const struct apply_file *af = &j->ap->files[i];

		/*
		 * A file the series changed already: its earlier patches are
		 * named by the prerequisites, and its lines are not the
		 * base's.
		 */
		if (strset_has(&j->t->touched, af->old_path))
			continue;
		for (size_t k = 0; k < af->loc.nr && k < af->hunks_nr; k++) {
			const struct locate_hunk_result *hr = &af->loc.hunks[k];
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];
			long n = h->old_count ? (long)h->old_count : 1;
			long from, to;
			int r;

			if (af->how[k] == JH_FORWARD ||
			    af->how[k] == JH_REVERSE ||
			    af->how[k] == JH_PRESENT || af->where[k])
				continue;
			if (hr->differs_at > 0) {
				/* Its best landing, where a line differs. */
				from = hr->pos;
				to = from + n - 1;
			} else if (af->pres[k].still) {
				/* Around a line it removes, still standing. */
				from = af->pres[k].still - n;
				to = af->pres[k].still + n;
				from = from < 1 ? 1 : from;
			} else {
				continue;
			}
			r = blame_lines(&who, j->repo, &j->t->base,
					af->old_path, from, to, oldest);
			if (r > 0)
				strbuf_addf(d, "; lines %ld-%ld of %s last "
					       "changed by %s",
					    from, to, af->old_path, who.buf);
			strbuf_release(&who);
			return r < 0 ? -1 : 0;
		}
	}
	return 0;
}

/* The verdict when some hunk's change could not go in. */
static enum verdict judge_blocked(struct judge *j, const struct tally *c)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	int three;

	prereq_find(j, true);
	if (ap->needs.nr) {
		strbuf_addstr(d, "needs ");
		join(d, &ap->needs, 4);
		strbuf_addstr(d, ", which did not go in; ");
		explain_hunks(d, j);
		return VERDICT_DEPENDS;
	}
	if (c->present + c->reverse &&
	    (c->missing || c->forward || c->reworked)) {
		/*
		 * Some hunk's change is there, some is not as written where
		 * its code is (missing, or reworked since: not a proof of
		 * presence). Hunks whose code is elsewhere or gone say
		 * nothing either way.
		 */
		explain_list(d, j, JH_REVERSE, "already present");
		if (c->reverse && c->present)
			strbuf_addstr(d, ", ");
		explain_list(d, j, JH_PRESENT, "already present");
		strbuf_addstr(d, "; missing: ");
		explain_list(d, j, JH_FORWARD, "(would apply)");
		if (c->forward && (c->missing || c->reworked))
			strbuf_addstr(d, "; ");
		explain_hunks(d, j);
		return VERDICT_PARTIALLY_PRESENT;
	}
	three = try_three_way(j);
	if (three < 0)
		return VERDICT__COUNT;
	if (three > 0 && merge_changes_nothing(j)) {
		strbuf_addstr(d, "a 3-way merge from the preimage blob changes "
				 "nothing: the change is there");
		return VERDICT_ALREADY_PRESENT;
	}
	if (three > 0) {
		strbuf_addstr(d, "3-way merge from the preimage blob");
		return VERDICT_MERGED_3WAY;
	}
	explain_hunks(d, j);
	if (blame_first_conflict(d, j) < 0)
		return VERDICT__COUNT;
	return VERDICT_CONFLICT;
}

/*
 * Not applicable: the code the patch changes is nowhere on the branch.
 * Some hunk's code provably exists nowhere (jh GONE), and every other
 * hunk sits in a definition that, as the patch knows it, holds names the
 * branch has nowhere (a later version of it: the hunks of the same
 * header show it), none is there already and none would apply. Fills
 * the detail and returns 1; 0 when not so; -1 on error.
 */
/*
 * Where the branch has history: is a commit the patch's Fixes: names on
 * it? Then the bug came to the branch, whatever the code looks like now.
 */
static bool fixes_on_branch(struct strbuf *d, struct judge *j)
{
	const struct mail *m = j->ap->sp->mail;
	struct strbuf how = STRBUF_INIT;

	for (size_t i = 0; i < m->trailers_nr; i++) {
		const struct trailer *t = &m->trailers[i];

		if (t->kind != TRAILER_FIXES || (!t->fixes_sha && !t->fixes_subject))
			continue;
		if (!provenance_has_commit(&how, &j->t->history, t->fixes_sha,
					   t->fixes_subject))
			continue;
		strbuf_addstr(d, "the commit its Fixes: names (");
		if (t->fixes_sha)
			strbuf_addstr(d, t->fixes_sha);
		if (t->fixes_subject)
			strbuf_addf(d, "%s'%s'", t->fixes_sha ? " " : "",
				    t->fixes_subject);
		strbuf_addf(d, ") is on %s, %s: the bug is there, the fix "
			       "needs adapting; ",
			    j->t->name, how.buf);
		strbuf_release(&how);
		return true;
	}
	strbuf_release(&how);
	return false;
}

static int not_applicable(struct judge *j, const struct tally *c)
{
	const struct apply_patch *ap = j->ap;
	const struct wordindex *wi = judge_words(j);
	struct strvec names = STRVEC_INIT, later = STRVEC_INIT;
	struct strbuf *d = &j->detail;
	bool all = true;

	if (!wi)
		return -1;
	/* The headers whose definition the branch has in another form. */
	for (size_t i = 0; i < ap->nr; i++)
		for (size_t k = 0; k < ap->files[i].hunks_nr; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];
			size_t before = names.nr;

			names_unknown(&names, wi, h);
			if (names.nr > before || ap->files[i].how[k] == JH_GONE)
				strvec_push(&later,
					    h->section ? h->section : "");
		}
	for (size_t i = 0; i < ap->nr && all; i++)
		for (size_t k = 0; k < ap->files[i].hunks_nr && all; k++) {
			const struct patch_hunk *h =
				&j->patch->files[i].hunks[k];

			all = ap->files[i].how[k] == JH_GONE ||
			      strvec_has(&later, h->section ? h->section : "");
		}
	if (all && fixes_on_branch(d, j))
		all = false;
	if (all) {
		for (size_t i = 0; i < ap->nr; i++)
			if (ap->files[i].missing)
				strbuf_addf(d, "%s does not exist on %s; ",
					    ap->files[i].old_path, j->t->name);
		explain_list(d, j, JH_GONE, NULL);
		strbuf_addf(d, ": the code %s changes exists nowhere on %s",
			    c->gone == 1 ? "it" : "they", j->t->name);
		if (c->gone < c->total)
			strbuf_addstr(d,
				      "; the other hunks change a later form "
				      "of their functions");
		if (names.nr) {
			strbuf_addstr(d, " (");
			join(d, &names, 6);
			strbuf_addf(d, ": %s on %s)",
				    names.nr == 1 ? "not" : "none", j->t->name);
		}
	}
	strvec_clear(&names);
	strvec_clear(&later);
	return all;
}

/* The verdict of a patch whose files were located. */
enum verdict judge_located(struct judge *j, struct strvec *problems)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	struct strbuf hist = STRBUF_INIT;
	enum locate_hunk_status worst;
	size_t total, failed, already;
	struct strvec helpers = STRVEC_INIT, later = STRVEC_INIT;
	enum verdict v = VERDICT__COUNT;
	struct tally c;
	int found;

	if (problems->nr) {
		join(d, problems, 3);
		return VERDICT_CONFLICT;
	}
	if (evidence_classify(j) < 0 || load_history(j) < 0)
		return VERDICT__COUNT;
	prereq_vacuous_removals(j);
	found = provenance_find(&hist, &j->t->history, ap->sp->mail, false);
	if (found < 0)
		goto out;
	if (found != PROVENANCE_NONE)
		ap->history = xstrdup(hist.buf);
	judge_count_hunks(ap, &total, &failed, &already, &worst);
	count_repairs(ap);
	evidence_tally(&c, ap);

	/*
	 * A title names this very change when the patch names its upstream
	 * commit (a stable backport); for a list posting it may name another
	 * version, so its reworked hunks still make it partial.
	 */
	if (found == PROVENANCE_TITLE && ap->sp->mail->upstream_commit)
		found = PROVENANCE_PRESENT;
	if (found == PROVENANCE_TITLE && !c.missing && !c.reworked)
		found = PROVENANCE_PRESENT;
	/* The history says it is there, and no hunk says otherwise. */
	if (found == PROVENANCE_PRESENT && !c.forward && !c.still) {
		strbuf_addbuf(d, &hist);
		if (c.missing || c.reworked || c.gone)
			explain_present(d, j, &c);
		v = VERDICT_ALREADY_PRESENT;
		goto out;
	}
	/*
	 * A stable backport (it names its upstream commit) goes in whole:
	 * when most of its hunks' changes are found and the code of the
	 * others was rewritten since (their removed lines gone, their
	 * added lines not there as written), it went in and was reworked
	 * after. A list posting may be a version that never landed as it
	 * is (v2 where v3 went in): its reworked hunks may be where the
	 * versions differ, so they keep it partial. No hunk may be
	 * positively missing, nor its code be somewhere unproven.
	 */
	if (!c.forward && !c.missing && !c.unknown &&
	    c.reverse + c.present > c.reworked &&
	    (!c.reworked || ap->sp->mail->upstream_commit)) {
		explain_present(d, j, &c);
		v = VERDICT_ALREADY_PRESENT;
		goto out;
	}
	if (!c.forward && !c.reverse && !c.present && c.gone) {
		int na = not_applicable(j, &c);

		if (na < 0)
			goto out;
		if (na) {
			v = VERDICT_NOT_APPLICABLE;
			goto out;
		}
	}
	if (!failed && c.forward) {
		if (c.reverse) {
			explain_list(d, j, JH_REVERSE, "already present");
			strbuf_addstr(d, "; the other hunks would apply");
			v = VERDICT_PARTIALLY_PRESENT;
			goto out;
		}
		if (names_missing_helpers(j, &helpers, &later) < 0)
			goto out;
		if (helpers.nr) {
			strbuf_addstr(d, "applies, but calls ");
			for (size_t i = 0; i < helpers.nr && i < 4; i++)
				strbuf_addf(d, "%s%s()", i ? ", " : "",
					    helpers.v[i]);
			strbuf_addf(d,
				    ", which %s lacks (no file of the "
				    "branch names %s)",
				    j->t->name,
				    helpers.nr == 1 ? "it" : "them");
			v = VERDICT_CONFLICT;
			goto out;
		}
		v = judge_applied(j, worst);
		if (later.nr) {
			strbuf_addstr(d, d->len ? "; uses " : "uses ");
			join(d, &later, 4);
			strbuf_addstr(d, ", later in the series");
		}
		if (found == PROVENANCE_REVERTED)
			strbuf_addf(d, "%s%s", d->len ? "; " : "", hist.buf);
		prereq_find(j, false);
		if (ap->needs.nr) {
			strbuf_addstr(d, d->len ? "; after " : "after ");
			join(d, &ap->needs, 4);
		}
		goto out;
	}
	if (found == PROVENANCE_PRESENT || found == PROVENANCE_TITLE)
		strbuf_addf(d, "%s, but: ", hist.buf);
	else if (found == PROVENANCE_REVERTED)
		strbuf_addf(d, "%s; ", hist.buf);
	v = judge_blocked(j, &c);
out:
	strbuf_release(&hist);
	strvec_clear(&helpers);
	strvec_clear(&later);
	return v;
}
