// SPDX-License-Identifier: GPL-2.0
/*
 * apply: a series onto one target, in memory, with a verdict per patch.
 * See apply.h for the order in which a patch is judged.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "apply.h"
#include "judge.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void apply_target_init(struct apply_target *t)
{
	memset(t, 0, sizeof(*t));
}

void apply_file_release(struct apply_file *f)
{
	for (size_t h = 0; f->pres && h < f->hunks_nr; h++) {
		presence_release(&f->pres[h]);
		free(f->where[h]);
	}
	free(f->how);
	free(f->pres);
	free(f->where);
	free(f->path);
	free(f->old_path);
	locate_result_release(&f->loc);
	strbuf_release(&f->merge_out);
}

static void apply_patch_release(struct apply_patch *p)
{
	for (size_t i = 0; i < p->nr; i++)
		apply_file_release(&p->files[i]);
	free(p->files);
	free(p->detail);
	free(p->history);
	strvec_clear(&p->renames);
	strvec_clear(&p->needs);
}

void apply_target_release(struct apply_target *t)
{
	for (size_t i = 0; i < t->nr; i++)
		apply_patch_release(&t->patches[i]);
	free(t->patches);
	free(t->name);
	free(t->branch);
	free(t->rev);
	free(t->ref);
	resolution_store_release(&t->store);
	resolution_store_release(&t->others);
	hunkmem_release(&t->hunks);
	provenance_release(&t->history);
	wordindex_release(&t->words);
	linecache_release(&t->lines);
	strset_clear(&t->added_names);
	strset_clear(&t->touched);

	strset_clear(&t->series_added);
	for (size_t i = 0; i < t->series_nr; i++)
		strset_clear(&t->patch_added[i]);
	free(t->patch_added);
	renames_release(&t->renames);
	apply_target_init(t);
}

unsigned apply_parse_version(const char *name)
{
	const char *p = name;
	unsigned major, minor;

	skip_prefix(p, "linux-", &p);
	if (*p == 'v')
		p++;
	if (sscanf(p, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

void apply_target_set(struct apply_target *t, const char *series,
		      const char *spec)
{
	const char *at = strchr(spec, '@');

	t->branch = at ? xstrndup(spec, at - spec) : xstrdup(spec);
	t->rev = at ? xstrdup(at + 1) : NULL;
	t->name = xstrdup(spec);
	t->ref = xstrfmt("refs/backport/%s/%s", series, t->name);
	t->version = apply_parse_version(t->branch);
	if (!t->version && t->rev)
		t->version = apply_parse_version(t->rev);
}

/* The branch's commit: refs/heads/B, refs/remotes/origin/B, or B. */
static int resolve_target(git_commit **out, git_repository *repo,
			  const struct apply_target *t)
{
	static const char *const prefixes[] = { "refs/heads/",
						"refs/remotes/origin/", "" };
	git_object *obj = NULL;
	int ret = -1;

	for (size_t i = 0; i < ARRAY_SIZE(prefixes) && !obj; i++) {
		char *spec = xstrfmt("%s%s", prefixes[i], t->branch);

		if (git_revparse_single(&obj, repo, spec) < 0)
			obj = NULL;
		free(spec);
	}
	if (!obj)
		return error_set("branch '%s' does not exist in the "
				 "repository",
				 t->branch);
	if (t->rev) {
		char *spec = xstrfmt("%s^{commit}", t->rev);

		git_object_free(obj);
		obj = NULL;
		ret = git_revparse_single(&obj, repo, spec);
		free(spec);
		if (ret < 0)
			return error_set("'%s': no release or commit '%s' in "
					 "the repository",
					 t->name, t->rev);
	}
	ret = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (ret < 0)
		return error_git("'%s' is not a commit", t->name);
	return 0;
}

