// SPDX-License-Identifier: GPL-2.0
/*
 * judge: the verdict of one patch on one tree, from where its hunks land
 * (locate.h). See judge.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static bool is_ident_char(int c)
{
	return isalnum(c) || c == '_';
}

static bool is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = {
		"if",	      "for",	   "while",	 "switch",
		"return",     "sizeof",	   "defined",	 "typeof",
		"__typeof__", "do",	   "case",	 "else",
		"likely",     "unlikely",  "WARN_ON",	 "WARN_ON_ONCE",
		"BUG_ON",     "READ_ONCE", "WRITE_ONCE", "container_of",
		"ARRAY_SIZE", "min",	   "max",
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
		bool right = p + n == end ||
			     !is_ident_char((unsigned char)p[n]);

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
static size_t strike_words(char **words, size_t nr, const char *buf, size_t len)
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
			const git_tree_entry *e =
				git_tree_entry_byindex(sub, k);
			git_blob *b = NULL;

			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
			    !is_source(git_tree_entry_name(e)))
				continue;
			if (git_blob_lookup(&b, repo, git_tree_entry_id(e)) <
			    0) {
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
			strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)",
				    first ? "" : "; ", ap->files[i].path, h + 1,
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
				    !strcmp(e->files[a].path,
					    ap->files[b].path))
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
					strbuf_addf(d,
						    "%s hunk %zu by %+ld "
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
		strbuf_addf(d,
			    "damaged mail repaired against the tree: %zu "
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
static enum verdict judge_failed(struct judge *j, size_t total, size_t already)
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
		if (judge_read_path(&cur, &found, &mode, &kind, j->repo,
				    j->tree, ap->files[i].old_path) < 0)
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
			f->why = f->needs.nr   ? HUNK_NEEDS :
				 f->removes.nr ? HUNK_GONE :
						 HUNK_DIFFERS;
		}
		strbuf_release(&cur);
	}
	for (size_t k = 0; k < fh_nr; k++) {
		const struct failed_hunk *f = &fh[k];
		const struct patch_hunk *ph = &p->files[f->file].hunks[f->hunk];
		const char *reason =
			ap->files[f->file].loc.hunks[f->hunk].reason;
		struct strbuf *sb = f->why == HUNK_GONE ? &gone : &differs;

		for (size_t w = 0; w < f->needs.nr; w++)
			if (!strvec_has(&missing, f->needs.v[w]))
				strvec_push(&missing, f->needs.v[w]);
		n_gone += f->why == HUNK_GONE;
		strbuf_addf(sb, "%s%s hunk %zu (-%u,%u)", sb->len ? "; " : "",
			    ap->files[f->file].path, f->hunk + 1, ph->old_start,
			    ph->old_count);
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
			    VERDICT_PARTIALLY_PRESENT :
			    VERDICT_ALREADY_PRESENT;
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
enum verdict judge_located(struct judge *j, struct strvec *problems)
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
	judge_count_hunks(ap, &total, &failed, &already, &worst);
	count_repairs(ap);
	if (!failed && already == total) {
		strbuf_addf(d,
			    "every hunk's change is already there (%zu "
			    "hunk%s)",
			    total, total == 1 ? "" : "s");
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
