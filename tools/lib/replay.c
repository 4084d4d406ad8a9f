// SPDX-License-Identifier: GPL-2.0
/*
 * replay: what was learnt before, tried on a patch that failed: its
 * recorded resolution (resolution.h), another branch's, the branch's
 * known renames, and remembered hunk resolutions (hunkmem.h).
 */
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Take the located files out of `ap` (to try something else). */
static void files_take(struct apply_patch *ap, struct apply_file **files,
		       size_t *nr, size_t *alloc)
{
	*files = ap->files;
	*nr = ap->nr;
	*alloc = ap->alloc;
	ap->files = NULL;
	ap->nr = ap->alloc = 0;
}

static void files_free(struct apply_file *files, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		apply_file_release(&files[i]);
	free(files);
}

/*
 * 3-way merge of a recorded resolution onto a file that moved: base is
 * the blob it was recorded against, theirs that blob with the
 * resolution applied, ours the file now. 1 clean, 0 not, -1 error.
 */
static int merge_resolution(struct judge *j, struct apply_file *af,
			    const struct patch_file *pf,
			    const struct resolution *r)
{
	const struct resolution_file *rf = NULL;
	struct locate_result res = LOCATE_RESULT_INIT;
	struct strbuf cur = STRBUF_INIT;
	git_merge_file_input base, ours, theirs;
	git_merge_file_options mo;
	git_merge_file_result out = { 0 };
	git_blob *blob = NULL;
	const char *kind;
	git_filemode_t mode;
	bool found;
	int ret = 0;

	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->files[i].path, af->old_path))
			rf = &r->files[i];
	if (!rf || git_blob_lookup(&blob, j->repo, &rf->before) < 0) {
		error_clear();
		return 0;
	}
	if (locate_apply(&res, pf, git_blob_rawcontent(blob),
			 git_blob_rawsize(blob), NULL) < 0 ||
	    !locate_is_clean(&res) ||
	    judge_read_path(&cur, &found, &mode, &kind, j->repo, j->tree,
			    af->old_path) < 0) {
		error_clear();
		goto out;
	}
	git_merge_file_input_init(&base, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&ours, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&theirs, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_options_init(&mo, GIT_MERGE_FILE_OPTIONS_VERSION);
	base.ptr = git_blob_rawcontent(blob);
	base.size = git_blob_rawsize(blob);
	ours.ptr = cur.buf;
	ours.size = cur.len;
	theirs.ptr = res.out.buf;
	theirs.size = res.out.len;
	mo.ancestor_label = r->target;
	mo.our_label = j->t->name;
	mo.their_label = "resolution";
	mo.flags = GIT_MERGE_FILE_STYLE_DIFF3;
	if (git_merge_file(&out, &base, &ours, &theirs, &mo) < 0) {
		ret = error_git("3-way merge of the resolution of '%s'",
				af->path);
		goto out;
	}
	strbuf_reset(&af->merge_out);
	strbuf_add(&af->merge_out, out.ptr, out.len);
	af->merged = true;
	af->merge_conflict = !out.automergeable;
	ret = out.automergeable ? 1 : 0;
	git_merge_file_result_free(&out);
out:
	locate_result_release(&res);
	strbuf_release(&cur);
	git_blob_free(blob);
	return ret;
}

/*
 * Replay a recorded resolution: it applies exactly or at an offset
 * (resolved-recorded), or by a 3-way merge onto the moved file (said in
 * the detail), else stale-resolution. Fills ap->files for the commit.
 */