static char *commit_message(const struct mail *m, const struct apply_patch *ap,
			    const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	const char *title = m->subj.title ? m->subj.title : m->subject;
	bool has_link = false;

	strbuf_addf(&sb, "%s\n\n", title);
	if (m->upstream_commit)
		strbuf_addf(&sb, "commit %s upstream.\n\n", m->upstream_commit);
	if (m->message) {
		const char *msg = m->message;

		/* The mail's own "commit X upstream." line is said above. */
		if (m->upstream_commit && starts_with(msg, "commit ")) {
			const char *nl = strchr(msg, '\n');

			msg = nl ? nl + 1 : "";
			while (*msg == '\n')
				msg++;
		}
		strbuf_addstr(&sb, msg);
		strbuf_rtrim(&sb);
		strbuf_addch(&sb, '\n');
	}
	for (size_t i = 0; i < m->trailers_nr; i++)
		if (m->trailers[i].kind == TRAILER_LINK && m->message_id &&
		    strstr(m->trailers[i].value, m->message_id))
			has_link = true;
	if (!m->upstream_commit && m->message_id && !has_link)
		strbuf_addf(&sb, "Link: https://lore.kernel.org/r/%s\n",
			    m->message_id);
	if (ap->verdict != VERDICT_APPLIED)
		strbuf_addf(&sb, "[ backport to %s: %s: %s ]\n", target,
			    verdict_name(ap->verdict),
			    ap->detail ? ap->detail : "");
	return strbuf_detach(&sb, NULL);
}

static int make_signature(git_signature **out, git_repository *repo,
			  const char *name, const char *email, time_t when)
{
	if (name || email)
		return git_signature_new(
			out, name && *name ? name : "unknown",
			email && *email ? email : "unknown@unknown", when, 0);
	if (git_signature_default(out, repo) == 0)
		return 0;
	return git_signature_now(out, "backport", "backport@localhost");
}

/* Write the new tree and a commit on top of t->tip. */
static int commit_patch(struct judge *j, git_tree **tree)
{
	struct apply_patch *ap = j->ap;
	const struct mail *m =
		ap->resolution && ap->verdict == VERDICT_RESOLVED_RECORDED ?
			ap->resolution->mail :
			ap->sp->mail;
	git_tree_update *ups = xcalloc(ap->nr * 2 + 1, sizeof(*ups));
	git_signature *author = NULL, *committer = NULL;
	git_commit *parent = NULL;
	git_tree *newtree = NULL;
	size_t n = 0;
	git_oid tree_oid;
	char *msg = NULL;
	int ret = -1;

	for (size_t i = 0; i < ap->nr; i++) {
		struct apply_file *af = &ap->files[i];
		const struct patch_file *pf = &j->patch->files[i];
		const struct strbuf *content = af->merged ? &af->merge_out :
							    &af->loc.out;

		if (strcmp(af->old_path, af->path) ||
		    pf->status == PATCH_FILE_DELETED) {
			if (pf->status != PATCH_FILE_COPIED) {
				ups[n].action = GIT_TREE_UPDATE_REMOVE;
				ups[n++].path = af->old_path;
			}
		}
		if (pf->status == PATCH_FILE_DELETED)
			continue;
		if (git_blob_create_from_buffer(&af->blob, j->repo,
						content->buf,
						content->len) < 0) {
			error_git("cannot write blob of '%s'", af->path);
			goto out;
		}
		ups[n].action = GIT_TREE_UPDATE_UPSERT;
		git_oid_cpy(&ups[n].id, &af->blob);
		ups[n].filemode = pf->new_mode == 0100755 ?
					  GIT_FILEMODE_BLOB_EXECUTABLE :
					  GIT_FILEMODE_BLOB;
		if (!pf->new_mode) {
			git_tree_entry *e = NULL;

			if (!git_tree_entry_bypath(&e, *tree, af->old_path))
				ups[n].filemode = git_tree_entry_filemode(e);
			git_tree_entry_free(e);
		}
		ups[n++].path = af->path;
	}
	if (git_tree_create_updated(&tree_oid, j->repo, *tree, n, ups) < 0 ||
	    git_tree_lookup(&newtree, j->repo, &tree_oid) < 0 ||
	    git_commit_lookup(&parent, j->repo, &j->t->tip) < 0) {
		error_git("cannot write the tree of '%s' on '%s'", ap->sp->file,
			  j->t->name);
		goto out;
	}
	if (make_signature(&author, j->repo, m->author_name, m->author_email,
			   m->date_epoch ? m->date_epoch : 0) < 0 ||
	    make_signature(&committer, j->repo, NULL, NULL, 0) < 0) {
		error_git("cannot make a signature");
		goto out;
	}
	msg = commit_message(m, ap, j->t->name);
	if (git_commit_create(&ap->commit, j->repo, NULL, author, committer,
			      "UTF-8", msg, newtree, 1,
			      (const git_commit **)&parent) < 0) {
		error_git("cannot write the commit of '%s' on '%s'",
			  ap->sp->file, j->t->name);
		goto out;
	}
	ap->has_commit = true;
	git_oid_cpy(&j->t->tip, &ap->commit);
	git_tree_free(*tree);
	*tree = newtree;
	newtree = NULL;
	ret = 0;
out:
	free(msg);
	free(ups);
	git_tree_free(newtree);
	git_commit_free(parent);
	git_signature_free(author);
	git_signature_free(committer);
	return ret;
}

