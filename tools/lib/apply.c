// SPDX-License-Identifier: GPL-2.0
/*
 * apply: a series onto one target, in memory, with a verdict per patch.
 * See apply.h for the order in which a patch is judged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "apply.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void apply_target_init(struct apply_target *t)
{
	memset(t, 0, sizeof(*t));
}

static void apply_file_release(struct apply_file *f)
{
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
	strvec_clear(&p->renames);
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
				 "repository", t->branch);
	if (t->rev) {
		char *spec = xstrfmt("%s^{commit}", t->rev);

		git_object_free(obj);
		obj = NULL;
		ret = git_revparse_single(&obj, repo, spec);
		free(spec);
		if (ret < 0)
			return error_set("'%s': no release or commit '%s' in "
					 "the repository", t->name, t->rev);
	}
	ret = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (ret < 0)
		return error_git("'%s' is not a commit", t->name);
	return 0;
}

/*
 * The content of `path` in `tree`. *found is false when it is not there;
 * a directory or a submodule there is reported in *kind.
 */
static int read_path(struct strbuf *out, bool *found, git_filemode_t *mode,
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

/* Is a commit titled `title` among the `depth` last of `from`? */
static int find_in_history(git_oid *found, git_repository *repo,
			   const git_oid *from, const char *title,
			   unsigned depth)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int ret = 0;

	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, from) < 0)
		return error_git("cannot walk history");
	git_revwalk_sorting(walk, GIT_SORT_TIME);
	while (depth-- && !git_revwalk_next(&oid, walk)) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, repo, &oid) < 0)
			break;
		if (git_commit_summary(c) && !strcmp(git_commit_summary(c), title)) {
			git_oid_cpy(found, &oid);
			ret = 1;
		}
		git_commit_free(c);
		if (ret)
			break;
	}
	git_revwalk_free(walk);
	return ret;
}

static bool is_ident_char(int c)
{
	return isalnum(c) || c == '_';
}

static bool is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {
		"if", "for", "while", "switch", "return", "sizeof", "defined",
		"typeof", "__typeof__", "do", "case", "else", "likely",
		"unlikely", "WARN_ON", "WARN_ON_ONCE", "BUG_ON", "READ_ONCE",
		"WRITE_ONCE", "container_of", "ARRAY_SIZE", "min", "max",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strlen(kw[i]) == n && !strncmp(kw[i], s, n))
			return true;
	return false;
}

/* Does `word` stand as a whole word in `buf`? */
static bool has_word(const char *buf, size_t len, const char *word)
{
	size_t n = strlen(word);
	const char *p = buf, *end = buf + len;

	while ((p = memmem(p, end - p, word, n))) {
		bool left = p == buf || !is_ident_char((unsigned char)p[-1]);
		bool right = p + n == end || !is_ident_char((unsigned char)p[n]);

		if (left && right)
			return true;
		p += n;
	}
	return false;
}

/*
 * Append to `out` each function name ("name" followed by '(') in the
 * lines of `h` of the kinds in `kinds` ("+- "), once.
 */
static void hunk_functions(struct strvec *out, const struct patch_hunk *h,
			   const char *kinds)
{
	for (size_t i = 0; i < h->nr; i++) {
		const struct patch_line *l = &h->lines[i];
		const char *s = l->text, *end = l->text + l->len;

		if (!strchr(kinds, l->kind))
			continue;
		while (s < end) {
			const char *w = s;
			size_t n;
			bool dup = false;

			if (!is_ident_char((unsigned char)*s) ||
			    isdigit((unsigned char)*s)) {
				s++;
				continue;
			}
			while (s < end && is_ident_char((unsigned char)*s))
				s++;
			n = s - w;
			if (s >= end || *s != '(' || n < 4 || is_keyword(w, n))
				continue;
			for (size_t k = 0; k < out->nr && !dup; k++)
				dup = strlen(out->v[k]) == n &&
				      !strncmp(out->v[k], w, n);
			if (!dup) {
				char *word = xstrndup(w, n);

				strvec_push(out, word);
				free(word);
			}
		}
	}
}

static bool strvec_has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}

/*
 * Why a hunk failed, from the functions its old side names that the
 * file lacks:
 *  - HUNK_NEEDS: it relies on functions the branch lacks (ones the patch
 *    keeps or calls): the patch needs code the branch does not have;
 *  - HUNK_GONE: the only functions it lacks are ones the patch removes
 *    altogether: that removal is done already, in some form;
 *  - HUNK_DIFFERS: the code it touches is there and differs.
 */