static enum verdict replay_resolution(struct judge *j,
				      const struct resolution *r)
{
	struct apply_patch *ap = j->ap;
	struct strvec problems = STRVEC_INIT;
	struct strbuf *d = &j->detail;
	size_t offsets = 0, merged = 0, stale = 0;
	enum verdict v = VERDICT__COUNT;

	j->patch = &r->mail->patch;
	j->exact = true;
	if (judge_locate_files(j, &problems) < 0)
		goto out;
	for (size_t i = 0; i < ap->nr; i++) {
		struct apply_file *af = &ap->files[i];
		const struct locate_result *lr = &af->loc;
		int m;

		for (size_t h = 0; h < lr->nr; h++)
			offsets += lr->hunks[h].status == HUNK_OFFSET;
		if (!af->missing && !lr->failed_nr && !lr->already_nr)
			continue;
		m = af->missing ?
			    0 :
			    merge_resolution(j, af, &j->patch->files[i], r);
		if (m < 0)
			goto out;
		if (m)
			merged++;
		else
			stale++;
	}
	strbuf_reset(d);
	if (problems.nr || stale) {
		strbuf_addf(d,
			    "the resolution recorded on %s (%s/%s) no "
			    "longer applies: ",
			    r->target, r->dir, r->file);
		for (size_t i = 0; i < ap->nr; i++) {
			const struct apply_file *af = &ap->files[i];

			if (af->missing)
				strbuf_addf(d, "%s is gone; ", af->path);
			else if (af->loc.failed_nr || af->loc.already_nr)
				strbuf_addf(d, "%s changed (%s); ", af->path,
					    af->merge_conflict ?
						    "3-way merge conflicts" :
						    "no base to merge from");
		}
		strbuf_setlen(d, d->len - 2);
		v = VERDICT_STALE_RESOLUTION;
		goto out;
	}
	strbuf_addf(d, "%s on %s (%s/%s)",
		    j->ap->reused ? "reused the resolution recorded" :
				    "recorded",
		    r->target, r->dir, r->file);
	if (merged)
		strbuf_addf(d,
			    "; the branch moved: 3-way merge of the "
			    "resolution onto %zu file%s",
			    merged, merged == 1 ? "" : "s");
	else if (offsets)
		strbuf_addf(d, "; %zu hunk%s at an offset", offsets,
			    offsets == 1 ? "" : "s");
	v = VERDICT_RESOLVED_RECORDED;
out:
	j->exact = false;
	strvec_clear(&problems);
	return v;
}

/* A deep copy of `p` with the renames applied to every line. */
static void patch_renamed(struct patch *out, const struct patch *p,
			  const struct renames *r, struct strvec *used)
{
	*out = (struct patch)PATCH_INIT;
	out->files = xcalloc(p->nr ? p->nr : 1, sizeof(*out->files));
	out->nr = out->alloc = p->nr;
	memcpy(out->patch_id, p->patch_id, sizeof(out->patch_id));
	for (size_t i = 0; i < p->nr; i++) {
		const struct patch_file *f = &p->files[i];
		struct patch_file *g = &out->files[i];

		*g = *f;
		g->old_path = f->old_path ? xstrdup(f->old_path) : NULL;
		g->new_path = f->new_path ? xstrdup(f->new_path) : NULL;
		g->old_oid = g->new_oid = NULL;
		g->hunks = xcalloc(f->nr ? f->nr : 1, sizeof(*g->hunks));
		g->alloc = f->nr;
		for (size_t h = 0; h < f->nr; h++) {
			const struct patch_hunk *a = &f->hunks[h];
			struct patch_hunk *b = &g->hunks[h];

			*b = *a;
			b->section = a->section ? xstrdup(a->section) : NULL;
			b->lines =
				xcalloc(a->nr ? a->nr : 1, sizeof(*b->lines));
			b->alloc = a->nr;
			for (size_t l = 0; l < a->nr; l++) {
				struct strbuf t = STRBUF_INIT;

				b->lines[l] = a->lines[l];
				renames_apply(&t, a->lines[l].text,
					      a->lines[l].len, r, used);
				b->lines[l].len = t.len;
				b->lines[l].text = strbuf_detach(&t, NULL);
			}
		}
	}
}

/* The branch's known renames make the patch apply: adapted. */
static enum verdict try_renames(struct judge *j, struct patch *copy)
{
	struct apply_patch *ap = j->ap;
	struct strvec used = STRVEC_INIT, problems = STRVEC_INIT;
	enum locate_hunk_status worst;
	size_t total, failed, already;
	enum verdict v = VERDICT__COUNT;