static int judge_patch(struct apply_target *t, git_repository *repo,
		       git_tree **tree, const struct series *s, size_t index,
		       const struct apply_opts *opts)
{
	const struct series_patch *sp = &s->patches[index];
	struct judge j = { .repo = repo,
			   .tree = *tree,
			   .opts = opts,
			   .t = t,
			   .series = s,
			   .index = index };
	struct strvec problems = STRVEC_INIT;
	struct patch renamed = PATCH_INIT;
	struct apply_patch *ap;
	const struct mail *m = sp->mail;
	enum verdict v;
	int ret = -1;

	ALLOC_GROW(t->patches, t->nr + 1, t->alloc);
	ap = &t->patches[t->nr++];
	memset(ap, 0, sizeof(*ap));
	strvec_init(&ap->renames);
	strvec_init(&ap->needs);
	ap->sp = sp;
	git_oid_cpy(&ap->before, &t->tip);
	j.ap = ap;
	j.patch = &m->patch;
	j.damaged = patch_is_damaged(&m->patch);
	strbuf_init(&j.detail, 0);

	if (judge_locate_files(&j, &problems) < 0)
		goto out;
	v = judge_located(&j, &problems);
	if (v == VERDICT__COUNT)
		goto out;
	v = judge_replay(&j, v, &renamed);
	if (v == VERDICT__COUNT)
		goto out;
	if (m->stable.present && !opts->all_branches && t->version &&
	    !stable_tag_wants(&m->stable, t->version)) {
		struct strbuf d = STRBUF_INIT;

		strbuf_addf(&d,
			    "stable tag '# %s' does not ask for %u.%u; "
			    "would be %s",
			    m->stable.qualifier ? m->stable.qualifier : "",
			    t->version / 1000, t->version % 1000,
			    verdict_name(v));
		if (j.detail.len)
			strbuf_addf(&d, ": %s", j.detail.buf);
		strbuf_swap(&d, &j.detail);
		strbuf_release(&d);
		ap->would_be = v;
		v = VERDICT_NOT_REQUESTED;
	} else {
		ap->would_be = v;
	}
	ap->verdict = v;
	ap->detail = strbuf_detach(&j.detail, NULL);
	if (verdict_is_applied(v))
		judge_went_in(&j);
	for (size_t i = 0; i < ap->nr; i++) {
		strset_add(&t->touched, ap->files[i].old_path);
		strset_add(&t->touched, ap->files[i].path);
	}
	if (verdict_is_applied(v) && opts->write_commits &&
	    commit_patch(&j, tree) < 0)
		goto out;
	/* The new content is in the commit now: a long queue keeps none. */
	for (size_t i = 0; i < ap->nr; i++)
		strbuf_release(&ap->files[i].loc.out);
	ret = 0;
out:
	patch_release(&renamed);
	strbuf_release(&j.detail);
	strvec_clear(&problems);
	return ret;
}