enum hunk_why { HUNK_DIFFERS, HUNK_NEEDS, HUNK_GONE };

/*
 * The functions of `h`'s old side that `buf` lacks, split into those the
 * patch relies on (in `relied`: its context and '+' lines) and those it
 * only removes.
 */
static void hunk_lacks(struct strvec *needs, struct strvec *removes,
		       const struct patch_hunk *h, const struct strvec *relied,
		       const char *buf, size_t len)
{
	struct strvec old = STRVEC_INIT;

	hunk_functions(&old, h, " -");
	for (size_t i = 0; i < old.nr; i++) {
		if (has_word(buf, len, old.v[i]))
			continue;
		strvec_push(strvec_has(relied, old.v[i]) ? needs : removes,
			    old.v[i]);
	}
	strvec_clear(&old);
}

static bool is_source(const char *name)
{
	return ends_with(name, ".c") || ends_with(name, ".h");
}

/* Clear (free and NULL) each word of `words` that `buf` holds. */
static size_t strike_words(char **words, size_t nr, const char *buf,
			   size_t len)
{
	size_t left = 0;

	for (size_t i = 0; i < nr; i++) {
		if (words[i] && has_word(buf, len, words[i])) {
			free(words[i]);
			words[i] = NULL;
		}
		left += words[i] != NULL;
	}
	return left;
}

/*
 * A function the file lacks may be defined in a header: look for each
 * of `words` in the .c and .h files of the directories around `path`
 * (its own and those above it, the arch's include/asm) and in
 * include/linux, and drop the ones found. What is left is missing on the
 * branch.
 */
static int strike_defined_nearby(struct strvec *words, git_repository *repo,
				 git_tree *tree, const char *path)
{
	struct strvec dirs = STRVEC_INIT;
	char *d = xstrdup(path), *slash;
	size_t left = words->nr;
	int ret = 0;

	while ((slash = strrchr(d, '/'))) {
		*slash = '\0';
		strvec_push(&dirs, d);
	}
	if (starts_with(path, "arch/")) {
		const char *a = path + 5, *e = strchr(a, '/');

		if (e)
			strvec_pushf(&dirs, "arch/%.*s/include/asm",
				     (int)(e - a), a);
	}
	strvec_pushl(&dirs, "include/linux", "include/asm-generic", NULL);
	for (size_t i = 0; i < dirs.nr && left; i++) {
		git_tree_entry *te = NULL;
		git_tree *sub = NULL;

		if (git_tree_entry_bypath(&te, tree, dirs.v[i]) < 0 ||
		    git_tree_entry_type(te) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0) {
			git_tree_entry_free(te);
			error_clear();
			continue;
		}
		for (size_t k = 0; k < git_tree_entrycount(sub) && left; k++) {
			const git_tree_entry *e = git_tree_entry_byindex(sub, k);
			git_blob *b = NULL;

			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
			    !is_source(git_tree_entry_name(e)))
				continue;
			if (git_blob_lookup(&b, repo, git_tree_entry_id(e)) < 0) {
				ret = error_git("cannot read '%s/%s'",
						dirs.v[i],
						git_tree_entry_name(e));
				break;
			}
			left = strike_words(words->v, words->nr,
					    git_blob_rawcontent(b),
					    git_blob_rawsize(b));
			git_blob_free(b);
		}
		git_tree_free(sub);
		git_tree_entry_free(te);
	}
	/* Compact what is left. */
	{
		size_t n = 0;

		for (size_t i = 0; i < words->nr; i++)
			if (words->v[i])
				words->v[n++] = words->v[i];
		words->nr = n;
		if (words->v != strvec_empty)
			words->v[n] = NULL;
	}
	strvec_clear(&dirs);
	free(d);
	return ret;
}