	patch_renamed(copy, j->patch, &j->t->renames, &used);
	if (!used.nr)
		goto out;
	/* The same rename counted per line: keep each once. */
	for (size_t i = 0; i < used.nr; i++)
		if (!strvec_has(&ap->renames, used.v[i]))
			strvec_push(&ap->renames, used.v[i]);
	j->patch = copy;
	if (judge_locate_files(j, &problems) < 0) {
		v = VERDICT_CONFLICT;
		goto out;
	}
	judge_count_hunks(ap, &total, &failed, &already, &worst);
	if (problems.nr || failed || already) {
		v = VERDICT_CONFLICT;
		goto out;
	}
	strbuf_reset(&j->detail);
	strbuf_addstr(&j->detail, "renames: ");
	for (size_t i = 0; i < ap->renames.nr; i++)
		strbuf_addf(&j->detail, "%s%s", i ? ", " : "",
			    ap->renames.v[i]);
	if (worst != HUNK_APPLIED)
		strbuf_addf(&j->detail, "; hunks %s",
			    worst == HUNK_OFFSET ? "at an offset" :
			    worst == HUNK_FUZZ	 ? "with fuzz" :
						   "matched ignoring whitespace");
	v = VERDICT_ADAPTED;
out:
	strvec_clear(&used);
	strvec_clear(&problems);
	return v;
}

/* Are lines [a, a+n) of x and y equal (1-based)? */
static bool same_lines(const char *x, size_t xl, long a, const char *y,
		       size_t yl, long b, long n)
{
	const char *p = x, *q = y, *xe = x + xl, *ye = y + yl;

	for (long i = 1; i < a && p < xe; i++)
		p = memchr(p, '\n', xe - p) ?
			    (char *)memchr(p, '\n', xe - p) + 1 :
			    xe;
	for (long i = 1; i < b && q < ye; i++)
		q = memchr(q, '\n', ye - q) ?
			    (char *)memchr(q, '\n', ye - q) + 1 :
			    ye;
	for (long i = 0; i < n; i++) {
		const char *pn = memchr(p, '\n', xe - p), *qn;
		size_t pl, ql;

		qn = memchr(q, '\n', ye - q);
		pl = pn ? (size_t)(pn - p) : (size_t)(xe - p);
		ql = qn ? (size_t)(qn - q) : (size_t)(ye - q);
		if (p >= xe || q >= ye || pl != ql || memcmp(p, q, pl))
			return false;
		p = pn ? pn + 1 : xe;
		q = qn ? qn + 1 : ye;
	}
	return true;
}

/*
 * Every failing hunk remembered (hunkmem.h): resolve the patch from them.
 * Leaves ap->files untouched unless it succeeds.
 */
static enum verdict try_hunk_memory(struct judge *j)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *work = xcalloc(ap->nr + 1, sizeof(*work));
	struct strvec where = STRVEC_INIT;
	enum verdict v = VERDICT__COUNT;
	size_t used = 0;

	for (size_t i = 0; i < ap->nr; i++) {
		struct apply_file *af = &ap->files[i];
		const struct locate_result *r = &af->loc;
		struct strbuf cur = STRBUF_INIT;
		const char *kind;
		git_filemode_t mode;
		bool found;

		strbuf_init(&work[i], 0);
		if (af->missing)
			goto out;
		if (!r->failed_nr)
			continue;
		if (judge_read_path(&cur, &found, &mode, &kind, j->repo,
				    j->tree, af->old_path) < 0) {
			error_clear();
			strbuf_release(&cur);
			goto out;
		}
		strbuf_addbuf(&work[i], &r->out);
		for (size_t h = r->nr; h-- > 0;) {
			const struct locate_hunk_result *hr = &r->hunks[h];
			const struct patch_hunk *ph =
				&j->patch->files[i].hunks[h];
			const struct hunkmem_entry *e;
			struct strbuf next = STRBUF_INIT;
			char key[41];
			long n = 0;

			if (hr->status != HUNK_FAILED)
				continue;
			for (size_t k = 0; k < ph->nr; k++)
				n += ph->lines[k].kind != PATCH_LINE_ADD;
			hunkmem_key(key, ph, cur.buf, cur.len, hr->pos);
			e = hunkmem_find(&j->t->hunks, key);
			if (!e ||
			    !same_lines(cur.buf, cur.len, hr->pos - e->before,
					work[i].buf, work[i].len,
					hr->out_pos - e->before,
					n + e->before + e->after) ||
			    hunkmem_replace(&next, work[i].buf, work[i].len,
					    hr->out_pos, ph, e) < 0) {
				strbuf_release(&next);
				strbuf_release(&cur);
				goto out;
			}
			strbuf_swap(&work[i], &next);
			strbuf_release(&next);
			strvec_push(&where, e->where);
			used++;
		}
		strbuf_release(&cur);
	}
	if (!used)
		goto out;
	for (size_t i = 0; i < ap->nr; i++) {
		if (!ap->files[i].loc.failed_nr)
			continue;
		ap->files[i].merged = true;
		strbuf_swap(&ap->files[i].merge_out, &work[i]);
	}
	strbuf_reset(&j->detail);
	strbuf_addf(&j->detail,
		    "reused %zu remembered hunk resolution%s: ", used,
		    used == 1 ? "" : "s");
	for (size_t i = 0; i < where.nr; i++)
		strbuf_addf(&j->detail, "%s%s", i ? "; " : "", where.v[i]);
	v = VERDICT_RESOLVED_RECORDED;