int apply_series(struct apply_target *t, git_repository *repo,
		 const struct series *s, const struct apply_opts *opts)
{
	struct apply_opts defaults = APPLY_OPTS_INIT;
	git_commit *base = NULL;
	git_tree *tree = NULL;
	int ret = -1;

	if (!opts)
		opts = &defaults;
	if (git_repository_is_shallow(repo))
		return error_set("the repository is shallow: '%s' cannot be "
				 "judged on a partial history",
				 t->name);
	if (resolve_target(&base, repo, t) < 0)
		return -1;
	if (opts->backports &&
	    (resolution_store_load(&t->store, opts->backports, t->branch) < 0 ||
	     resolution_store_load_others(&t->others, opts->backports,
					  t->branch) < 0 ||
	     hunkmem_load(&t->hunks, opts->backports) < 0 ||
	     renames_load(&t->renames, opts->backports, t->branch) < 0))
		goto out;
	git_oid_cpy(&t->base, git_commit_id(base));
	git_oid_cpy(&t->tip, git_commit_id(base));
	if (git_commit_tree(&tree, base) < 0) {
		error_git("cannot read the tree of '%s'", t->name);
		goto out;
	}
	for (size_t i = 0; i < s->nr; i++) {
		if (judge_patch(t, repo, &tree, s, i, opts) < 0) {
			error_prefix("'%s' on '%s': ", s->patches[i].file,
				     t->name);
			goto out;
		}
	}
	ret = 0;
out:
	/* What judging needed: loaded again if asked for. */
	linecache_release(&t->lines);
	wordindex_release(&t->words);
	t->words_loaded = false;
	git_tree_free(tree);
	git_commit_free(base);
	return ret;
}

struct apply_pool {
	struct apply_target *t;
	size_t nr, next;
	const char *path;
	const struct series *s;
	const struct apply_opts *opts;
	bool in_memory;
	apply_start_fn *start;
	void *data;
	pthread_mutex_t lock;
	char **errors; /* per target, owned */
};

/* The next target to judge, announced; nr when there is none. */
static size_t pool_next(struct apply_pool *p)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	i = p->next < p->nr ? p->next++ : p->nr;
	if (i < p->nr && p->start)
		p->start(&p->t[i], i, p->nr, p->data);
	pthread_mutex_unlock(&p->lock);
	return i;
}

static void *pool_worker(void *arg)
{
	struct apply_pool *p = arg;
	git_repository *repo = NULL;
	size_t i;

	/* The error state is the thread's own (error.h). */
	if (git_repository_open(&repo, p->path) < 0 ||
	    (p->in_memory && apply_objects_in_memory(repo) < 0)) {
		error_git("cannot open '%s'", p->path);
		i = pool_next(p);
		if (i < p->nr)
			p->errors[i] = xstrdup(error_last());
		goto out;
	}
	while ((i = pool_next(p)) < p->nr)
		if (apply_series(&p->t[i], repo, p->s, p->opts) < 0) {
			p->errors[i] = xstrdup(error_last());
			break;
		}
out:
	git_repository_free(repo);
	error_clear();
	return NULL;
}