static void join(struct strbuf *sb, const struct strvec *v, size_t max)
{
	for (size_t i = 0; i < v->nr && i < max; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", v->v[i]);
	if (v->nr > max)
		strbuf_addf(sb, " and %zu more", v->nr - max);
}

struct judge {
	git_repository *repo;
	git_tree *tree;			/* the tree the patch goes onto */
	const struct apply_opts *opts;
	struct apply_target *t;
	struct apply_patch *ap;
	const struct patch *patch;
	struct strbuf detail;
	/* Replaying a recorded resolution: no fuzz, no whitespace games. */
	bool exact;
	/* The mail was damaged (kept when renames rewrite a copy). */
	bool damaged;
};

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
		ret = read_path(out, &found, &mode, &kind, j->repo, tree, path);
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
static int locate_files(struct judge *j, struct strvec *problems)
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

		ret = read_path(&cur, &found, &mode, &kind, j->repo, j->tree,
				src);
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

static void count_hunks(const struct apply_patch *ap, size_t *total,
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

/* "mmu.c hunk 3 (@@ -6986,6 +6981,24 @@): reason" for each failing hunk. */
static void describe_hunks(struct strbuf *sb, const struct apply_patch *ap,
			   const struct patch *p, enum locate_hunk_status want,
			   const char *what)
{
	bool first = true;

	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;
		const struct patch_file *pf = &p->files[i];

		for (size_t h = 0; h < r->nr; h++) {
			const struct locate_hunk_result *hr = &r->hunks[h];

			if (hr->status != want)
				continue;
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)", first ? "" : "; ",
				    ap->files[i].path, h + 1,
				    pf->hunks[h].old_start,
				    pf->hunks[h].old_count);
			if (what)
				strbuf_addf(sb, " %s", what);
			else if (hr->reason)
				strbuf_addf(sb, ": %s", hr->reason);
			first = false;
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
		git_merge_file_input_init(&theirs, GIT_MERGE_FILE_INPUT_VERSION);
		git_merge_file_options_init(&mo, GIT_MERGE_FILE_OPTIONS_VERSION);
		if (!af->loc.failed_nr)
			continue;
		if (!pf->old_oid || strspn(pf->old_oid, "0") ==
					    strlen(pf->old_oid) ||
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
		if (read_path(&cur, &found, &mode, &kind, j->repo, j->tree,
			      af->old_path) < 0) {
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

/* Did an earlier patch that did not apply touch one of our failing files? */
static const struct apply_patch *depends_on(const struct apply_target *t,
					    const struct apply_patch *ap)
{
	for (size_t k = 0; k < t->nr && &t->patches[k] != ap; k++) {
		const struct apply_patch *e = &t->patches[k];

		if (verdict_is_applied(e->verdict) ||
		    e->verdict == VERDICT_ALREADY_PRESENT)
			continue;
		for (size_t a = 0; a < e->nr; a++)
			for (size_t b = 0; b < ap->nr; b++)
				if ((ap->files[b].loc.failed_nr ||
				     ap->files[b].missing) &&
				    !strcmp(e->files[a].path, ap->files[b].path))
					return e;
	}
	return NULL;
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
					strbuf_addf(d, "%s hunk %zu by %+ld "
						    "lines; ",
						    ap->files[i].path, h + 1,
						    hr->offset);
			}
		strbuf_setlen(d, d->len - 2);
		return VERDICT_APPLIED_OFFSET;
	}
	describe_hunks(d, ap, j->patch, HUNK_FUZZ, NULL);
	if (d->len && repaired)
		strbuf_addstr(d, "; ");
	if (repaired)
		strbuf_addf(d, "damaged mail repaired against the tree: %zu "
			       "added line%s re-indented from a newer tree, %zu "
			       "guessed from their neighbours",
			    ap->repaired_from_reference,
			    ap->repaired_from_reference == 1 ? "" : "s",
			    ap->repaired_guessed);
	return VERDICT_APPLIED_FUZZ;
}

/* Does the hunk add lines (positive evidence when found applied)? */
static bool hunk_adds(const struct patch_hunk *h)
{
	for (size_t i = 0; i < h->nr; i++)
		if (h->lines[i].kind == PATCH_LINE_ADD &&
		    strspn(h->lines[i].text, " \t") < h->lines[i].len)
			return true;
	return false;
}

struct failed_hunk {
	size_t file, hunk;
	struct strvec needs, removes;
	enum hunk_why why;
};

/*
 * Some hunks failed. Hunks found applied that add lines are evidence of
 * the change being there in a reworked form: partially-present. Without
 * such evidence: not-applicable when failing hunks need functions the
 * branch lacks; present when what fails only removes code that is gone;
 * else depends, merged-3way or conflict.
 */
static enum verdict judge_failed(struct judge *j, size_t total,
				 size_t already)
{
	struct apply_patch *ap = j->ap;
	const struct patch *p = j->patch;
	struct strbuf *d = &j->detail;
	struct strbuf gone = STRBUF_INIT, differs = STRBUF_INIT;
	struct strvec relied = STRVEC_INIT, missing = STRVEC_INIT;
	struct failed_hunk *fh = NULL;
	size_t fh_nr = 0, fh_alloc = 0, n_gone = 0, strong = 0;
	const struct apply_patch *dep;
	enum verdict v = VERDICT__COUNT;
	int three;

	for (size_t i = 0; i < p->nr; i++)
		for (size_t h = 0; h < p->files[i].nr; h++)
			hunk_functions(&relied, &p->files[i].hunks[h], " +");
	/* The functions each failing hunk lacks in its file. */
	for (size_t i = 0; i < ap->nr; i++) {
		const struct locate_result *r = &ap->files[i].loc;
		struct strbuf cur = STRBUF_INIT;
		const char *kind;
		git_filemode_t mode;
		bool found;

		for (size_t h = 0; h < r->nr; h++)
			if (r->hunks[h].status == HUNK_ALREADY_APPLIED &&
			    hunk_adds(&p->files[i].hunks[h]))
				strong++;
		if (!r->failed_nr)
			continue;
		if (read_path(&cur, &found, &mode, &kind, j->repo, j->tree,
			      ap->files[i].old_path) < 0)
			goto out;
		for (size_t h = 0; h < r->nr; h++) {
			struct failed_hunk *f;

			if (r->hunks[h].status != HUNK_FAILED)
				continue;
			ALLOC_GROW(fh, fh_nr + 1, fh_alloc);
			f = &fh[fh_nr++];
			f->file = i;
			f->hunk = h;
			strvec_init(&f->needs);
			strvec_init(&f->removes);
			hunk_lacks(&f->needs, &f->removes,
				   &p->files[i].hunks[h], &relied, cur.buf,
				   cur.len);
			/* Defined in a header is not lacking. */
			if (f->needs.nr &&
			    strike_defined_nearby(&f->needs, j->repo, j->tree,
						  ap->files[i].old_path) < 0) {
				strbuf_release(&cur);
				goto out;
			}
			f->why = f->needs.nr ? HUNK_NEEDS :
				 f->removes.nr ? HUNK_GONE : HUNK_DIFFERS;
		}
		strbuf_release(&cur);
	}
	for (size_t k = 0; k < fh_nr; k++) {
		const struct failed_hunk *f = &fh[k];
		const struct patch_hunk *ph = &p->files[f->file].hunks[f->hunk];
		const char *reason = ap->files[f->file].loc.hunks[f->hunk].reason;
		struct strbuf *sb = f->why == HUNK_GONE ? &gone : &differs;

		for (size_t w = 0; w < f->needs.nr; w++)
			if (!strvec_has(&missing, f->needs.v[w]))
				strvec_push(&missing, f->needs.v[w]);
		n_gone += f->why == HUNK_GONE;
		strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)", sb->len ? "; " : "",
			    ap->files[f->file].path, f->hunk + 1,
			    ph->old_start, ph->old_count);
		if (f->why == HUNK_NEEDS) {
			strbuf_addstr(sb, ": needs ");
			for (size_t w = 0; w < f->needs.nr; w++)
				strbuf_addf(sb, "%s%s()", w ? ", " : "",
					    f->needs.v[w]);
		} else if (f->why == HUNK_DIFFERS && reason) {
			strbuf_addf(sb, ": %s", reason);
		}
	}
	if (strong) {
		describe_hunks(d, ap, p, HUNK_ALREADY_APPLIED,
			       "already present");
		if (gone.len)
			strbuf_addf(d, "; %s: removes what is gone already",
				    gone.buf);
		if (differs.len)
			strbuf_addf(d, "; %s", differs.buf);
		v = differs.len ? VERDICT_PARTIALLY_PRESENT :
				  VERDICT_ALREADY_PRESENT;
		goto out;
	}
	if (missing.nr) {
		for (size_t i = 0; i < missing.nr && i < 4; i++)
			strbuf_addf(d, "%s%s()", i ? ", " : "", missing.v[i]);
		if (missing.nr > 4)
			strbuf_addf(d, " and %zu more", missing.nr - 4);
		strbuf_addf(d, " %s not exist on %s (%s)",
			    missing.nr == 1 ? "does" : "do", j->t->name,
			    differs.buf);
		v = VERDICT_NOT_APPLICABLE;
		goto out;
	}
	if (already + n_gone) {
		if (already)
			describe_hunks(d, ap, p, HUNK_ALREADY_APPLIED,
				       "already present");
		if (gone.len)
			strbuf_addf(d, "%s%s: removes what is gone already",
				    d->len ? "; " : "", gone.buf);
		if (differs.len)
			strbuf_addf(d, "; %s", differs.buf);
		v = differs.len || already + n_gone < total ?
			VERDICT_PARTIALLY_PRESENT : VERDICT_ALREADY_PRESENT;
		goto out;
	}
	dep = depends_on(j->t, ap);
	if (dep) {
		strbuf_addf(d, "builds on '%s', which did not apply; %s",
			    dep->sp->mail->subj.title, differs.buf);
		v = VERDICT_DEPENDS;
		goto out;
	}
	three = try_three_way(j);
	if (three > 0) {
		strbuf_addstr(d, "3-way merge from the preimage blob");
		v = VERDICT_MERGED_3WAY;
	} else if (!three) {
		strbuf_addbuf(d, &differs);
		v = VERDICT_CONFLICT;
	}
out:
	for (size_t k = 0; k < fh_nr; k++) {
		strvec_clear(&fh[k].needs);
		strvec_clear(&fh[k].removes);
	}
	free(fh);
	strbuf_release(&gone);
	strbuf_release(&differs);
	strvec_clear(&relied);
	strvec_clear(&missing);
	return v;
}