out:
	for (size_t i = 0; i < ap->nr; i++)
		strbuf_release(&work[i]);
	free(work);
	strvec_clear(&where);
	return v;
}

/*
 * A patch that failed: its recorded resolution, else the known renames.
 * Returns the new verdict, or `v` unchanged (with ap->files as they
 * were) when neither helps. `copy` holds a renamed patch if one is used.
 */
enum verdict judge_replay(struct judge *j, enum verdict v, struct patch *copy)
{
	struct apply_patch *ap = j->ap;
	const struct patch *orig = j->patch;
	const struct mail *m = ap->sp->mail;
	struct apply_file *saved;
	size_t saved_nr, saved_alloc;
	struct strbuf saved_detail = STRBUF_INIT;
	enum verdict nv = VERDICT__COUNT;

	if (v != VERDICT_CONFLICT && v != VERDICT_DEPENDS &&
	    v != VERDICT_NOT_APPLICABLE)
		return v;
	ap->resolution =
		resolution_find(&j->t->store, m->patch.patch_id, m->subj.title);
	if (!ap->resolution) {
		/* Another branch's resolution of the same patch. */
		ap->resolution = resolution_find(
			&j->t->others, m->patch.patch_id, m->subj.title);
		ap->reused = ap->resolution != NULL;
	}
	if (!ap->resolution && j->t->hunks.nr &&
	    try_hunk_memory(j) == VERDICT_RESOLVED_RECORDED)
		return VERDICT_RESOLVED_RECORDED;
	if (!ap->resolution && !j->t->renames.nr)
		return v;
	files_take(ap, &saved, &saved_nr, &saved_alloc);
	strbuf_addbuf(&saved_detail, &j->detail);
	if (ap->resolution)
		nv = replay_resolution(j, ap->resolution);
	if (ap->reused && nv != VERDICT_RESOLVED_RECORDED) {
		/* Not for this branch after all: no claim of staleness. */
		files_free(ap->files, ap->nr);
		ap->files = NULL;
		ap->nr = ap->alloc = 0;
		ap->resolution = NULL;
		ap->reused = false;
		nv = VERDICT__COUNT;
		error_clear();
	}
	if (!ap->resolution && j->t->renames.nr) {
		j->patch = orig;
		nv = try_renames(j, copy);
	}
	if (nv == VERDICT_RESOLVED_RECORDED || nv == VERDICT_ADAPTED ||
	    nv == VERDICT_STALE_RESOLUTION) {
		files_free(saved, saved_nr);
		strbuf_release(&saved_detail);
		return nv;
	}
	/* Neither helped: back to what the patch itself gave. */
	files_free(ap->files, ap->nr);
	ap->files = saved;
	ap->nr = saved_nr;
	ap->alloc = saved_alloc;
	j->patch = orig;
	strbuf_swap(&j->detail, &saved_detail);
	strbuf_release(&saved_detail);
	strvec_clear(&ap->renames);
	/* A resolution that could not even be tried is an error. */
	return nv == VERDICT__COUNT && ap->resolution ? VERDICT__COUNT : v;
}