int apply_series_targets(struct apply_target *t, size_t nr,
			 git_repository *repo, const struct series *s,
			 const struct apply_opts *opts, unsigned jobs,
			 bool in_memory, apply_start_fn *start, void *data)
{
	struct apply_pool p = { .t = t,
				.nr = nr,
				.path = git_repository_path(repo),
				.s = s,
				.opts = opts,
				.in_memory = in_memory,
				.start = start,
				.data = data };
	pthread_t *th;
	size_t n = 0;
	int ret = 0;

	if (!jobs) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (jobs > nr)
		jobs = nr ? (unsigned)nr : 1;
	p.errors = xcalloc(nr + 1, sizeof(*p.errors));
	th = xcalloc(jobs, sizeof(*th));
	pthread_mutex_init(&p.lock, NULL);
	for (; n < jobs; n++)
		if (pthread_create(&th[n], NULL, pool_worker, &p)) {
			ret = error_errno("cannot start a thread");
			break;
		}
	for (size_t i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	/* Without a single worker, nothing ran: say so. */
	for (size_t i = 0; i < nr && !ret; i++)
		if (p.errors[i]) {
			error_set("%s", p.errors[i]);
			ret = -1;
		}
	if (!ret && p.next < nr)
		ret = error_set("'%s': not every target was judged",
				s->name ? s->name : "series");
	for (size_t i = 0; i < nr; i++)
		free(p.errors[i]);
	free(p.errors);
	free(th);
	pthread_mutex_destroy(&p.lock);
	return ret;
}

int apply_update_refs(git_repository *repo, struct apply_target *targets,
		      size_t nr)
{
	git_transaction *tx = NULL;
	int ret = -1;

	if (git_transaction_new(&tx, repo) < 0)
		return error_git("cannot start a ref transaction");
	for (size_t i = 0; i < nr; i++)
		if (git_transaction_lock_ref(tx, targets[i].ref) < 0) {
			error_git("cannot lock '%s'", targets[i].ref);
			goto out;
		}
	for (size_t i = 0; i < nr; i++)
		if (git_transaction_set_target(tx, targets[i].ref,
					       &targets[i].tip, NULL,
					       "backport apply") < 0) {
			error_git("cannot update '%s'", targets[i].ref);
			goto out;
		}
	if (git_transaction_commit(tx) < 0) {
		error_git("cannot write the refs");
		goto out;
	}
	ret = 0;
out:
	git_transaction_free(tx);
	return ret;
}

git_oid *apply_reference_trees(git_repository *repo, struct apply_target *t,
			       size_t nr, size_t *out_nr, const char ***names)
{
	git_oid *trees = xcalloc(nr + 1, sizeof(*trees));
	size_t *order = xcalloc(nr + 1, sizeof(*order));
	size_t n = 0;

	if (names)
		*names = xcalloc(nr + 1, sizeof(**names));
	for (size_t i = 0; i < nr; i++)
		order[i] = i;
	for (size_t i = 0; i < nr; i++)
		for (size_t k = i + 1; k < nr; k++)
			if (t[order[k]].version > t[order[i]].version) {
				size_t x = order[i];

				order[i] = order[k];
				order[k] = x;
			}
	for (size_t i = 0; i < nr; i++) {
		struct apply_target *ti = &t[order[i]];
		git_commit *c = NULL;

		if (!resolve_target(&c, repo, ti)) {
			git_oid_cpy(&ti->base, git_commit_id(c));
			if (names)
				(*names)[n] = ti->name;
			git_oid_cpy(&trees[n++], git_commit_tree_id(c));
		} else {
			error_clear();
		}
		git_commit_free(c);
	}
	free(order);
	*out_nr = n;
	return trees;
}

int apply_objects_in_memory(git_repository *repo)
{
	git_odb_backend *mem = NULL;
	git_odb *odb = NULL;
	int ret = 0;

	if (git_repository_odb(&odb, repo) < 0)
		return error_git("cannot open the object database");
	if (git_mempack_new(&mem) < 0 ||
	    git_odb_add_backend(odb, mem, 1000) < 0) {
		if (mem)
			mem->free(mem);
		ret = error_git("cannot add an in-memory object store");
	}
	git_odb_free(odb);
	return ret;
}

bool apply_target_failed(const struct apply_target *t)
{
	for (size_t i = 0; i < t->nr; i++)
		if (verdict_is_failure(t->patches[i].verdict))
			return true;
	return false;
}

/*
 * One hunk: where locate put it (status "missing-file" when its file is
 * not there), and how it was judged in the end (`judged`, judge.h) with
 * the content evidence (`presence`, `where`).
 */
static json_t *hunk_json(const struct apply_file *af, size_t k,
			 const struct patch_hunk *h)
{
	static const struct locate_hunk_result none = { .status = HUNK_FAILED };
	const struct locate_hunk_result *hr =
		k < af->loc.nr ? &af->loc.hunks[k] : &none;
	json_t *o = json_pack("{s:i, s:s, s:I, s:I, s:i, s:b}", "old_start",
			      (int)h->old_start, "status",
			      k < af->loc.nr ? locate_status_name(hr->status) :
					       "missing-file",
			      "line", (json_int_t)hr->pos, "offset",
			      (json_int_t)hr->offset, "fuzz", (int)hr->fuzz,
			      "whitespace", hr->whitespace);
	json_t *rep = json_array();

	json_object_set_new(o, "reason",
			    hr->reason ? json_string(hr->reason) : json_null());
	for (size_t r = 0; r < hr->repairs_nr; r++)
		json_array_append_new(
			rep,
			json_pack("{s:I, s:s, s:s}", "line",
				  (json_int_t)hr->repairs[r].out_line, "how",
				  hr->repairs[r].how == REPAIR_FROM_REFERENCE ?
					  "reference" :
					  "guessed",
				  "text", hr->repairs[r].text));
	json_object_set_new(o, "repaired", rep);
	if (k < af->hunks_nr) {
		json_object_set_new(o, "judged",
				    json_string(judge_hunk_name(af->how[k])));
		json_object_set_new(o, "presence",
				    af->pres[k].reason ?
					    json_string(af->pres[k].reason) :
					    json_null());
		json_object_set_new(o, "where",
				    af->where[k] ? json_string(af->where[k]) :
						   json_null());
	}
	return o;
}

json_t *apply_target_to_json(const struct apply_target *t)
{
	char hex[GIT_OID_SHA1_HEXSIZE + 1];
	json_t *patches = json_array(), *o;

	for (size_t i = 0; i < t->nr; i++) {
		const struct apply_patch *ap = &t->patches[i];
		const struct patch *p = &ap->sp->mail->patch;
		json_t *files = json_array(), *pj;

		for (size_t f = 0; f < ap->nr; f++) {
			const struct apply_file *af = &ap->files[f];
			json_t *hunks = json_array();

			for (size_t h = 0; h < p->files[f].nr; h++)
				json_array_append_new(
					hunks,
					hunk_json(af, h,
						  &p->files[f].hunks[h]));
			json_array_append_new(
				files,
				json_pack("{s:s, s:b, s:b, s:b, s:o}", "path",
					  af->path, "missing", af->missing,
					  "merged", af->merged,
					  "merge_conflict", af->merge_conflict,
					  "hunks", hunks));
		}
		pj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:i, s:i}",
			       "file", ap->sp->file, "title",
			       ap->sp->mail->subj.title, "verdict",
			       verdict_name(ap->verdict), "would_be",
			       verdict_name(ap->would_be), "detail",
			       ap->detail ? ap->detail : "", "files", files,
			       "repaired_from_reference",
			       (int)ap->repaired_from_reference,
			       "repaired_guessed", (int)ap->repaired_guessed);
		if (ap->resolution &&
		    (ap->verdict == VERDICT_RESOLVED_RECORDED ||
		     ap->verdict == VERDICT_STALE_RESOLUTION))
			json_object_set_new(pj, "resolution",
					    json_sprintf("%s/%s",
							 ap->resolution->dir,
							 ap->resolution->file));
		else
			json_object_set_new(pj, "resolution", json_null());
		{
			json_t *rn = json_array();

			for (size_t k = 0; k < ap->renames.nr; k++)
				json_array_append_new(
					rn, json_string(ap->renames.v[k]));
			json_object_set_new(pj, "renames", rn);
		}
		json_object_set_new(pj, "history",
				    ap->history ? json_string(ap->history) :
						  json_null());
		{
			json_t *needs = json_array();

			for (size_t k = 0; k < ap->needs.nr; k++)
				json_array_append_new(
					needs, json_string(ap->needs.v[k]));
			json_object_set_new(pj, "needs", needs);
		}
		if (ap->has_commit) {
			git_oid_tostr(hex, sizeof(hex), &ap->commit);
			json_object_set_new(pj, "commit", json_string(hex));
		} else {
			json_object_set_new(pj, "commit", json_null());
		}
		json_array_append_new(patches, pj);
	}
	o = json_pack("{s:s, s:s, s:o, s:s}", "target", t->name, "branch",
		      t->branch, "rev",
		      t->rev ? json_string(t->rev) : json_null(), "ref",
		      t->ref);
	git_oid_tostr(hex, sizeof(hex), &t->base);
	json_object_set_new(o, "base", json_string(hex));
	git_oid_tostr(hex, sizeof(hex), &t->tip);
	json_object_set_new(o, "tip", json_string(hex));
	json_object_set_new(o, "patches", patches);
	return o;
}