/* The verdict of a patch whose files were located. */
static enum verdict judge_located(struct judge *j, struct strvec *problems)
{
	struct apply_patch *ap = j->ap;
	struct strbuf *d = &j->detail;
	struct strvec files = STRVEC_INIT;
	enum locate_hunk_status worst;
	size_t total, failed, already;

	if (problems->nr) {
		join(d, problems, 3);
		return VERDICT_CONFLICT;
	}
	for (size_t i = 0; i < ap->nr; i++)
		if (ap->files[i].missing)
			strvec_push(&files, ap->files[i].old_path);
	if (files.nr) {
		join(d, &files, 3);
		strbuf_addf(d, " %s not exist on %s",
			    files.nr == 1 ? "does" : "do", j->t->name);
		strvec_clear(&files);
		return VERDICT_NOT_APPLICABLE;
	}
	count_hunks(ap, &total, &failed, &already, &worst);
	count_repairs(ap);
	if (!failed && already == total) {
		strbuf_addf(d, "every hunk's change is already there (%zu "
			       "hunk%s)", total, total == 1 ? "" : "s");
		return VERDICT_ALREADY_PRESENT;
	}
	if (!failed && already) {
		describe_hunks(d, ap, j->patch, HUNK_ALREADY_APPLIED,
			       "already present");
		strbuf_addstr(d, "; the other hunks would apply");
		return VERDICT_PARTIALLY_PRESENT;
	}
	if (!failed)
		return judge_applied(j, worst);
	return judge_failed(j, total, already);
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
		return git_signature_new(out, name && *name ? name : "unknown",
					 email && *email ? email :
							   "unknown@unknown",
					 when, 0);
	if (git_signature_default(out, repo) == 0)
		return 0;
	return git_signature_now(out, "backport", "backport@localhost");
}

/* Write the new tree and a commit on top of t->tip. */
static int commit_patch(struct judge *j, git_tree **tree)
{
	struct apply_patch *ap = j->ap;
	const struct mail *m = ap->resolution &&
		ap->verdict == VERDICT_RESOLVED_RECORDED ?
		ap->resolution->mail : ap->sp->mail;
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
		if (git_blob_create_from_buffer(&af->blob, j->repo, content->buf,
						content->len) < 0) {
			error_git("cannot write blob of '%s'", af->path);
			goto out;
		}
		ups[n].action = GIT_TREE_UPDATE_UPSERT;
		git_oid_cpy(&ups[n].id, &af->blob);
		ups[n].filemode = pf->new_mode == 0100755 ?
			GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
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
		error_git("cannot write the tree of '%s' on '%s'",
			  ap->sp->file, j->t->name);
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
	    read_path(&cur, &found, &mode, &kind, j->repo, j->tree,
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
	if (locate_files(j, &problems) < 0)
		goto out;
	for (size_t i = 0; i < ap->nr; i++) {
		struct apply_file *af = &ap->files[i];
		const struct locate_result *lr = &af->loc;
		int m;

		for (size_t h = 0; h < lr->nr; h++)
			offsets += lr->hunks[h].status == HUNK_OFFSET;
		if (!af->missing && !lr->failed_nr && !lr->already_nr)
			continue;
		m = af->missing ? 0 :
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
		strbuf_addf(d, "the resolution recorded on %s (%s/%s) no "
			       "longer applies: ", r->target, r->dir, r->file);
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
	strbuf_addf(d, "%s on %s (%s/%s)", j->ap->reused ?
		    "reused the resolution recorded" : "recorded", r->target,
		    r->dir, r->file);
	if (merged)
		strbuf_addf(d, "; the branch moved: 3-way merge of the "
			       "resolution onto %zu file%s", merged,
			    merged == 1 ? "" : "s");
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
			b->lines = xcalloc(a->nr ? a->nr : 1,
					   sizeof(*b->lines));
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
	if (locate_files(j, &problems) < 0) {
		v = VERDICT_CONFLICT;
		goto out;
	}
	count_hunks(ap, &total, &failed, &already, &worst);
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
			    worst == HUNK_FUZZ ? "with fuzz" :
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
		p = memchr(p, '\n', xe - p) ? (char *)memchr(p, '\n', xe - p) + 1 : xe;
	for (long i = 1; i < b && q < ye; i++)
		q = memchr(q, '\n', ye - q) ? (char *)memchr(q, '\n', ye - q) + 1 : ye;
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
		if (read_path(&cur, &found, &mode, &kind, j->repo, j->tree,
			      af->old_path) < 0) {
			error_clear();
			strbuf_release(&cur);
			goto out;
		}
		strbuf_addbuf(&work[i], &r->out);
		for (size_t h = r->nr; h-- > 0;) {
			const struct locate_hunk_result *hr = &r->hunks[h];
			const struct patch_hunk *ph = &j->patch->files[i].hunks[h];
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
			if (!e || !same_lines(cur.buf, cur.len,
					      hr->pos - e->before,
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
	strbuf_addf(&j->detail, "reused %zu remembered hunk resolution%s: ",
		    used, used == 1 ? "" : "s");
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
static enum verdict try_recorded(struct judge *j, enum verdict v,
				 struct patch *copy)
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
	ap->resolution = resolution_find(&j->t->store, m->patch.patch_id,
					 m->subj.title);
	if (!ap->resolution) {
		/* Another branch's resolution of the same patch. */
		ap->resolution = resolution_find(&j->t->others,
						 m->patch.patch_id,
						 m->subj.title);
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

static int judge_patch(struct apply_target *t, git_repository *repo,
		       git_tree **tree, const struct series_patch *sp,
		       const struct apply_opts *opts)
{
	struct judge j = { .repo = repo, .tree = *tree, .opts = opts, .t = t };
	struct strvec problems = STRVEC_INIT;
	struct patch renamed = PATCH_INIT;
	struct apply_patch *ap;
	const struct mail *m = sp->mail;
	git_oid found;
	enum verdict v;
	int ret = -1, hist;

	ALLOC_GROW(t->patches, t->nr + 1, t->alloc);
	ap = &t->patches[t->nr++];
	memset(ap, 0, sizeof(*ap));
	strvec_init(&ap->renames);
	ap->sp = sp;
	git_oid_cpy(&ap->before, &t->tip);
	j.ap = ap;
	j.patch = &m->patch;
	j.damaged = patch_is_damaged(&m->patch);
	strbuf_init(&j.detail, 0);

	if (locate_files(&j, &problems) < 0)
		goto out;
	hist = find_in_history(&found, repo, &t->base, m->subj.title,
			       opts->history_depth);
	if (hist < 0)
		goto out;
	if (hist) {
		char hex[GIT_OID_SHA1_HEXSIZE + 1];

		git_oid_tostr(hex, sizeof(hex), &found);
		strbuf_addf(&j.detail, "as commit %.12s (same title)", hex);
		v = VERDICT_ALREADY_PRESENT;
	} else {
		v = judge_located(&j, &problems);
		if (v == VERDICT__COUNT)
			goto out;
		v = try_recorded(&j, v, &renamed);
		if (v == VERDICT__COUNT)
			goto out;
	}
	if (m->stable.present && !opts->all_branches && t->version &&
	    !stable_tag_wants(&m->stable, t->version)) {
		struct strbuf d = STRBUF_INIT;

		strbuf_addf(&d, "stable tag '# %s' does not ask for %u.%u; "
			    "would be %s", m->stable.qualifier ?
			    m->stable.qualifier : "", t->version / 1000,
			    t->version % 1000, verdict_name(v));
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
	if (verdict_is_applied(v) && opts->write_commits &&
	    commit_patch(&j, tree) < 0)
		goto out;
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
				 "judged on a partial history", t->name);
	if (resolve_target(&base, repo, t) < 0)
		return -1;
	if (opts->backports &&
	    (resolution_store_load(&t->store, opts->backports, t->branch) < 0 ||
	     resolution_store_load_others(&t->others, opts->backports,
					  t->branch) < 0 ||
	     hunkmem_load(&t->hunks, opts->backports) < 0 ||
	     renames_load(&t->renames, opts->backports, t->branch) < 0))
		return -1;
	git_oid_cpy(&t->base, git_commit_id(base));
	git_oid_cpy(&t->tip, git_commit_id(base));
	if (git_commit_tree(&tree, base) < 0) {
		error_git("cannot read the tree of '%s'", t->name);
		goto out;
	}
	for (size_t i = 0; i < s->nr; i++) {
		if (judge_patch(t, repo, &tree, &s->patches[i], opts) < 0) {
			error_prefix("'%s' on '%s': ", s->patches[i].file,
				     t->name);
			goto out;
		}
	}
	ret = 0;
out:
	git_tree_free(tree);
	git_commit_free(base);
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
	if (git_mempack_new(&mem) < 0 || git_odb_add_backend(odb, mem, 1000) < 0) {
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

static json_t *hunk_json(const struct locate_hunk_result *hr,
			 const struct patch_hunk *h)
{
	json_t *o = json_pack("{s:i, s:s, s:I, s:I, s:i, s:b}", "old_start",
			      (int)h->old_start, "status",
			      locate_status_name(hr->status), "line",
			      (json_int_t)hr->pos, "offset",
			      (json_int_t)hr->offset, "fuzz", (int)hr->fuzz,
			      "whitespace", hr->whitespace);
	json_t *rep = json_array();

	json_object_set_new(o, "reason", hr->reason ? json_string(hr->reason) :
						      json_null());
	for (size_t k = 0; k < hr->repairs_nr; k++)
		json_array_append_new(rep, json_pack(
			"{s:I, s:s, s:s}", "line",
			(json_int_t)hr->repairs[k].out_line, "how",
			hr->repairs[k].how == REPAIR_FROM_REFERENCE ?
				"reference" : "guessed",
			"text", hr->repairs[k].text));
	json_object_set_new(o, "repaired", rep);
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

			for (size_t h = 0; h < af->loc.nr; h++)
				json_array_append_new(hunks, hunk_json(
					&af->loc.hunks[h], &p->files[f].hunks[h]));
			json_array_append_new(files, json_pack(
				"{s:s, s:b, s:b, s:b, s:o}", "path", af->path,
				"missing", af->missing, "merged", af->merged,
				"merge_conflict", af->merge_conflict, "hunks",
				hunks));
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
		if (ap->resolution && (ap->verdict == VERDICT_RESOLVED_RECORDED ||
				       ap->verdict == VERDICT_STALE_RESOLUTION))
			json_object_set_new(pj, "resolution", json_sprintf(
				"%s/%s", ap->resolution->dir,
				ap->resolution->file));
		else
			json_object_set_new(pj, "resolution", json_null());
		{
			json_t *rn = json_array();

			for (size_t k = 0; k < ap->renames.nr; k++)
				json_array_append_new(rn, json_string(
					ap->renames.v[k]));
			json_object_set_new(pj, "renames", rn);
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
		      t->branch, "rev", t->rev ? json_string(t->rev) :
						 json_null(), "ref", t->ref);
	git_oid_tostr(hex, sizeof(hex), &t->base);
	json_object_set_new(o, "base", json_string(hex));
	git_oid_tostr(hex, sizeof(hex), &t->tip);
	json_object_set_new(o, "tip", json_string(hex));
	json_object_set_new(o, "patches", patches);
	return o;
}
